# nixdeploy's Nix library for one nixpkgs: what the flake exposes as
# lib.<system> (with its `nixpkgs` input), and what flake-less users import
# with their own pkgs:
#
#   let nd = import ./nix/lib.nix { pkgs = import <nixpkgs> { }; }; in
#   nd.activate.custom base "echo hello"
#
# From nixpkgs it takes runCommand, writeScript and runtimeShell (see
# lib/builders.nix), so profiles build with Nix's sandbox on.
{ pkgs }:
let
  system = pkgs.stdenv.hostPlatform.system;
  builders = import ./lib/builders.nix { inherit pkgs; };
  schema = builtins.fromJSON (builtins.readFile ./schema.json);
  schemaLib = import ./lib/schema.nix { inherit schema; };
  checks = import ./lib/checks.nix { inherit builders schemaLib; };
in
rec {
  inherit system;

  # activate.{custom,noop,nixos,home-manager,darwin}, as in deploy-rs.
  activate = import ./lib/activate.nix { inherit builders; inherit (pkgs) runtimeShell; };

  # deploy-rs's older name for activate.custom (deprecated there too).
  setActivate = builtins.trace
    "nixdeploy: lib.setActivate is deprecated, use activate.custom, activate.noop or activate.nixos"
    activate.custom;

  # { deploy-schema; deploy-activate; } checks for `checks.<system>`, named as deploy-rs names them.
  inherit (checks) deployChecks;

  # The problems with a deploy attrset as a list of messages ([] = valid).
  # deployChecks' `deploy-schema` check throws these; this is for tools and tests.
  inherit (schemaLib) validateDeploy;

  # The settings schema (nix/schema.json), parsed.
  inherit schema;

  # withJre { profile; jre; }: `profile` plus a `nixdeploy-jre` symlink to
  # `jre`, so the JRE travels in the profile's closure and a host without Java
  # can run the activator. Point the deployer at it with
  #   javaPath = "${p.javaPath}";   # = <profile>/nixdeploy-jre/bin/java
  # The profile's own entries (deploy-rs-activate included) are kept.
  withJre = { profile, jre }:
    let
      drv = builders.linkJoin {
        name = (profile.name or "profile") + "-with-jre";
        base = profile;
        exclude = [ "nixdeploy-jre" ];
        env = { inherit jre; };
        extra = ''ln -s "$jre" "$out/nixdeploy-jre"'';
      };
    in
    drv // { javaPath = "${drv}/nixdeploy-jre/bin/java"; };

  # The nixdeploy CLI built with Maven from this nixpkgs; the repository's
  # own flake.nix offers it as packages.<system>.default. See package.nix.
  package = pkgs.callPackage ./package.nix { };
}
