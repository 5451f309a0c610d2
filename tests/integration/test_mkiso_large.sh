#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright mkiso with a 5 GiB (sparse) file: ISO 9660 level 3 stores it
# as a multi-extent file (ECMA-119 6.5.1: no extent over 4 GiB - 2 KiB).
# xorriso sees its whole size in two extents that follow each other; the
# bytes at offsets around the 4 GiB boundary and at the end are where they
# belong in the image; bsdtar reads the whole file back equal to the source.
# Writes 5 GiB into the test's own directory (removed at the end).
. "$(dirname "$0")/lib.sh"

mkdir -p "$work/big"
f=$work/big/huge.bin
truncate -s 5G "$f"
# Markers that straddle the extent boundary (4 GiB - 2 KiB) and 4 GiB.
offsets=(0 4294965240 4294967290 4294967310 5368709100)
for off in "${offsets[@]}"; do
  printf 'MARK%s' "$off" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
done
iso=$work/big.iso
expect_exit 0 "mkiso of a folder with a 5 GiB file" -- "$DW" -q mkiso "$work/big" -o "$iso"
if have xorriso; then
  xorriso -indev "$iso" -find / -type f -exec lsdl 2>/dev/null >"$work/lsdl.txt"
  grep -q " 5368709120 .*'/huge.bin'$" "$work/lsdl.txt" && ok "  xorriso sees 5368709120 bytes" ||
    bad "  size: $(cat "$work/lsdl.txt")"
  xorriso -indev "$iso" -find / -type f -exec report_lba 2>/dev/null | grep 'File data' >"$work/lba.txt"
  [ "$(wc -l <"$work/lba.txt")" -ge 2 ] && ok "  stored in $(wc -l <"$work/lba.txt") extents" ||
    bad "  not a multi-extent file: $(cat "$work/lba.txt")"
  read -r lba0 blocks0 < <(sed -n '1s/^File data lba: *0 , *\([0-9]*\) , *\([0-9]*\) ,.*/\1 \2/p' "$work/lba.txt")
  lba1=$(sed -n '2s/^File data lba: *1 , *\([0-9]*\) ,.*/\1/p' "$work/lba.txt")
  [ -n "$lba0" ] && [ "$((lba0 + blocks0))" = "$lba1" ] && ok "  the extents follow each other" ||
    bad "  extents: $(cat "$work/lba.txt")"
  for off in "${offsets[@]}"; do
    want="MARK$off"
    got=$(dd if="$iso" bs=1 skip=$((lba0 * 2048 + off)) count=${#want} status=none)
    [ "$got" = "$want" ] && ok "  byte $off of the file is in place" || bad "  at $off: '$got', wanted '$want'"
  done
fi
if have bsdtar; then
  bsdtar -xOf "$iso" huge.bin | cmp -s - "$f" && ok "bsdtar reads the whole file back equal" ||
    bad "bsdtar reads another file"
fi
rm -f "$iso"
finish
