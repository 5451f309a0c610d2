#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Dual-layer media through libburn on the emulator (blank=dvdprdl dvdrdl
# bdrdl bdredl: DVD+R DL profile 2Bh of 4173824 sectors, DVD-R DL 15h of
# 4171712, BD-R DL 41h and BD-RE DL 43h of 24438784), with sparse ISOs (a
# small real ISO, grown with holes, random markers past the first layer)
# and the emulator's sparse sector file, so that disk use stays small:
#  - an ISO larger than a single-layer DVD (2295104 sectors) is written to
#    a DVD+R DL: info shows the DVD+R DL closed with the ISO's sectors,
#    the markers past the first layer and at the end read back (pread
#    through the preload), xorriso -toc sees a DVD+R/DL of that many blocks;
#  - the same ISO on a single-layer DVD+R, and an ISO one sector larger
#    than each DL medium, are refused before anything is written, with
#    both sizes in the message; the medium stays blank (the unformatted
#    BD-RE DL unformatted: READ FORMAT CAPACITIES gives its size first).
. "$(dirname "$0")/preload_lib.sh"
need_preload

S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample.iso" ] || skip_all "$S/sample.iso not built"

# sparse_iso FILE SECTORS: the sample ISO grown to SECTORS with holes,
# random markers at sector 2295104 (past one DVD layer) and at the last.
sparse_iso() {
  cp "$S/sample.iso" "$1" && truncate -s $(($2 * 2048)) "$1" &&
    dd if="$work/m1" of="$1" bs=2048 seek=2295104 conv=notrunc status=none &&
    dd if="$work/m2" of="$1" bs=2048 seek=$(($2 - 1)) conv=notrunc status=none
}
head -c 2048 /dev/urandom >"$work/m1"
head -c 2048 /dev/urandom >"$work/m2"
sparse_iso "$work/dl.iso" 2295200 || { bad "cannot make a sparse ISO in $work"; finish; exit 1; }

# sectors_of FIRST COUNT: the 2048-byte sectors of the emulated disc, read
# through the preload (pread on the node: READ(10)); python rather than dd,
# whose aligned_alloc(4096, 2048) AddressSanitizer refuses when preloaded.
sectors_of() {
  emu_tool python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
sys.stdout.buffer.write(os.pread(fd, int(sys.argv[3]) * 2048, int(sys.argv[2]) * 2048))' \
    "$EMU_DEVICE" "$1" "$2"
}

still_blank() {
  EMU_CONFIG="state=$2"
  emu "$DW" info "$EMU_DEVICE" >"$work/info.txt" 2>&1
  grep -q "^medium: .*blank" "$work/info.txt" && ok "$1: the medium is still blank" ||
    bad "$1: $(grep -e '^medium' -e 'discwright:' "$work/info.txt" | tr '\n' ' ')"
}

# ---- an ISO past one layer on a DVD+R DL ------------------------------------------------
state=$work/dvdprdl.state
EMU_CONFIG="blank=dvdprdl state=$state"
expect_exit 0 "dvd+r dl: burn an ISO of 2295200 sectors (past one layer)" -- \
  emu "$DW" burn "$work/dl.iso" --drive "$EMU_DEVICE" --no-verify
expect_stdout "(DVD+R/DL, " "dvd+r dl: written to the DVD+R DL"
EMU_CONFIG="state=$state"
emu "$DW" info "$EMU_DEVICE" >"$work/info.txt" 2>&1
grep -q "^medium: *DVD+R DL, closed" "$work/info.txt" && grep -q "^capacity: 2295200 sectors" "$work/info.txt" &&
  ok "dvd+r dl: info shows a closed DVD+R DL of the ISO's 2295200 sectors" ||
  bad "dvd+r dl: info: $(grep -e '^medium' -e '^capacity' "$work/info.txt" | tr '\n' ' ')"
same_file <(sectors_of 2295104 1) "$work/m1" \
  "dvd+r dl: the marker past the first layer (sector 2295104) reads back"
same_file <(sectors_of 2295199 1) "$work/m2" \
  "dvd+r dl: the last sector reads back"
same_file <(sectors_of 0 200) <(head -c $((200 * 2048)) "$work/dl.iso") \
  "dvd+r dl: the ISO's first 200 sectors read back"
if have xorriso >/dev/null; then
  emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/x.txt" 2>&1
  grep -q "^Media current: DVD+R/DL" "$work/x.txt" && grep -q "2295200 data blocks" "$work/x.txt" &&
    ok "dvd+r dl: xorriso -toc sees a DVD+R/DL of 2295200 data blocks" ||
    bad "dvd+r dl: xorriso: $(grep -e '^Media' "$work/x.txt" | tr '\n' ' ')"
fi
used=$(du -k "$state.sectors" | cut -f1)
[ "$used" -lt 65536 ] && ok "dvd+r dl: the emulated disc of 4.7 GB takes ${used} KiB on disk" ||
  bad "dvd+r dl: the sector file takes ${used} KiB"

# ---- refusals with both sizes -------------------------------------------------------------
state=$work/dvdpr.state
EMU_CONFIG="blank=dvdpr state=$state"
expect_exit 1 "dvd+r: the same ISO on a single-layer DVD+R" -- \
  emu "$DW" burn "$work/dl.iso" --drive "$EMU_DEVICE" --no-verify
expect_stderr "needs 2295200 sectors but the medium in '/dev/sr0' has only 2295104 free" \
  "dvd+r: refused with both sizes"
still_blank "dvd+r" "$state"
rm -f "$work/dl.iso"
for k in dvdprdl:4173824 dvdrdl:4171712 bdrdl:24438784 bdredl:24438784; do
  kind=${k%%:*} cap=${k#*:}
  sparse_iso "$work/big.iso" $((cap + 1))
  state=$work/$kind.refuse.state
  EMU_CONFIG="blank=$kind state=$state"
  expect_exit 1 "$kind: an ISO one sector larger than the medium" -- \
    emu "$DW" burn "$work/big.iso" --drive "$EMU_DEVICE" --no-verify
  expect_stderr "needs $((cap + 1)) sectors but the medium in '/dev/sr0' has only $cap free" \
    "$kind: refused with both sizes (the DL capacity seen)"
  # An unformatted BD-RE too: the capacity check comes before its format.
  still_blank "$kind" "$state"
  rm -f "$work/big.iso"
done

finish
