#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write an Alcohol 120% MDS 1.x descriptor and its MDF for the tests.

No Debian tool writes MDS files, so the tests make their own from the
published layout (REFERENCE-2.md section 6: libmirage's image-mds parser
and mdf2iso describe it; little-endian throughout):

  header 88 bytes: "MEDIA DESCRIPTOR", version 1.5, u16 medium type at 18,
  u16 sessions at 20, u32 offset of the session blocks at 80;
  session blocks of 24 bytes, track blocks of 80 (A0h/A1h/A2h first, then
  the tracks), extra blocks of 8 (pregap, length), one 16-byte footer and
  the data file's name.

  mkmds.py cd   SET.ccd OUT.mds [options]   from a CloneCD set (ours)
  mkmds.py dvd  IMAGE.iso OUT.mds [options] a DVD descriptor of 2048-byte
                                            sectors

The CD descriptor has one track block per track of the .ccd: the pregap of
the first track of each session is not stored (as Alcohol does), the other
tracks run from their INDEX 01 to the next track's INDEX 01 or the
session's lead-out.  Options:
  --sub        store the .sub's P-W after each sector, interleaved (2448)
  --cooked     store Mode 1 tracks as 2048-byte user data
  --name N     the data file's name in the footer (default "*.mdf")
  --wide       write that name as UTF-16LE
  --mdf NAME   the .mdf file name to write (default OUT with .mdf)
