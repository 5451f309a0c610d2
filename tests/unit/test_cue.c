/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cue sheet reading (ours, multi-file aware) and writing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/disc.h"
#include "image/image.h"

#define LIBCDIO DW_FIXTURES_DIR "/libcdio/test/data/"
#define PARANOIA DW_FIXTURES_DIR "/libcdio-paranoia/test/data/"

static struct dw__image *parse_text(const char *text, int expect_rc, struct dw_error_detail *err)
{
    struct dw__image *img = NULL;
    int rc = dw__cue_parse(text, strlen(text), "t.cue", false, &img, err);
    assert_int_equal(rc, expect_rc);
    return img;
}

static void test_single_audio(void **state)
{
    (void)state;
    struct dw_error_detail err;
    struct dw__image *img = parse_text("FILE \"a.bin\" BINARY\n"
                                       "  TRACK 01 AUDIO\n"
                                       "    INDEX 01 00:00:00\n"
                                       "  TRACK 02 AUDIO\n"
                                       "    FLAGS DCP PRE 4CH\n"
                                       "    ISRC USRC17607839\n"
                                       "    INDEX 00 01:00:00\n"
                                       "    INDEX 01 01:02:00\n"
                                       "    INDEX 02 01:10:00\n",
                                       0, &err);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 2);
    assert_int_equal(d->tracks[0].index_lba[1], 0);
    assert_int_equal(d->tracks[1].index_lba[0], 4500);
    assert_int_equal(d->tracks[1].index_lba[1], 4650);
    assert_int_equal(d->tracks[1].index_lba[2], 5250);
    assert_int_equal(d->tracks[1].index_count, 3);
    assert_int_equal(d->tracks[1].control, DW_CTL_DCP | DW_CTL_PRE | DW_CTL_4CH);
    assert_string_equal(d->tracks[1].isrc, "USRC17607839");
    assert_int_equal(d->tracks[0].end_lba, 4500);
    dw__image_free(img);
}

static void write_file(const char *path, const char *text, size_t bytes)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (text) {
        fputs(text, fp);
    } else {
        for (size_t i = 0; i < bytes; i++)
            fputc((int)(i & 0xff), fp);
    }
    fclose(fp);
}

static void test_mixed_sector_sizes(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-cue-XXXXXX", cue[64], bin[64];
    struct dw_error_detail err;
    struct dw__image *img = NULL;
    assert_non_null(mkdtemp(dir));
    snprintf(cue, sizeof(cue), "%s/m.cue", dir);
    snprintf(bin, sizeof(bin), "%s/m.bin", dir);
    /* A MODE1/2048 track of 100 sectors then 10 audio sectors in one
     * file: the audio starts at byte 100*2048, not 100*2352. */
    write_file(bin, NULL, 100 * 2048 + 10 * 2352);
    write_file(cue, "FILE \"m.bin\" BINARY\n"
                    "  TRACK 01 MODE1/2048\n"
                    "    INDEX 01 00:00:00\n"
                    "  TRACK 02 AUDIO\n"
                    "    INDEX 01 00:01:25\n", 0);
    assert_int_equal(dw__cue_read(cue, &img, &err), 0);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 100);
    assert_int_equal(img->disc->leadout_lba, 110);
    assert_int_equal(img->span_count, 2);
    assert_int_equal(img->spans[0].layout, DW_SPAN_MODE1_2048);
    assert_int_equal(img->spans[0].sectors, 100);
    assert_int_equal(img->spans[1].offset_bytes, 100 * 2048);
    assert_int_equal(img->spans[1].stride_bytes, 2352);
    assert_int_equal(img->disc->tracks[0].control & DW_CTL_DATA, DW_CTL_DATA);
    dw__image_free(img);

    /* A bin shorter than the cue says: DW_ETRUNC naming track and file. */
    write_file(bin, NULL, 50 * 2048);
    assert_int_equal(dw__cue_read(cue, &img, &err), DW_ETRUNC);
    assert_non_null(strstr(err.message, "track 02"));
    assert_non_null(strstr(err.message, "'m.bin'"));
    /* A missing FILE with a second FILE line: no fallback. */
    write_file(cue, "FILE \"gone.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                    "FILE \"m.bin\" BINARY\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n", 0);
    assert_int_equal(dw__cue_read(cue, &img, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, "'gone.bin' not found"));
    unlink(cue);
    unlink(bin);
    rmdir(dir);
}

