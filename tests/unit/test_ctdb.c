/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the CUETools database support (discwright/ctdb.h):
 *
 *  - the disc and track CRCs on synthetic PCM, the expected values
 *    computed here with zlib's crc32 over the byte ranges the definition
 *    names (first 5880 samples and last 5880 + N mod 5880 left out; N
 *    counting a hidden track), fed in awkward chunk sizes;
 *  - the layout of a disc (mixed mode, CD-Extra, hidden track) and the
 *    lookup TOC, checked against the cdtoc crate's published lookup URLs;
 *  - the XML answer: a realistic one (tests/unit/data/ctdb-lookup.xml),
 *    malformed ones (clean DW_EPARSE, nothing printed), matching;
 *  - the lookup against a server of our own on 127.0.0.1 (tests/http):
 *    found, 404 and an empty answer (not present, remembered), a closed
 *    port and other failures (unavailable, never cached), the cache
 *    offline, defaults from DW_CTDB_URL and XDG_CACHE_HOME. */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "discwright/ctdb.h"
#include "discwright/errors.h"
#include "httpd.h"

#ifndef DW_TEST_DATA_DIR
#define DW_TEST_DATA_DIR "tests/unit/data"
#endif
#define LOOKUP_XML DW_TEST_DATA_DIR "/ctdb-lookup.xml"
#define LOOKUP_TOC "0:21010:52311:98432:143807"

static char root[64]; /* served directory */
static char url[128]; /* http://127.0.0.1:PORT/ctdb/ */
static char host[64]; /* http://127.0.0.1:PORT/ */
static struct dw_test_httpd *server;

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

/* Deterministic noise: samples.. of PCM. */
static uint8_t *noise(size_t bytes, uint32_t seed)
{
    uint8_t *p = malloc(bytes);
    assert_non_null(p);
    uint32_t x = seed;
    for (size_t i = 0; i < bytes; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16);
    }
    return p;
}

/* zlib's CRC-32 of pcm[from, to) (bytes). */
static uint32_t zcrc(const uint8_t *pcm, uint64_t from, uint64_t to)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), pcm + from, (uInt)(to - from));
}

/* Feed pcm to c in chunks of the sizes in steps (cycled). */
static void feed(struct dw_ctdb_calc *c, const uint8_t *pcm, size_t bytes,
                 const size_t *steps, int nsteps)
{
    size_t at = 0;
    for (int i = 0; at < bytes; i = (i + 1) % nsteps) {
        size_t n = steps[i] < bytes - at ? steps[i] : bytes - at;
        assert_int_equal(dw_ctdb_calc_update(c, pcm + at, n), 0);
        at += n;
    }
}

/* Check the CRCs of layout l over pcm against the definition. */
static void check_layout(const struct dw_ctdb_layout *l, const uint8_t *pcm)
{
    uint64_t total = 0, n;
    for (int i = 0; i < l->track_count; i++)
        total += l->track_samples[i];
    n = total + l->leading_samples;
    uint64_t lo = 5880 * 4, hi = (total - 5880 - n % 5880) * 4;

    static const size_t steps[] = {1, 4096, 3, 2352 * 7, 5, 100000};
    struct dw_ctdb_calc *c;
    struct dw_ctdb_checksums got;
    assert_int_equal(dw_ctdb_calc_new(l, 0, &c), 0);
    feed(c, pcm, (size_t)total * 4, steps, 6);
    assert_int_equal(dw_ctdb_calc_final(c, &got), 0);
    assert_int_equal(got.crc32, zcrc(pcm, lo, hi));
    assert_int_equal(got.track_count, l->track_count);
    assert_int_equal(got.samples, total);
    assert_int_equal(got.skip_first_samples, 5880);
    assert_int_equal(got.skip_last_samples, 5880 + n % 5880);
    uint64_t start = 0;
    for (int i = 0; i < l->track_count; i++) {
        uint64_t a = start * 4, b = (start + l->track_samples[i]) * 4;
        if (a < lo)
            a = lo;
        if (b > hi)
            b = hi;
        assert_int_equal(got.track_crc32[i], zcrc(pcm, a, b));
        start += l->track_samples[i];
    }
    /* One more byte is past the layout: refused, nothing consumed. */
    uint8_t extra = 0;
    assert_int_equal(dw_ctdb_calc_update(c, &extra, 1), DW_ERANGE);
    assert_int_equal(dw_ctdb_calc_final(c, &got), 0);
    dw_ctdb_calc_free(c);
}

