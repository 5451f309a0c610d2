#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# docs/report-schema.json describes every report discwright writes (rip,
# verify, burn, offset): rips of
# images in every mode and format (BIN/CUE with the extra outputs, ISO), a
# rip that fails before reading and one that fails while reading, rips on
# the emulated drive (Q scan, drive profile, read offset with zero-filled
# edges, secure and test-and-copy statistics, the sub-channel pass), and the
# --json output of each; all must validate (tests/lint/check_report_schema.py).
. "$(dirname "$0")/preload_lib.sh"
need_preload
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample.cue" ] || skip_all "$sample not built"
schema=${DW_SOURCE:?}/docs/report-schema.json
checker=${DW_SOURCE}/tests/lint/check_report_schema.py
py=""
for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null && { py=$p; break; }
done
[ -n "$py" ] || skip_all "python3 module jsonschema not installed (python3-jsonschema; ./run.sh test installs it)"

r=$work/reports
mkdir -p "$r"
expect_exit 0 "rip the sample disc (burst)" -- "$DW" -q rip "$sample/sample.cue" -o "$r/burst" --mode burst
"$DW" -q --json rip "$sample/sample.cue" -o "$r/json" --name j --mode paranoia >"$r/json-stdout.json" 2>/dev/null
ok "rip --json (paranoia) ran (exit $?)"
expect_exit 0 "rip the CD-Extra sample with --toc --subchannel --htoa-file" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$r/extra" --toc --subchannel --htoa-file
expect_exit 0 "rip the sample disc to ISO" -- "$DW" -q rip "$sample/sample.cue" -o "$r/iso" --format iso
# A failure before reading (a file as the output directory) and its --json.
: >"$r/not-a-dir"
"$DW" -q --json rip "$sample/sample.cue" -o "$r/not-a-dir" >"$r/early-fail.json" 2>/dev/null
[ $? -eq 1 ] && ok "a rip into a file as directory fails with exit 1" || bad "early failure: exit not 1"
grep -q '"exit_status":1' <(tr -d ' \n' <"$r/early-fail.json") && ok "its --json report says exit_status 1" ||
  bad "early failure report: $(head -c 300 "$r/early-fail.json")"

# verify (identical, and a mismatch), burn with its read-back, offset.
"$DW" -q --json verify "$sample/sample.cue" "$sample/sample.cue" >"$r/verify.json" 2>/dev/null
ok "verify --json ran (exit $?)"
"$DW" -q --json verify "$r/burst/sample.cue" "$sample/sample-extra.cue" >"$r/verify-mismatch.json" 2>/dev/null
ok "verify --json of a mismatch ran (exit $?)"
"$DW" -q --json burn "$sample/sample.iso" --drive "stdio:$r/burned.iso" >"$r/burn.json" 2>/dev/null
ok "burn --json to a stdio: file ran (exit $?)"
"$DW" -q --json offset "$sample/sample.cue" --offline >"$r/offset.json" 2>/dev/null
ok "offset --json ran (exit $?)"
# A source that does not open: --json still prints a report.
"$DW" -q --json rip "$work/no-such.cue" -o "$r/none" >"$r/no-source.json" 2>/dev/null
[ $? -eq 1 ] && grep -q '"error"' "$r/no-source.json" && ok "a missing source: exit 1 and a --json report" ||
  bad "missing source: $(head -c 200 "$r/no-source.json")"
EMU_CONFIG="medium=$sample/sample.cue c2=294"
expect_exit 5 "emulated drive: test-and-copy rip with --offset 6 and --subchannel" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$r/emu-tc" --mode test-and-copy --subchannel --offset 6
EMU_CONFIG="medium=$sample/sample.cue faults=unreadable:300-302"
expect_exit 3 "emulated drive: secure rip with unreadable sectors" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$r/emu-bad" --mode secure --retries 1

"$py" "$checker" "$schema" --require "$r" >"$work/schema.txt" 2>&1
rc=$?
sed 's/^/     | /' "$work/schema.txt"
n=$(sed -n 's/^\([0-9]*\) reports valid.*/\1/p' "$work/schema.txt")
[ $rc -eq 0 ] && [ "${n:-0}" -ge 13 ] && ok "$n reports validate against docs/report-schema.json" ||
  bad "schema check: exit $rc, ${n:-0} valid reports"
finish
