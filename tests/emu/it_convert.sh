#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright convert from an emulated drive (/dev/sr0 serving p1.cue: two
# audio tracks with pregaps, MCN, CD-TEXT, DCP): the device path of
# dw_convert.  The layout comes from the TOC refined by the Q sub-channel
# scan, so the BIN/CUE it writes shows the source cue's layout and its bin
# is the source bin; the sub-channel is the drive's own ("copied from the
# source"), and a CloneCD set's .sub equals what `rip --subchannel` reads
# from the same drive; the read-back compares it.  A drive whose audio
# reads jitter (seeded, so the second read of a sector differs from the
# first) makes the read-back differ: exit 4, the report lists the sectors,
# the files stay.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
L=$FIX/libcdio/test/data
cd "$work" || exit 1
layout() { "$DW" info "$1" 2>/dev/null | tail -n +2; }
key() { tr -d ' \n' <"$1" | grep -o "\"$2\":[^,}]*" | head -1; }

EMU_CONFIG="medium=$L/p1.cue"
expect_exit 0 "convert /dev/sr0 -> bincue" -- emu "$DW" convert "$EMU_DEVICE" -o p1.cue
expect_stdout "302 sectors, 302 read back identical" "every sector read back identical"
same_file p1.bin "$L/p1.bin" "the bin is the source bin"
layout p1.cue >a.layout
layout "$L/p1.cue" >b.layout
same_file a.layout b.layout "the output shows the source cue's layout (pregaps from the Q scan, MCN, CD-TEXT, DCP)"
[ "$(key p1.json layout)" = '"layout":"TOCandQsub-channelscan"' ] && ok "the report: layout from the TOC and the Q scan" \
  || bad "the report's layout: $(key p1.json layout)"
[ "$(key p1.json subchannel)" = '"subchannel":"copiedfromthesource"' ] && ok "the report: sub-channel copied from the drive" \
  || bad "the report's subchannel: $(key p1.json subchannel)"

expect_exit 0 "convert /dev/sr0 -> ccd" -- emu "$DW" convert "$EMU_DEVICE" -o p1c.ccd
expect_exit 5 "rip /dev/sr0 --subchannel" -- emu "$DW" -q rip "$EMU_DEVICE" -o rip --name disc --mode burst --subchannel --offline
same_file p1c.sub rip/disc.sub "the .sub equals the one rip --subchannel reads from the drive"
same_file p1c.img rip/disc.img "the .img equals the rip's"
[ "$(key p1c.json q_miscompare)" = '"q_miscompare":0' ] && ok "the read-back compared the sub-channel: no difference" \
  || bad "q_miscompare: $(key p1c.json q_miscompare)"

EMU_CONFIG="medium=$L/p1.cue faults=jitter:0-301:30:3"
expect_exit 4 "a jittering drive: the read-back differs" -- emu "$DW" convert "$EMU_DEVICE" -o j.cue
expect_stderr "differs from the source in" "the message says how many sectors differ"
python3 - j.json <<'EOF' && ok "the report: mismatch, exit 4, the differing LBAs as ranges" || bad "the mismatch report: $(head -c 400 j.json)"
import json, sys
d = json.load(open(sys.argv[1]))
v = d["verify"]
assert d["verdict"] == "mismatch" and d["exit_status"] == 4, d["verdict"]
assert v["done"] and v["miscompare"] > 0 and v["ranges"]
assert sum(r["sectors"] for r in v["ranges"]) == v["miscompare"]
EOF
[ -s j.bin ] && [ -s j.cue ] && ok "the files stay for inspection" || bad "the files are gone"

EMU_CONFIG=""
expect_exit 1 "an empty tray" -- emu "$DW" convert "$EMU_DEVICE" -o empty.cue
ls empty* >/dev/null 2>&1 && bad "an empty tray left $(ls empty*)" || ok "an empty tray leaves no file"

finish
