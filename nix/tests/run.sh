#!/bin/sh
# Tests for nixdeploy's Nix library (nix/) and the examples (examples/).
# POSIX sh; needs only nix (with nix-command and flakes enabled) and a static
# busybox, no network: nixpkgs is replaced by nixpkgs-stand-in, whose builds
# take their tools from the store, so they pass with Nix's sandbox on. Prints one line per test and `N passed, N failed` last; exits
# non-zero when anything failed.
#
# It never runs an activation that changes the machine: the stubs only append
# to a log file in a temporary directory, and the examples' scripts are run
# with HOME pointing there (the quickstart's lockout script is only read).
set -u

here=$(cd "$(dirname "$0")" && pwd)
nixdir=$(cd "$here/.." && pwd)
examples=$(cd "$nixdir/../examples" && pwd)
system=$(nix-instantiate --eval --expr builtins.currentSystem | tr -d '"')
standin=$("$here/nixpkgs-stand-in/prepare") || exit 1
# nix_lib ARGS... / nix_example EXAMPLE ARGS...: nix with the stand-in for the nixpkgs input (and this library for an
# example's nixdeploy input; its own nixpkgs follows the example's).
nix_lib() { nix "$@" --override-input nixpkgs "path:$standin"; }
nix_example() {
  case $1 in *deploy-rs-style*) lib_input=deploy-rs ;; *) lib_input=nixdeploy ;; esac
  shift
  nix "$@" --override-input nixpkgs "path:$standin" --override-input "$lib_input" "path:$nixdir"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nixdeploy-nix-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
log="$tmp/log"
err="$tmp/stderr"
efi="$tmp/efi"
mkdir -p "$efi/loader"

passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
not_ok() {
  failed=$((failed + 1)); echo "FAIL $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/       /'; fi
}

# build FILE ATTR [nix-build args...]: prints the out path; stderr -> $err.
build() {
  f=$1; a=$2; shift 2
  nix-build --no-out-link "$here/$f" -A "$a" --argstr efiDir "$efi" "$@" 2>"$err"
}

# activate PROFILE [VAR=value...]: run its deploy-rs-activate as the host
# would, with a fresh log; output (stdout+stderr) -> $tmp/out.
activate() {
  p=$1; shift
  : > "$log"
  env PROFILE="$p" NIXDEPLOY_TEST_LOG="$log" "$@" "$p/deploy-rs-activate" > "$tmp/out" 2>&1
}

# expect_log NAME PATTERN: the log matches a grep pattern.
expect_log() {
  if grep -q -- "$2" "$log"; then ok "$1"
  else not_ok "$1" "log: $(cat "$log") output: $(cat "$tmp/out")"; fi
}

# ---------------------------------------------------------------- the flake

# Every build below runs as on users' machines: in Nix's sandbox, which hides /usr/bin.
probe="(import $standin/pkgs.nix { system = \"$system\"; }).runCommand \"sandbox-probe-$$\" { } \"test ! -e /usr/bin && touch \$out\""
if nix build --no-link --impure --expr "$probe" 2>"$err"; then
  ok "builds run in Nix's sandbox (they see no /usr/bin)"
else not_ok "builds run in Nix's sandbox (set sandbox = true; .ci/setup does)" "$(cat "$err")"; fi

if nix_lib flake show "path:$nixdir" > "$tmp/show" 2>"$err" && grep -q checks "$tmp/show" && grep -q lib "$tmp/show"; then
  ok "nix flake show path:./nix (nixpkgs input overridden, offline)"
else not_ok "nix flake show path:./nix" "$(cat "$err")"; fi

if names=$(nix_lib eval --json "path:$nixdir#lib" --apply 'l: builtins.mapAttrs (s: v: { lib = builtins.attrNames v; activate = builtins.attrNames v.activate; }) l' 2>"$err") &&
   [ "$(printf '%s' "$names" | jq -c 'keys')" = '["aarch64-darwin","aarch64-linux","x86_64-darwin","x86_64-linux"]' ] &&
   [ "$(printf '%s' "$names" | jq -c '[.[].activate] | unique')" = '[["custom","darwin","home-manager","nixos","noop"]]' ] &&
   printf '%s' "$names" | jq -e '[.[].lib | (index("setActivate") and index("deployChecks") and index("withJre") and index("package"))] | all' >/dev/null; then
  ok "lib.<system>.{activate.*, setActivate, deployChecks, withJre, package} for 4 systems"
