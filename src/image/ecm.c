/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ECM: a CD image with the parts of its sectors that can be computed
 * (sync, mode byte, EDC, ECC P/Q, the copy of the Mode 2 subheader) left
 * out, as Neill Corlett's ecm-tools v1 write it (REFERENCE-2.md section 8).
 *
 * File: "ECM\0", records, an end marker, then the EDC (ECMA-130 Annex A
 * polynomial, little-endian) of the whole decoded file.  A record is a
 * type and a count in a variable-length header (first byte: more << 7 |
 * (count - 1) & 31 << 2 | type; each further byte: more << 7 | 7 bits,
 * placed at bit 5, 12, 19, 26), then count units of its type:
 *   0  literal bytes                       1 byte  -> 1 byte
 *   1  Mode 1 sector: address[3], user[2048]   2051 -> 2352 (whole sector)
 *   2  Mode 2 Form 1: subheader[4], user[2048] 2052 -> 2336 (after the header)
 *   3  Mode 2 Form 2: subheader[4], user[2324] 2328 -> 2336
 * The end marker is type 0 with count - 1 = 0xFFFFFFFF.  A Mode 2 sector's
 * sync and header are literal bytes of the record before.
 *
 * ECM has no index: one pass at open reads every record header into a
 * table (24 bytes a record, at most MAX_RECORDS records: 48 MiB, more than
 * any CD needs, since a record holds at least one sector or byte run
 * between sectors) and decodes the whole file once to check the trailing
 * EDC.  Reads then find their record by binary search and decode only the
 * sectors they touch; the file is read through a 64 KiB window.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/container.h"
#include "sector/edc_int.h"

#define IN_WINDOW_BYTES (64 * 1024)
#define MAX_RECORDS (2u << 20)
#define MAX_DECODED_BYTES ((uint64_t)DW__MAX_MEDIUM_SECTORS * DW_SECTOR_RAW_BYTES)

struct ecm_record {
    uint64_t out_offset; /* decoded byte where the record starts */
    uint64_t in_offset;  /* file byte of its first unit */
    uint32_t count;      /* units */
    uint8_t type;        /* 0-3 */
};

struct ecm {
    char *path;
    int fd;
    uint64_t file_bytes;
    uint64_t size_bytes; /* decoded */
    struct ecm_record *records;
    size_t record_count;
    uint8_t *window;     /* file bytes [window_at, window_at + window_bytes) */
    uint64_t window_at;
    size_t window_bytes;
    uint8_t unit[DW_SECTOR_RAW_BYTES]; /* the last decoded sector */
    size_t unit_record;
    uint32_t unit_index;
    bool unit_valid;
};

static const uint32_t in_unit[4] = {1, 3 + 2048, 4 + 2048, 4 + 2324};
static const uint32_t out_unit[4] = {1, DW_SECTOR_RAW_BYTES, DW_SECTOR_MODE2_BYTES,
                                     DW_SECTOR_MODE2_BYTES};

static void ecm_close(void *ctx)
{
    struct ecm *e = ctx;
    if (e->fd >= 0)
        close(e->fd);
    free(e->records);
    free(e->window);
    free(e->path);
    free(e);
}

/* Copy file bytes [at, at + bytes) to dst through the window. */
static int in_read(struct ecm *e, uint64_t at, uint8_t *dst, size_t bytes,
                   struct dw_error_detail *err)
{
    while (bytes > 0) {
        if (at < e->window_at || at >= e->window_at + e->window_bytes) {
            size_t got;
            int x = dw__pread_full(e->fd, e->window, IN_WINDOW_BYTES, at, &got);
            if (x)
                return dw__set_error_errno(err, x, "cannot read '%s'", e->path);
            if (got == 0)
                return dw__set_error(err, DW_ETRUNC,
                                     "'%s' ends at byte %" PRIu64 " in the middle of a record: "
                                     "the file is truncated",
                                     e->path, at);
            e->window_at = at;
            e->window_bytes = got;
        }
        size_t in = (size_t)(at - e->window_at);
        size_t n = e->window_bytes - in;
        if (n > bytes)
            n = bytes;
        memcpy(dst, e->window + in, n);
        dst += n;
        at += n;
        bytes -= n;
    }
    return 0;
}