static void test_pregap_postgap_and_sessions(void **state)
{
    (void)state;
    struct dw_error_detail err;
    struct dw__image *img = parse_text("FILE \"a.bin\" BINARY\n"
                                       "  TRACK 01 AUDIO\n"
                                       "    INDEX 01 00:00:00\n"
                                       "  TRACK 02 AUDIO\n"
                                       "    PREGAP 00:02:00\n"
                                       "    INDEX 01 00:10:00\n"
                                       "    POSTGAP 00:01:00\n"
                                       "  REM SESSION 02\n"
                                       "  TRACK 03 MODE1/2352\n"
                                       "    INDEX 01 00:20:00\n",
                                       0, &err);
    const struct dw_disc *d = img->disc;
    /* Track 2: 150 sectors of silence before its file data at 750. */
    assert_int_equal(d->tracks[1].index_lba[0], 750);
    assert_int_equal(d->tracks[1].index_lba[1], 900);
    assert_int_equal(d->tracks[1].pregap_silence_sectors, 150);
    /* Track 2 data runs 750 frames (10 s) to 1650, then 75 of postgap:
     * session 1 ends at 1725; then 6750 + 4500 of lead-out and lead-in
     * and an implied 150-sector pregap. */
    assert_int_equal(d->session_count, 2);
    assert_int_equal(d->sessions[0].leadout_lba, 1725);
    assert_int_equal(d->tracks[2].session, 2);
    assert_int_equal(d->tracks[2].index_lba[1], 1725 + 11400);
    assert_int_equal(d->tracks[2].index_lba[0], 1725 + 11250);
    assert_int_equal(d->tracks[1].end_lba, 1725);
    dw__image_free(img);
}

static void test_gaps_appended_multi_file(void **state)
{
    (void)state;
    struct dw_error_detail err;
    /* EAC "gaps appended": track 2's INDEX 00 sits at the end of file 1. */
    struct dw__image *img = parse_text("FILE \"1.wav\" WAVE\n"
                                       "  TRACK 01 AUDIO\n"
                                       "    INDEX 01 00:00:00\n"
                                       "  TRACK 02 AUDIO\n"
                                       "    INDEX 00 03:00:00\n"
                                       "FILE \"2.wav\" WAVE\n"
                                       "    INDEX 01 00:00:00\n",
                                       0, &err);
    /* Without the files the length of file 1's last piece is unknown
     * (taken as 0), so track 2's INDEX 01 lands right after INDEX 00. */
    assert_int_equal(img->disc->tracks[1].index_lba[0], 13500);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 13500);
    assert_int_equal(img->file_count, 0);
    dw__image_free(img);
}

struct bad_case {
    const char *text;
    int rc;
    const char *needle;
};

