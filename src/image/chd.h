/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: MAME CHD (Compressed Hunks of Data) version 5.
 *
 * The format as MAME's src/lib/util/chd.cpp, chdcodec.cpp, cdrom.cpp and
 * chdcd.cpp define it (read for facts; the code here is our own):
 *
 *   header (124 bytes, big-endian): "MComprHD", u32 header length 124,
 *   u32 version 5, four u32 codec tags (0 = none), u64 logical bytes, u64
 *   map offset, u64 metadata offset, u32 hunk bytes, u32 unit bytes,
 *   20-byte raw SHA-1 (of the logical bytes), SHA-1 (raw SHA-1 plus the
 *   checksummed metadata), parent SHA-1 (all zero without a parent).
 *
 *   map: with codecs, a 16-byte header (u32 compressed bytes, u48 file
 *   offset of the first compressed hunk, u16 CRC-16 of the decoded map,
 *   bits of a length, of a self reference, of a parent reference) and a
 *   bit stream: a 16-symbol Huffman table (code lengths <= 8, run-length
 *   coded), one symbol per hunk (codec 0-3, uncompressed, self, parent,
 *   RLE, self+0/+1, parent same/+0/+1), then per hunk its length and
 *   CRC-16, or its reference.  Without codecs: one u32 per hunk, the file
 *   offset in hunk-size units (0: a hunk of zeros).
 *
 *   metadata: a chain of entries (u32 tag, u8 flags, u24 length, u64 next
 *   offset, data).  A CD has one "CHT2" (or older "CHTR") text entry per
 *   track, "TRACK:n TYPE:t SUBTYPE:s FRAMES:f PREGAP:p PGTYPE:v PGSUB:s
 *   POSTGAP:g"; a DVD a "DVD " entry.
 *
 *   CD content: frames of 2352 bytes of sector (audio big-endian) and 96
 *   of subchannel, 8 frames a hunk, each track's frames padded to a
 *   multiple of 4.
 */
#ifndef DW_IMAGE_CHD_H
#define DW_IMAGE_CHD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "image/image.h"

#define DW__CHD_HEADER_BYTES 124
#define DW__CHD_FRAME_BYTES 2448      /* 2352 sector + 96 P-W */
#define DW__CHD_FRAMES_PER_HUNK 8     /* what chdman createcd uses */
#define DW__CHD_TRACK_PADDING_FRAMES 4

/* Codec tags (four ASCII characters, big-endian). */
#define DW__CHD_TAG(a, b, c, d) \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define DW__CHD_CODEC_ZLIB DW__CHD_TAG('z', 'l', 'i', 'b')
#define DW__CHD_CODEC_LZMA DW__CHD_TAG('l', 'z', 'm', 'a')
#define DW__CHD_CODEC_FLAC DW__CHD_TAG('f', 'l', 'a', 'c')
#define DW__CHD_CODEC_ZSTD DW__CHD_TAG('z', 's', 't', 'd')
#define DW__CHD_CODEC_CDZL DW__CHD_TAG('c', 'd', 'z', 'l')
#define DW__CHD_CODEC_CDLZ DW__CHD_TAG('c', 'd', 'l', 'z')
#define DW__CHD_CODEC_CDFL DW__CHD_TAG('c', 'd', 'f', 'l')
#define DW__CHD_CODEC_CDZS DW__CHD_TAG('c', 'd', 'z', 's')

/* ---- codecs (chd_codec.c) ---------------------------------------------- */

/* Decode one hunk compressed with codec `tag`: src (src_bytes) into dst,
 * exactly dst_bytes (the hunk size).  Output is bounded by dst_bytes
 * whatever the input says.  Returns 0, DW_EPARSE for data that does not
 * decode to exactly dst_bytes, DW_EUNSUPPORTED for a codec we do not
 * read, DW_ENOMEM; err->message names the codec. */
int dw__chd_decompress(uint32_t tag, const uint8_t *src, size_t src_bytes, uint8_t *dst,
                       size_t dst_bytes, struct dw_error_detail *err);

/* Encode one CD hunk (frames of 2448 bytes, dst_bytes = frames * 2448)
 * with cdzl, cdlz or cdfl as chdman does.  dst has room for *out_bytes
 * bytes; on success *out_bytes is the compressed size.  DW_ERANGE when it
 * does not fit (the caller stores the hunk uncompressed), DW_ENOMEM,
 * DW_ELIB.  level: -1 for the codec's default.  Thread-safe (no shared
 * state). */
int dw__chd_compress_cd(uint32_t tag, const uint8_t *hunk, size_t hunk_bytes, int level,
                        uint8_t *dst, size_t *out_bytes, struct dw_error_detail *err);

/* Name of a codec tag for messages ("cdlz"); buf of 5 bytes. */
const char *dw__chd_codec_name(uint32_t tag, char buf[5]);

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff), as CHD maps use. */
uint16_t dw__chd_crc16(const uint8_t *data, size_t bytes);

/* ---- reader (chd.c) ---------------------------------------------------- */

