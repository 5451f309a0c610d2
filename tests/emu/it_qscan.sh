#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Q sub-channel scan through the emulated drive: 'discwright rip
# /dev/sr0' finds the pregaps, indexes, ISRCs, MCN and pre-emphasis the
# drive model synthesizes Q for (INDEX 00 counting down, MCN frames at
# LBA mod 100 = 13, ISRC frames at 53), with few reads (a bisection, not a
# scan), through bad Q CRCs (the fault plan's badq) and binary formatted
# Q; --no-qscan keeps the TOC's layout; 'info' does not scan.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

# qscan_counts LOG: "FRAMES READS BAD" from the log's scan line.
qscan_counts() {
  sed -n 's/^Q sub-channel scan .*: \([0-9]*\) Q frames in \([0-9]*\) reads, \([0-9]*\) with a bad CRC.*/\1 \2 \3/p' "$1"
}

# indexes_of CUE: the TRACK and INDEX lines, one line.
indexes_of() { grep -E '^ *(TRACK|INDEX)' "$1" | awk '{ $1 = $1; printf "%s ", $0 }'; }

# ---- p1: track 2's 75-sector pregap, as a rip of the image has it -------------
EMU_CONFIG="medium=$L/p1.cue"
"$DW" -q rip "$L/p1.cue" -o "$work/p1-img" --name disc --mode burst >/dev/null 2>&1
expect_exit 5 "p1: rip /dev/sr0" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/p1" --name disc --mode burst
same_file "$work/p1/disc.bin" "$work/p1-img/disc.bin" "p1: the bin equals the rip of p1.cue"
grep -A3 '^  TRACK 02' "$work/p1/disc.cue" | grep -q 'INDEX 00 00:02:00' &&
  grep -A3 '^  TRACK 02' "$work/p1/disc.cue" | grep -q 'INDEX 01 00:03:00' &&
  ok "p1: track 2 has INDEX 00 00:02:00 and INDEX 01 00:03:00" ||
  bad "p1: cue: $(indexes_of "$work/p1/disc.cue")"
same_text <(grep -v '^REM' "$work/p1-img/disc.cue") <(grep -v '^REM' "$work/p1/disc.cue") \
  "p1: the cue equals the one ripped from p1.cue"
grep -q '^  track 02: pregap INDEX 00 at LBA 150 (75 sectors)' "$work/p1/disc.log" &&
  ok "p1: the log names the pregap found" || bad "p1: log: $(grep -A6 '^Q sub' "$work/p1/disc.log")"
grep -q '^  hidden track before track 01: LBA 0-74 (75 sectors)' "$work/p1/disc.log" &&
  ok "p1: the log names the hidden track before track 1" || bad "p1: no hidden-track line"
read -r frames reads nbad <<<"$(qscan_counts "$work/p1/disc.log")"
echo "     p1: $frames Q frames in $reads reads"
[ -n "$frames" ] && [ "$frames" -le 200 ] && [ "$reads" -le 16 ] &&
  ok "p1: the scan read $frames Q frames in $reads reads (both tracks read whole for ISRC/MCN: 152)" ||
  bad "p1: the scan read '$frames' frames in '$reads' reads"
grep -q '"q_frames": *'"$frames" "$work/p1/disc.json" && grep -q '"index00_lba": *150' "$work/p1/disc.json" &&
  ok "p1: the report has the scan (q_frames, index00_lba)" || bad "p1: report lacks the qscan object"

# ---- --no-qscan: the TOC's layout -------------------------------------------------
expect_exit 5 "p1: rip /dev/sr0 --no-qscan" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/p1-toc" --name disc --mode burst --no-qscan
same_file "$work/p1-toc/disc.bin" "$work/p1-img/disc.bin" "p1 --no-qscan: the same bin"
[ "$(indexes_of "$work/p1-toc/disc.cue")" = "TRACK 01 AUDIO INDEX 00 00:00:00 INDEX 01 00:01:00 TRACK 02 AUDIO INDEX 01 00:03:00 " ] &&
  ok "p1 --no-qscan: track 2 has only INDEX 01 (the TOC's layout)" ||
  bad "p1 --no-qscan: cue: $(indexes_of "$work/p1-toc/disc.cue")"
grep -q '^Q sub-channel scan: skipped (--no-qscan' "$work/p1-toc/disc.log" &&
  ok "p1 --no-qscan: the log says the scan was skipped" || bad "p1 --no-qscan: $(grep '^Q sub' "$work/p1-toc/disc.log")"

