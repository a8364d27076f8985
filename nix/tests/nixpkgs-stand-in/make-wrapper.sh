#!/bin/sh
# The part of nixpkgs' makeWrapper that nix/package.nix uses:
#   makeWrapper FROM TO [--set NAME VALUE] [--prefix NAME SEPARATOR VALUE] ...
set -eu
from=$1 to=$2
shift 2
mkdir -p "$(dirname "$to")"
{
  echo '#!/bin/sh'
  while [ $# -gt 0 ]; do
    case $1 in
      --set) printf "export %s='%s'\n" "$2" "$3"; shift 3 ;;
      --prefix) printf "export %s='%s'\"\${%s:+%s\$%s}\"\n" "$2" "$4" "$2" "$3" "$2"; shift 4 ;;
      *) echo "makeWrapper: unsupported option $1" >&2; exit 1 ;;
    esac
  done
  printf "exec '%s' \"\$@\"\n" "$from"
} > "$to"
chmod +x "$to"
