/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the disc ids (src/checksum/discid.c, ctdb.c).
 *
 * Published vectors:
 *  - whipper's ladyhawke.toc (fixtures README): CD-Extra, 12 audio tracks
 *    and a data track; CDDB c60af50d, MusicBrainz
 *    KnpGsLhvH.lPrNc1PBL21lb9Bg4-, AccurateRip 0013bd5a / 00b8d489, path
 *    a/5/d/dBAR-012-0013bd5a-00b8d489-c60af50d.bin;
 *  - libdiscid's test/test_put.c: first 1, last 22, offsets (LBA + 150)
 *    150 ... 288750, lead-out 303602 (also + 150): MusicBrainz
 *    xUp1F2NkfP8s8jaeFn_Av3jNEI4-, CDDB 370fce16;
 *  - ARver's doc/data_track.md: "Liquid" (CD-Extra) 010-00164419-00b9f6e2-
 *    9e11600b with MusicBrainz 9AQWqQ0eCCwktwPPrIUIYkUw2Uo-, and "Mortal
 *    Kombat Trilogy" (data in track 1) 028-00517a54-05a845d2-af0da31d, both
 *    as EAC and dBpoweramp compute them;
 *  - the cdtoc crate's CTDB vectors (src/ctdb.rs tests), given there as
 *    CDTOC strings (hex LBA + 150).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/discid.h"
#include "discwright/errors.h"
#include "image/image.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define WHIPPER_DIR DW_FIXTURES_DIR "/whipper/whipper/test"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A disc from offsets with the 150 (as libdiscid and MusicBrainz list
 * them); data_mask bit i marks track i + 1 as data. */
