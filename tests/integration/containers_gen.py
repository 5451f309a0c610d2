#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write container files from their published layouts, for
test_containers.sh (no Debian tool writes CSO, ZSO, ECM or DMG).

  containers_gen.py cso SRC DST [--block N] [--version 1|2] [--shift N] [--lz4] [--lie WHAT]
  containers_gen.py zso SRC DST [--block N]
  containers_gen.py ecm SRC DST [--lie WHAT]
  containers_gen.py form2 DST SECTORS        a raw bin of Mode 2 Form 2 sectors
  containers_gen.py dmg SRC DST [--parts N] [--lie WHAT]

CSO/ZSO: maxcso's README_CSO.md / README_ZSO.md (REFERENCE-2.md section 7).
ECM: Neill Corlett's ecm-tools v1 format (REFERENCE-2.md section 8).
DMG: Apple UDIF, koly trailer + XML plist blkx (REFERENCE-2.md section 9).
--lie makes a damaged variant (see each writer).
"""
import argparse
import base64
import bz2
import plistlib
import struct
import sys
import zlib

SYNC = b"\x00" + b"\xff" * 10 + b"\x00"


# ECMA-130 Annex A: EDC, CRC-32 with polynomial x^32+x^31+x^16+x^15+x^4+x^3+x+1,
# taken LSB first (reflected 0xD8018001), initial 0, no final inversion.
def _edc_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0xD8018001 if c & 1 else 0)
        t.append(c)
    return t


EDC_TABLE = _edc_table()


def edc(data, crc=0):
    for b in data:
        crc = (crc >> 8) ^ EDC_TABLE[(crc ^ b) & 0xFF]
    return crc


# ---------------------------------------------------------------- CSO / ZSO

def _lz4_len(out, n):
    """LZ4's length continuation: 255s, then the rest."""
    while n >= 255:
        out.append(255)
        n -= 255
    out.append(n)


def lz4_block(data):
    """An LZ4 block (no frame), as LZ4_decompress_safe reads it: greedy
    matches of at least 4 bytes found through a dictionary of 4-byte keys;
    the last 5 bytes are literals and no match starts in the last 12, as
    the block format requires."""
    n = len(data)
    out = bytearray()
    anchor = i = 0
    seen = {}

    def sequence(lit, offset, mlen):
        token = min(len(lit), 15) << 4
        if offset:
            token |= min(mlen - 4, 15)
        out.append(token)
        if len(lit) >= 15:
            _lz4_len(out, len(lit) - 15)
        out.extend(lit)
        if offset:
            out.extend(struct.pack("<H", offset))
            if mlen - 4 >= 15:
                _lz4_len(out, mlen - 4 - 15)

    while i < n - 12:
        key = bytes(data[i:i + 4])
        cand = seen.get(key)
        seen[key] = i
        if cand is not None and i - cand <= 65535:
            m = 4
            while i + m < n - 5 and data[cand + m] == data[i + m]:
                m += 1
            sequence(data[anchor:i], i - cand, m)
            i += m
            anchor = i
        else:
            i += 1
    sequence(data[anchor:], 0, 0)
    return bytes(out)


