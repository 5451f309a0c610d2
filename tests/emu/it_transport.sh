#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The SCSI transport under the MMC backend (src/drive/transport*.c):
#  (a) a command the drive never answers (the emulator's hang fault, timed
#      out by the emulated kernel after the sg_io_hdr timeout with
#      DID_TIME_OUT) ends with the timeout error naming the command and the
#      time, exit 1, and the drive released: the tray lock undone, nothing
#      sent after that, the device closed;
#  (b) DW_TRACE_SCSI writes one line per command with the documented
#      fields, command for command what the emulator saw, for an info and
#      a short rip; appends; a file it cannot write is one warning;
#  (c) SG_IO is the transport on Linux, with the per-opcode default
#      timeouts or DW_SCSI_TIMEOUT_MS, and libcdio's path
#      (DW_SCSI_TRANSPORT=cdio) still reads the same disc the same way.
# The rest of the emulator suite (it_*.sh) runs over SG_IO too.  Every
# command that meets a hung drive runs under `timeout 120`: the check is
# that it ends at all (124 would fail it), not how fast; the waits are the
# emulated kernel's, 1.5 s each through DW_SCSI_TIMEOUT_MS.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

CDDA=$L/cdda.cue
T=1500 # DW_SCSI_TIMEOUT_MS of the hang cases

# sg_lines TRACE: the SG_IO command lines of a DW_EMU_TRACE log, one per
# command as "cdb|dir|asked|outcome" (outcome "GOOD moved" or "CHECK
# k/asc/ascq", lowercase).
sg_lines() {
  sed -n 's/^dwemu: \/dev\/sr0 SG_IO [^[]*\[\([0-9a-f ]*\)\] \([a-z]*\) \([0-9]*\) -> \(.*\), timeout [0-9]* ms$/\1|\2|\3|\4/p' "$1" |
    sed -e 's/|GOOD, \([0-9]*\) bytes$/|GOOD \1/' -e 's/|CHECK CONDITION \(.*\)$/|CHECK \1/'
}

# trace_lines TRACE: the command lines of a DW_TRACE_SCSI file in the same
# form.
trace_lines() {
  grep -v '^#' "$1" |
    sed -n 's/^.* cdb=\[\([0-9a-f ]*\)\] dir=\([a-z]*\) bytes=\([0-9]*\)\/\([0-9?]*\) status=\([A-Z-]*\) host=[^ ]* driver=[^ ]* sense=\([^ ]*\) .*$/\1|\2|\3|\5 \4 \6/p' |
    sed -e 's/|GOOD \([0-9]*\) -$/|GOOD \1/' -e 's/|CHECK-CONDITION [0-9?]* \(.*\)$/|CHECK \L\1/'
}

# The documented line (docs/discwright.md, ENVIRONMENT).
LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z /dev/sr[01] [A-Z][A-Z0-9 ()/-]* \([0-9A-F]{2}h\) cdb=\[[0-9a-f]{2}( [0-9a-f]{2})*\] dir=(in|out|none) bytes=[0-9]+/([0-9]+|\?) status=[A-Z-]+ host=([0-9a-f]{2}|-) driver=([0-9a-f]{2}|-) sense=(-|[0-9A-F]/[0-9A-F]{2}/[0-9A-F]{2}) ms=[0-9]+ result=(ok|ok-recovered|DW_E[A-Z]+)$'

# all_lines_whole TRACE WHAT: every line is a note or a documented command line.
all_lines_whole() {
  local badline
  badline=$(grep -v '^# ' "$1" | grep -vE "$LINE_RE" | head -3)
  [ -z "$badline" ] && [ -s "$1" ] && ok "$2" || bad "$2: $badline"
}

# ---- (a) a command that never answers -----------------------------------------------
# info: READ TOC hangs after the medium was probed.
EMU_CONFIG="medium=$CDDA faults=hang:43"
expect_exit 1 "info: a READ TOC/PMA/ATIP the drive never answers ends the command" -- \
  emu env DW_SCSI_TIMEOUT_MS=$T DW_EMU_TRACE=1 timeout 120 "$DW" info "$EMU_DEVICE"
