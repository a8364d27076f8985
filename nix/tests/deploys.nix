# Deploy attrsets for the deployChecks tests: `valid*` must pass, every other
# one must be rejected with the message run.sh looks for.
{ system ? builtins.currentSystem }:
let
  pkgs = import ./nixpkgs-stand-in/pkgs.nix { inherit system; };
  lib = import ../lib.nix { inherit pkgs; };
  stubs = import ./stubs.nix { inherit system; };
  profile = lib.activate.noop stubs.base;

  # A valid deploy to break in one place at a time.
  node = extra: { hostname = "10.0.0.1"; profiles.system = { user = "root"; path = profile; }; } // extra;
  withProfile = extra: { nodes.web = node { profiles.system = { user = "root"; path = profile; } // extra; }; };
in
rec {
  # Every setting, at every level it is allowed.
  valid = {
    sshUser = "admin"; user = "root"; sshOpts = [ "-p" "22" "-o" "StrictHostKeyChecking=accept-new" ];
    fastConnection = false; autoRollback = true; magicRollback = true;
    confirmTimeout = 30; activationTimeout = 240; tempPath = "/home/admin/.deploy-rs";
    interactiveSudo = false; sudo = "doas -u"; remoteBuild = false;
    confirmHostname = "10.0.0.9"; confirmSshOpts = [ "-p" "2222" ]; javaPath = "/usr/bin/java";
    cache = "s3://fleet-cache?region=eu-west-1";
    nodes.web = {
      hostname = "10.0.0.1";
      sshUser = "root"; magicRollback = false; javaPath = "/opt/jdk/bin/java";
      tags = [ "web" "eu" ];
      profilesOrder = [ "system" "tools" ];
      healthChecks = [
        { http = { url = "http://10.0.0.1:8080/health"; expectStatus = 200; bodyContains = "ok"; timeout = 5; }; retries = 5; interval = 2; }
        { http = { scheme = "https"; host = "localhost"; port = 8443; path = "/"; expectStatus = [ 200 204 ];
                   headers = { Host = "example.org"; }; insecure = true; viaSsh = true; }; }
        { cmd = { command = [ "systemctl" "is-active" "nginx" ]; timeout = 3; }; }
      ];
      cache = "file:///srv/cache?secret-key=/etc/nix/cache.sec";
      profiles.system = { user = "root"; path = profile; profilePath = "/nix/var/nix/profiles/system"; confirmTimeout = 60; cache = null; };
      profiles.tools = {
        user = "alice"; path = lib.activate.custom stubs.base "true";
        healthChecks = [ { cmd.command = [ "true" ]; } ];
      };
      profiles.plain = { path = stubs.plainProfile; };
    };
    nodes."db.example.com" = { hostname = "db.example.com"; profiles = { }; };
  };

  validMinimal = { nodes.a = { hostname = "a"; }; };

  # What deploy-rs's flake-parts module produces: unset options are null.
  validWithNulls = {
    sshUser = null; user = null; sshOpts = [ ]; fastConnection = null; autoRollback = null;
    confirmTimeout = null; activationTimeout = null; tempPath = null; magicRollback = null;
    sudo = null; remoteBuild = null; interactiveSudo = null;
    nodes.web = {
      hostname = "10.0.0.1"; sshUser = null; profilesOrder = [ ]; tags = null; healthChecks = null;
      profiles.system = { path = profile; profilePath = null; user = null; javaPath = null; };
    };
  };

  # ...but the required ones may not be null.
  nullHostname = { nodes.web = node { hostname = null; }; };

  # The three asked for by the brief.
  mistyped = withProfile { sshUsr = "admin"; };
  wrongType = withProfile { sshOpts = "x"; };
  missingPath = { nodes.web = node { profiles.system = { user = "root"; }; }; };

  # More ways to get it wrong.
  missingHostname = { nodes.web = { profiles.system.path = profile; }; };
  unknownTopLevel = valid // { node = { }; };
  unknownNodeKey = { nodes.web = node { hostName = "x"; }; };
  wrongBool = withProfile { magicRollback = "yes"; };
  wrongInt = withProfile { confirmTimeout = "30"; };
  zeroTimeout = withProfile { activationTimeout = 0; };
  cacheNotString = withProfile { cache = [ "https://cache.example.org" ]; };
  tagsNotList = { nodes.web = node { tags = "web"; }; };
  healthBoth = { nodes.web = node { healthChecks = [ { http.url = "http://x"; cmd.command = [ "true" ]; } ]; }; };
  healthNeither = { nodes.web = node { healthChecks = [ { retries = 3; } ]; }; };
  healthUnknownField = { nodes.web = node { healthChecks = [ { http = { url = "http://x"; expect = 200; }; } ]; }; };
  healthBadPort = { nodes.web = node { healthChecks = [ { http = { port = 70000; }; } ]; }; };
  healthBadScheme = { nodes.web = node { healthChecks = [ { http = { scheme = "ftp"; }; } ]; }; };
  healthCmdString = { nodes.web = node { healthChecks = [ { cmd.command = "true"; } ]; }; };
  pathIsFunction = withProfile { path = lib.activate.custom stubs.base; };
  orderUnknownProfile = { nodes.web = node { profilesOrder = [ "system" "nope" ]; }; };
  quotedNodeName = { nodes."web.example.com" = node { sshUsr = "x"; }; };

  # Schema-valid, but the activation checks differ.
  noActivation = { nodes.web = { hostname = "h"; profiles.plain.path = stubs.plainProfile; }; };
  nonExecActivation = { nodes.web = { hostname = "h"; profiles.bad.path = stubs.nonExecProfile; }; };
}
