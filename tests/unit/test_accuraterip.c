/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of AccurateRip checksums, the frame-450 offset search, EAC
 * CRCs and dBAR responses (src/checksum/accuraterip.c, eac_crc.c).
 *
 * Published vectors (../shared/fixtures/README.md): libarcstk's
 * calculation-test-01.bin (v1 0x8FE8D29B, v2 0xD15BB487 as one track
 * without skips), whipper's dBAR-002 response, libarcstk's dBAR-015
 * response and its truncated copies.  Synthetic tracks are checked against
 * a plain O(N) reference written out here from the REFERENCE.md formulas.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include <zlib.h>
#include "discwright/accuraterip.h"
#include "discwright/errors.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define ARCSTK_DIR DW_FIXTURES_DIR "/libarcstk/test/data"
#define WHIPPER_DIR DW_FIXTURES_DIR "/whipper/whipper/test"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Deterministic noise (xorshift32). */
static void fill_noise(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)(x >> 11);
    }
}

static uint32_t sample_at(const uint8_t *pcm, uint64_t k /* 1-based */)
{
    const uint8_t *p = pcm + (k - 1) * 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The formulas written out plainly (REFERENCE.md). */
static void reference(const uint8_t *pcm, uint64_t n, unsigned flags, struct dw_ar_checksums *out)
{
    uint32_t lo = 0, hi = 0, f450 = 0;
    for (uint64_t k = 1; k <= n; k++) {
        if ((flags & DW_AR_FIRST_TRACK) && k < 2940)
            continue;
        if ((flags & DW_AR_LAST_TRACK) && k + 2940 > n)
            continue;
        uint64_t prod = (uint64_t)sample_at(pcm, k) * k;
        lo += (uint32_t)(prod & 0xffffffffu);
        hi += (uint32_t)(prod >> 32);
    }
    for (uint32_t j = 1; j <= 588 && 450 * 588 + j <= n; j++)
        f450 += j * sample_at(pcm, 450 * 588 + j);
    memset(out, 0, sizeof(*out));
    out->v1 = lo;
    out->v2 = lo + hi;
    out->has_frame450 = n >= 451 * 588;
    out->frame450 = out->has_frame450 ? f450 : 0;
    out->samples = n;
}

/* Checksums of pcm fed in chunks of `chunk` bytes (0: one piece). */
static int streamed(const uint8_t *pcm, size_t bytes, uint64_t samples, unsigned flags,
                    size_t chunk, struct dw_ar_checksums *out)
{
    struct dw_ar_calc *c = NULL;
    assert_int_equal(dw_ar_calc_new(samples, flags, &c), 0);
    if (chunk == 0)
        chunk = bytes ? bytes : 1;
    for (size_t pos = 0; pos < bytes; pos += chunk) {
        size_t n = bytes - pos < chunk ? bytes - pos : chunk;
        assert_int_equal(dw_ar_calc_update(c, pcm + pos, n), 0);
    }
    int rc = dw_ar_calc_final(c, out);
    dw_ar_calc_free(c);
    return rc;
}

static void assert_sums_equal(const struct dw_ar_checksums *a, const struct dw_ar_checksums *b)
{
    assert_int_equal(a->v1, b->v1);
    assert_int_equal(a->v2, b->v2);
    assert_int_equal(a->frame450, b->frame450);
    assert_int_equal(a->has_frame450, b->has_frame450);
    assert_int_equal(a->samples, b->samples);
}

/* ------------------------------------------------------------------ */
/* Synthetic tests                                                      */

/* A track long enough for frame 450 and both skips, fed whole and in
 * 1-, 7-, 2352- and odd-sized chunks, with every flag combination,
 * against the reference. */
static void test_streaming_and_skips(void **state)
{
    (void)state;
    const uint64_t n = 460 * 588 + 123; /* not sector aligned on purpose */
    size_t bytes = (size_t)n * 4;
    uint8_t *pcm = malloc(bytes);
    assert_non_null(pcm);
    fill_noise(pcm, bytes, 0x1234567u);
    const size_t chunks[] = {0, 1, 7, 2352, 4093, 65536};
    for (unsigned flags = 0; flags < 4; flags++) {
        struct dw_ar_checksums ref, got;
        reference(pcm, n, flags, &ref);
        assert_true(ref.has_frame450);
        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            assert_int_equal(streamed(pcm, bytes, n, flags, chunks[i], &got), 0);
            assert_sums_equal(&got, &ref);
        }
    }
    /* The skips change the checksums (they are not no-ops). */
    struct dw_ar_checksums none, first, last;
    reference(pcm, n, 0, &none);
    reference(pcm, n, DW_AR_FIRST_TRACK, &first);
    reference(pcm, n, DW_AR_LAST_TRACK, &last);
    assert_int_not_equal(none.v1, first.v1);
    assert_int_not_equal(none.v1, last.v1);
    free(pcm);
}