expect_stderr "discwright: cannot read the TOC of the disc in '/dev/sr0': READ TOC/PMA/ATIP (43h) timed out after $T ms: the drive stopped answering: reconnect the drive or switch it off and on, then try again" \
  "info: the error names the command, the time and what to do"
grep -q "^dwemu: /dev/sr0 SG_IO READ TOC/PMA/ATIP \[43 .*\] in 4 -> no answer (hang fault), timeout $T ms$" "$work/err.txt" &&
  grep -q "^dwemu: /dev/sr0 SG_IO READ TOC/PMA/ATIP: no answer within $T ms: host_status DID_TIME_OUT$" "$work/err.txt" &&
  ok "info: the emulated kernel timed the command out after the ${T} ms asked for, with DID_TIME_OUT" ||
  bad "info: no timeout in the emulator's trace: $(grep -c dwemu "$work/err.txt") lines"
after=$(sed -n '/no answer within/,$p' "$work/err.txt" | grep -c "^dwemu: /dev/sr0 SG_IO .* \[")
[ "$after" = 0 ] && ok "info: nothing is sent to the drive after the timeout" ||
  bad "info: $after commands sent after the timeout"
grep -q "^dwemu: /dev/sr0: closed (last user; the tray was not locked)$" "$work/err.txt" &&
  ok "info: the device is closed, the tray not locked" || bad "info: $(grep 'closed' "$work/err.txt")"

# rip: the tray is locked while reading; READ CD hangs; the lock is undone.
EMU_CONFIG="medium=$CDDA faults=hang:BE"
expect_exit 1 "rip: a READ CD the drive never answers ends the rip" -- \
  emu env DW_SCSI_TIMEOUT_MS=$T DW_EMU_TRACE=1 DW_TRACE_SCSI="$work/hang-trace.txt" \
  timeout 120 "$DW" rip "$EMU_DEVICE" -o "$work/hang" --name disc --mode burst --no-qscan
cp "$work/err.txt" "$work/hang-err.txt"
expect_stderr "READ CD (BEh) timed out after $T ms" "rip: the error names READ CD and the ${T} ms"
expect_stderr "the tray is unlocked again: reconnect the drive or switch it off and on, then try again" \
  "rip: the error says the tray was unlocked and what to do"
grep -q "^dwemu: /dev/sr0 SG_IO PREVENT ALLOW MEDIUM REMOVAL \[1e 00 00 00 01 00\] none 0 -> GOOD" "$work/hang-err.txt" &&
  ok "rip: the rip had locked the tray" || bad "rip: the tray was never locked"
# The last command sent after the timeout is the unlock, and it was answered.
sed -n '/no answer within/,$p' "$work/hang-err.txt" | grep "^dwemu: /dev/sr0 SG_IO .* \[" >"$work/after.txt"
[ "$(wc -l <"$work/after.txt")" = 1 ] &&
  grep -q "SG_IO PREVENT ALLOW MEDIUM REMOVAL \[1e 00 00 00 00 00\] none 0 -> GOOD, 0 bytes, timeout $T ms$" "$work/after.txt" &&
  ok "rip: after the timeout only PREVENT ALLOW MEDIUM REMOVAL (allow) is sent, and answered" ||
  bad "rip: after the timeout: $(cat "$work/after.txt")"
grep -q "^dwemu: /dev/sr0: closed (last user; the tray was not locked)$" "$work/hang-err.txt" &&
  ok "rip: the device is closed with the tray unlocked (before the kernel's own unlock)" ||
  bad "rip: $(grep closed "$work/hang-err.txt")"
[ ! -e "$work/hang/disc.bin" ] && [ ! -e "$work/hang/disc.cue" ] && [ ! -e "$work/hang/disc.bin.part" ] &&
  [ -e "$work/hang/disc.log.part" ] &&
  ok "rip: no image left, the log kept as disc.log.part" || bad "rip: left $(ls "$work/hang")"
