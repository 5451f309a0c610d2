/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the Alcohol 120% reader (src/image/mds.c), from memory:
 * descriptors built here from the published layout (REFERENCE-2.md
 * section 6): pregaps and the gaps before a lead-out served as empty
 * sectors, the MDF's P-W inside each 2448-byte record, a DVD descriptor,
 * and the exact messages of what is refused (counts and offsets that lie,
 * truncated names, broken UTF-16, control characters, version 2).  The
 * round trips through real files are in tests/integration/test_mds.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "image/image.h"

/* ------------------------------------------------------------------ */
/* Alcohol 120%                                                        */

struct mds_buf {
    uint8_t b[4096];
    size_t n;
};

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

/* One session, tracks 1 (audio, PLBA 0, 300 sectors, pregap 150) and 2
 * (Mode 1, PLBA 450, 100 sectors: the 150 between them are its pregap),
 * lead-out 600 (track 2's data ends at 550: 50 more sectors of it are
 * not on file), both 2448-byte sectors with P-W; the name "*.mdf". */
static void mds_two_tracks(struct mds_buf *m, uint8_t sub, uint16_t sector_bytes)
{
    memset(m, 0, sizeof(*m));
    uint8_t *b = m->b;
    memcpy(b, "MEDIA DESCRIPTOR\x01\x05", 18);
    put16(b + 20, 1);
    put32(b + 80, 88);
    /* session block at 88, track blocks at 112 */
    put32(b + 88, (uint32_t)-150);
    put32(b + 92, 600);
    put16(b + 96, 1);
    b[98] = 2;
    put16(b + 100, 1);
    put16(b + 102, 2);
    put32(b + 108, 112);
    uint32_t extra = 112 + 160, footer = extra + 16, name = footer + 16;
    for (int k = 0; k < 2; k++) {
        uint8_t *t = b + 112 + 80 * k;
        t[0] = k ? 0xAA : 0xA9;
        t[1] = sub;
        t[2] = k ? 0x14 : 0x10;
        t[4] = (uint8_t)(k + 1);
        put32(t + 12, extra + 8 * (uint32_t)k);
        put16(t + 16, sector_bytes);
        put32(t + 36, k ? 450 : 0);
        put32(t + 40, k ? 300u * sector_bytes : 0);
        put32(t + 48, 1);
        put32(t + 52, footer);
        put32(b + extra + 8 * k, k ? 0 : 150);
        put32(b + extra + 8 * k + 4, k ? 100 : 300);
    }
    put32(b + footer, name);
    memcpy(b + name, "*.mdf", 6);
    m->n = name + 6;
}

static int mds(const struct mds_buf *m, uint64_t mdf_bytes, struct dw__image **img,
               struct dw_error_detail *err)
{
    memset(err, 0, sizeof(*err));
    return dw__mds_parse(m->b, m->n, "dir/disc.mds", false, mdf_bytes, img, err);
}

static void test_mds_layout(void **state)
{
    (void)state;
    struct mds_buf m;
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    mds_two_tracks(&m, 0x08, 2448);
    assert_int_equal(mds(&m, 400ull * 2448, &img, &err), 0);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 2);
    assert_int_equal(d->leadout_lba, 600);
    assert_int_equal(d->tracks[1].mode, DW_MODE_MODE1);
    assert_int_equal(d->tracks[1].index_lba[0], 300);
    assert_true(dw_track_is_data(&d->tracks[1]));
    /* Spans: track 1's data, track 2's pregap (empty), its data, the rest
     * to the lead-out (empty). */
    assert_int_equal(img->span_count, 4);
    assert_int_equal(img->spans[0].sectors, 300);
    assert_true(img->spans[0].has_sub);
    assert_false(img->spans[0].sub_packed);
    assert_int_equal(img->spans[0].sub_offset_bytes, 2352);
    assert_int_equal(img->spans[0].sub_stride_bytes, 2448);
    assert_int_equal(img->spans[1].layout, DW_SPAN_ZERO);
    assert_int_equal(img->spans[1].lba, 300);
    assert_int_equal(img->spans[2].offset_bytes, 300ull * 2448);
    assert_int_equal(img->spans[3].layout, DW_SPAN_ZERO);
    assert_int_equal(img->spans[3].lba, 550);
    dw__image_free(img);

    /* Mode 1 as 2048-byte user data without sub-channel: the audio track
     * must still be 2352. */
    mds_two_tracks(&m, 0, 2048);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EUNSUPPORTED);
    assert_non_null(
        strstr(err.message, "track 1 (mode 0xa9) is stored as 2048-byte sectors"));

    /* A DVD: one track, its length in the extra field. */
    mds_two_tracks(&m, 0, 2048);
    put16(m.b + 18, 0x10);
    m.b[98] = 1;
    put16(m.b + 102, 1);
    m.b[112] = 0x02;
    put32(m.b + 112 + 12, 1000);
    assert_int_equal(mds(&m, 1000ull * 2048, &img, &err), 0);
    assert_true(img->dvd);
    assert_int_equal(img->disc->leadout_lba, 1000);
    assert_int_equal(img->spans[0].layout, DW_SPAN_MODE1_2048);
    dw__image_free(img);
}

