/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSO sink: CISO version 1 (maxcso's README_CSO.md; REFERENCE-2.md
 * section 7), as PSP and PS2 loaders read it.
 *
 * A CSO holds an ISO: the 2048-byte user data of one data track (Mode 1,
 * or Mode 2 Form 1 sectors).  Blocks of 2048 bytes, one sector each, are
 * compressed with raw deflate (zlib, window 2^15, no header); a block that
 * does not shrink is stored and its index entry gets the high bit.  The
 * index (one u32 per block plus the end) is written in place as blocks
 * come, INDEX_BATCH entries at a time, so memory stays flat however large
 * the disc.  Index entries hold a position shifted right by the index
 * shift: the shift is the smallest that lets the largest possible file
 * fit in 31 bits, and every block then starts on a multiple of 1 << shift.
 *
 * The file is written as DST.part and renamed to DST in commit after an
 * fsync; abort removes DST.part.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "convert/sink_cso.h"
#include "discwright/sector.h"
#include "errors_int.h"

#define CSO_BLOCK_BYTES 2048
#define CSO_HEADER_BYTES 24
#define INDEX_BATCH 65536

struct dw__sink {
    char *path;            /* DST */
    char *part;            /* DST.part */
    int fd;
    int32_t first_lba;     /* the data track's INDEX 01 */
    int32_t end_lba;       /* one past its last sector */
    int32_t next_lba;      /* next sector expected in the ISO */
    uint64_t blocks;
    unsigned shift;
    uint64_t pos;          /* file offset where the next block goes */
    uint32_t batch[INDEX_BATCH];
    size_t batch_count;
    uint64_t batch_first;  /* index entry number of batch[0] */
    z_stream zs;
    bool zs_ready;
    uint8_t out[CSO_BLOCK_BYTES + 64];
};