/* ------------------------------------------------------------------ */
/* CRCs                                                                */

static void test_crc_three_tracks(void **state)
{
    (void)state;
    /* 700 + 650 + 900 sectors: N = 1323000, a multiple of 5880. */
    struct dw_ctdb_layout l = {.track_count = 3,
                               .track_samples = {700 * 588, 650 * 588, 900 * 588}};
    uint8_t *pcm = noise(2250 * 2352, 1);
    check_layout(&l, pcm);
    /* The middle track is its plain CRC-32 (EAC's copy CRC). */
    struct dw_ctdb_calc *c;
    struct dw_ctdb_checksums got;
    assert_int_equal(dw_ctdb_calc_new(&l, 0, &c), 0);
    assert_int_equal(dw_ctdb_calc_update(c, pcm, 2250 * 2352), 0);
    assert_int_equal(dw_ctdb_calc_final(c, &got), 0);
    assert_int_equal(got.track_crc32[1], zcrc(pcm, 700 * 2352, 1350 * 2352));
    assert_int_equal(got.skip_last_samples, 5880);
    dw_ctdb_calc_free(c);
    free(pcm);
}

static void test_crc_tail_rule(void **state)
{
    (void)state;
    /* N mod 5880 = 1764 (2253 sectors): the end leaves out 7644 samples. */
    struct dw_ctdb_layout l = {.track_count = 2,
                               .track_samples = {1000 * 588, 1253 * 588}};
    uint8_t *pcm = noise(2253 * 2352, 2);
    check_layout(&l, pcm);
    struct dw_ctdb_calc *c;
    struct dw_ctdb_checksums got;
    assert_int_equal(dw_ctdb_calc_new(&l, 0, &c), 0);
    assert_int_equal(dw_ctdb_calc_update(c, pcm, 2253 * 2352), 0);
    assert_int_equal(dw_ctdb_calc_final(c, &got), 0);
    assert_int_equal(got.skip_last_samples, 5880 + 1764);
    assert_int_equal(got.crc32, zcrc(pcm, 5880 * 4, (2253 * 588 - 7644) * 4));
    dw_ctdb_calc_free(c);

    /* A hidden track of 75 sectors before track 1 counts into N (CUETools'
     * AudioLength) but is not fed: 2178 sectors fed, N = 2253 * 588. */
    struct dw_ctdb_layout h = {.track_count = 2,
                               .track_samples = {925 * 588, 1253 * 588},
                               .leading_samples = 75 * 588};
    check_layout(&h, pcm);
    assert_int_equal(dw_ctdb_calc_new(&h, 0, &c), 0);
    assert_int_equal(dw_ctdb_calc_update(c, pcm, 2178 * 2352), 0);
    assert_int_equal(dw_ctdb_calc_final(c, &got), 0);
    assert_int_equal(got.skip_last_samples,
                     5880 + 1764); /* not 2178 * 588 mod 5880 = 4704 */
    dw_ctdb_calc_free(c);

    /* One track: both edges on it. */
    struct dw_ctdb_layout one = {.track_count = 1, .track_samples = {2253 * 588}};
    check_layout(&one, pcm);
    free(pcm);
}

static void test_crc_errors(void **state)
{
    (void)state;
    struct dw_ctdb_calc *c = (struct dw_ctdb_calc *)1;
    struct dw_ctdb_layout l = {.track_count = 2,
                               .track_samples = {1000 * 588, 1000 * 588}};
    assert_int_equal(dw_ctdb_calc_new(&l, 1, &c), DW_EINVAL);
    assert_null(c);
    assert_int_equal(dw_ctdb_calc_new(NULL, 0, &c), DW_EINVAL);
    l.track_count = 0;
    assert_int_equal(dw_ctdb_calc_new(&l, 0, &c), DW_EINVAL);
    l.track_count = DW_MAX_TRACKS + 1;
    assert_int_equal(dw_ctdb_calc_new(&l, 0, &c), DW_EINVAL);
    /* Too short: 20 sectors leave nothing between the two edges. */
    struct dw_ctdb_layout s = {.track_count = 1, .track_samples = {20 * 588}};
    assert_int_equal(dw_ctdb_calc_new(&s, 0, &c), DW_EINVAL);
    /* A first track shorter than what the start leaves out. */
    struct dw_ctdb_layout f = {.track_count = 2, .track_samples = {5 * 588, 2000 * 588}};
    assert_int_equal(dw_ctdb_calc_new(&f, 0, &c), DW_EINVAL);
    /* A last track shorter than what the end leaves out. */
    struct dw_ctdb_layout e = {.track_count = 2, .track_samples = {2000 * 588, 9 * 588}};
    assert_int_equal(dw_ctdb_calc_new(&e, 0, &c), DW_EINVAL);

    /* Short of the layout: DW_ETRUNC, the CRCs of what was fed. */
    l.track_count = 2;
    uint8_t *pcm = noise(2000 * 2352, 3);
    struct dw_ctdb_checksums got;
    assert_int_equal(dw_ctdb_calc_new(&l, 0, &c), 0);
    assert_int_equal(dw_ctdb_calc_update(c, NULL, 0), 0);
    assert_int_equal(dw_ctdb_calc_update(c, NULL, 4), DW_EINVAL);
    assert_int_equal(dw_ctdb_calc_update(c, pcm, 1999 * 2352 + 3), 0);
    assert_int_equal(dw_ctdb_calc_final(c, &got), DW_ETRUNC);
    assert_int_equal(got.samples, 1999 * 588);
    assert_int_equal(dw_ctdb_calc_final(c, NULL), DW_EINVAL);
    dw_ctdb_calc_free(c);
    dw_ctdb_calc_free(NULL);
    free(pcm);
}

