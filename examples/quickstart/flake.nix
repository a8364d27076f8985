{
  description = "nixdeploy quickstart: a tiny web server, a lockout, and a broken release";

  # No inputs: everything is built with builtins and /bin/sh, so this works offline.
  outputs = { self }:
    let
      system = "x86_64-linux";
      host = "10.213.200.2"; # the demo's throwaway host (.ci/testhost up 200)

      # A profile that serves "version <v>" on port 8080 with busybox httpd, answers
      # /cgi-bin/health with `healthStatus`, and runs `extra` after (re)starting the server.
      webserver = { version, healthStatus ? "200 OK", extra ? "" }: builtins.derivation {
        name = "webserver-${version}";
        inherit system version healthStatus extra host;
        builder = "/bin/sh";
        PATH = "/usr/bin:/bin";
        args = [ "-c" ''
          mkdir -p $out/www/cgi-bin
          echo "version $version" > $out/www/index.html
          printf '#!/bin/sh\necho "Status: %s"\necho\necho "health: %s"\n' "$healthStatus" "$healthStatus" \
            > $out/www/cgi-bin/health
          chmod +x $out/www/cgi-bin/health
          cat > $out/deploy-rs-activate <<SCRIPT
        #!/bin/sh
        # Activation as deploy-rs runs it: PROFILE is the profile being activated.
        nft delete table inet lockout 2>/dev/null
        mkdir -p /nix/var/webserver
        if [ -f /nix/var/webserver/pid ]; then kill \$(cat /nix/var/webserver/pid) 2>/dev/null; sleep 0.2; fi
        busybox httpd -f -p $host:8080 -h \$PROFILE/www >/dev/null 2>&1 &
        echo \$! > /nix/var/webserver/pid
        echo "webserver $version listening on $host:8080"
        $extra
        SCRIPT
          chmod +x $out/deploy-rs-activate
        '' ];
      };

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
    };
}