grep -qE "^[^#].* READ CD \(BEh\) cdb=\[be [0-9a-f ]*\] dir=in bytes=[0-9]+/0 status=none host=03 driver=00 sense=- ms=[0-9]+ result=DW_ETIMEDOUT$" "$work/hang-trace.txt" &&
  ok "rip: the trace has the timed-out READ CD (host 03, nothing moved, DW_ETIMEDOUT)" ||
  bad "rip: trace: $(grep -v 'result=ok' "$work/hang-trace.txt" | head -3)"
grep -q "^# .* /dev/sr0 READ CD (BEh) timed out after $T ms: the drive stopped answering; the tray is unlocked again; later commands fail without being sent$" "$work/hang-trace.txt" &&
  ok "rip: the trace notes what was done after the timeout" || bad "rip: no note in the trace"
[ "$(grep -v '^#' "$work/hang-trace.txt" | tail -1 | grep -c "PREVENT ALLOW MEDIUM REMOVAL (1Eh) cdb=\[1e 00 00 00 00 00\] dir=none .* result=ok$")" = 1 ] &&
  ok "rip: the trace's last command is the unlock" || bad "rip: last traced: $(grep -v '^#' "$work/hang-trace.txt" | tail -1)"

# The lock itself hangs: the unlock after it is answered, nothing stays locked.
EMU_CONFIG="medium=$CDDA faults=hang:1E:1"
expect_exit 1 "rip: a PREVENT ALLOW MEDIUM REMOVAL that never answers ends the rip" -- \
  emu env DW_SCSI_TIMEOUT_MS=$T DW_EMU_TRACE=1 timeout 120 "$DW" rip "$EMU_DEVICE" -o "$work/hang-lock" \
  --name disc --mode burst --no-qscan
expect_stderr "PREVENT ALLOW MEDIUM REMOVAL (1Eh) timed out after $T ms" "rip: the error names the hung lock"
grep -q "^dwemu: /dev/sr0: closed (last user; the tray was not locked)$" "$work/err.txt" &&
  ok "rip: after a hung lock the tray is not left locked" || bad "rip: $(grep closed "$work/err.txt")"

# A secure rip stops at the timeout itself (a timed-out read is fatal to a rip:
# it does not retry into a handle that sends nothing).
EMU_CONFIG="medium=$CDDA faults=hang:BE:1"
expect_exit 1 "rip --mode secure: one READ CD that never answers ends the rip" -- \
  emu env DW_SCSI_TIMEOUT_MS=$T timeout 120 "$DW" rip "$EMU_DEVICE" -o "$work/hang-secure" \
  --name disc --mode secure --no-qscan
expect_stderr "READ CD (BEh) timed out after $T ms: the drive stopped answering" \
  "rip --mode secure: stops at the timeout, naming it"

# ---- (b) the trace, command for command ---------------------------------------------
EMU_CONFIG="medium=$CDDA"
expect_exit 0 "info with DW_TRACE_SCSI" -- \
  emu env DW_TRACE_SCSI="$work/trace.txt" DW_EMU_TRACE=1 "$DW" info "$EMU_DEVICE"
cp "$work/err.txt" "$work/info-emu.txt"
# Two unreadable sectors, so that CHECK CONDITION and its sense are traced too.
EMU_CONFIG="medium=$CDDA faults=unreadable:100-101:3/11/05"
expect_exit 3 "a short rip with DW_TRACE_SCSI (two sectors unreadable)" -- \
  emu env DW_TRACE_SCSI="$work/trace.txt" DW_EMU_TRACE=1 "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-bad" \
  --name disc --mode burst --retries 1
