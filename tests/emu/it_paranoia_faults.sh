#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Paranoia mode on a damaged emulated disc: every sector whose bytes differ
# from the source is listed as bad (libcdio-paranoia fills in what it never
# read and patches the edges, so the bad list is decided from what the
# drive delivered, not from paranoia's own skip reports); a transient error
# that a re-read cures leaves the rip exact, with exit 0.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

src=$L/cdda.bin
# bad_sectors LOG: every LBA of the log's "bad: LBA a-b" lines
bad_sectors() { sed -n 's/^bad: LBA \([0-9]*\)-\([0-9]*\) .*/\1 \2/p' "$1" | while read -r a b; do seq "$a" "$b"; done; }
# differing_sectors A B: sectors (2352 bytes) whose bytes differ
differing_sectors() { cmp -l "$1" "$2" 2>/dev/null | awk '{ print int(($1 - 1) / 2352) }' | sort -un; }

for plan in "unreadable:20-24" "unreadable:100-104:3/11/05"; do
  EMU_CONFIG="medium=$L/cdda.cue faults=$plan"
  out="$work/p-${plan%%:*}-$RANDOM"
  expect_exit 3 "paranoia rip with $plan" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --mode paranoia
  bad_sectors "$out/d.log" | sort -un > "$work/bad.txt"
  differing_sectors "$out/d.bin" "$src" > "$work/diff.txt"
  missing=$(comm -23 "$work/diff.txt" "$work/bad.txt" | tr '\n' ' ')
  [ -z "$missing" ] && ok "$plan: every differing sector is listed bad ($(wc -l < "$work/diff.txt") differ, $(wc -l < "$work/bad.txt") listed)" \
    || bad "$plan: sectors differ but are not listed bad: $missing"
  first=${plan#unreadable:}; first=${first%%-*}
  grep -qx "$first" "$work/bad.txt" && ok "$plan: the first unreadable sector $first is listed" \
    || bad "$plan: sector $first not listed: $(tr '\n' ' ' < "$work/bad.txt")"
done

EMU_CONFIG="medium=$L/cdda.cue faults=transient:20-23:2"
expect_exit 5 "paranoia rip with a transient error" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/t" --name d --mode paranoia
same_file "$work/t/d.bin" "$src" "the transient error left the rip exact"
grep -q '^re-read: LBA' "$work/t/d.log" && ok "the re-reads are in the log" || bad "no re-read listed"
finish