Bad variants, for the tests of refusals:
  --cut-mds N      keep only the first N bytes of the .mds
  --cut-mdf N      drop the last N bytes of the .mdf
  --offset-past    track 2's byte offset past the end of the .mdf
  --tracks-lie     session 1 says it has one track more than it holds
  --blocks-lie     session 1 says it has 200 track blocks
  --version2       write MDS version 2 (not read: DAEMON Tools' format)
"""
import argparse
import struct
import sys


def parse_ccd(path):
    entries, tracks, sec, cur = [], {}, None, None
    for raw in open(path, encoding="ascii").read().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("["):
            sec = line[1:-1].split()
            if sec[0].lower() == "entry":
                cur = {}
                entries.append(cur)
            elif sec[0].lower() == "track":
                cur = {"index": {}, "number": int(sec[1])}
                tracks[int(sec[1])] = cur
            else:
                cur = None
            continue
        key, _, value = line.partition("=")
        if cur is None:
            continue
        key = key.strip()
        if key.upper().startswith("INDEX"):
            cur["index"][int(key.split()[1])] = int(value)
        else:
            try:
                cur[key.lower()] = int(value, 0)
            except ValueError:
                cur[key.lower()] = value
    return entries, tracks


def interleave(sub):
    """96 de-interleaved bytes (P..W, 12 each) to READ CD raw P-W."""
    out = bytearray(96)
    for c in range(8):
        for i in range(96):
            if sub[c * 12 + i // 8] & (0x80 >> (i % 8)):
                out[i] |= 0x80 >> c
    return bytes(out)


def cd_layout(ccd):
    """Tracks in disc order: number, session, control, mode, plba, the
    first sector of its data in the .img, the first LBA after it."""
    entries, tsec = parse_ccd(ccd)
    points = [e for e in entries if 1 <= e["point"] <= 99]
    leadout = {e["session"]: e["plba"] for e in entries if e["point"] == 0xA2}
    points.sort(key=lambda e: e["point"])
    out, img = [], 0
    for i, e in enumerate(points):
        idx = tsec[e["point"]]["index"]
        start = e["plba"] - (idx[1] - idx[0] if 0 in idx else 0)
        nxt = points[i + 1] if i + 1 < len(points) else None
        if nxt and nxt["session"] == e["session"]:
            nidx = tsec[nxt["point"]]["index"]
            end = nxt["plba"] - (nidx[1] - nidx[0] if 0 in nidx else 0)
        else:
            end = leadout[e["session"]]
        out.append(dict(number=e["point"], session=e["session"], control=e["control"],
                        mode=tsec[e["point"]].get("mode", 0), plba=e["plba"],
                        start=start, end=end, img=img))
        img += end - start
    return out, leadout


def build_cd(args):
    tracks, leadout = cd_layout(args.source)
    stem = args.source[:-4]
    img = open(stem + ".img", "rb").read()
    sub = open(stem + ".sub", "rb").read() if args.sub else b""
    sessions = sorted({t["session"] for t in tracks})
    mdf = bytearray()
    blocks = []  # per session: list of (track dict, mdf offset, sector bytes, sectors)
    for s in sessions:
        st = [t for t in tracks if t["session"] == s]
        lst = []
        for i, t in enumerate(st):
            # The data from INDEX 01 to the next track's INDEX 01 (or the
            # lead-out): the next track's pregap is this track's tail.
            end = st[i + 1]["plba"] if i + 1 < len(st) else leadout[s]
            first = t["img"] + (t["plba"] - t["start"])
            sectors = end - t["plba"]
            cooked = args.cooked and t["mode"] == 1
            size = 2048 if cooked else 2352
            if args.sub:
                size += 96
            off = len(mdf)
            for k in range(sectors):
                raw = img[(first + k) * 2352:(first + k + 1) * 2352]
                mdf += raw[16:2064] if cooked else raw
                if args.sub:
                    mdf += interleave(sub[(first + k) * 96:(first + k + 1) * 96])
            pregap = (t["plba"] - t["start"]) if i == 0 else 0
            if i == 0 and s == 1:
                pregap = 150 + t["plba"] - t["start"]
            lst.append((t, off, size, sectors, pregap))
        blocks.append((s, lst))
    return blocks, leadout, mdf, 0x00


def build_dvd(args):
    data = open(args.source, "rb").read()
    sectors = len(data) // 2048
    t = dict(number=1, session=1, control=4, mode=1, plba=0)
    return [(1, [(t, 0, 2048, sectors, 0)])], {1: sectors}, bytearray(data), 0x10


def mode_byte(t, dvd):
    if dvd:
        return 0x02
    return {0: 0xA9, 1: 0xAA, 2: 0xAB}[t["mode"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["cd", "dvd"])
    ap.add_argument("source")
    ap.add_argument("out")
    for flag in ("sub", "cooked", "wide", "offset_past", "tracks_lie", "blocks_lie",
                 "version2"):
        ap.add_argument("--" + flag.replace("_", "-"), action="store_true")
    ap.add_argument("--name", default="*.mdf")
    ap.add_argument("--mdf")
    ap.add_argument("--cut-mds", type=int)
    ap.add_argument("--cut-mdf", type=int)
    args = ap.parse_args()
    dvd = args.kind == "dvd"
    blocks, leadout, mdf, medium = (build_dvd if dvd else build_cd)(args)

    ntracks = sum(len(lst) for _, lst in blocks)
    nontrack = 0 if dvd else 3
    sessions_at = 88
    tracks_at = sessions_at + 24 * len(blocks)
    extra_at = tracks_at + 80 * (ntracks + nontrack * len(blocks))
    footer_at = extra_at + (0 if dvd else 8 * ntracks)
    name_at = footer_at + 16
    name = args.name.encode("utf-16-le") + b"\0\0" if args.wide else args.name.encode() + b"\0"

    head = bytearray(88)
    head[0:16] = b"MEDIA DESCRIPTOR"
    head[16:18] = bytes([2, 0]) if args.version2 else bytes([1, 5])
    struct.pack_into("<HH", head, 18, medium, len(blocks))
    struct.pack_into("<I", head, 80, sessions_at)
    sess, trk, extra = bytearray(), bytearray(), bytearray()
    block_no = 0
    for s, lst in blocks:
        first, last = lst[0][0]["number"], lst[-1][0]["number"]
        start = -150 if s == 1 else lst[0][0]["plba"] - lst[0][4]
        nblocks = len(lst) + nontrack
        if args.tracks_lie and s == 1:
            last += 1
        if args.blocks_lie and s == 1:
            nblocks = 200
        sess += struct.pack("<iiHBBHHII", start, leadout[s], s, nblocks, nontrack,
                            first, last, 0, tracks_at + 80 * block_no)
        if not dvd:
            for point, pm in ((0xA0, first), (0xA1, last), (0xA2, None)):
                b = bytearray(80)
                b[2] = 0x10 | lst[0][0]["control"]
                b[4] = point
                if pm is None:
                    lba = leadout[s] + 150
                    b[9:12] = bytes([lba // 4500, lba // 75 % 60, lba % 75])
                else:
                    b[9] = pm
                trk += b
                block_no += 1
        for t, off, size, sectors, pregap in lst:
            b = bytearray(80)
            b[0] = mode_byte(t, dvd)
            b[1] = 0x08 if args.sub else 0x00
            b[2] = 0x10 | t["control"]
            b[4] = t["number"]
            lba = t["plba"] + 150
            b[9:12] = bytes([lba // 4500, lba // 75 % 60, lba % 75])
            if args.offset_past and t["number"] == 2:
                off = len(mdf) + 2352 * 10
            struct.pack_into("<IH", b, 12, sectors if dvd else extra_at + len(extra), size)
            struct.pack_into("<IQII", b, 36, t["plba"], off, 1, footer_at)
            trk += b
            block_no += 1
            if not dvd:
                extra += struct.pack("<II", pregap, sectors)
    footer = struct.pack("<IIII", name_at, 1 if args.wide else 0, 0, 0)
    mds = bytes(head + sess + trk + extra + footer + name)
    if args.cut_mds is not None:
        mds = mds[:args.cut_mds]
    if args.cut_mdf:
        mdf = mdf[:-args.cut_mdf]
    mdf_name = args.mdf or (args.out[:-4] + ".mdf")
    with open(args.out, "wb") as f:
        f.write(mds)
    with open(mdf_name, "wb") as f:
        f.write(mdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
