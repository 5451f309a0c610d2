#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Finding and identifying the emulated drive: discwright's drive list (a
# libburn bus scan over SG_IO, then libcdio's device list), cdrskin's and
# xorriso's scans, the configured INQUIRY strings, and what an empty tray
# gives every command.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

# ---- discwright drives ----------------------------------------------------------
EMU_CONFIG="medium=$L/cdda.cue vendor=ACME model=EMU-WRITER-9000 firmware=4.2"
expect_exit 0 "discwright drives" -- emu "$DW" drives
grep -qE "^$EMU_DEVICE +ACME +EMU-WRITER-9000 +4\.2 +loaded$" "$work/out.txt" \
  && ok "drives lists $EMU_DEVICE with the configured vendor, model, firmware, medium loaded" \
  || bad "drives: $(cat "$work/out.txt")"
[ "$(grep -c "^/dev/" "$work/out.txt")" = 1 ] && ok "drives lists exactly one drive" \
  || bad "drives lists $(grep -c "^/dev/" "$work/out.txt") drives"
expect_exit 0 "discwright --json drives" -- emu "$DW" --json drives
grep -q '"address":"/dev/sr0"' "$work/out.txt" && grep -q '"medium_loaded":true' "$work/out.txt" \
  && ok "--json drives: address and medium_loaded" || bad "--json drives: $(cat "$work/out.txt")"

EMU_CONFIG="vendor=ACME model=EMU-WRITER-9000"
expect_exit 0 "discwright drives, empty tray" -- emu "$DW" drives
grep -qE "^$EMU_DEVICE +ACME +EMU-WRITER-9000 .* none$" "$work/out.txt" \
  && ok "drives: an empty tray shows medium 'none'" || bad "drives, empty tray: $(cat "$work/out.txt")"

# Two drives, each with its own configuration.
EMU_DEVICE=/dev/sr0,/dev/sr1
EMU_CONFIG="medium=$L/cdda.cue model=FIRST"
DW_EMU_CONFIG_1="model=SECOND" expect_exit 0 "discwright drives with two emulated drives" -- emu "$DW" drives
grep -qE "^/dev/sr0 .* FIRST .* loaded$" "$work/out.txt" && grep -qE "^/dev/sr1 .* SECOND .* none$" "$work/out.txt" \
  && ok "drives lists /dev/sr0 (loaded) and /dev/sr1 (empty), each with its own model" \
  || bad "two drives: $(cat "$work/out.txt")"
EMU_DEVICE=/dev/sr0

# ---- an empty tray ------------------------------------------------------------------
EMU_CONFIG=""
expect_exit 1 "info on an empty tray" -- emu "$DW" info "$EMU_DEVICE"
expect_stderr "no medium in '/dev/sr0'" "info: \"no medium in '/dev/sr0'\""
expect_exit 1 "rip from an empty tray" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-empty"
expect_stderr "no medium in '/dev/sr0'" "rip: \"no medium in '/dev/sr0'\""
expect_exit 1 "verify with an empty tray" -- emu "$DW" -q verify "$EMU_DEVICE" "$L/cdda.cue"
expect_stderr "no medium in '/dev/sr0'" "verify: \"no medium in '/dev/sr0'\""
if have cd-info; then
  emu_tool cd-info --no-header "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -q "CDROMREADTOCHDR: No medium found" "$work/cdi.txt" \
    && ok "cd-info on an empty tray: CDROMREADTOCHDR fails with ENOMEDIUM" \
    || bad "cd-info on an empty tray: $(tail -3 "$work/cdi.txt")"
fi

# ---- libburn's scan (SG_IO, SCSI_IOCTL_GET_IDLUN, O_EXCL, F_SETLK) --------------
EMU_CONFIG="medium=$L/cdda.cue vendor=ACME model=EMU-WRITER-9000"
if have cdrskin; then
  expect_exit 0 "cdrskin --devices" -- emu_tool cdrskin --devices
  grep -qE "^0 +dev='/dev/sr0' +rwrw-- : +'ACME +' +'EMU-WRITER-9000'" "$work/out.txt" \
    && ok "cdrskin --devices finds /dev/sr0 with the configured INQUIRY strings" \
    || bad "cdrskin --devices: $(grep -e dev= -e found "$work/out.txt")"
fi
if have xorriso; then
  expect_exit 0 "xorriso -devices" -- emu_tool xorriso -devices
  grep -qE "^0 +-dev '/dev/sr0' +rwrw-- : +'ACME +' +'EMU-WRITER-9000'" "$work/out.txt" \
    && ok "xorriso -devices finds /dev/sr0" || bad "xorriso -devices: $(grep -e dev -e scan "$work/out.txt")"
fi

finish
