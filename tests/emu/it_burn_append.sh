#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright burn PATH... --append: a three-session disc (burn, append new
# files, append a file that replaces an old one) on emulated CD-R, DVD+R
# and BD-R, read by xorriso through the emulator: -toc lists three
# sessions at the LBAs discwright reported, the newest tree holds every
# file with the content of its newest version (extracted and compared
# with the sources), and the second session's own tree still holds the
# old version.  On DVD+RW, BD-RE and a stdio: file the ISO grows in place
# (one session, the newest tree).  --close then --append is refused, a
# plain burn of a written disc names --append, and an addition larger
# than the free space is refused before writing.
. "$(dirname "$0")/preload_lib.sh"
need_preload
need_tool xorriso

src=$work/src
mkdir -p "$src/s1/docs" "$src/s2/photos" "$src/s3"
head -c 300000 /dev/urandom >"$src/s1/big.bin"
printf 'first version\n' >"$src/s1/docs/a.txt"
head -c 50000 /dev/urandom >"$src/s2/photos/p.jpg"
printf 'second session\n' >"$src/s2/new.txt"
printf 'third: a.txt replaced\n' >"$src/s3/a.txt"

# extract_all OUTDIR [xorriso options before -indev]: the newest tree.
extract_all() {
  local out=$1
  shift
  rm -rf "$out"
  emu_tool xorriso "$@" -osirrox on -indev "$EMU_DEVICE" -extract / "$out" >"$work/x.txt" 2>&1
}

# newest_tree_ok KIND DIR: every file of the three burns, newest versions.
newest_tree_ok() {
  if cmp -s "$2/big.bin" "$src/s1/big.bin" && cmp -s "$2/docs/a.txt" "$src/s3/a.txt" &&
    cmp -s "$2/photos/p.jpg" "$src/s2/photos/p.jpg" && cmp -s "$2/new.txt" "$src/s2/new.txt" &&
    [ "$(find "$2" -type f | wc -l)" -eq 4 ]; then
    ok "$1: the newest tree holds the 4 files, /docs/a.txt in its third version"
  else
    bad "$1: newest tree: $(cd "$2" 2>/dev/null && find . -type f | sort | tr '\n' ' ')"
  fi
}

three_burns() { # KIND: burn, append, append with a replaced file
  local kind=$1
  EMU_CONFIG="blank=$kind capacity=40000 state=$work/$kind.state"
  expect_exit 0 "$kind: burn --append of a blank medium" -- \
    emu "$DW" burn "$src/s1" --append --volid MULTI --drive "$EMU_DEVICE"
  lba1=$(sed -n 's/.*track at LBA \([0-9]*\)$/\1/p' "$work/out.txt")
  EMU_CONFIG="state=$work/$kind.state"
  expect_exit 0 "$kind: second session with new files" -- \
    emu "$DW" burn "$src/s2" --append --drive "$EMU_DEVICE"
  expect_stdout "read back, MD5" "$kind: the second session reads back by MD5"
  lba2=$(sed -n 's/.*track at LBA \([0-9]*\)$/\1/p' "$work/out.txt")
  expect_exit 0 "$kind: third session replacing /docs/a.txt" -- \
    emu "$DW" burn "/docs=$src/s3" --append --drive "$EMU_DEVICE"
  lba3=$(sed -n 's/.*track at LBA \([0-9]*\)$/\1/p' "$work/out.txt")
}

for kind in cdr dvdpr bdr; do
  three_burns "$kind"
  expect_stdout "the disc stays appendable" "$kind: says the disc stays appendable"
  emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/toc.txt" 2>&1
  sessions=$(grep -c '^ISO session' "$work/toc.txt")
  starts=$(awk -F, '/^ISO session/ { gsub(/ /, "", $2); printf "%s ", $2 }' "$work/toc.txt")
  [ "$sessions" -eq 3 ] && [ "$starts" = "$lba1 $lba2 $lba3 " ] &&
    ok "$kind: xorriso -toc shows 3 sessions at LBA $starts" ||
    bad "$kind: xorriso -toc: $sessions sessions at '$starts', discwright said $lba1 $lba2 $lba3"
  grep -q "^Media status : is written , is appendable" "$work/toc.txt" &&
    ok "$kind: xorriso: the medium is appendable" ||
    bad "$kind: $(grep '^Media status' "$work/toc.txt")"
  extract_all "$work/x-$kind"
  newest_tree_ok "$kind" "$work/x-$kind"
  # The second session's own tree, as xorriso loads it: a.txt first version.
  rm -rf "$work/y"
  emu_tool xorriso -load sbsector "$lba2" -osirrox on -indev "$EMU_DEVICE" \
    -extract /docs/a.txt "$work/y" >/dev/null 2>&1
  cmp -s "$work/y" "$src/s1/docs/a.txt" &&
    ok "$kind: session 2 (LBA $lba2) still holds the first a.txt" ||
    bad "$kind: session 2's /docs/a.txt differs"