else not_ok "flake lib attributes" "$names $(cat "$err")"; fi

if nix_lib flake check "path:$nixdir" 2>"$err"; then ok "nix flake check path:./nix"
else not_ok "nix flake check path:./nix" "$(cat "$err")"; fi

# Evaluation (not building) works for every system, darwin included.
for s in x86_64-linux aarch64-linux x86_64-darwin aarch64-darwin; do
  if nix-instantiate "$here/profiles.nix" --argstr system "$s" -A custom -A nixos -A homeManager -A darwin -A withJre > /dev/null 2>"$err"; then
    ok "profiles evaluate for $s"
  else not_ok "profiles evaluate for $s" "$(cat "$err")"; fi
done

# ---------------------------------------------------------- activate.custom

if p=$(build profiles.nix custom); then
  if [ -L "$p/bin" ] && [ -x "$p/bin/hello" ] && [ -L "$p/share" ] && [ -L "$p/.hidden" ] &&
     [ -f "$p/deploy-rs-activate" ] && [ -x "$p/deploy-rs-activate" ] && [ ! -L "$p/deploy-rs-activate" ]; then
    ok "custom: links base's entries (dot-files too) and adds an executable deploy-rs-activate"
  else not_ok "custom: profile layout" "$(ls -la "$p")"; fi
  if grep -q STALE "$p/deploy-rs-activate"; then not_ok "custom: base's own deploy-rs-activate is replaced"
  else ok "custom: base's own deploy-rs-activate is replaced"; fi
  shell=$(nix eval --raw --impure --expr "(import $standin/pkgs.nix { system = \"$system\"; }).runtimeShell" 2>"$err")
  if [ "$(head -n 2 "$p/deploy-rs-activate")" = "#!$shell
# Activation script made by nixdeploy's lib.activate (deploy-rs compatible)." ] &&
     grep -qx 'set -euo pipefail' "$p/deploy-rs-activate"; then
    ok "custom: script runs under nixpkgs' runtimeShell with set -euo pipefail, as deploy-rs's"
  else not_ok "custom: shebang" "$(head -n 1 "$p/deploy-rs-activate") $shell $(cat "$err")"; fi

  activate "$p"; expect_log "custom: plain run takes the activate branch" "^activate-branch PROFILE=$p\$"
  activate "$p" DRY_ACTIVATE=1; expect_log "custom: DRY_ACTIVATE=1 runs dryActivate" "^dry-branch PROFILE=$p\$"
  activate "$p" BOOT=1; expect_log "custom: BOOT=1 runs boot" "^boot-branch PROFILE=$p\$"
  activate "$p" DRY_ACTIVATE=0 BOOT=0; expect_log "custom: DRY_ACTIVATE=0 BOOT=0 is a plain run" "^activate-branch"
else not_ok "custom: build" "$(cat "$err")"; fi

if p=$(build profiles.nix customPlain); then
  activate "$p" DRY_ACTIVATE=1
  script=$(cat "$tmp/out")
  if [ ! -s "$log" ] && [ -f "$script" ] && grep -q activate-branch "$script"; then
    ok "custom without dryActivate: DRY_ACTIVATE=1 only prints the activation script's path"
  else not_ok "custom without dryActivate" "out: $script log: $(cat "$log")"; fi
  activate "$p" BOOT=1
  if [ ! -s "$log" ] && [ "$(cat "$tmp/out")" = "$script" ]; then
    ok "custom without boot: BOOT=1 only prints the activation script's path"
  else not_ok "custom without boot" "out: $(cat "$tmp/out") log: $(cat "$log")"; fi
  activate "$p"; expect_log "custom without overrides: plain run activates" "^activate-branch"
else not_ok "customPlain: build" "$(cat "$err")"; fi

if p=$(build profiles.nix customFailing) && ! activate "$p" && grep -q before-failure "$log" && ! grep -q after-failure "$log"; then
  ok "custom: a failing command stops the script with a non-zero exit (set -e)"
else not_ok "custom: set -e" "$(cat "$err" "$log" 2>/dev/null)"; fi

if p=$(build profiles.nix customUnset) && ! activate "$p"; then
  ok "custom: unset variables are errors (set -u)"
else not_ok "custom: set -u" "$(cat "$err" "$tmp/out" 2>/dev/null)"; fi

if p=$(build profiles.nix customEmpty) && activate "$p" && activate "$p" DRY_ACTIVATE=1; then
  ok "custom: an empty activation script is allowed"
else not_ok "custom: empty script" "$(cat "$err" "$tmp/out" 2>/dev/null)"; fi
if p=$(build profiles.nix customOnlyComment) && activate "$p" && activate "$p" BOOT=1; then
  ok "custom: a script of only comments is a valid no-op (bash allows no empty branch)"
else not_ok "custom: comment-only script" "$(cat "$tmp/out")"; fi

if a=$(nix-instantiate "$here/profiles.nix" -A setActivate 2>/dev/null) &&
   b=$(nix-instantiate "$here/profiles.nix" -A customSameAsSetActivate 2>/dev/null) && [ "$a" = "$b" ]; then
  ok "setActivate is activate.custom"
else not_ok "setActivate is activate.custom" "$a vs $b"; fi

if p=$(build profiles.nix noop); then
  if activate "$p" && [ ! -s "$tmp/out" ] && [ -x "$p/bin/hello" ]; then ok "noop: activation does nothing and succeeds"
  else not_ok "noop: activation" "$(cat "$tmp/out")"; fi
else not_ok "noop: build" "$(cat "$err")"; fi

# ------------------------------------------------------------ activate.nixos

if p=$(build profiles.nix nixos); then
  activate "$p"; expect_log "nixos: plain run = switch-to-configuration test, from /tmp (not yet the boot default)" "^switch-to-configuration test cwd=/tmp"
  activate "$p" DRY_ACTIVATE=1; expect_log "nixos: DRY_ACTIVATE=1 = switch-to-configuration dry-activate" "^switch-to-configuration dry-activate "
  activate "$p" BOOT=1; expect_log "nixos: BOOT=1 = switch-to-configuration boot" "^switch-to-configuration boot "
  if [ "$(wc -l < "$log")" -eq 1 ]; then ok "nixos: one switch-to-configuration call per activation"
  else not_ok "nixos: calls" "$(cat "$log")"; fi
  : > "$log"
  if [ -x "$p/nixdeploy-confirmed" ] && env PROFILE="$p" NIXDEPLOY_TEST_LOG="$log" "$p/nixdeploy-confirmed" > "$tmp/out" 2>&1 &&
     grep -q "^switch-to-configuration boot cwd=/tmp" "$log"; then
    ok "nixos: nixdeploy-confirmed makes the confirmed generation the boot default (switch-to-configuration boot)"
  else not_ok "nixos: nixdeploy-confirmed" "$(ls -la "$p"; cat "$log" "$tmp/out")"; fi
else not_ok "nixos: build" "$(cat "$err")"; fi

if p=$(build profiles.nix nixosSystemdBoot); then
  printf 'timeout 3\ndefault nixos-generation-1.conf\nconsole-mode keep\n' > "$efi/loader/loader.conf"
  activate "$p"
  if grep -q '^switch-to-configuration test' "$log" && grep -q '^default ' "$efi/loader/loader.conf"; then
    ok "nixos with systemd-boot: activation (test) leaves loader.conf alone"
  else not_ok "nixos with systemd-boot: activation" "$(cat "$log" "$efi/loader/loader.conf" "$tmp/out")"; fi
  : > "$log"
  env PROFILE="$p" NIXDEPLOY_TEST_LOG="$log" "$p/nixdeploy-confirmed" > "$tmp/out" 2>&1
  if grep -q '^switch-to-configuration boot' "$log" && ! grep -q '^default ' "$efi/loader/loader.conf" &&
     grep -q '^timeout 3' "$efi/loader/loader.conf"; then
    ok "nixos with systemd-boot: confirmed = boot, then drop loader.conf's default line"
  else not_ok "nixos with systemd-boot: confirmed" "$(cat "$log" "$efi/loader/loader.conf" "$tmp/out")"; fi
else not_ok "nixos systemd-boot: build" "$(cat "$err")"; fi

# ----------------------------------------------------- activate.home-manager

if p=$(build profiles.nix homeManager); then
  activate "$p"; expect_log "home-manager: runs \$PROFILE/activate" "^hm-activate  cwd=.* ext=unset dry=unset"
  activate "$p" DRY_ACTIVATE=1; expect_log "home-manager: DRY_ACTIVATE=1 runs its dry run (DRY_RUN=1)" "^hm-activate .*dry=1"
else not_ok "home-manager: build" "$(cat "$err")"; fi

if p=$(build profiles.nix homeManagerBackup); then
  activate "$p"; expect_log "home-manager with backupFileExtension: HOME_MANAGER_BACKUP_EXT set" "^hm-activate .*ext=hm-bak dry=unset"
else not_ok "home-manager backup: build" "$(cat "$err")"; fi

# ----------------------------------------------------------- activate.darwin

if p=$(build profiles.nix darwin); then
  activate "$p" HOME=/somewhere; expect_log "darwin: runs \$PROFILE/activate with HOME=/var/root" "^darwin-activate .*HOME=/var/root"
else not_ok "darwin: build" "$(cat "$err")"; fi

if p=$(build profiles.nix darwinSystemOnly); then
  activate "$p"; expect_log "darwin: a config with only .system works too" "^darwin-activate"
else not_ok "darwin (system only): build" "$(cat "$err")"; fi

# ------------------------------------------------------------------ withJre

if p=$(build profiles.nix withJre) && jre=$(build profiles.nix jre); then
  if [ "$(readlink "$p/nixdeploy-jre")" = "$jre" ] && [ -x "$p/deploy-rs-activate" ] && [ -x "$p/bin/hello" ]; then
    ok "withJre: nixdeploy-jre -> the JRE, profile entries kept"
  else not_ok "withJre: layout" "$(ls -la "$p")"; fi
  jp=$(nix-instantiate --eval "$here/profiles.nix" -A withJreJavaPath 2>"$err" | tr -d '"')
  if [ "$jp" = "$p/nixdeploy-jre/bin/java" ] && [ "$("$jp" -version)" = "fake java -version" ]; then
    ok "withJre: .javaPath runs the JRE's java"
  else not_ok "withJre: javaPath" "$jp $(cat "$err")"; fi
else not_ok "withJre: build" "$(cat "$err")"; fi

# ------------------------------------------------------------------ package
# nix/tests/package.sh builds it (from the repository's flake); here: the message when this flake
# alone (path:./nix) lacks the Java sources.

if ! nix_lib eval --raw "path:$nixdir#lib.$system.package.src" >/dev/null 2>"$err" &&
   grep -q 'Java sources are not part' "$err"; then
  ok "package: from path:./nix it explains that the Java sources are missing"
else not_ok "package: path:./nix src message" "$(cat "$err")"; fi

# ------------------------------------------------------------- deployChecks

# check_ok NAME: both checks of deploys.nix's NAME build.
check_ok() {
  if nix-build --no-out-link "$here/checks.nix" --argstr name "$1" -A deploy-schema > /dev/null 2>"$err"; then
    ok "deployChecks $1: deploy-schema passes"
  else not_ok "deployChecks $1: deploy-schema" "$(cat "$err")"; fi
  if nix-build --no-out-link "$here/checks.nix" --argstr name "$1" -A deploy-activate > /dev/null 2>"$err"; then
    ok "deployChecks $1: deploy-activate passes"
  else not_ok "deployChecks $1: deploy-activate" "$(cat "$err")"; fi
}

# check_fails NAME CHECK MESSAGE: the check fails and says MESSAGE (fixed string).
check_fails() {
  if nix-build --no-out-link "$here/checks.nix" --argstr name "$1" -A "$2" > /dev/null 2>"$err"; then
    not_ok "deployChecks $1: $2 must fail"
  elif grep -qF -- "$3" "$err"; then
    ok "deployChecks $1: $2 fails with: $3"
  else not_ok "deployChecks $1: $2 message" "wanted: $3
got: $(cat "$err")"; fi
}

# deploy-rs's names exactly: CI jobs build checks.<system>.deploy-schema / .deploy-activate.
if names=$(nix-instantiate --eval --json --strict --expr "builtins.attrNames (import $here/checks.nix { name = \"valid\"; })" 2>"$err") &&
   [ "$names" = '["deploy-activate","deploy-schema"]' ]; then
  ok "deployChecks: names its checks deploy-schema and deploy-activate, as deploy-rs does"
else not_ok "deployChecks names" "${names:-} $(cat "$err")"; fi

check_ok valid
check_ok validMinimal
check_ok validWithNulls
check_ok noActivation
check_fails mistyped deploy-schema "deploy.nodes.web.profiles.system: unknown setting 'sshUsr' (did you mean 'sshUser'?)"
check_fails wrongType deploy-schema 'deploy.nodes.web.profiles.system.sshOpts: must be a list of strings, got a string "x"'
check_fails missingPath deploy-schema "deploy.nodes.web.profiles.system: missing required setting 'path'"
check_fails nullHostname deploy-schema 'deploy.nodes.web.hostname: must be a string, got null'
check_fails missingHostname deploy-schema "deploy.nodes.web: missing required setting 'hostname'"
check_fails unknownTopLevel deploy-schema "deploy: unknown setting 'node' (did you mean 'nodes'?)"
check_fails unknownNodeKey deploy-schema "deploy.nodes.web: unknown setting 'hostName' (did you mean 'hostname'?)"
check_fails wrongBool deploy-schema 'deploy.nodes.web.profiles.system.magicRollback: must be a boolean (true or false), got a string "yes"'
check_fails wrongInt deploy-schema 'deploy.nodes.web.profiles.system.confirmTimeout: must be an integer, got a string "30"'
check_fails zeroTimeout deploy-schema 'deploy.nodes.web.profiles.system.activationTimeout: must be at least 1, got 0'
check_fails cacheNotString deploy-schema 'deploy.nodes.web.profiles.system.cache: must be a string, got a list'
check_fails tagsNotList deploy-schema 'deploy.nodes.web.tags: must be a list of strings, got a string "web"'
check_fails healthBoth deploy-schema 'deploy.nodes.web.healthChecks[0]: must be exactly one of'
check_fails healthNeither deploy-schema 'deploy.nodes.web.healthChecks[0]: must be exactly one of: an http check'
check_fails healthUnknownField deploy-schema "deploy.nodes.web.healthChecks[0].http: unknown setting 'expect'"
check_fails healthBadPort deploy-schema 'deploy.nodes.web.healthChecks[0].http.port: must be at most 65535, got 70000'
check_fails healthBadScheme deploy-schema 'deploy.nodes.web.healthChecks[0].http.scheme: must be one of "http", "https"'
check_fails healthCmdString deploy-schema 'deploy.nodes.web.healthChecks[0].cmd.command: must be a list of strings'
check_fails pathIsFunction deploy-schema 'deploy.nodes.web.profiles.system.path: must be a string, got a function'
check_fails orderUnknownProfile deploy-schema "deploy.nodes.web.profilesOrder: names profile 'nope', which is not in profiles"
check_fails quotedNodeName deploy-schema "deploy.nodes.\"web.example.com\": unknown setting 'sshUsr'"
check_fails mistyped deploy-activate "deploy.nodes.web.profiles.system: unknown setting 'sshUsr'"
check_fails nonExecActivation deploy-activate 'deploy.nodes.web.profiles.bad: '
if grep -qF 'deploy-rs-activate is not an executable file' "$err"; then ok "deployChecks nonExecActivation: says the script is not executable"
else not_ok "deployChecks nonExecActivation message" "$(cat "$err")"; fi

# ---------------------------------------------------------------- examples

for ex in quickstart deploy-rs-style user-profile; do
  dir="$examples/$ex"
  if nodes=$(nix_example "$ex" eval --json "path:$dir#deploy" --apply 'd: builtins.attrNames d.nodes' 2>"$err"); then
    ok "examples/$ex: deploy evaluates offline, nodes $nodes"
  else not_ok "examples/$ex: eval" "$(cat "$err")"; continue; fi

  pairs=$(nix_example "$ex" eval --json "path:$dir#deploy" --apply 'd: builtins.concatLists (builtins.attrValues (builtins.mapAttrs (n: v: map (p: "${n}.profiles.${p}") (builtins.attrNames (v.profiles or { }))) d.nodes))' 2>"$err" | jq -r '.[]')
  for np in $pairs; do
    if out=$(nix_example "$ex" build --no-link --json "path:$dir#deploy.nodes.$np.path" 2>"$err" | jq -r '.[0].outputs.out') &&
       [ -x "$out/deploy-rs-activate" ]; then
      ok "examples/$ex: nix build #deploy.nodes.$np.path (has deploy-rs-activate)"
    else not_ok "examples/$ex: build $np" "$(cat "$err")"; fi
  done

  # The example's own checks, made by the library's deployChecks.
  for c in deploy-schema deploy-activate; do
    if nix_example "$ex" build --no-link "path:$dir#checks.$system.$c" >/dev/null 2>"$err"; then
      ok "examples/$ex: deployChecks.$c passes"
    else not_ok "examples/$ex: deployChecks.$c" "$(cat "$err")"; fi
  done
done

# The user profile's activation, for real but inside a temporary HOME.
if p=$(nix_example user-profile build --no-link --json "path:$examples/user-profile#deploy.nodes.workstation.profiles.tools.path" 2>"$err" | jq -r '.[0].outputs.out'); then
  mkdir -p "$tmp/home"
  env HOME="$tmp/home" PROFILE="$p" DRY_ACTIVATE=1 "$p/deploy-rs-activate" > "$tmp/out" 2>&1
  if [ ! -e "$tmp/home/.nixdeploy-tools" ]; then ok "examples/user-profile: DRY_ACTIVATE=1 changes nothing"
  else not_ok "examples/user-profile: dry run made the link"; fi
  if env HOME="$tmp/home" PROFILE="$p" "$p/deploy-rs-activate" > "$tmp/out" 2>&1 &&
     [ "$(readlink "$tmp/home/.nixdeploy-tools")" = "$p" ] &&
     [ "$("$tmp/home/.nixdeploy-tools/bin/hello-nixdeploy")" = "hello from nixdeploy, $(id -un)" ]; then
    ok "examples/user-profile: activation links ~/.nixdeploy-tools to the profile"
  else not_ok "examples/user-profile: activation" "$(cat "$tmp/out")"; fi
else not_ok "examples/user-profile: build" "$(cat "$err")"; fi

# The lockout profile is only inspected: running it would cut SSH off here.
if p=$(nix_example quickstart build --no-link --json "path:$examples/quickstart#deploy.nodes.webserver-lockout.profiles.system.path" 2>"$err" | jq -r '.[0].outputs.out') &&
   grep -qF "nft add rule inet lockout input tcp dport 22 ct state new drop" "$p/deploy-rs-activate" &&
   g=$(nix_example quickstart build --no-link --json "path:$examples/quickstart#deploy.nodes.webserver.profiles.system.path" 2>>"$err" | jq -r '.[0].outputs.out') &&
   grep -qF "nft delete table inet lockout" "$g/deploy-rs-activate" &&
   [ "$(nix_example quickstart eval --raw "path:$examples/quickstart#deploy.nodes.webserver-lockout.hostname" 2>>"$err")" = \
     "$(nix_example quickstart eval --raw "path:$examples/quickstart#deploy.nodes.webserver.hostname" 2>>"$err")" ]; then
  ok "examples/quickstart: lockout variant drops new SSH connections; the good one removes that table"
else not_ok "examples/quickstart: lockout" "$(cat "$err")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