/* The skip boundaries sample by sample: a track of zeros with a single
 * non-zero sample at k counts it exactly when k is inside the window. */
static void test_skip_boundaries(void **state)
{
    (void)state;
    const uint64_t n = 10 * 588;
    size_t bytes = (size_t)n * 4;
    uint8_t *pcm = calloc(1, bytes);
    assert_non_null(pcm);
    const uint64_t ks[] = {1, 2939, 2940, 2941, n - 2941, n - 2940, n - 2939, n};
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        uint64_t k = ks[i];
        memset(pcm, 0, bytes);
        pcm[(k - 1) * 4] = 1; /* v_k = 1 */
        struct dw_ar_checksums got;
        assert_int_equal(streamed(pcm, bytes, n, DW_AR_FIRST_TRACK, 5, &got), 0);
        assert_int_equal(got.v1, k >= 2940 ? (uint32_t)k : 0);
        assert_int_equal(streamed(pcm, bytes, n, DW_AR_LAST_TRACK, 5, &got), 0);
        assert_int_equal(got.v1, k <= n - 2940 ? (uint32_t)k : 0);
        assert_int_equal(streamed(pcm, bytes, n, DW_AR_FIRST_TRACK | DW_AR_LAST_TRACK, 0, &got),
                         0);
        assert_int_equal(got.v1, (k >= 2940 && k <= n - 2940) ? (uint32_t)k : 0);
        assert_false(got.has_frame450);
        assert_int_equal(got.frame450, 0);
    }
    free(pcm);
}

/* v2 adds the high halves: v = 0xFFFFFFFF at k = 3 gives k*v = 3*2^32 - 3. */
static void test_v2_high_half(void **state)
{
    (void)state;
    uint8_t pcm[16];
    memset(pcm, 0, sizeof(pcm));
    memset(pcm + 8, 0xff, 4);
    struct dw_ar_checksums got;
    assert_int_equal(streamed(pcm, sizeof(pcm), 4, 0, 3, &got), 0);
    assert_int_equal(got.v1, (uint32_t)(3ull * 0xffffffffull));
    assert_int_equal(got.v2, (uint32_t)(3ull * 0xffffffffull) + 2u);
}