/* Rebuild unit i of record r into e->unit (ECMA-130 cl. 14.3, 14.4). */
static int decode_unit(struct ecm *e, size_t r, uint32_t i, struct dw_error_detail *err)
{
    static const uint8_t sync[12] = {0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    const struct ecm_record *rec = &e->records[r];
    uint8_t *s = e->unit;
    uint64_t at = rec->in_offset + (uint64_t)i * in_unit[rec->type];
    int rc;
    if (e->unit_valid && e->unit_record == r && e->unit_index == i)
        return 0;
    e->unit_valid = false;
    switch (rec->type) {
    case 1:
        memcpy(s, sync, sizeof(sync));
        if ((rc = in_read(e, at, s + 12, 3, err)) ||
            (rc = in_read(e, at + 3, s + 16, DW_SECTOR_USER_BYTES, err)))
            return rc;
        s[15] = 1;
        {
            uint32_t edc = dw_edc_compute(s, 0x810);
            for (int k = 0; k < 4; k++)
                s[0x810 + k] = (uint8_t)(edc >> (8 * k));
        }
        memset(s + 0x814, 0, 8);
        dw_ecc_compute(s, false);
        break;
    case 2:
    case 3: {
        size_t user = rec->type == 2 ? DW_SECTOR_USER_BYTES : DW_SECTOR_FORM2_BYTES;
        memset(s, 0, 16);
        if ((rc = in_read(e, at, s + 0x14, 4 + user, err)))
            return rc;
        memcpy(s + 0x10, s + 0x14, 4);
        size_t edc_at = 0x18 + user;
        uint32_t edc = dw_edc_compute(s + 0x10, edc_at - 0x10);
        for (int k = 0; k < 4; k++)
            s[edc_at + k] = (uint8_t)(edc >> (8 * k));
        if (rec->type == 2)
            dw_ecc_compute(s, true);
        break;
    }
    default:
        return dw__set_error(err, DW_EPARSE, "'%s': record type %u", e->path, rec->type);
    }
    e->unit_valid = true;
    e->unit_record = r;
    e->unit_index = i;
    return 0;
}

static int ecm_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                     struct dw_error_detail *err)
{
    struct ecm *e = ctx;
    uint8_t *dst = buf;
    if (offset > e->size_bytes || bytes > e->size_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "+%zu are past its %" PRIu64
                             " decoded bytes",
                             e->path, offset, bytes, e->size_bytes);
    while (bytes > 0) {
        size_t lo = 0, hi = e->record_count; /* the last record starting at or before offset */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (e->records[mid].out_offset <= offset)
                lo = mid;
            else
                hi = mid;
        }
        const struct ecm_record *rec = &e->records[lo];
        uint64_t in_rec = offset - rec->out_offset;
        uint64_t rec_bytes = (uint64_t)rec->count * out_unit[rec->type];
        size_t n;
        int rc;
        if (rec->type == 0) {
            n = rec_bytes - in_rec < bytes ? (size_t)(rec_bytes - in_rec) : bytes;
            if ((rc = in_read(e, rec->in_offset + in_rec, dst, n, err)))
                return rc;
        } else {
            uint32_t i = (uint32_t)(in_rec / out_unit[rec->type]);
            size_t in = (size_t)(in_rec % out_unit[rec->type]);
            if ((rc = decode_unit(e, lo, i, err)))
                return rc;
            const uint8_t *src = e->unit + (rec->type == 1 ? 0 : 16);
            n = out_unit[rec->type] - in < bytes ? out_unit[rec->type] - in : bytes;
            memcpy(dst, src + in, n);
        }
        dst += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static const struct dw__vfile_ops ecm_ops = {"ecm", ecm_pread, ecm_close};

static int damaged(struct ecm *e, uint64_t at, const char *what, struct dw_error_detail *err)
{
    return dw__set_error(err, DW_EPARSE, "'%s' byte %" PRIu64 ": %s: the ECM file is damaged",
                         e->path, at, what);
}

/* Read the record table. */
static int scan(struct ecm *e, struct dw_error_detail *err)
{
    uint64_t at = 4, out = 0;
    size_t cap = 0;
    int rc;
    for (;;) {
        uint8_t c;
        uint64_t start = at;
        if ((rc = in_read(e, at++, &c, 1, err)))
            return rc;
        unsigned type = c & 3;
        uint64_t num = (c >> 2) & 0x1f;
        unsigned bits = 5;
        while (c & 0x80) {
            if ((rc = in_read(e, at++, &c, 1, err)))
                return rc;
            if (bits > 26)
                return damaged(e, start, "a record header longer than 5 bytes", err);
            num |= (uint64_t)(c & 0x7f) << bits;
            bits += 7;
        }
        if (num > 0xffffffffu)
            return damaged(e, start, "a record count past 32 bits", err);
        if (num == 0xffffffffu) {
            if (type != 0)
                return damaged(e, start, "an end marker of a type other than 0", err);
            break;
        }
        uint64_t count = num + 1;
        uint64_t in_bytes = count * in_unit[type];
        if (in_bytes > e->file_bytes || at + in_bytes > e->file_bytes)
            return dw__set_error(err, DW_ETRUNC,
                                 "'%s' byte %" PRIu64 ": a record of %" PRIu64 " %s goes past "
                                 "the end of the file: the file is truncated",
                                 e->path, start, count, type ? "sectors" : "bytes");
        if (e->record_count == MAX_RECORDS)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' has more than %u records, more than any CD image needs: "
                                 "decode it with unecm",
                                 e->path, MAX_RECORDS);
        if (e->record_count == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct ecm_record *r = realloc(e->records, ncap * sizeof(*r));
            if (!r)
                return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", e->path);
            e->records = r;
            cap = ncap;
        }
        e->records[e->record_count++] =
            (struct ecm_record){.out_offset = out, .in_offset = at, .count = (uint32_t)count,
                                .type = (uint8_t)type};
        at += in_bytes;
        out += count * out_unit[type];
        if (out > MAX_DECODED_BYTES)
            return dw__set_error(err, DW_ERANGE,
                                 "'%s' decodes to more than the largest disc image: it is not "
                                 "a disc image",
                                 e->path);
    }
    if (e->file_bytes - at != 4)
        return e->file_bytes - at < 4
                   ? dw__set_error(err, DW_ETRUNC,
                                   "'%s' ends before its EDC: the file is truncated", e->path)
                   : damaged(e, at + 4, "bytes after the end of the ECM data", err);
    if (e->record_count == 0 || out == 0)
        return dw__set_error(err, DW_EPARSE, "'%s' is an empty ECM file", e->path);
    e->size_bytes = out;
    /* The whole file's EDC. */
    uint8_t stored[4];
    if ((rc = in_read(e, at, stored, 4, err)))
        return rc;
    uint8_t *chunk = malloc(1 << 20);
    if (!chunk)
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", e->path);
    uint32_t edc = 0;
    for (uint64_t o = 0; o < out && !rc; o += 1 << 20) {
        size_t n = out - o < (1 << 20) ? (size_t)(out - o) : (1 << 20);
        if (!(rc = ecm_pread(e, chunk, n, o, err)))
            edc = dw__edc_update(edc, chunk, n);
    }
    free(chunk);
    if (rc)
        return rc;
    uint32_t want = (uint32_t)stored[0] | (uint32_t)stored[1] << 8 | (uint32_t)stored[2] << 16 |
                    (uint32_t)stored[3] << 24;
    if (edc != want)
        return dw__set_error(err, DW_EMISMATCH,
                             "'%s': the EDC of the decoded image is %08" PRIx32 " but the file "
                             "says %08" PRIx32 ": the ECM file is damaged",
                             e->path, edc, want);
    return 0;
}

int dw__ecm_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err)
{
    struct ecm *e = calloc(1, sizeof(*e));
    uint8_t magic[4];
    int rc;
    memset(out, 0, sizeof(*out));
    if (!e || !(e->path = strdup(path)) || !(e->window = malloc(IN_WINDOW_BYTES))) {
        if (e)
            free(e->path);
        free(e);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    e->fd = -1;
    if ((rc = dw__image_open_file(path, false, &e->fd, &e->file_bytes, err)))
        goto out;
    if (e->file_bytes < 4 || (rc = in_read(e, 0, magic, 4, err)) || memcmp(magic, "ECM\0", 4)) {
        if (!rc)
            rc = dw__set_error(err, DW_EPARSE, "'%s' does not start with \"ECM\\0\"", path);
        goto out;
    }
    if ((rc = scan(e, err)))
        goto out;
    out->ops = &ecm_ops;
    out->ctx = e;
    out->bytes = e->size_bytes;
    return 0;
out:
    ecm_close(e);
    return rc;
}