static void test_bad_syntax(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"TRACK 01 AUDIO\n", DW_EPARSE, "line 1: TRACK before any FILE"},
        {"FILE \"a\" BINARY\nTRACK 01 MODE3\n", DW_EPARSE, "line 2: unknown track mode 'MODE3'"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:60:00\n", DW_EPARSE, "line 3"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 02 00:00:00\n", DW_EPARSE, "INDEX 00 or 01"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\n", DW_EPARSE, "no INDEX 01"},
        {"FILE \"a\" BINARY\nTRACK 02 AUDIO\nINDEX 01 00:00:00\nTRACK 01 AUDIO\n", DW_EPARSE,
         "must increase"},
        {"FILE \"a\" MP3\n", DW_EUNSUPPORTED, "lossy audio"},
        {"FILE \"a\" TEXT\n", DW_EPARSE, "unknown FILE type"},
        {"CATALOG 12345\n", DW_EPARSE, "13 decimal digits"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nISRC ABC\n", DW_EPARSE, "ISRC"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nFLAGS XYZ\n", DW_EPARSE, "unknown flag"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nBOGUS\n", DW_EPARSE,
         "line 4: unknown command 'BOGUS'"},
        {"", DW_EPARSE, "no TRACK lines"},
        {"FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:10:00\nINDEX 02 00:05:00\n", DW_EPARSE,
         "before"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dw_error_detail err;
        struct dw__image *img = NULL;
        int rc = dw__cue_parse(cases[i].text, strlen(cases[i].text), "t.cue", false, &img, &err);
        if (rc != cases[i].rc || !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: rc %d message '%s', expected %d with '%s'", i, rc, err.message,
                     cases[i].rc, cases[i].needle);
        assert_null(img);
    }
}

static int have_fixtures(void)
{
    return access(LIBCDIO "cdda.cue", R_OK) == 0;
}

/* The bad cues of libcdio's test suite, each with the line it breaks. */
static void test_libcdio_bad_cues(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *needle;
    } cases[] = {
        {"bad-cat1.cue", "line 4: CATALOG needs 13 digits"},
        {"bad-cat2.cue", "line 4: CATALOG '167890123'"},
        {"bad-cat3.cue", "line 4: CATALOG '123456789b123'"},
        {"bad-mode1.cue", "line 6: unknown track mode 'MODE3_FORM1'"},
        {"bad-msf-1.cue", "line 7: malformed time '00:00:100'"},
        {"bad-msf-2.cue", "line 7: malformed time '00:90:00'"},
        {"bad-msf-3.cue", "line 7: malformed time 'xx:yy:0'"},
    };
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512];
        struct dw_error_detail err;
        struct dw__image *img = NULL;
        snprintf(path, sizeof(path), LIBCDIO "%s", cases[i].file);
        int rc = dw__cue_read(path, &img, &err);
        if (rc != DW_EPARSE || !strstr(err.message, cases[i].needle))
            fail_msg("%s: rc %d '%s'", cases[i].file, rc, err.message);
    }
}

static void test_libcdio_good_cues(void **state)
{
    (void)state;
    struct dw_error_detail err;
    struct dw__image *img = NULL;
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    /* cdda.cue names CDDA.BIN; the file is cdda.bin: found, with a warning. */
    assert_int_equal(dw__cue_read(LIBCDIO "cdda.cue", &img, &err), 0);
    assert_int_equal(img->disc->track_count, 1);
    assert_int_equal(img->disc->leadout_lba, 302);
    assert_string_equal(img->disc->mcn, "0000010271955");
    assert_int_equal(img->disc->tracks[0].control, DW_CTL_DCP);
    assert_string_equal(img->disc->cdtext.title, "Join us now we have the software");
    assert_string_equal(img->disc->tracks[0].cdtext.performer, "Richard S");
    assert_non_null(strstr(img->warnings, "case differs"));
    dw__image_free(img);

    assert_int_equal(dw__cue_read(LIBCDIO "cdda_4_5.cue", &img, &err), 0);
    assert_int_equal(img->disc->tracks[0].number, 4);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 150);
    assert_int_equal(img->disc->leadout_lba, 302);
    dw__image_free(img);

    /* p1.cue names BOING.BIN, absent: read p1.bin as libcdio does. */
    assert_int_equal(dw__cue_read(LIBCDIO "p1.cue", &img, &err), 0);
    assert_int_equal(img->disc->tracks[0].index_lba[0], 0);
    assert_int_equal(img->disc->tracks[0].index_lba[1], 75);
    assert_int_equal(img->disc->tracks[1].index_lba[0], 150);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 225);
    assert_non_null(strstr(img->warnings, "libcdio's convention"));
    dw__image_free(img);

    assert_int_equal(dw__cue_read(PARANOIA "cd-extra.cue", &img, &err), 0);
    assert_int_equal(img->disc->tracks[1].mode, DW_MODE_MODE1);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 150);
    dw__image_free(img);

    /* BOING2.BIN and cdda2.bin are both absent. */
    assert_int_equal(dw__cue_read(PARANOIA "cdda2.cue", &img, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, "FILE 'BOING2.BIN' not found"));
    assert_non_null(strstr(err.message, "line 4"));
}