static void test_calc_errors(void **state)
{
    (void)state;
    struct dw_ar_calc *c = NULL;
    assert_int_equal(dw_ar_calc_new(100, 0x4, &c), DW_EINVAL);
    assert_int_equal(dw_ar_calc_new(0, DW_AR_LAST_TRACK, &c), DW_EINVAL);
    assert_int_equal(dw_ar_calc_new(1ull << 32, 0, &c), DW_EINVAL);
    assert_int_equal(dw_ar_calc_new(3, 0, NULL), DW_EINVAL);

    uint8_t pcm[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    struct dw_ar_checksums got;
    assert_int_equal(dw_ar_calc_new(3, 0, &c), 0);
    /* 16 bytes are 4 samples: more than declared, nothing consumed. */
    assert_int_equal(dw_ar_calc_update(c, pcm, 16), DW_ERANGE);
    assert_int_equal(dw_ar_calc_update(c, pcm, 6), 0);
    assert_int_equal(dw_ar_calc_final(c, &got), DW_ETRUNC); /* half a sample pending */
    assert_int_equal(got.samples, 1);
    assert_int_equal(dw_ar_calc_update(c, pcm + 6, 6), 0);
    assert_int_equal(dw_ar_calc_update(c, pcm, 1), DW_ERANGE);
    assert_int_equal(dw_ar_calc_final(c, &got), 0);
    assert_int_equal(got.samples, 3);
    assert_int_equal(dw_ar_calc_update(c, NULL, 0), 0);
    assert_int_equal(dw_ar_calc_update(c, NULL, 4), DW_EINVAL);
    dw_ar_calc_free(c);
    dw_ar_calc_free(NULL);

    /* Unknown length: anything goes, final never reports truncation. */
    assert_int_equal(dw_ar_calc_new(0, DW_AR_FIRST_TRACK, &c), 0);
    assert_int_equal(dw_ar_calc_update(c, pcm, 16), 0);
    assert_int_equal(dw_ar_calc_final(c, &got), 0);
    assert_int_equal(got.samples, 4);
    dw_ar_calc_free(c);
}

static void add_track(struct dw_disc *d, int number, bool data, int32_t lba)
{
    struct dw_track *t = &d->tracks[d->track_count++];
    t->number = number;
    t->session = 1;
    t->mode = data ? DW_MODE_MODE1 : DW_MODE_AUDIO;
    t->control = data ? DW_CTL_DATA : 0;
    t->index_lba[1] = lba;
    t->index_count = 2;
}

static void test_track_flags(void **state)
{
    (void)state;
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    add_track(d, 1, true, 0); /* mixed mode: data first */
    add_track(d, 2, false, 1000);
    add_track(d, 3, false, 2000);
    add_track(d, 4, false, 3000);
    add_track(d, 5, true, 20000); /* and CD-Extra style data at the end */
    d->leadout_lba = 30000;
    assert_int_equal(dw_ar_track_flags(d, 1), DW_EINVAL);
    assert_int_equal(dw_ar_track_flags(d, 2), (int)DW_AR_FIRST_TRACK);
    assert_int_equal(dw_ar_track_flags(d, 3), 0);
    assert_int_equal(dw_ar_track_flags(d, 4), (int)DW_AR_LAST_TRACK);
    assert_int_equal(dw_ar_track_flags(d, 5), DW_EINVAL);
    assert_int_equal(dw_ar_track_flags(d, 6), DW_EINVAL);
    d->track_count = 2; /* one audio track: both skips */
    assert_int_equal(dw_ar_track_flags(d, 2), (int)(DW_AR_FIRST_TRACK | DW_AR_LAST_TRACK));
    dw_disc_free(d);
}

/* Frame-450 checksum of the track's samples starting at 1-based k0 + 1. */
static uint32_t frame_sum(const uint8_t *pcm, uint64_t k0)
{
    uint32_t c = 0;
    for (uint32_t j = 1; j <= 588; j++)
        c += j * sample_at(pcm, k0 + j);
    return c;
}

/* The sliding search finds exactly the shifts a brute-force scan finds. */
static void test_frame450_search(void **state)
{
    (void)state;
    const int32_t max = 3000;
    const uint64_t n = 451 * 588 + (uint64_t)max; /* room for the widest window */
    size_t bytes = (size_t)n * 4;
    uint8_t *pcm = malloc(bytes);
    assert_non_null(pcm);
    fill_noise(pcm, bytes, 0xbeef);
    const uint64_t f0 = 450 * 588;
    /* Targets: the frame at shifts -2999, -37, 0, +1, +3000, a value that
     * matches nowhere, and 0 (ignored). */
    uint32_t targets[7] = {frame_sum(pcm, f0 - 2999), frame_sum(pcm, f0 - 37),
                           frame_sum(pcm, f0), frame_sum(pcm, f0 + 1),
                           frame_sum(pcm, f0 + 3000), 0x12345678u, 0};
    const uint8_t *window = pcm + (f0 - (uint64_t)max) * 4;
    size_t wbytes = (588 + 2 * (size_t)max) * 4;
    struct dw_ar_offset_hit hits[16];
    size_t count = 0;
    assert_int_equal(dw_ar_frame450_search(window, wbytes, max, targets, 7, hits, 16, &count), 0);

    /* Brute force over every shift. */
    size_t expect = 0;
    for (int32_t s = -max; s <= max; s++) {
        uint32_t c = frame_sum(pcm, (uint64_t)((int64_t)f0 + s));
        for (int t = 0; t < 7; t++) {
            if (targets[t] != 0 && targets[t] == c) {
                assert_true(expect < count);
                assert_int_equal(hits[expect].shift_samples, s);
                assert_int_equal(hits[expect].target, t);
                expect++;
            }
        }
    }
    assert_int_equal(count, expect);
    assert_int_equal(count, 5); /* noise: no coincidences */
    assert_int_equal(hits[0].shift_samples, -2999);
    assert_int_equal(hits[1].shift_samples, -37);
    assert_int_equal(hits[2].shift_samples, 0);
    assert_int_equal(hits[3].shift_samples, 1);
    assert_int_equal(hits[4].shift_samples, 3000);

    /* Shift 0 equals the streaming calculator's frame-450 value. */
    struct dw_ar_checksums got;
    assert_int_equal(streamed(pcm, bytes, n, 0, 2352, &got), 0);
    assert_int_equal(got.frame450, targets[2]);

    /* Too few hit slots: the count still says how many. */
    assert_int_equal(dw_ar_frame450_search(window, wbytes, max, targets, 7, hits, 2, &count), 0);
    assert_int_equal(count, 5);
    assert_int_equal(hits[1].shift_samples, -37);
    assert_int_equal(dw_ar_frame450_search(window, wbytes, max, targets, 7, NULL, 0, &count), 0);
    assert_int_equal(count, 5);

    /* max_shift 0: just the frame itself. */
    assert_int_equal(
        dw_ar_frame450_search(pcm + f0 * 4, 588 * 4, 0, targets, 7, hits, 16, &count), 0);
    assert_int_equal(count, 1);
    assert_int_equal(hits[0].shift_samples, 0);
    assert_int_equal(hits[0].target, 2);

    /* Bad arguments. */
    assert_int_equal(dw_ar_frame450_search(window, wbytes - 4, max, targets, 7, hits, 16, &count),
                     DW_EINVAL);
    assert_int_equal(dw_ar_frame450_search(window, wbytes, -1, targets, 7, hits, 16, &count),
                     DW_EINVAL);
    assert_int_equal(dw_ar_frame450_search(window, wbytes, max, targets, 7, hits, 16, NULL),
                     DW_EINVAL);
    free(pcm);
}

/* CRC-32 of the non-zero 16-bit words, built the slow way. */
static uint32_t nonull_reference(const uint8_t *p, size_t bytes)
{
    uint8_t *copy = malloc(bytes + 1);
    assert_non_null(copy);
    size_t o = 0;
    for (size_t i = 0; i + 1 < bytes; i += 2) {
        if (p[i] | p[i + 1]) {
            copy[o++] = p[i];
            copy[o++] = p[i + 1];
        }
    }
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), copy, (uInt)o);
    free(copy);
    return crc;
}

