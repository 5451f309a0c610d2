/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gzip (RFC 1951/1952; several members, as `cat a.gz b.gz` makes) and xz
 * (the .xz file format 1.0.4; several streams and blocks) around an
 * image, with random access where the format gives it or we can build it.
 *
 * xz: the file's index (lzma_file_info_decoder reads the stream footers
 * and indexes, seeking, without decoding) gives the decoded size and where
 * each block starts; a read decodes from the start of the block that holds
 * it (lzma_index_iter_locate, lzma_block_decoder), and goes on from where
 * the last read ended when it can.  A file xz wrote single-threaded is one
 * block, and is then read forward only (a read before the last one
 * decodes again from the start).  Each block's check and declared sizes
 * are verified as it is decoded.
 *
 * gzip has no index: at open the whole file is decoded once, which gives
 * the decoded size, checks every member's CRC-32 and length, and records
 * access points as zlib's examples/zran.c describes: at a deflate block
 * boundary, the input position, the bits of the last byte still unused and
 * the 32 KiB window (inflateGetDictionary).  A point is kept every SPAN of
 * output; when MAX_POINTS are held, every other one is dropped and the
 * span doubles, so memory stays under 8.5 MiB however large the file, and
 * a read decodes at most one span (4 MiB for an image up to 1 GiB) before
 * the bytes it wants.
 *
 * A decompression bomb is bounded: a decoded size past the largest disc
 * (DW__MAX_MEDIUM_SECTORS sectors of 2048 bytes) is refused, from the xz
 * index at open, and while decoding a gzip file.
 */
#include <errno.h>
#include <inttypes.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "discwright/sector.h"
#include "image/container.h"

#define IN_BYTES (256 * 1024)
#define SKIP_BYTES (256 * 1024)
#define WINDOW_BYTES 32768
#define MAX_POINTS 256
#define FIRST_SPAN (4ull << 20)
#define XZ_MEMLIMIT (256ull << 20) /* xz -9 needs 65 MiB */
#define MAX_DECODED_BYTES ((uint64_t)DW__MAX_MEDIUM_SECTORS * DW_SECTOR_USER_BYTES)

struct point {
    uint64_t out;        /* decoded bytes before it */
    uint64_t in;         /* file offset of the first whole byte after it */
    int bits;            /* bits of the byte at in - 1 not yet used (0-7) */
    unsigned window_bytes;
    uint8_t *window;
};

struct zstream {
    char *path;
    const char *kind;    /* "gzip", "xz" */
    bool xz;
    int fd;
    uint64_t file_bytes;
    uint64_t size_bytes; /* decoded */
    uint64_t out_pos;    /* decoded offset of the decoder's next byte */
    bool ended;
    bool positioned;     /* the decoder is set up at out_pos */
    uint8_t *in;
    size_t in_avail, in_next;
    uint64_t in_pos;     /* file offset of the next input read */
    uint8_t *skip;
    /* gzip */
    z_stream zs;
    bool zs_ready;
    bool raw;            /* decoding raw deflate from a point: trailer skipped by hand */
    unsigned trailer_left;
    bool member_end;     /* a member ended: another may follow */
    bool record;         /* the pass at open: record points */
    struct point points[MAX_POINTS];
    size_t point_count;
    uint64_t span;
    /* xz */
    lzma_index *index;
    lzma_stream xs;
    bool xs_ready;
    lzma_block block;    /* xs's block: liblzma reads it while decoding */
    lzma_filter filters[LZMA_FILTERS_MAX + 1];
    bool filters_set;
};

static void end_decoder(struct zstream *z)
{
    if (z->zs_ready)
        inflateEnd(&z->zs);
    if (z->xs_ready)
        lzma_end(&z->xs);
    if (z->filters_set)
        lzma_filters_free(z->filters, NULL);
    z->zs_ready = z->xs_ready = z->filters_set = false;
    z->positioned = false;
}

static void zstream_close(void *ctx)
{
    struct zstream *z = ctx;
    end_decoder(z);
    if (z->index)
        lzma_index_end(z->index, NULL);
    for (size_t i = 0; i < z->point_count; i++)
        free(z->points[i].window);
    if (z->fd >= 0)
        close(z->fd);
    free(z->in);
    free(z->skip);
    free(z->path);
    free(z);
}

