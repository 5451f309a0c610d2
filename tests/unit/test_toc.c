/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the cdrdao TOC reader (src/image/toc.c).
 *
 * Third-party fixtures: cdrdao's testtocs with `cdrdao show-toc -v 9`
 * output (the .showtoc files in gold/), libcdio's good and bad TOCs, and
 * TOCs whipper read from pressed discs.  The expected numbers in the tables below were
 * copied by hand from the gold files; a second test also reads every gold
 * file and compares it line by line.  Synthetic TOCs cover the grammar the
 * fixtures do not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include "image/image.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define CDRDAO_DIR DW_FIXTURES_DIR "/cdrdao/testtocs"
#define LIBCDIO_DIR DW_FIXTURES_DIR "/libcdio/test/data"
#define WHIPPER_DIR DW_FIXTURES_DIR "/whipper/whipper/test"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Every LBA from the first track's first LBA to the lead-out lies in
 * exactly one span; spans are sorted and belong to the track at their LBA. */
static void assert_spans_cover(const struct dw__image *img)
{
    const struct dw_disc *d = img->disc;
    assert_true(d->track_count > 0);
    int32_t lba = dw_track_first_lba(&d->tracks[0]);
    for (int i = 0; i < img->span_count; i++) {
        const struct dw__span *s = &img->spans[i];
        assert_int_equal(s->lba, lba);
        assert_true(s->sectors > 0);
        if (s->layout == DW_SPAN_ZERO) {
            assert_int_equal(s->file, -1);
        } else {
            assert_true(s->file >= 0 && s->file < img->file_count);
            assert_true(s->stride_bytes > 0);
        }
        const struct dw_track *t = dw_disc_track(d, s->track);
        assert_non_null(t);
        assert_true(s->lba >= dw_track_first_lba(t));
        assert_true(s->lba + s->sectors <= t->end_lba);
        lba += s->sectors;
    }
    assert_int_equal(lba, d->leadout_lba);
}

static int parse_text(const char *text, bool check_files, struct dw__image **img,
                      struct dw_error_detail *err)
{
    memset(err, 0, sizeof(*err));
    *img = NULL;
    int rc = dw__toc_parse(text, strlen(text), "mem.toc", check_files, img, err);
    if (rc == 0)
        assert_spans_cover(*img);
    return rc;
}

static struct dw__image *parse_ok(const char *text)
{
    struct dw__image *img;
    struct dw_error_detail err;
    int rc = parse_text(text, false, &img, &err);
    if (rc != 0)
        fail_msg("parse failed: %s", err.message);
    return img;
}

/* Parse must fail with code and a message holding every given needle. */
static void parse_fails(const char *text, int code, const char *needle1,
                        const char *needle2)
{
    struct dw__image *img;
    struct dw_error_detail err;
    int rc = parse_text(text, false, &img, &err);
    if (rc != code)
        fail_msg("expected %s, got %s (%s) for:\n%s", dw_err_name(code), dw_err_name(rc),
                 err.message, text);
    assert_null(img);
    assert_int_equal(err.code, code);
    if (needle1 && !strstr(err.message, needle1))
        fail_msg("message '%s' lacks '%s'", err.message, needle1);
    if (needle2 && !strstr(err.message, needle2))
        fail_msg("message '%s' lacks '%s'", err.message, needle2);
}

static struct dw__image *read_fixture(const char *path)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__toc_read(path, &img, &err);
    if (rc != 0)
        fail_msg("dw__toc_read(%s): %s: %s", path, dw_err_name(rc), err.message);
    assert_spans_cover(img);
    return img;
}

static struct dw__image *parse_fixture_nofiles(const char *path)
{
    size_t len;
    char *text = slurp(path, &len);
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__toc_parse(text, len, path, false, &img, &err);
    free(text);
    if (rc != 0)
        fail_msg("dw__toc_parse(%s): %s: %s", path, dw_err_name(rc), err.message);
    assert_spans_cover(img);
    return img;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ------------------------------------------------------------------ */
/* cdrdao testtocs against gold show-toc output                        */

struct gold_track {
    enum dw_track_mode mode;
    int32_t index01;
    int32_t pregap; /* sectors before INDEX 01 */
};

struct gold_disc {
    const char *name;
    int track_count;
    int32_t leadout;
    struct gold_track tracks[5];
};

/* Copied by hand from cdrdao/testtocs/gold/<name>.showtoc: "START" is
 * INDEX 01, "PREGAP" the pregap length, the last "END" the lead-out. */
static const struct gold_disc gold_table[] = {
    {"t1", 1, 4500, {{DW_MODE_AUDIO, 0, 0}}},
    {"t2", 1, 4500, {{DW_MODE_AUDIO, 750, 750}}},
    {"t3", 2, 9000, {{DW_MODE_AUDIO, 0, 0}, {DW_MODE_AUDIO, 4500, 0}}},
    {"t4", 1, 4500, {{DW_MODE_AUDIO, 0, 0}}},
    {"t5", 1, 4500, {{DW_MODE_AUDIO, 0, 0}}},
    {"t6", 1, 4500, {{DW_MODE_AUDIO, 0, 0}}},
    {"t7", 2, 9000, {{DW_MODE_AUDIO, 0, 0}, {DW_MODE_AUDIO, 4875, 375}}},
    {"t8", 2, 18000, {{DW_MODE_AUDIO, 0, 0}, {DW_MODE_AUDIO, 13875, 375}}},
    {"t9",
     5,
     3451,
     {{DW_MODE_AUDIO, 375, 375},
      {DW_MODE_AUDIO, 900, 150},
      {DW_MODE_AUDIO, 1605, 105},
      {DW_MODE_AUDIO, 2250, 0},
      {DW_MODE_AUDIO, 3151, 151}}},
    {"data1", 1, 4500, {{DW_MODE_MODE1, 0, 0}}},
    {"data2", 2, 9150, {{DW_MODE_MODE1, 0, 0}, {DW_MODE_AUDIO, 4650, 150}}},
    {"data3", 2, 9150, {{DW_MODE_AUDIO, 0, 0}, {DW_MODE_MODE1, 4650, 150}}},
    {"data4",
     3,
     13800,
     {{DW_MODE_MODE1, 0, 0}, {DW_MODE_AUDIO, 4650, 150}, {DW_MODE_MODE1, 9300, 150}}},
    /* MODE2_FORM2 and MODE2_FORM1 are XA. */
    {"data5", 2, 13650, {{DW_MODE_MODE2_XA, 0, 0}, {DW_MODE_MODE2_XA, 4650, 150}}},
    {"data6", 1, 4500, {{DW_MODE_MODE2, 0, 0}}},
    {"data7", 2, 9150, {{DW_MODE_MODE1, 0, 0}, {DW_MODE_MODE2_XA, 4650, 150}}},
};

static void test_cdrdao_gold_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(gold_table) / sizeof(gold_table[0]); i++) {
        const struct gold_disc *g = &gold_table[i];
        char path[512];
        snprintf(path, sizeof(path), "%s/%s.toc", CDRDAO_DIR, g->name);
        struct dw__image *img = read_fixture(path);
        const struct dw_disc *d = img->disc;
        assert_int_equal(d->track_count, g->track_count);
        assert_int_equal(d->leadout_lba, g->leadout);
        for (int t = 0; t < g->track_count; t++) {
            const struct dw_track *tr = &d->tracks[t];
            assert_int_equal(tr->number, t + 1);
            assert_int_equal(tr->mode, g->tracks[t].mode);
            assert_int_equal(tr->index_lba[1], g->tracks[t].index01);
            assert_int_equal(dw_track_pregap_sectors(tr), g->tracks[t].pregap);
            assert_int_equal(dw_track_is_data(tr), g->tracks[t].mode != DW_MODE_AUDIO);
        }
        dw__image_free(img);
    }
}

