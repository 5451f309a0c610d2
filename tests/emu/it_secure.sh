#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Secure mode on an emulated drive with C2: a clean disc takes one pass and
# no re-read; only sectors that C2 flags or that fail are re-read; sectors
# whose re-reads never agree cleanly are listed bad (and every sector that
# differs from the source is among them); a transient error is recovered.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
src=$L/cdda.bin
bad_sectors() { sed -n 's/^bad: LBA \([0-9]*\)-\([0-9]*\) .*/\1 \2/p' "$1" | while read -r a b; do seq "$a" "$b"; done; }
differing_sectors() { cmp -l "$1" "$2" 2>/dev/null | awk '{ print int(($1 - 1) / 2352) }' | sort -un; }
json_int() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1" | head -1; }

EMU_CONFIG="medium=$L/cdda.cue c2=294"
expect_exit 5 "secure rip of a clean disc" -- emu "$DW" --json rip "$EMU_DEVICE" -o "$work/clean" --name d --mode secure --no-qscan
same_file "$work/clean/d.bin" "$src" "clean: the bin equals the source"
tr -d ' \n' < "$work/clean/d.json" > "$work/clean.flat"
[ "$(json_int "$work/clean.flat" rereads)" = 0 ] && grep -q '"c2":true' "$work/clean.flat" \
  && ok "clean: one pass with C2, no re-read" || bad "clean: $(grep -o '"secure":{[^}]*}' "$work/clean.flat")"

EMU_CONFIG="medium=$L/cdda.cue c2=294 faults=c2:20-24"
expect_exit 3 "secure rip with C2-flagged sectors 20-24" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/c2" --name d --mode secure --no-qscan
bad_sectors "$work/c2/d.log" | sort -un | tr '\n' ' ' > "$work/bad.txt"
[ "$(cat "$work/bad.txt")" = "20 21 22 23 24 " ] && ok "c2: exactly sectors 20-24 are bad" || bad "c2: bad = $(cat "$work/bad.txt")"
[ "$(differing_sectors "$work/c2/d.bin" "$src" | tr '\n' ' ')" = "20 21 22 23 24 " ] \
  && ok "c2: only the flagged sectors differ from the source" || bad "c2: differing $(differing_sectors "$work/c2/d.bin" "$src" | tr '\n' ' ')"
grep -q "5 suspicious sectors (5 C2-flagged" "$work/c2/d.log" && ok "c2: only the 5 flagged sectors were re-read" \
  || bad "c2: $(grep suspicious "$work/c2/d.log")"

EMU_CONFIG="medium=$L/cdda.cue c2=294 faults=transient:30-31:2"
expect_exit 5 "secure rip with a transient error" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/tr" --name d --mode secure --no-qscan
same_file "$work/tr/d.bin" "$src" "transient: recovered, the bin equals the source"
grep -q '^re-read: LBA 30-31' "$work/tr/d.log" && ok "transient: the re-read sectors are listed" || bad "transient: $(grep re-read "$work/tr/d.log")"

EMU_CONFIG="medium=$L/cdda.cue c2=none faults=unreadable:30-31"
expect_exit 3 "secure rip without C2 on a drive with unreadable sectors" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/noc2" --name d --mode secure --no-qscan
grep -q '^bad: LBA 30-31 (2 sectors): unreadable, sense 3/11/00' "$work/noc2/d.log" && ok "no C2: the unreadable sectors are listed with their sense" || bad "no C2: $(grep '^bad' "$work/noc2/d.log")"
cmp -s <(bytes_of "$work/noc2/d.bin" $((30 * 2352)) $((2 * 2352))) <(head -c $((2 * 2352)) /dev/zero) \
  && ok "no C2: the unreadable sectors are silence in the bin, not other audio" \
  || bad "no C2: sectors 30-31 of the bin are not zeros"
grep -q 'reports no C2 errors' "$work/noc2/d.log" && ok "no C2: the log says the drive has no C2" || bad "no C2: not logged"
# The drive profile steers secure mode: a user profile (drives --probe
# --save writes one) that says the cache holds 8000 sectors moves the
# cache-defeating reads 10000 sectors away; one that says the drive has no
# C2 makes secure mode skip asking for it.
cfg=$work/cfg/discwright/profiles/drives
mkdir -p "$cfg"
sed 's/"cache_sectors":[0-9]*/"cache_sectors":8000/' "$DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json" >"$cfg/dwemu_virtual_mmc-6.json"
EMU_CONFIG="medium=$L/cdda.cue c2=294 faults=transient:30-31:2"
expect_exit 5 "secure rip with a user drive profile" -- env XDG_CONFIG_HOME="$work/cfg" \
  LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" \
  "$DW" -q rip "$EMU_DEVICE" -o "$work/prof" --name d --mode secure --no-qscan
grep -q "^drive profile: $cfg/dwemu_virtual_mmc-6.json (probed [0-9T:Z-]*): C2 supported, cache measured 8000 sectors, .*cache-defeating reads go 10000 sectors away$" "$work/prof/d.log" \
  && ok "profile: the log names the profile, and the reads away follow its cache size" \
  || bad "profile: $(grep '^drive profile' "$work/prof/d.log")"
same_file "$work/prof/d.bin" "$src" "profile: the bin equals the source"
sed 's/"c2":"supported"/"c2":"unsupported"/' "$DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json" >"$cfg/dwemu_virtual_mmc-6.json"
EMU_CONFIG="medium=$L/cdda.cue c2=294 faults=c2:20-24"
expect_exit 5 "secure rip with a profile that says the drive has no C2" -- env XDG_CONFIG_HOME="$work/cfg" \
  LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" \
  "$DW" -q rip "$EMU_DEVICE" -o "$work/prof2" --name d --mode secure --no-qscan
tr -d ' \n' <"$work/prof2/d.json" | grep -q '"c2":false,"c2_sectors":0' \
  && ok "profile without C2: no C2 asked for, so nothing flagged (exit 5, not 3)" \
  || bad "profile without C2: $(tr -d ' \n' <"$work/prof2/d.json" | grep -o '"secure":{[^}]*}')"
finish
