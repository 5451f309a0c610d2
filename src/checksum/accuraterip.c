/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AccurateRip v1/v2 and frame-450 checksums, streaming; the frame-450
 * offset search; dBAR response parsing and matching.
 *
 * Formulas: ../shared/REFERENCE.md "Audio checksums and disc ids".  A
 * stereo sample is the little-endian u32 v = L | R << 16; samples are
 * numbered k = 1..N within the track.  v1 = sum lo32(k*v), v2 = sum
 * lo32(k*v) + hi32(k*v), mod 2^32. */
#include <stdlib.h>
#include <string.h>
#include "discwright/accuraterip.h"
#include "discwright/errors.h"

#define F450_FIRST ((uint64_t)DW_AR_FRAME450_FIRST_SAMPLE) /* k of frame 450 = F450_FIRST + j */
#define FRAME_SAMPLES ((uint64_t)DW_AR_SAMPLES_PER_SECTOR)

struct dw_ar_calc {
    uint64_t samples;       /* declared N, 0 = unknown */
    uint64_t fed;           /* whole samples consumed (k of the last one) */
    uint64_t k_min, k_max;  /* samples that count, inclusive */
    uint32_t sum_lo, sum_hi;
    uint32_t f450;
    uint8_t partial[4];     /* bytes of a sample cut between calls */
    unsigned partial_bytes;
};

