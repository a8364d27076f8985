# The part of nixpkgs that nixdeploy's Nix library, its examples, its package and its tests use,
# with nixpkgs' interfaces, for a machine with no network (so no nixpkgs). `prepare` puts a static
# busybox into static/; every build runs with tools from the store, so it works with Nix's
# sandbox on, as on users' machines. Only the package build (jdk17_headless, maven, fetchurl) uses
# this machine's JDK, Maven and Maven repository, named in host.nix, and needs the sandbox off.
{ system }:
let
  host = if builtins.pathExists ./host.nix then import ./host.nix
    else throw "nixpkgs stand-in: host.nix is missing; run nix/tests/nixpkgs-stand-in/prepare";
  mavenCentral = "https://repo.maven.apache.org/maven2/";

  # A static busybox copied into the store: the one tool every build here starts from. It is
  # called by its own name (busybox picks the applet from argv[0] or else argv[1]).
  busyboxBinary = "${builtins.path { name = "busybox-static"; path = ./static; }}/busybox";

  pkgs = rec {
    inherit system;
    stdenv.hostPlatform.system = system;

    busybox = builtins.derivation {
      name = "busybox";
      inherit system;
      builder = busyboxBinary;
      args = [ "sh" "-e" "-c" ''
        ${busyboxBinary} mkdir -p $out/bin
        ${busyboxBinary} cp ${busyboxBinary} $out/bin/busybox
        for applet in $($out/bin/busybox --list); do
          [ -e $out/bin/$applet ] || $out/bin/busybox ln -s busybox $out/bin/$applet
        done
      '' ];
    };

    runtimeShell = "${busybox}/bin/sh";

    # runCommand NAME ENV SCRIPT, as in nixpkgs: ENV's attributes are the build's environment
    # (passAsFile included), nativeBuildInputs' bin folders go on PATH.
    runCommand = name: env: script: builtins.derivation (removeAttrs env [ "nativeBuildInputs" ] // {
      inherit name system;
      builder = runtimeShell;
      args = [ "-e" "-c" script ];
      PATH = builtins.concatStringsSep ":" (map (d: "${d}/bin") (env.nativeBuildInputs or [ ]) ++ [ "${busybox}/bin" ]);
    });

    writeTextFile = { name, text, executable ? false, destination ? "" }:
      runCommand name { inherit text executable destination; passAsFile = [ "text" ]; } ''
        target="$out$destination"
        mkdir -p "$(dirname "$target")"
        cp "$textPath" "$target"
        if [ "$executable" = 1 ]; then chmod +x "$target"; fi
      '';

    writeText = name: text: writeTextFile { inherit name text; };
    writeScript = name: text: writeTextFile { inherit name text; executable = true; };
    writeShellScript = name: text: writeScript name "#!${runtimeShell}\n${text}";

    linkFarm = name: entries: runCommand name { links = map (e: "${e.name}=${e.path}") entries; } ''
      for link in $links; do
        mkdir -p "$out/$(dirname "''${link%%=*}")"
        ln -s "''${link#*=}" "$out/''${link%%=*}"
      done
    '';

    # Fixed-output, so Nix checks the file against the hash: copied from the local Maven
    # repository, or downloaded when it is not there (package.sh builds with the sandbox off).
    fetchurl = { url, hash }: builtins.derivation {
      inherit system url;
      name = baseNameOf url;
      builder = runtimeShell;
      PATH = "${busybox}/bin";
      local = host.mavenRepository + "/" + builtins.substring (builtins.stringLength mavenCentral) (-1) url;
      # this machine's curl: busybox's wget cannot talk TLS to Maven Central
      args = [ "-c" ''cp "$local" "$out" 2>/dev/null || ${host.curl} -fsSL -o "$out" "$url"'' ];
      outputHashMode = "flat";
      outputHashAlgo = "sha256";
      outputHash = hash;
    };

    jdk17_headless = runCommand "jdk17-headless" { } ''ln -s ${host.javaHome} "$out"'';

    maven = runCommand "maven" { } ''
      mkdir -p "$out/bin"
      printf '#!/bin/sh\nexport JAVA_HOME=%s\nexec %s "$@"\n' ${host.javaHome} ${host.mvn} > "$out/bin/mvn"
      chmod +x "$out/bin/mvn"
    '';

    makeWrapper = runCommand "make-wrapper" { } ''
      mkdir -p "$out/bin"
      cp ${./make-wrapper.sh} "$out/bin/makeWrapper"
      chmod +x "$out/bin/makeWrapper"
    '';

    # Unpack, build phase, install phase; pre/post hooks are no-ops; passthru joins the result.
    stdenv.mkDerivation = attrs: runCommand "${attrs.pname}-${attrs.version}"
      (removeAttrs attrs [ "meta" "pname" "version" "passthru" ]) ''
        runHook() { :; }
        cp -r "$src" source
        chmod -R u+w source
        cd source
        eval "$buildPhase"
        eval "$installPhase"
      '' // (attrs.passthru or { });

    callPackage = file: overrides:
      let f = if builtins.isFunction file then file else import file;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // overrides);
  };
in
pkgs
