#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What `burn` plans before it writes a CD image (src/burn/burn_image.c,
# cdwrite.c), on emulated blank CD-Rs:
#  - the write offset from the drive profile: a drive whose personality
#    has write offset -12 and read offset +6, a user profile saying
#    "write_offset_samples": -12 and an offset table saying +6; burn of an
#    audio cue without --write-offset uses the profile's, says so (summary
#    line, JSON "write_offset_source"/"write_offset_profile"), and the rip
#    with the read offset gives the image's bytes (cmp); --write-offset 0
#    wins over the profile ("option") and the disc then differs by the
#    drive's 12 samples; without a profile the source is "none".
. "$(dirname "$0")/preload_lib.sh"
need_preload

# 648 sectors of audio: noise (so that any shift shows), then silence (a
# negative write offset moves the last samples into the lead-out).
{ head -c $((2352 * 600)) /dev/urandom; head -c $((2352 * 48)) /dev/zero; } >"$work/a.bin"
cat >"$work/a.cue" <<'EOF'
FILE "a.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:04:00
EOF

# The user's profiles (XDG_CONFIG_HOME of this script only).
export XDG_CONFIG_HOME=$work/config
drives=$XDG_CONFIG_HOME/discwright/profiles/drives
mkdir -p "$drives"
cat >"$drives/wofs_test_writer.json" <<'EOF'
{"format": "discwright-drive-profile", "format_version": 1,
 "vendor": "WOFS", "model": "TEST WRITER", "read_offset_samples": 6,
 "write_offset_samples": -12}
EOF
printf 'WOFS\tTEST WRITER\t+6\n' >"$drives/offsets.tsv"
drive='vendor=WOFS model="TEST WRITER" write_offset=-12 offset=6'

# ---- the profile's write offset ---------------------------------------------------
state=$work/prof.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state $drive"
expect_exit 0 "profile: burn a.cue without --write-offset" -- \
  emu "$DW" burn "$work/a.cue" --drive "$EMU_DEVICE"
expect_stdout "write offset -12 samples (from the drive profile $drives/wofs_test_writer.json)" \
  "profile: the plan names the write offset and the profile it came from"
expect_stdout "identical" "profile: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state $drive"
expect_exit 5 "profile: rip of the burned disc with the table's read offset +6" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-prof" --name disc
same_file "$work/rip-prof/disc.bin" "$work/a.bin" \
  "profile: the ripped audio equals the image (write offset -12 from the profile applied)"

# JSON report of the same kind of burn (dummy: nothing written).
EMU_CONFIG="blank=cdr capacity=20000 $drive"
expect_exit 0 "profile: burn --json --dummy" -- \
  emu "$DW" --json burn "$work/a.cue" --drive "$EMU_DEVICE" --dummy
python3 - "$work/out.txt" "$drives/wofs_test_writer.json" <<'EOF' && ok "profile: JSON write_offset_samples -12, source profile, the profile file" || bad "profile: JSON: $(grep write_offset "$work/out.txt" | tr -d '\n')"
import json, sys
b = json.load(open(sys.argv[1]))["burn"]
assert b["write_offset_samples"] == -12, b
assert b["write_offset_source"] == "profile", b
assert b["write_offset_profile"] == sys.argv[2], b
assert b["writer"] == "discwright", b
EOF

# ---- the option wins over the profile ----------------------------------------------
EMU_CONFIG="blank=cdr capacity=20000 state=$work/opt0.state $drive"
expect_exit 0 "option: burn with --write-offset 0 to a new blank" -- \
  emu "$DW" --json burn "$work/a.cue" --drive "$EMU_DEVICE" --no-verify --write-offset 0 \
  --write-mode sao
python3 - "$work/out.txt" <<'EOF' && ok "option: JSON write_offset_samples 0, source option" || bad "option: JSON: $(grep write_offset "$work/out.txt" | tr -d '\n')"
import json, sys
b = json.load(open(sys.argv[1]))["burn"]
assert b["write_offset_samples"] == 0 and b["write_offset_source"] == "option", b
assert "write_offset_profile" not in b, b
EOF
EMU_CONFIG="state=$work/opt0.state $drive"
expect_exit 5 "option: rip of the disc burned with --write-offset 0" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-opt" --name disc
cmp -s "$work/rip-opt/disc.bin" "$work/a.bin" &&
  bad "option: the disc burned with --write-offset 0 equals the image: the drive's offset did not show" ||
  ok "option: the disc burned with --write-offset 0 differs from the image (the drive's -12 shows)"
same_file <(bytes_of "$work/rip-opt/disc.bin" 2352 $((2352 * 500))) \
  <(bytes_of "$work/a.bin" $((2352 + 48)) $((2352 * 500))) \
  "option: ... by exactly the drive's 12 samples (48 bytes)"

# ---- no profile -------------------------------------------------------------------
EMU_CONFIG="blank=cdr capacity=20000 vendor=OTHER model=\"NO PROFILE\""
expect_exit 0 "none: burn --json --dummy on a drive without a profile" -- \
  emu "$DW" --json burn "$work/a.cue" --drive "$EMU_DEVICE" --dummy --write-mode sao
python3 - "$work/out.txt" <<'EOF' && ok "none: JSON write_offset_samples 0, source none" || bad "none: JSON: $(grep write_offset "$work/out.txt" | tr -d '\n')"
import json, sys
b = json.load(open(sys.argv[1]))["burn"]
assert b["write_offset_samples"] == 0 and b["write_offset_source"] == "none", b
EOF

finish