static struct dw_disc *disc_from_offsets(const int32_t *offsets, int count, int32_t leadout,
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

/* ------------------------------------------------------------------ */
/* Synthetic and published-TOC tests                                   */

static const int32_t libdiscid_offsets[22] = {
    150,    9700,   25887,  39297,  53795,  63735,  77517,  94877,  107270, 123552, 135522,
    148422, 161197, 174790, 192022, 205545, 218010, 228700, 239590, 255470, 266932, 288750,
};

static void test_libdiscid_vector(void **state)
{
    (void)state;
    int32_t lba[22];
    for (int i = 0; i < 22; i++)
        lba[i] = libdiscid_offsets[i] - 150;
    char mb[DW_SHA1_ID_BYTES];
    uint32_t cddb = 0;
    assert_int_equal(dw_discid_musicbrainz(1, 22, lba, 303602 - 150, mb), 0);
    assert_string_equal(mb, "xUp1F2NkfP8s8jaeFn_Av3jNEI4-");
    assert_int_equal(dw_discid_cddb(lba, 22, 303602 - 150, &cddb), 0);
    assert_int_equal(cddb, 0x370fce16);

    /* The same through a dw_disc. */
    struct dw_disc *d = disc_from_offsets(libdiscid_offsets, 22, 303602, 0);
    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    assert_string_equal(ids.musicbrainz_id, "xUp1F2NkfP8s8jaeFn_Av3jNEI4-");
    assert_int_equal(ids.cddb_id, 0x370fce16);
    assert_int_equal(ids.audio_tracks, 22);
    assert_int_equal(strlen(ids.ctdb_toc_id), 28);
    assert_int_equal(dw_disc_ids_compute(d, 1, &ids), DW_EINVAL);
    dw_disc_free(d);
}

/* The submission URL of libdiscid's vector (src/checksum/discid.c through
 * libdiscid): the id, the track count and
 * the TOC "first+last+lead-out+offsets" (all with the 150), as libdiscid's
 * own test_put.c expects them; a buffer one byte short is refused. */
static void test_musicbrainz_url(void **state)
{
    (void)state;
    int32_t lba[22];
    char expect[DW_MB_URL_BYTES], url[DW_MB_URL_BYTES];
    int o = snprintf(expect, sizeof(expect),
                     "://musicbrainz.org/cdtoc/attach?id=xUp1F2NkfP8s8jaeFn_Av3jNEI4-"
                     "&tracks=22&toc=1+22+303602");
    for (int i = 0; i < 22; i++) {
        lba[i] = libdiscid_offsets[i] - 150;
        o += snprintf(expect + o, sizeof(expect) - (size_t)o, "+%d", (int)libdiscid_offsets[i]);
    }
    assert_int_equal(dw_discid_musicbrainz_url(1, 22, lba, 303602 - 150, url, sizeof(url)), 0);
    /* libdiscid 0.6 says http, later versions https. */
    const char *rest = strchr(url, ':');
    assert_non_null(rest);
    assert_true(strncmp(url, "http:", 5) == 0 || strncmp(url, "https:", 6) == 0);
    assert_string_equal(rest, expect);
    assert_int_equal(dw_discid_musicbrainz_url(1, 22, lba, 303602 - 150, url, strlen(url)),
                     DW_EINVAL);
    assert_string_equal(url, "");
    /* Bad TOCs as for the id: decreasing LBAs, a lead-out before the last
     * track, and a lead-out past libdiscid's 99 minutes. */
    int32_t bad[2] = {1000, 500};
    assert_int_equal(dw_discid_musicbrainz_url(1, 2, bad, 2000, url, sizeof(url)), DW_EINVAL);
    assert_int_equal(dw_discid_musicbrainz_url(1, 22, lba, 1000, url, sizeof(url)), DW_EINVAL);
    char mb[DW_SHA1_ID_BYTES];
    assert_int_equal(dw_discid_musicbrainz(1, 22, lba, 100 * 60 * 75, mb), DW_EINVAL);
}

/* ARver: an enhanced CD (10 audio tracks, data in session 2). */
static void test_arver_cd_extra(void **state)
{
    (void)state;
    const int32_t offsets[11] = {150,    12767,  40487,  63225,  93410, 118115,
                                 151865, 184340, 215260, 247455, 281735};
    struct dw_disc *d = disc_from_offsets(offsets, 11, 333801, 1u << 10);
    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    assert_int_equal(ids.audio_tracks, 10);
    assert_int_equal(ids.ar_id1, 0x00164419);
    assert_int_equal(ids.ar_id2, 0x00b9f6e2);
    assert_int_equal(ids.cddb_id, 0x9e11600b);
    assert_string_equal(ids.ar_path, "9/1/4/dBAR-010-00164419-00b9f6e2-9e11600b.bin");
    /* MusicBrainz sees the audio session only: lead-out 281735 - 11400. */
    assert_string_equal(ids.musicbrainz_id, "9AQWqQ0eCCwktwPPrIUIYkUw2Uo-");
    /* The submission URL of the same TOC: audio tracks 1-10 and that
     * lead-out (with the 150); a buffer too small is refused. */
    char url[DW_MB_URL_BYTES];
    assert_int_equal(dw_disc_musicbrainz_url(d, url, sizeof(url)), 0);
    assert_non_null(strstr(url, "/cdtoc/attach?id=9AQWqQ0eCCwktwPPrIUIYkUw2Uo-&tracks=10&"
                                "toc=1+10+270335+150+12767+40487+63225+93410+118115+151865+"
                                "184340+215260+247455"));
    assert_int_equal(dw_disc_musicbrainz_url(d, url, 20), DW_EINVAL);
    assert_string_equal(url, "");
    dw_disc_free(d);
}

/* ARver: a mixed-mode CD, data in track 1 and 28 audio tracks. */
static void test_arver_mixed_mode(void **state)
{
    (void)state;
    const int32_t offsets[29] = {
        150,    66728,  76502,  85963,  93760,  104048, 116066, 124743, 134206, 142916,
        151852, 160720, 169425, 178731, 188459, 196711, 206354, 214845, 223686, 225746,
        226384, 232668, 239447, 239931, 244989, 254264, 260066, 261222, 261674,
    };
    struct dw_disc *d = disc_from_offsets(offsets, 29, 261976, 1u);
    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    assert_int_equal(ids.audio_tracks, 28);
    assert_int_equal(ids.ar_id1, 0x00517a54);
    assert_int_equal(ids.ar_id2, 0x05a845d2);
    assert_int_equal(ids.cddb_id, 0xaf0da31d);
    assert_string_equal(ids.ar_path, "4/5/a/dBAR-028-00517a54-05a845d2-af0da31d.bin");
    dw_disc_free(d);
}

/* Parse a CDTOC string ("count+hex offsets+...") as the cdtoc crate
 * writes it: count audio offsets, then the lead-out, or data then
 * lead-out for CD-Extra. */
static void ctdb_of_cdtoc(const char *cdtoc, char out[DW_SHA1_ID_BYTES])
{
    uint32_t v[110];
    int n = 0;
    const char *p = cdtoc;
    while (*p && n < 110) {
        char *end;
        v[n++] = (uint32_t)strtoul(p, &end, 16);
        p = *end == '+' ? end + 1 : end;
    }
    int audio = (int)v[0];
    assert_true(n == audio + 2 || n == audio + 3);
    int32_t lba[99];
    for (int i = 0; i < audio; i++)
        lba[i] = (int32_t)v[1 + i] - 150;
    int32_t leadout = n == audio + 2 ? (int32_t)v[audio + 1] - 150
                                     : (int32_t)v[audio + 1] - 150 - DW_MB_LEADOUT_GAP_SECTORS;
    assert_int_equal(dw_discid_ctdb(lba, audio, leadout, out), 0);
}

static void test_ctdb_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *cdtoc, *id;
    } vec[] = {
        {"4+96+2D2B+6256+B327+D84A", "VukMWWItblELRM.CEFpXxw0FlME-"},
        /* CD-Extra: audio lead-out = data - 11400 */
        {"D+96+3B5D+78E3+B441+EC83+134F4+17225+1A801+1EA5C+23B5B+27CEF+2B58B+2F974+35D56+"
         "514C8",
         "gmEsiU5wvQFA1Nq9YE_posiwgK8-"},
        /* hidden track before track 1: offsets relative to track 1 */
        {"15+247E+2BEC+4AF4+7368+9704+B794+E271+110D0+12B7A+145C1+16CAF+195CF+1B40F+1F04A+"
         "21380+2362D+2589D+2793D+2A760+2DA32+300E1+32B46",
         "8geCxI4CSyw_ydvHWGmPQUGF1UE-"},
        {"18+B6+3CE3+7C6F+B2BD+E47F+1121C+15865+175E0+1AED9+1E159+20BF9+235FC+259EF+2826E+"
         "29B62+2ED67+311B1+3396B+36ACB+3916B+3BB75+3D60A+40AA6+422FE+48B68+4E4CB",
         "sBOUSHYC0oLdQZtAEQcmnc3V3Ak-"},
    };
    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        char id[DW_SHA1_ID_BYTES];
        ctdb_of_cdtoc(vec[i].cdtoc, id);
        assert_string_equal(id, vec[i].id);
    }

    /* Through dw_disc_ids_compute: the CD-Extra vector as a disc. */
    const int32_t off[14] = {0x96,    0x3B5D,  0x78E3,  0xB441,  0xEC83,
                             0x134F4, 0x17225, 0x1A801, 0x1EA5C, 0x23B5B,
                             0x27CEF, 0x2B58B, 0x2F974, 0x35D56};
    struct dw_disc *d = disc_from_offsets(off, 14, 0x514C8, 1u << 13);
    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    assert_string_equal(ids.ctdb_toc_id, "gmEsiU5wvQFA1Nq9YE_posiwgK8-");
    dw_disc_free(d);
}

