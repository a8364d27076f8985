# Profiles built with lib.activate.* and lib.withJre from the stubs; run.sh
# builds them with nix-build and runs their deploy-rs-activate.
{ system ? builtins.currentSystem, efiDir ? "/nonexistent" }:
let
  pkgs = import ./nixpkgs-stand-in/pkgs.nix { inherit system; };
  lib = import ../lib.nix { inherit pkgs; };
  stubs = import ./stubs.nix { inherit system efiDir; };
  inherit (lib) activate;

  # Writes which branch ran into the log.
  log = msg: ''echo "${msg} PROFILE=$PROFILE" >> "$NIXDEPLOY_TEST_LOG"'';
in
{
  # All three branches given.
  custom = (activate.custom // {
    dryActivate = log "dry-branch";
    boot = log "boot-branch";
  }) stubs.base (log "activate-branch");

  # Only the activation; dry-activate and boot must just print the script path.
  customPlain = activate.custom stubs.base (log "activate-branch");

  # Multi-line script, `set -eu` in effect: the first failing command stops it.
  customFailing = activate.custom stubs.base ''
    ${log "before-failure"}
    false
    ${log "after-failure"}
  '';

  customUnset = activate.custom stubs.base ''echo "$NIXDEPLOY_SURELY_UNSET"'';

  # An empty script is allowed (it becomes `:`).
  customEmpty = activate.custom stubs.base "";
  customOnlyComment = activate.custom stubs.base "# nothing to do yet";

  setActivate = lib.setActivate stubs.base (log "activate-branch");
  customSameAsSetActivate = activate.custom stubs.base (log "activate-branch");

  noop = activate.noop stubs.base;

  nixos = activate.nixos stubs.nixosConfig;
  nixosSystemdBoot = activate.nixos stubs.nixosConfigSystemdBoot;

  homeManager = activate.home-manager stubs.hmConfig;
  homeManagerBackup = (activate.home-manager // { backupFileExtension = "hm-bak"; }) stubs.hmConfig;

  darwin = activate.darwin stubs.darwinConfig;
  darwinSystemOnly = activate.darwin stubs.darwinConfigSystemOnly;

  withJre = lib.withJre { profile = activate.noop stubs.base; jre = stubs.jre; };
  withJreJavaPath = (lib.withJre { profile = activate.noop stubs.base; jre = stubs.jre; }).javaPath;

  inherit (stubs) jre;
}
