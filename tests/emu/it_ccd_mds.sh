#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CloneCD and Alcohol 120% images as the emulated drive's medium: the CD-Extra
# sample ripped with --subchannel gives a .ccd set, tests/integration/mkmds.py
# makes an .mds/.mdf of it (P-W in the MDF).  Loaded into the emulator, each
# is read by cd-info (a tool we did not write, through libcdio's Linux
# driver and the kernel's ioctls): the track list is the one it reads when
# the cue is the medium, and for the .ccd also the MCN and CD-TEXT.  A rip
# of the drive gives the set's bin back byte for byte, and verify of the
# drive against the .ccd and the .mds agrees.
. "$(dirname "$0")/preload_lib.sh"
need_preload
need_tool python3

S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample-extra.cue" ] || { bad "$S/sample-extra.cue is missing (dw-mksample builds it)"; exit 1; }
export XDG_CACHE_HOME=$work/cache

set=$work/set
expect_exit 0 "rip --subchannel of the CD-Extra sample" -- \
  "$DW" -q rip "$S/sample-extra.cue" -o "$set" --subchannel
python3 "$(dirname "$0")/../integration/mkmds.py" cd "$set/sample-extra.ccd" "$work/disc.mds" --sub &&
  ok "mkmds.py made disc.mds" || bad "mkmds.py failed"

# cd-info's track list (and, with a second argument, the MCN and CD-TEXT).
cdinfo_of() {
  if [ $# -gt 1 ]; then
    sed -n '/^CD-ROM Track List/,/^__________/p; /^Language /,$p' "$1"
    grep '^Media Catalog Number' "$1"
  else # without the MCN and ISRCs, which an MDS does not carry
    sed -n '/^CD-ROM Track List/,/^__________/p' "$1" |
      grep -v -e '^Media Catalog Number' -e '^TRACK .* ISRC:'
  fi | grep -v -e '^__________' -e '^Last CD Session' -e '^audio status' -e "can't get volume"
}

if have cd-info; then
  EMU_CONFIG="medium=$S/sample-extra.cue"
  expect_exit 0 "cd-info with the cue as the medium" -- \
    emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE"
  cp "$work/out.txt" "$work/cdi-cue.txt"
  grep -q "^  4: 02:45:00  012225 data" "$work/cdi-cue.txt" && ok "  track 4 at 02:45:00 in session 2" ||
    bad "  cd-info does not list track 4 at 02:45:00: $(grep '^  4:' "$work/cdi-cue.txt")"
fi

for medium in set/sample-extra.ccd disc.mds; do
  name=${medium##*.}
  EMU_CONFIG="medium=$work/$medium"
  if have cd-info; then
    expect_exit 0 "$name: cd-info /dev/sr0" -- emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE"
    if [ "$name" = ccd ]; then
      same_text <(cdinfo_of "$work/cdi-cue.txt" all) <(cdinfo_of "$work/out.txt" all) \
        "$name: cd-info lists the cue's tracks, sessions, MCN and CD-TEXT"
    else
      same_text <(cdinfo_of "$work/cdi-cue.txt") <(cdinfo_of "$work/out.txt") \
        "$name: cd-info lists the cue's tracks and sessions (no MCN, no ISRC: MDS has none)"
    fi
  fi
  expect_exit 0 "$name: info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
  expect_stdout "sessions: 2   tracks: 4" "$name: two sessions, four tracks on the drive"
  out=$work/rip-$name
  # 5: no bad sectors, the audio unconfirmed (no database is asked).
  expect_exit 5 "$name: rip of the drive" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name disc
  same_file "$set/sample-extra.bin" "$out/disc.bin" "$name: the rip of the drive is the set's bin"
  expect_exit 0 "$name: verify of the drive against the $name" -- \
    emu "$DW" -q verify "$EMU_DEVICE" "$work/$medium"
done

finish