static void test_eac_crcs(void **state)
{
    (void)state;
    /* Copy CRC is plain CRC-32: the ISO-HDLC check value. */
    struct dw_eac_crc *e = dw_eac_crc_new();
    assert_non_null(e);
    uint32_t copy = 0, nonull = 0;
    dw_eac_crc_update(e, "123456789", 9);
    assert_int_equal(dw_eac_crc_final(e, &copy, NULL), DW_ETRUNC); /* odd byte count */
    assert_int_equal(copy, 0xCBF43926u);
    dw_eac_crc_free(e);

    /* Noise with silent stretches, single silent channels and a word
     * that is zero in one byte only. */
    const size_t bytes = 3 * 2352 + 8;
    uint8_t *pcm = malloc(bytes);
    assert_non_null(pcm);
    fill_noise(pcm, bytes, 77);
    memset(pcm + 100, 0, 2352);           /* digital silence */
    for (size_t i = 4000; i < 6000; i += 4) /* silent left channel */
        pcm[i] = pcm[i + 1] = 0;
    pcm[7000] = 0;                        /* low byte zero, high byte not */
    pcm[7001] = 0x80;
    uint32_t want_copy = (uint32_t)crc32(crc32(0L, Z_NULL, 0), pcm, (uInt)bytes);
    uint32_t want_nonull = nonull_reference(pcm, bytes);
    assert_int_not_equal(want_copy, want_nonull);

    const size_t chunks[] = {bytes, 1, 3, 7, 2352};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        e = dw_eac_crc_new();
        assert_non_null(e);
        for (size_t pos = 0; pos < bytes; pos += chunks[c])
            dw_eac_crc_update(e, pcm + pos, bytes - pos < chunks[c] ? bytes - pos : chunks[c]);
        assert_int_equal(dw_eac_crc_final(e, &copy, &nonull), 0);
        assert_int_equal(copy, want_copy);
        assert_int_equal(nonull, want_nonull);
        dw_eac_crc_free(e);
    }
    /* All silence: nothing fed to the second CRC. */
    e = dw_eac_crc_new();
    memset(pcm, 0, bytes);
    dw_eac_crc_update(e, pcm, bytes);
    assert_int_equal(dw_eac_crc_final(e, &copy, &nonull), 0);
    assert_int_equal(nonull, 0);
    dw_eac_crc_free(e);
    dw_eac_crc_free(NULL);
    free(pcm);
}

