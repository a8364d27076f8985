{
  description = "nixdeploy quickstart: a (placeholder) web service on one host, plus a variant that locks SSH out";

  # No inputs, so this evaluates and builds offline. That also means it cannot
  # use nixdeploy's lib (a flake cannot reach ../../nix without an input), so
  # mkProfile below is a ten-line stand-in for lib.activate.custom. With an
  # input `nixdeploy.url = "github:...?dir=nix"` you would write
  #   path = nixdeploy.lib.x86_64-linux.activate.custom site "...";
  outputs = { self }:
    let
      system = "x86_64-linux";

      # A profile: `build` (sh, run inside $out) fills it, and
      # deploy-rs-activate runs `activate` with $PROFILE set. DRY_ACTIVATE=1
      # and BOOT=1 only say what would run.
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

      # The service. Placeholder: the activation records which profile is
      # live (a health check reads it back); bin/quickstart-web can serve the
      # page where busybox is installed.
      web = mkProfile {
        name = "quickstart-web";
        build = ''
          mkdir -p share/www bin
          echo '<h1>Hello from nixdeploy</h1>' > share/www/index.html
          cat > bin/quickstart-web <<'SCRIPT'
          #!/bin/sh
          # Serve this profile's page on port ''${PORT:-8080} (placeholder service).
          root=$(cd "$(dirname "$0")/../share/www" && pwd)
          exec busybox httpd -f -p "''${PORT:-8080}" -h "$root"
          SCRIPT
          chmod 555 bin/quickstart-web
        '';
        activate = ''
          PATH=$PATH:/usr/sbin:/sbin
          # Undo the lockout variant if it ever ran: a rollback re-runs this
          # (the previous generation's) activation, which must restore SSH.
          if command -v nft >/dev/null 2>&1; then
            nft delete table inet lockout 2>/dev/null || true
          fi
          state=/var/lib/nixdeploy-quickstart
          mkdir -p "$state"
          ln -sfn "$PROFILE/share/www" "$state/www"
          echo "$PROFILE" > "$state/active-profile"
          echo "quickstart: $PROFILE is live"
        '';
      };

      # The mistake nixdeploy protects you from: a firewall change that drops
      # new SSH connections. Activation succeeds, the confirmation over a *new*
      # SSH connection cannot get in, and the host rolls itself back to `web`.
      lockout = mkProfile {
        name = "quickstart-lockout";
        activate = ''
          PATH=$PATH:/usr/sbin:/sbin
          nft add table inet lockout
          nft add chain inet lockout input '{ type filter hook input priority 0; policy accept; }'
          nft add rule inet lockout input tcp dport 22 ct state new drop
          echo "quickstart: new SSH connections are now dropped"
        '';
      };
    in
    {
      deploy.nodes = {
        # deploy --hostname <addr> .#webserver
        webserver = {
          hostname = "10.213.200.2"; # placeholder; the demo passes --hostname
          tags = [ "web" ];
          profiles.system = {
            user = "root";
            path = web;
            healthChecks = [
              { cmd = { command = [ "cat" "/var/lib/nixdeploy-quickstart/active-profile" ]; timeout = 5; }; retries = 2; interval = 1; }
            ];
          };
        };

        # Same host, bad change: deploy .#webserver-lockout and watch it roll back.
        webserver-lockout = {
          hostname = "10.213.200.2";
          tags = [ "web" "demo-failure" ];
          profiles.system = {
            user = "root";
            path = lockout;
            magicRollback = true; # the default, spelled out: this is what saves you
            confirmTimeout = 20;
          };
        };
      };
    };
}