/* Sample j of the array at p: a little-endian u32 read in one load. */
static inline uint32_t sample_at(const uint8_t *p, size_t j)
{
    uint32_t v;
    memcpy(&v, p + 4 * j, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int dw_ar_calc_new(uint64_t samples, unsigned flags, struct dw_ar_calc **out)
{
    if (!out || (flags & ~(DW_AR_FIRST_TRACK | DW_AR_LAST_TRACK)) ||
        ((flags & DW_AR_LAST_TRACK) && samples == 0) || samples > UINT32_MAX)
        return DW_EINVAL;
    struct dw_ar_calc *c = calloc(1, sizeof(*c));
    if (!c)
        return DW_ENOMEM;
    c->samples = samples;
    c->k_min = (flags & DW_AR_FIRST_TRACK) ? DW_AR_SKIP_SAMPLES : 1;
    if (flags & DW_AR_LAST_TRACK)
        c->k_max = samples > DW_AR_SKIP_SAMPLES ? samples - DW_AR_SKIP_SAMPLES : 0;
    else
        c->k_max = UINT32_MAX;
    *out = c;
    return 0;
}

/* Add n whole samples at p, the first being sample k0 = c->fed + 1. */
static void add_samples(struct dw_ar_calc *c, const uint8_t *p, uint64_t n)
{
    uint64_t k0 = c->fed + 1, k_end = c->fed + n; /* inclusive range of this call */

    /* The checksummed part: [max(k0, k_min), min(k_end, k_max)]. */
    uint64_t lo = k0 > c->k_min ? k0 : c->k_min;
    uint64_t hi = k_end < c->k_max ? k_end : c->k_max;
    if (lo <= hi) {
        /* k <= k_max <= UINT32_MAX: a 32 x 32 -> 64-bit product, which the
         * compiler vectorises (pmuludq) over the 32-bit sample array (gcc
         * with its dynamic cost model: CMakeLists.txt). */
        uint32_t s_lo = c->sum_lo, s_hi = c->sum_hi;
        const uint8_t *q = p + (lo - k0) * 4;
        uint32_t k_first = (uint32_t)lo;
        size_t count = (size_t)(hi - lo + 1);
        for (size_t j = 0; j < count; j++) {
            uint64_t prod = (uint64_t)sample_at(q, j) * (uint32_t)(k_first + j);
            s_lo += (uint32_t)prod;
            s_hi += (uint32_t)(prod >> 32);
        }
        c->sum_lo = s_lo;
        c->sum_hi = s_hi;
    }

    /* Frame 450, no skips: k = F450_FIRST + j, j = 1..588. */
    lo = k0 > F450_FIRST + 1 ? k0 : F450_FIRST + 1;
    hi = k_end < F450_FIRST + FRAME_SAMPLES ? k_end : F450_FIRST + FRAME_SAMPLES;
    for (uint64_t k = lo; k <= hi; k++)
        c->f450 += (uint32_t)(k - F450_FIRST) * le32(p + (k - k0) * 4);

    c->fed = k_end;
}

int dw_ar_calc_update(struct dw_ar_calc *c, const void *pcm, size_t bytes)
{
    const uint8_t *p = pcm;
    if (!c || (!p && bytes))
        return DW_EINVAL;
    /* Bound check before consuming anything. */
    uint64_t total_bytes = c->fed * 4 + c->partial_bytes + (uint64_t)bytes;
    uint64_t limit = c->samples ? c->samples : (uint64_t)UINT32_MAX;
    if (total_bytes > limit * 4)
        return DW_ERANGE;

    if (c->partial_bytes) {
        size_t take = 4 - c->partial_bytes;
        if (take > bytes)
            take = bytes;
        memcpy(c->partial + c->partial_bytes, p, take);
        c->partial_bytes += (unsigned)take;
        p += take;
        bytes -= take;
        if (c->partial_bytes < 4)
            return 0;
        add_samples(c, c->partial, 1);
        c->partial_bytes = 0;
    }
    uint64_t n = bytes / 4;
    if (n)
        add_samples(c, p, n);
    p += n * 4;
    bytes -= n * 4;
    if (bytes) {
        memcpy(c->partial, p, bytes);
        c->partial_bytes = (unsigned)bytes;
    }
    return 0;
}

int dw_ar_calc_final(const struct dw_ar_calc *c, struct dw_ar_checksums *out)
{
    if (!c || !out)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    out->v1 = c->sum_lo;
    out->v2 = c->sum_lo + c->sum_hi;
    out->samples = c->fed;
    out->has_frame450 = c->fed >= F450_FIRST + FRAME_SAMPLES;
    out->frame450 = out->has_frame450 ? c->f450 : 0;
    if (c->partial_bytes || (c->samples && c->fed != c->samples))
        return DW_ETRUNC;
    return 0;
}

void dw_ar_calc_free(struct dw_ar_calc *c)
{
    free(c);
}

int dw_ar_track_flags(const struct dw_disc *disc, int number)
{
    if (!disc)
        return DW_EINVAL;
    int first = -1, last = -1, self = -1;
    for (int i = 0; i < disc->track_count && i < DW_MAX_TRACKS; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->number == number)
            self = i;
        if (dw_track_is_data(t))
            continue;
        if (first < 0)
            first = i;
        last = i;
    }
    if (self < 0 || dw_track_is_data(&disc->tracks[self]))
        return DW_EINVAL;
    int flags = 0;
    if (self == first)
        flags |= (int)DW_AR_FIRST_TRACK;
    if (self == last)
        flags |= (int)DW_AR_LAST_TRACK;
    return flags;
}

/* ------------------------------------------------------------------ */
/* Frame-450 offset search                                              */

int dw_ar_frame450_search(const void *pcm, size_t bytes, int32_t max_shift_samples,
                          const uint32_t *targets, int target_count,
                          struct dw_ar_offset_hit *hits, size_t max_hits, size_t *hit_count)
{
    const uint8_t *p = pcm;
    if (!p || !hit_count || target_count < 0 || (target_count > 0 && !targets) ||
        (max_hits > 0 && !hits) || max_shift_samples < 0 ||
        max_shift_samples > DW_AR_FRAME450_FIRST_SAMPLE)
        return DW_EINVAL;
    size_t window = (size_t)DW_AR_SAMPLES_PER_SECTOR + 2 * (size_t)max_shift_samples;
    if (bytes != window * 4)
        return DW_EINVAL;

    /* Window at shift s covers buffer samples b = s + max .. s + max + 587
     * (0-based), multipliers 1..588.  c = sum j * w, sum = sum w. */
    uint32_t c = 0, sum = 0;
    for (uint32_t j = 1; j <= DW_AR_SAMPLES_PER_SECTOR; j++) {
        uint32_t v = le32(p + (size_t)(j - 1) * 4);
        c += j * v;
        sum += v;
    }
    size_t found = 0;
    for (int32_t s = -max_shift_samples;; s++) {
        for (int t = 0; t < target_count; t++) {
            if (targets[t] != 0 && targets[t] == c) {
                if (found < max_hits) {
                    hits[found].shift_samples = s;
                    hits[found].target = t;
                }
                found++;
            }
        }
        if (s == max_shift_samples)
            break;
        /* Slide one sample: drop v_old (multiplier 1), shift the rest down
         * by one, add v_new with multiplier 588. */
        size_t b_old = (size_t)(s + max_shift_samples);
        uint32_t v_old = le32(p + b_old * 4);
        uint32_t v_new = le32(p + (b_old + DW_AR_SAMPLES_PER_SECTOR) * 4);
        c = c - sum + (uint32_t)DW_AR_SAMPLES_PER_SECTOR * v_new;
        sum = sum - v_old + v_new;
    }
    *hit_count = found;
    return 0;
}

/* ------------------------------------------------------------------ */
/* dBAR responses                                                       */

#define BLOCK_HEADER_BYTES 13
#define TRACK_ENTRY_BYTES 9

void dw_ar_response_free(struct dw_ar_response *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->block_count; i++)
        free(r->blocks[i].tracks);
    free(r->blocks);
    free(r);
}

