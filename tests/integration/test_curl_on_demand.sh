#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# libcurl is loaded when a lookup or --version needs it
# (src/checksum/curl_dl.c), not at start: neither the library nor the
# program lists it as NEEDED, a command that looks nothing up (info, an
# offline convert) never loads it, and --version loads it and prints its
# words.  (The lookups themselves run through it in unit.test_ardb,
# unit.test_ctdb and emu.it_accuraterip against a local HTTP server.)
. "$(dirname "$0")/lib.sh"
need_tool readelf
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample.cue" ] || skip_all "$sample not built"

lib=$(LD_TRACE_LOADED_OBJECTS=1 "$DW" | awk '/libdiscwright/ { print $3 }')
[ -f "$lib" ] && ok "found the library the program loads: $lib" || bad "no libdiscwright in ldd of $DW"
for f in "$DW" "$lib"; do
  if readelf -d "$f" | grep NEEDED | grep -q curl; then bad "$f needs libcurl at start"; else
    ok "$(basename "$f") does not need libcurl at start"; fi
done

# loaded PROGRAM ARGS...: the shared objects the dynamic loader opened.
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null | awk '/file=/ { sub(/.*file=/, ""); print $1 }' | sort -u; }

loaded "$DW" -q info "$sample/sample.cue" >"$work/info.libs"
grep -q libcdio "$work/info.libs" && ok "LD_DEBUG lists what info loads" || bad "LD_DEBUG listed nothing"
grep -q curl "$work/info.libs" && bad "info loaded $(grep curl "$work/info.libs")" ||
  ok "info does not load libcurl"
loaded "$DW" -q convert "$sample/sample.cue" -o "$work/c.cue" --no-verify >"$work/convert.libs"
grep -q curl "$work/convert.libs" && bad "convert loaded $(grep curl "$work/convert.libs")" ||
  ok "convert does not load libcurl"
loaded "$DW" --version >"$work/version.libs"
grep -q curl "$work/version.libs" && ok "--version loads libcurl" || bad "--version did not load libcurl"
expect_exit 0 "--version" -- "$DW" --version
expect_stdout " libcurl/" "  names libcurl's version"
finish
