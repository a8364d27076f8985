# deployChecks applied to one of deploys.nix: nix-build checks.nix --argstr name valid -A deploy-schema
{ system ? builtins.currentSystem, name }:
let
  pkgs = import ./nixpkgs-stand-in/pkgs.nix { inherit system; };
  lib = import ../lib.nix { inherit pkgs; };
in
lib.deployChecks (import ./deploys.nix { inherit system; }).${name}
