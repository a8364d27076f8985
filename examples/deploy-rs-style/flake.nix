{
  description = "Two servers, in deploy-rs's flake layout, deployed with nixdeploy";

  # A real flake would have
  #   inputs.deploy-rs.url = "github:serokell/deploy-rs";   # or nixdeploy, ?dir=nix
  # and use deploy-rs.lib.x86_64-linux.activate.{nixos,custom}. To stay offline
  # this one has no inputs and writes its profiles' deploy-rs-activate by hand.
  #
  # nixdeploy deploys it as it is. deploy-rs reads the same `deploy` but cannot
  # deploy these profiles: its deploy runs <profile>/activate-rs on the host,
  # which only deploy-rs's own lib.activate.* puts there (nor can it deploy
  # profiles from nixdeploy's library, which have no activate-rs either). With
  # deploy-rs's library as the input, both tools deploy it.
  outputs = { self }:
    let
      system = "x86_64-linux";

      # What activate.custom makes: the profile's files plus an executable
      # deploy-rs-activate running `activate` (deploy-rs runs it with PROFILE,
      # DRY_ACTIVATE and BOOT set).
      mkProfile = { name, build ? "", activate }:
        builtins.derivation {
          inherit name system;
          builder = "/bin/sh";
          PATH = "/usr/bin:/bin";
          activateScript = ''
            #!/bin/sh
            set -eu
            if [ "''${DRY_ACTIVATE:-}" = 1 ] || [ "''${BOOT:-}" = 1 ]; then
              echo "would activate $PROFILE"; exit 0
            fi
          '' + activate;
          args = [ "-e" "-u" "-c" ''
            mkdir -p "$out" && cd "$out"
            ${build}
            printf '%s\n' "$activateScript" > deploy-rs-activate
            chmod 555 deploy-rs-activate
          '' ];
        };

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
          printf '#!/bin/sh\necho "hello, $(id -un)"\n' > bin/hello
          chmod 555 bin/hello
        '';
        activate = ":"; # nothing to do: switching the profile is enough
      };

      # A service's own profile, deployed as the service's user.
      helloService = mkProfile {
        name = "hello-service";
        build = ''
          mkdir -p bin
          printf '#!/bin/sh\nwhile :; do echo hello; sleep 60; done\n' > bin/hello-service
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

      # With deploy-rs as an input this would be
      #   checks = builtins.mapAttrs (system: deployLib: deployLib.deployChecks self.deploy) deploy-rs.lib;
    };
}