/* Real-world cues from whipper, CUETools and libcue: syntax only. */
static void test_real_world_syntax(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int rc;
        int tracks;
    } cases[] = {
        {"/whipper/whipper/test/kanye.cue", DW_EPARSE, 0}, /* EAC data-track placeholder */
        {"/whipper/whipper/test/surferrosa.eac.currentgap.cue", 0, 21},
        {"/whipper/whipper/test/surferrosa.eac.single.cue", 0, 21},
        {"/whipper/whipper/test/kings-separate.cue", 0, 11},
        {"/libcue/t/99_tracks.cue", 0, 99},
        {"/libcue/t/issue10.cue", DW_EPARSE, 0},
        {"/cuetools/CUETools/CUETools.TestProcessor/Test Images/Circuitry/1.cue", DW_EPARSE, 0},
    };
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", DW_FIXTURES_DIR, cases[i].file);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        static char text[1 << 16];
        size_t n = fread(text, 1, sizeof(text), fp);
        fclose(fp);
        struct dw_error_detail err;
        struct dw__image *img = NULL;
        int rc = dw__cue_parse(text, n, path, false, &img, &err);
        if (rc != cases[i].rc)
            fail_msg("%s: rc %d '%s'", cases[i].file, rc, err.message);
        if (rc == 0) {
            if (img->disc->track_count != cases[i].tracks)
                fail_msg("%s: %d tracks", cases[i].file, img->disc->track_count);
            dw__image_free(img);
        }
    }
}

/* Write a disc as a cue, read it back: the same layout. */
static void test_write_read_round_trip(void **state)
{
    (void)state;
    struct dw_error_detail err;
    struct dw__image *img = parse_text("CATALOG 0000000000017\n"
                                       "TITLE \"An \"\"odd\"\" title\"\n"
                                       "FILE \"a.bin\" BINARY\n"
                                       "  TRACK 01 MODE1/2352\n"
                                       "    INDEX 01 00:00:00\n"
                                       "  TRACK 02 AUDIO\n"
                                       "    TITLE \"Two\"\n"
                                       "    FLAGS DCP\n"
                                       "    ISRC XXDWS2300001\n"
                                       "    INDEX 00 00:10:00\n"
                                       "    INDEX 01 00:12:00\n"
                                       "    INDEX 02 00:13:00\n"
                                       "  TRACK 03 AUDIO\n"
                                       "    INDEX 01 00:20:00\n",
                                       0, &err);
    img->disc->leadout_lba = 2000;
    img->disc->tracks[2].end_lba = 2000;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    struct dw_cue_write_opts co = {.bin_name = "x.bin"};
    assert_int_equal(dw_cue_write(img->disc, &co, mem), 0);
    fclose(mem);
    assert_non_null(strstr(text, "FILE \"x.bin\" BINARY\n"));
    assert_non_null(strstr(text, "  TRACK 02 AUDIO\n    TITLE \"Two\"\n    FLAGS DCP\n"
                                 "    ISRC XXDWS2300001\n    INDEX 00 00:10:00\n"
                                 "    INDEX 01 00:12:00\n    INDEX 02 00:13:00\n"));
    assert_non_null(strstr(text, "CATALOG 0000000000017\n"));
    struct dw__image *back = NULL;
    assert_int_equal(dw__cue_parse(text, len, "x.cue", false, &back, &err), 0);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            assert_int_equal(back->disc->tracks[i].index_lba[k], img->disc->tracks[i].index_lba[k]);
    assert_string_equal(back->disc->tracks[1].isrc, "XXDWS2300001");
    free(text);
    dw__image_free(back);

    /* Session gaps are taken out of the bin positions. */
    int32_t gap_lba[1] = {1500}, gap_sectors[1] = {11400};
    img->disc->tracks[2].index_lba[1] = 1500;
    struct dw_cue_write_opts co2 = {.bin_name = "x.bin", .gap_lba = gap_lba,
                                    .gap_sectors = gap_sectors, .gap_count = 1};
    text = NULL;
    mem = open_memstream(&text, &len);
    assert_int_equal(dw_cue_write(img->disc, &co2, mem), 0);
    fclose(mem);
    assert_null(strstr(text, "00:20:00"));
    free(text);
    dw__image_free(img);
}

