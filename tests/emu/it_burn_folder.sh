#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright burn PATH... with folders: the libisofs image of the tree is
# streamed into libburn (no temporary file) and written to emulated blank
# CD-R, DVD+R, DVD+RW and BD-R, then read back and compared by MD5 (the
# burn's own verify).  A second process, xorriso through the emulator,
# checks the MD5 tags recorded with --md5 (-check_md5_r, -check_media) and
# extracts files equal to the sources; a tree too large for the medium is
# refused before writing.
. "$(dirname "$0")/preload_lib.sh"
need_preload
need_tool xorriso

src=$work/src
mkdir -p "$src/photos/2024" "$src/docs"
head -c 700000 /dev/urandom >"$src/photos/2024/a.jpg"
head -c 123457 /dev/urandom >"$src/photos/b.jpg"
printf 'notes\n' >"$src/docs/notes.txt"
ln -s ../docs/notes.txt "$src/photos/link"

for kind in cdr dvdpr dvdprw bdr; do
  state=$work/$kind.state
  EMU_CONFIG="blank=$kind capacity=3000 state=$state"
  expect_exit 0 "$kind: burn a folder with --md5" -- \
    emu "$DW" burn "$src" "/extra/notes-copy.txt=$src/docs/notes.txt" --md5 --volid FOLDER \
    --drive "$EMU_DEVICE"
  expect_stdout "burned the folder image to $EMU_DEVICE" "$kind: says what it burned"
  expect_stdout "read back, MD5" "$kind: the burn's own read-back matches by MD5"
  EMU_CONFIG="state=$state"
  emu_tool xorriso -md5 on -indev "$EMU_DEVICE" -check_md5_r FAILURE / -- >"$work/md5.txt" 2>&1
  grep -q "File contents and their MD5 checksums match" "$work/md5.txt" &&
    ok "$kind: xorriso -check_md5_r on the drive: every file matches its tag" ||
    bad "$kind: xorriso -check_md5_r: $(tail -3 "$work/md5.txt" | tr '\n' ' ')"
  emu_tool xorriso -md5 on -indev "$EMU_DEVICE" -check_media -- >"$work/media.txt" 2>&1
  grep -q "MD5 tag range.*md5_match" "$work/media.txt" &&
    ok "$kind: xorriso -check_media: the session tag matches" ||
    bad "$kind: xorriso -check_media: $(grep -e 'MD5' -e region "$work/media.txt" | tr '\n' ' ')"
  expect_exit 0 "$kind: discwright verify DRIVE checks the MD5 tags on the medium" -- \
    emu "$DW" verify "$EMU_DEVICE"
  expect_stdout "identical to what was recorded" "$kind: every tag matches"
  rm -rf "$work/x"
  emu_tool xorriso -osirrox on -indev "$EMU_DEVICE" -extract / "$work/x" >/dev/null 2>&1
  cmp -s "$work/x/photos/2024/a.jpg" "$src/photos/2024/a.jpg" &&
    cmp -s "$work/x/photos/b.jpg" "$src/photos/b.jpg" &&
    cmp -s "$work/x/extra/notes-copy.txt" "$src/docs/notes.txt" &&
    [ "$(readlink "$work/x/photos/link")" = ../docs/notes.txt ] &&
    ok "$kind: files extracted from the drive equal the sources, the graft and the link too" ||
    bad "$kind: extracted files differ"
done

# Too large: 3000 sectors (6 MB) cannot take 8 MB; refused before writing.
head -c 8000000 /dev/urandom >"$work/big.bin"
mkdir -p "$work/bigdir" && mv "$work/big.bin" "$work/bigdir/"
EMU_CONFIG="blank=dvdpr capacity=3000 state=$work/big.state"
expect_exit 1 "a folder larger than the medium" -- emu "$DW" burn "$work/bigdir" --drive "$EMU_DEVICE"
expect_stderr "sectors" "  refused, giving the sizes"
EMU_CONFIG="state=$work/big.state"
expect_exit 0 "  the medium is still blank afterwards (info)" -- emu "$DW" info "$EMU_DEVICE"
grep -q "^medium: .*blank" "$work/out.txt" && ok "  info says blank" ||
  bad "  info: $(grep '^medium' "$work/out.txt")"
finish
