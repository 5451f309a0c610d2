#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A rip never loses a user's file: --name is one file name; an output that
# would be an input is refused; an earlier rip is replaced only with
# --overwrite, and then whole (its members the new rip does not write go);
# a second rip of the same set at the same time is refused naming the
# first; a full disk after the bin leaves only .part files and a map that
# --resume accepts, never a set that looks complete.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample.cue" ] || skip_all "$sample not built"
need_tool flock

# --name: one path component of printable characters.
mkdir -p "$work/names/out"
for n in "../escaped" "" "." ".." $'two\nlines' "a/b"; do
  expect_exit 1 "--name '$(printf %q "$n")' is refused" -- \
    "$DW" -q rip "$sample/sample.cue" -o "$work/names/out" --name "$n"
  expect_stderr "is not a file name" "  and the message says why"
done
[ -z "$(ls -A "$work/names")" ] || [ "$(ls -A "$work/names")" = out ] && ok "nothing written outside -o" ||
  bad "files outside -o: $(ls -A "$work/names")"
[ ! -e "$work/escaped.bin" ] && ok "no ../escaped.bin" || bad "../escaped.bin written"

# An output that is an input: rip album.cue -o . in the album's folder.
d=$work/inputs
mkdir -p "$d"
cp "$sample/sample.cue" "$sample/sample.bin" "$d/"
expect_exit 1 "rip sample.cue into its own folder with its own name" -- \
  "$DW" -q rip "$d/sample.cue" -o "$d" --name sample
expect_stderr "which is its own input" "  the message says the output would be its input"
same_file "$d/sample.cue" "$sample/sample.cue" "  the user's cue is untouched"
same_file "$d/sample.bin" "$sample/sample.bin" "  the user's bin is untouched"
expect_exit 1 "even with --overwrite" -- "$DW" -q rip "$d/sample.cue" -o "$d" --name sample --overwrite

# An earlier rip: refused without --overwrite, replaced whole with it.
o=$work/again
expect_exit 0 "first rip (the sample has CD-TEXT: s.cdt)" -- \
  "$DW" -q rip "$sample/sample.cue" -o "$o" --name s --mode burst
[ -f "$o/s.cdt" ] && ok "  s.cdt written" || bad "  no s.cdt"
cp "$o/s.log" "$work/first.log"
expect_exit 1 "a second rip with the same -o and --name" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$o" --name s --mode burst
expect_stderr "already holds a rip named 's'" "  refused, naming the set"
expect_stderr "s.bin" "  and its files"
same_file "$o/s.log" "$work/first.log" "  the first rip's log is untouched"
expect_exit 0 "the same with --overwrite" -- \
  "$DW" -q rip "$sample/sample.cue" -o "$o" --name s --mode burst --format iso --overwrite
for f in s.bin s.cue s.cdt s.map; do
  [ ! -e "$o/$f" ] && ok "  the earlier set's $f is gone" || bad "  stale $f left beside the ISO rip"
done
[ -f "$o/s.iso" ] && grep -q "is from the earlier rip of this name and is removed" "$o/s.log" &&
  ok "  the log names what it removed" || bad "  log: $(grep -c removed "$o/s.log")"

# Two rips of one set at once: the second is refused, naming the first.
l=$work/locked
mkdir -p "$l"
mkfifo "$work/release"
( exec 9>"$l/s.lock"; flock -x 9; echo "pid 4242, started earlier, discwright rip (a test)" >&9
  : >"$work/held"; read -r _ <"$work/release" ) &
holder=$!
for _ in $(seq 1 500); do [ -e "$work/held" ] && break; read -rt 0.01 <> <(:) || true; done
[ -e "$work/held" ] && ok "another process holds s.lock" || bad "the holder never took the lock"
expect_exit 1 "a rip while another holds the set" -- "$DW" -q rip "$sample/sample.cue" -o "$l" --name s
expect_stderr "another rip is writing" "  refused"
expect_stderr "pid 4242" "  naming the first rip"
[ ! -e "$l/s.bin" ] && [ ! -e "$l/s.log" ] && ok "  nothing written" || bad "  wrote: $(ls "$l")"
echo go >"$work/release"
wait "$holder"
expect_exit 0 "once it is gone, the rip runs" -- "$DW" -q rip "$sample/sample.cue" -o "$l" --name s
[ ! -e "$l/s.lock" ] && ok "  and leaves no lock file" || bad "  s.lock left"

# A full disk when the bin is written but the cue is not.
f=$work/full
mkdir -p "$f"
ln -s /dev/full "$f/s.cue.part"
expect_exit 1 "the disk fills while the cue is written" -- \
  "$DW" rip "$sample/sample.cue" -o "$f" --name s --mode burst
[ ! -e "$f/s.bin" ] && [ ! -e "$f/s.cue" ] && [ ! -e "$f/s.json" ] && [ ! -e "$f/s.log" ] &&
  ok "  no output that looks complete" || bad "  left: $(ls "$f")"
[ -f "$f/s.bin.part" ] && grep -q '"complete": *false' "$f/s.map" && ok "  s.bin.part and a map (complete: false) stay" ||
  bad "  left: $(ls "$f"); map: $(tr -d ' \n' <"$f/s.map" 2>/dev/null | head -c 200)"
[ -f "$f/s.log.part" ] && expect_stderr "s.log.part" "  the message names the log that exists" ||
  bad "  no s.log.part"
rm -f "$f/s.cue.part"
expect_exit 0 "--resume after the disk has room again" -- \
  "$DW" -q rip "$sample/sample.cue" -o "$f" --name s --mode burst --resume
same_file "$f/s.bin" "$sample/sample.bin" "  the bin equals the source"
grep -q '"complete": *true' "$f/s.map" && ok "  the map says complete" || bad "  map not complete"
finish
