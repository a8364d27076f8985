# The derivation builders the library uses, on nixpkgs' runCommand and writeScript: their tools
# come from the store, so profiles build with Nix's sandbox on (the default on Linux, where builds
# see no /usr/bin).
{ pkgs }:
let
  inherit (builtins) concatStringsSep;
in
rec {
  # Quote a string for sh: 'it'\''s' is the single-quoted form of it's.
  shellQuote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # Run a shell script (with -e -u) that must create $out. `env` becomes the build's
  # environment (a string with store-path context in it makes that path an input of the build);
  # `passAsFile` keeps big texts out of it (Nix writes the text to a file and sets $<name>Path).
  runSh = name: env: script: pkgs.runCommand name env ("set -eu\n" + script);

  # A single executable file in the store.
  inherit (pkgs) writeScript;

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
