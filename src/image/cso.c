/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSO and ZSO: an ISO cut into blocks, each compressed on its own
 * (maxcso's README_CSO.md and README_ZSO.md; REFERENCE-2.md section 7).
 *
 * Header, 24 bytes little-endian: "CISO" or "ZISO", u32 header size,
 * u64 uncompressed size, u32 block size, u8 version, u8 index shift, two
 * unused bytes.  Then ceil(size / block) + 1 u32 index entries: entry i
 * shifted left by the index shift is where block i starts, entry i + 1
 * where it ends (the last entry is the end of the data).
 *  - CISO v0/v1: the high bit of an entry means stored; else raw deflate.
 *  - CISO v2: a block whose length is at least the block size is stored;
 *    else the high bit means LZ4, clear means deflate.
 *  - ZISO: the high bit means stored; else an LZ4 block (no frame).
 *
 * The index is checked whole at open (positions increasing, inside the
 * file) in one pass without being kept: a block's two entries are read
 * again when it is decoded, through a window of INDEX_WINDOW entries, so
 * memory stays flat for the largest image.  Decoded blocks are kept in a
 * direct-mapped cache of CACHE_BLOCKS blocks (at most 16 MiB with 1 MiB
 * blocks).
 */
#include <errno.h>
#include <inttypes.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "discwright/sector.h"
#include "image/container.h"

#define CSO_HEADER_BYTES 24
#define INDEX_WINDOW 4096
#define CACHE_BLOCKS 16

struct cso {
    char *path;
    int fd;
    bool zso;
    unsigned version;
    unsigned shift;
    uint32_t block_bytes;
    uint64_t size_bytes;  /* decoded */
    uint64_t blocks;
    uint64_t file_bytes;
    uint32_t *window;     /* index entries [window_first, window_first + window_count) */
    uint64_t window_first;
    size_t window_count;
    uint8_t *cache;       /* CACHE_BLOCKS * block_bytes */
    uint64_t cached[CACHE_BLOCKS]; /* block number + 1, 0: empty */
    uint8_t *cbuf;        /* compressed block */
    size_t cbuf_bytes;
    z_stream zs;
    bool zs_ready;
};

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int dw__pread_full(int fd, void *buf, size_t bytes, uint64_t offset, size_t *got)
{
    *got = 0;
    while (*got < bytes) {
        ssize_t n = pread(fd, (uint8_t *)buf + *got, bytes - *got, (off_t)(offset + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

static void cso_close(void *ctx)
{
    struct cso *c = ctx;
    if (c->fd >= 0)
        close(c->fd);
    if (c->zs_ready)
        inflateEnd(&c->zs);
    free(c->window);
    free(c->cache);
    free(c->cbuf);
    free(c->path);
    free(c);
}

/* Index entries i and i + 1 into e[0], e[1]. */
static int index_pair(struct cso *c, uint64_t i, uint32_t e[2], struct dw_error_detail *err)
{
    if (i < c->window_first || i + 2 > c->window_first + c->window_count) {
        uint64_t first = i;
        uint64_t count = c->blocks + 1 - first;
        if (count > INDEX_WINDOW)
            count = INDEX_WINDOW;
        size_t got;
        uint8_t raw[INDEX_WINDOW * 4];
        int e2 = dw__pread_full(c->fd, raw, (size_t)count * 4, CSO_HEADER_BYTES + first * 4, &got);
        if (e2)
            return dw__set_error_errno(err, e2, "cannot read the block index of '%s'", c->path);
        if (got != count * 4)
            return dw__set_error(err, DW_ETRUNC, "'%s' became shorter while it was read",
                                 c->path);
        for (size_t k = 0; k < count; k++)
            c->window[k] = le32(raw + 4 * k);
        c->window_first = first;
        c->window_count = (size_t)count;
    }
    e[0] = c->window[i - c->window_first];
    e[1] = c->window[i + 1 - c->window_first];
    return 0;
}

/* Decode block b into out (block_bytes, the last one shorter). */
static int decode_block(struct cso *c, uint64_t b, uint8_t *out, struct dw_error_detail *err)
{
    uint32_t e[2];
    int rc;
    if ((rc = index_pair(c, b, e, err)))
        return rc;
    uint64_t want = c->size_bytes - b * c->block_bytes;
    if (want > c->block_bytes)
        want = c->block_bytes;
    uint64_t pos = (uint64_t)(e[0] & 0x7fffffffu) << c->shift;
    uint64_t end = (uint64_t)(e[1] & 0x7fffffffu) << c->shift;
    uint64_t len = end - pos; /* checked at open: end > pos */
    bool stored, lz4 = false;
    if (c->zso) {
        stored = e[0] & 0x80000000u;
        lz4 = !stored;
    } else if (c->version == 2) {
        stored = len >= c->block_bytes;
        lz4 = !stored && (e[0] & 0x80000000u);
    } else {
        stored = e[0] & 0x80000000u;
    }
    uint64_t first_byte = b * c->block_bytes;
    size_t got;
    if (stored) {
        if (len < want)
            return dw__set_error(err, DW_EPARSE,
                                 "'%s': stored block %" PRIu64 " (bytes %" PRIu64 "-%" PRIu64
                                 " of the ISO) is %" PRIu64 " bytes, less than the %" PRIu64
                                 " it must hold: the file is damaged",
                                 c->path, b, first_byte, first_byte + want - 1, len, want);
        if ((rc = dw__pread_full(c->fd, out, (size_t)want, pos, &got)))
            return dw__set_error_errno(err, rc, "cannot read '%s'", c->path);
        if (got != want)
            return dw__set_error(err, DW_ETRUNC, "'%s' became shorter while it was read",
                                 c->path);
        return 0;
    }
    /* A compressed block never needs more than cbuf_bytes: longer lengths
     * are padding (or a lie, which then fails to decode). */
    size_t take = len < c->cbuf_bytes ? (size_t)len : c->cbuf_bytes;
    if ((rc = dw__pread_full(c->fd, c->cbuf, take, pos, &got)))
        return dw__set_error_errno(err, rc, "cannot read '%s'", c->path);
    if (got != take)
        return dw__set_error(err, DW_ETRUNC, "'%s' became shorter while it was read", c->path);
    uint64_t made = 0;
    const char *how = lz4 ? "LZ4" : "deflate";
    if (lz4) {
        int n = LZ4_decompress_safe_partial((const char *)c->cbuf, (char *)out, (int)take,
                                            (int)want, (int)c->block_bytes);
        made = n < 0 ? 0 : (uint64_t)n;
    } else {
        if (!c->zs_ready) {
            memset(&c->zs, 0, sizeof(c->zs));
            if (inflateInit2(&c->zs, -15) != Z_OK)
                return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->path);
            c->zs_ready = true;
        } else {
            inflateReset(&c->zs);
        }
        c->zs.next_in = c->cbuf;
        c->zs.avail_in = (uInt)take;
        c->zs.next_out = out;
        c->zs.avail_out = (uInt)want;
        int z = inflate(&c->zs, Z_FINISH);
        if (z == Z_STREAM_END || (z == Z_OK || z == Z_BUF_ERROR))
            made = want - c->zs.avail_out;
        if (z == Z_MEM_ERROR)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->path);
    }
    if (made != want)
        return dw__set_error(err, DW_EPARSE,
                             "'%s': block %" PRIu64 " (bytes %" PRIu64 "-%" PRIu64
                             " of the ISO) does not %s-decode to its %" PRIu64
                             " bytes: the file is damaged",
                             c->path, b, first_byte, first_byte + want - 1, how, want);
    return 0;
}

static int cso_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                     struct dw_error_detail *err)
{
    struct cso *c = ctx;
    uint8_t *dst = buf;
    if (offset > c->size_bytes || bytes > c->size_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "+%zu are past its %" PRIu64
                             " decoded bytes",
                             c->path, offset, bytes, c->size_bytes);
    while (bytes > 0) {
        uint64_t b = offset / c->block_bytes;
        size_t in = (size_t)(offset % c->block_bytes);
        size_t slot = (size_t)(b % CACHE_BLOCKS);
        uint8_t *block = c->cache + slot * c->block_bytes;
        if (c->cached[slot] != b + 1) {
            c->cached[slot] = 0;
            int rc = decode_block(c, b, block, err);
            if (rc)
                return rc;
            c->cached[slot] = b + 1;
        }
        size_t n = c->block_bytes - in;
        if (n > bytes)
            n = bytes;
        memcpy(dst, block + in, n);
        dst += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static const struct dw__vfile_ops cso_ops = {"cso", cso_pread, cso_close};

/* One pass over the index: positions increase and lie inside the file,
 * after the index. */
static int check_index(struct cso *c, struct dw_error_detail *err)
{
    uint64_t index_end = CSO_HEADER_BYTES + (c->blocks + 1) * 4;
    uint64_t prev = 0;
    for (uint64_t i = 0; i <= c->blocks; i += INDEX_WINDOW) {
        uint32_t e[2];
        int rc = index_pair(c, i < c->blocks ? i : c->blocks - 1, e, err);
        if (rc)
            return rc;
        for (size_t k = 0; k < c->window_count; k++) {
            uint64_t n = c->window_first + k;
            if (n < i)
                continue;
            uint32_t v = c->window[k];
            uint64_t pos = (uint64_t)(v & 0x7fffffffu) << c->shift;
            if (n == c->blocks && c->version == 2 && !c->zso && (v & 0x80000000u))
                return dw__set_error(err, DW_EPARSE,
                                     "'%s': the last index entry has its high bit set: the "
                                     "CSO v2 index is damaged",
                                     c->path);
            if (pos < index_end || pos > c->file_bytes || (n > 0 && pos <= prev))
                return dw__set_error(err, DW_EPARSE,
                                     "'%s': index entry %" PRIu64 " points to byte %" PRIu64
                                     ", %s: the file is damaged or truncated",
                                     c->path, n, pos,
                                     pos > c->file_bytes ? "past the end of the file"
                                     : pos < index_end   ? "inside the header or the index"
                                                         : "not after the entry before it");
            prev = pos;
        }
    }
    return 0;
}

int dw__cso_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err)
{
    struct cso *c = calloc(1, sizeof(*c));
    uint8_t h[CSO_HEADER_BYTES];
    size_t got;
    int rc, e;
    memset(out, 0, sizeof(*out));
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    c->fd = -1;
    if ((rc = dw__image_open_file(path, false, &c->fd, &c->file_bytes, err)))
        goto out;
    if ((e = dw__pread_full(c->fd, h, sizeof(h), 0, &got))) {
        rc = dw__set_error_errno(err, e, "cannot read '%s'", path);
        goto out;
    }
    if (got < sizeof(h) || (memcmp(h, "CISO", 4) && memcmp(h, "ZISO", 4))) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' has no CSO/ZSO header", path);
        goto out;
    }
    c->zso = h[0] == 'Z';
    c->size_bytes = (uint64_t)le32(h + 8) | (uint64_t)le32(h + 12) << 32;
    c->block_bytes = le32(h + 16);
    c->version = h[20];
    c->shift = h[21];
    if (c->block_bytes < 2048 || c->block_bytes > (1u << 20) ||
        (c->block_bytes & (c->block_bytes - 1)) || c->version > 2 || (c->zso && c->version > 1)) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s': %s version %u with blocks of %" PRIu32 " bytes is not a "
                           "CSO/ZSO variant discwright reads (versions 0-2, power-of-two "
                           "blocks of 2 KiB to 1 MiB)",
                           path, c->zso ? "ZSO" : "CSO", c->version, c->block_bytes);
        goto out;
    }
    if (c->shift > 31) {
        rc = dw__set_error(err, DW_EPARSE, "'%s': index shift %u is more than 31: the header "
                           "is damaged", path, c->shift);
        goto out;
    }
    if (c->size_bytes == 0 || c->size_bytes / DW_SECTOR_USER_BYTES > (uint64_t)DW__MAX_MEDIUM_SECTORS) {
        rc = dw__set_error(err, c->size_bytes ? DW_ERANGE : DW_EPARSE,
                           "'%s' declares %" PRIu64 " decoded bytes: %s", path, c->size_bytes,
                           c->size_bytes ? "more than the largest disc holds; the header is "
                                           "damaged"
                                         : "an empty image");
        goto out;
    }
    c->blocks = (c->size_bytes + c->block_bytes - 1) / c->block_bytes;
    if (CSO_HEADER_BYTES + (c->blocks + 1) * 4 > c->file_bytes) {
        rc = dw__set_error(err, DW_ETRUNC,
                           "'%s' is %" PRIu64 " bytes, too short for the index of its %" PRIu64
                           " blocks: the file is truncated or its header lies",
                           path, c->file_bytes, c->blocks);
        goto out;
    }
    c->cbuf_bytes = c->block_bytes + c->block_bytes / 4 + 64;
    if (!(c->window = malloc(INDEX_WINDOW * sizeof(uint32_t))) ||
        !(c->cache = malloc((size_t)CACHE_BLOCKS * c->block_bytes)) ||
        !(c->cbuf = malloc(c->cbuf_bytes))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    c->window_count = 0;
    c->window_first = UINT64_MAX / 2;
    if ((rc = check_index(c, err)))
        goto out;
    out->ops = &cso_ops;
    out->ctx = c;
    out->bytes = c->size_bytes;
    return 0;
out:
    cso_close(c);
    return rc;
}
