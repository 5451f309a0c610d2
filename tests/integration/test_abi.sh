#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The library's ABI against the last tagged version's (abi/discwright-
# VERSION.abi: abidw of libdiscwright.so as built from the tag, public
# headers only).  abidiff compares the built library with it, added
# functions aside: within one minor version (0.1.x) any change to what was
# there (a public struct that grows or moves a member, a changed
# signature, a removed function) fails this test; a new minor version may
# change the ABI, and the test then prints what changed.  When a version is
# tagged, its baseline is written with tests/abi/write-baseline.sh.
. "$(dirname "$0")/lib.sh"
build=${DW_BUILD:?DW_BUILD not set}
source_dir=${DW_SOURCE:?DW_SOURCE not set}
need_tool abidw
need_tool abidiff

baseline=$(ls "$source_dir"/abi/discwright-*.abi 2>/dev/null | sort -V | tail -1)
[ -n "$baseline" ] || { bad "no baseline in $source_dir/abi"; finish; exit; }
base_version=$(basename "$baseline" .abi)
base_version=${base_version#discwright-}
version=$("$DW_BIN" --version | sed -n '1s/^discwright //p')
lib=$(find "$build" -name 'libdiscwright.so.*.*.*' -type f | head -1)
[ -n "$lib" ] || { bad "no libdiscwright.so.X.Y.Z under $build"; finish; exit; }

abidw --headers-dir "$source_dir/include/discwright" --no-corpus-path --drop-private-types \
  "$lib" --out-file "$work/current.abi" 2>"$work/abidw.err" ||
  { bad "abidw $lib: $(head -5 "$work/abidw.err")"; finish; exit; }
grep -q 'dw_drive_open' "$work/current.abi" && ok "abidw read $(basename "$lib") ($version)" ||
  bad "abidw output has no dw_drive_open"

abidiff --no-added-syms "$baseline" "$work/current.abi" >"$work/diff.txt" 2>&1
rc=$?
minor() { echo "$1" | cut -d. -f1-2; }
if [ "$rc" -eq 0 ]; then
  ok "ABI of $version keeps every function and type of $base_version (added functions aside)"
elif [ $((rc & 3)) -ne 0 ]; then
  bad "abidiff failed (status $rc): $(head -5 "$work/diff.txt")"
elif [ "$(minor "$version")" = "$(minor "$base_version")" ]; then
  sed 's/^/    /' "$work/diff.txt" | head -60
  bad "the ABI of $version differs from $base_version's (abidiff status $rc, above): restore it, or make the next minor version"
else
  sed 's/^/    /' "$work/diff.txt" | head -60
  ok "ABI changed from $base_version to $version (a new minor version may; the changes are above)"
fi
finish
