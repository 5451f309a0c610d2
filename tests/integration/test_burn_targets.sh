#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A stdio: burn target: a user's file that holds no disc image is written
# over only with --overwrite; /dev/null and FIFOs are refused before
# anything is written, so a burn has one outcome, stated once; an existing
# image is rewritten in place (a rewritable disc).
. "$(dirname "$0")/lib.sh"
iso=${DW_BUILD:?DW_BUILD not set}/sample/sample.iso
[ -f "$iso" ] || skip_all "$iso not built"

printf 'my notes\n' >"$work/notes.txt"
expect_exit 1 "burn onto an existing file that is no image" -- \
  "$DW" burn "$iso" --drive "stdio:$work/notes.txt"
expect_stderr "holds no disc image" "  refused, saying why"
expect_stderr "--overwrite" "  and how to insist"
[ "$(cat "$work/notes.txt")" = "my notes" ] && ok "  the file is untouched" || bad "  notes.txt changed"
grep -q burned "$work/out.txt" && bad "  stdout says 'burned'" || ok "  stdout says nothing was burned"
expect_exit 0 "the same with --overwrite" -- "$DW" -q burn "$iso" --drive "stdio:$work/notes.txt" --overwrite
same_file "$work/notes.txt" "$iso" "  now holds the image"
expect_exit 0 "an existing image is rewritten without --overwrite" -- \
  "$DW" -q burn "$iso" --drive "stdio:$work/notes.txt"

expect_exit 1 "burn to stdio:/dev/null" -- "$DW" burn "$iso" --drive stdio:/dev/null
expect_stderr "not a regular file or a block device" "  refused before writing"
grep -q burned "$work/out.txt" && bad "  stdout says 'burned'" || ok "  one outcome: no 'burned' line"
mkfifo "$work/fifo"
expect_exit 1 "burn to a FIFO" -- timeout 20 "$DW" burn "$iso" --drive "stdio:$work/fifo"
expect_stderr "FIFO" "  refused, naming what it is"
# A plain 2048-byte image without a volume descriptor: refused unless --raw;
# a burn of it verifies (the read-back opens it as the burn read it).
head -c 409600 /dev/urandom >"$work/plain.iso"
expect_exit 1 "info of a 2048-byte image without a volume descriptor" -- "$DW" info "$work/plain.iso"
expect_stderr "--raw" "  the message says how to open it anyway"
expect_exit 0 "info --raw opens it" -- "$DW" info --raw "$work/plain.iso"
expect_stdout "200 sectors" "  as 200 sectors of 2048 bytes"
expect_exit 0 "burn it to a new stdio: file and verify the copy" -- \
  "$DW" -q burn "$work/plain.iso" --drive "stdio:$work/plain-copy.iso"
same_file "$work/plain-copy.iso" "$work/plain.iso" "  the copy equals it"
finish
