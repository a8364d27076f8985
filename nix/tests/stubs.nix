# Stand-ins for the things lib.activate.* is applied to: a plain profile, and
# attrsets shaped like the results of nixosSystem, homeManagerConfiguration
# and darwinSystem, whose scripts only log how they were called to
# $NIXDEPLOY_TEST_LOG.
{ system, efiDir ? "/nonexistent" }:
let
  # A store directory made by a shell snippet, with the stand-in nixpkgs' tools.
  pkgs = import ./nixpkgs-stand-in/pkgs.nix { inherit system; };
  mkDir = name: script: pkgs.runCommand name { } ("set -u\n" + script);

  # An executable at $out/<rel> that logs "<label> <args> cwd=<dir> <extra>".
  logger = rel: label: extra: ''
    mkdir -p "$out/$(dirname ${rel})"
    cat > "$out/${rel}" <<'SCRIPT'
    #!/bin/sh
    echo "${label} $* cwd=$(pwd) ${extra}" >> "$NIXDEPLOY_TEST_LOG"
    SCRIPT
    chmod 555 "$out/${rel}"
  '';
in
rec {
  # An ordinary profile: a tool, a data file, a dot-file, and a stale
  # deploy-rs-activate that activate.custom must replace.
  base = mkDir "test-base" ''
    mkdir -p "$out/bin" "$out/share/doc"
    printf '#!/bin/sh\necho hello from base\n' > "$out/bin/hello"
    chmod 555 "$out/bin/hello"
    echo doc > "$out/share/doc/README"
    echo hidden > "$out/.hidden"
    printf '#!/bin/sh\necho STALE\n' > "$out/deploy-rs-activate"
    chmod 555 "$out/deploy-rs-activate"
  '';

  # config.system.build.toplevel of a NixOS system.
  nixosToplevel = mkDir "nixos-system-test" (logger "bin/switch-to-configuration" "switch-to-configuration" "");

  nixosConfig = {
    config.system.build.toplevel = nixosToplevel;
    config.boot.loader.systemd-boot.enable = false;
  };

  nixosConfigSystemdBoot = {
    config.system.build.toplevel = nixosToplevel;
    config.boot.loader.systemd-boot.enable = true;
    config.boot.loader.efi.efiSysMountPoint = efiDir;
  };

  # homeManagerConfiguration's activationPackage.
  hmActivation = mkDir "home-manager-generation"
    (logger "activate" "hm-activate" "ext=\${HOME_MANAGER_BACKUP_EXT:-unset} dry=\${DRY_RUN:-unset}");

  hmConfig = { activationPackage = hmActivation; };

  # darwinSystem's result: the toplevel is both config.system.build.toplevel
  # and `system`.
  darwinToplevel = mkDir "darwin-system-test" (logger "activate" "darwin-activate" "HOME=$HOME");

  darwinConfig = { config.system.build.toplevel = darwinToplevel; system = darwinToplevel; };

  # Older shape: only `system`.
  darwinConfigSystemOnly = { system = darwinToplevel; };

  # A "JRE" whose java only says who it is.
  jre = mkDir "fake-jre" ''
    mkdir -p "$out/bin"
    printf '#!/bin/sh\necho fake java "$@"\n' > "$out/bin/java"
    chmod 555 "$out/bin/java"
  '';

  # A profile with no activation script, and one whose script is not executable.
  plainProfile = mkDir "plain-profile" ''mkdir -p "$out/bin"'';
  nonExecProfile = mkDir "nonexec-profile" ''
    mkdir -p "$out"
    echo 'echo hi' > "$out/deploy-rs-activate"
    chmod 444 "$out/deploy-rs-activate"
  '';
}