/* Run lengths around 1 KiB (where the CRCs once switched from hashing a
 * non-zero run twice to joining), runs that end
 * inside and at the edges of the 64-word blocks tested at once, scattered
 * zero words as in quiet music, long silences; fed whole and in odd
 * pieces: both CRCs equal zlib's over the bytes and the reference. */
static void test_eac_crcs_runs(void **state)
{
    (void)state;
    const size_t bytes = 40 * 2352 + 2;
    uint8_t *pcm = malloc(bytes);
    assert_non_null(pcm);
    fill_noise(pcm, bytes, 4242);
    for (size_t i = 0; i < bytes; i += 2) /* no zero word in the noise */
        if (!(pcm[i] | pcm[i + 1]))
            pcm[i] = 1;
    size_t at = 0;
    static const size_t runs[] = {1022, 1024, 1026, 126, 128, 130, 2, 4, 1, 3000, 20000};
    for (size_t k = 0; at < bytes / 2; k++) {
        at += runs[k % (sizeof(runs) / sizeof(runs[0]))];
        size_t zeros = k % 5 == 4 ? 3000 : 1 + k % 3;
        for (size_t z = 0; z < zeros && at + 1 < bytes / 2; z++, at += 2)
            pcm[at] = pcm[at + 1] = 0;
    }
    for (size_t i = bytes / 2; i + 1 < bytes; i += 2) /* quiet: a zero word in ~9 */
        if ((pcm[i] * 7u + i) % 9 == 0)
            pcm[i] = pcm[i + 1] = 0;
    uint32_t want_copy = (uint32_t)crc32(crc32(0L, Z_NULL, 0), pcm, (uInt)bytes);
    uint32_t want_nonull = nonull_reference(pcm, bytes);
    const size_t chunks[] = {bytes, 1, 1023, 2352, 4097};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        struct dw_eac_crc *e = dw_eac_crc_new();
        uint32_t copy = 0, nonull = 0;
        assert_non_null(e);
        for (size_t pos = 0; pos < bytes; pos += chunks[c])
            dw_eac_crc_update(e, pcm + pos, bytes - pos < chunks[c] ? bytes - pos : chunks[c]);
        assert_int_equal(dw_eac_crc_final(e, &copy, &nonull), 0);
        assert_int_equal(copy, want_copy);
        assert_int_equal(nonull, want_nonull);
        dw_eac_crc_free(e);
    }
    free(pcm);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void test_response_synthetic(void **state)
{
    (void)state;
    struct dw_ar_response *r = (struct dw_ar_response *)1;
    uint8_t buf[13 + 2 * 9];
    memset(buf, 0, sizeof(buf));
    assert_int_equal(dw_ar_response_parse(buf, 0, &r), DW_EPARSE);
    assert_null(r);
    /* A block that claims 0 tracks. */
    assert_int_equal(dw_ar_response_parse(buf, 13, &r), DW_EPARSE);
    /* One block, two tracks. */
    buf[0] = 2;
    put_le32(buf + 1, 0x11);
    put_le32(buf + 5, 0x22);
    put_le32(buf + 9, 0x33);
    buf[13] = 5;
    put_le32(buf + 14, 0xaaaa);
    put_le32(buf + 18, 0xbbbb);
    buf[22] = 0;
    assert_int_equal(dw_ar_response_parse(buf, sizeof(buf), &r), 0);
    assert_int_equal(r->block_count, 1);
    assert_int_equal(r->blocks[0].track_count, 2);
    assert_int_equal(r->blocks[0].id1, 0x11);
    assert_int_equal(r->blocks[0].cddb_id, 0x33);
    assert_int_equal(r->blocks[0].tracks[0].confidence, 5);
    assert_int_equal(r->blocks[0].tracks[0].crc, 0xaaaa);
    assert_int_equal(r->blocks[0].tracks[0].frame450, 0xbbbb);
    /* Track 2 has confidence 0 and CRC 0: a silent track must not match it. */
    struct dw_ar_checksums ours[2] = {{.v1 = 0xaaaa, .v2 = 0x1}, {.v1 = 0, .v2 = 0}};
    struct dw_ar_track_match m[2];
    struct dw_ar_disc_match dm;
    assert_int_equal(dw_ar_match(r, ours, 2, m, &dm), 0);
    assert_int_equal(m[0].kind, DW_AR_MATCH_V1);
    assert_int_equal(m[1].kind, DW_AR_MATCH_NONE);
    assert_int_equal(dm.tracks_matched, 1);
    assert_int_equal(dm.confidence, 0);
    /* More tracks than the block has: no match there. */
    struct dw_ar_checksums three[3] = {{.v1 = 0xaaaa}, {.v1 = 7}, {.v1 = 8}};
    struct dw_ar_track_match m3[3];
    assert_int_equal(dw_ar_match(r, three, 3, m3, NULL), 0);
    assert_int_equal(m3[2].kind, DW_AR_MATCH_NONE);
    assert_int_equal(m3[2].block, -1);
    assert_int_equal(dw_ar_match(r, three, 0, m3, NULL), DW_EINVAL);
    dw_ar_response_free(r);
    dw_ar_response_free(NULL);
    /* Every truncation of the good buffer is rejected. */
    for (size_t n = 1; n < sizeof(buf); n++) {
        r = NULL;
        assert_int_equal(dw_ar_response_parse(buf, n, &r), DW_EPARSE);
        assert_null(r);
    }
}