/* ------------------------------------------------------------------ */
/* Layout and lookup TOC                                               */

/* A disc from offsets with the 150 (as the cdtoc crate lists them);
 * data_mask bit i marks track i + 1 as data. */
static struct dw_disc *disc_of(const int32_t *offsets, int count, int32_t leadout,
                               uint32_t data_mask)
{
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    for (int i = 0; i < count; i++) {
        struct dw_track *t = &d->tracks[i];
        bool data = (data_mask >> i) & 1;
        t->number = i + 1;
        t->session = 1;
        t->mode = data ? DW_MODE_MODE1 : DW_MODE_AUDIO;
        t->control = data ? DW_CTL_DATA : 0;
        t->index_lba[1] = offsets[i] - 150;
        t->index_count = 2;
    }
    d->track_count = count;
    d->leadout_lba = leadout - 150;
    char msg[256];
    assert_int_equal(dw_disc_finish(d, msg, sizeof(msg)), 0);
    return d;
}

static void test_toc_and_layout(void **state)
{
    (void)state;
    char toc[DW_CTDB_TOC_BYTES];
    struct dw_ctdb_layout l;

    /* The cdtoc crate's vectors (its ctdb_checksum_url tests): a plain
     * disc, a CD-Extra disc, a disc with a hidden track before track 1. */
    static const int32_t plain[] = {150, 11563, 25174, 45863};
    struct dw_disc *d = disc_of(plain, 4, 55370, 0);
    assert_int_equal(dw_ctdb_toc(d, toc, sizeof(toc)), 0);
    assert_string_equal(toc, "0:11413:25024:45713:55220");
    assert_int_equal(dw_ctdb_layout_from_disc(d, &l), 0);
    assert_int_equal(l.track_count, 4);
    assert_int_equal(l.track_samples[0], 11413 * 588);
    assert_int_equal(l.track_samples[3], (55220 - 45713) * 588);
    assert_int_equal(l.leading_samples, 0);
    /* Too small a buffer. */
    char small[8];
    assert_int_equal(dw_ctdb_toc(d, small, sizeof(small)), DW_EINVAL);
    assert_string_equal(small, "");
    dw_disc_free(d);

    static const int32_t extra[] = {150,    15197,  30947,  46145,  60547,
                                    79092,  94757,  108545, 125532, 146267,
                                    163055, 177547, 194932, 220502};
    d = disc_of(extra, 14, 333000, 1u << 13);
    /* The audio session ends where the data session's gap starts. */
    d->tracks[13].session = 2;
    d->tracks[12].end_lba = 220352 - 11400;
    assert_int_equal(dw_ctdb_toc(d, toc, sizeof(toc)), 0);
    assert_string_equal(
        toc, "0:15047:30797:45995:60397:78942:94607:108395:125382:146117:162905:"
             "177397:194782:-220352:332850");
    assert_int_equal(dw_ctdb_layout_from_disc(d, &l), 0);
    assert_int_equal(l.track_count, 13);
    assert_int_equal(l.track_samples[12], (220352 - 11400 - 194782) * 588);
    dw_disc_free(d);

    static const int32_t hidden[] = {9342,   11244,  19188,  29544,  38660,  46996,
                                     57969,  69840,  76666,  83393,  93359,  103887,
                                     111631, 127050, 136064, 144941, 153757, 162109,
                                     173920, 186930, 196833};
    d = disc_of(hidden, 21, 207686, 0);
    assert_int_equal(dw_ctdb_toc(d, toc, sizeof(toc)), 0);
    assert_string_equal(
        toc, "9192:11094:19038:29394:38510:46846:57819:69690:76516:83243:93209:"
             "103737:111481:126900:135914:144791:153607:161959:173770:186780:"
             "196683:207536");
    assert_int_equal(dw_ctdb_layout_from_disc(d, &l), 0);
    assert_int_equal(l.leading_samples, 9192 * 588);
    assert_int_equal(l.track_samples[0], (11094 - 9192) * 588);
    dw_disc_free(d);

    /* Mixed mode: data in track 1, no hidden audio counted. */
    static const int32_t mixed[] = {150, 20150, 40150};
    d = disc_of(mixed, 3, 60150, 1u);
    assert_int_equal(dw_ctdb_toc(d, toc, sizeof(toc)), 0);
    assert_string_equal(toc, "-0:20000:40000:60000");
    assert_int_equal(dw_ctdb_layout_from_disc(d, &l), 0);
    assert_int_equal(l.track_count, 2);
    assert_int_equal(l.leading_samples, 0);
    assert_int_equal(l.track_samples[0], 20000 * 588);
    /* No audio at all. */
    d->tracks[1].mode = d->tracks[2].mode = DW_MODE_MODE1;
    d->tracks[1].control = d->tracks[2].control = DW_CTL_DATA;
    assert_int_equal(dw_ctdb_layout_from_disc(d, &l), DW_EINVAL);
    d->leadout_lba = DW_LBA_NONE;
    assert_int_equal(dw_ctdb_toc(d, toc, sizeof(toc)), DW_EINVAL);
    dw_disc_free(d);
    assert_int_equal(dw_ctdb_toc(NULL, toc, sizeof(toc)), DW_EINVAL);
    assert_int_equal(dw_ctdb_layout_from_disc(NULL, &l), DW_EINVAL);
}