cat "$work/info-emu.txt" "$work/err.txt" >"$work/emu.txt"
EMU_CONFIG="medium=$CDDA"
all_lines_whole "$work/trace.txt" "trace: every line is a note or has the documented fields"
sg_lines "$work/emu.txt" >"$work/emu-cmds.txt"
trace_lines "$work/trace.txt" >"$work/trace-cmds.txt"
n=$(wc -l <"$work/emu-cmds.txt")
[ "$n" -gt 20 ] && grep -q "^be .*|GOOD 61152$" "$work/emu-cmds.txt" &&
  grep -q "^be .*|CHECK 3/11/05$" "$work/emu-cmds.txt" &&
  ok "the emulator saw $n SG_IO commands, READ CDs that read and READ CDs that failed among them" ||
  bad "the emulator saw $n SG_IO commands: $(sort "$work/emu-cmds.txt" | uniq -c | sort -rn | head -5)"
grep -qE "^[^#].* READ CD \(BEh\) cdb=\[be 00 00 00 00 64 00 00 01 f8 00 00\] dir=in bytes=2352/0 status=CHECK-CONDITION host=00 driver=08 sense=3/11/05 ms=[0-9]+ result=DW_EREAD$" "$work/trace.txt" &&
  ok "trace: the failed read of LBA 100 with its sense 3/11/05" ||
  bad "trace: $(grep 'result=DW_EREAD' "$work/trace.txt" | head -2)"
same_text "$work/emu-cmds.txt" "$work/trace-cmds.txt" \
  "trace: one line per command, with the CDB, direction, bytes asked and moved, status and sense the drive saw"
[ "$(grep -c '^# .* /dev/sr0 opened through SG_IO (read-write)$' "$work/trace.txt")" = 2 ] &&
  [ "$(grep -c '^# .* /dev/sr0 closed$' "$work/trace.txt")" = 2 ] &&
  ok "trace: appended: the info's and the rip's opens and closes" ||
  bad "trace: notes: $(grep '^#' "$work/trace.txt")"
cut -d' ' -f1 <(grep -v '^#' "$work/trace.txt") | sort -c 2>/dev/null &&
  ok "trace: times never go back" || bad "trace: times out of order"
grep -qE "^[^#].* /dev/sr0 READ TOC/PMA/ATIP \(43h\) cdb=\[43 02 02 00 00 00 00 00 04 00\] dir=in bytes=4/4 status=GOOD host=00 driver=00 sense=- ms=[0-9]+ result=ok$" "$work/trace.txt" &&
  ok "trace: the full TOC header read, field by field" || bad "trace: no full TOC line"

# The trace file cannot be written: one warning, the command works.
expect_exit 0 "info with DW_TRACE_SCSI in a missing directory" -- \
  emu env DW_TRACE_SCSI="$work/none/trace.txt" "$DW" info "$EMU_DEVICE"
[ "$(grep -c "discwright: warning: cannot write the SCSI trace '$work/none/trace.txt' named by DW_TRACE_SCSI: No such file or directory: commands are not traced" "$work/err.txt")" = 1 ] &&
  ok "an unwritable trace is reported once as a warning" || bad "warning: $(cat "$work/err.txt")"

# Two drives of one process trace into one file.
EMU_DEVICE=/dev/sr0,/dev/sr1
DW_EMU_CONFIG_1="medium=$L/isofs-m1.cue" expect_exit 0 "drives with two emulated drives and DW_TRACE_SCSI" -- \
  emu env DW_TRACE_SCSI="$work/two.txt" "$DW" drives
EMU_DEVICE=/dev/sr0
grep -q " /dev/sr0 INQUIRY (12h) " "$work/two.txt" && grep -q " /dev/sr1 INQUIRY (12h) " "$work/two.txt" &&
  ok "two drives: both write into the one trace" || bad "two drives: $(cut -d' ' -f2 "$work/two.txt" | sort | uniq -c)"
all_lines_whole "$work/two.txt" "two drives: every line whole"

