/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Read offset correction: a layer over dw_drive_read_raw(_c2) that shifts
 * audio by a whole number of samples (rip/offset.h). */
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/offset.h"

#define SECTOR DW_SECTOR_RAW_BYTES
#define C2_BYTES DW_C2_BYTES_PER_SECTOR

enum kind { K_AUDIO, K_LEADIN, K_LEADOUT, K_DATA };

struct dw__offset_reader {
    struct dw_drive *drive;
    const struct dw_disc *disc;
    int32_t samples;
    uint8_t *buf, *c2;          /* cap sectors each */
    int32_t cap;
    int overread[DW_OFFSET_EDGE_KINDS]; /* -1 untried, 0 refused, 1 read */
    struct dw__offset_span spans[DW_OFFSET_MAX_SPANS];
    int span_count;
};

const char *dw__offset_edge_name(enum dw__offset_edge edge)
{
    switch (edge) {
    case DW_OFFSET_EDGE_LEADIN:
        return "lead-in";
    case DW_OFFSET_EDGE_LEADOUT:
        return "lead-out";
    case DW_OFFSET_EDGE_DATA:
        return "data track";
    default:
        return "?";
    }
}

int dw__offset_reader_new(struct dw_drive *drive, const struct dw_disc *disc, int32_t samples,
                          struct dw__offset_reader **out)
{
    if (!drive || !disc || !out || disc->track_count < 1)
        return DW_EINVAL;
    struct dw__offset_reader *o = calloc(1, sizeof(*o));
    if (!o)
        return DW_ENOMEM;
    o->drive = drive;
    o->disc = disc;
    o->samples = samples;
    for (int i = 0; i < DW_OFFSET_EDGE_KINDS; i++)
        o->overread[i] = -1;
    *out = o;
    return 0;
}

void dw__offset_reader_free(struct dw__offset_reader *o)
{
    if (!o)
        return;
    free(o->buf);
    free(o->c2);
    free(o);
}

int dw__offset_spans(const struct dw__offset_reader *o, const struct dw__offset_span **spans)
{
    *spans = o->spans;
    return o->span_count;
}

int dw__offset_overread(const struct dw__offset_reader *o, enum dw__offset_edge edge)
{
    return edge >= 0 && edge < DW_OFFSET_EDGE_KINDS ? o->overread[edge] : -1;
}

/* What sector s of the disc holds. */
static enum kind kind_of(const struct dw_disc *disc, int32_t s)
{
    if (s < 0)
        return K_LEADIN;
    int32_t first = dw_track_first_lba(&disc->tracks[0]);
    if (s < first) /* before a track 1 that starts after LBA 0 without INDEX 00 */
        return dw_track_is_data(&disc->tracks[0]) ? K_DATA : K_AUDIO;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (s >= dw_track_first_lba(t) && s < t->end_lba)
            return dw_track_is_data(t) ? K_DATA : K_AUDIO;
    }
    return K_LEADOUT; /* a lead-out, or the gap between sessions */
}

/* Record output samples [first, first + n) as zero-filled for `why`. */
static void add_span(struct dw__offset_reader *o, int64_t first, int64_t n,
                     enum dw__offset_edge why)
{
    int64_t end = first + n;
    for (int i = 0; i < o->span_count; i++) {
        struct dw__offset_span *p = &o->spans[i];
        if (p->why == why && first <= p->first_sample + p->samples && end >= p->first_sample) {
            int64_t lo = first < p->first_sample ? first : p->first_sample;
            int64_t hi = end > p->first_sample + p->samples ? end : p->first_sample + p->samples;
            p->first_sample = lo;
            p->samples = hi - lo;
            return;
        }
    }
    int at = o->span_count;
    if (at == DW_OFFSET_MAX_SPANS) { /* fold into the last one */
        struct dw__offset_span *p = &o->spans[at - 1];
        if (end > p->first_sample + p->samples)
            p->samples = end - p->first_sample;
        return;
    }
    while (at > 0 && o->spans[at - 1].first_sample > first) {
        o->spans[at] = o->spans[at - 1];
        at--;
    }
    o->spans[at] = (struct dw__offset_span){first, n, why};
    o->span_count++;
}

static bool fatal(int rc)
{
    return dw__read_error_is_fatal(rc);
}

static int read_run(struct dw__offset_reader *o, int32_t s, int32_t n, uint8_t *buf, uint8_t *c2)
{
    if (!c2)
        return dw_drive_read_raw(o->drive, s, n, buf);
    return dw_drive_read_raw_c2(o->drive, s, n, buf, c2);
}