static void test_bad_input(void **state)
{
    (void)state;
    int32_t lba[3] = {0, 100, 50};
    uint32_t a, b;
    char id[DW_SHA1_ID_BYTES];
    assert_int_equal(dw_discid_accuraterip(lba, 3, 1000, &a, &b), DW_EINVAL); /* not increasing */
    lba[2] = 200;
    assert_int_equal(dw_discid_accuraterip(lba, 3, 200, &a, &b), DW_EINVAL); /* lead-out */
    assert_int_equal(dw_discid_accuraterip(lba, 0, 1000, &a, &b), DW_EINVAL);
    assert_int_equal(dw_discid_accuraterip(lba, 3, 1000, &a, &b), 0);
    /* Track 1 at LBA 0 counts as 1 in id2. */
    assert_int_equal(a, 0 + 100 + 200 + 1000);
    assert_int_equal(b, 1 * 1 + 100 * 2 + 200 * 3 + 1000 * 4);
    lba[0] = -1;
    assert_int_equal(dw_discid_cddb(lba, 3, 1000, &a), DW_EINVAL);
    lba[0] = 0;
    assert_int_equal(dw_discid_musicbrainz(2, 1, lba, 1000, id), DW_EINVAL);
    assert_int_equal(dw_discid_musicbrainz(1, 100, lba, 1000, id), DW_EINVAL);
    assert_int_equal(dw_discid_ctdb(lba, 3, 100, id), DW_EINVAL);

    char small[20];
    assert_int_equal(dw_discid_accuraterip_path(12, 0x0013bd5a, 0x00b8d489, 0xc60af50d, small,
                                                sizeof(small)),
                     DW_EINVAL);
    assert_string_equal(small, "");
    assert_int_equal(dw_discid_accuraterip_path(0, 1, 2, 3, small, sizeof(small)), DW_EINVAL);

    /* A disc without audio tracks, or without a lead-out. */
    const int32_t off[2] = {150, 5000};
    struct dw_disc *d = disc_from_offsets(off, 2, 9000, 3u);
    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), DW_EINVAL);
    d->tracks[1].control = 0;
    d->tracks[1].mode = DW_MODE_AUDIO;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    d->leadout_lba = DW_LBA_NONE;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), DW_EINVAL);
    dw_disc_free(d);
}