/* CDTEXTFILE: the .cdt packs are decoded; the cue's own lines win. */
static void test_cdtextfile(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-cdt-XXXXXX", cue[64], bin[64];
    struct dw_error_detail err;
    struct dw__image *img = NULL;
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    assert_non_null(mkdtemp(dir));
    snprintf(cue, sizeof(cue), "%s/c.cue", dir);
    snprintf(bin, sizeof(bin), "%s/c.bin", dir);
    write_file(bin, NULL, 302 * 2352);
    write_file(cue, "CDTEXTFILE \"" LIBCDIO "cdtext.cdt\"\n"
                    "FILE \"c.bin\" BINARY\n"
                    "  TRACK 01 AUDIO\n    TITLE \"From the cue\"\n    INDEX 01 00:00:00\n"
                    "  TRACK 02 AUDIO\n    INDEX 01 00:02:00\n", 0);
    assert_int_equal(dw__cue_read(cue, &img, &err), 0);
    /* libcdio's cd-info reads the same file (libcdio/test/cdtext.right). */
    assert_string_equal(img->disc->cdtext.title, "Joyful Nights");
    assert_string_equal(img->disc->cdtext.composer, "Various Composers");
    assert_string_equal(img->disc->tracks[0].cdtext.title, "From the cue");
    assert_string_equal(img->disc->tracks[0].cdtext.performer, "Felix and The Purrs");
    assert_string_equal(img->disc->tracks[1].cdtext.title, "Humpty Dumpty");
    assert_true(img->disc->has_cdtext);
    dw__image_free(img);
    /* A missing CDTEXTFILE is a warning. */
    write_file(cue, "CDTEXTFILE \"gone.cdt\"\nFILE \"c.bin\" BINARY\n"
                    "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n", 0);
    assert_int_equal(dw__cue_read(cue, &img, &err), 0);
    assert_non_null(strstr(img->warnings, "CDTEXTFILE 'gone.cdt' not found"));
    dw__image_free(img);
    unlink(cue);
    unlink(bin);
    rmdir(dir);
}

/* A bin of `bytes` as a sparse file (nothing is written). */
static void sparse_file(const char *path, unsigned long long bytes)
{
    write_file(path, "", 0);
    assert_int_equal(truncate(path, (off_t)bytes), 0);
}

static void assert_cue_refused(const char *cue, const char *needle)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw__cue_read(cue, &img, &err), DW_ERANGE);
    assert_null(img);
    if (!strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    assert_non_null(strstr(err.message, "past the 100 minutes a CD holds"));
}

/* Issue 11: a CD layout past 99:59:74 is refused with its lead-out LBA,
 * and sizes are 64-bit: a bin of 2^32+400 sectors is not read as 400,
 * five FILEs of a 1 TiB bin do not overflow an int32. */
