#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The read-ahead ring of burst BIN/CUE and --format iso rips (src/rip/
# readahead.c) against the single-thread loop (--threads 1), on discs
# larger than the ring (8 MiB) with faults in the middle and near the end:
# the reader, fed by the emulator from memory, runs ahead of the rip's
# thread (which hashes every sector) and meets the fault with slots still
# queued (how many depends on the scheduler: a DVD's read-ahead, which does
# no checking, is typically full then).  The exit status, the messages, the
# image bytes, the bad and re-read sectors and every checksum of the report
# are the same (times aside, and the milliseconds the refused AccurateRip
# and CTDB connections took); a medium that goes away mid-rip fails both
# alike and leaves the same .part, which --resume finishes.
. "$(dirname "$0")/preload_lib.sh"
need_preload

# Two discs larger than the ring: 5000 Mode 1 sectors (random user data,
# real EDC/ECC from a rip of a plain ISO) and 6000 sectors of random audio
# in two tracks.
head -c $((5000 * 2048)) /dev/urandom >"$work/user.iso"
expect_exit 0 "the Mode 1 disc made from a plain ISO" -- \
  "$DW" -q --raw rip "$work/user.iso" -o "$work/src" --name data
head -c $((6000 * 2352)) /dev/urandom >"$work/src/audio.bin"
printf 'FILE "audio.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:40:00\n' >"$work/src/audio.cue"

# same_rip NAME EXIT ARGS...: rip with --threads 1 and with --threads 2 (a
# reader thread), each into its own directory; the same exit status and
# stderr, the same files, byte for byte for the images, the same log and
# report but for the lines that carry times, speeds and the command line.
same_rip() {
  local name=$1 want=$2 t
  shift 2
  for t in 1 2; do
    expect_exit "$want" "$name: --threads $t" -- \
      emu "$DW" --threads "$t" --json "$@" -o "$work/$name-$t" --name d
    sed "s/--threads $t//; s#$work/$name-$t/#DIR/#g; s/after [0-9]* ms/after N ms/g" "$work/err.txt" >"$work/$name-$t.err"
  done
  same_text "$work/$name-1.err" "$work/$name-2.err" "$name: the same messages"
  local f files=$(cd "$work/$name-1" && ls | tr '\n' ' ')
  [ "$files" = "$(cd "$work/$name-2" && ls | tr '\n' ' ')" ] &&
    ok "$name: the same files ($files)" || bad "$name: files $files against $(ls "$work/$name-2" | tr '\n' ' ')"
  for f in $files; do
    case $f in
    *.log | *.json | *.log.part)
      # (the directory first: a speed's "[0-9.]*x" also matches the end of
      # a mktemp name such as dw-it.9mgw5x)
      local drop='"(started|finished|seconds|command_line|log_sha256|speed[a-z_]*|elapsed[a-z_]*)":|^(started|finished|command|took|speed)|SHA-256 of the log'
      grep -vE "$drop" "$work/$name-1/$f" | sed "s#$work/$name-1/#DIR/#g; s/[0-9.]*x\b//g; s/[0-9.]* s\b//g; s/after [0-9]* ms/after N ms/g" >"$work/$name.a"
      grep -vE "$drop" "$work/$name-2/$f" | sed "s#$work/$name-2/#DIR/#g; s/[0-9.]*x\b//g; s/[0-9.]* s\b//g; s/after [0-9]* ms/after N ms/g" >"$work/$name.b"
      same_text "$work/$name.a" "$work/$name.b" "$name: $f the same (times aside)" ;;
    *.map) ;;  # saved by the clock: compared by what --resume makes of it
    *) same_file "$work/$name-1/$f" "$work/$name-2/$f" "$name: $f byte for byte" ;;
    esac
  done
}