# ---- data-out: the commands a writer sends, through dw__mmc_exec ---------------------
# No command writes through the MMC backend yet (burn uses libburn), so
# dw-scsi sends them: write parameters (page 05h: TAO, Mode 1, data block
# type 8), power calibration, the NWA, two WRITE(10)s of 16 blocks and one
# at a wrong address, SYNCHRONIZE CACHE, CLOSE SESSION, and the data read
# back; then discwright info in a second process reads the disc.
SCSI=$DW_BUILD/tests/emu/dw-scsi
head -c 65536 /dev/urandom >"$work/data.bin"
head -c 32768 "$work/data.bin" >"$work/part1.bin"
tail -c 32768 "$work/data.bin" >"$work/part2.bin"
{ head -c 8 /dev/zero; printf '\x05\x32\x41\x04\x08'; head -c 10 /dev/zero; printf '\x96'; head -c 36 /dev/zero; } >"$work/page05.bin"
cat >"$work/write.txt" <<END
out 55 10 00 00 00 00 00 00 3c 00 @$work/page05.bin  # MODE SELECT(10) page 05h
none 54 01 00 00 00 00 00 00 00 00                    # SEND OPC INFORMATION, DoOpc
in 36 52 01 00 00 00 ff 00 00 24 00                   # READ TRACK INFORMATION, track FFh
out 2a 00 00 00 00 00 00 00 10 00 @$work/part1.bin    # WRITE(10) LBA 0, 16 blocks
out 2a 00 00 00 00 05 00 00 10 00 @$work/part2.bin    # WRITE(10) LBA 5: not the NWA
out 2a 00 00 00 00 10 00 00 10 00 @$work/part2.bin    # WRITE(10) LBA 16
none 35 00 00 00 00 00 00 00 00 00                    # SYNCHRONIZE CACHE
none 00 00 00 00 00 00 timeout=4321                   # TEST UNIT READY, the caller's timeout
none 5b 00 02 00 00 00 00 00 00 00                    # CLOSE SESSION
in 65536 28 00 00 00 00 00 00 00 20 00 >$work/back.bin # READ(10) LBA 0, 32 blocks
END
for via in sg cdio; do
  EMU_CONFIG="blank=cdr capacity=2000 state=$work/cdr-$via"
  rm -f "$work/back.bin"
  expect_exit 0 "data-out through $via: dw-scsi writes a CD-R track" -- \
    emu env DW_SCSI_TRANSPORT=$via DW_EMU_TRACE=1 "$SCSI" "$EMU_DEVICE" <"$work/write.txt"
  # What moved: SG_IO counts it, libcdio cannot tell.
  if [ $via = sg ]; then m60=60 m36=36 m32k=32768 m0=0 m64k=65536; else
    m60='?' m36='?' m32k='?' m0='?' m64k='?'; fi
  cat >"$work/want.txt" <<END