int dw__offset_read(struct dw__offset_reader *o, int32_t lba, int32_t sectors, uint8_t *buf,
                    uint8_t *c2)
{
    if (!o || !buf || sectors <= 0)
        return DW_EINVAL;
    int64_t start = (int64_t)lba * SECTOR + (int64_t)o->samples * 4;
    int64_t s0 = start >= 0 ? start / SECTOR : -((-start + SECTOR - 1) / SECTOR);
    size_t o0 = (size_t)(start - s0 * SECTOR);
    int32_t count = sectors + (o0 ? 1 : 0);
    if (count > o->cap) {
        uint8_t *b = realloc(o->buf, (size_t)count * SECTOR);
        if (b)
            o->buf = b;
        uint8_t *c = b ? realloc(o->c2, (size_t)count * C2_BYTES) : NULL;
        if (c)
            o->c2 = c;
        if (!b || !c)
            return DW_ENOMEM;
        o->cap = count;
    }
    memset(o->c2, 0, (size_t)count * C2_BYTES);

    for (int32_t i = 0; i < count;) {
        int32_t s = (int32_t)s0 + i;
        enum kind k = kind_of(o->disc, s);
        uint8_t *dst = o->buf + (size_t)i * SECTOR;
        uint8_t *dst_c2 = c2 ? o->c2 + (size_t)i * C2_BYTES : NULL;
        if (k == K_AUDIO) {
            int32_t run = 1;
            while (i + run < count && kind_of(o->disc, s + run) == K_AUDIO)
                run++;
            int rc = read_run(o, s, run, dst, dst_c2);
            if (rc)
                return rc;
            i += run;
            continue;
        }
        enum dw__offset_edge edge = k == K_LEADIN    ? DW_OFFSET_EDGE_LEADIN
                                    : k == K_LEADOUT ? DW_OFFSET_EDGE_LEADOUT
                                                     : DW_OFFSET_EDGE_DATA;
        bool got = false;
        if (edge != DW_OFFSET_EDGE_DATA && o->overread[edge] != 0) {
            /* Overread: read past the audio once; a drive that refuses is
             * not asked again. */
            int rc = dw_drive_read_raw(o->drive, s, 1, dst);
            if (rc && fatal(rc))
                return rc;
            if (rc == 0)
                got = true;
            if (o->overread[edge] < 0)
                o->overread[edge] = rc == 0;
        }
        if (!got) {
            memset(dst, 0, SECTOR);
            /* The output bytes this sector covers. */
            int64_t from = (int64_t)i * SECTOR - (int64_t)o0;
            int64_t to = from + SECTOR;
            if (from < 0)
                from = 0;
            if (to > (int64_t)sectors * SECTOR)
                to = (int64_t)sectors * SECTOR;
            if (to > from)
                add_span(o, (int64_t)lba * DW_SAMPLES_PER_SECTOR + from / 4, (to - from) / 4,
                         edge);
        }
        i++;
    }

    memcpy(buf, o->buf + o0, (size_t)sectors * SECTOR);
    if (c2) {
        memset(c2, 0, (size_t)sectors * C2_BYTES);
        for (size_t j = 0; j < (size_t)sectors * SECTOR; j++) {
            size_t b = o0 + j, sec = b / SECTOR, in = b % SECTOR;
            if ((o->c2[sec * C2_BYTES + in / 8] >> (7 - in % 8)) & 1)
                c2[(j / SECTOR) * C2_BYTES + (j % SECTOR) / 8] |=
                    (uint8_t)(0x80 >> ((j % SECTOR) % 8));
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Data-sector sync                                                     */

static bool header_ok(const uint8_t *h, int32_t *lba)
{
    int m = dw_bcd_decode(h[0]), s = dw_bcd_decode(h[1]), f = dw_bcd_decode(h[2]);
    if (m < 0 || s < 0 || f < 0 || s > 59 || f > 74 || h[3] > 2)
        return false;
    *lba = dw_msf_to_lba((unsigned)m, (unsigned)s, (unsigned)f);
    return true;
}

int dw__offset_sync_scan(const uint8_t *buf, size_t bytes, int64_t first_byte,
                         struct dw__sync_hit *hits, int max_hits)
{
    static const uint8_t sync[12] = {0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    int found = 0;
    for (size_t p = 0; p + 16 <= bytes && found < max_hits; p++) {
        if (buf[p] != 0 || buf[p + 1] != 0xff || memcmp(buf + p, sync, 12) != 0)
            continue;
        struct dw__sync_hit h = {.byte_pos = first_byte + (int64_t)p};
        if (!header_ok(buf + p + 12, &h.header_lba)) {
            /* Descramble the header: the scrambler runs from byte 12. */
            uint8_t sector[SECTOR] = {0};
            memcpy(sector + 12, buf + p + 12, 4);
            dw_scramble(sector);
            if (!header_ok(sector + 12, &h.header_lba))
                continue;
            h.scrambled = true;
        }
        h.combined_bytes = h.byte_pos - (int64_t)h.header_lba * SECTOR;
        hits[found++] = h;
        p += 15;
    }
    return found;
}