/* ------------------------------------------------------------------ */
/* Fixture tests                                                        */

static void test_ladyhawke(void **state)
{
    (void)state;
    size_t len;
    const char *path = WHIPPER_DIR "/ladyhawke.toc";
    char *text = slurp(path, &len);
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__toc_parse(text, len, path, false, &img, &err);
    if (rc)
        fail_msg("parse: %s", err.message);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 13);
    assert_int_equal(d->leadout_lba, 210385);
    assert_int_equal(d->tracks[12].index_lba[1], 207106);

    struct dw_disc_ids ids;
    assert_int_equal(dw_disc_ids_compute(d, 0, &ids), 0);
    assert_int_equal(ids.audio_tracks, 12);
    assert_int_equal(ids.cddb_id, 0xc60af50d);
    assert_string_equal(ids.musicbrainz_id, "KnpGsLhvH.lPrNc1PBL21lb9Bg4-");
    assert_int_equal(ids.ar_id1, 0x0013bd5a);
    assert_int_equal(ids.ar_id2, 0x00b8d489);
    assert_string_equal(ids.ar_path, "a/5/d/dBAR-012-0013bd5a-00b8d489-c60af50d.bin");
    assert_int_equal(strlen(ids.ctdb_toc_id), 28);

    /* The raw functions give the same from the same numbers. */
    int32_t audio[12];
    for (int i = 0; i < 12; i++)
        audio[i] = d->tracks[i].index_lba[1];
    uint32_t id1, id2;
    assert_int_equal(dw_discid_accuraterip(audio, 12, 210385, &id1, &id2), 0);
    assert_int_equal(id1, 0x0013bd5a);
    assert_int_equal(id2, 0x00b8d489);
    char mb[DW_SHA1_ID_BYTES];
    assert_int_equal(dw_discid_musicbrainz(1, 12, audio, 207106 - 11400, mb), 0);
    assert_string_equal(mb, "KnpGsLhvH.lPrNc1PBL21lb9Bg4-");
    char arpath[DW_AR_PATH_BYTES];
    assert_int_equal(dw_discid_accuraterip_path(12, id1, id2, 0xc60af50d, arpath,
                                                sizeof(arpath)),
                     0);
    assert_string_equal(arpath, "a/5/d/dBAR-012-0013bd5a-00b8d489-c60af50d.bin");
    dw__image_free(img);
    free(text);
}

int main(void)
{
    const struct CMUnitTest synthetic[] = {
        cmocka_unit_test(test_libdiscid_vector),
        cmocka_unit_test(test_musicbrainz_url),
        cmocka_unit_test(test_arver_cd_extra),
        cmocka_unit_test(test_arver_mixed_mode),
        cmocka_unit_test(test_ctdb_vectors),
        cmocka_unit_test(test_bad_input),
    };
    const struct CMUnitTest fixtures[] = {
        cmocka_unit_test(test_ladyhawke),
    };
    int failed = cmocka_run_group_tests_name("discid vectors", synthetic, NULL, NULL);
    struct stat st;
    if (stat(WHIPPER_DIR, &st) != 0) {
        fprintf(stderr, "test_discid: fixtures not found under %s; skipping fixture tests\n",
                DW_FIXTURES_DIR);
        return dw_test_no_fixtures(failed, "the fixtures under " DW_FIXTURES_DIR);
    }
    return failed + cmocka_run_group_tests_name("discid fixtures", fixtures, NULL, NULL);
}
