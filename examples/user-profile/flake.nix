{
  description = "A per-user tools profile on a non-NixOS host, deployed as that user (no root needed)";

  # Offline, nix/tests/run.sh replaces these with --override-input (see ../quickstart).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.nixdeploy.url = "git+https://your.git/nixdeploy?dir=nix";
  inputs.nixdeploy.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, nixdeploy }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};

      # The profile's files (`build` runs in $out), activated by `activate` with $PROFILE set.
      # DRY_ACTIVATE=1 and BOOT=1 only say what would run.
      mkProfile = { name, build ? "", activate }:
        (nixdeploy.lib.${system}.activate.custom // {
          dryActivate = ''echo "would link $HOME/.nixdeploy-tools -> $PROFILE"'';
          boot = ''echo "would link $HOME/.nixdeploy-tools -> $PROFILE"'';
        })
          (pkgs.runCommand name { } ''
            mkdir -p "$out" && cd "$out"
            ${build}
          '')
          activate;

      tools = mkProfile {
        name = "alice-tools";
        build = ''
          mkdir -p bin
          printf '#!%s\necho "hello from nixdeploy, $(id -un)"\n' ${pkgs.runtimeShell} > bin/hello-nixdeploy
          printf '#!%s\ndate -u +%%Y-%%m-%%dT%%H:%%M:%%SZ\n' ${pkgs.runtimeShell} > bin/utc-now
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

      checks = builtins.mapAttrs (system: lib: lib.deployChecks self.deploy) nixdeploy.lib;
    };
}