data=$work/src/data.cue audio=$work/src/audio.cue
# (Audio rips end unconfirmed, exit 5: no AccurateRip or CTDB here.)
for disc in data audio; do
  EMU_CONFIG="medium=$work/src/$disc.cue"
  same_rip "clean-$disc" "$([ $disc = data ] && echo 0 || echo 5)" rip "$EMU_DEVICE" --mode burst --no-qscan
  same_file "$work/clean-$disc-2/d.bin" "$work/src/$disc.bin" "clean-$disc: the bin is the source's"
done

# Read errors near the end of the audio (the ring long full by then) and in
# the data track, a transient error that a single re-read cures, and a data
# sector whose bytes come back flipped (EDC fails: the ECC repairs it on
# the rip's thread).
EMU_CONFIG="medium=$audio faults=unreadable:5900-5903,transient:2600-2601:1"
same_rip faults-audio 3 rip "$EMU_DEVICE" --mode burst --no-qscan --retries 2
grep -q '^bad: LBA 5900-5903' "$work/faults-audio-2/d.log" && grep -q '^re-read: LBA 2600-' "$work/faults-audio-2/d.log" &&
  ok "faults-audio: the unreadable and re-read sectors are listed" ||
  bad "faults-audio: $(grep -E '^(bad|re-read):' "$work/faults-audio-2/d.log" | tr '\n' ' ')"
EMU_CONFIG="medium=$data faults=flip:4000,unreadable:4900,transient:3000:1"
same_rip faults-data 3 rip "$EMU_DEVICE" --mode burst --no-qscan --retries 2
grep -q 'sector 4000 (track 1): .*repaired from its ECC' "$work/faults-data-2/d.log" &&
  grep -q '^bad: LBA 4900-4900' "$work/faults-data-2/d.log" &&
  ok "faults-data: the flipped sector repaired from its ECC, the unreadable one listed" ||
  bad "faults-data: $(grep -E '4000|^bad' "$work/faults-data-2/d.log" | tr '\n' ' ')"

# The medium gone in the middle: both fail with the same message and keep
# the same .part; --resume (one thread) finishes either to the same bin.
EMU_CONFIG="medium=$audio faults=medium-gone-after:150"
same_rip gone 1 rip "$EMU_DEVICE" --mode burst --no-qscan
for t in 1 2; do
  EMU_CONFIG="medium=$audio"
  expect_exit 5 "gone: --resume after --threads $t" -- \
    emu "$DW" --threads 1 -q rip "$EMU_DEVICE" -o "$work/gone-$t" --name d --mode burst --no-qscan --resume
  same_file "$work/gone-$t/d.bin" "$work/src/audio.bin" "gone: the bin resumed after --threads $t is the source's"
done

# --format iso of the CD's data track, with an unreadable and a flipped
# sector in it, and of a DVD with an unreadable stretch near its end.
EMU_CONFIG="medium=$data faults=unreadable:4990,flip:1234"
same_rip iso-cd 3 rip "$EMU_DEVICE" --format iso --no-qscan --retries 1
mkdir -p "$work/tree"
head -c $((12 * 1024 * 1024)) /dev/urandom >"$work/tree/noise"
expect_exit 0 "a 12 MiB ISO for the DVD" -- "$DW" -q mkiso "$work/tree" -o "$work/dvd.iso"
sectors=$(($(stat -c %s "$work/dvd.iso") / 2048))
EMU_CONFIG="medium=$work/dvd.iso faults=unreadable:$((sectors - 40))-$((sectors - 37))"
same_rip iso-dvd 3 rip "$EMU_DEVICE" --format iso --retries 1
grep -q "^bad: LBA $((sectors - 40))-$((sectors - 37))" "$work/iso-dvd-2/d.log" &&
  ok "iso-dvd: the unreadable sectors are listed" || bad "iso-dvd: $(grep '^bad' "$work/iso-dvd-2/d.log")"
cmp -s <(head -c $(((sectors - 40) * 2048)) "$work/iso-dvd-2/d.iso") <(head -c $(((sectors - 40) * 2048)) "$work/dvd.iso") &&
  ok "iso-dvd: the image equals the ISO up to the unreadable sectors" || bad "iso-dvd: the image differs before them"
finish
