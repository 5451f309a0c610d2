#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Paranoia mode's writer (src/rip/paranoia.c): the sectors libcdio-paranoia
# returns go to the bin in batches, written, hashed and checked on a second
# thread with --threads 2 and on the caller's with --threads 1.  Both give
# the source's bytes (a random two-track image whose length is no multiple
# of a batch), and a full disk under the bin is an error that names the
# file and leaves nothing that looks complete, on either path.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 1

# Two audio tracks of random PCM, 455 + 546 sectors.
head -c $((1001 * 2352)) /dev/urandom >two.bin
cat >two.cue <<'CUE'
FILE "two.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:06:05
CUE

for threads in 1 2; do
  o=$work/ok$threads
  expect_exit 0 "paranoia rip, --threads $threads" -- \
    "$DW" -q --threads "$threads" rip two.cue -o "$o" --name s --mode paranoia --offline
  same_file "$o/s.bin" two.bin "  the bin is the source's bytes"
  md5=$(md5sum <two.bin | cut -d' ' -f1)
  grep -q "\"$md5\"" "$o/s.json" && ok "  the report's MD5 is md5sum's" ||
    bad "  the report lacks the MD5 $md5"

  f=$work/full$threads
  mkdir -p "$f"
  ln -s /dev/full "$f/s.bin.part"
  expect_exit 1 "the disk fills under the bin, --threads $threads" -- \
    "$DW" --threads "$threads" rip two.cue -o "$f" --name s --mode paranoia --offline
  expect_stderr "No space left on device" "  the message says the disk is full"
  expect_stderr "s.bin.part" "  and names the file"
  [ ! -e "$f/s.bin" ] && [ ! -e "$f/s.cue" ] && [ ! -e "$f/s.json" ] &&
    ok "  no output that looks complete" || bad "  left: $(ls "$f")"
done
finish