/* ------------------------------------------------------------------ */
/* The XML answer                                                      */

static void test_parse_realistic(void **state)
{
    (void)state;
    size_t n;
    uint8_t *xml = slurp(LOOKUP_XML, &n);
    struct dw_ctdb_response *r = NULL;
    assert_int_equal(dw_ctdb_response_parse(xml, n, &r), 0);
    free(xml);
    assert_int_equal(r->entry_count, 3);
    const struct dw_ctdb_entry *e = &r->entries[0];
    assert_int_equal(e->crc32, 0x9c3f01a7);
    assert_int_equal(e->confidence, 12);
    assert_true(e->id == 2204517);
    assert_int_equal(e->npar, 16);
    assert_int_equal(e->stride, 5880);
    assert_string_equal(e->hasparity, "http://p.cuetools.net/2204517");
    assert_true(e->has_inline_parity);
    assert_string_equal(e->toc, LOOKUP_TOC);
    assert_int_equal(e->track_count, 4);
    assert_int_equal(e->track_crc32[0], 0x1a2b3c4d);
    assert_int_equal(e->track_crc32[1], 0x00c0ffee);
    assert_int_equal(e->track_crc32[3], 0x0badf00d);
    e = &r->entries[1];
    assert_int_equal(e->crc32, 0x0badc0de); /* upper case hex */
    assert_int_equal(e->npar, 8);
    assert_null(e->hasparity);
    assert_true(e->has_inline_parity);
    assert_int_equal(e->track_crc32[3], 0);
    e = &r->entries[2];
    assert_int_equal(e->confidence, 1);
    assert_false(e->has_inline_parity);
    assert_int_equal(e->track_count, 0);
    assert_null(e->track_crc32);
    assert_string_equal(e->toc, "32:21042:52343:98464:143839");
    dw_ctdb_response_free(r);

    /* No entries: a valid answer for a disc the database does not have. */
    static const char empty[] = "<?xml version=\"1.0\"?>\n<ctdb "
                                "xmlns=\"http://db.cuetools.net/ns/mmd-1.0#\"/>";
    assert_int_equal(dw_ctdb_response_parse(empty, strlen(empty), &r), 0);
    assert_int_equal(r->entry_count, 0);
    dw_ctdb_response_free(r);
    dw_ctdb_response_free(NULL);
}

/* Run dw_ctdb_response_parse with stderr going to a file; returns its rc
 * and checks nothing was printed. */
