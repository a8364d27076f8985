{
  description = "Two servers, in deploy-rs's flake layout, deployed with nixdeploy";

  # deploy-rs's own layout, with one input swapped: `deploy-rs` points at nixdeploy's library,
  # and everything below is written as for deploy-rs (deploy-rs.lib.<system>.activate.custom,
  # deployChecks). Offline, nix/tests/run.sh replaces both inputs with --override-input.
  #
  # nixdeploy deploys it. deploy-rs reads the same `deploy` but could not deploy these profiles:
  # its deploy runs <profile>/activate-rs on the host, which only deploy-rs's own library puts
  # there. Point the input back at github:serokell/deploy-rs and both tools deploy it.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.deploy-rs.url = "git+https://your.git/nixdeploy?dir=nix"; # was github:serokell/deploy-rs
  inputs.deploy-rs.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, deploy-rs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};

      # The profile's files (`build` runs in $out), activated by `activate`. DRY_ACTIVATE=1 and
      # BOOT=1 only say what would run.
      mkProfile = { name, build ? "", activate }:
        (deploy-rs.lib.${system}.activate.custom // {
          dryActivate = ''echo "would activate $PROFILE"'';
          boot = ''echo "would activate $PROFILE"'';
        })
          (pkgs.runCommand name { } ''
            mkdir -p "$out" && cd "$out"
            ${build}
          '')
          activate;

      # Stand-in for `activate.nixos self.nixosConfigurations.<host>`.
      systemProfile = host: mkProfile {
        name = "${host}-system";
        build = ''mkdir -p etc && echo ${host} > etc/hostname'';
        activate = ''echo "system profile for ${host} activated: $PROFILE"'';
      };

      # A user's command-line tools.
      tools = mkProfile {
        name = "alice-tools";
        build = ''
          mkdir -p bin
          printf '#!%s\necho "hello, $(id -un)"\n' ${pkgs.runtimeShell} > bin/hello
          chmod 555 bin/hello
        '';
        activate = ":"; # nothing to do: switching the profile is enough
      };

      # A service's own profile, deployed as the service's user.
      helloService = mkProfile {
        name = "hello-service";
        build = ''
          mkdir -p bin
          printf '#!%s\nwhile :; do echo hello; sleep 60; done\n' ${pkgs.runtimeShell} > bin/hello-service
          chmod 555 bin/hello-service
        '';
        activate = ''
          state="''${XDG_STATE_HOME:-$HOME/.local/state}/hello-service"
          mkdir -p "$state"
          ln -sfn "$PROFILE" "$state/current"
          echo "hello-service now runs $PROFILE/bin/hello-service"
        '';
      };
    in
    {
      deploy = {
        # Generic settings, inherited by every node and profile below; the
        # most specific level wins.
        sshUser = "admin";          # who we log in as
        user = "root";              # who profiles belong to (sudo -u when different)
        sshOpts = [ "-p" "22" ];
        magicRollback = true;
        autoRollback = true;
        fastConnection = false;     # let hosts use their substituters first
        confirmTimeout = 30;

        nodes = {
          some-random-system = {
            hostname = "some-random-system";
            profilesOrder = [ "system" "tools" "hello" ];
            profiles = {
              system = {
                user = "root";
                path = systemProfile "some-random-system";
              };
              tools = {
                user = "alice";
                path = tools;
              };
              hello = {
                user = "hello";
                path = helloService;
                activationTimeout = 60;
              };
            };
          };

          another-system = {
            hostname = "another-system.example.com";
            sshUser = "root";       # overrides deploy.sshUser for this node
            fastConnection = true;
            profiles = {
              system = {
                path = systemProfile "another-system";
              };
              tools = {
                user = "alice";
                path = tools;
                profilePath = "/nix/var/nix/profiles/per-user/alice/tools";
              };
            };
          };
        };
      };

      checks = builtins.mapAttrs (system: deployLib: deployLib.deployChecks self.deploy) deploy-rs.lib;
    };
}
