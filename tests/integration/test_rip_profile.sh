#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Rip profiles (profiles/rip/*.json, --profile, --list-profiles): the five
# shipped profiles are listed; a profile sets the read mode and is named
# in the log and the report; options on the command line override it
# whichever comes first; an unknown profile names the search path and a
# broken user profile names its file and key (exit 1 both).  Ripped from
# the sample disc image: no drive, no emulator.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample/sample.cue
[ -f "$sample" ] || skip_all "$sample not built"
# The user's profiles live in a directory of this test's own.
export XDG_CONFIG_HOME=$work/config
user=$XDG_CONFIG_HOME/discwright/profiles/rip

expect_exit 0 "rip --list-profiles without a SOURCE" -- "$DW" rip --list-profiles
for p in secure test-and-copy paranoia burst archival; do
  grep -qE "^$p +[a-z]" "$work/out.txt" && ok "--list-profiles lists $p with its description" ||
    bad "--list-profiles lacks $p: $(cat "$work/out.txt")"
  grep -qE "file: .*profiles/rip/$p\.json$" "$work/out.txt" &&
    ok "--list-profiles names $p's file" || bad "--list-profiles names no file of $p"
done
expect_exit 0 "--json rip --list-profiles" -- "$DW" --json rip --list-profiles
[ "$(grep -c '"name"' "$work/out.txt")" -ge 5 ] && ok "--json lists the five profiles" ||
  bad "--json list: $(cat "$work/out.txt")"

# --profile burst: the log's header and the report's options say so.
d=$work/burst
expect_exit 0 "rip --profile burst" -- "$DW" -q rip "$sample" -o "$d" --profile burst
grep -q "audio read mode: burst" "$d/sample.log" && ok "burst: the log says audio read mode burst" ||
  bad "burst: $(grep 'audio read mode' "$d/sample.log")"
grep -qE "^profile: burst \(.*profiles/rip/burst\.json\)$" "$d/sample.log" &&
  ok "burst: the log says 'profile: burst (FILE)'" || bad "burst: log lacks the profile line"
grep -qE '"profile": *"burst"' "$d/sample.json" && grep -qE '"profile_file": *"[^"]*burst\.json"' "$d/sample.json" &&
  ok "burst: the report's options name the profile and its file" || bad "burst: report options lack the profile"
grep -q "data re-reads: 1" "$d/sample.log" && ok "burst: its retries (1) apply" ||
  bad "burst: $(grep 're-reads' "$d/sample.log")"
same_file "$d/sample.bin" "${sample%.cue}.bin" "burst: the bin equals the sample's"

# Without a profile the log has no profile line and the report null.
d=$work/none
expect_exit 0 "rip without a profile" -- "$DW" -q rip "$sample" -o "$d" --mode burst
grep -q "^profile:" "$d/sample.log" && bad "no profile: the log has a profile line" || ok "no profile: no profile line"
grep -qE '"profile": *null' "$d/sample.json" && ok "no profile: the report's profile is null" ||
  bad "no profile: $(grep '"profile"' "$d/sample.json")"

# The command line wins over the profile, before or after --profile.
for order in before after; do
  d=$work/override-$order
  if [ $order = before ]; then
    args=(--mode burst -r 2 --profile archival)
  else
    args=(--profile archival --mode burst -r 2)
  fi
  expect_exit 0 "--profile archival with --mode burst -r 2 $order it" -- \
    "$DW" -q rip "$sample" -o "$d" "${args[@]}"
  grep -q "audio read mode: burst   data re-reads: 2" "$d/sample.log" &&
    ok "$order: the explicit --mode and --retries win" || bad "$order: $(grep 'audio read mode' "$d/sample.log")"
  grep -q "^profile: archival (" "$d/sample.log" && ok "$order: the log still names archival" ||
    bad "$order: log lacks the profile line"
done
d=$work/archival
expect_exit 0 "rip --profile archival" -- "$DW" -q rip "$sample" -o "$d" --profile archival --name a
grep -q "audio read mode: test-and-copy   data re-reads: 16" "$d/a.log" &&
  ok "archival alone: test-and-copy with 16 re-reads" || bad "archival: $(grep 'audio read mode' "$d/a.log")"

# A profile given as a file.
mkdir -p "$work/files"
cat > "$work/files/fast.json" <<'EOF'
{"format": "discwright-rip-profile", "format_version": 1, "name": "fast",
 "description": "a file of my own", "mode": "burst", "retries": 0, "toc": true}
EOF
d=$work/byfile
expect_exit 0 "--profile FILE.json" -- "$DW" -q rip "$sample" -o "$d" --profile "$work/files/fast.json"
grep -qF "profile: fast ($work/files/fast.json)" "$d/sample.log" && [ -f "$d/sample.toc" ] &&
  ok "a profile file applies (its \"toc\": sample.toc written)" || bad "profile file: $(grep '^profile' "$d/sample.log")"

# An unknown profile: exit 1, the message names where it looked.
expect_exit 1 "--profile no-such" -- "$DW" -q rip "$sample" -o "$work/unknown" --profile no-such
expect_stderr "no rip profile 'no-such'" "unknown profile: says so"
expect_stderr "$user/no-such.json" "unknown profile: names the user's directory"
expect_stderr "profiles/rip/no-such.json" "unknown profile: names the shipped directory"
expect_stderr "--list-profiles" "unknown profile: points to --list-profiles"
[ -e "$work/unknown" ] && bad "unknown profile: output directory made" || ok "unknown profile: nothing written"

# A broken user profile shadowing a shipped one: exit 1 naming file and key,
# never the shipped one instead.
mkdir -p "$user"
cat > "$user/burst.json" <<'EOF'
{"format": "discwright-rip-profile", "name": "burst", "description": "mine",
 "mode": "burst", "retires": 3}
EOF
expect_exit 1 "broken user profile" -- "$DW" -q rip "$sample" -o "$work/broken" --profile burst
expect_stderr "'$user/burst.json' is not a valid rip profile" "broken profile: names the file"
expect_stderr '"retires"' "broken profile: names the key"
expect_exit 0 "--list-profiles with a broken user profile" -- "$DW" rip --list-profiles
grep -qE "^burst +\(does not load: .*\"retires\"" "$work/out.txt" && ok "--list-profiles shows the broken one's error" ||
  bad "list: $(cat "$work/out.txt")"
sed -i 's/"retires"/"retries"/; s/"mode": "burst"/"mode": "paranoia"/' "$user/burst.json"
d=$work/mine
expect_exit 0 "a user profile shadows the shipped one" -- "$DW" -q rip "$sample" -o "$d" --profile burst
grep -q "audio read mode: paranoia   data re-reads: 3" "$d/sample.log" && grep -qF "profile: burst ($user/burst.json)" "$d/sample.log" &&
  ok "the user's burst.json is the one used" || bad "shadow: $(sed -n '/^profile/,/^format/p' "$d/sample.log")"

# Bad profile names and the usage rules still hold.
expect_exit 1 "--profile with a bad name" -- "$DW" -q rip "$sample" -o "$work/badname" --profile 'a b'
expect_stderr "is not a rip profile name" "bad name: says so"
expect_exit 2 "--profile without a SOURCE" -- "$DW" rip -o "$work/x" --profile burst
finish