static int parse_quietly(const char *xml, size_t n)
{
    char path[] = "/tmp/dw-test-ctdb-stderr-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    struct dw_ctdb_response *r = (struct dw_ctdb_response *)1;
    int rc = dw_ctdb_response_parse(xml, n, &r);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);
    unlink(path);
    assert_int_equal(st.st_size, 0);
    if (rc)
        assert_null(r);
    else
        dw_ctdb_response_free(r);
    return rc;
}

static void test_parse_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "not xml at all",
        "<ctdb><entry crc32=\"12345678\" confidence=\"1\"/>",         /* truncated */
        "<html><body>502 Bad Gateway</body></html>",                  /* another root */
        "<ctdb><entry confidence=\"3\"/></ctdb>",                     /* no crc32 */
        "<ctdb><entry crc32=\"1234\"/></ctdb>",                       /* no confidence */
        "<ctdb><entry crc32=\"12345678x\" confidence=\"1\"/></ctdb>", /* bad hex */
        "<ctdb><entry crc32=\"123456789\" confidence=\"1\"/></ctdb>", /* 9 digits */
        "<ctdb><entry crc32=\"12345678\" confidence=\"-1\"/></ctdb>", /* negative */
        "<ctdb><entry crc32=\"12345678\" confidence=\"\"/></ctdb>",   /* empty */
        "<ctdb><entry crc32=\"12345678\" confidence=\"1\" trackcrcs=\"12 zz\"/></ctdb>",
        "<ctdb><entry crc32=\"12345678\" confidence=\"1\" npar=\"x\"/></ctdb>",
        "<!DOCTYPE ctdb [<!ENTITY c \"12345678\">]><ctdb><entry crc32=\"&c;\" "
        "confidence=\"1\"/></ctdb>", /* entity left in */
        "<!DOCTYPE ctdb SYSTEM \"http://127.0.0.1:9/x.dtd\"><ctdb><entry/></ctdb>",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(parse_quietly(bad[i], strlen(bad[i])), DW_EPARSE);
    /* Binary garbage with NULs. */
    static const char bin[] = {'<', 'c', 't', 'd', 'b', 0, 1, 2, '>'};
    assert_int_equal(parse_quietly(bin, sizeof(bin)), DW_EPARSE);
    /* Whitespace around track CRCs and unknown attributes are fine. */
    static const char ok[] = "<ctdb><entry crc32=\"a\" confidence=\"2\" new=\"x\" "
                             "trackcrcs=\" 1  2\n3 \"/><metadata/></ctdb>";
    assert_int_equal(parse_quietly(ok, strlen(ok)), 0);
    struct dw_ctdb_response *r;
    assert_int_equal(dw_ctdb_response_parse(NULL, 3, &r), DW_EINVAL);
    assert_int_equal(dw_ctdb_response_parse(ok, strlen(ok), NULL), DW_EINVAL);
}

static void test_match(void **state)
{
    (void)state;
    size_t n;
    uint8_t *xml = slurp(LOOKUP_XML, &n);
    struct dw_ctdb_response *r;
    assert_int_equal(dw_ctdb_response_parse(xml, n, &r), 0);
    free(xml);
    struct dw_ctdb_checksums ours = {
        .crc32 = 0x9c3f01a7,
        .track_count = 4,
        .track_crc32 = {0x1a2b3c4d, 0x00c0ffee, 0x7e57da7a, 0x0badf00d}};
    struct dw_ctdb_entry_match em[3];
    struct dw_ctdb_track_match tm[4];
    struct dw_ctdb_disc_match dm;
    assert_int_equal(dw_ctdb_match(r, &ours, LOOKUP_TOC, em, tm, &dm), 0);
    assert_true(dm.matched);
    assert_int_equal(dm.confidence, 12);
    assert_int_equal(dm.submissions, 16);
    assert_int_equal(dm.entries_matched, 1);
    assert_int_equal(dm.best_entry, 0);
    assert_int_equal(dm.tracks_matched, 4);
    assert_true(em[0].disc && em[0].toc);
    assert_int_equal(em[0].tracks_matched, 4);
    assert_false(em[1].disc);
    assert_int_equal(em[1].tracks_matched, 2); /* tracks 1, 2; a 0 never matches */
    assert_false(em[2].toc);
    assert_int_equal(em[2].tracks_matched, 0);
    /* Tracks 1 and 2: both entries of our TOC agree. */
    assert_int_equal(tm[0].confidence, 15);
    assert_int_equal(tm[0].submissions, 15);
    assert_int_equal(tm[2].confidence, 12);
    assert_int_equal(tm[2].submissions, 15);

    /* Another rip: the disc CRC differs, track 3 differs. */
    ours.crc32 = 0x11111111;
    ours.track_crc32[2] = 0x22222222;
    assert_int_equal(dw_ctdb_match(r, &ours, LOOKUP_TOC, NULL, tm, &dm), 0);
    assert_false(dm.matched);
    assert_int_equal(dm.confidence, 0);
    assert_int_equal(dm.best_entry, -1);
    assert_true(tm[0].matched);
    assert_int_equal(tm[0].confidence, 15);
    assert_false(tm[2].matched);
    assert_int_equal(tm[2].submissions, 15);
    assert_true(tm[3].matched);
    assert_int_equal(tm[3].confidence, 12);
    assert_int_equal(dm.tracks_matched, 3);

    /* Another TOC: no track CRC speaks for it; NULL toc: all do. */
    assert_int_equal(dw_ctdb_match(r, &ours, "0:1:2", NULL, tm, &dm), 0);
    assert_false(tm[0].matched);
    assert_int_equal(tm[0].submissions, 0);
    assert_int_equal(dw_ctdb_match(r, &ours, NULL, NULL, tm, NULL), 0);
    assert_true(tm[0].matched);
    ours.track_count = 0;
    assert_int_equal(dw_ctdb_match(r, &ours, NULL, NULL, NULL, NULL), DW_EINVAL);
    assert_int_equal(dw_ctdb_match(NULL, &ours, NULL, NULL, NULL, NULL), DW_EINVAL);
    dw_ctdb_response_free(r);
}

