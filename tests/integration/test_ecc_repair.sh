#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Data sectors that fail their EDC are repaired from their ECC P/Q parity
# (ECMA-130 Annex A) before any re-read: a damaged sync pattern and a flipped
# byte come back exact and are listed as repaired; a sector damaged beyond
# what the parity can carry stays bad and is listed with its reason.
. "$(dirname "$0")/lib.sh"
need_fixtures
L=$FIX/libcdio/test/data
cp "$L/isofs-m1.bin" "$L/isofs-m1.cue" "$work/"
poke() { printf "$3" | dd of="$work/isofs-m1.bin" bs=1 seek=$(($1 * 2352 + $2)) conv=notrunc 2>/dev/null; }
poke 100 3 '\x12\x34'   # the sync pattern of LBA 100
poke 101 500 '\x55'     # one byte of LBA 101's user data
# LBA 200: 600 bytes overwritten, far more than two per codeword
dd if=/dev/urandom of="$work/isofs-m1.bin" bs=1 seek=$((200 * 2352 + 16)) count=600 conv=notrunc 2>/dev/null

expect_exit 3 "rip of an image with damaged data sectors" -- \
  "$DW" -q rip "$work/isofs-m1.cue" -o "$work/out" --name d --retries 1
grep -q '^sector 100 (track 1): no sync; repaired from its ECC (0 bytes, sync pattern restored)$' "$work/out/d.log" &&
  grep -q '^sector 101 (track 1): bad EDC; repaired from its ECC (1 bytes)$' "$work/out/d.log" &&
  grep -q '^repaired from ECC: LBA 100-101$' "$work/out/d.log" &&
  ok "LBA 100 (sync) and 101 (a byte) repaired and listed" || bad "log: $(grep -i 'ecc' "$work/out/d.log" | tr '\n' '|')"
grep -q '^bad: LBA 200-200 (1 sectors): bad EDC$' "$work/out/d.log" &&
  ok "LBA 200 (600 bytes) stays bad, listed with its reason" || bad "bad: $(grep '^bad' "$work/out/d.log")"
cmp -l "$work/out/d.bin" "$L/isofs-m1.bin" | awk '{ print int(($1 - 1) / 2352) }' | sort -un >"$work/diff.txt"
[ "$(tr '\n' ' ' <"$work/diff.txt")" = "200 " ] && ok "only LBA 200 differs from the pristine image" ||
  bad "differing sectors: $(tr '\n' ' ' <"$work/diff.txt")"
tr -d ' \n' <"$work/out/d.json" | grep -q '"ecc_repaired":\[{"first_lba":100,"last_lba":101,"sectors":2}\]' &&
  ok "the report lists the repaired range" || bad "report: $(tr -d ' \n' <"$work/out/d.json" | grep -o '"ecc_repaired":[^]]*]')"
finish