def write_cso(src, dst, block, version, shift, lie, zso=False, lz4=False):
    data = open(src, "rb").read()
    blocks = (len(data) + block - 1) // block
    align = 1 << shift
    header = struct.pack("<4sIQIBBH", b"ZISO" if zso else b"CISO", 24, len(data), block,
                         1 if zso else version, shift, 0)
    index_bytes = (blocks + 1) * 4
    pos = 24 + index_bytes
    pos = (pos + align - 1) // align * align
    body = bytearray()
    entries = []
    body_start = pos
    for i in range(blocks):
        chunk = data[i * block:(i + 1) * block]
        use_lz4 = zso or (lz4 and i % 2 == 1)
        if use_lz4:
            comp = lz4_block(chunk)
        else:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = c.compress(chunk) + c.flush()
        stored = len(comp) >= len(chunk)
        payload = chunk if stored else comp
        here = body_start + len(body)
        flag = 0
        if zso or version < 2:
            flag = 0x80000000 if stored else 0
        elif use_lz4 and not stored:
            flag = 0x80000000  # v2: LZ4
        entries.append((here >> shift) | flag)
        body += payload
        while (body_start + len(body)) % align:
            body.append(0)
    entries.append((body_start + len(body)) >> shift)
    if lie == "index-past-end":
        entries[-1] += 1 << 20
    elif lie == "index-backwards" and len(entries) > 2:
        entries[1], entries[2] = entries[2], entries[1]
    elif lie == "size":
        header = header[:8] + struct.pack("<Q", len(data) * 1000) + header[16:]
    elif lie == "block-size":
        header = header[:16] + struct.pack("<I", 3000) + header[20:]
    index = b"".join(struct.pack("<I", e) for e in entries)
    out = bytearray(header + index)
    out += b"\x00" * (body_start - len(out))
    out += body
    if lie == "corrupt-block":
        # flip bytes in the middle of the first compressed block
        first = entries[0] & 0x7FFFFFFF
        for k in range(8):
            out[(first << shift) + 2 + k] ^= 0x5A
    if lie == "truncated":
        out = out[:len(out) // 2]
    open(dst, "wb").write(out)


# ---------------------------------------------------------------- ECM

def ecm_type(sector):
    """The ECM type of a 2352-byte sector: 1 Mode 1, 2 Mode 2 Form 1,
    3 Mode 2 Form 2 when its EDC shows the computed parts can be rebuilt,
    else 0.  (The Mode 1 and Form 1 ECC is trusted, not checked: the
    sources here are made by tools that write it.)"""
    if len(sector) != 2352 or sector[:12] != SYNC:
        return 0
    if sector[15] == 1 and sector[0x814:0x81C] == b"\x00" * 8:
        if edc(sector[:0x810]) == struct.unpack_from("<I", sector, 0x810)[0]:
            return 1
    if sector[15] == 2 and sector[16:20] == sector[20:24]:
        if sector[18] & 0x20:
            if edc(sector[16:0x92C]) == struct.unpack_from("<I", sector, 0x92C)[0]:
                return 3
        elif edc(sector[16:0x818]) == struct.unpack_from("<I", sector, 0x818)[0]:
            return 2
    return 0


def ecm_header(type_, count):
    n = count - 1
    out = bytearray()
    first = ((n & 31) << 2) | type_
    n >>= 5
    out.append(first | (0x80 if n else 0))
    while n:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
    return bytes(out)


def write_ecm(src, dst, lie):
    data = open(src, "rb").read()
    units = []  # (type, payload)
    i = 0
    while i < len(data):
        s = data[i:i + 2352]
        t = ecm_type(s)
        if t == 1:
            units.append((1, s[12:15] + s[16:0x810]))
        elif t == 2:
            units.append((0, s[:16]))
            units.append((2, s[0x14:0x818]))
        elif t == 3:
            units.append((0, s[:16]))
            units.append((3, s[0x14:0x92C]))
        else:
            units.append((0, s))
        i += 2352
    out = bytearray(b"ECM\x00")
    k = 0
    while k < len(units):
        t = units[k][0]
        run = [units[k][1]]
        k += 1
        while k < len(units) and units[k][0] == t:
            run.append(units[k][1])
            k += 1
        count = sum(len(p) for p in run) if t == 0 else len(run)
        out += ecm_header(t, count) + b"".join(run)
    out += ecm_header(0, 0x100000000)  # the end marker: count - 1 = 0xFFFFFFFF
    crc = edc(data)
    if lie == "edc":
        crc ^= 1
    out += struct.pack("<I", crc)
    if lie == "truncated":
        out = out[:len(out) * 2 // 3]
    elif lie == "count":
        # the first record claims far more sectors than the file holds
        out[4:4 + 5] = ecm_header(1, 0x7FFFFFF0)
    open(dst, "wb").write(out)


def write_form2(dst, sectors):
    """Raw Mode 2 Form 2 sectors at LBA 0.. (ECMA-130 cl. 14.4.3): sync,
    header, subheader twice (submode 0x20: Form 2), 2324 bytes of user
    data, EDC over bytes 16..2347."""
    out = bytearray()
    for lba in range(sectors):
        a = lba + 150
        m, s, f = a // 4500, a // 75 % 60, a % 75
        bcd = lambda v: (v // 10) << 4 | v % 10
        sub = bytes([1, 1, 0x20, 0])
        user = bytes(((lba * 7 + j) * 13) & 0xFF for j in range(2324))
        sec = bytearray(SYNC + bytes([bcd(m), bcd(s), bcd(f), 2]) + sub + sub + user)
        sec += struct.pack("<I", edc(sec[16:]))
        assert len(sec) == 2352
        out += sec
    open(dst, "wb").write(out)


# ---------------------------------------------------------------- DMG

def write_dmg(src, dst, lie, parts=1):
    """A UDIF image: 512-byte sectors of SRC in `parts` blkx partitions
    (mish tables), each in chunks of 64 sectors, zlib, bzip2, raw and
    zero-fill chunks in turn (zero-fill only where the sectors are zero),
    then the XML plist and the koly trailer.  A partition's chunk offsets
    are relative to its data start, as hdiutil writes them."""
    data = open(src, "rb").read()
    if len(data) % 512:
        data += b"\x00" * (512 - len(data) % 512)
    sectors = len(data) // 512
    fork = bytearray()
    per = 64
    bounds = [sectors * k // parts for k in range(parts + 1)]
    blkx = []
    for p in range(parts):
        p_first, p_end = bounds[p], bounds[p + 1]
        data_start = 0
        chunks = []
        for i, first in enumerate(range(p_first, p_end, per)):
            n = min(per, p_end - first)
            piece = data[first * 512:(first + n) * 512]
            rel = first - p_first
            kind = i % 4
            if kind == 3 and piece.count(0) == len(piece):
                chunks.append((0x00000000, rel, n, len(fork) - data_start, 0))
                continue
            if kind == 0:
                comp, t = zlib.compress(piece, 9), 0x80000005
            elif kind == 1:
                comp, t = bz2.compress(piece, 9), 0x80000006
            else:
                comp, t = piece, 0x00000001
            if lie == "corrupt-chunk" and p == 0 and i == 4:
                comp = bytearray(comp)
                for k in range(4, 12):
                    comp[k] ^= 0x5A
                comp = bytes(comp)
            chunks.append((t, rel, n, len(fork) - data_start, len(comp)))
            fork += comp
        if lie == "chunk-past-end" and p == 0:
            t, f, n, off, ln = chunks[0]
            chunks[0] = (t, f, n, off, ln + 10 ** 9)
        if lie == "bomb" and p == 0:
            t, f, n, off, ln = chunks[0]
            chunks[0] = (t, f, 1 << 40, off, ln)
        if lie == "gap" and p == 0 and len(chunks) > 1:
            t, f, n, off, ln = chunks[1]
            chunks[1] = (t, f + 1, n, off, ln)
        mish = struct.pack(">4sIQQQII24x", b"mish", 1, p_first, p_end - p_first, data_start,
                           2048, 0)
        mish += struct.pack(">II128x", 2, 32)  # checksum: CRC-32 type, 32 bits, left 0
        mish += struct.pack(">I", len(chunks) + 1)
        for t, f, n, off, ln in chunks:
            mish += struct.pack(">IIQQQQ", t, 0, f, n, off, ln)
        mish += struct.pack(">IIQQQQ", 0xFFFFFFFF, 0, p_end - p_first, 0,
                            len(fork) - data_start, 0)
        name = "disk image (Apple_HFS : %d)" % (p + 1)
        blkx.append({"Attributes": "0x0050", "CFName": name, "Data": mish, "ID": str(p),
                     "Name": name})
    plist = plistlib.dumps({"resource-fork": {"blkx": blkx}})
    xml_offset = len(fork)
    koly = struct.pack(">4sIII", b"koly", 4, 512, 1)
    koly += struct.pack(">QQQQQ", 0, 0, len(fork), 0, 0)
    koly += struct.pack(">II16x", 1, 1)
    koly += struct.pack(">II128x", 2, 32)
    koly += struct.pack(">QQ120x", xml_offset, len(plist))
    koly += struct.pack(">II128x", 2, 32)
    koly += struct.pack(">IQ12x", 1, sectors)
    assert len(koly) == 512, len(koly)
    out = bytes(fork) + plist + koly
    if lie == "truncated":
        out = out[len(out) // 3:]
    open(dst, "wb").write(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["cso", "zso", "ecm", "form2", "dmg"])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--block", type=int, default=2048)
    ap.add_argument("--version", type=int, default=1)
    ap.add_argument("--shift", type=int, default=0)
    ap.add_argument("--lie", default="")
    ap.add_argument("--parts", type=int, default=1)
    ap.add_argument("--lz4", action="store_true", help="cso v2: odd blocks in LZ4")
    a = ap.parse_args()
    if a.what == "cso":
        write_cso(a.src, a.dst, a.block, a.version, a.shift, a.lie, lz4=a.lz4)
    elif a.what == "zso":
        write_cso(a.src, a.dst, a.block, 1, a.shift, a.lie, zso=True)
    elif a.what == "ecm":
        write_ecm(a.src, a.dst, a.lie)
    elif a.what == "form2":
        write_form2(a.src, int(a.dst))
    elif a.what == "dmg":
        write_dmg(a.src, a.dst, a.lie, a.parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