static void test_cd_length_limit(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-cue-XXXXXX", cue[64], bin[64], text[8192];
    struct dw_error_detail err;
    struct dw__image *img = NULL;
    assert_non_null(mkdtemp(dir));
    snprintf(cue, sizeof(cue), "%s/l.cue", dir);
    snprintf(bin, sizeof(bin), "%s/l.bin", dir);

    /* The 101-byte cue: PREGAP 99:59:74 + POSTGAP 99:59:74 on 4 sectors. */
    sparse_file(bin, 4 * 2352);
    write_file(cue, "FILE \"l.bin\" BINARY\n TRACK 01 AUDIO\n  PREGAP 99:59:74\n"
                    "  INDEX 01 00:00:00\n  POSTGAP 99:59:74\n", 0);
    assert_cue_refused(cue, "'l.cue': the layout ends at LBA 900002 (200:02:02)");

    /* (2^32 + 400) * 2352 bytes: 4294967696 sectors, not 400. */
    sparse_file(bin, (4294967296ULL + 400) * 2352);
    write_file(cue, "FILE \"l.bin\" BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\n", 0);
    assert_cue_refused(cue, "ends at LBA 4294967696 ");

    /* Five FILEs of a 1 TiB bin: 5 * floor(2^40 / 2352) sectors. */
    sparse_file(bin, 1ULL << 40);
    text[0] = '\0';
    for (int t = 1; t <= 5; t++) {
        char line[128];
        snprintf(line, sizeof(line),
                 "FILE \"l.bin\" BINARY\n TRACK %02d AUDIO\n  INDEX 01 00:00:00\n", t);
        strcat(text, line);
    }
    write_file(cue, text, 0);
    char want[64];
    snprintf(want, sizeof(want), "ends at LBA %llu ", 5 * ((1ULL << 40) / 2352));
    assert_cue_refused(cue, want);

    /* Exactly 100 minutes fits; one sector more does not. */
    write_file(cue, "FILE \"l.bin\" BINARY\n TRACK 01 AUDIO\n  INDEX 01 00:00:00\n", 0);
    sparse_file(bin, 449850ULL * 2352);
    assert_int_equal(dw__cue_read(cue, &img, &err), 0);
    assert_int_equal(img->disc->leadout_lba, 449850);
    dw__image_free(img);
    sparse_file(bin, 449851ULL * 2352);
    assert_cue_refused(cue, "ends at LBA 449851 (100:00:01)");

    /* 99 tracks of PREGAP 80:00:00 (the 7.9 KB cue of the issue). */
    text[0] = '\0';
    strcat(text, "FILE \"l.bin\" BINARY\n");
    for (int t = 1; t <= 99; t++) {
        char line[80];
        snprintf(line, sizeof(line), " TRACK %02d AUDIO\n  PREGAP 80:00:00\n  INDEX 01 %02d:00:00\n",
                 t, t - 1);
        strcat(text, line);
    }
    assert_int_equal(dw__cue_parse(text, strlen(text), "p.cue", false, &img, &err), DW_ERANGE);
    assert_non_null(strstr(err.message, "'p.cue': the layout ends at LBA "));
    unlink(cue);
    unlink(bin);
    rmdir(dir);
}

/* Cue sheets in the character sets EAC writes (src/image/cue_charset.c):
 * UTF-16LE with a BOM, UTF-16BE without one, Windows-1252, and ISO 8859-1
 * for the bytes Windows-1252 leaves undefined; titles come out as UTF-8
 * with their characters; the guessed charsets are said in a warning;
 * UTF-16 that does not decode is refused, naming the byte. */
static void put_utf16(uint8_t *out, size_t *n, const char *ascii_or_utf8, bool le)
{
    /* The test texts hold U+0000-U+FFFF only (no surrogates). */
    const uint8_t *s = (const uint8_t *)ascii_or_utf8;
    while (*s) {
        unsigned c;
        if (*s < 0x80)
            c = *s++;
        else if ((*s & 0xe0) == 0xc0)
            c = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f), s += 2;
        else
            c = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f),
            s += 3;
        out[(*n)++] = (uint8_t)(le ? c & 0xff : c >> 8);
        out[(*n)++] = (uint8_t)(le ? c >> 8 : c & 0xff);
    }
}

