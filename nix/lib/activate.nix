# lib.<system>.activate.*: the same constructors deploy-rs offers.
#
# A profile made here is a directory with a symlink to each top-level entry of
# `base` plus an executable `deploy-rs-activate`. The host side runs that
# script with PROFILE (the profile path), DRY_ACTIVATE and BOOT in its
# environment, as deploy-rs's activate-rs does, so profiles made with
# deploy-rs's lib deploy with nixdeploy unchanged. As in deploy-rs, the script
# runs under nixpkgs' runtimeShell (bash) with `set -euo pipefail`.
#
# The one difference: there is no `activate-rs` entry (nixdeploy brings its
# own activator), so deploy-rs itself cannot deploy these profiles.
{ builders, runtimeShell }:
let
  inherit (builders) writeScript linkJoin shellQuote;

  # A branch of the if/elif/else below may not be empty in sh, and a script of
  # only comments would leave it so: end every branch with a no-op.
  orNoop = script: script + "\n:";

  # Build the profile. `dryActivate` / `boot` are the optional overrides that
  # deploy-rs reads from the functor's own attributes. `confirmed`, ours, is a
  # script nixdeploy runs once the generation is confirmed (`nixdeploy-confirmed`).
  mkActivatable = { base, activate, dryActivate ? null, boot ? null, confirmed ? null }:
    let
      name = "activatable-" + (base.name or "profile");

      # Without an override, dry-activate and boot only print where the real
      # activation script lives (deploy-rs does the same), so nothing changes.
      activateFile = writeScript "${base.name or "profile"}-activate"
        "#!${runtimeShell}\nset -euo pipefail\n${activate}\n";
      printInstead = "echo ${activateFile}";

      script = ''
        #!${runtimeShell}
        # Activation script made by nixdeploy's lib.activate (deploy-rs compatible).
        # Run with PROFILE set; DRY_ACTIVATE=1 or BOOT=1 select the other modes.
        set -euo pipefail

        if [ "''${DRY_ACTIVATE:-}" = "1" ]; then
        ${orNoop (if dryActivate != null then dryActivate else printInstead)}
        elif [ "''${BOOT:-}" = "1" ]; then
        ${orNoop (if boot != null then boot else printInstead)}
        else
        ${orNoop activate}
        fi
      '';
    in
    linkJoin {
      inherit name base;
      # Ours replace any activation script and confirmed step base already has.
      exclude = [ "deploy-rs-activate" "nixdeploy-confirmed" ];
      env = if confirmed == null
        then { activateScript = script; passAsFile = [ "activateScript" ]; }
        else {
          activateScript = script;
          confirmedScript = "#!${runtimeShell}\n# Run by nixdeploy once this generation is confirmed.\nset -euo pipefail\n${confirmed}\n";
          passAsFile = [ "activateScript" "confirmedScript" ];
        };
      extra = ''
        cp "$activateScriptPath" "$out/deploy-rs-activate"
        chmod 555 "$out/deploy-rs-activate"
      '' + (if confirmed == null then "" else ''
        cp "$confirmedScriptPath" "$out/nixdeploy-confirmed"
        chmod 555 "$out/nixdeploy-confirmed"
      '');
    };
in
rec {
  # `custom base script` makes a profile whose activation runs `script`.
  # Like deploy-rs it is a functor, so extra behaviour can be attached:
  #   (activate.custom // { dryActivate = "..."; boot = "..."; }) base script
  custom = {
    __functor = self: base: activate:
      mkActivatable {
        inherit base activate;
        dryActivate = self.dryActivate or null;
        boot = self.boot or null;
        confirmed = self.confirmed or null;
      };
  };

  # Nothing to run: switching the profile is the whole deploy.
  noop = base: custom base ":";

  # A NixOS configuration (the result of nixosSystem). Activation is
  # switch-to-configuration `test`: the new generation runs, but the boot
  # loader keeps starting the previous one until nixdeploy confirms it and runs
  # `nixdeploy-confirmed`, which makes it the boot default. So a host that
  # restarts inside the confirmation window comes back on the previous
  # generation. (deploy-rs activates with `switch` at once.)
  nixos = cfg:
    let
      loader = cfg.config.boot.loader or { };
      systemdBoot = loader.systemd-boot.enable or false;
      efiMount = loader.efi.efiSysMountPoint or "/boot";
      # switch-to-configuration can fail when started from a directory that
      # goes away during the switch (nixpkgs issue #73404).
      inTmp = mode: ''
        cd /tmp
        $PROFILE/bin/switch-to-configuration ${mode}
      '';
      # As deploy-rs does (its issue #31): drop the `default` line that
      # switch-to-configuration leaves in systemd-boot's loader.conf.
      dropDefault = if systemdBoot then ''
        sed -i '/^default /d' ${shellQuote "${efiMount}/loader/loader.conf"}
      '' else "";
    in
    (custom // {
      dryActivate = "$PROFILE/bin/switch-to-configuration dry-activate";
      boot = inTmp "boot" + dropDefault;
      confirmed = inTmp "boot" + dropDefault;
    })
      cfg.config.system.build.toplevel
      (inTmp "test");

  # A home-manager configuration (homeManagerConfiguration's result): runs its
  # activation package's `activate`. Optional, as a functor attribute:
  #   (activate.home-manager // { backupFileExtension = "bak"; }) cfg
  # sets HOME_MANAGER_BACKUP_EXT so existing files are moved aside instead of
  # making the activation fail. Dry activation uses home-manager's own dry run
  # (DRY_RUN=1), which only prints what it would do.
  home-manager = {
    __functor = self: cfg:
      let
        ext = self.backupFileExtension or null;
        backupEnv = if ext == null then "" else "HOME_MANAGER_BACKUP_EXT=${shellQuote ext} ";
      in
      (custom // {
        dryActivate = "DRY_RUN=1 ${backupEnv}$PROFILE/activate";
      }) cfg.activationPackage "${backupEnv}$PROFILE/activate";
  };

  # A nix-darwin configuration (darwinSystem's result). Its toplevel is
  # `config.system.build.toplevel` (also exposed as `.system`).
  # HOME=/var/root because sudo on macOS keeps the caller's HOME, and the
  # activation runs nix-channel checks that depend on it (as deploy-rs does).
  # Only the system-wide `activate` runs, as in deploy-rs: the per-user
  # `activate-user` of older nix-darwin releases belongs to the login user and
  # is not run here.
  darwin = cfg:
    custom (cfg.config.system.build.toplevel or cfg.system)
      "HOME=/var/root $PROFILE/activate";
}