/* Flags and codes from the gold files. */
static void test_cdrdao_gold_flags(void **state)
{
    (void)state;
    struct dw__image *img = read_fixture(CDRDAO_DIR "/t4.toc");
    /* COPY PERMITTED, PRE-EMPHASIS, FOUR CHANNEL AUDIO */
    assert_int_equal(img->disc->tracks[0].control, DW_CTL_DCP | DW_CTL_PRE | DW_CTL_4CH);
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/t5.toc");
    assert_string_equal(img->disc->mcn, "1234567890123");
    assert_int_equal(img->disc->tracks[0].control, 0);
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/t6.toc");
    assert_string_equal(img->disc->tracks[0].isrc, "DEMUA9800001");
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/t8.toc");
    /* INDEX  2 01:00:00(4500), INDEX  3 02:00:00(9000) */
    assert_int_equal(img->disc->tracks[0].index_count, 4);
    assert_int_equal(img->disc->tracks[0].index_lba[2], 4500);
    assert_int_equal(img->disc->tracks[0].index_lba[3], 9000);
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/t9.toc");
    const struct dw_disc *d = img->disc;
    assert_string_equal(d->mcn, "0724385356926");
    assert_string_equal(d->tracks[0].isrc, "USEM39600078");
    assert_string_equal(d->tracks[1].isrc, "USEM39600079");
    assert_string_equal(d->tracks[2].isrc, "");
    assert_string_equal(d->tracks[4].isrc, "EDUMA9892346");
    assert_int_equal(d->tracks[0].control, DW_CTL_DCP); /* COPY PERMITTED */
    assert_int_equal(d->tracks[1].control, 0);
    assert_int_equal(d->tracks[2].control, DW_CTL_DCP);
    /* Track 1 START 0:5:0: INDEX 00 at LBA 0, INDEX 01 after it. */
    assert_int_equal(d->tracks[0].index_lba[0], 0);
    /* SILENCE before START: the pregap is not in any file. */
    assert_int_equal(d->tracks[0].pregap_silence_sectors, 375);
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/data4.toc");
    d = img->disc;
    assert_int_equal(d->tracks[0].control, DW_CTL_DATA);
    assert_int_equal(d->tracks[1].control, 0);
    assert_int_equal(d->tracks[2].control, DW_CTL_DATA);
    /* PREGAP 0:2:0 = ZERO + START: not in a file. */
    assert_int_equal(d->tracks[2].pregap_silence_sectors, 150);
    dw__image_free(img);

    img = read_fixture(CDRDAO_DIR "/cdtext.toc");
    d = img->disc;
    assert_true(d->has_cdtext);
    assert_string_equal(d->cdtext.title, "CD Title");
    assert_string_equal(d->cdtext.performer, "Perf\\\\ormer");
    assert_string_equal(d->tracks[0].cdtext.title, "Track \"Title\"");
    assert_string_equal(d->tracks[0].cdtext.performer, "Performer");
    dw__image_free(img);

    /* Three languages: only block 0 is kept. */
    img = read_fixture(CDRDAO_DIR "/3encodings.toc");
    d = img->disc;
    assert_string_equal(d->cdtext.title, "The Water");
    assert_string_equal(d->tracks[0].cdtext.title, "Heat Wave");
    assert_string_equal(d->tracks[1].cdtext.title, "I am liquid");
    assert_string_equal(d->tracks[1].isrc, "FR79W0600420");
    dw__image_free(img);
}

static enum dw_track_mode gold_mode(const char *word)
{
    if (strcmp(word, "AUDIO") == 0)
        return DW_MODE_AUDIO;
    if (strncmp(word, "MODE1", 5) == 0)
        return DW_MODE_MODE1;
    if (strcmp(word, "MODE2") == 0)
        return DW_MODE_MODE2;
    return DW_MODE_MODE2_XA; /* MODE2_FORM1, _FORM2, _FORM_MIX, _RAW */
}

