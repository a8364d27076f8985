# A stand-in for nixpkgs, for nix/tests/package.sh only: the few packages nix/package.nix takes,
# with nixpkgs' interfaces, made from this machine's JDK and Maven (named in host.nix, which the
# test writes next to this file). Nothing here is used outside the test.
{
  outputs = { self }:
    let
      host = import ./host.nix;
      inherit (host) system;
      path = "/usr/bin:/bin";
      script = name: text: builtins.derivation {
        inherit name system;
        builder = "/bin/sh";
        PATH = path;
        args = [ "-c" text ];
      };
      mavenCentral = "https://repo.maven.apache.org/maven2/";

      pkgs = {
        # Fixed-output, so Nix checks the file against the hash: copied from the local Maven
        # repository, or downloaded when it is not there.
        fetchurl = { url, hash }: builtins.derivation {
          inherit system url;
          name = baseNameOf url;
          builder = "/bin/sh";
          PATH = path;
          local = host.mavenRepository + "/"
            + builtins.substring (builtins.stringLength mavenCentral) (-1) url;
          args = [ "-c" ''cp "$local" "$out" 2>/dev/null || curl -fsSL -o "$out" "$url"'' ];
          outputHashMode = "flat";
          outputHashAlgo = "sha256";
          outputHash = hash;
        };

        linkFarm = name: entries: builtins.derivation {
          inherit name system;
          builder = "/bin/sh";
          PATH = path;
          links = map (e: "${e.name}=${e.path}") entries;
          args = [ "-c" ''
            for link in $links; do
              mkdir -p "$out/$(dirname "''${link%%=*}")"
              ln -s "''${link#*=}" "$out/''${link%%=*}"
            done
          '' ];
        };

        jdk17_headless = script "jdk17-headless" ''ln -s ${host.javaHome} "$out"'';

        maven = script "maven" ''
          mkdir -p "$out/bin"
          printf '#!/bin/sh\nexec %s "$@"\n' ${host.mvn} > "$out/bin/mvn"
          chmod +x "$out/bin/mvn"
        '';

        makeWrapper = script "make-wrapper" ''
          mkdir -p "$out/bin"
          cp ${./make-wrapper.sh} "$out/bin/makeWrapper"
          chmod +x "$out/bin/makeWrapper"
        '';

        # Unpack, build phase, install phase; pre/post hooks are no-ops.
        stdenv.mkDerivation = attrs: builtins.derivation (removeAttrs attrs [ "meta" "pname" "version" ] // {
          name = "${attrs.pname}-${attrs.version}";
          inherit system;
          builder = "/bin/sh";
          PATH = builtins.concatStringsSep ":" (map (d: "${d}/bin") attrs.nativeBuildInputs) + ":" + path;
          args = [ "-c" ''
            set -eu
            runHook() { :; }
            cp -r "$src" source
            chmod -R u+w source
            cd source
            eval "$buildPhase"
            eval "$installPhase"
          '' ];
        });

        callPackage = file: overrides:
          let f = import file;
          in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // overrides);
      };
    in
    {
      legacyPackages.${system} = pkgs;
    };
}