# ---- an image source: no scan, and the log says why -------------------------------
grep -q '^Q sub-channel scan: skipped (an image carries its layout)' "$work/p1-img/disc.log" &&
  ok "p1.cue: an image is not scanned, the log says so" || bad "p1.cue: $(grep '^Q sub' "$work/p1-img/disc.log")"

# ---- binary formatted Q: told apart and converted ---------------------------------
EMU_CONFIG="medium=$L/p1.cue subq=binary"
expect_exit 5 "p1 subq=binary: rip /dev/sr0" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/p1-bin" --name disc --mode burst
same_text <(grep -v '^REM' "$work/p1-img/disc.cue") <(grep -v '^REM' "$work/p1-bin/disc.cue") \
  "p1 subq=binary: the same cue"
grep -q '^Q sub-channel scan (formatted Q (binary numbers, converted to BCD))' "$work/p1-bin/disc.log" &&
  ok "p1 subq=binary: the log says the drive's formatted Q is binary" ||
  bad "p1 subq=binary: $(grep '^Q sub' "$work/p1-bin/disc.log")"

# ---- bad Q CRCs where the probes land: skipped, the pregap still found ------------
EMU_CONFIG="medium=$L/p1.cue faults=badq:100-148,badq:151-220"
expect_exit 5 "p1 badq:100-148,151-220: rip /dev/sr0" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/p1-badq" --name disc --mode burst
same_text <(grep -v '^REM' "$work/p1-img/disc.cue") <(grep -v '^REM' "$work/p1-badq/disc.cue") \
  "p1 badq: the pregap is found between the bad ranges (same cue)"
read -r frames reads nbad <<<"$(qscan_counts "$work/p1-badq/disc.log")"
[ -n "$nbad" ] && [ "$nbad" -gt 0 ] && ok "p1 badq: the log counts $nbad frames with a bad CRC" ||
  bad "p1 badq: bad CRC count '$nbad'"

# The boundary itself inside bad frames: uncertain, said so, first frame seen taken.
EMU_CONFIG="medium=$L/p1.cue faults=badq:140-160"
expect_exit 5 "p1 badq:140-160: rip /dev/sr0" -- \
  emu "$DW" rip "$EMU_DEVICE" -o "$work/p1-badq2" --name disc --mode burst
grep -q '^warning: track 02: the start of the pregap is uncertain: Q frames 140-160' "$work/p1-badq2/disc.log" &&
  grep -A3 '^  TRACK 02' "$work/p1-badq2/disc.cue" | grep -q 'INDEX 00 00:02:11' &&
  ok "p1 badq:140-160: the pregap is reported uncertain and starts at the first good INDEX 00 frame" ||
  bad "p1 badq:140-160: $(grep 'uncertain' "$work/p1-badq2/disc.log") / $(indexes_of "$work/p1-badq2/disc.cue")"
expect_stderr "start of the pregap is uncertain" "p1 badq:140-160: the warning reaches stderr"

# ---- ISRCs, CATALOG, INDEX 02, PRE and a long pregap over fixture audio ------------
for _ in 1 2 3 4 5 6 7 8; do cat "$L/cdda.bin"; done >"$work/long.bin" # 2416 sectors
cat >"$work/long.cue" <<EOF
CATALOG 4006381333931
FILE "long.bin" BINARY
  TRACK 01 AUDIO
    ISRC USRC17607839
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    FLAGS PRE
    ISRC GBAYE0601498
    INDEX 00 00:08:00
    INDEX 01 00:10:00
    INDEX 02 00:12:10
  TRACK 03 AUDIO
    ISRC FRZ039800212
    INDEX 01 00:16:00
  TRACK 04 AUDIO
    INDEX 00 00:20:00
    INDEX 01 00:22:37
EOF
EMU_CONFIG="medium=$work/long.cue"
"$DW" -q rip "$work/long.cue" -o "$work/long-img" --name disc --mode burst >/dev/null 2>&1
expect_exit 0 "long: info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
grep -q 'MCN 4006381333931' "$work/out.txt" && grep -q 'GBAYE0601498' "$work/out.txt" &&
  ok "long: info shows the MCN and ISRCs (READ SUB-CHANNEL; info does not scan Q)" ||
  bad "long: info: $(cat "$work/out.txt")"
grep -qE '^ +2 +1 +AUDIO +PRE +- ' "$work/out.txt" && ! grep -q 'INDEX 02' "$work/out.txt" &&
  ok "long: info shows no INDEX 00 for track 2 and no INDEX 02 (info does not scan)" ||
  bad "long: info: $(grep -A2 '^ *2 ' "$work/out.txt")"