done

# Growth on overwritable media: one session, the newest tree.
for kind in dvdprw bdre; do
  three_burns "$kind"
  expect_stdout "growing the ISO volume" "$kind: says it grows the volume"
  emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/toc.txt" 2>&1
  [ "$(grep -c '^ISO session' "$work/toc.txt")" -eq 1 ] &&
    grep -q '^ISO session  :   1 ,         0 ,' "$work/toc.txt" &&
    ok "$kind: xorriso -toc shows one session at LBA 0 (grown)" ||
    bad "$kind: xorriso -toc: $(grep '^ISO session' "$work/toc.txt" | tr '\n' ' ')"
  [ "$lba2" -gt 0 ] && [ "$lba3" -gt "$lba2" ] && [ $((lba2 % 32)) -eq 0 ] &&
    ok "$kind: each addition went after the volume (LBA $lba2, $lba3), 32-sector aligned" ||
    bad "$kind: additions at LBA $lba2, $lba3"
  extract_all "$work/x-$kind"
  newest_tree_ok "$kind" "$work/x-$kind"
done

# A stdio: file grows the same way.
iso=$work/grow.iso
expect_exit 0 "stdio: first burn --append" -- "$DW" burn "$src/s1" --append --drive "stdio:$iso"
expect_exit 0 "stdio: second" -- "$DW" burn "$src/s2" --append --drive "stdio:$iso"
expect_exit 0 "stdio: third" -- "$DW" burn "/docs=$src/s3" --append --drive "stdio:$iso"
rm -rf "$work/x-stdio"
xorriso -osirrox on -indev "$iso" -extract / "$work/x-stdio" >/dev/null 2>&1
newest_tree_ok "stdio" "$work/x-stdio"
if have iso-info; then
  iso-info -l "$iso" >"$work/isoinfo.txt" 2>&1
  grep -q " new.txt$" "$work/isoinfo.txt" && grep -q " big.bin$" "$work/isoinfo.txt" &&
    ok "iso-info -l of the grown file lists old and new files" ||
    bad "iso-info -l: $(head -5 "$work/isoinfo.txt" | tr '\n' ' ')"
fi

# --close, then --append: refused; a plain burn names --append.
EMU_CONFIG="blank=dvdpr capacity=40000 state=$work/close.state"
expect_exit 0 "dvdpr: first session, left open" -- \
  emu "$DW" burn "$src/s1" --append --drive "$EMU_DEVICE"
EMU_CONFIG="state=$work/close.state"
expect_exit 1 "dvdpr: a burn without --append on the written disc" -- \
  emu "$DW" burn "$src/s2" --drive "$EMU_DEVICE"
expect_stderr "--append" "  is refused, naming --append"
expect_exit 0 "dvdpr: second session with --close" -- \
  emu "$DW" burn "$src/s2" --append --close --drive "$EMU_DEVICE"
expect_stdout "the disc is closed after it (--close)" "  says the disc is closed"
expect_exit 1 "dvdpr: --append to the closed disc" -- \
  emu "$DW" burn "$src/s3" --append --drive "$EMU_DEVICE"
expect_stderr "is closed: no session can be added" "  is refused: the disc is closed"
emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/toc.txt" 2>&1
grep -q "is closed" "$work/toc.txt" && [ "$(grep -c '^ISO session' "$work/toc.txt")" -eq 2 ] &&
  ok "  xorriso: closed, 2 sessions" ||
  bad "  xorriso: $(grep -e '^Media status' -e '^ISO session' "$work/toc.txt" | tr '\n' ' ')"
expect_exit 2 "--close without --append" -- "$DW" burn "$src/s1" --close --drive "stdio:$work/c.iso"
expect_stderr "--close goes with --append" "  is a usage error naming --append"

# Too large: 3000 sectors hold the first session, not 8 MB more.
head -c 8000000 /dev/urandom >"$src/huge.bin"
EMU_CONFIG="blank=dvdpr capacity=3000 state=$work/full.state"
expect_exit 0 "dvdpr of 3000 sectors: first session" -- \
  emu "$DW" burn "$src/s1" --append --drive "$EMU_DEVICE"
EMU_CONFIG="state=$work/full.state"
cp "$work/full.state" "$work/full.before"
expect_exit 1 "  an 8 MB addition" -- emu "$DW" burn "$src/huge.bin" --append --drive "$EMU_DEVICE"
expect_stderr "sectors" "  is refused before writing, giving the sizes"
cmp -s "$work/full.state" "$work/full.before" && ok "  the medium is unchanged" ||
  bad "  the medium changed: $(diff "$work/full.before" "$work/full.state" | head -3)"
finish