static void test_mds_refused(void **state)
{
    (void)state;
    struct mds_buf m;
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    struct {
        void (*change)(struct mds_buf *);
        uint64_t mdf_bytes;
        int code;
        const char *message;
    } const cases[] = {
        {NULL, 399ull * 2448, DW_ETRUNC,
         "track 2 needs 100 sectors of 2448 bytes from byte "
         "734400 of 'disc.mds', which is 976752 bytes long"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mds_two_tracks(&m, 0x08, 2448);
        assert_int_equal(mds(&m, cases[i].mdf_bytes, &img, &err), cases[i].code);
        if (!strstr(err.message, cases[i].message))
            fail_msg("case %zu: '%s'", i, err.message);
    }
    /* Counts and offsets that lie. */
    mds_two_tracks(&m, 0x08, 2448);
    put16(m.b + 102, 3);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(
        strstr(err.message, "session 1 says it holds tracks 1 to 3 but has 2"));
    mds_two_tracks(&m, 0x08, 2448);
    m.b[98] = 60;
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(
        strstr(err.message, "session 1's 60 track blocks at byte 112 run past"));
    mds_two_tracks(&m, 0x08, 2448);
    put32(m.b + 112 + 80 + 12, 100000);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(
        strstr(err.message, "track 2's extra block at byte 100000 lies past the end"));
    mds_two_tracks(&m, 0x08, 2448);
    put32(m.b + 112 + 80 + 36, 200);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(
        strstr(err.message, "track 2 starts at LBA 200, inside what comes before it"));
    mds_two_tracks(&m, 0x08, 2448);
    put32(m.b + 92, 500);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(
        strstr(err.message, "track 2 ends at LBA 550, past its session's lead-out"));
    mds_two_tracks(&m, 0x04, 2448);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "sub-channel mode 0x04"));
    /* Names: UTF-16 with a lone surrogate; a control character. */
    mds_two_tracks(&m, 0x08, 2448);
    uint32_t footer = 112 + 160 + 16;
    put32(m.b + footer + 4, 1);
    memcpy(m.b + footer + 16,
           "a\0\x00\xd8"
           "b\0\0\0",
           8);
    m.n = footer + 16 + 8;
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, "the data file's name is not valid UTF-16"));
    memcpy(m.b + footer + 16, "a\0\x3d\xd8\x00\xde\0\0", 8); /* U+1F600: fine */
    assert_int_equal(mds(&m, 400ull * 2448, &img, &err), 0);
    dw__image_free(img);
    mds_two_tracks(&m, 0x08, 2448);
    memcpy(m.b + footer + 16, "a\nb", 4);
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, "holds control character 0x0a"));
    mds_two_tracks(&m, 0x08, 2448);
    m.n = footer + 16 + 3; /* "*.m" without its NUL */
    assert_int_equal(mds(&m, 0, &img, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, "has no end (NUL) inside the descriptor"));
    mds_two_tracks(&m, 0x08, 2448);
    m.b[16] = 2;
    assert_int_equal(mds(&m, 0, &img, &err), DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "is an MDS version 2.5 descriptor"));
    assert_null(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mds_layout),
        cmocka_unit_test(test_mds_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