MODE SELECT(10) result=OK bytes=60/$m60 sense=- timed_out=0
SEND OPC INFORMATION result=OK bytes=0/0 sense=- timed_out=0
READ TRACK INFORMATION result=OK bytes=36/$m36 sense=- timed_out=0
WRITE(10) result=OK bytes=32768/$m32k sense=- timed_out=0
WRITE(10) result=DW_ERANGE bytes=32768/$m0 sense=5/21/02 timed_out=0
WRITE(10) result=OK bytes=32768/$m32k sense=- timed_out=0
SYNCHRONIZE CACHE result=OK bytes=0/0 sense=- timed_out=0
TEST UNIT READY result=OK bytes=0/0 sense=- timed_out=0
CLOSE TRACK/SESSION result=OK bytes=0/0 sense=- timed_out=0
READ(10) result=OK bytes=65536/$m64k sense=- timed_out=0
END
  same_text "$work/want.txt" "$work/out.txt" "data-out through $via: each command's outcome, bytes asked and moved, sense"
  same_file "$work/back.bin" "$work/data.bin" "data-out through $via: the 32 blocks read back as written"
  if [ $via = sg ]; then
    for want in "WRITE(10) \[2a 00 00 00 00 00 00 00 10 00\] out 32768 -> GOOD, 32768 bytes, timeout 200000 ms" \
      "SEND OPC INFORMATION \[54 01 .*\] none 0 -> GOOD, 0 bytes, timeout 200000 ms" \
      "SYNCHRONIZE CACHE \[35 00 .*\] none 0 -> GOOD, 0 bytes, timeout 3600000 ms" \
      "CLOSE TRACK/SESSION \[5b 00 02 .*\] none 0 -> GOOD, 0 bytes, timeout 3600000 ms" \
      "MODE SELECT(10) \[55 10 .*\] out 60 -> GOOD, 60 bytes, timeout 30000 ms" \
      "TEST UNIT READY \[00 00 00 00 00 00\] none 0 -> GOOD, 0 bytes, timeout 4321 ms"; do
      grep -q "^dwemu: /dev/sr0 SG_IO $want$" "$work/err.txt" && ok "data-out: SG_IO $want" ||
        bad "data-out: no '$want' in the emulator's trace"
    done
  fi
  EMU_CONFIG="state=$work/cdr-$via"
  expect_exit 0 "info of the CD-R written through $via, in another process" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium:   CD-R, closed$" "$work/out.txt" && grep -q "^sessions: 1   tracks: 1$" "$work/out.txt" &&
    ok "info: a closed CD-R with one session and one track" || bad "info: $(head -5 "$work/out.txt")"
done

# A WRITE(10) that never answers: a data-out command times out too.
EMU_CONFIG="blank=cdr capacity=2000 faults=hang:2A:1"
head -6 "$work/write.txt" | grep -v "LBA 5" >"$work/write-hang.txt"
expect_exit 0 "data-out: dw-scsi with a WRITE(10) that never answers" -- \
  emu env DW_SCSI_TIMEOUT_MS=$T DW_EMU_TRACE=1 timeout 120 "$SCSI" "$EMU_DEVICE" <"$work/write-hang.txt"
grep -qx "WRITE(10) result=DW_ETIMEDOUT bytes=32768/0 sense=- timed_out=1" "$work/out.txt" &&
  grep -qx "WRITE(10) result=DW_ENODRIVE bytes=32768/0 sense=- timed_out=0" "$work/out.txt" &&
  ok "data-out: the hung WRITE(10) ends with DW_ETIMEDOUT, nothing moved; the next fails at once" ||
  bad "data-out hang: $(cat "$work/out.txt")"
[ "$(grep -c "^dwemu: /dev/sr0 SG_IO WRITE(10) " "$work/err.txt")" = 1 ] &&
  grep -q "^dwemu: /dev/sr0 SG_IO WRITE(10) .*-> no answer (hang fault), timeout $T ms$" "$work/err.txt" &&
  ok "data-out: only the first WRITE(10) reached the drive, with the ${T} ms timeout" ||
  bad "data-out hang: $(grep WRITE "$work/err.txt")"

# ---- (c) SG_IO, its timeouts, and libcdio's path ---------------------------------------
grep -q "CDROM_SEND_PACKET" "$work/emu.txt" && bad "info and rip sent CDROM_SEND_PACKET" ||
  ok "info and rip send nothing through CDROM_SEND_PACKET: SG_IO is the transport"
others=$(grep "^dwemu: /dev/sr0 SG_IO " "$work/emu.txt" | grep -vc ", timeout 30000 ms$")
[ "$others" = 0 ] && ok "every command of info and rip has the 30 s default timeout" ||
  bad "$others commands with another timeout"
EMU_CONFIG="medium=$CDDA"
expect_exit 0 "info with DW_SCSI_TIMEOUT_MS=$T" -- emu env DW_SCSI_TIMEOUT_MS=$T DW_EMU_TRACE=1 "$DW" info "$EMU_DEVICE"
n=$(grep -c "^dwemu: /dev/sr0 SG_IO " "$work/err.txt")
[ "$n" -gt 0 ] && [ "$(grep -c "^dwemu: /dev/sr0 SG_IO .*, timeout $T ms$" "$work/err.txt")" = "$n" ] &&
  ok "DW_SCSI_TIMEOUT_MS=$T gives all $n commands that timeout" || bad "DW_SCSI_TIMEOUT_MS: $(grep SG_IO "$work/err.txt" | head -2)"