/* ------------------------------------------------------------------ */
/* Fixture tests                                                        */

/* libarcstk: 196,608 samples as one track without skips. */
static void test_arcstk_calculation(void **state)
{
    (void)state;
    size_t bytes;
    uint8_t *pcm = slurp(ARCSTK_DIR "/calculation-test-01.bin", &bytes);
    assert_int_equal(bytes, 786432);
    const size_t chunks[] = {0, 1, 3, 7, 2352, 65536 * 4, 100001};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct dw_ar_checksums got;
        assert_int_equal(streamed(pcm, bytes, bytes / 4, 0, chunks[i], &got), 0);
        assert_int_equal(got.v1, 0x8FE8D29Bu);
        assert_int_equal(got.v2, 0xD15BB487u);
        assert_int_equal(got.samples, 196608);
        /* And with the length left unknown. */
        assert_int_equal(streamed(pcm, bytes, 0, 0, chunks[i], &got), 0);
        assert_int_equal(got.v1, 0x8FE8D29Bu);
        assert_int_equal(got.v2, 0xD15BB487u);
    }
    struct dw_ar_checksums ref, got;
    reference(pcm, bytes / 4, DW_AR_FIRST_TRACK | DW_AR_LAST_TRACK, &ref);
    assert_int_equal(streamed(pcm, bytes, bytes / 4, DW_AR_FIRST_TRACK | DW_AR_LAST_TRACK, 9999,
                              &got),
                     0);
    assert_sums_equal(&got, &ref);
    free(pcm);
}