static void put_le32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static int write_at(struct dw__sink *s, const void *buf, size_t bytes, uint64_t offset,
                    struct dw_error_detail *err)
{
    const uint8_t *p = buf;
    while (bytes > 0) {
        ssize_t n = pwrite(s->fd, p, bytes, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return dw__set_error_errno(err, n < 0 ? errno : ENOSPC, "cannot write '%s'",
                                       s->part);
        p += n;
        bytes -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

static int flush_index(struct dw__sink *s, struct dw_error_detail *err)
{
    uint8_t raw[4 * 1024];
    size_t done = 0;
    while (done < s->batch_count) {
        size_t n = s->batch_count - done < sizeof(raw) / 4 ? s->batch_count - done : sizeof(raw) / 4;
        for (size_t i = 0; i < n; i++)
            put_le32(raw + 4 * i, s->batch[done + i]);
        int rc = write_at(s, raw, n * 4, CSO_HEADER_BYTES + (s->batch_first + done) * 4, err);
        if (rc)
            return rc;
        done += n;
    }
    s->batch_first += s->batch_count;
    s->batch_count = 0;
    return 0;
}

static int add_entry(struct dw__sink *s, uint32_t entry, struct dw_error_detail *err)
{
    s->batch[s->batch_count++] = entry;
    return s->batch_count == INDEX_BATCH ? flush_index(s, err) : 0;
}

static void cso_abort(struct dw__sink *s)
{
    if (!s)
        return;
    if (s->fd >= 0) {
        close(s->fd);
        unlink(s->part);
    }
    if (s->zs_ready)
        deflateEnd(&s->zs);
    free(s->path);
    free(s->part);
    free(s);
}

static int cso_open(struct dw__sink **out, const char *dst_path, const struct dw_disc *disc,
                    const struct dw__sink_opts *opts, struct dw_error_detail *err)
{
    struct dw__sink *s = NULL;
    int rc, level = opts && opts->level >= 0 ? opts->level : Z_BEST_COMPRESSION;
    *out = NULL;
    if (opts && opts->codec && strcmp(opts->codec, "deflate") && strcmp(opts->codec, "zlib"))
        return dw__set_error(err, DW_EINVAL,
                             "codec '%s' is not one the CSO format has here: CSO version 1 "
                             "blocks are deflate (--codec deflate)",
                             opts->codec);
    if (level > 9)
        return dw__set_error(err, DW_EINVAL,
                             "compression level %d is out of range for CSO: give 0 to 9", level);
    int data_track = -1;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->mode == DW_MODE_AUDIO || t->mode == DW_MODE_MODE2 || data_track >= 0)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "a CSO holds one data track of 2048-byte sectors (an ISO), "
                                 "and this disc has %s: convert it to bincue or chd instead",
                                 t->mode == DW_MODE_AUDIO   ? "audio tracks"
                                 : t->mode == DW_MODE_MODE2 ? "a Mode 2 formless track"
                                                            : "several tracks");
        data_track = i;
    }
    if (data_track < 0)
        return dw__set_error(err, DW_EINVAL, "the disc has no track to write to '%s'", dst_path);
    if (!(s = calloc(1, sizeof(*s))) || !(s->path = strdup(dst_path)) ||
        !(s->part = malloc(strlen(dst_path) + 6))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", dst_path);
        goto fail;
    }
    s->fd = -1;
    sprintf(s->part, "%s.part", dst_path);
    const struct dw_track *t = &disc->tracks[data_track];
    s->first_lba = t->index_lba[1];
    s->end_lba = t->end_lba != 0 && t->end_lba != DW_LBA_NONE ? t->end_lba : disc->leadout_lba;
    if (s->end_lba <= s->first_lba) {
        rc = dw__set_error(err, DW_EINVAL, "the data track is empty: nothing to write to '%s'",
                           dst_path);
        goto fail;
    }
    s->next_lba = s->first_lba;
    s->blocks = (uint64_t)(s->end_lba - s->first_lba);
    /* The largest file: every block stored, each padded to the alignment. */
    uint64_t index_end = CSO_HEADER_BYTES + (s->blocks + 1) * 4;
    while (s->shift < 31 &&
           ((index_end + s->blocks * (CSO_BLOCK_BYTES + (1ull << s->shift))) >> s->shift) >=
               0x80000000ull)
        s->shift++;
    s->pos = (index_end + (1ull << s->shift) - 1) & ~((1ull << s->shift) - 1);
    if (deflateInit2(&s->zs, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", dst_path);
        goto fail;
    }
    s->zs_ready = true;
    s->fd = open(s->part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (s->fd < 0) {
        rc = dw__set_error_errno(err, errno, "cannot create '%s'", s->part);
        goto fail;
    }
    uint64_t size_bytes = s->blocks * CSO_BLOCK_BYTES;
    uint8_t h[CSO_HEADER_BYTES] = {'C', 'I', 'S', 'O'};
    put_le32(h + 4, CSO_HEADER_BYTES);
    put_le32(h + 8, (uint32_t)size_bytes);
    put_le32(h + 12, (uint32_t)(size_bytes >> 32));
    put_le32(h + 16, CSO_BLOCK_BYTES);
    h[20] = 1;
    h[21] = (uint8_t)s->shift;
    if ((rc = write_at(s, h, sizeof(h), 0, err)))
        goto fail;
    *out = s;
    return 0;
fail:
    cso_abort(s);
    return rc;
}

/* The 2048 bytes of user data of a raw sector, or NULL for a sector that
 * has none (audio, Mode 0, Form 2, no sync). */
static const uint8_t *user_data(const uint8_t *raw)
{
    if (!dw_sector_has_sync(raw))
        return NULL;
    if (raw[15] == 1)
        return raw + 16;
    if (raw[15] == 2 && !(raw[18] & 0x20))
        return raw + 24;
    return NULL;
}

static int cso_put(struct dw__sink *s, int32_t lba, const uint8_t *raw, const uint8_t *sub,
                   int32_t sectors, struct dw_error_detail *err)
{
    (void)sub;
    for (int32_t i = 0; i < sectors; i++, raw += DW_SECTOR_RAW_BYTES) {
        int32_t at = lba + i;
        if (at < s->first_lba || at >= s->end_lba)
            continue; /* pregap before the track, or past it */
        if (at != s->next_lba)
            return dw__set_error(err, DW_EINVAL,
                                 "sector %" PRId32 " came where sector %" PRId32 " was due: "
                                 "sectors go to '%s' in order, without gaps",
                                 at, s->next_lba, s->path);
        const uint8_t *user = user_data(raw);
        if (!user)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "sector %" PRId32 " is not a Mode 1 or Mode 2 Form 1 sector "
                                 "(mode byte %u): a CSO holds 2048-byte sectors only; "
                                 "convert to bincue or chd instead",
                                 at, raw[15]);
        deflateReset(&s->zs);
        s->zs.next_in = (uint8_t *)(uintptr_t)user;
        s->zs.avail_in = CSO_BLOCK_BYTES;
        s->zs.next_out = s->out;
        s->zs.avail_out = sizeof(s->out);
        int z = deflate(&s->zs, Z_FINISH);
        size_t n = sizeof(s->out) - s->zs.avail_out;
        bool stored = z != Z_STREAM_END || n >= CSO_BLOCK_BYTES;
        const uint8_t *payload = stored ? user : s->out;
        if (stored)
            n = CSO_BLOCK_BYTES;
        int rc = add_entry(s, (uint32_t)(s->pos >> s->shift) | (stored ? 0x80000000u : 0), err);
        if (rc || (rc = write_at(s, payload, n, s->pos, err)))
            return rc;
        s->pos += n;
        s->pos = (s->pos + (1ull << s->shift) - 1) & ~((1ull << s->shift) - 1);
        s->next_lba++;
    }
    return 0;
}

static int cso_commit(struct dw__sink *s, struct dw_error_detail *err)
{
    int rc;
    if (s->next_lba != s->end_lba) {
        rc = dw__set_error(err, DW_ETRUNC,
                           "only %" PRId32 " of the %" PRIu64 " sectors of the data track "
                           "came: '%s' is not written",
                           s->next_lba - s->first_lba, s->blocks, s->path);
        goto fail;
    }
    /* The alignment padding after the last block makes the end a multiple
     * of 1 << shift: write its last byte so that the file is that long. */
    uint8_t zero = 0;
    if ((rc = add_entry(s, (uint32_t)(s->pos >> s->shift), err)) || (rc = flush_index(s, err)))
        goto fail;
    if (ftruncate(s->fd, (off_t)s->pos) != 0 && (rc = write_at(s, &zero, 1, s->pos - 1, err)))
        goto fail;
    if (fsync(s->fd) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot write '%s'", s->part);
        goto fail;
    }
    if (close(s->fd) != 0) {
        s->fd = -1;
        unlink(s->part);
        rc = dw__set_error_errno(err, errno, "cannot write '%s'", s->part);
        goto fail;
    }
    s->fd = -1;
    if (rename(s->part, s->path) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot rename '%s' to '%s'", s->part, s->path);
        unlink(s->part);
        goto fail;
    }
    cso_abort(s);
    return 0;
fail:
    cso_abort(s);
    return rc;
}

const struct dw__sink_ops dw__sink_cso = {
    .name = "cso",
    .summary = "CSO (CISO v1): the ISO of one data track, deflate blocks of 2048 bytes",
    .open = cso_open,
    .put = cso_put,
    .commit = cso_commit,
    .abort = cso_abort,
};
