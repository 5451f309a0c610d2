#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The layer rule of docs/architecture.md ("Layers"): a source file includes
# only headers of its own layer or of layers below it; the program (src/cli)
# includes public headers only.  Reads the #include "..." lines of src/ and
# include/discwright/, prints every violation and the layer table, and exits
# 1 when there is one.
#
#   tests/lint/check_layers.sh [SOURCE_DIR]
set -u
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1

# Rank of each layer: a folder under src/ (private headers) and the public
# headers that belong to it.  Equal ranks are peers: they may use each
# other's public headers, never each other's private ones.
declare -A rank=(
  [base]=0 [sector]=1 [disc]=2 [checksum]=3 [image]=4 [drive]=5
  [report]=6 [profile]=7 [rip]=8 [verify]=8 [burn]=8 [build]=8 [convert]=9
  [cli]=10 [tools]=10
)
declare -A public=(
  [version.h]=base [errors.h]=base [progress.h]=base
  [sector.h]=sector [disc.h]=disc
  [checksum.h]=checksum [accuraterip.h]=checksum [discid.h]=checksum
  [ctdb.h]=checksum [ardb.h]=checksum
  [drive.h]=drive [report.h]=report
  [profile.h]=profile [drive_profile.h]=profile
  [qscan.h]=rip [offset.h]=rip [rip.h]=rip [rip_profile.h]=rip
  [verify.h]=verify [burn.h]=burn [build.h]=build [convert.h]=convert
)

layer_of_source() { # path -> layer name
  case "$1" in
    include/discwright/*) local h=${1#include/discwright/}; echo "${public[$h]:-unknown}" ;;
    src/*/*) local d=${1#src/}; echo "${d%%/*}" ;;
    src/*) echo base ;;
  esac
}

layer_of_include() { # include text -> layer name
  case "$1" in
    discwright/*) local h=${1#discwright/}; echo "${public[$h]:-unknown}" ;;
    */*) echo "${1%%/*}" ;;
    *) echo base ;; # errors_int.h, util.h at src/
  esac
}

bad=0
checked=0
while IFS= read -r file; do
  from=$(layer_of_source "$file")
  if [ -z "${rank[$from]+x}" ]; then
    echo "unknown layer for $file ($from): add it to tests/lint/check_layers.sh"
    bad=1
    continue
  fi
  while IFS= read -r inc; do
    checked=$((checked + 1))
    to=$(layer_of_include "$inc")
    # A private header beside the source (same folder) needs no path.
    case "$inc" in */*) ;; *)
      [ -f "$(dirname "$file")/$inc" ] && [ "$(dirname "$file")" != src ] && continue ;;
    esac
    if [ -z "${rank[$to]+x}" ]; then
      echo "$file: includes \"$inc\" of unknown layer '$to'"
      bad=1
    elif [ "$from" = cli ] && [ "${inc#discwright/}" = "$inc" ] && [ "${inc#cli/}" = "$inc" ]; then
      echo "$file: the program includes the private header \"$inc\" (public headers only)"
      bad=1
    elif [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
      echo "$file ($from, ${rank[$from]}): includes \"$inc\" ($to, ${rank[$to]}), a layer above"
      bad=1
    elif [ "${rank[$to]}" -eq "${rank[$from]}" ] && [ "$to" != "$from" ] &&
         [ "${inc#discwright/}" = "$inc" ]; then
      echo "$file ($from): includes \"$inc\", a private header of the peer layer $to"
      bad=1
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find src include/discwright -name '*.[ch]' | sort)

echo "layers (lowest first):"
for l in base sector disc checksum image drive report profile rip verify burn build convert cli tools; do
  printf '  %-2s %s\n' "${rank[$l]}" "$l"
done
echo "$checked #include lines checked"
if [ $bad -ne 0 ]; then
  echo "layer violations found (docs/architecture.md, \"Layers\")"
  exit 1
fi
echo "no layer violations"