static void test_charsets(void **state)
{
    (void)state;
    const char *utf8 = "TITLE \"Caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac\"\r\n"
                       "FILE \"a.bin\" BINARY\r\n  TRACK 01 AUDIO\r\n"
                       "    TITLE \"\xc5\xb8\"\r\n    INDEX 01 00:00:00\r\n";
    uint8_t text[1024];
    struct dw_error_detail err;
    for (int le = 0; le <= 1; le++) {
        size_t n = 0;
        if (le) { /* EAC's "Unicode" cue: UTF-16LE with a BOM */
            text[n++] = 0xff;
            text[n++] = 0xfe;
        }
        put_utf16(text, &n, utf8, le);
        struct dw__image *img = NULL;
        assert_int_equal(dw__cue_parse((const char *)text, n, "t.cue", false, &img, &err), 0);
        assert_string_equal(img->disc->cdtext.title,
                            "Caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac");
        assert_string_equal(img->disc->tracks[0].cdtext.title, "\xc5\xb8");
        assert_true(!img->warnings || !strstr(img->warnings, "not UTF-8"));
        dw__image_free(img);
    }
    /* Windows-1252: e9 e, 96 en dash, 9f Y with diaeresis. */
    const char *cp1252 = "TITLE \"Caf\xe9 \x96\"\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\n"
                         "TITLE \"\x9f\"\nINDEX 01 00:00:00\n";
    struct dw__image *img = NULL;
    assert_int_equal(dw__cue_parse(cp1252, strlen(cp1252), "t.cue", false, &img, &err), 0);
    assert_string_equal(img->disc->cdtext.title, "Caf\xc3\xa9 \xe2\x80\x93");
    assert_string_equal(img->disc->tracks[0].cdtext.title, "\xc5\xb8");
    assert_non_null(strstr(img->warnings, "read as Windows-1252"));
    dw__image_free(img);
    /* 0x81 is no Windows-1252 character: ISO 8859-1's U+0081 instead. */
    const char *latin1 = "TITLE \"\xe9\x81\"\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\n"
                         "INDEX 01 00:00:00\n";
    assert_int_equal(dw__cue_parse(latin1, strlen(latin1), "t.cue", false, &img, &err), 0);
    assert_string_equal(img->disc->cdtext.title, "\xc3\xa9\xc2\x81");
    assert_non_null(strstr(img->warnings, "read as ISO-8859-1"));
    dw__image_free(img);
    /* UTF-16LE with an unpaired high surrogate at byte 6 (BOM included). */
    const uint8_t broken[] = {0xff, 0xfe, 'T', 0, 'I', 0, 0x00, 0xd8, 'X', 0};
    img = NULL;
    assert_int_equal(
        dw__cue_parse((const char *)broken, sizeof(broken), "t.cue", false, &img, &err),
        DW_EPARSE);
    assert_non_null(strstr(err.message, "not valid UTF-16LE text (byte 6)"));
    assert_null(img);
    /* An odd number of bytes of UTF-16BE (no BOM). */
    const uint8_t odd[] = {0, 'F', 0, 'I', 0};
    assert_int_equal(dw__cue_parse((const char *)odd, sizeof(odd), "t.cue", false, &img, &err),
                     DW_EPARSE);
    assert_non_null(strstr(err.message, "UTF-16BE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_audio),
        cmocka_unit_test(test_mixed_sector_sizes),
        cmocka_unit_test(test_pregap_postgap_and_sessions),
        cmocka_unit_test(test_gaps_appended_multi_file),
        cmocka_unit_test(test_bad_syntax),
        cmocka_unit_test(test_libcdio_bad_cues),
        cmocka_unit_test(test_libcdio_good_cues),
        cmocka_unit_test(test_real_world_syntax),
        cmocka_unit_test(test_write_read_round_trip),
        cmocka_unit_test(test_cdtextfile),
        cmocka_unit_test(test_cd_length_limit),
        cmocka_unit_test(test_charsets),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
