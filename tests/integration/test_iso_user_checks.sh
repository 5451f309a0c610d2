#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# rip --format iso keeps only the 2048 bytes of user data, so a data sector
# whose EDC matches is not checked against its P/Q parity (the EDC covers
# every byte kept, ECMA-130 14.3): a sector with a damaged parity byte rips
# as good, without re-reads or records, while a damaged user-data byte is
# still caught and repaired from the parity, and a sector beyond repair is
# still listed bad.  With one thread and with the read-ahead thread.  The
# user data is compared with bchunk's extraction of the pristine image.
# --format bincue keeps the parity, so there the damaged parity stays
# reported as before.  Then the ISO's writing (a writer thread beside the
# hashing with --threads 2, write-behind every 8 MiB): a 25 MiB ISO comes
# out byte for byte with the digests of coreutils, and a full disk is an
# error that leaves nothing looking complete, with 1 and 2 threads.
. "$(dirname "$0")/lib.sh"
need_tool bchunk
cd "$work" || exit 1
# A Mode 1 track of 400 sectors of random user data with real EDC/ECC: the
# ISO (no volume descriptor, so read with --raw, every sector of the track
# taken as the image) ripped to BIN/CUE.  More sectors than one transfer,
# so that --threads 2 reads ahead.
head -c $((400 * 2048)) /dev/urandom >user.iso
"$DW" -q --raw rip user.iso -o . --name m1 --offline >/dev/null 2>&1 && [ -s m1.bin ] ||
  { bad "could not make the Mode 1 image"; finish; exit; }
bchunk m1.bin m1.cue ref >/dev/null 2>&1 && cmp -s ref01.iso user.iso &&
  ok "bchunk extracts the user data of the pristine Mode 1 image" ||
  { bad "bchunk's extraction differs from the user data"; finish; exit; }
# flip LBA OFFSET MASK: XOR one byte of m1.bin with MASK (never a no-op)
flip() {
  local at=$(($1 * 2352 + $2)) v
  v=$(od -An -tu1 -j "$at" -N1 m1.bin | tr -d ' ')
  printf "\\$(printf %o $((v ^ $3)))" | dd of=m1.bin bs=1 seek="$at" conv=notrunc 2>/dev/null
}
flip 171 500 0x55    # a user-data byte of LBA 171 (EDC fails; repairable)
flip 172 2081 0xa5   # a P parity byte of LBA 172 (EDC good)
flip 173 2300 0x3c   # a Q parity byte of LBA 173 (EDC good)
flip 174 2070 0x01   # LBA 174's zero fill, guarded by the parity only
# LBA 290: 600 bytes overwritten, beyond what the parity can carry
dd if=/dev/urandom of=m1.bin bs=1 seek=$((290 * 2352 + 16)) count=600 conv=notrunc 2>/dev/null

for threads in 1 2; do
  o=iso-t$threads
  expect_exit 3 "--format iso --threads $threads of the damaged image" -- \
    "$DW" --threads "$threads" -q rip m1.cue -o "$o" --name d --format iso --retries 1 --offline
  cmp -l "$o/d.iso" user.iso | awk '{ print int(($1 - 1) / 2048) }' | sort -un >diff.txt
  [ "$(tr '\n' ' ' <diff.txt)" = "290 " ] &&
    ok "threads $threads: the ISO equals the user data but for LBA 290" ||
    bad "threads $threads: sectors differing from the user data: $(tr '\n' ' ' <diff.txt)"
  grep -q '^sector 171 (track 1): bad EDC; repaired from its ECC (1 bytes)$' "$o/d.log" &&
    grep -q '^repaired from ECC: LBA 171-171$' "$o/d.log" &&
    ok "threads $threads: LBA 171 (a user byte) repaired from its ECC and listed" ||
    bad "threads $threads: log: $(grep -i 'ecc' "$o/d.log" | tr '\n' '|')"
  grep -q '^bad: LBA 290-290 (1 sectors): bad EDC$' "$o/d.log" &&
    ok "threads $threads: LBA 290 stays bad, listed with its reason" ||
    bad "threads $threads: bad: $(grep '^bad' "$o/d.log")"
  # only LBA 290 is re-read: 72-74 (parity, zero fill) pass as read
  grep -q '^sectors read: 400   re-read: 1   bad: 1$' "$o/d.log" &&
    ! grep -Eq 'sector 17[234] |LBA 17[234]' "$o/d.log" &&
    ok "threads $threads: LBA 172-174 (parity and zero fill only) rip as good, no re-read" ||
    bad "threads $threads: $(grep -E '^sectors read|17[234]' "$o/d.log" | tr '\n' '|')"
  md5=$(md5sum <"$o/d.iso" | cut -d' ' -f1)
  grep -q "MD5 $md5 " "$o/d.log" &&
    ok "threads $threads: the log's MD5 is md5sum's of the ISO" ||
    bad "threads $threads: md5sum $md5 not in the log"
done

# BIN/CUE keeps the parity: a parity that does not match stays reported.
expect_exit 3 "--format bincue of the damaged image" -- \
  "$DW" -q rip m1.cue -o bin --name d --retries 1 --offline
grep -q '^bad: LBA 172-174 (3 sectors): bad ECC$' bin/d.log &&
  ok "bincue: LBA 172-174 listed with bad ECC (the parity is part of the image)" ||
  bad "bincue: bad: $(grep '^bad' bin/d.log | tr '\n' '|')"

head -c $((25 * 1024 * 1024)) /dev/urandom >big.iso
for threads in 1 2; do
  o=big-t$threads
  expect_exit 0 "--raw rip of a 25 MiB ISO to --format iso, --threads $threads" -- \
    "$DW" --threads "$threads" -q --raw rip big.iso -o "$o" --name d --format iso --offline
  cmp -s "$o/d.iso" big.iso && ok "threads $threads: the ISO is the source, byte for byte" ||
    bad "threads $threads: the ISO differs from its source"
  grep -q "MD5 $(md5sum <big.iso | cut -d' ' -f1) " "$o/d.log" &&
    grep -q "SHA1 $(sha1sum <big.iso | cut -d' ' -f1)" "$o/d.log" &&
    ok "threads $threads: MD5 and SHA-1 in the log are coreutils'" ||
    bad "threads $threads: $(grep -E 'MD5|SHA1' "$o/d.log" | head -2)"
  # a full disk (/dev/full stands in: the .part is a link to it)
  f=full-t$threads
  mkdir -p "$f"
  ln -s /dev/full "$f/d.iso.part"
  expect_exit 1 "--format iso onto a full disk, --threads $threads" -- \
    "$DW" --threads "$threads" -q --raw rip big.iso -o "$f" --name d --format iso --offline
  expect_stderr "No space left on device" "  says the disk is full"
  ls "$f" | grep -qvE '\.log\.part$' && bad "  left: $(ls "$f" | tr '\n' ' ')" ||
    ok "  nothing that looks complete is left"
done
finish