/* Read each gold file and compare every START, PREGAP, INDEX and END. */
static void test_cdrdao_gold_files(void **state)
{
    (void)state;
    DIR *dir = opendir(CDRDAO_DIR "/gold");
    assert_non_null(dir);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(dir)) != NULL) {
        if (!has_suffix(de->d_name, ".showtoc"))
            continue;
        char gold_path[512], toc_path[512];
        snprintf(gold_path, sizeof(gold_path), "%s/gold/%s", CDRDAO_DIR, de->d_name);
        snprintf(toc_path, sizeof(toc_path), "%s/%.*s.toc", CDRDAO_DIR,
                 (int)(strlen(de->d_name) - 8), de->d_name);
        struct dw__image *img = read_fixture(toc_path);
        const struct dw_disc *d = img->disc;
        FILE *f = fopen(gold_path, "r");
        assert_non_null(f);
        char line[512];
        const struct dw_track *t = NULL;
        int tracks = 0;
        int32_t last_end = -1;
        while (fgets(line, sizeof(line), f)) {
            int n, m, s, fr, lba;
            char mode[64];
            if (sscanf(line, "TRACK %d Mode %63[A-Z0-9_]", &n, mode) == 2) {
                t = dw_disc_track(d, n);
                assert_non_null(t);
                assert_int_equal(t->mode, gold_mode(mode));
                tracks++;
            } else if (sscanf(line, " PREGAP %d:%d:%d(%d)", &m, &s, &fr, &lba) == 4) {
                assert_non_null(t);
                assert_int_equal(dw_track_pregap_sectors(t), lba);
            } else if (sscanf(line, " START %d:%d:%d(%d)", &m, &s, &fr, &lba) == 4) {
                assert_non_null(t);
                assert_int_equal(t->index_lba[1], lba);
            } else if (sscanf(line, " INDEX %d %d:%d:%d(%d)", &n, &m, &s, &fr, &lba) ==
                       5) {
                assert_non_null(t);
                assert_true(n < t->index_count);
                assert_int_equal(t->index_lba[n], lba);
            } else if (sscanf(line, " END %d:%d:%d(%d)", &m, &s, &fr, &lba) == 4) {
                assert_non_null(t);
                assert_int_equal(t->end_lba, lba);
                last_end = lba;
            } else if (sscanf(line, "CATALOG NUMBER: %63s", mode) == 1) {
                assert_string_equal(d->mcn, mode);
            }
        }
        fclose(f);
        assert_int_equal(tracks, d->track_count);
        assert_int_equal(last_end, d->leadout_lba);
        dw__image_free(img);
        files++;
    }
    closedir(dir);
    assert_true(files >= 20);
}

/* ------------------------------------------------------------------ */
/* libcdio TOCs                                                        */

static void test_libcdio_all_parse_without_files(void **state)
{
    (void)state;
    DIR *dir = opendir(LIBCDIO_DIR);
    assert_non_null(dir);
    struct dirent *de;
    int good = 0;
    while ((de = readdir(dir)) != NULL) {
        if (!has_suffix(de->d_name, ".toc") || strncmp(de->d_name, "bad-", 4) == 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", LIBCDIO_DIR, de->d_name);
        dw__image_free(parse_fixture_nofiles(path));
        good++;
    }
    closedir(dir);
    assert_true(good >= 20);
}

static void test_libcdio_with_files(void **state)
{
    (void)state;
    /* cdda.toc: DATAFILE "cdda.bin" #200 00:00:25 in an AUDIO track. */
    struct dw__image *img = read_fixture(LIBCDIO_DIR "/cdda.toc");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 1);
    assert_int_equal(d->leadout_lba, 25);
    assert_int_equal(d->tracks[0].control, DW_CTL_DCP);
    assert_int_equal(img->span_count, 1);
    assert_int_equal(img->spans[0].offset_bytes, 200);
    assert_int_equal(img->spans[0].stride_bytes, 2352);
    /* cdrdao(1): raw audio files are big-endian. */
    assert_int_equal(img->spans[0].layout, DW_SPAN_AUDIO_BE);
    assert_int_equal(img->file_count, 1);
    assert_int_equal(img->files[0].size_bytes, 710304);
    assert_true(has_suffix(img->files[0].path, "/cdda.bin"));
    assert_string_equal(img->format, "toc");
    dw__image_free(img);

    /* isofs-m1.toc: MODE1_RAW, length 0 = the whole file = 302 sectors. */
    img = read_fixture(LIBCDIO_DIR "/isofs-m1.toc");
    assert_int_equal(img->disc->leadout_lba, 302);
    assert_int_equal(img->disc->tracks[0].mode, DW_MODE_MODE1);
    assert_int_equal(img->spans[0].layout, DW_SPAN_RAW);
    assert_int_equal(img->spans[0].sectors, 302);
    dw__image_free(img);

    /* data2.toc: FILE in a MODE1 track (lenient: raw sectors, warned),
     * ZERO 1:0:0, then an audio track with PREGAP and the whole cdda.bin. */
    img = read_fixture(LIBCDIO_DIR "/data2.toc");
    d = img->disc;
    assert_int_equal(d->track_count, 2);
    assert_int_equal(d->tracks[0].end_lba, 302 + 4500);
    assert_int_equal(d->tracks[1].index_lba[0], 4802);
    assert_int_equal(d->tracks[1].index_lba[1], 4952);
    assert_int_equal(d->leadout_lba, 4952 + 302);
    assert_non_null(img->warnings);
    assert_non_null(strstr(img->warnings, "line 7"));
    assert_int_equal(img->file_count, 2);
    dw__image_free(img);

    img = read_fixture(LIBCDIO_DIR "/data6.toc");
    assert_int_equal(img->disc->leadout_lba, 132); /* 00:01:57 */
    dw__image_free(img);

    /* The t*.toc files say FILE "cdda.bin" 1:0:0: by cdrdao's grammar that
     * is the start position, far beyond the 302-sector file. */
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw__toc_read(LIBCDIO_DIR "/t5.toc", &img, &err), DW_ETRUNC);
    assert_null(img);
    assert_non_null(strstr(err.message, "'cdda.bin'"));
    assert_non_null(strstr(err.message, "line 7"));
    assert_non_null(strstr(err.message, "710304"));
    assert_non_null(strstr(err.message, "track 1"));

    /* data5.toc track 2 asks for bytes beyond the end of isofs-m1.bin. */
    assert_int_equal(dw__toc_read(LIBCDIO_DIR "/data5.toc", &img, &err), DW_ETRUNC);
    assert_non_null(strstr(err.message, "track 2 needs bytes 3694992 to 3718512"));

    /* vcd2.toc: the whole cdda.bin is no whole number of 2336-byte sectors. */
    assert_int_equal(dw__toc_read(LIBCDIO_DIR "/vcd2.toc", &img, &err), DW_ETRUNC);
    assert_non_null(strstr(err.message, "2336"));
}

