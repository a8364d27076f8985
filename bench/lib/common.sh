# Shared by the benchmarks (sourced): test hosts with an empty /root (DESIGN.md section 8), bench
# flakes built in Nix's sandbox from the nixpkgs stand-in, timing and medians.
# Needs: $root (the repository).
[ "$(id -u)" = 0 ] || { echo "bench: run as root (test hosts are network namespaces)" >&2; exit 2; }
"$root/.ci/setup" >/dev/null
[ -x "$root/deployer/target/dist/bin/deploy" ] || (cd "$root" && mvn -B -q -ntp -DskipTests package)
# BENCH_DEPLOY=/other/dist/bin/deploy measures another build (say main's) with the same bench
deploy=${BENCH_DEPLOY:-$root/deployer/target/dist/bin/deploy}
flow="$root/../shared/tools/deploy-rs-flow"
[ -x "$flow" ] || flow=/work/shared/tools/deploy-rs-flow
standin=$("$root/nix/tests/nixpkgs-stand-in/prepare")
export NIX_CONFIG="experimental-features = nix-command flakes"
# the hosts a bench brought up (host_up runs in $(...), so a file, not a variable, keeps the list)
bench_hosts=$(mktemp)

# host_up N: a test host at 10.213.N.2 (.ci/testhost gives its root an empty home, as a real host's
# root has); prints its folder (client_key, known_hosts)
host_up() {
  dir=$("$root/.ci/testhost" up "$1")
  echo "$1" >> "$bench_hosts"
  echo "$dir"
}
hosts_down() {
  for h in $(cat "$bench_hosts"); do "$root/.ci/testhost" down "$h"; done
  rm -f "$bench_hosts"
}

# host_pids N: the host's sshd and nix-daemon (whatever they start inherits their CPU affinity)
host_pids() { ip netns pids "ndd-$1"; }

# wipe N: the host forgets every profile, journal and store path
wipe() {
  "$root/.ci/testhost" exec "$1" sh -c 'rm -rf /nix/var/nix/profiles/system* /nix/var/nix/profiles/per-user/root/* \
    /nix/var/nixdeploy /nix/var/canary-*; nix-collect-garbage >/dev/null 2>&1; true'
}

# archives_made: once per release, a host's second activation has a background JVM write the
# activator's class-data archive (HostCommands.WITH_CDS); waits until none is writing one any more
archives_made() {
  for _ in $(seq 120); do pgrep -f 'nixdeploy-activator.jar load-classes' > /dev/null || return 0; sleep 0.5; done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.2f", x / y}'; }
# timed LOG CMD...: runs CMD, prints its wall time in ms; fails the bench (showing LOG) if it fails
timed() {
  log=$1; shift
  t0=$(now_ms)
  "$@" > "$log" 2>&1 || { echo "bench: failed: $*" >&2; tail -n 30 "$log" >&2; exit 1; }
  echo $(( $(now_ms) - t0 ))
}

# bench_flake DIR NODES: writes DIR/flake.nix whose deploy.nodes are NODES (Nix attribute text),
# with `small` (one profile path and its shell) and `large` (200 x 500 kB blobs) in scope, and
# `version` read from DIR/version so a run can make a new generation
bench_flake() {
  mkdir -p "$1"
  [ -e "$1/version" ] || echo 0 > "$1/version"
  cat > "$1/flake.nix" <<NIX
{
  inputs.nixpkgs.url = "path:$standin";
  outputs = { self, nixpkgs }: let
    system = "x86_64-linux";
    pkgs = nixpkgs.legacyPackages.\${system};
    version = builtins.readFile ./version;
    blob = i: pkgs.runCommand "blob-\${toString i}" { } "head -c 500000 /dev/urandom > \$out";
    profile = name: deps: pkgs.runCommand name { deps = map toString deps; inherit version; } ''
      mkdir -p \$out
      echo "\$deps \$version" > \$out/deps
      printf '#!%s\necho activated %s\n' \${pkgs.runtimeShell} "\$name" > \$out/deploy-rs-activate
      chmod +x \$out/deploy-rs-activate
    '';
    small = profile "small" [ ];
    large = profile "large" (builtins.genList blob 200);
    node = host: opts: path: { hostname = host; sshUser = "root"; sshOpts = opts;
      profiles.system = { user = "root"; inherit path; }; };
  in {
    deploy.nodes = { $2 };
  };
}
NIX
}
# opts_of DIR [KNOWN]: the sshOpts list (Nix) for the host folder DIR
opts_of() { echo "[ \"-i\" \"$1/client_key\" \"-o\" \"UserKnownHostsFile=${2:-$1/known_hosts}\" ]"; }
# out_path DIR ATTR: a built node's profile path
out_path() { nix build --no-link --json "$1#deploy.nodes.$2.profiles.system.path" | sed 's/.*"out":"\([^"]*\)".*/\1/'; }
# build DIR ATTR...: builds the nodes' profile paths (outside the timings)
build() {
  d=$1; shift
  for a in "$@"; do echo "$d#deploy.nodes.$a.profiles.system.path"; done | xargs nix build --no-link
}

# copy_ms LOG: the copy phase's time in a deploy --json log ("copying" to "copied"), and its bytes
copy_ms() {
  python3 - "$1" <<'PY'
import json, sys, datetime
t = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    e = json.loads(line); m = e.get("message", "")
    for k in ("copying ", "copied "):
        if m.startswith(k) and k not in t:
            t[k] = datetime.datetime.fromisoformat(e["time"].rstrip("Z")[:26])
print(round((t["copied "] - t["copying "]).total_seconds() * 1000))
PY
}