/* ------------------------------------------------------------------ */
/* The lookup                                                          */

static void lookup_file(const char *toc, char *file, size_t bytes)
{
    snprintf(file, bytes, "%s/ctdb/" DW_CTDB_QUERY "%s", root, toc);
}

static void serve_text(const char *toc, const void *data, size_t n)
{
    char file[4096], dir[4096];
    lookup_file(toc, file, sizeof(file));
    snprintf(dir, sizeof(dir), "%s/ctdb", root);
    mkdir(dir, 0777);
    FILE *fp = fopen(file, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void serve_fixture(const char *toc)
{
    size_t n;
    uint8_t *xml = slurp(LOOKUP_XML, &n);
    serve_text(toc, xml, n);
    free(xml);
}

static void unserve(const char *toc)
{
    char file[4096];
    lookup_file(toc, file, sizeof(file));
    unlink(file);
}

static void new_dir(char *dir, size_t bytes)
{
    snprintf(dir, bytes, "/tmp/dw-test-ctdb-cache-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void rm_rf(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_lookup_found_and_cached(void **state)
{
    (void)state;
    char cache[64], marker[4200];
    new_dir(cache, sizeof(cache));
    serve_fixture(LOOKUP_TOC);
    struct dw_ctdb_opts opts = {.base_url = url, .cache_dir = cache};
    struct dw_ctdb_result res;
    int before = dw_test_httpd_requests(server);

    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.http_status, 200);
    assert_string_equal(res.message, "");
    assert_int_equal(res.response->entry_count, 3);
    assert_int_equal(res.response->entries[0].crc32, 0x9c3f01a7);
    char want[512];
    snprintf(want, sizeof(want),
             "%slookup2.php?version=3&ctdb=1&fuzzy=1&metadata=none&toc=%s", url,
             LOOKUP_TOC);
    assert_string_equal(res.url, want);
    assert_int_equal(strncmp(res.cache_path, cache, strlen(cache)), 0);
    assert_non_null(strstr(res.cache_path, "/toc-"));
    assert_true(exists(res.cache_path));
    assert_int_equal(dw_test_httpd_requests(server), before + 1);
    char cached[4096];
    snprintf(cached, sizeof(cached), "%s", res.cache_path);
    dw_ctdb_result_release(&res);
    assert_null(res.response);

    /* Again, with the server's file gone and offline: the cache answers. */
    unserve(LOOKUP_TOC);
    opts.flags = DW_CTDB_OFFLINE;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_FOUND);
    assert_string_equal(res.origin, "cache");
    assert_int_equal(res.response->entry_count, 3);
    dw_ctdb_result_release(&res);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);

    /* A damaged cached file: offline an error, online fetched again. */
    FILE *fp = fopen(cached, "wb");
    assert_non_null(fp);
    fputs("<ctdb><entry", fp);
    fclose(fp);
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EPARSE);
    assert_non_null(strstr(res.message, "the cached file is not a CTDB response"));
    serve_fixture(LOOKUP_TOC);
    opts.flags = 0;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), 0);
    assert_string_equal(res.origin, "network");
    dw_ctdb_result_release(&res);
    snprintf(marker, sizeof(marker), "%s.404", cached);
    assert_false(exists(marker));
    unserve(LOOKUP_TOC);
    rm_rf(cache);
}

