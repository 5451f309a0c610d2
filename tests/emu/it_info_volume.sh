#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# info shows the ISO 9660 volume id (ECMA-119 8.4, PVD bytes 40-71):
#  - a single-session data disc (the sample ISO as an image and on the
#    emulated drive; the sample disc's BIN/CUE) gets one line
#    "volume:   'ID'" after the TOC, and toc_of leaves that line out;
#  - info --json gives each session a volume_id (null for the CD-Extra's
#    audio session), and the "disc" part validates against
#    docs/report-schema.json's disc definition;
#  - a hostile id (ESC, LF, a byte that is not UTF-8) reaches the terminal
#    escaped and the JSON as valid UTF-8 text with the bytes as \xNN;
#  - xorriso reads the same id from the emulated drive (cross-check).
. "$(dirname "$0")/preload_lib.sh"
need_preload
S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample.iso" ] || skip_all "$S/sample.iso not built"

# json_sessions FILE: "number:volume_id" per session of info --json output.
json_sessions() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for s in d["disc"]["sessions"]:
    print("%d:%s" % (s["number"], s.get("volume_id", "ABSENT")))' "$1"
}

for src in "$S/sample.iso" "$S/sample.cue"; do
  name=$(basename "$src")
  expect_exit 0 "$name: info" -- "$DW" info "$src"
  [ "$(tail -1 "$work/out.txt")" = "volume:   'DISCWRIGHT_SAMPLE'" ] &&
    ok "$name: the last line is the volume id" || bad "$name: last line: $(tail -1 "$work/out.txt")"
  toc_of "$work/out.txt" | grep -q '^volume:' && bad "$name: toc_of keeps the volume line" ||
    ok "$name: toc_of leaves the volume line out"
  "$DW" info --json "$src" >"$work/info.json" 2>"$work/err.txt"
  [ "$(json_sessions "$work/info.json")" = "1:DISCWRIGHT_SAMPLE" ] &&
    ok "$name: --json: session 1 has volume_id DISCWRIGHT_SAMPLE" ||
    bad "$name: --json sessions: $(json_sessions "$work/info.json" 2>&1 | tr '\n' ' ')"
done

# CD-Extra: audio session 1 (null), data session 2; no single "volume:" line.
"$DW" info --json "$S/sample-extra.cue" >"$work/extra.json" 2>"$work/err.txt"
[ "$(json_sessions "$work/extra.json" | tr '\n' ' ')" = "1:None 2:DISCWRIGHT_SAMPLE " ] &&
  ok "CD-Extra --json: volume_id null for the audio session, the id for the data one" ||
  bad "CD-Extra --json sessions: $(json_sessions "$work/extra.json" 2>&1 | tr '\n' ' ')"
expect_exit 0 "CD-Extra: info" -- "$DW" info "$S/sample-extra.cue"
grep -q '^volume:' "$work/out.txt" && bad "CD-Extra: a single volume line on a two-session disc" ||
  ok "CD-Extra: per-session lines only"
expect_stdout "session 2: start LBA 12225, 184 sectors, ISO 9660 volume 'DISCWRIGHT_SAMPLE'" \
  "CD-Extra: session 2 names its volume"

# The schema's disc definition, applied to info --json's "disc".
if python3 -c 'import jsonschema' 2>/dev/null; then
  for j in "$work/info.json" "$work/extra.json"; do
    python3 - "${DW_SOURCE:?}/docs/report-schema.json" "$j" >"$work/v.txt" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
disc = json.load(open(sys.argv[2]))["disc"]
sub = dict(schema["$defs"]["disc"])
sub["$defs"] = schema["$defs"]
jsonschema.validate(disc, sub, cls=jsonschema.Draft202012Validator)
assert "volume_id" in schema["$defs"]["disc"]["properties"]["sessions"]["items"]["properties"]
PY
    [ $? -eq 0 ] && ok "$(basename "$j"): the disc validates against the schema's disc definition" ||
      bad "$(basename "$j"): $(tail -3 "$work/v.txt")"
  done
elif ci_strict; then
  bad "python3 module jsonschema missing (python3-jsonschema)"
fi

# A hostile volume id: ESC [31m, LF, 0xFF (not UTF-8), padded with spaces.
cp "$S/sample.iso" "$work/evil.iso"
printf 'A\033[31mB\nC\377D%25s' "" | dd of="$work/evil.iso" bs=1 seek=$((16 * 2048 + 40)) conv=notrunc status=none
expect_exit 0 "hostile id: info" -- "$DW" info "$work/evil.iso"
grep -q $'\033' "$work/out.txt" && bad "hostile id: an ESC byte reached the terminal" ||
  ok "hostile id: no ESC byte on the terminal"
[ "$(tail -1 "$work/out.txt")" = "volume:   'A\\x1B[31mB\\x0AC\\xFFD'" ] &&
  ok "hostile id: escaped as \\xNN on one line" || bad "hostile id: $(tail -2 "$work/out.txt")"
"$DW" info --json "$work/evil.iso" >"$work/evil.json" 2>"$work/err.txt"
[ "$(json_sessions "$work/evil.json")" = '1:A\x1B[31mB\x0AC\xFFD' ] &&
  ok "hostile id: --json is valid UTF-8 JSON with the bytes as \\xNN" ||
  bad "hostile id --json: $(json_sessions "$work/evil.json" 2>&1 | head -3)"

# The emulated drive: the same line, read through READ(10) at LBA 16.
EMU_CONFIG="medium=$S/sample.iso"
expect_exit 0 "emulated drive: info" -- emu "$DW" info "$EMU_DEVICE"
[ "$(tail -1 "$work/out.txt")" = "volume:   'DISCWRIGHT_SAMPLE'" ] &&
  ok "emulated drive: the volume id line" || bad "emulated drive: $(tail -2 "$work/out.txt")"
emu "$DW" info --json "$EMU_DEVICE" >"$work/emu.json" 2>"$work/err.txt"
[ "$(json_sessions "$work/emu.json")" = "1:DISCWRIGHT_SAMPLE" ] &&
  ok "emulated drive --json: volume_id" || bad "emulated drive --json: $(json_sessions "$work/emu.json" 2>&1)"
if have xorriso >/dev/null; then
  emu_tool xorriso -indev "$EMU_DEVICE" -pvd_info >"$work/x.txt" 2>&1
  grep -q "^Volume Id *: DISCWRIGHT_SAMPLE" "$work/x.txt" &&
    ok "xorriso -pvd_info reads the same volume id from the emulated drive" ||
    bad "xorriso: $(grep -i 'volume id' "$work/x.txt" | head -2)"
fi
finish
