/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gzip (RFC 1952, several members allowed, as gzip writes them when files
 * are concatenated) and xz (the .xz file format 1.0.4, several streams
 * allowed) around an image: the decoded bytes served as a stream.
 *
 * A stream has no random access.  At open the whole file is decoded once,
 * to learn its decoded size and to check it (gzip's CRC-32 and ISIZE of
 * each member, xz's block checks and index): a damaged file is refused
 * before anything is read from it.  Then reads are served by decoding
 * forward from where the last read ended; a read before that point starts
 * decoding again from the beginning of the file.  Readers of a disc
 * (rip, verify, convert) go forward, so this costs one restart after the
 * ISO recognition at sector 16.  Memory stays flat: one input buffer, one
 * skip buffer and the decoder's state (zlib 32 KiB window, xz's
 * dictionary of at most XZ_MEMLIMIT bytes).  A decompression bomb is
 * bounded: decoding stops with an error past the largest disc's bytes.
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
#define XZ_MEMLIMIT (256ull << 20) /* xz -9 needs 65 MiB; its dictionary tops at 1.5 GiB */
#define MAX_DECODED_BYTES ((uint64_t)DW__MAX_MEDIUM_SECTORS * DW_SECTOR_USER_BYTES)

struct zstream {
    char *path;
    const char *kind; /* "gzip", "xz" */
    bool xz;
    int fd;
    uint64_t file_bytes;
    uint64_t in_pos;      /* file offset of the next input read */
    uint64_t out_pos;     /* decoded bytes produced so far */
    uint64_t size_bytes;  /* decoded size (from the pass at open) */
    bool ended;           /* the decoder reached the end of the data */
    z_stream zs;
    bool zs_ready;
    lzma_stream xs;
    bool xs_ready;
    uint8_t *in;
    size_t in_avail;
    size_t in_next;
    uint8_t *skip;
};

static void end_decoder(struct zstream *z)
{
    if (z->zs_ready)
        inflateEnd(&z->zs);
    if (z->xs_ready)
        lzma_end(&z->xs);
    z->zs_ready = z->xs_ready = false;
}

static void zstream_close(void *ctx)
{
    struct zstream *z = ctx;
    end_decoder(z);
    if (z->fd >= 0)
        close(z->fd);
    free(z->in);
    free(z->skip);
    free(z->path);
    free(z);
}

