{
  description = "nixdeploy quickstart: a tiny web server, a lockout, and a broken release";

  # A flake like yours: nixpkgs, and nixdeploy's library following it. The demo (./demo) runs with
  # no network, so it replaces both with --override-input: nixpkgs with a small stand-in
  # (nix/tests/nixpkgs-stand-in), nixdeploy with this repository's nix/ folder.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.nixdeploy.url = "git+https://your.git/nixdeploy?dir=nix";
  inputs.nixdeploy.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, nixdeploy }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      inherit (nixdeploy.lib.${system}) activate;
      host = "10.213.250.2"; # the demo's throwaway host (.ci/testhost up 250)

      # A profile that serves "version <v>" on port 8080 with busybox httpd, answers
      # /cgi-bin/health with `healthStatus`, and runs `extra` after (re)starting the server.
      webserver = { version, healthStatus ? "200 OK", extra ? "" }: activate.custom
        (pkgs.runCommand "webserver-${version}" { inherit version healthStatus; } ''
          mkdir -p $out/www/cgi-bin
          echo "version $version" > $out/www/index.html
          printf '#!%s\necho "Status: %s"\necho\necho "health: %s"\n' \
            ${pkgs.runtimeShell} "$healthStatus" "$healthStatus" > $out/www/cgi-bin/health
          chmod +x $out/www/cgi-bin/health
        '')
        # The activation (deploy-rs-activate): PROFILE is the profile being activated.
        ''
          nft delete table inet lockout 2>/dev/null || true
          mkdir -p /nix/var/webserver
          if [ -f /nix/var/webserver/pid ]; then
            kill "$(cat /nix/var/webserver/pid)" 2>/dev/null || true
            sleep 0.2
          fi
          ${pkgs.busybox}/bin/busybox httpd -f -p ${host}:8080 -h "$PROFILE/www" >/dev/null 2>&1 &
          echo $! > /nix/var/webserver/pid
          echo "webserver ${version} listening on ${host}:8080"
          ${extra}
        '';

      # Every node is the same host; each is one step of the demo.
      node = path: extra: {
        hostname = host;
        sshUser = "root";
        profiles.system = { user = "root"; inherit path; } // extra;
      };

      healthy = {
        healthChecks = [
          { http = { port = 8080; path = "/cgi-bin/health"; bodyContains = "health: 200"; timeout = 2; };
            retries = 2; interval = 1; }
        ];
      };
    in {
      deploy.confirmTimeout = 20;
      deploy.nodes = {
        # 1. a good first release
        webserver = node (webserver { version = "1"; }) { };
        # 2. a release whose firewall drops new SSH connections: the deployer cannot reconnect
        #    to confirm, so the host rolls itself back
        webserver-lockout = node (webserver {
          version = "2-lockout";
          extra = ''
            nft add table inet lockout
            nft add chain inet lockout input '{ type filter hook input priority 0; policy accept; }'
            nft add rule inet lockout input tcp dport 22 ct state new drop
            echo "firewall: new SSH connections are now dropped"
          '';
        }) { };
        # 3. a release whose service is unhealthy: the health check fails and it rolls back at once
        webserver-broken = node (webserver { version = "3-broken"; healthStatus = "500 Internal Server Error"; }) healthy;
        # 4. a good, health-checked release
        webserver-v4 = node (webserver { version = "4"; }) healthy;
      };

      # deploy-rs's checks, under its names: deploy-schema and deploy-activate.
      checks = builtins.mapAttrs (system: lib: lib.deployChecks self.deploy) nixdeploy.lib;
    };
}