expect_exit 0 "info with DW_SCSI_TIMEOUT_MS=soon" -- emu env DW_SCSI_TIMEOUT_MS=soon DW_EMU_TRACE=1 "$DW" info "$EMU_DEVICE"
expect_stderr "warning: DW_SCSI_TIMEOUT_MS='soon' is not a number of milliseconds from 1 to 86400000: the default timeouts apply" \
  "a bad DW_SCSI_TIMEOUT_MS is a warning"
[ "$(grep "^dwemu: /dev/sr0 SG_IO " "$work/err.txt" | grep -vc ", timeout 30000 ms$")" = 0 ] &&
  ok "a bad DW_SCSI_TIMEOUT_MS leaves the defaults" || bad "a bad DW_SCSI_TIMEOUT_MS changed timeouts"

# libcdio's transport reads the same disc the same way.
expect_exit 0 "info through libcdio (DW_SCSI_TRANSPORT=cdio)" -- \
  emu env DW_SCSI_TRANSPORT=cdio DW_EMU_TRACE=1 DW_TRACE_SCSI="$work/cdio-trace.txt" "$DW" info "$EMU_DEVICE"
grep -q "^dwemu: /dev/sr0 SG_IO " "$work/err.txt" && bad "DW_SCSI_TRANSPORT=cdio still sent SG_IO" ||
  { grep -q "^dwemu: /dev/sr0 CDROM_SEND_PACKET INQUIRY" "$work/err.txt" &&
    ok "DW_SCSI_TRANSPORT=cdio sends CDROM_SEND_PACKET"; } || bad "no CDROM_SEND_PACKET"
toc_of "$work/out.txt" >"$work/cdio-info.txt"
emu "$DW" info "$EMU_DEVICE" >"$work/sg-info.txt" 2>/dev/null
toc_of "$work/sg-info.txt" >"$work/sg-toc.txt"
same_text "$work/sg-toc.txt" "$work/cdio-info.txt" "info: the same layout through SG_IO and libcdio"
grep -q '^# .* /dev/sr0 opened through libcdio (read-write)$' "$work/cdio-trace.txt" &&
  grep -qE "^[^#].* READ TOC/PMA/ATIP \(43h\) .* dir=in bytes=4/\? status=GOOD host=- driver=- sense=- " "$work/cdio-trace.txt" &&
  ok "trace through libcdio: no residual (bytes N/?), no host status" || bad "cdio trace: $(head -3 "$work/cdio-trace.txt")"
all_lines_whole "$work/cdio-trace.txt" "trace through libcdio: every line whole"
expect_exit 5 "rip through SG_IO (audio, no database: unconfirmed)" -- emu "$DW" -q rip "$EMU_DEVICE" \
  -o "$work/rip" --name disc --mode burst
expect_exit 5 "rip through libcdio" -- emu env DW_SCSI_TRANSPORT=cdio "$DW" -q rip "$EMU_DEVICE" \
  -o "$work/rip-cdio" --name disc --mode burst
same_file "$work/rip/disc.bin" "$L/cdda.bin" "rip through SG_IO: the bin equals the image"
same_file "$work/rip-cdio/disc.bin" "$L/cdda.bin" "rip through libcdio: the bin equals the image"
expect_exit 0 "info with DW_SCSI_TRANSPORT=scsi" -- emu env DW_SCSI_TRANSPORT=scsi "$DW" info "$EMU_DEVICE"
expect_stderr "warning: DW_SCSI_TRANSPORT='scsi' is not a transport ('sg' or 'cdio'): using the default" \
  "an unknown DW_SCSI_TRANSPORT is a warning"

finish