static void test_whipper_response(void **state)
{
    (void)state;
    size_t bytes;
    uint8_t *data = slurp(WHIPPER_DIR "/dBAR-002-0000f21c-00027ef8-05021002.bin", &bytes);
    struct dw_ar_response *r = NULL;
    assert_int_equal(dw_ar_response_parse(data, bytes, &r), 0);
    assert_int_equal(r->block_count, 2);
    for (int b = 0; b < 2; b++) {
        assert_int_equal(r->blocks[b].track_count, 2);
        assert_int_equal(r->blocks[b].id1, 0x0000f21c);
        assert_int_equal(r->blocks[b].id2, 0x00027ef8);
        assert_int_equal(r->blocks[b].cddb_id, 0x05021002);
    }
    /* v1 block */
    assert_int_equal(r->blocks[0].tracks[0].confidence, 12);
    assert_int_equal(r->blocks[0].tracks[0].crc, 0x284fc705);
    assert_int_equal(r->blocks[0].tracks[1].confidence, 20);
    assert_int_equal(r->blocks[0].tracks[1].crc, 0x9cc1f32e);
    /* v2 block */
    assert_int_equal(r->blocks[1].tracks[0].confidence, 7);
    assert_int_equal(r->blocks[1].tracks[0].crc, 0xdc77f9ab);
    assert_int_equal(r->blocks[1].tracks[1].confidence, 7);
    assert_int_equal(r->blocks[1].tracks[1].crc, 0xdd97d2c3);

    /* Matching: track 1 right in v1 and v2, track 2 right in v2 only. */
    struct dw_ar_checksums ours[2] = {
        {.v1 = 0x284fc705, .v2 = 0xdc77f9ab, .frame450 = 0, .has_frame450 = false},
        {.v1 = 0x01020304, .v2 = 0xdd97d2c3},
    };
    struct dw_ar_track_match m[2];
    struct dw_ar_disc_match dm;
    assert_int_equal(dw_ar_match(r, ours, 2, m, &dm), 0);
    assert_int_equal(m[0].kind, DW_AR_MATCH_V1);
    assert_int_equal(m[0].block, 0);
    assert_int_equal(m[0].confidence, 12);
    assert_int_equal(m[0].confidence_v1, 12);
    assert_int_equal(m[0].confidence_v2, 7);
    assert_int_equal(m[0].submissions, 19);
    assert_int_equal(m[1].kind, DW_AR_MATCH_V2);
    assert_int_equal(m[1].block, 1);
    assert_int_equal(m[1].confidence, 7);
    assert_int_equal(m[1].confidence_v1, 0);
    assert_int_equal(m[1].submissions, 27);
    assert_int_equal(dm.tracks, 2);
    assert_int_equal(dm.tracks_matched, 2);
    assert_int_equal(dm.confidence, 7);

    /* A damaged track 2 whose frame 450 still agrees: a partial match. */
    ours[1].v2 = 0x5;
    ours[1].frame450 = r->blocks[0].tracks[1].frame450;
    ours[1].has_frame450 = true;
    assert_int_equal(dw_ar_match(r, ours, 2, m, &dm), 0);
    assert_int_equal(m[1].kind, DW_AR_MATCH_NONE);
    assert_int_equal(m[1].block, -1);
    assert_true(m[1].frame450_match);
    assert_int_equal(dm.tracks_matched, 1);
    assert_int_equal(dm.confidence, 0);
    dw_ar_response_free(r);
    free(data);
}