static void test_libcdio_bad(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int code;
        const char *needle;
    } bad[] = {
        {"bad-cat1.toc", DW_EPARSE, "line 4: CATALOG"},
        {"bad-cat2.toc", DW_EPARSE, "line 4: CATALOG"},
        {"bad-cat3.toc", DW_EPARSE, "line 4: CATALOG \"123456789A123\""},
        {"bad-file.toc", DW_ENOENT, "line 8: file 'foo.bin' not found"},
        {"bad-mode1.toc", DW_EPARSE, "line 4: unknown track mode 'MODE1_FORM45'"},
        {"bad-msf-1.toc", DW_EPARSE, "line 6: frames"},
        {"bad-msf-2.toc", DW_EPARSE, "line 6: seconds"},
        {"bad-msf-3.toc", DW_EPARSE, "line 6:"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[512];
        struct dw__image *img = (struct dw__image *)1;
        struct dw_error_detail err;
        memset(&err, 0, sizeof(err));
        snprintf(path, sizeof(path), "%s/%s", LIBCDIO_DIR, bad[i].name);
        int rc = dw__toc_read(path, &img, &err);
        if (rc != bad[i].code)
            fail_msg("%s: expected %s, got %s (%s)", bad[i].name,
                     dw_err_name(bad[i].code), dw_err_name(rc), err.message);
        assert_null(img);
        if (!strstr(err.message, bad[i].needle))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].name, err.message,
                     bad[i].needle);
        /* "'<path>' line <n>: ..." */
        assert_int_equal(err.message[0], '\'');
        assert_non_null(strstr(err.message, bad[i].name));
    }
    /* Every bad-*.toc in the folder is covered above. */
    DIR *dir = opendir(LIBCDIO_DIR);
    assert_non_null(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(dir)) != NULL)
        if (strncmp(de->d_name, "bad-", 4) == 0 && has_suffix(de->d_name, ".toc"))
            n++;
    closedir(dir);
    assert_int_equal(n, (int)(sizeof(bad) / sizeof(bad[0])));
}

/* ------------------------------------------------------------------ */
/* whipper: TOCs cdrdao read from pressed discs                       */

static void test_whipper_ladyhawke(void **state)
{
    (void)state;
    struct dw__image *img = parse_fixture_nofiles(WHIPPER_DIR "/ladyhawke.toc");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 13);
    assert_string_equal(d->mcn, "0602517818866");
    /* Track 1: FILE "data.wav" 0 03:26:53 = 15503 sectors. */
    assert_int_equal(d->tracks[0].index_lba[1], 0);
    assert_int_equal(d->tracks[0].index_lba[0], DW_LBA_NONE);
    /* Track 2: START 00:00:34 into it. */
    assert_int_equal(d->tracks[1].index_lba[0], 15503);
    assert_int_equal(d->tracks[1].index_lba[1], 15537);
    /* Track 12: 39:28:10 + START 00:00:72 = 177610 + 72. */
    assert_int_equal(d->tracks[11].index_lba[1], 177682);
    assert_string_equal(d->tracks[0].isrc, "GBUM70808708");
    assert_string_equal(d->tracks[6].isrc, "AUUM70800167");
    assert_string_equal(d->tracks[11].isrc, "GBUM70810814");
    /* Track 13: ZERO MODE2_FORM_MIX 00:02:00, DATAFILE 00:43:54, START 00:02:00. */
    const struct dw_track *t13 = &d->tracks[12];
    assert_int_equal(t13->mode, DW_MODE_MODE2_XA);
    assert_int_equal(t13->control, DW_CTL_DATA);
    assert_int_equal(t13->index_lba[0], 206956);
    assert_int_equal(t13->index_lba[1], 207106);
    assert_int_equal(t13->pregap_silence_sectors, 150);
    assert_int_equal(d->leadout_lba, 210385);
    const struct dw__span *last = &img->spans[img->span_count - 1];
    assert_int_equal(last->lba, 207106);
    assert_int_equal(last->sectors, 3279);
    assert_int_equal(last->layout, DW_SPAN_MODE2_2336);
    assert_int_equal(last->stride_bytes, 2336);
    assert_int_equal(last->offset_bytes, 0);
    const struct dw__span *gap = &img->spans[img->span_count - 2];
    assert_int_equal(gap->layout, DW_SPAN_ZERO);
    assert_int_equal(gap->lba, 206956);
    assert_int_equal(gap->sectors, 150);
    /* Audio comes from data.wav (little-endian after a WAVE header). */
    assert_int_equal(img->spans[0].layout, DW_SPAN_RAW);
    assert_int_equal(img->file_count, 2);
    dw__image_free(img);
}

static void test_whipper_all(void **state)
{
    (void)state;
    DIR *dir = opendir(WHIPPER_DIR);
    assert_non_null(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(dir)) != NULL) {
        if (!has_suffix(de->d_name, ".toc"))
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", WHIPPER_DIR, de->d_name);
        dw__image_free(parse_fixture_nofiles(path));
        n++;
    }
    closedir(dir);
    assert_true(n >= 10);

    /* Hidden track: SILENCE 03:22:70, FILE, START 03:22:70. */
    struct dw__image *img = parse_fixture_nofiles(WHIPPER_DIR "/bloc.toc");
    assert_int_equal(img->disc->tracks[0].index_lba[0], 0);
    assert_int_equal(img->disc->tracks[0].index_lba[1], 15220);
    assert_int_equal(img->disc->tracks[0].pregap_silence_sectors, 15220);
    assert_int_equal(img->spans[0].layout, DW_SPAN_ZERO);
    assert_int_equal(img->spans[0].sectors, 15220);
    dw__image_free(img);

    img = parse_fixture_nofiles(WHIPPER_DIR "/breeders.toc");
    assert_true(img->disc->has_cdtext);
    assert_string_equal(img->disc->cdtext.title, "MOUNTAIN BATTLES");
    assert_string_equal(img->disc->cdtext.performer, "THE BREEDERS");
    assert_string_equal(img->disc->tracks[0].cdtext.title, "OVERGLAZED");
    assert_string_equal(img->disc->mcn, "0652637280326");
    dw__image_free(img);

    /* Octal escapes: "Jos\351 Gonz\341lez" in ISO-8859-1. */
    img = parse_fixture_nofiles(WHIPPER_DIR "/jose.toc");
    assert_string_equal(img->disc->cdtext.performer, "Jos\351 Gonz\341lez");
    dw__image_free(img);

    /* INDEX 02 inside track 11. */
    img = parse_fixture_nofiles(WHIPPER_DIR "/surferrosa.toc");
    assert_int_equal(img->disc->track_count, 21);
    assert_int_equal(img->disc->tracks[10].index_count, 3);
    dw__image_free(img);
}

/* ------------------------------------------------------------------ */
/* Synthetic grammar                                                   */