static void seek_input(struct zstream *z, uint64_t at)
{
    z->in_pos = at;
    z->in_avail = z->in_next = 0;
}

static int fill(struct zstream *z, struct dw_error_detail *err)
{
    if (z->in_next < z->in_avail)
        return 0;
    size_t got;
    int e = dw__pread_full(z->fd, z->in, IN_BYTES, z->in_pos, &got);
    if (e)
        return dw__set_error_errno(err, e, "cannot read '%s'", z->path);
    z->in_pos += got;
    z->in_avail = got;
    z->in_next = 0;
    return 0;
}

static int damaged(struct zstream *z, const char *what, struct dw_error_detail *err)
{
    return dw__set_error(err, DW_EPARSE,
                         "'%s': the %s data is damaged after %" PRIu64 " decoded bytes (%s): "
                         "the file is corrupt or truncated; check it with '%s -t'",
                         z->path, z->kind, z->out_pos, what, z->xz ? "xz" : "gzip");
}

static int oom(struct zstream *z, struct dw_error_detail *err)
{
    return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", z->path);
}

/* ------------------------------------------------------------------ */
/* gzip                                                                */

static int gz_start(struct zstream *z, const struct point *p, struct dw_error_detail *err)
{
    end_decoder(z);
    memset(&z->zs, 0, sizeof(z->zs));
    if (inflateInit2(&z->zs, p ? -15 : 15 + 16) != Z_OK)
        return oom(z, err);
    z->zs_ready = true;
    z->raw = p != NULL;
    z->trailer_left = 0;
    z->member_end = false;
    z->ended = false;
    z->out_pos = p ? p->out : 0;
    seek_input(z, p ? p->in : 0);
    if (p && p->bits) {
        uint8_t byte;
        size_t got;
        int e = dw__pread_full(z->fd, &byte, 1, p->in - 1, &got);
        if (e || got != 1)
            return e ? dw__set_error_errno(err, e, "cannot read '%s'", z->path)
                     : damaged(z, "it became shorter", err);
        inflatePrime(&z->zs, p->bits, byte >> (8 - p->bits));
    }
    if (p && inflateSetDictionary(&z->zs, p->window, p->window_bytes) != Z_OK)
        return damaged(z, "an access point does not restore", err);
    z->positioned = true;
    return 0;
}

/* Keep an access point here (z->record): every z->span bytes of output. */
static int gz_point(struct zstream *z, struct dw_error_detail *err)
{
    uint64_t last = z->point_count ? z->points[z->point_count - 1].out : 0;
    if (z->out_pos < last + z->span)
        return 0;
    if (z->point_count == MAX_POINTS) {
        size_t k = 0;
        for (size_t i = 0; i < MAX_POINTS; i++) {
            if (i % 2)
                free(z->points[i].window);
            else
                z->points[k++] = z->points[i];
        }
        z->point_count = k;
        z->span *= 2;
        if (z->out_pos < z->points[k - 1].out + z->span)
            return 0;
    }
    struct point *p = &z->points[z->point_count];
    if (!(p->window = malloc(WINDOW_BYTES)))
        return oom(z, err);
    uInt n = WINDOW_BYTES;
    if (inflateGetDictionary(&z->zs, p->window, &n) != Z_OK) {
        free(p->window);
        return damaged(z, "no window at an access point", err);
    }
    p->window_bytes = n;
    p->out = z->out_pos;
    p->in = z->in_pos - (z->in_avail - z->in_next);
    p->bits = z->zs.data_type & 7;
    z->point_count++;
    return 0;
}

/* After a member's end: skip a raw member's 8-byte trailer, then start
 * the next member or end. */
static int gz_member_end(struct zstream *z, struct dw_error_detail *err)
{
    int rc;
    while (z->trailer_left > 0) {
        if ((rc = fill(z, err)))
            return rc;
        if (z->in_avail == 0)
            return damaged(z, "it ends inside a member's trailer", err);
        size_t n = z->in_avail - z->in_next < z->trailer_left ? z->in_avail - z->in_next
                                                              : z->trailer_left;
        z->in_next += n;
        z->trailer_left -= (unsigned)n;
    }
    if ((rc = fill(z, err)))
        return rc;
    if (z->in_next == z->in_avail) {
        z->ended = true;
    } else {
        inflateReset2(&z->zs, 15 + 16);
        z->raw = false;
    }
    z->member_end = false;
    return 0;
}

