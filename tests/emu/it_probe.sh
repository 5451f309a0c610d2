#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Probing the emulated drive once and keeping the result as a drive
# profile: 'discwright drives --probe' against personalities that differ in
# C2 (none, 294, 296), C2 placement, raw P-W (refused, interleaved or not),
# formatted Q numbers, accurate stream and read cache size (timed, with the
# emulator's timing model); '--save' writing the profile that '--profile'
# reads back, the user's profile before the shipped one, and the refusals.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

# Profiles go to this test's own directory, not the user's.
export XDG_CONFIG_HOME="$work/config"
USER_DRIVES="$XDG_CONFIG_HOME/discwright/profiles/drives"

# A 4000-sector audio CD whose sectors all differ (the probe compares the
# main channel of each layout with a plain read) and long enough for the
# cache timing.
yes "discwright probe" | head -c $((4000 * 2352)) >"$work/long.bin"
printf 'FILE "long.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >"$work/long.cue"

# has KEY VALUE: the last --json output has "KEY":"VALUE" (or a number).
has() {
  if grep -qF "\"$1\":$2" "$work/out.txt"; then ok "$3: $1 = $2"; else
    bad "$3: $1 is not $2: $(grep -F "\"$1\"" "$work/out.txt")"
  fi
}
number_of() { sed -n "s/.*\"$1\":\([0-9-]*\),*$/\1/p" "$work/out.txt"; }

# ---- READ CD layouts and sub-channel ---------------------------------------------
EMU_CONFIG="medium=$L/cdda.cue"
expect_exit 0 "probe the default personality" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
w="default (c2=296)"
has c2 '"supported"' "$w"
has c2_block_error '"supported"' "$w"
has c2_placement '"before-sub"' "$w"
has raw_pw '"supported"' "$w"
has raw_pw_order '"interleaved"' "$w"
has formatted_q '"supported"' "$w"
has q_numbers '"bcd"' "$w"
has accurate_stream '"supported"' "$w"
has probe_audio true "$w"
has max_read_speed_kbps 8467 "$w"
has cache '"unknown"' "$w (no timing model)"
grep -qF "too fast to tell a seek from a cache hit" "$work/out.txt" \
  && ok "$w: the note says why the cache is unknown" || bad "$w: no cache note: $(cat "$work/out.txt")"

EMU_CONFIG="medium=$L/cdda.cue c2=294 c2pos=after-sub subq=binary"
expect_exit 0 "probe c2=294 c2pos=after-sub subq=binary" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
w="c2=294 after-sub binary Q"
has c2 '"supported"' "$w"
has c2_block_error '"unsupported"' "$w"
has c2_placement '"after-sub"' "$w"
has q_numbers '"binary"' "$w"
grep -qF "c2_block_error: READ CD error field 10b refused: invalid field in CDB (sense 5/24/00)" "$work/out.txt" \
  && ok "$w: the refusal of error field 10b is noted with its sense" || bad "$w: notes: $(cat "$work/out.txt")"

EMU_CONFIG="medium=$L/cdda.cue c2=none rawpw=no accurate=no"
expect_exit 0 "probe c2=none rawpw=no accurate=no (refusals are results, not failures)" -- \
  emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
w="no C2, no raw P-W"
has c2 '"unsupported"' "$w"
has c2_block_error '"unsupported"' "$w"
has c2_placement '"unknown"' "$w"
has raw_pw '"unsupported"' "$w"
has raw_pw_order '"unknown"' "$w"
has formatted_q '"supported"' "$w"
has q_numbers '"bcd"' "$w"
has accurate_stream '"unsupported"' "$w"

EMU_CONFIG="medium=$L/cdda.cue rawpw=deinterleaved"
expect_exit 0 "probe rawpw=deinterleaved" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
has raw_pw_order '"deinterleaved"' "rawpw=deinterleaved"
has c2_placement '"before-sub"' "rawpw=deinterleaved"

# The human form, and the drive found without --drive.
EMU_CONFIG="medium=$L/cdda.cue c2=294 c2pos=after-sub"
expect_exit 0 "drives --probe without --drive" -- emu "$DW" drives --probe
expect_stdout "C2 pointers      yes" "human output: C2 pointers yes"
expect_stdout "C2 block error   no" "human output: C2 block error no"
expect_stdout "C2 placement     after the sub-channel data" "human output: placement"
expect_stdout "formatted Q      yes, BCD numbers" "human output: BCD Q"
expect_stdout "read cache       unknown" "human output: cache unknown"

# ---- the read cache, timed ----------------------------------------------------
for cache in 1000 300; do
  EMU_CONFIG="medium=$work/long.cue speed=100 cache=$cache"
  expect_exit 0 "probe speed=100 cache=$cache" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
  has cache '"measured"' "cache=$cache"
  n=$(number_of cache_sectors)
  if [ -n "$n" ] && [ "$n" -le "$cache" ] && [ "$n" -ge $((cache * 9 / 10)) ]; then
    ok "cache=$cache: estimate $n sectors, within 10% below the emulator's cache"
  else
    bad "cache=$cache: estimate '$n' sectors"
  fi
