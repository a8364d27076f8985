# The activator's own Java runtime, for hosts without Java 17+: a JRE jlink'd from `jdk17_headless`
# with only the modules the activator uses, plus a file naming its Nix system. nixdeploy's package
# links it as share/nixdeploy-activator-runtime, and the deployer sends it with the closure to hosts
# of this system that have no Java 17 or newer (deployer: steps/ActivatorRuntime). Build it alone
# with `nix build .#activator-runtime`, and point a deployer not installed with Nix at it with
# NIXDEPLOY_ACTIVATOR_RUNTIME. jlink leaves out the JDK's class-data archive; it is made anew
# (`java -Xshare:dump`, lib/server/classes.jsa), so the activator and its watcher start in about
# half the time on such hosts.
{ runCommand, jdk17_headless, stdenv }:
runCommand "nixdeploy-activator-runtime" { nativeBuildInputs = [ jdk17_headless ]; } ''
  jlink --add-modules java.base,jdk.unsupported --strip-java-debug-attributes --no-man-pages --no-header-files \
    --compress=2 --output "$out"
  "$out/bin/java" -Xshare:dump > /dev/null
  echo ${stdenv.hostPlatform.system} > "$out/nixdeploy-system"
''