static int gz_decode(struct zstream *z, uint8_t *dst, size_t room, size_t *produced,
                     struct dw_error_detail *err)
{
    int rc;
    *produced = 0;
    if (z->member_end)
        return gz_member_end(z, err);
    if ((rc = fill(z, err)))
        return rc;
    bool eof = z->in_next == z->in_avail;
    size_t before = z->in_avail - z->in_next;
    z->zs.next_in = z->in + z->in_next;
    z->zs.avail_in = (uInt)before;
    z->zs.next_out = dst;
    z->zs.avail_out = (uInt)room;
    int r = inflate(&z->zs, z->record ? Z_BLOCK : Z_NO_FLUSH);
    z->in_next += before - z->zs.avail_in;
    *produced = room - z->zs.avail_out;
    z->out_pos += *produced;
    if (r == Z_STREAM_END) {
        z->member_end = true;
        z->trailer_left = z->raw ? 8 : 0;
    } else if (r == Z_MEM_ERROR) {
        return oom(z, err);
    } else if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR) {
        return damaged(z, z->zs.msg ? z->zs.msg : "bad data", err);
    } else if (eof && *produced == 0) {
        return damaged(z, "it ends in the middle", err);
    } else if (z->record && (z->zs.data_type & 128) && !(z->zs.data_type & 64)) {
        return gz_point(z, err);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* xz                                                                  */

/* Set the decoder up at the block holding decoded byte `offset`. */
static int xz_start(struct zstream *z, uint64_t offset, struct dw_error_detail *err)
{
    lzma_index_iter it;
    uint8_t header[LZMA_BLOCK_HEADER_SIZE_MAX];
    size_t got;
    int e;
    end_decoder(z);
    lzma_index_iter_init(&it, z->index);
    if (lzma_index_iter_locate(&it, offset))
        return dw__set_error(err, DW_ETRUNC, "'%s': byte %" PRIu64 " is past its end", z->path,
                             offset);
    z->out_pos = it.block.uncompressed_file_offset;
    if ((e = dw__pread_full(z->fd, header, 1, it.block.compressed_file_offset, &got)))
        return dw__set_error_errno(err, e, "cannot read '%s'", z->path);
    /* The block decoder keeps a pointer to its lzma_block and reads it on
     * every lzma_code (liblzma: "must remain available"): it lives in z. */
    lzma_block *block = &z->block;
    *block = (lzma_block){.version = 1, .check = it.stream.flags->check};
    block->header_size = lzma_block_header_size_decode(header[0]);
    block->filters = z->filters;
    if (got != 1 ||
        (e = dw__pread_full(z->fd, header, block->header_size, it.block.compressed_file_offset,
                            &got)) ||
        got != block->header_size)
        return e ? dw__set_error_errno(err, e, "cannot read '%s'", z->path)
                 : damaged(z, "a block header past the end", err);
    if (lzma_block_header_decode(block, NULL, header) != LZMA_OK)
        return damaged(z, "a bad block header", err);
    z->filters_set = true;
    if (lzma_raw_decoder_memusage(z->filters) > XZ_MEMLIMIT)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' needs more than %llu MiB of memory to decode (its "
                             "dictionary is larger than any xz preset makes): decompress it "
                             "with unxz first",
                             z->path, XZ_MEMLIMIT >> 20);
    if (lzma_block_compressed_size(block, it.block.unpadded_size) != LZMA_OK)
        return damaged(z, "a block's size disagrees with the index", err);
    block->uncompressed_size = it.block.uncompressed_size;
    lzma_stream init = LZMA_STREAM_INIT;
    z->xs = init;
    if (lzma_block_decoder(&z->xs, block) != LZMA_OK)
        return oom(z, err);
    z->xs_ready = true;
    seek_input(z, it.block.compressed_file_offset + block->header_size);
    z->ended = false;
    z->positioned = true;
    return 0;
}

