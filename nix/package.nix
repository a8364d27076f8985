# The nixdeploy CLI (deployer + activator jar), built from the Maven project one directory up.
# Needs nixpkgs: the repository's flake.nix builds it as packages.<system>.default, or call
#
#   pkgs.callPackage ./nix/package.nix { }
#
# Maven runs offline. Every jar and pom it needs is fetched by itself from Maven Central with the
# hash recorded in maven-deps.json (nix/update-maven-deps rewrites that file after a version change),
# so there is no hash to discover on the first build.
#
# The Java sources must be in the same source tree: use the repository itself (`nix run
# github:...`, `git+file:///path/to/repo`), not `path:./nix`, which copies only this directory;
# or pass `src`.
{ stdenv
, callPackage
, fetchurl
, linkFarm
, maven
, makeWrapper
, jdk17_headless
, src ? null
, jre ? jdk17_headless
}:
let
  repo = ../.;
  # `path:./nix` puts this directory alone at the top of a store path, so its parent would be the
  # store itself.
  haveRepo = dirOf (toString ./.) != builtins.storeDir;
  defaultSrc =
    if !haveRepo then
      throw "nixdeploy package: the Java sources are not part of this flake's source; use the repository itself or pass src"
    else
      builtins.path {
        name = "nixdeploy-src";
        path = repo;
        # Build outputs and the parts Maven does not read do not affect the jars.
        filter = path: type:
          let name = baseNameOf path; in
          !(builtins.elem name [ "target" ".git" "examples" "bench" ".ci" ]
            || builtins.substring 0 6 name == "result");
      };

  activatorRuntime = callPackage ./activator-runtime.nix { inherit jdk17_headless; };

  mavenRepository = linkFarm "nixdeploy-maven-repository"
    (builtins.attrValues (builtins.mapAttrs
      (path: hash: {
        name = path;
        path = fetchurl { url = "https://repo.maven.apache.org/maven2/${path}"; inherit hash; };
      })
      (builtins.fromJSON (builtins.readFile ./maven-deps.json))));
in
stdenv.mkDerivation {
  pname = "nixdeploy";
  version = "0.1.0";
  src = if src != null then src else defaultSrc;

  nativeBuildInputs = [ maven makeWrapper ];

  # Unit tests and integration tests need network namespaces and root: .ci/test runs them.
  buildPhase = ''
    runHook preBuild
    cp -rL ${mavenRepository} "$TMPDIR/m2"
    chmod -R u+w "$TMPDIR/m2"
    mvn --offline --batch-mode --no-transfer-progress -Dmaven.repo.local="$TMPDIR/m2" \
      -DskipTests -DskipITs package
    runHook postBuild
  '';

  # deployer/target/dist is the distribution Maven assembles:
  # bin/deploy, lib/*.jar and share/nixdeploy-activator.jar. The activator's runtime goes beside it.
  installPhase = ''
    runHook preInstall
    mkdir -p $out/libexec $out/bin
    cp -r deployer/target/dist $out/libexec/nixdeploy
    ln -s ${activatorRuntime} $out/libexec/nixdeploy/share/nixdeploy-activator-runtime
    makeWrapper $out/libexec/nixdeploy/bin/deploy $out/bin/deploy \
      --set JAVA_HOME ${jre} --prefix PATH : ${jre}/bin
    runHook postInstall
  '';

  passthru = { inherit activatorRuntime; };

  meta = {
    description = "Deploy Nix profiles over SSH with magic rollback (deploy-rs compatible)";
    mainProgram = "deploy";
  };
}