static void test_lookup_not_present(void **state)
{
    (void)state;
    char cache[64], marker[4200];
    new_dir(cache, sizeof(cache));
    struct dw_ctdb_opts opts = {.base_url = url, .cache_dir = cache};
    struct dw_ctdb_result res;
    int before = dw_test_httpd_requests(server);

    /* HTTP 404. */
    assert_int_equal(dw_ctdb_lookup("0:1000:2000", &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_NOT_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.http_status, 404);
    assert_null(res.response);
    snprintf(marker, sizeof(marker), "%s.404", res.cache_path);
    assert_true(exists(marker));
    assert_false(exists(res.cache_path));
    /* Remembered: asked again offline and online, the cache answers. */
    assert_int_equal(dw_ctdb_lookup("0:1000:2000", &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_NOT_FOUND);
    assert_string_equal(res.origin, "cache");
    opts.flags = DW_CTDB_OFFLINE;
    assert_int_equal(dw_ctdb_lookup("0:1000:2000", &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_NOT_FOUND);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);

    /* An answer without entries (what db.cuetools.net sends). */
    static const char empty[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><ctdb "
                                "xmlns=\"http://db.cuetools.net/ns/mmd-1.0#\"></ctdb>";
    serve_text("0:3000:4000", empty, strlen(empty));
    opts.flags = 0;
    assert_int_equal(dw_ctdb_lookup("0:3000:4000", &opts, &res), 0);
    assert_int_equal(res.status, DW_CTDB_NOT_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.http_status, 200);
    snprintf(marker, sizeof(marker), "%s.404", res.cache_path);
    assert_true(exists(marker));
    assert_false(exists(res.cache_path));
    unserve("0:3000:4000");
    rm_rf(cache);
}

static void test_lookup_unavailable(void **state)
{
    (void)state;
    char cache[64], base[160];
    new_dir(cache, sizeof(cache));
    struct dw_ctdb_result res;

    /* A closed port. */
    struct dw_ctdb_opts opts = {.base_url = "http://127.0.0.1:9/ctdb/",
                                .cache_dir = cache};
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EIO);
    assert_int_equal(res.status, DW_CTDB_UNAVAILABLE);
    assert_non_null(strstr(res.message, "cannot fetch"));
    assert_false(exists(res.cache_path));

    /* Another HTTP status. */
    snprintf(base, sizeof(base), "%sstatus/503", host); /* no trailing '/' */
    opts.base_url = base;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EIO);
    assert_int_equal(res.http_status, 503);
    assert_non_null(strstr(res.message, "HTTP status 503"));

    /* An answer that is not CTDB's XML: unavailable, not cached. */
    static const char html[] = "<html><body>maintenance</body></html>";
    serve_text(LOOKUP_TOC, html, strlen(html));
    opts.base_url = url;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EPARSE);
    assert_non_null(strstr(res.message, "the answer is not a CTDB response"));
    assert_false(exists(res.cache_path));
    char marker[4200];
    snprintf(marker, sizeof(marker), "%s.404", res.cache_path);
    assert_false(exists(marker));
    unserve(LOOKUP_TOC);

    /* Offline with an empty cache, and without one. */
    opts.flags = DW_CTDB_OFFLINE;
    int before = dw_test_httpd_requests(server);
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EUNSUPPORTED);
    assert_non_null(strstr(res.message, "not in the cache"));
    opts.cache_dir = "";
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EUNSUPPORTED);
    assert_string_equal(res.cache_path, "");
    assert_non_null(strstr(res.message, "no cache"));
    assert_int_equal(dw_test_httpd_requests(server), before);

    /* Bad TOCs, URLs and flags. */
    static const char *const toc_bad[] = {
        "", "0", "0:", ":0", "0::1", "0:1a", "0:--1", "0:1/../../x", "0:1234567890"};
    opts.flags = 0;
    for (size_t i = 0; i < sizeof(toc_bad) / sizeof(toc_bad[0]); i++) {
        assert_int_equal(dw_ctdb_lookup(toc_bad[i], &opts, &res), DW_EINVAL);
        assert_non_null(strstr(res.message, "not a CTDB lookup TOC"));
    }
    assert_int_equal(dw_ctdb_lookup(NULL, &opts, &res), DW_EINVAL);
    struct dw_ctdb_opts ftp = {.base_url = "ftp://127.0.0.1/", .cache_dir = ""};
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &ftp, &res), DW_EINVAL);
    struct dw_ctdb_opts flags = {.base_url = url, .cache_dir = "", .flags = 0x10};
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &flags, &res), DW_EINVAL);
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, NULL), DW_EINVAL);
    rm_rf(cache);
}