static void test_grammar_positions(void **state)
{
    (void)state;
    struct dw__image *img = parse_ok(
        "// comment\r\n"
        "CD_ROM CATALOG \"0000000000017\"\r\n"
        "FIRST_TRACK_NO 3\n"
        "TRACK AUDIO\n"
        "  SILENCE 1176           // two sectors as samples\n"
        "  SILENCE 0:1:0.0\n"
        "  START                  // pregap = all so far\n"
        "  SILENCE 0:10:0\n"
        "  INDEX 0:2:0 INDEX 0:5:0\n"
        "TRACK MODE1 RW_RAW\n"
        "  PREGAP 0:2:0\n"
        "  ZERO 2144              // one sector, in bytes of MODE1 + sub-channel\n"
        "  ZERO MODE2_FORM1 RW 00:00:10\n"
        "  END 0:2:5\n"
        "TRACK MODE2_FORM_MIX NO COPY COPY\n"
        "  ZERO 0:4:0\n");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 3);
    assert_string_equal(d->mcn, "0000000000017");
    assert_int_equal(d->tracks[0].number, 3);
    assert_int_equal(d->tracks[0].index_lba[0], 0);
    assert_int_equal(d->tracks[0].index_lba[1], 77);
    assert_int_equal(d->tracks[0].index_count, 4);
    assert_int_equal(d->tracks[0].index_lba[2], 77 + 150);
    assert_int_equal(d->tracks[0].index_lba[3], 77 + 375);
    assert_int_equal(d->tracks[0].end_lba, 77 + 750);
    assert_int_equal(d->tracks[1].number, 4);
    assert_int_equal(d->tracks[1].index_lba[0], 827);
    assert_int_equal(d->tracks[1].index_lba[1], 977);
    assert_int_equal(d->tracks[1].end_lba, 977 + 11);
    /* END 0:2:5 from the track's beginning: the 6 sectors after it are a
     * post-gap no file holds. */
    assert_int_equal(d->tracks[1].postgap_silence_sectors, 6);
    assert_int_equal(d->tracks[2].number, 5);
    assert_int_equal(d->tracks[2].mode, DW_MODE_MODE2_XA);
    assert_int_equal(d->tracks[2].control, DW_CTL_DATA | DW_CTL_DCP);
    assert_int_equal(d->leadout_lba, 988 + 300);
    /* All silence: one zero span per track. */
    assert_int_equal(img->span_count, 3);
    dw__image_free(img);
}

static void test_grammar_files_unchecked(void **state)
{
    (void)state;
    struct dw__image *img =
        parse_ok("TRACK AUDIO\n"
                 "FILE \"a.raw\" SWAP #100 588 0:1:0   // sample start, MSF length\n"
                 "AUDIOFILE \"a.raw\" 0:1:0 1176\n"
                 "FILE \"b.wav\" 0 0:0:1\n"
                 "TRACK MODE1\n"
                 "DATAFILE \"d.iso\" #16 0:0:3\n"
                 "DATAFILE \"d.iso\" 4096\n"
                 "TRACK MODE2_RAW\n"
                 "DATAFILE \"d.iso\"          // length unknown without the file\n");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 3);
    assert_int_equal(d->tracks[0].end_lba, 75 + 2 + 1);
    assert_int_equal(d->tracks[1].index_lba[1], 78);
    assert_int_equal(d->tracks[1].end_lba, 78 + 3 + 2);
    assert_int_equal(d->tracks[2].index_lba[1], 83);
    assert_int_equal(d->leadout_lba, 83); /* unknown length counts 0 */
    assert_int_equal(img->file_count, 3);
    assert_string_equal(img->files[0].path, "a.raw");
    /* SWAP turns big-endian raw into little-endian. */
    assert_int_equal(img->spans[0].layout, DW_SPAN_RAW);
    assert_int_equal(img->spans[0].offset_bytes, 100 + 588 * 4);
    assert_int_equal(img->spans[0].sectors, 75);
    assert_int_equal(img->spans[1].layout, DW_SPAN_AUDIO_BE);
    assert_int_equal(img->spans[1].offset_bytes, 75 * 2352);
    assert_int_equal(img->spans[1].sectors, 2);
    /* WAVE without the file: the canonical 44-byte header is assumed. */
    assert_int_equal(img->spans[2].layout, DW_SPAN_RAW);
    assert_int_equal(img->spans[2].offset_bytes, 44);
    assert_int_equal(img->spans[3].layout, DW_SPAN_MODE1_2048);
    assert_int_equal(img->spans[3].offset_bytes, 16);
    assert_int_equal(img->spans[3].stride_bytes, 2048);
    assert_int_equal(img->spans[3].sectors, 3);
    assert_int_equal(img->spans[4].offset_bytes, 0);
    assert_int_equal(img->spans[4].sectors, 2);
    dw__image_free(img);

    /* Unknown lengths stretch a track to its START and INDEX marks. */
    img = parse_ok("TRACK AUDIO FILE \"x.raw\" 0 START 0:2:0 INDEX 0:1:0\n"
                   "TRACK AUDIO SILENCE 0:4:0\n");
    assert_int_equal(img->disc->tracks[0].index_lba[1], 150);
    assert_int_equal(img->disc->tracks[0].index_lba[2], 225);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 226);
    dw__image_free(img);
}

static void test_grammar_cdtext(void **state)
{
    (void)state;
    struct dw__image *img = parse_ok(
        "CD_DA\n"
        "CD_TEXT {\n"
        "  LANGUAGE_MAP { 0 : EN 1 : 7 }\n"
        "  LANGUAGE 0 { TITLE \"Album\" PERFORMER \"Band\" SONGWRITER \"S\" COMPOSER "
        "\"C\"\n"
        "               ARRANGER \"A\" MESSAGE \"M\" GENRE { 0, 1 } TOC_INFO1 { }\n"
        "               DISC_ID \"XY\" ENCODING_ISO_8859_1 }\n"
        "  LANGUAGE 1 { TITLE \"Andere\" }\n"
        "}\n"
        "TRACK AUDIO\n"
        "CD_TEXT { LANGUAGE 0 { TITLE \"Song \\\"1\\\" \\101\" } }\n"
        "SILENCE 0:4:0\n");
    const struct dw_disc *d = img->disc;
    assert_true(d->has_cdtext);
    assert_string_equal(d->cdtext.title, "Album");
    assert_string_equal(d->cdtext.performer, "Band");
    assert_string_equal(d->cdtext.songwriter, "S");
    assert_string_equal(d->cdtext.composer, "C");
    assert_string_equal(d->cdtext.arranger, "A");
    assert_string_equal(d->cdtext.message, "M");
    assert_string_equal(d->tracks[0].cdtext.title, "Song \"1\" A");
    dw__image_free(img);

    /* Fields longer than 160 bytes are cut, with a warning. */
    char text[600];
    char title[300];
    memset(title, 'x', 250);
    title[250] = '\0';
    snprintf(text, sizeof(text),
             "CD_TEXT { LANGUAGE 0 { TITLE \"%s\" } }\nTRACK AUDIO SILENCE 0:4:0\n",
             title);
    img = parse_ok(text);
    assert_int_equal(strlen(img->disc->cdtext.title), DW_CDTEXT_BYTES - 1);
    assert_non_null(img->warnings);
    dw__image_free(img);
}

