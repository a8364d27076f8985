# deployChecks applied to one of deploys.nix: nix-build checks.nix --argstr name valid -A deploy-schema
{ system ? builtins.currentSystem, name }:
let
  lib = import ../lib.nix { inherit system; };
in
lib.deployChecks (import ./deploys.nix { inherit system; }).${name}
