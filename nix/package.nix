# The nixdeploy CLI (deployer + activator jar), built from the Maven project
# one directory up. Needs nixpkgs; call it through the flake as
#
#   nixdeploy.lib.${system}.package nixpkgs.legacyPackages.${system}
#
# or `pkgs.callPackage ./nix/package.nix { }`. Maven's dependencies are a
# fixed-output download: the first build fails with the real `mvnHash`, which
# you then pass with `.override { mvnHash = "sha256-..."; }`.
#
# The Java sources must be in the same source tree: use the repository as
# `git+file:///path/to/repo?dir=nix` (or a GitHub ref with ?dir=nix), not
# `path:./nix`, which copies only this directory; or pass `src`.
{ lib
, maven
, makeWrapper
, jdk17_headless
, src ? null
, mvnHash ? lib.fakeHash
, jre ? jdk17_headless
}:
let
  repo = ../.;
  # `path:./nix` puts this directory alone at the top of a store path, so
  # its parent would be the store itself.
  haveRepo = dirOf (toString ./.) != builtins.storeDir;
  defaultSrc =
    if !haveRepo then
      throw "nixdeploy package: the Java sources are not part of this flake's source; use the repository with ?dir=nix or pass src"
    else
      builtins.path {
        name = "nixdeploy-src";
        path = repo;
        # Build outputs and the Nix-only parts do not affect the jar.
        filter = path: type:
          let b = baseNameOf path; in
          !(b == "target" || b == ".git" || b == "examples" || lib.hasPrefix "result" b
            || (type == "directory" && path == toString repo + "/nix"));
      };
in
maven.buildMavenPackage {
  pname = "nixdeploy";
  version = "0.1.0";
  src = if src != null then src else defaultSrc;
  inherit mvnHash;

  # Unit tests need no root; the integration tests (network namespaces) do.
  mvnParameters = "-DskipITs";

  nativeBuildInputs = [ makeWrapper ];

  # deployer/target/dist is the distribution Maven assembles:
  # bin/deploy, lib/*.jar and share/nixdeploy-activator.jar.
  installPhase = ''
    runHook preInstall
    mkdir -p $out/libexec
    cp -r deployer/target/dist $out/libexec/nixdeploy
    makeWrapper $out/libexec/nixdeploy/bin/deploy $out/bin/deploy \
      --set JAVA_HOME ${jre} --prefix PATH : ${jre}/bin
    runHook postInstall
  '';

  meta = {
    description = "Deploy Nix profiles over SSH with magic rollback (deploy-rs compatible)";
    mainProgram = "deploy";
  };
}