struct dw__chd;

/* Where the CHD's bytes come from: a file descriptor or memory. */
struct dw__chd_source {
    int fd;                 /* >= 0: pread from it; not owned */
    const uint8_t *data;    /* else: the whole file in memory, not owned */
    uint64_t size_bytes;
    const char *name;       /* for messages */
};

/* Open a CHD: read and check the header, the map (bounded: no entry
 * points outside the file, no self reference forward or to itself) and the
 * metadata chain (at most 4096 entries, no loops), and check the SHA-1 of
 * raw SHA-1 plus metadata against the header.  Returns 0 and *out (free
 * with dw__chd_free), or DW_EPARSE (damaged), DW_EUNSUPPORTED (not v5, a
 * parent CHD, an unknown codec), DW_EMISMATCH (header SHA-1), DW_EIO,
 * DW_ENOMEM, with err->message naming the file. */
int dw__chd_open(const struct dw__chd_source *src, struct dw__chd **out,
                 struct dw_error_detail *err);
void dw__chd_free(struct dw__chd *chd);

uint64_t dw__chd_logical_bytes(const struct dw__chd *chd);
uint32_t dw__chd_hunk_bytes(const struct dw__chd *chd);
uint32_t dw__chd_unit_bytes(const struct dw__chd *chd);

/* Metadata entry `index` (0-based, in chain order): its tag and data.
 * *data points into chd, valid until dw__chd_free.  DW_ERANGE past the
 * last. */
int dw__chd_metadata(const struct dw__chd *chd, int index, uint32_t *tag, const uint8_t **data,
                     uint32_t *bytes);

/* Read `bytes` decoded bytes at `offset` (a small cache of decoded hunks;
 * each hunk's CRC-16 checked; the raw SHA-1 is computed while hunks are
 * decoded front to back and checked with the last one).  Errors:
 * DW_ETRUNC (past the logical size), DW_EMISMATCH (a hunk's CRC or the raw
 * SHA-1; the message gives the byte range, or the CD LBA range when
 * lba_of_unit is set), DW_EPARSE, DW_EIO, DW_ENOMEM.  One thread at a
 * time. */
int dw__chd_pread(struct dw__chd *chd, void *buf, size_t bytes, uint64_t offset,
                  struct dw_error_detail *err);

/* For messages: a function giving the disc LBA of unit (frame) `unit`, or
 * INT32_MIN where no track stores it. */
void dw__chd_set_lba_map(struct dw__chd *chd, int32_t (*lba_of_unit)(void *, uint64_t),
                         void *ctx);

/* The image reader: a CD CHD (CHT2/CHTR metadata) as a disc with its
 * tracks, pregaps and postgaps, or a DVD CHD as an ISO; image.h's reader
 * rules and errors. */
int dw__chd_read(const char *path, struct dw__image **out, struct dw_error_detail *err);

/* The same from memory (fuzzing, tests): data (len bytes) must outlive
 * the image. */
int dw__chd_parse(const uint8_t *data, size_t len, const char *path, struct dw__image **out,
                  struct dw_error_detail *err);

/* ---- writer (chd_write.c) ---------------------------------------------- */

struct dw__chd_writer;

struct dw__chd_write_opts {
    uint32_t codec;     /* 0: per hunk the smallest of cdlz, cdzl, cdfl; else one of
                           DW__CHD_CODEC_CDLZ/CDZL/CDFL/CDZS */
    int level;          /* -1: default */
    unsigned threads;   /* compression threads; 0: one per core */
    bool have_sub;      /* record the P-W as SUBTYPE RW_RAW (else NONE) */
};

/* Start writing a CD CHD to `path` (created exclusively: DW_EEXIST when it
 * exists).  disc: the layout (must have passed dw_disc_finish; not owned,
 * read during open only).  The frames given to append are those of
 * every track from its first sector (INDEX 00 or 01) to its end, in disc
 * order, starting at the first track's first LBA; LBAs between sessions
 * are not given.  Errors: DW_EINVAL (a disc CHD cannot describe),
 * DW_EIO/DW_ENOSPC, DW_ENOMEM. */
int dw__chd_writer_open(struct dw__chd_writer **out, const char *path,
                        const struct dw_disc *disc, const struct dw__chd_write_opts *opts,
                        struct dw_error_detail *err);
/* Append `frames` frames: raw 2352 bytes each (audio little-endian),
 * sub 96 bytes each (interleaved P-W; may be NULL: zeros). */
int dw__chd_writer_append(struct dw__chd_writer *w, const uint8_t *raw, const uint8_t *sub,
                          int32_t frames, struct dw_error_detail *err);
/* Write the map, metadata and SHA-1s, fsync, close; frees w.  The file is
 * left in place on error too (the caller removes it). */
int dw__chd_writer_finish(struct dw__chd_writer *w, struct dw_error_detail *err);
/* Stop, close and free (the file stays; the caller removes it). */
void dw__chd_writer_abort(struct dw__chd_writer *w);

#endif