done
EMU_CONFIG="medium=$work/long.cue speed=100 cache=0"
expect_exit 0 "probe speed=100 cache=0" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
has cache '"none"' "cache=0"
has cache_sectors 0 "cache=0"
has max_read_speed_kbps 17640 "speed=100"
EMU_CONFIG="medium=$work/long.cue speed=100 cache=20000"
expect_exit 0 "probe speed=100 cache=20000 (larger than the disc)" -- emu "$DW" --json drives --probe --drive "$EMU_DEVICE"
has cache '"at-least"' "cache=20000"
n=$(number_of cache_sectors)
[ -n "$n" ] && [ "$n" -ge 3000 ] && [ "$n" -lt 4000 ] \
  && ok "cache=20000: at least $n sectors (what the 4000-sector disc allows)" || bad "cache=20000: '$n'"

# ---- --save, --profile and the search path ---------------------------------------
EMU_CONFIG="medium=$work/long.cue vendor=ACME model=\"PROBE TEST\" firmware=1.5 speed=100 cache=300"
expect_exit 0 "drives --probe --save" -- emu "$DW" drives --probe --drive "$EMU_DEVICE" --save --comment "saved by it_probe"
saved="$USER_DRIVES/acme_probe_test.json"
expect_stdout "saved the profile to '$saved'" "--save says where the profile went"
[ -f "$saved" ] && [ ! -e "$saved.part" ] && ok "the profile file is in place, no .part left" \
  || bad "no $saved: $(ls -la "$USER_DRIVES" 2>&1)"
grep -qF '"comment":"saved by it_probe"' "$saved" && grep -qF '"vendor":"ACME"' "$saved" \
  && grep -qF '"revision":"1.5"' "$saved" && ok "the file has the comment and the INQUIRY strings" \
  || bad "saved file: $(cat "$saved")"
saved_cache=$(sed -n 's/.*"cache_sectors":\([0-9]*\),*$/\1/p' "$saved")

expect_exit 0 "drives --profile reads the saved profile back" -- emu "$DW" drives --profile --drive "$EMU_DEVICE"
expect_stdout "profile file     $saved" "--profile names the file it read"
expect_stdout "read cache       about $saved_cache sectors (timed)" "--profile: the saved cache size"
expect_stdout "comment          saved by it_probe" "--profile: the comment"
expect_exit 0 "drives --profile --json" -- emu "$DW" --json drives --profile --drive "$EMU_DEVICE"
has file "\"$saved\"" "--profile --json"
has cache_sectors "$saved_cache" "--profile --json"

# The shipped profile of the emulator's drive answers until the user has one.
EMU_CONFIG="medium=$L/cdda.cue"
expect_exit 0 "drives --profile of DWEMU VIRTUAL MMC-6: the shipped profile" -- \
  emu "$DW" drives --profile --drive "$EMU_DEVICE"
expect_stdout "profile file     $DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json" \
  "the shipped profile comes from the source tree's profiles/"
EMU_CONFIG="medium=$L/cdda.cue c2=none"
expect_exit 0 "probe --save of DWEMU with c2=none" -- emu "$DW" -q drives --probe --save
expect_exit 0 "drives --profile after the user saved one" -- emu "$DW" drives --profile
expect_stdout "profile file     $USER_DRIVES/dwemu_virtual_mmc-6.json" "the user's profile comes first"
expect_stdout "C2 pointers      no" "the user's profile is the one shown"

# ---- refusals -------------------------------------------------------------------
EMU_CONFIG="vendor=NOBODY model=EMPTY"
expect_exit 1 "probe an empty tray" -- emu "$DW" drives --probe --drive "$EMU_DEVICE"
expect_stderr "no medium in '/dev/sr0'" "empty tray: \"no medium in '/dev/sr0'\""
expect_exit 1 "--profile of a drive without one" -- emu "$DW" drives --profile --drive "$EMU_DEVICE"
expect_stderr "no profile of the drive 'NOBODY' 'EMPTY': probe it with 'discwright drives --probe --save'" \
  "no profile: the message says what to do"
EMU_CONFIG="medium=$L/copying.iso"
expect_exit 1 "probe a DVD" -- emu "$DW" drives --probe --drive "$EMU_DEVICE"
expect_stderr "the probe needs a CD" "DVD: the probe needs a CD"
expect_exit 1 "probe an image" -- "$DW" drives --probe --drive "$L/cdda.cue"
expect_stderr "only drives can be probed" "image: only drives can be probed"
expect_exit 2 "--save without --probe" -- "$DW" drives --save
expect_stderr "--save and --comment go with --probe" "usage: --save needs --probe"
expect_exit 2 "--probe and --profile together" -- "$DW" drives --probe --profile
expect_exit 2 "an argument" -- "$DW" drives --probe /dev/sr0
expect_stderr "drives takes no argument '/dev/sr0'" "usage: the drive goes with --drive"

finish
