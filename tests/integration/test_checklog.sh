#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The signed rip log and 'discwright checklog': a rip of the sample disc
# ends its log with the SHA-256 of the text above; checklog says good (0),
# a changed digit, a CRLF conversion or text appended after the signature
# make it "log modified" (4), a log without the line or a missing file exit
# 1; the shell one-liner of docs/discwright-checklog.md computes the same
# hash as the log, the report's log_sha256 and checklog --json.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample/sample.cue
[ -f "$sample" ] || skip_all "$sample not built"
need_tool sha256sum

d=$work/rip
expect_exit 0 "rip the sample disc" -- "$DW" -q rip "$sample" -o "$d" --mode burst
log=$d/sample.log
last=$(tail -n 1 "$log")
[[ $last =~ ^"==== SHA-256 of the log above: "([0-9a-f]{64})" ===="$ ]] &&
  ok "the log ends with the signature line" || bad "last line: '$last'"
signed=${BASH_REMATCH[1]:-}

expect_exit 0 "checklog of the rip's log" -- "$DW" checklog "$log"
expect_stdout "signature good" "checklog says 'signature good'"

# The one-liner from the docs: everything but the last line, through sha256sum.
oneliner=$(sed '$d' "$log" | sha256sum | cut -d' ' -f1)
[ "$oneliner" = "$signed" ] && ok "sed '\$d' LOG | sha256sum gives the signed hash ($oneliner)" ||
  bad "one-liner gives $oneliner, the log says $signed"
grep -qE "\"log_sha256\": *\"$signed\"" "$d/sample.json" && ok "the report's log_sha256 is the signed hash" ||
  bad "report: $(grep log_sha256 "$d/sample.json")"
expect_exit 0 "checklog --json" -- "$DW" --json checklog "$log"
grep -qE '"verdict": *"good"' "$work/out.txt" && grep -qE "\"signed_sha256\": *\"$signed\"" "$work/out.txt" &&
  ok "checklog --json: verdict good with the signed hash" || bad "checklog --json: $(cat "$work/out.txt")"
expect_exit 0 "checklog -q" -- "$DW" -q checklog "$log"
[ -s "$work/out.txt" ] && bad "checklog -q printed: $(cat "$work/out.txt")" || ok "checklog -q prints nothing"

# The one-line check exactly as docs/discwright-checklog.md gives it.
doc=${DW_SOURCE:-$(dirname "$0")/../..}/docs/discwright-checklog.md
check_line=$(grep -m1 '&& echo good$' "$doc")
if [ -n "$check_line" ]; then
  (cd "$d" && bash -c "${check_line//NAME.log/sample.log}") | grep -qx good &&
    ok "the documented one-liner prints good" || bad "the documented one-liner: $check_line"
else
  bad "no one-liner ending in '&& echo good' in $doc"
fi

# One digit changed.
cp "$log" "$work/digit.log"
sed -i 's/^sectors read: 1009 /sectors read: 1008 /' "$work/digit.log"
cmp -s "$log" "$work/digit.log" && bad "the edit did not change the log" || ok "one digit of the log changed"
expect_exit 4 "checklog of the edited log: log modified" -- "$DW" checklog "$work/digit.log"
expect_stdout "log modified" "checklog says 'log modified'"
expect_exit 4 "checklog --json of the edited log" -- "$DW" --json checklog "$work/digit.log"
grep -qE '"verdict": *"modified"' "$work/out.txt" && ok "checklog --json: verdict modified" ||
  bad "checklog --json: $(cat "$work/out.txt")"
[ "$(sed '$d' "$work/digit.log" | sha256sum | cut -d' ' -f1)" != "$signed" ] &&
  ok "the one-liner sees the change too" || bad "the one-liner did not see the change"
(cd "$work" && bash -c "${check_line//NAME.log/digit.log}") | grep -q good &&
  bad "the documented one-liner says good for the edited log" || ok "the documented one-liner is silent for the edited log"

# CRLF line ends (an editor or a mail client on the way).
sed 's/$/\r/' "$log" >"$work/crlf.log"
expect_exit 4 "checklog of the log with CRLF line ends: log modified" -- "$DW" checklog "$work/crlf.log"

# Text after the signature, and the signature line removed.
{ cat "$log"; echo "accurate: yes"; } >"$work/appended.log"
expect_exit 4 "checklog of a log with a line after the signature: log modified" -- \
  "$DW" checklog "$work/appended.log"
sed '$d' "$log" >"$work/unsigned.log"
expect_exit 1 "checklog of a log without its signature line" -- "$DW" checklog "$work/unsigned.log"
expect_stdout "no signature" "checklog says 'no signature'"

# Errors and usage.
expect_exit 1 "checklog of a missing file" -- "$DW" checklog "$work/nope.log"
expect_stderr "nope.log" "the message names the file"
expect_exit 2 "checklog without LOG" -- "$DW" checklog
expect_exit 2 "checklog with two LOGs" -- "$DW" checklog "$log" "$log"
expect_exit 0 "checklog --help" -- "$DW" checklog --help
expect_stdout "sha256sum" "checklog --help gives the one-liner"

finish
