#!/bin/sh
# Builds the repository flake's packages.<system>.default with Nix and runs it through `nix run`:
# nix/package.nix, Maven offline with the files of nix/maven-deps.json (each checked by Nix against
# its recorded hash), the installed launcher and the app.
#
# There is no nixpkgs here (no network), so --override-input replaces it with
# nix/tests/nixpkgs-stand-in, which makes the few packages package.nix takes from this machine's
# JDK and Maven. Those live outside the store, so this one build runs with the sandbox off.
#   Usage: sh nix/tests/package.sh      (after a Maven build has filled ~/.m2)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
system=$(uname -m)-linux
stand_in=$("$root/nix/tests/nixpkgs-stand-in/prepare")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
nix() { command nix --extra-experimental-features 'nix-command flakes' "$@"; }
with_stand_in() {
  command=$1
  shift
  nix "$command" --no-write-lock-file --option sandbox false --override-input nixpkgs "path:$stand_in" "$@"
}

cd "$root"
echo "package: building packages.$system.default ($(grep -c '": "sha256-' nix/maven-deps.json) locked Maven files)"
with_stand_in build --no-link --json ".#packages.$system.default" >"$work/build.json" 2>"$work/build.log" \
  || { tail -40 "$work/build.log" >&2; echo "FAIL packages.$system.default does not build"; exit 1; }
out=$(sed 's/.*"out":"\([^"]*\)".*/\1/' "$work/build.json")

failed=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failed=1; }

if [ -x "$out/bin/deploy" ] && [ -f "$out/libexec/nixdeploy/share/nixdeploy-activator.jar" ]; then
  ok "the package has bin/deploy and the activator jar"
else
  fail "the package has bin/deploy and the activator jar"
fi
runtime=$out/libexec/nixdeploy/share/nixdeploy-activator-runtime
if [ "$(cat "$runtime/nixdeploy-system")" = "$system" ] &&
   "$runtime/bin/java" -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' &&
   [ "$("$runtime/bin/java" --list-modules | cut -d@ -f1 | tr '\n' ' ')" = "java.base jdk.unsupported " ] &&
   "$runtime/bin/java" -Xshare:on -version > /dev/null 2>&1; then
  ok "the package carries the activator's runtime for $system: Java 17+ with java.base and jdk.unsupported only, and its class-data archive"
else
  fail "the package carries the activator's runtime ($(ls -l "$runtime" 2>&1))"
fi
if [ "$(with_stand_in build --no-link --json ".#packages.$system.activator-runtime" 2>/dev/null |
       sed 's/.*"out":"\([^"]*\)".*/\1/')" = "$(readlink "$runtime")" ]; then
  ok "packages.$system.activator-runtime is the runtime the package links"
else
  fail "packages.$system.activator-runtime"
fi
if env -u JAVA_HOME PATH=/usr/bin:/bin "$out/bin/deploy" --version | grep -q '^nixdeploy'; then
  ok "bin/deploy --version runs with the package's own JDK"
else
  fail "bin/deploy --version runs with the package's own JDK"
fi
if with_stand_in run . -- --help 2>/dev/null | grep -q -- '--magic-rollback'; then
  ok "nix run .# -- --help prints the deploy usage"
else
  fail "nix run .# -- --help prints the deploy usage"
fi
set +e
with_stand_in run . -- --no-such-option >/dev/null 2>"$work/err"
status=$?
set -e
if [ "$status" -eq 2 ] && grep -q 'no-such-option' "$work/err"; then
  ok "nix run .# with an unknown option exits 2 and names it"
else
  fail "nix run .# with an unknown option exits 2 and names it (exit $status)"
fi
if with_stand_in eval --json ".#lib.$system.activate" --apply builtins.attrNames 2>/dev/null | grep -q noop; then
  ok "the repository flake has the library too (lib.$system.activate)"
else
  fail "the repository flake has the library too (lib.$system.activate)"
fi
exit $failed
