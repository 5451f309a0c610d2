#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Text from a disc or a file is data: a cue whose CD-TEXT holds terminal
# escapes (ESC [2J, BEL) reaches the terminal, the log and the new cue
# escaped or replaced, never raw; the JSON keeps it (escaped by JSON).  A
# command whose output cannot be written (stdout on /dev/full) fails.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample.bin" ] || skip_all "$sample not built"

d=$work/hostile
mkdir -p "$d"
cp "$sample/sample.bin" "$d/h.bin"
esc=$(printf '\033')
bel=$(printf '\007')
{ printf 'TITLE "Album %s[2J%s"\n' "$esc" "$bel"
  printf 'FILE "h.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n'
  sed -n '/TRACK 02/,$p' "$sample/sample.cue" | grep -v '^FILE'; } >"$d/h.cue"
expect_exit 0 "info of a cue whose title holds ESC [2J and BEL" -- "$DW" info "$d/h.cue"
if grep -q "$esc" "$work/out.txt" || grep -q "$bel" "$work/out.txt"; then
  bad "info printed raw control characters"
else
  ok "info printed no raw control character"
fi
grep -qF 'Album \x1B[2J\x07' "$work/out.txt" && ok "info shows them escaped (\\x1B, \\x07)" ||
  bad "info: $(grep TITLE "$work/out.txt")"

expect_exit 0 "rip it" -- "$DW" -q rip "$d/h.cue" -o "$d/out" --name r --mode burst
if grep -q "$esc" "$d/out/r.cue" || grep -q "$esc" "$d/out/r.log"; then
  bad "the cue or the log holds a raw ESC"
else
  ok "neither the cue nor the log holds a raw control character"
fi
grep -q '^TITLE "Album ?\[2J?"' "$d/out/r.cue" && ok "the cue has '?' in their place" ||
  bad "cue: $(grep TITLE "$d/out/r.cue")"
grep -q "the cue sheet cannot hold 2 characters" "$d/out/r.log" &&
  ok "the log says what the cue could not hold" || bad "log: no note"
grep -qF 'Album \u001b[2J\u0007' "$d/out/r.json" && ok "the JSON keeps the text, JSON-escaped" ||
  bad "json: $(grep -o '"title":"[^"]*"' "$d/out/r.json" | head -2)"

expect_exit 1 "info with stdout on a full disk" -- sh -c "'$DW' info '$sample/sample.cue' >/dev/full"
expect_stderr "cannot write the output" "  says the output could not be written"
finish
