#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Secure and test-and-copy rips with the next window's pass 1 on a thread
# of its own (src/rip/secure.c, the default with more than one CPU) against
# --threads 1: the same exit status, the same bin byte for byte, the same
# bad and re-read sectors, the same per-sector counts of the secure report
# and the same checksums.  The faults lie across the first window boundary
# (windows start at 300 sectors: LBA 300 ends the first one whatever the
# speed) and inside the second (which starts at 300 and is at least 300
# long), so that the sectors anchoring the second window come from the
# first one's image while that one is being hashed and written.  A medium
# that goes away mid-rip fails both alike, and --resume finishes either to
# the source's bytes.
. "$(dirname "$0")/preload_lib.sh"
need_preload

sectors=4000
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
printf 'FILE "disc.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:30:00\n' >"$work/disc.cue"

# summary DIR: what must not depend on the thread count: the log's
# checksum, bad and re-read lines (times dropped) and the report's digests
# and per-sector counts (not the overlap and vote counts: how many commands
# a window takes follows its size, which follows the speed).
summary() {
  grep -E '^(track [0-9]+: (CRC32|AccurateRip)|image |bad:|re-read:)' "$1/d.log" |
    sed -E "s/ *\([0-9.]+ s\)//; s#$1/#DIR/#g"
  grep -E '"(crc32|md5|sha1|sha256|sectors_reread|sectors_bad|c2|c2_sectors|unreadable_first_pass|recovered|rereads|unconfirmed_sectors)":' "$1/d.json" |
    tr -d ' '
}

# same_rip NAME EXIT ARGS...: rip with --threads 1 and --threads 2, each
# into its own directory, and compare.
same_rip() {
  local name=$1 want=$2 t
  shift 2
  for t in 1 2; do
    expect_exit "$want" "$name: --threads $t" -- \
      emu "$DW" --threads "$t" -q rip "$EMU_DEVICE" -o "$work/$name-$t" --name d --no-qscan "$@"
  done
  same_file "$work/$name-1/d.bin" "$work/$name-2/d.bin" "$name: the bin byte for byte"
  summary "$work/$name-1" >"$work/$name-1.sum"
  summary "$work/$name-2" >"$work/$name-2.sum"
  [ "$(grep -c '"md5":' "$work/$name-1.sum")" -ge 3 ] &&
    ok "$name: $(wc -l <"$work/$name-1.sum") lines of checksums and counts" ||
    bad "$name: no checksums in $work/$name-1/d.log and d.json"
  same_text "$work/$name-1.sum" "$work/$name-2.sum" "$name: the same checksums, bad and re-read sectors"
}

EMU_CONFIG="medium=$work/disc.cue c2=294"
same_rip clean 5 --mode secure
same_file "$work/clean-2/d.bin" "$work/disc.bin" "clean: the bin is the source's"
same_rip clean-tc 5 --mode test-and-copy
same_file "$work/clean-tc-2/d.bin" "$work/disc.bin" "clean-tc: the bin is the source's"

EMU_CONFIG="medium=$work/disc.cue c2=294 faults=c2:296-304,c2:420-423,unreadable:450-451,transient:520-521:1"
same_rip faults 3 --mode secure --retries 2
grep -q '^bad: LBA 296-304' "$work/faults-2/d.log" && grep -q '^bad: LBA 420-423' "$work/faults-2/d.log" &&
  grep -q '^bad: LBA 450-451' "$work/faults-2/d.log" && ! grep -q '^bad: LBA 520' "$work/faults-2/d.log" &&
  ok "faults: the flagged and unreadable sectors are bad, the transient ones are not" ||
  bad "faults: $(grep -E '^(bad|re-read):' "$work/faults-2/d.log" | tr '\n' ' ')"
cmp -s <(head -c $((296 * 2352)) "$work/faults-2/d.bin") <(head -c $((296 * 2352)) "$work/disc.bin") &&
  cmp -s <(tail -c +$((524 * 2352 + 1)) "$work/faults-2/d.bin") <(tail -c +$((524 * 2352 + 1)) "$work/disc.bin") &&
  ok "faults: the bin is the source's outside the faults" || bad "faults: the bin differs outside the faults"

# The medium gone in the middle: both fail and keep a .part and a map (how
# far they got follows the window sizes, which follow the speed); --resume
# (one thread) finishes either to the source's bin.
EMU_CONFIG="medium=$work/disc.cue c2=294 faults=medium-gone-after:40"
for t in 1 2; do
  expect_exit 1 "gone: --threads $t" -- \
    emu "$DW" --threads "$t" -q rip "$EMU_DEVICE" -o "$work/gone-$t" --name d --no-qscan --mode secure
  [ -f "$work/gone-$t/d.bin.part" ] && [ -f "$work/gone-$t/d.map" ] && [ ! -e "$work/gone-$t/d.bin" ] &&
    ok "gone: --threads $t keeps the .part and the map, no bin" || bad "gone: --threads $t: $(ls "$work/gone-$t")"
done
for t in 1 2; do
  EMU_CONFIG="medium=$work/disc.cue c2=294"
  expect_exit 5 "gone: --resume after --threads $t" -- \
    emu "$DW" --threads 1 -q rip "$EMU_DEVICE" -o "$work/gone-$t" --name d --no-qscan --mode secure --resume
  same_file "$work/gone-$t/d.bin" "$work/disc.bin" "gone: the bin resumed after --threads $t is the source's"
done
finish
