#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright format (libburn burn_disc_format, FORMAT UNIT) on emulated
# media: an unformatted BD-RE and DVD+RW become formatted (info then shows
# the formatted capacity; a second format leaves them alone), a CD-R and a
# stdio: file are refused; a burn to an unformatted BD-RE formats it first,
# saying so, and verifies; an ISO or folder too large for the formatted
# size is refused before the format, leaving the medium unformatted.
. "$(dirname "$0")/preload_lib.sh"
need_preload
SAMPLE=${DW_BUILD:?DW_BUILD not set}/sample/sample.iso
[ -f "$SAMPLE" ] || skip_all "$SAMPLE not built"

for kind in bdre dvdprw; do
  state=$work/$kind.state
  EMU_CONFIG="blank=$kind capacity=3000 state=$state"
  expect_exit 0 "$kind: format" -- emu "$DW" format --drive "$EMU_DEVICE"
  expect_stdout "formatted $EMU_DEVICE" "$kind: says it formatted"
  expect_stdout "(3000 sectors) writable" "$kind: the formatted size"
  EMU_CONFIG="state=$state"
  expect_exit 0 "$kind: info after formatting" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^capacity: *3000 sectors" "$work/out.txt" && ok "$kind: info shows 3000 formatted sectors" ||
    bad "$kind: info: $(grep -e '^medium' -e '^capacity' "$work/out.txt" | tr '\n' ' ')"
  expect_exit 0 "$kind: format again" -- emu "$DW" format --drive "$EMU_DEVICE"
  expect_stdout "already formatted" "$kind: a formatted medium is left alone"
done

EMU_CONFIG="blank=cdr capacity=3000 state=$work/cdr.state"
expect_exit 1 "format a CD-R" -- emu "$DW" format --drive "$EMU_DEVICE"
expect_stderr "cannot be formatted" "  refused, saying why"
expect_exit 1 "format a stdio: file" -- "$DW" format --drive "stdio:$work/file.iso"
expect_stderr "needs no formatting" "  refused, saying why"
expect_exit 2 "format without --drive" -- "$DW" format

EMU_CONFIG="blank=bdre capacity=3000 state=$work/auto.state"
expect_exit 0 "burn an ISO to an unformatted BD-RE" -- emu "$DW" burn "$SAMPLE" --drive "$EMU_DEVICE"
expect_stdout "formatted the unformatted BD-RE in $EMU_DEVICE first" "  formats it first, saying so"
expect_stdout "identical" "  and the burn verifies"

# Too large for the formatted medium: refused before FORMAT UNIT, so the
# medium stays unformatted (blank) -- an ISO on a DVD+RW, a folder on a
# BD-RE (its image sized by libisofs, the sparse file never read).
unformatted() {
  EMU_CONFIG="state=$2"
  emu "$DW" info "$EMU_DEVICE" >"$work/info.txt" 2>&1
  grep -q "^medium: .*blank" "$work/info.txt" && ok "$1: the medium is still unformatted (blank)" ||
    bad "$1: $(grep -e '^medium' -e 'discwright:' "$work/info.txt" | tr '\n' ' ')"
}
cp "$SAMPLE" "$work/big.iso" && truncate -s $((3001 * 2048)) "$work/big.iso"
EMU_CONFIG="blank=dvdprw capacity=3000 state=$work/big.state"
expect_exit 1 "an ISO of 3001 sectors on an unformatted DVD+RW of 3000" -- \
  emu "$DW" burn "$work/big.iso" --drive "$EMU_DEVICE"
expect_stderr "needs 3001 sectors but the medium in '$EMU_DEVICE' has only 3000 free once formatted" \
  "  refused with both sizes"
grep -q "formatted the unformatted" "$work/out.txt" && bad "  it formatted the DVD+RW first" ||
  ok "  it did not format the DVD+RW"
unformatted "DVD+RW after the refusal" "$work/big.state"
mkdir -p "$work/tree" && truncate -s $((3100 * 2048)) "$work/tree/big.bin"
EMU_CONFIG="blank=bdre capacity=3000 state=$work/bigtree.state"
expect_exit 1 "a folder of 3100+ sectors on an unformatted BD-RE of 3000" -- \
  emu "$DW" burn "$work/tree" --drive "$EMU_DEVICE"
grep -qE "'the folder image' needs 31[0-9]{2} sectors but the medium in '$EMU_DEVICE' has only 3000 free once formatted" \
  "$work/err.txt" && ok "  refused with both sizes" || bad "  refused how: $(head -3 "$work/err.txt")"
unformatted "BD-RE after the refusal" "$work/bigtree.state"
finish