static void test_arcstk_response(void **state)
{
    (void)state;
    size_t bytes;
    uint8_t *data = slurp(ARCSTK_DIR "/dBAR-015-001b9178-014be24e-b40d2d0f.bin", &bytes);
    assert_int_equal(bytes, 3 * (13 + 15 * 9));
    struct dw_ar_response *r = NULL;
    assert_int_equal(dw_ar_response_parse(data, bytes, &r), 0);
    assert_int_equal(r->block_count, 3);
    for (int b = 0; b < 3; b++) {
        assert_int_equal(r->blocks[b].track_count, 15);
        assert_int_equal(r->blocks[b].id1, 0x001b9178);
        assert_int_equal(r->blocks[b].id2, 0x014be24e);
        assert_int_equal(r->blocks[b].cddb_id, 0xb40d2d0f);
    }
    dw_ar_response_free(r);
    free(data);

    /* Every truncated copy (_H+NN: cut in a block header, _T+N: cut in
     * the track entries) is bad input. */
    DIR *dir = opendir(ARCSTK_DIR);
    assert_non_null(dir);
    int truncated = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (strncmp(de->d_name, "dBAR-015-001b9178-014be24e-b40d2d0f_", 36) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", ARCSTK_DIR, de->d_name);
        data = slurp(path, &bytes);
        r = NULL;
        int rc = dw_ar_response_parse(data, bytes, &r);
        if (rc != DW_EPARSE)
            fail_msg("'%s' was accepted (rc %d)", de->d_name, rc);
        assert_null(r);
        free(data);
        truncated++;
    }
    closedir(dir);
    assert_int_equal(truncated, 13 + 9); /* _H+01.._H+13, _T+0.._T+8 */
}

int main(void)
{
    const struct CMUnitTest synthetic[] = {
        cmocka_unit_test(test_streaming_and_skips),
        cmocka_unit_test(test_skip_boundaries),
        cmocka_unit_test(test_v2_high_half),
        cmocka_unit_test(test_calc_errors),
        cmocka_unit_test(test_track_flags),
        cmocka_unit_test(test_frame450_search),
        cmocka_unit_test(test_eac_crcs),
        cmocka_unit_test(test_eac_crcs_runs),
        cmocka_unit_test(test_response_synthetic),
    };
    const struct CMUnitTest fixtures[] = {
        cmocka_unit_test(test_arcstk_calculation),
        cmocka_unit_test(test_whipper_response),
        cmocka_unit_test(test_arcstk_response),
    };
    int failed = cmocka_run_group_tests_name("accuraterip synthetic", synthetic, NULL, NULL);
    struct stat st;
    if (stat(ARCSTK_DIR, &st) != 0 || stat(WHIPPER_DIR, &st) != 0) {
        fprintf(stderr, "test_accuraterip: fixtures not found under %s; skipping fixture tests\n",
                DW_FIXTURES_DIR);
        return dw_test_no_fixtures(failed, "the libarcstk and whipper fixtures");
    }
    return failed + cmocka_run_group_tests_name("accuraterip fixtures", fixtures, NULL, NULL);
}