int dw_ar_response_parse(const void *data, size_t bytes, struct dw_ar_response **out)
{
    const uint8_t *p = data;
    int rc = 0;
    struct dw_ar_response *r = NULL;
    if (!out || (!p && bytes))
        return DW_EINVAL;
    *out = NULL;
    if (bytes == 0)
        return DW_EPARSE;

    /* First pass: validate the layout and count blocks. */
    size_t pos = 0, blocks = 0;
    while (pos < bytes) {
        if (bytes - pos < BLOCK_HEADER_BYTES)
            return DW_EPARSE;
        size_t n = p[pos];
        if (n == 0)
            return DW_EPARSE;
        pos += BLOCK_HEADER_BYTES;
        if ((bytes - pos) / TRACK_ENTRY_BYTES < n)
            return DW_EPARSE;
        pos += n * TRACK_ENTRY_BYTES;
        blocks++;
    }

    r = calloc(1, sizeof(*r));
    if (!r)
        return DW_ENOMEM;
    r->blocks = calloc(blocks, sizeof(*r->blocks));
    if (!r->blocks) {
        rc = DW_ENOMEM;
        goto out;
    }
    pos = 0;
    for (size_t b = 0; b < blocks; b++) {
        struct dw_ar_block *blk = &r->blocks[b];
        blk->track_count = p[pos];
        blk->id1 = le32(p + pos + 1);
        blk->id2 = le32(p + pos + 5);
        blk->cddb_id = le32(p + pos + 9);
        pos += BLOCK_HEADER_BYTES;
        blk->tracks = calloc((size_t)blk->track_count, sizeof(*blk->tracks));
        if (!blk->tracks) {
            rc = DW_ENOMEM;
            goto out;
        }
        r->block_count = (int)b + 1;
        for (int t = 0; t < blk->track_count; t++) {
            blk->tracks[t].confidence = p[pos];
            blk->tracks[t].crc = le32(p + pos + 1);
            blk->tracks[t].frame450 = le32(p + pos + 5);
            pos += TRACK_ENTRY_BYTES;
        }
    }
    *out = r;
    r = NULL;
out:
    dw_ar_response_free(r);
    return rc;
}

int dw_ar_match(const struct dw_ar_response *resp, const struct dw_ar_checksums *ours,
                int track_count, struct dw_ar_track_match *per_track,
                struct dw_ar_disc_match *disc)
{
    if (!resp || !ours || track_count < 1)
        return DW_EINVAL;
    struct dw_ar_disc_match d = {.tracks = track_count};
    for (int t = 0; t < track_count; t++) {
        struct dw_ar_track_match m = {.kind = DW_AR_MATCH_NONE, .block = -1};
        const struct dw_ar_checksums *o = &ours[t];
        for (int b = 0; b < resp->block_count; b++) {
            const struct dw_ar_block *blk = &resp->blocks[b];
            if (t >= blk->track_count)
                continue;
            const struct dw_ar_entry *e = &blk->tracks[t];
            if (e->confidence == 0)
                continue;
            m.submissions += e->confidence;
            if (o->has_frame450 && e->frame450 != 0 && e->frame450 == o->frame450)
                m.frame450_match = true;
            /* When v1 == v2 (every hi32 was 0) an entry counts once, as v1. */
            bool is_v1 = e->crc == o->v1, is_v2 = !is_v1 && e->crc == o->v2;
            if (is_v1)
                m.confidence_v1 += e->confidence;
            if (is_v2)
                m.confidence_v2 += e->confidence;
            if ((is_v1 || is_v2) &&
                (e->confidence > m.confidence || (e->confidence == m.confidence && is_v2))) {
                m.kind = is_v2 ? DW_AR_MATCH_V2 : DW_AR_MATCH_V1;
                m.block = b;
                m.confidence = e->confidence;
            }
        }
        unsigned both = m.confidence_v1 + m.confidence_v2;
        if (m.kind != DW_AR_MATCH_NONE)
            d.tracks_matched++;
        if (t == 0 || both < d.confidence)
            d.confidence = both;
        if (per_track)
            per_track[t] = m;
    }
    if (d.tracks_matched < d.tracks)
        d.confidence = 0;
    if (disc)
        *disc = d;
    return 0;
}