static int restart(struct zstream *z, struct dw_error_detail *err)
{
    end_decoder(z);
    z->in_pos = 0;
    z->in_avail = z->in_next = 0;
    z->out_pos = 0;
    z->ended = false;
    if (z->xz) {
        lzma_stream init = LZMA_STREAM_INIT;
        z->xs = init;
        if (lzma_stream_decoder(&z->xs, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", z->path);
        z->xs_ready = true;
    } else {
        memset(&z->zs, 0, sizeof(z->zs));
        if (inflateInit2(&z->zs, 15 + 16) != Z_OK)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", z->path);
        z->zs_ready = true;
    }
    return 0;
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

/* Decode up to `bytes` bytes into out (NULL: count them only, out of the
 * skip buffer); *made the count.  Stops early only at the end of the data
 * (z->ended). */
static int decode(struct zstream *z, uint8_t *out, size_t bytes, size_t *made,
                  struct dw_error_detail *err)
{
    *made = 0;
    while (*made < bytes && !z->ended) {
        int rc;
        if ((rc = fill(z, err)))
            return rc;
        bool eof = z->in_avail == 0;
        uint8_t *dst = out ? out + *made : z->skip;
        size_t room = bytes - *made;
        if (!out && room > SKIP_BYTES)
            room = SKIP_BYTES;
        size_t before_in = z->in_avail - z->in_next, produced;
        if (z->xz) {
            z->xs.next_in = z->in + z->in_next;
            z->xs.avail_in = before_in;
            z->xs.next_out = dst;
            z->xs.avail_out = room;
            lzma_ret r = lzma_code(&z->xs, eof ? LZMA_FINISH : LZMA_RUN);
            z->in_next += before_in - z->xs.avail_in;
            produced = room - z->xs.avail_out;
            if (r == LZMA_STREAM_END)
                z->ended = true;
            else if (r == LZMA_MEMLIMIT_ERROR)
                return dw__set_error(err, DW_EUNSUPPORTED,
                                     "'%s' needs more than %llu MiB of memory to decode (its "
                                     "dictionary is larger than any xz preset makes): "
                                     "decompress it with unxz first",
                                     z->path, XZ_MEMLIMIT >> 20);
            else if (r == LZMA_MEM_ERROR)
                return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", z->path);
            else if (r == LZMA_BUF_ERROR && eof)
                return damaged(z, "it ends in the middle", err);
            else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
                return damaged(z, r == LZMA_DATA_ERROR ? "bad data" : r == LZMA_FORMAT_ERROR
                                  ? "not xz" : "a check failed", err);
        } else {
            z->zs.next_in = z->in + z->in_next;
            z->zs.avail_in = (uInt)before_in;
            z->zs.next_out = dst;
            z->zs.avail_out = (uInt)room;
            int r = inflate(&z->zs, Z_NO_FLUSH);
            z->in_next += before_in - z->zs.avail_in;
            produced = room - z->zs.avail_out;
            if (r == Z_STREAM_END) {
                /* Another member may follow (gzip -c a b > c.gz). */
                if ((rc = fill(z, err)))
                    return rc;
                if (z->in_next < z->in_avail)
                    inflateReset(&z->zs);
                else
                    z->ended = true;
            } else if (r == Z_MEM_ERROR) {
                return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", z->path);
            } else if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR) {
                return damaged(z, z->zs.msg ? z->zs.msg : "bad data", err);
            } else if (eof && produced == 0) {
                return damaged(z, "it ends in the middle", err);
            }
        }
        z->out_pos += produced;
        *made += produced;
        if (z->out_pos > MAX_DECODED_BYTES)
            return dw__set_error(err, DW_ERANGE,
                                 "'%s' decodes to more than the largest disc holds (%" PRIu64
                                 " bytes): it is not the image of a disc",
                                 z->path, MAX_DECODED_BYTES);
    }
    return 0;
}

static int zstream_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                         struct dw_error_detail *err)
{
    struct zstream *z = ctx;
    int rc;
    size_t made;
    if (offset > z->size_bytes || bytes > z->size_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "+%zu are past its %" PRIu64
                             " decoded bytes",
                             z->path, offset, bytes, z->size_bytes);
    if (offset < z->out_pos && (rc = restart(z, err)))
        return rc;
    while (z->out_pos < offset) {
        uint64_t gap = offset - z->out_pos;
        if ((rc = decode(z, NULL, gap < SKIP_BYTES ? (size_t)gap : SKIP_BYTES, &made, err)))
            return rc;
        if (made == 0)
            break;
    }
    if (z->out_pos != offset || (rc = decode(z, buf, bytes, &made, err)) || made != bytes) {
        if (rc)
            return rc;
        return dw__set_error(err, DW_ETRUNC,
                             "'%s' decodes to fewer bytes than when it was opened: it changed "
                             "while it was read",
                             z->path);
    }
    return 0;
}

static const struct dw__vfile_ops zstream_ops = {"gzip/xz", zstream_pread, zstream_close};

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
    /* The pass that learns the size and checks every byte. */
    if ((rc = restart(z, err)))
        goto out;
    size_t made;
    do {
        if ((rc = decode(z, NULL, SKIP_BYTES, &made, err)))
            goto out;
    } while (!z->ended);
    z->size_bytes = z->out_pos;
    if ((rc = restart(z, err)))
        goto out;
    out->ops = &zstream_ops;
    out->ctx = z;
    out->bytes = z->size_bytes;
    return 0;
out:
    zstream_close(z);
    return rc;
}