static void test_grammar_errors(void **state)
{
    (void)state;
    parse_fails("", DW_EPARSE, "no TRACK", NULL);
    parse_fails("CD_DA // only a header\n", DW_EPARSE, "no TRACK", NULL);
    parse_fails("TRACK AUDIO\n", DW_EPARSE, "line 1: track 1 has no data", NULL);
    parse_fails("TRACK AUDIO\nSILENCE 0:4:0\nCATALOG \"1234567890123\"\n", DW_EPARSE,
                "line 3:", "before the first TRACK");
    parse_fails("TRACK AUDIO\nSILENCE 0:4:0\nBOGUS 1\n", DW_EPARSE,
                "line 3: unknown statement", "'BOGUS'");
    parse_fails("HELLO\n", DW_EPARSE, "line 1: unknown keyword 'HELLO'", NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 START 0:4:0\n", DW_EPARSE, "START",
                "end of track 1");
    parse_fails("TRACK AUDIO SILENCE 0:4:0 START 0:1:0 START 0:2:0\n", DW_EPARSE,
                "already has its start", NULL);
    parse_fails("TRACK AUDIO\nSILENCE 0:4:0\nPREGAP 0:2:0\n", DW_EPARSE, "line 3: PREGAP",
                NULL);
    parse_fails("TRACK AUDIO PREGAP 0:0:0 SILENCE 0:4:0\n", DW_EPARSE,
                "PREGAP has length 0", NULL);
    parse_fails("TRACK AUDIO\nSILENCE 0:4:0\nINDEX 0:5:0\n", DW_EPARSE,
                "line 3: INDEX 02 lies beyond", NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0\nINDEX 0:2:0\nINDEX 0:1:0\n", DW_EPARSE,
                "line 3: INDEX 03 must come after INDEX 02", NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 INDEX 0:0:0\n", DW_EPARSE, "INDEX 0:0:0",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 1000\n", DW_EPARSE, "1000 samples", NULL);
    parse_fails("TRACK AUDIO SILENCE 0\n", DW_EPARSE, "SILENCE has length 0", NULL);
    parse_fails("TRACK MODE1 ZERO 100\n", DW_EPARSE, "2048-byte", NULL);
    parse_fails("TRACK MODE1 ZERO 0:0:0\n", DW_EPARSE, "ZERO has length 0", NULL);
    parse_fails("TRACK AUDIO FILE \"a\" 0 1000\n", DW_EPARSE, "1000 samples", NULL);
    parse_fails("TRACK MODE1 DATAFILE \"a\" 1000\n", DW_EPARSE, "1000 bytes", NULL);
    parse_fails("TRACK AUDIO RW FILE \"a\" 0 0:4:0\n", DW_EPARSE, "sub-channel", NULL);
    parse_fails("TRACK AUDIO\nISRC \"DEMUA98000\"\nSILENCE 0:4:0\n", DW_EPARSE,
                "line 2: ISRC \"DEMUA98000\"", NULL);
    parse_fails("TRACK AUDIO ISRC \"DEMUA98000AB\" SILENCE 0:4:0\n", DW_EPARSE, "ISRC",
                NULL);
    parse_fails("CATALOG \"12345678901234\" TRACK AUDIO SILENCE 0:4:0\n", DW_EPARSE,
                "13 digits", NULL);
    parse_fails("TRACK AUDIO\nSILENCE 0:4:0\nISRC \"x\n\"\n", DW_EPARSE,
                "line 3: string is not closed", NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 NO STEREO\n", DW_EPARSE, "NO must be followed",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 @\n", DW_EPARSE, "unexpected character '@'",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0\nFIFO \"p\" 0:1:0\n", DW_EUNSUPPORTED,
                "line 2: FIFO", NULL);
    parse_fails("TRACK AUDIO FILE \"-\" 0 0:4:0\n", DW_EUNSUPPORTED, "standard input",
                NULL);
    parse_fails("TRACK AUDIO FILE \"a.mp3\" 0 0:4:0\n", DW_EUNSUPPORTED, "decode", NULL);
    parse_fails("TRACK MODE2_FORM2 DATAFILE \"x\" 0:1:0\n", DW_EUNSUPPORTED, "2324",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 START 0:1:0.7\n", DW_EPARSE, "whole frames",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0.588\n", DW_EPARSE, "0 to 587", NULL);
    parse_fails("TRACK AUDIO SILENCE 99999999999999999999999\n", DW_EPARSE, "too large",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 100000:0:0\n", DW_EPARSE, "too large", NULL);
    parse_fails("TRACK AUDIO SILENCE 99999:0:0 TRACK AUDIO SILENCE 99999:0:0\n",
                DW_EPARSE, "100 hours", NULL);
    parse_fails("FIRST_TRACK_NO 0 TRACK AUDIO SILENCE 0:4:0\n", DW_EPARSE,
                "FIRST_TRACK_NO", NULL);
    parse_fails("FIRST_TRACK_NO 99 TRACK AUDIO SILENCE 0:4:0 TRACK AUDIO SILENCE 0:4:0\n",
                DW_EPARSE, "more than 99 tracks", NULL);
    parse_fails("CD_TEXT { LANGUAGE 8 { } } TRACK AUDIO SILENCE 0:4:0\n", DW_EPARSE,
                "LANGUAGE block", NULL);
    parse_fails("CD_TEXT { LANGUAGE 0 { TITLE 5 } } TRACK AUDIO SILENCE 0:4:0\n",
                DW_EPARSE, "quoted string", NULL);
    parse_fails("CD_TEXT { LANGUAGE 0 { GENRE { 1, 256 } } } TRACK AUDIO SILENCE 0:4:0\n",
                DW_EPARSE, "256", NULL);
    parse_fails("CD_TEXT { LANGUAGE 0 { TITLE \"x\" }\n", DW_EPARSE, "line 1: CD_TEXT",
                NULL);
    parse_fails("TRACK AUDIO SILENCE 0:4:0 END 0:5:0\n", DW_EPARSE, "END", NULL);

    /* A NUL byte in the middle of the text. */
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    static const char nul_text[] = "TRACK AUDIO\nSILENCE 0:4:0\n\0\n";
    assert_int_equal(
        dw__toc_parse(nul_text, sizeof(nul_text) - 1, "nul.toc", false, &img, &err),
        DW_EPARSE);
    assert_non_null(strstr(err.message, "'nul.toc' line 3: unexpected byte 0x00"));

    /* 99 tracks are fine, the 100th is not. */
    char *many = malloc(100 * 32);
    assert_non_null(many);
    many[0] = '\0';
    for (int i = 0; i < 99; i++)
        strcat(many, "TRACK AUDIO SILENCE 0:4:0\n");
    img = parse_ok(many);
    assert_int_equal(img->disc->track_count, 99);
    assert_int_equal(img->disc->tracks[98].number, 99);
    dw__image_free(img);
    strcat(many, "TRACK AUDIO SILENCE 0:4:0\n");
    parse_fails(many, DW_EPARSE, "line 100: more than 99 tracks", NULL);
    free(many);

    /* Bad arguments. */
    assert_int_equal(dw__toc_parse("x", 1, "x.toc", false, NULL, &err), DW_EINVAL);
    assert_int_equal(dw__toc_read(NULL, &img, NULL), DW_EINVAL);
    assert_int_equal(dw__toc_read("/nonexistent/dir/x.toc", &img, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, "/nonexistent/dir/x.toc"));
}

static void test_leniency(void **state)
{
    (void)state;
    struct dw__image *img = parse_ok("track audio silence 0:4:0 no copy\n"
                                     "TRACK MODE1 SILENCE 0:4:0\n");
    assert_int_equal(img->disc->tracks[1].control, DW_CTL_DATA);
    assert_non_null(img->warnings);
    assert_non_null(strstr(img->warnings, "'mem.toc' line 2: SILENCE in a MODE1 track"));
    dw__image_free(img);

    /* A UTF-8 byte order mark is skipped. */
    img = parse_ok("\xEF\xBB\xBF"
                   "TRACK AUDIO SILENCE 0:4:0\n");
    dw__image_free(img);
}

/* ------------------------------------------------------------------ */
/* Synthetic files on disk                                             */

struct tmpdir {
    char path[64];
};

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_zeros(const char *dir, const char *name, size_t len)
{
    void *buf = calloc(1, len ? len : 1);
    assert_non_null(buf);
    write_file(dir, name, buf, len);
    free(buf);
}

static void put_le32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
}

