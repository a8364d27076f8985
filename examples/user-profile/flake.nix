{
  description = "A per-user tools profile on a non-NixOS host, deployed as that user (no root needed)";

  # No inputs (offline); mkProfile stands in for nixdeploy's lib.activate.custom.
  outputs = { self }:
    let
      system = "x86_64-linux";

      # The profile's files, plus deploy-rs-activate running `activate` with
      # $PROFILE set. DRY_ACTIVATE=1 and BOOT=1 only say what would run.
      mkProfile = { name, build ? "", activate }:
        builtins.derivation {
          inherit name system;
          builder = "/bin/sh";
          PATH = "/usr/bin:/bin";
          activateScript = ''
            #!/bin/sh
            set -eu
            if [ "''${DRY_ACTIVATE:-}" = 1 ] || [ "''${BOOT:-}" = 1 ]; then
              echo "would link $HOME/.nixdeploy-tools -> $PROFILE"; exit 0
            fi
          '' + activate;
          args = [ "-e" "-u" "-c" ''
            mkdir -p "$out" && cd "$out"
            ${build}
            printf '%s\n' "$activateScript" > deploy-rs-activate
            chmod 555 deploy-rs-activate
          '' ];
        };

      tools = mkProfile {
        name = "alice-tools";
        build = ''
          mkdir -p bin
          printf '#!/bin/sh\necho "hello from nixdeploy, $(id -un)"\n' > bin/hello-nixdeploy
          printf '#!/bin/sh\ndate -u +%%Y-%%m-%%dT%%H:%%M:%%SZ\n' > bin/utc-now
          chmod 555 bin/*
        '';
        # Like ~/.nix-profile: one symlink to the live profile, so
        # ~/.nixdeploy-tools/bin can go on PATH and every deploy (or rollback)
        # switches all tools at once.
        activate = ''
          ln -sfn "$PROFILE" "$HOME/.nixdeploy-tools"
          echo "tools: $HOME/.nixdeploy-tools -> $PROFILE (add ~/.nixdeploy-tools/bin to PATH)"
        '';
      };
    in
    {
      deploy.nodes.workstation = {
        hostname = "workstation.example.com"; # placeholder
        sshUser = "alice";
        tags = [ "workstations" ];
        profiles.tools = {
          user = "alice";
          path = tools;
          # Profile path on the host (the default, spelled out):
          # /nix/var/nix/profiles/per-user/alice/tools if that directory
          # exists, else ~/.local/state/nix/profiles/tools.
          healthChecks = [
            { cmd.command = [ "sh" "-c" "$HOME/.nixdeploy-tools/bin/hello-nixdeploy" ]; }
          ];
        };
      };
    };
}