static int xz_decode(struct zstream *z, uint8_t *dst, size_t room, size_t *produced,
                     struct dw_error_detail *err)
{
    int rc;
    *produced = 0;
    if ((rc = fill(z, err)))
        return rc;
    bool eof = z->in_next == z->in_avail;
    size_t before = z->in_avail - z->in_next;
    z->xs.next_in = z->in + z->in_next;
    z->xs.avail_in = before;
    z->xs.next_out = dst;
    z->xs.avail_out = room;
    lzma_ret r = lzma_code(&z->xs, eof ? LZMA_FINISH : LZMA_RUN);
    z->in_next += before - z->xs.avail_in;
    *produced = room - z->xs.avail_out;
    z->out_pos += *produced;
    if (r == LZMA_STREAM_END) /* the block ended: the next one, if any */
        return z->out_pos < z->size_bytes ? xz_start(z, z->out_pos, err) : (z->ended = true, 0);
    if (r == LZMA_MEM_ERROR)
        return oom(z, err);
    if (r == LZMA_BUF_ERROR && eof)
        return damaged(z, "it ends in the middle", err);
    if (r != LZMA_OK && r != LZMA_BUF_ERROR)
        return damaged(z, r == LZMA_DATA_ERROR ? "bad data" : "a check failed", err);
    return 0;
}

/* Read the xz file's index: the decoded size and the blocks. */
static int xz_index(struct zstream *z, struct dw_error_detail *err)
{
    lzma_stream fs = LZMA_STREAM_INIT;
    int rc = 0;
    if (lzma_file_info_decoder(&fs, &z->index, XZ_MEMLIMIT, z->file_bytes) != LZMA_OK)
        return oom(z, err);
    seek_input(z, 0);
    for (;;) {
        if ((rc = fill(z, err)))
            break;
        size_t before = z->in_avail - z->in_next;
        fs.next_in = z->in + z->in_next;
        fs.avail_in = before;
        lzma_ret r = lzma_code(&fs, LZMA_RUN);
        z->in_next += before - fs.avail_in;
        if (r == LZMA_SEEK_NEEDED) {
            seek_input(z, fs.seek_pos);
            continue;
        }
        if (r == LZMA_STREAM_END)
            break;
        if (r == LZMA_OK && before > 0)
            continue;
        rc = r == LZMA_MEM_ERROR ? oom(z, err)
             : r == LZMA_MEMLIMIT_ERROR
                 ? dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' has an index larger than %llu MiB: decompress it with "
                                 "unxz first",
                                 z->path, XZ_MEMLIMIT >> 20)
                 : dw__set_error(err, DW_EPARSE,
                                 "'%s': its xz stream headers or index are damaged or "
                                 "truncated; check it with 'xz -t'",
                                 z->path);
        break;
    }
    lzma_end(&fs);
    if (rc)
        return rc;
    z->size_bytes = lzma_index_uncompressed_size(z->index);
    return 0;
}

/* ------------------------------------------------------------------ */

static int decode(struct zstream *z, uint8_t *dst, size_t room, size_t *produced,
                  struct dw_error_detail *err)
{
    int rc = z->xz ? xz_decode(z, dst, room, produced, err) : gz_decode(z, dst, room, produced, err);
    if (!rc && z->out_pos > MAX_DECODED_BYTES)
        return dw__set_error(err, DW_ERANGE,
                             "'%s' decodes to more than the largest disc holds (%" PRIu64
                             " bytes): it is not the image of a disc",
                             z->path, MAX_DECODED_BYTES);
    return rc;
}

/* Set the decoder at or before `offset`, as close as the format allows. */
static int position(struct zstream *z, uint64_t offset, struct dw_error_detail *err)
{
    if (z->xz) {
        lzma_index_iter it;
        lzma_index_iter_init(&it, z->index);
        if (lzma_index_iter_locate(&it, offset))
            return dw__set_error(err, DW_ETRUNC, "'%s': byte %" PRIu64 " is past its end",
                                 z->path, offset);
        bool same_block = z->positioned && z->out_pos <= offset &&
                          z->out_pos >= it.block.uncompressed_file_offset;
        return same_block ? 0 : xz_start(z, offset, err);
    }
    const struct point *best = NULL;
    for (size_t i = 0; i < z->point_count && z->points[i].out <= offset; i++)
        best = &z->points[i];
    uint64_t from = best ? best->out : 0;
    if (z->positioned && z->out_pos <= offset && z->out_pos >= from)
        return 0;
    return gz_start(z, best, err);
}

