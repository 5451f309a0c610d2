#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright burn PATH... --drive stdio:FILE with folders: the image
# streamed from libisofs into libburn is byte for byte the image mkiso
# writes for the same tree and options (under SOURCE_DATE_EPOCH), the burn
# reads itself back (MD5), its --json report follows the burn schema, and
# mkiso's options work there too.  A missing folder is refused with nothing
# left at the target.
. "$(dirname "$0")/lib.sh"

src=$work/src
mkdir -p "$src/a/b"
head -c 500000 /dev/urandom >"$src/a/b/data.bin"
printf 'text\n' >"$src/a/t.txt"
printf 'bak\n' >"$src/a/t.bak"
export SOURCE_DATE_EPOCH=1700000000
expect_exit 0 "burn a folder to stdio:" -- "$DW" burn "$src" -x '*.bak' --md5 --volid FOLDER \
  --drive "stdio:$work/burned.iso"
expect_stdout "burned the folder image to stdio:$work/burned.iso" "  says what it burned"
expect_stdout "read back, MD5" "  and that it read it back"
expect_exit 0 "mkiso of the same tree with the same options" -- \
  "$DW" -q mkiso "$src" -x '*.bak' --md5 --volid FOLDER -o "$work/mkiso.iso"
same_file "$work/burned.iso" "$work/mkiso.iso" "  the burned file equals mkiso's image"
if have xorriso; then
  xorriso -md5 on -indev "$work/burned.iso" -check_md5_r FAILURE / -- >"$work/md5.txt" 2>&1
  grep -q "File contents and their MD5 checksums match" "$work/md5.txt" &&
    ok "xorriso -check_md5_r on the burned file" || bad "xorriso -check_md5_r: $(tail -2 "$work/md5.txt")"
fi
"$DW" --json burn "$src" --drive "stdio:$work/burned2.iso" >"$work/report.json" 2>"$work/err.txt"
rc=$?
[ "$rc" = 0 ] && ok "burn --json of a folder (exit 0)" || bad "burn --json: exit $rc"
grep -q '"exit_status":0' "$work/report.json" && grep -q '"error":null' "$work/report.json" &&
  ok "  the JSON report says it succeeded" || bad "  report: $(head -c 400 "$work/report.json")"
expect_exit 1 "burn a missing folder" -- "$DW" burn "$src" "$work/missing" --drive "stdio:$work/m.iso"
expect_stderr "missing" "  names it"
[ ! -e "$work/m.iso" ] && [ ! -e "$work/m.iso.part" ] && ok "  nothing at the target" || bad "  left a file"
expect_exit 2 "burn a folder without --drive" -- "$DW" burn "$src"
finish
