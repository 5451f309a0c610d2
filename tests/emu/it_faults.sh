#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Faults injected by the drive model's fault plan reach discwright through
# the device path: unreadable sectors are reported by exact LBA with exit 3
# and nothing else is lost, transient errors are retried and recovered,
# corrupted data sectors fail their EDC and are repaired from their ECC.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

# same_outside BIN IMAGE FIRST LAST WHAT: BIN equals IMAGE except for the
# 2352-byte sectors FIRST..LAST.
same_outside() {
  local skip=$((($4 + 1) * 2352)) size
  size=$(stat -c %s "$2")
  if cmp -s <(bytes_of "$1" 0 $(($3 * 2352))) <(bytes_of "$2" 0 $(($3 * 2352))) &&
    cmp -s <(bytes_of "$1" "$skip" $((size - skip))) <(bytes_of "$2" "$skip" $((size - skip))) &&
    [ "$(stat -c %s "$1")" = "$size" ]; then
    ok "$5"
  else
    bad "$5"
  fi
}

# ---- unreadable sectors ----------------------------------------------------------
# cdda in burst mode (READ CD), isofs-m1 (raw Mode 1 with EDC checks).
for c in "cdda:$L/cdda.cue:$L/cdda.bin:--mode burst" "isofs-m1:$L/isofs-m1.cue:$L/isofs-m1.bin:"; do
  IFS=: read -r name image bin opts <<<"$c"
  EMU_CONFIG="medium=$image faults=unreadable:100-104:3/11/05"
  # shellcheck disable=SC2086 # opts is a word list
  expect_exit 3 "$name: rip with LBA 100-104 unreadable finishes with exit 3" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/$name-bad" --name disc --retries 2 $opts
  grep -qx "bad: LBA 100-104 (5 sectors): unreadable, sense 3/11/05" "$work/$name-bad/disc.log" \
    && ok "$name: the log names LBA 100-104 and the sense 3/11/05" \
    || bad "$name: log: $(grep '^bad' "$work/$name-bad/disc.log")"
  [ "$(grep -c '^bad' "$work/$name-bad/disc.log")" = 1 ] && ok "$name: no other bad range" \
    || bad "$name: other bad ranges: $(grep '^bad' "$work/$name-bad/disc.log")"
  grep -q "5 sectors stayed bad" "$work/err.txt" && ok "$name: stderr says 5 sectors stayed bad" \
    || bad "$name: stderr: $(cat "$work/err.txt")"
  same_outside "$work/$name-bad/disc.bin" "$bin" 100 104 "$name: every other sector equals the image"
done

# ---- transient errors: each LBA fails twice, then reads -------------------------
for c in "cdda:$L/cdda.cue:$L/cdda.bin:--mode burst" "isofs-m1:$L/isofs-m1.cue:$L/isofs-m1.bin:"; do
  IFS=: read -r name image bin opts <<<"$c"
  EMU_CONFIG="medium=$image faults=transient:100-103:2"
  # shellcheck disable=SC2086
  want=0
  [ "$name" = cdda ] && want=5 # audio: unconfirmed without a database
  expect_exit $want "$name: rip with transient errors at LBA 100-103 recovers" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/$name-tr" --name disc --retries 3 $opts
  same_file "$work/$name-tr/disc.bin" "$bin" "$name: after re-reads the bin equals the image"
  grep -q '^re-read: LBA [0-9]*-10[3-9]' "$work/$name-tr/disc.log" && grep -q '^sectors read: 302 .* bad: 0$' "$work/$name-tr/disc.log" \
    && ok "$name: the log records the re-read range and no bad sector" \
    || bad "$name: log: $(grep -e '^re-read' -e '^sectors' "$work/$name-tr/disc.log" | tr '\n' ' ')"
done

# ---- corrupted data: bytes flipped (with C2 pointers, or silently) ---------------
# 16 flipped bytes a sector fail the EDC; the ECC P/Q parity repairs them
# (ECMA-130 Annex A), so the rip is exact and says which sectors it repaired.
for kind in c2 flip; do
  EMU_CONFIG="medium=$L/isofs-m1.cue faults=$kind:200-201"
  expect_exit 0 "isofs-m1: rip with $kind faults at LBA 200-201 repairs them" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/$kind" --name disc --retries 1
  grep -q "^sector 200 (track 1): bad EDC; repaired from its ECC (16 bytes)" "$work/$kind/disc.log" \
    && grep -q "^repaired from ECC: LBA 200-201$" "$work/$kind/disc.log" \
    && ok "isofs-m1 ($kind): the log names LBA 200-201 as repaired from their ECC" \
    || bad "isofs-m1 ($kind): log: $(grep -i 'ecc' "$work/$kind/disc.log")"
  same_file "$work/$kind/disc.bin" "$L/isofs-m1.bin" "isofs-m1 ($kind): the bin equals the image"
done

# ---- the same fault seen by a third-party reader -------------------------------
if have xorriso; then
  ISO=$FIX/debian-ipxe/ipxe.iso
  EMU_CONFIG="medium=$ISO faults=unreadable:500-509"
  emu_tool xorriso -indev "$EMU_DEVICE" -check_media -- >"$work/check.txt" 2>&1
  grep -qE "^Media region : +480 , +32 , - unreadable" "$work/check.txt" \
    && grep -qE "^Media region : +512 , +512 , \+ good" "$work/check.txt" \
    && ok "xorriso -check_media finds the unreadable 32-block chunk around LBA 500-509" \
    || bad "xorriso -check_media: $(grep '^Media region' "$work/check.txt" | tr '\n' ' ')"
  expect_exit 3 "rip --format iso of the same DVD-ROM finishes with exit 3" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/dvd" --format iso --name disc --retries 1
  grep -q "^bad: LBA 500-509 (10 sectors)" "$work/dvd/disc.log" && ok "DVD-ROM: the log names LBA 500-509" \
    || bad "DVD-ROM: log: $(grep '^bad' "$work/dvd/disc.log")"
fi

finish