static int zstream_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                         struct dw_error_detail *err)
{
    struct zstream *z = ctx;
    uint8_t *dst = buf;
    int rc;
    size_t made;
    if (offset > z->size_bytes || bytes > z->size_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "+%zu are past its %" PRIu64
                             " decoded bytes",
                             z->path, offset, bytes, z->size_bytes);
    if (bytes == 0)
        return 0;
    if ((rc = position(z, offset, err)))
        return rc;
    int stalls = 0; /* decode calls in a row that neither read nor made a byte */
    while (bytes > 0) {
        uint64_t in_pos = z->in_pos;
        size_t in_next = z->in_next;
        if (z->ended)
            return dw__set_error(err, DW_ETRUNC,
                                 "'%s' decodes to fewer bytes than its index or the pass at "
                                 "open said: it changed while it was read",
                                 z->path);
        uint64_t gap = offset - z->out_pos;
        if (gap > 0) {
            rc = decode(z, z->skip, gap < SKIP_BYTES ? (size_t)gap : SKIP_BYTES, &made, err);
        } else {
            rc = decode(z, dst, bytes, &made, err);
            dst += made;
            offset += made;
            bytes -= made;
        }
        if (!rc && made == 0 && z->in_pos == in_pos && z->in_next == in_next &&
            ++stalls >= 3)
            rc = damaged(z, "a block that decodes to nothing", err);
        else if (made || z->in_pos != in_pos || z->in_next != in_next)
            stalls = 0;
        if (rc) {
            z->positioned = false;
            return rc;
        }
    }
    return 0;
}

static const struct dw__vfile_ops zstream_ops = {"gzip/xz", zstream_pread, zstream_close};

/* gzip: decode it all once; points are recorded on the way. */
static int gz_pass(struct zstream *z, struct dw_error_detail *err)
{
    int rc;
    size_t made;
    z->span = FIRST_SPAN;
    z->record = true;
    if ((rc = gz_start(z, NULL, err)))
        return rc;
    while (!z->ended)
        if ((rc = decode(z, z->skip, SKIP_BYTES, &made, err)))
            return rc;
    z->record = false;
    z->size_bytes = z->out_pos;
    end_decoder(z);
    return 0;
}

int dw__zstream_open(const char *path, enum dw__image_format format, struct dw__decoded *out,
                     struct dw_error_detail *err)
{
    struct zstream *z = calloc(1, sizeof(*z));
    int rc;
    memset(out, 0, sizeof(*out));
    if (!z || !(z->path = strdup(path)) || !(z->in = malloc(IN_BYTES)) ||
        !(z->skip = malloc(SKIP_BYTES))) {
        if (z) {
            free(z->in);
            free(z->path);
        }
        free(z);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    z->fd = -1;
    z->xz = format == DW_IMAGE_XZ;
    z->kind = z->xz ? "xz" : "gzip";
    if (format != DW_IMAGE_XZ && format != DW_IMAGE_GZIP) {
        rc = dw__set_error(err, DW_EINVAL, "'%s' is not a gzip or xz file", path);
        goto out;
    }
    if ((rc = dw__image_open_file(path, false, &z->fd, &z->file_bytes, err)))
        goto out;
    if ((rc = z->xz ? xz_index(z, err) : gz_pass(z, err)))
        goto out;
    if (z->size_bytes > MAX_DECODED_BYTES) {
        rc = dw__set_error(err, DW_ERANGE,
                           "'%s' decodes to %" PRIu64 " bytes, more than the largest disc "
                           "holds: it is not the image of a disc",
                           path, z->size_bytes);
        goto out;
    }
    if (z->size_bytes == 0) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' decodes to nothing: it is not a disc image",
                           path);
        goto out;
    }
    out->ops = &zstream_ops;
    out->ctx = z;
    out->bytes = z->size_bytes;
    return 0;
out:
    zstream_close(z);
    return rc;
}