/* A WAVE file with a LIST chunk before "data", channels/bits as given. */
static void write_wav(const char *dir, const char *name, unsigned channels, unsigned bits,
                      uint32_t data_bytes)
{
    size_t len = 12 + 8 + 16 + 8 + 6 + 8 + data_bytes;
    unsigned char *b = calloc(1, len);
    assert_non_null(b);
    memcpy(b, "RIFF", 4);
    put_le32(b + 4, (uint32_t)(len - 8));
    memcpy(b + 8, "WAVE", 4);
    memcpy(b + 12, "fmt ", 4);
    put_le32(b + 16, 16);
    b[20] = 1; /* PCM */
    b[22] = (unsigned char)channels;
    put_le32(b + 24, 44100);
    put_le32(b + 28, 44100 * channels * bits / 8);
    b[32] = (unsigned char)(channels * bits / 8);
    b[34] = (unsigned char)bits;
    memcpy(b + 36, "LIST", 4);
    put_le32(b + 40, 5); /* odd size: padded to 6 */
    memcpy(b + 50, "data", 4);
    put_le32(b + 54, data_bytes);
    write_file(dir, name, b, len);
    free(b);
}

static int setup_tmpdir(void **state)
{
    struct tmpdir *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->path, sizeof(t->path), "/tmp/dw_test_toc_XXXXXX");
    if (!mkdtemp(t->path)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_tmpdir(void **state)
{
    struct tmpdir *t = *state;
    DIR *dir = opendir(t->path);
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", t->path, de->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    rmdir(t->path);
    free(t);
    return 0;
}

static int read_in(const char *dir, const char *toc_text, struct dw__image **img,
                   struct dw_error_detail *err)
{
    char path[256];
    write_file(dir, "disc.toc", toc_text, strlen(toc_text));
    snprintf(path, sizeof(path), "%s/disc.toc", dir);
    memset(err, 0, sizeof(*err));
    int rc = dw__toc_read(path, img, err);
    if (rc == 0)
        assert_spans_cover(*img);
    return rc;
}

static void test_files_on_disk(void **state)
{
    struct tmpdir *t = *state;
    struct dw__image *img;
    struct dw_error_detail err;

    write_zeros(t->path, "a.bin", 10 * 2352);
    write_zeros(t->path, "m1.iso", 20 * 2048);
    write_wav(t->path, "song.wav", 2, 16, 4 * 2352);
    write_zeros(t->path, "UPPER.BIN", 2 * 2352);
    write_zeros(t->path, "odd.bin", 2352 + 5);

    /* Whole files, a WAVE with an extra chunk, a case-insensitive match. */
    assert_int_equal(read_in(t->path,
                             "TRACK AUDIO FILE \"a.bin\" 0\n"
                             "TRACK AUDIO FILE \"song.wav\" 0:0:1\n"
                             "TRACK AUDIO FILE \"upper.bin\" 0 0:0:2\n"
                             "TRACK MODE1 DATAFILE \"m1.iso\"\n"
                             "TRACK MODE1 DATAFILE \"m1.iso\" #2048 0:0:19\n",
                             &img, &err),
                     0);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->tracks[0].end_lba, 10);
    assert_int_equal(d->tracks[1].end_lba, 10 + 3);
    assert_int_equal(d->tracks[2].end_lba, 13 + 2);
    assert_int_equal(d->tracks[3].end_lba, 15 + 20);
    assert_int_equal(d->leadout_lba, 35 + 19);
    assert_int_equal(img->file_count, 4); /* m1.iso once */
    assert_int_equal(img->spans[0].layout, DW_SPAN_AUDIO_BE);
    assert_int_equal(img->spans[1].layout, DW_SPAN_RAW);
    /* 12 + 24 (fmt) + 14 (LIST, padded) + 8 = 58, then one sector in. */
    assert_int_equal(img->spans[1].offset_bytes, 58 + 2352);
    assert_int_equal(img->spans[4].offset_bytes, 2048);
    assert_int_equal(img->files[img->spans[4].file].size_bytes, 20 * 2048);
    assert_non_null(img->warnings);
    assert_non_null(strstr(img->warnings, "ignoring case"));
    dw__image_free(img);

    /* Explicit extents past the end of the file. */
    assert_int_equal(
        read_in(t->path, "TRACK AUDIO\nFILE \"a.bin\" 0:0:5 0:0:6\n", &img, &err),
        DW_ETRUNC);
    assert_non_null(strstr(err.message, "line 2: track 1 needs bytes 11760 to 25872 of "
                                        "'a.bin', but it holds only 23520 bytes"));
    assert_int_equal(
        read_in(t->path, "TRACK MODE1 DATAFILE \"m1.iso\" #1 0:0:20\n", &img, &err),
        DW_ETRUNC);
    assert_int_equal(
        read_in(t->path, "TRACK AUDIO FILE \"song.wav\" 0:0:2 0:0:3\n", &img, &err),
        DW_ETRUNC);
    assert_int_equal(read_in(t->path, "TRACK AUDIO FILE \"odd.bin\" 0\n", &img, &err),
                     DW_ETRUNC);
    assert_non_null(strstr(err.message, "not a whole number"));
    assert_int_equal(
        read_in(t->path, "TRACK MODE1 DATAFILE \"m1.iso\" #99999\n", &img, &err),
        DW_ETRUNC);
    assert_int_equal(
        read_in(t->path, "TRACK MODE1\nDATAFILE \"nothere.iso\"\n", &img, &err),
        DW_ENOENT);
    assert_non_null(
        strstr(err.message, "disc.toc' line 2: file 'nothere.iso' not found"));

    /* WAVE files that are not CD audio, or not WAVE at all. */
    write_wav(t->path, "mono.wav", 1, 16, 2352);
    assert_int_equal(read_in(t->path, "TRACK AUDIO FILE \"mono.wav\" 0\n", &img, &err),
                     DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "1 channel"));
    write_zeros(t->path, "fake.wav", 2352);
    assert_int_equal(read_in(t->path, "TRACK AUDIO FILE \"fake.wav\" 0\n", &img, &err),
                     DW_EPARSE);
    assert_non_null(strstr(err.message, "RIFF"));

    /* A directory is not a data file. */
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/dir.bin", t->path);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(read_in(t->path, "TRACK AUDIO FILE \"dir.bin\" 0\n", &img, &err),
                     DW_EUNSUPPORTED);
    rmdir(sub);
}

