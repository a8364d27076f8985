# Minimal derivation builders that need no nixpkgs.
#
# Everything here is `builtins.derivation` with `builder = "/bin/sh"` and the
# host's coreutils on PATH (/usr/bin:/bin). That works with `sandbox = false`
# (and on macOS); it is what lets the library evaluate and build offline. The
# price: these builds are not hermetic, so keep the shell code to POSIX sh and
# the utilities every Unix has (mkdir, ln, cp, chmod, cat, test).
{ system }:
let
  inherit (builtins) concatStringsSep;
in
rec {
  # Quote a string for sh: 'it'\''s' is the single-quoted form of it's.
  shellQuote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # Run a /bin/sh script (with -e -u) that must create $out.
  # `env` is merged into the derivation, so its attributes become environment
  # variables of the build (and a string with store-path context in it makes
  # that path an input of the build).
  runSh = name: env: script:
    builtins.derivation ({
      inherit name system;
      builder = "/bin/sh";
      args = [ "-e" "-u" "-c" script ];
      PATH = "/usr/bin:/bin";
    } // env);

  # A single executable file in the store, like nixpkgs' writeScript.
  # passAsFile keeps big texts out of the environment (Nix writes the text to
  # a file and sets $textPath).
  writeScript = name: text:
    runSh name { inherit text; passAsFile = [ "text" ]; } ''
      cp "$textPath" "$out"
      chmod 555 "$out"
    '';

  # A directory holding a symlink to every top-level entry of `base` (what
  # symlinkJoin / buildEnv produce for a single input), except the names in
  # `exclude`; then `extra` (shell code) adds more entries to $out.
  linkJoin = { name, base, exclude ? [ ], env ? { }, extra ? "" }:
    runSh name ({ inherit base; exclude = concatStringsSep " " exclude; } // env) ''
      if [ ! -d "$base" ]; then
        echo "$base is not a directory; a profile must be a directory" >&2
        exit 1
      fi
      mkdir "$out"
      # The three globs cover ordinary names and dot-files; a glob that
      # matches nothing stays literal, hence the existence test.
      for f in "$base"/* "$base"/.[!.]* "$base"/..?*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        n=''${f##*/}
        case " $exclude " in *" $n "*) continue ;; esac
        ln -s "$f" "$out/$n"
      done
      ${extra}
    '';
}
