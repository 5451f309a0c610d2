#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# No function in src/ longer than 120 lines without a reason written above
# it (docs/architecture.md "Code shape"): a comment line in the five lines
# before its signature containing "long function:" and the reason.  Prints
# the longest functions and every violation; exits 1 on a violation.
#
#   tests/lint/check_function_length.sh [SOURCE_DIR] [LIMIT]
set -u
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
limit=${2:-120}
cd "$top" || exit 1

report=$(find src -name '*.c' | sort | xargs awk -v limit="$limit" '
  FNR == 1 { depth = 0; start = 0; name = ""; reason = 0; nhist = 0 }
  {
    hist[FNR % 8] = $0
  }
  # A function body opens with "{" alone in column 0 after its signature.
  depth == 0 && /^\{[[:space:]]*$/ {
    start = FNR
    # the signature: the nearest earlier line that starts in column 0 with a name
    name = ""
    reason = 0
    for (k = 1; k <= 7; k++) {
      l = hist[(FNR - k + 8) % 8]
      if (name == "" && l ~ /^[A-Za-z_].*\(/) {
        name = l
        sub(/\(.*/, "", name)
        n = split(name, parts, /[ *]+/)
        name = parts[n]
        sigline = FNR - k
      }
      if (l ~ /long function:/)
        reason = 1
    }
    depth = 1
    next
  }
  depth == 1 && /^\}/ {
    len = FNR - start - 1
    printf "%d %s:%d %s %d\n", len, FILENAME, start, name, reason
    depth = 0
  }
')
bad=0
echo "longest functions in src/ (body lines):"
printf '%s\n' "$report" | sort -rn | head -12 | while read -r len where name reason; do
  printf '  %4d  %-44s %s%s\n' "$len" "$where" "$name" "$([ "$reason" = 1 ] && echo '  (reason given)')"
done
while read -r len where name reason; do
  [ -n "$len" ] || continue
  if [ "$len" -gt "$limit" ] && [ "$reason" != 1 ]; then
    echo "$where: $name has $len lines (limit $limit) and no 'long function:' reason above it"
    bad=1
  fi
done <<<"$report"
if [ $bad -ne 0 ]; then
  echo "functions over $limit lines without a written reason (split them, or say why above them)"
  exit 1
fi
echo "no function over $limit lines without a reason"