expect_exit 5 "long: rip /dev/sr0" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/long" --name disc --mode burst
same_file "$work/long/disc.bin" "$work/long-img/disc.bin" "long: the bin equals the rip of the image"
same_text <(grep -v '^REM' "$work/long-img/disc.cue") <(grep -v '^REM' "$work/long/disc.cue") \
  "long: the cue (CATALOG, ISRC, FLAGS PRE, INDEX 00/01/02) equals the rip of the image"
grep -q '^CATALOG 4006381333931' "$work/long/disc.cue" && [ "$(grep -c '^    ISRC ' "$work/long/disc.cue")" = 3 ] &&
  grep -q 'INDEX 02 00:12:10' "$work/long/disc.cue" && grep -q 'FLAGS PRE' "$work/long/disc.cue" &&
  ok "long: the cue has the CATALOG, 3 ISRCs, INDEX 02 and PRE" || bad "long: cue: $(cat "$work/long/disc.cue")"
grep -qE '^  track 01: ISRC USRC17607839 \([0-9]+ Q frames?\)$' "$work/long/disc.log" &&
  grep -qE '^  track 02: ISRC GBAYE0601498 \([0-9]+ Q frames?\)$' "$work/long/disc.log" &&
  grep -qE '^  track 03: ISRC FRZ039800212 \([0-9]+ Q frames?\)$' "$work/long/disc.log" &&
  grep -qE '^  MCN 4006381333931 \([0-9]+ Q frames?\)$' "$work/long/disc.log" &&
  ok "long: the log has each ISRC and the MCN as read from Q, agreeing with READ SUB-CHANNEL" ||
  bad "long: log: $(grep -A12 '^Q sub' "$work/long/disc.log")"
grep -q '^  track 02: pregap INDEX 00 at LBA 600 (150 sectors)' "$work/long/disc.log" &&
  grep -q '^  track 04: pregap INDEX 00 at LBA 1500 (187 sectors)' "$work/long/disc.log" &&
  grep -q '^  track 03: no pregap' "$work/long/disc.log" &&
  grep -q '^  track 02: INDEX 02 at LBA 910' "$work/long/disc.log" &&
  grep -q '^  track 02: pre-emphasis (Q CONTROL' "$work/long/disc.log" &&
  ok "long: the log has the pregaps, INDEX 02 and pre-emphasis found" ||
  bad "long: log: $(grep -A14 '^Q sub' "$work/long/disc.log")"
read -r frames reads nbad <<<"$(qscan_counts "$work/long/disc.log")"
echo "     long (2416 sectors, 4 tracks): $frames Q frames in $reads reads"
[ -n "$frames" ] && [ "$frames" -le 600 ] &&
  ok "long: $frames Q frames in $reads reads (a scan would read 2416)" || bad "long: $frames Q frames read"

# Bad Q around track 4's boundary probes (1 and 150 before INDEX 01, and the
# frames before the boundary): the same layout.
EMU_CONFIG="medium=$work/long.cue faults=badq:1480-1498,badq:1530-1545,badq:1600-1686"
expect_exit 5 "long badq: rip /dev/sr0" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/long-badq" --name disc --mode burst
same_text <(grep -v '^REM' "$work/long-img/disc.cue") <(grep -v '^REM' "$work/long-badq/disc.cue") \
  "long badq: the same cue, the bad frames skipped"
read -r frames reads nbad <<<"$(qscan_counts "$work/long-badq/disc.log")"
echo "     long with badq: $frames Q frames in $reads reads, $nbad with a bad CRC"

# --no-qscan: INDEX 01 only; ISRC, CATALOG and PRE still come from READ
# SUB-CHANNEL and the TOC.
expect_exit 5 "long: rip /dev/sr0 --no-qscan" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/long-toc" --name disc --mode burst --no-qscan
grep -q 'INDEX 00 00:08:00' "$work/long-toc/disc.cue" || grep -q 'INDEX 02' "$work/long-toc/disc.cue" &&
  bad "long --no-qscan: pregaps or indexes in the cue: $(indexes_of "$work/long-toc/disc.cue")" ||
  ok "long --no-qscan: no INDEX 00 after track 1, no INDEX 02"
grep -q '^CATALOG 4006381333931' "$work/long-toc/disc.cue" && [ "$(grep -c '^    ISRC ' "$work/long-toc/disc.cue")" = 3 ] &&
  ok "long --no-qscan: CATALOG and ISRCs from READ SUB-CHANNEL" || bad "long --no-qscan: $(cat "$work/long-toc/disc.cue")"
same_file "$work/long-toc/disc.bin" "$work/long-img/disc.bin" "long --no-qscan: the same bin"

finish