/* ------------------------------------------------------------------ */

/* Issue 11: a CD layout past 99:59:74 is refused with its lead-out LBA
 * (the 100-hour bound of the grammar only keeps the arithmetic in range);
 * exactly 100 minutes fits.  A sparse file of more sectors than a CD holds
 * is refused the same way. */
static void test_cd_length_limit(void **state)
{
    struct tmpdir *t = *state;
    struct dw__image *img;
    struct dw_error_detail err;
    parse_fails("CD_DA\nTRACK AUDIO\nSILENCE 100:0:0\n", DW_ERANGE,
                "'mem.toc': the layout ends at LBA 450000 (100:02:00)",
                "past the 100 minutes a CD holds");
    parse_fails("TRACK AUDIO SILENCE 50:0:0\nTRACK AUDIO PREGAP 0:2:0 SILENCE 49:56:1\n",
                DW_ERANGE, "LBA 449851", NULL);
    img = parse_ok("TRACK AUDIO SILENCE 50:0:0\nTRACK AUDIO PREGAP 0:2:0 SILENCE 49:56:0\n");
    assert_int_equal(img->disc->leadout_lba, 449850);
    dw__image_free(img);

    char path[256];
    snprintf(path, sizeof(path), "%s/big.bin", t->path);
    write_zeros(t->path, "big.bin", 0);
    assert_int_equal(truncate(path, 449851LL * 2352), 0);
    assert_int_equal(read_in(t->path, "TRACK MODE1_RAW DATAFILE \"big.bin\"\n", &img, &err),
                     DW_ERANGE);
    assert_non_null(strstr(err.message, "ends at LBA 449851"));
    assert_int_equal(truncate(path, 449850LL * 2352), 0);
    assert_int_equal(read_in(t->path, "TRACK MODE1_RAW DATAFILE \"big.bin\"\n", &img, &err), 0);
    assert_int_equal(img->disc->leadout_lba, 449850);
    dw__image_free(img);
}

int main(void)
{
    const struct CMUnitTest synthetic[] = {
        cmocka_unit_test(test_grammar_positions),
        cmocka_unit_test(test_grammar_files_unchecked),
        cmocka_unit_test(test_grammar_cdtext),
        cmocka_unit_test(test_grammar_errors),
        cmocka_unit_test(test_leniency),
        cmocka_unit_test_setup_teardown(test_files_on_disk, setup_tmpdir,
                                        teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_cd_length_limit, setup_tmpdir,
                                        teardown_tmpdir),
    };
    const struct CMUnitTest fixtures[] = {
        cmocka_unit_test(test_cdrdao_gold_table),
        cmocka_unit_test(test_cdrdao_gold_flags),
        cmocka_unit_test(test_cdrdao_gold_files),
        cmocka_unit_test(test_libcdio_all_parse_without_files),
        cmocka_unit_test(test_libcdio_with_files),
        cmocka_unit_test(test_libcdio_bad),
        cmocka_unit_test(test_whipper_ladyhawke),
        cmocka_unit_test(test_whipper_all),
    };
    int failed = cmocka_run_group_tests_name("toc synthetic", synthetic, NULL, NULL);
    struct stat st;
    if (stat(CDRDAO_DIR, &st) != 0 || stat(LIBCDIO_DIR, &st) != 0 ||
        stat(WHIPPER_DIR, &st) != 0) {
        fprintf(stderr, "test_toc: fixtures not found under %s; skipping fixture tests\n",
                DW_FIXTURES_DIR);
        return dw_test_no_fixtures(failed, "the fixtures under " DW_FIXTURES_DIR);
    }
    return failed + cmocka_run_group_tests_name("toc fixtures", fixtures, NULL, NULL);
}
