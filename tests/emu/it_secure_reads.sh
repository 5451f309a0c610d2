#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How often secure mode asks the drive for each sector, from the READ CD
# commands of the DW_TRACE_SCSI trace: on a clean generated disc a secure
# rip makes about as many READ CDs as a burst rip and reads no sector more
# than twice (the one-sector overlap of its commands: nothing is read back
# or re-read when nothing was flagged), and the bin equals the source; with
# C2-flagged sectors the flagged ones are still re-read (more than twice)
# while the windows that nothing flagged are read once, overlaps aside.
. "$(dirname "$0")/preload_lib.sh"
need_preload

sectors=6000
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
printf 'FILE "disc.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >"$work/disc.cue"

# read_cds TRACE: the number of READ CD commands in a DW_TRACE_SCSI file.
read_cds() { grep -c ' READ CD (BEh) ' "$1"; }
# coverage TRACE: "LBA count" for every LBA some READ CD asked for, by LBA.
coverage() {
  awk 'function hex(s,   v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
       / READ CD \(BEh\) / { match($0, /cdb=\[[0-9a-f ]*\]/); split(substr($0, RSTART + 5, RLENGTH - 6), b, " ")
         lba = hex(b[3] b[4] b[5] b[6]); n = hex(b[7] b[8] b[9]); for (i = lba; i < lba + n; i++) c[i]++ }
       END { for (i in c) print i, c[i] }' "$1" | sort -n
}

EMU_CONFIG="medium=$work/disc.cue c2=294"
for mode in burst secure; do
  expect_exit 5 "$mode rip of a clean disc with a SCSI trace" -- \
    emu env DW_TRACE_SCSI="$work/$mode.trace" "$DW" -q rip "$EMU_DEVICE" -o "$work/$mode" --name d \
    --mode "$mode" --no-qscan
  same_file "$work/$mode/d.bin" "$work/disc.bin" "$mode: the bin equals the source"
done
b=$(read_cds "$work/burst.trace") s=$(read_cds "$work/secure.trace")
[ "$b" -gt 100 ] && [ "$s" -ge "$b" ] && [ "$s" -le $((b + b / 20 + 2)) ] &&
  ok "clean: secure mode made $s READ CDs, burst mode $b (at most 5 % more: the overlaps)" ||
  bad "clean: secure mode made $s READ CDs against burst mode's $b"
coverage "$work/secure.trace" >"$work/secure.cov"
[ "$(wc -l <"$work/secure.cov")" = "$sectors" ] && [ "$(awk '$2 > 2' "$work/secure.cov" | wc -l)" = 0 ] &&
  [ "$(awk '$2 == 2' "$work/secure.cov" | wc -l)" -lt "$s" ] &&
  ok "clean: every sector asked for once, or twice as the overlap of two commands" ||
  bad "clean: read more often: $(awk '$2 > 1' "$work/secure.cov" | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' ')"
[ "$(awk '$2 > 1' "$(coverage "$work/burst.trace" >"$work/burst.cov"; echo "$work/burst.cov")" | wc -l)" = 0 ] &&
  ok "clean: burst mode asked for every sector once" || bad "clean: burst mode read some sectors twice"

EMU_CONFIG="medium=$work/disc.cue c2=294 faults=c2:2000-2004"
expect_exit 3 "secure rip with C2-flagged sectors 2000-2004" -- \
  emu env DW_TRACE_SCSI="$work/flagged.trace" "$DW" -q rip "$EMU_DEVICE" -o "$work/flagged" --name d \
  --mode secure --no-qscan
coverage "$work/flagged.trace" >"$work/flagged.cov"
[ "$(awk '$1 >= 2000 && $1 <= 2004 && $2 >= 3' "$work/flagged.cov" | wc -l)" = 5 ] &&
  ok "flagged: each flagged sector was re-read (asked for three times or more)" ||
  bad "flagged: $(awk '$1 >= 2000 && $1 <= 2004' "$work/flagged.cov" | tr '\n' ' ')"
# Re-reads start a few proven sectors before the run and end in the one
# after it; the cache-defeating reads go 2000 sectors away, one sector each.
# Everything else is read as in the clean rip.
[ "$(awk '$2 > 2 && ($1 < 1990 || ($1 > 2010 && $1 < 4000))' "$work/flagged.cov" | wc -l)" = 0 ] &&
  [ "$(awk '$2 > 2' "$work/flagged.cov" | wc -l)" -le 20 ] &&
  ok "flagged: nothing outside the flagged run and its anchors was re-read" ||
  bad "flagged: re-read: $(awk '$2 > 2' "$work/flagged.cov" | tr '\n' ' ')"
grep -q "5 suspicious sectors (5 C2-flagged" "$work/flagged/d.log" &&
  ok "flagged: the log says the 5 flagged sectors were re-read" ||
  bad "flagged: $(grep suspicious "$work/flagged/d.log")"
finish