static int stop_after(void *user)
{
    int *left = user;
    return --*left <= 0;
}

/* A server that never answers and time-outs beyond the test: the stop
 * function ends the lookup, with nothing cached. */
static void test_lookup_stop(void **state)
{
    (void)state;
    char cache[64], base[160];
    new_dir(cache, sizeof(cache));
    snprintf(base, sizeof(base), "%shang/", host);
    int left = 4;
    struct dw_ctdb_opts opts = {.base_url = base, .cache_dir = cache,
                                .connect_timeout_ms = 600000, .timeout_ms = 600000,
                                .stop = stop_after, .stop_user = &left};
    struct dw_ctdb_result res;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &opts, &res), DW_EABORTED);
    assert_int_equal(res.status, DW_CTDB_UNAVAILABLE);
    assert_null(res.response);
    assert_int_equal(left, 0);
    assert_non_null(strstr(res.message, "CTDB lookup"));
    assert_non_null(strstr(res.message, "was stopped"));
    assert_false(exists(res.cache_path));
    char marker[4200];
    snprintf(marker, sizeof(marker), "%s.404", res.cache_path);
    assert_false(exists(marker));
    rm_rf(cache);
}

static void test_lookup_defaults_from_environment(void **state)
{
    (void)state;
    char home[64], want[256], dir[4096];
    new_dir(home, sizeof(home));
    serve_fixture("-0:20000:40000:60000");
    setenv("DW_CTDB_URL", url, 1);
    setenv("XDG_CACHE_HOME", home, 1);
    assert_int_equal(dw_ctdb_cache_dir(NULL, dir, sizeof(dir)), 0);
    snprintf(want, sizeof(want), "%s/discwright/ctdb", home);
    assert_string_equal(dir, want);
    struct dw_ctdb_result res;
    assert_int_equal(dw_ctdb_lookup("-0:20000:40000:60000", NULL, &res), 0);
    assert_int_equal(res.status, DW_CTDB_FOUND);
    assert_int_equal(strncmp(res.cache_path, want, strlen(want)), 0);
    assert_true(exists(res.cache_path));
    dw_ctdb_result_release(&res);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_int_equal(dw_ctdb_cache_dir(NULL, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "/home/someone/.cache/discwright/ctdb");
    struct dw_ctdb_opts none = {.cache_dir = ""};
    assert_int_equal(dw_ctdb_cache_dir(&none, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "");
    /* Unset: the public database (not asked here: offline, no cache). */
    unsetenv("DW_CTDB_URL");
    none.flags = DW_CTDB_OFFLINE;
    assert_int_equal(dw_ctdb_lookup(LOOKUP_TOC, &none, &res), DW_EUNSUPPORTED);
    assert_int_equal(strncmp(res.url, DW_CTDB_DEFAULT_URL "lookup2.php?",
                             strlen(DW_CTDB_DEFAULT_URL "lookup2.php?")),
                     0);
    unserve("-0:20000:40000:60000");
    rm_rf(home);
}

static int setup(void **state)
{
    (void)state;
    int port;
    snprintf(root, sizeof(root), "/tmp/dw-test-ctdb-root-XXXXXX");
    if (!mkdtemp(root) || dw_test_httpd_start(root, NULL, &server, &port) != 0)
        return -1;
    snprintf(host, sizeof(host), "http://127.0.0.1:%d/", port);
    snprintf(url, sizeof(url), "%sctdb/", host);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dw_test_httpd_stop(server);
    rm_rf(root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_three_tracks),
        cmocka_unit_test(test_crc_tail_rule),
        cmocka_unit_test(test_crc_errors),
        cmocka_unit_test(test_toc_and_layout),
        cmocka_unit_test(test_parse_realistic),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_lookup_found_and_cached),
        cmocka_unit_test(test_lookup_not_present),
        cmocka_unit_test(test_lookup_unavailable),
        cmocka_unit_test(test_lookup_stop),
        cmocka_unit_test(test_lookup_defaults_from_environment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
