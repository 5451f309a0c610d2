/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the writers for burning back and archiving: CD-TEXT packs
 * (src/disc/cdtext_write.c) read back by libcdio's parser (the cue
 * reader's CDTEXTFILE path), the CloneCD control file (ccd_write.c) read
 * back with a small INI reader here, the cdrdao TOC (toc_write.c) read back
 * by our TOC reader (src/image/toc.c), and the raw P-W of a layout
 * (pwsynth.c) and of an image drive (dw_drive_read_raw_sub) de-interleaved
 * the CloneCD way and decoded with dw_q_decode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/qscan.h"
#include "discwright/sector.h"
#include "drive/mmc.h"
#include "disc/disc_int.h"
#include "image/image.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif
#define LIBCDIO_DIR DW_FIXTURES_DIR "/libcdio/test/data"

/* ---- helpers ---------------------------------------------------------------- */

/* A disc from cue text (no files needed); the caller frees it. */
static struct dw_disc *disc_of(const char *cue)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    int rc = dw__cue_parse(cue, strlen(cue), "/tmp/t.cue", false, &img, &err);
    if (rc)
        fail_msg("cue: %s", err.message);
    struct dw_disc *d = dw_disc_clone(img->disc);
    dw__image_free(img);
    return d;
}

/* Everything a writer wrote to a memory stream; the caller frees it. */
struct mem {
    char *text;
    size_t len;
    FILE *fp;
};

static void mem_open(struct mem *m)
{
    m->text = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->text, &m->len);
    assert_non_null(m->fp);
}

static void mem_close(struct mem *m)
{
    fclose(m->fp);
    m->fp = NULL;
}

static uint16_t crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return (uint16_t)~crc;
}

static const char full_cue[] =
    "CATALOG 4006381333931\n"
    "TITLE \"Caf\xc3\xa9 Album, a long title that needs more than one pack\"\n"
    "PERFORMER \"The Performer\"\n"
    "SONGWRITER \"Song Writer\"\n"
    "FILE \"x.bin\" BINARY\n"
    "  TRACK 01 AUDIO\n"
    "    TITLE \"First\"\n"
    "    PERFORMER \"P1\"\n"
    "    SONGWRITER \"S1\"\n"
    "    ISRC USRC17607839\n"
    "    INDEX 00 00:00:00\n"
    "    INDEX 01 00:00:33\n"
    "  TRACK 02 AUDIO\n"
    "    TITLE \"Second\"\n"
    "    PERFORMER \"P2\"\n"
    "    SONGWRITER \"S2\"\n"
    "    FLAGS DCP PRE\n"
    "    INDEX 00 00:10:00\n"
    "    INDEX 01 00:12:00\n"
    "    INDEX 02 00:15:10\n"
    "  TRACK 03 MODE1/2352\n"
    "    TITLE \"Data\"\n"
    "    PERFORMER \"P3\"\n"
    "    SONGWRITER \"S3\"\n"
    "    INDEX 01 00:20:00\n"
    "  TRACK 04 AUDIO\n"
    "    TITLE \"Four\"\n"
    "    PERFORMER \"P4\"\n"
    "    SONGWRITER \"S4\"\n"
    "    FLAGS 4CH\n"
    "    INDEX 00 00:25:00\n"
    "    INDEX 01 00:26:00\n";

/* The last track of a cue without files has no length: give it one. */
static struct dw_disc *full_disc(void)
{
    struct dw_disc *d = disc_of(full_cue);
    /* Characters a TOC string must escape. */
    snprintf(d->tracks[1].cdtext.title, sizeof(d->tracks[1].cdtext.title),
             "Second \"quoted\" \\back");
    d->leadout_lba = d->tracks[d->track_count - 1].index_lba[1] + 300;
    d->session_count = 0;
    assert_int_equal(dw_disc_finish(d, NULL, 0), 0);
    return d;
}

static void assert_same_cdtext(const struct dw_cdtext *a, const struct dw_cdtext *b)
{
    assert_string_equal(a->title, b->title);
    assert_string_equal(a->performer, b->performer);
    assert_string_equal(a->songwriter, b->songwriter);
    assert_string_equal(a->composer, b->composer);
    assert_string_equal(a->arranger, b->arranger);
    assert_string_equal(a->message, b->message);
}

/* ---- CD-TEXT packs ----------------------------------------------------------- */

static void check_pack_structure(const uint8_t *packs, size_t bytes,
                                 const struct dw_disc *d)
{
    size_t n = bytes / 18;
    assert_int_equal(bytes % 18, 0);
    assert_true(n >= 4);
    int counts[16] = {0};
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = packs + i * 18;
        assert_int_equal(crc16(p, 16), (uint16_t)(p[16] << 8 | p[17]));
        assert_int_equal(p[2], i);        /* sequence numbers count up */
        assert_int_equal(p[3] & 0x70, 0); /* block 0 */
        assert_int_equal(p[3] & 0x80, 0); /* single-byte characters */
        assert_true(p[0] >= 0x80 && p[0] <= 0x8F);
        counts[p[0] - 0x80]++;
    }
    /* The last three are the size information. */
    const uint8_t *s = packs + (n - 3) * 18;
    uint8_t info[36];
    for (int k = 0; k < 3; k++) {
        assert_int_equal(s[k * 18], 0x8F);
        assert_int_equal(s[k * 18 + 1], k);
        memcpy(info + 12 * k, s + k * 18 + 4, 12);
    }
    assert_int_equal(info[0], 0x00); /* ISO 8859-1 */
    assert_int_equal(info[1], d->tracks[0].number);
    assert_int_equal(info[2], d->tracks[d->track_count - 1].number);
    for (int t = 0; t < 16; t++)
        assert_int_equal(info[4 + t], counts[t]);
    assert_int_equal(info[20], n - 1);
    assert_int_equal(info[28], 0x09); /* English */
}

static void test_cdtext_round_trip(void **state)
{
    (void)state;
    struct dw_disc *d = full_disc();
    uint8_t *packs;
    size_t bytes;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), 0);
    assert_non_null(packs);
    check_pack_structure(packs, bytes, d);
    /* ISO 8859-1 in the packs: the e-acute is one byte E9h. */
    assert_non_null(memchr(packs, 0xE9, bytes));
    /* libcdio's parser (as the cue reader's CDTEXTFILE uses it) gives the
     * same fields back, in UTF-8. */
    assert_true(dw__cdtext_is_safe(packs, bytes));
    struct dw_disc *back = dw_disc_clone(d);
    memset(&back->cdtext, 0, sizeof(back->cdtext));
    for (int i = 0; i < back->track_count; i++)
        memset(&back->tracks[i].cdtext, 0, sizeof(back->tracks[i].cdtext));
    assert_int_equal(dw__cdtext_apply(packs, bytes, back), 0);
    assert_true(back->has_cdtext);
    assert_same_cdtext(&back->cdtext, &d->cdtext);
    for (int i = 0; i < d->track_count; i++)
        assert_same_cdtext(&back->tracks[i].cdtext, &d->tracks[i].cdtext);
    assert_string_equal(back->cdtext.title,
                        "Caf\xc3\xa9 Album, a long title that needs more than one pack");
    free(packs);
    dw_disc_free(back);
    dw_disc_free(d);
}

static void test_cdtext_album_only(void **state)
{
    (void)state;
    /* As libcdio's p1.cue: album TITLE and PERFORMER, tracks without. */
    struct dw_disc *d = disc_of("TITLE \"Join us now we have the software\"\n"
                                "PERFORMER \"Richard Stallman\"\n"
                                "FILE \"x.bin\" BINARY\n"
                                "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                                "  TRACK 02 AUDIO\n    INDEX 01 00:03:00\n");
    uint8_t *packs;
    size_t bytes;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), 0);
    check_pack_structure(packs, bytes, d);
    assert_int_equal(bytes / 18, 3 + 2 + 3); /* 3 title, 2 performer, 3 size packs */
    struct dw_disc *back = dw_disc_clone(d);
    memset(&back->cdtext, 0, sizeof(back->cdtext));
    assert_int_equal(dw__cdtext_apply(packs, bytes, back), 0);
    assert_string_equal(back->cdtext.title, "Join us now we have the software");
    assert_string_equal(back->cdtext.performer, "Richard Stallman");
    assert_string_equal(back->tracks[1].cdtext.title, "");
    free(packs);
    dw_disc_free(back);
    dw_disc_free(d);
}

static void test_cdtext_none_and_errors(void **state)
{
    (void)state;
    struct dw_disc *d =
        disc_of("FILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n");
    uint8_t *packs = (uint8_t *)"x";
    size_t bytes = 7;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), 0);
    assert_null(packs);
    assert_int_equal(bytes, 0);
    /* Track numbers with a hole cannot be numbered in packs. */
    snprintf(d->cdtext.title, sizeof(d->cdtext.title), "T");
    d->tracks[0].number = 2;
    d->track_count = 2;
    d->tracks[1] = d->tracks[0];
    d->tracks[1].number = 5;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), DW_EINVAL);
    /* More text than 256 packs: 99 tracks, six fields of 150 characters. */
    struct dw_disc *big = dw_disc_new();
    big->track_count = 99;
    for (int i = 0; i < 99; i++) {
        struct dw_track *t = &big->tracks[i];
        t->number = i + 1;
        char *f[6] = {t->cdtext.title,    t->cdtext.performer, t->cdtext.songwriter,
                      t->cdtext.composer, t->cdtext.arranger,  t->cdtext.message};
        for (int k = 0; k < 6; k++)
            memset(f[k], 'a' + k, 150);
    }
    assert_int_equal(dw_cdtext_encode(big, &packs, &bytes), DW_ERANGE);
    assert_null(packs);
    /* The disc-level writer then leaves CD-TEXT out of the .ccd. */
    dw_disc_free(big);
    dw_disc_free(d);
}

static void test_cdtext_latin1(void **state)
{
    (void)state;
    struct dw_disc *d =
        disc_of("TITLE \"\xc3\x84\xe2\x82\xac\xff!\"\n" /* Ä, €, a bare FFh */
                "FILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n");
    uint8_t *packs;
    size_t bytes;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), 0);
    /* Ä becomes C4h, the euro sign (beyond ISO 8859-1) '?', FFh stays. */
    assert_memory_equal(packs + 4, "\xc4?\xff!\0", 5);
    free(packs);
    dw_disc_free(d);
}

/* ---- CloneCD control file ----------------------------------------------------- */

/* A parsed .ccd: "section/key" -> value. */
struct ini {
    int count;
    char key[512][176];
    char value[512][64];
    int sections;
};

static void ini_parse(const char *text, struct ini *ini)
{
    char section[32] = "";
    memset(ini, 0, sizeof(*ini));
    for (const char *p = text; *p;) {
        const char *nl = strstr(p, "\r\n");
        assert_non_null(nl); /* every line ends in CRLF */
        char line[128];
        size_t n = (size_t)(nl - p);
        assert_true(n < sizeof(line));
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl + 2;
        if (line[0] == '[') {
            snprintf(section, sizeof(section), "%.*s", (int)(strlen(line) - 2), line + 1);
            ini->sections++;
            continue;
        }
        char *eq = strchr(line, '=');
        assert_non_null(eq);
        *eq = '\0';
        assert_true(ini->count < 512);
        snprintf(ini->key[ini->count], sizeof(ini->key[0]), "%s/%s", section, line);
        snprintf(ini->value[ini->count], sizeof(ini->value[0]), "%s", eq + 1);
        ini->count++;
    }
}

static const char *ini_get(const struct ini *ini, const char *fmt, ...)
{
    char key[176];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof(key), fmt, ap);
    va_end(ap);
    for (int i = 0; i < ini->count; i++)
        if (!strcmp(ini->key[i], key))
            return ini->value[i];
    return NULL;
}

static long ini_num(const struct ini *ini, const char *fmt, int n, const char *k)
{
    char key[176];
    snprintf(key, sizeof(key), fmt, n);
    strncat(key, k, sizeof(key) - strlen(key) - 1);
    const char *v = ini_get(ini, "%s", key);
    if (!v)
        fail_msg("no %s in the .ccd", key);
    return strtol(v, NULL, 0);
}

static void test_ccd_two_sessions(void **state)
{
    (void)state;
    struct dw_disc *d = disc_of("CATALOG 0000010271955\n"
                                "TITLE \"Album\"\n"
                                "FILE \"x.bin\" BINARY\n"
                                "  REM SESSION 01\n"
                                "  TRACK 01 AUDIO\n    ISRC GBAYE0601498\n"
                                "    INDEX 01 00:00:00\n"
                                "  TRACK 02 AUDIO\n    FLAGS DCP\n"
                                "    INDEX 00 00:05:00\n    INDEX 01 00:07:00\n"
                                "    INDEX 02 00:08:00\n"
                                "  REM SESSION 02\n"
                                "  TRACK 03 MODE2/2352\n    INDEX 01 00:12:00\n");
    d->leadout_lba = d->tracks[2].index_lba[1] + 500;
    d->sessions[d->session_count - 1].leadout_lba = d->leadout_lba;
    assert_int_equal(dw_disc_finish(d, NULL, 0), 0);
    struct dw_ccd_write_opts o = {0};
    struct mem m;
    struct ini ini;
    mem_open(&m);
    assert_int_equal(dw_ccd_write(d, &o, m.fp), 0);
    mem_close(&m);
    ini_parse(m.text, &ini);

    assert_string_equal(ini_get(&ini, "CloneCD/Version"), "3");
    assert_string_equal(ini_get(&ini, "Disc/Sessions"), "2");
    assert_string_equal(ini_get(&ini, "Disc/DataTracksScrambled"), "0");
    assert_string_equal(ini_get(&ini, "Disc/CATALOG"), "0000010271955");
    long entries = strtol(ini_get(&ini, "Disc/TocEntries"), NULL, 10);
    assert_int_equal(entries, 3 * 2 + 3);
    assert_string_equal(ini_get(&ini, "Session 1/PreGapMode"), "0");
    assert_string_equal(ini_get(&ini, "Session 2/PreGapMode"), "2");

    /* The full TOC: every entry's PLBA follows from its PMSF; A0h/A1h name
     * the session's tracks, A2h its lead-out, track points their INDEX 01. */
    int seen_tracks = 0;
    for (int e = 0; e < entries; e++) {
        long point = ini_num(&ini, "Entry %d/", e, "Point");
        long session = ini_num(&ini, "Entry %d/", e, "Session");
        long pmin = ini_num(&ini, "Entry %d/", e, "PMin"),
             psec = ini_num(&ini, "Entry %d/", e, "PSec"),
             pframe = ini_num(&ini, "Entry %d/", e, "PFrame"),
             plba = ini_num(&ini, "Entry %d/", e, "PLBA");
        assert_int_equal(plba, (pmin * 60 + psec) * 75 + pframe - 150);
        assert_int_equal(ini_num(&ini, "Entry %d/", e, "ADR"), 1);
        const struct dw_session *s = &d->sessions[session - 1];
        if (point == 0xA0) {
            assert_int_equal(pmin, s->first_track);
            assert_int_equal(psec, session == 2 ? 0x20 : 0); /* CD-ROM XA */
        } else if (point == 0xA1) {
            assert_int_equal(pmin, s->last_track);
        } else if (point == 0xA2) {
            assert_int_equal(plba, s->leadout_lba);
        } else {
            const struct dw_track *t = dw_disc_track(d, (int)point);
            assert_non_null(t);
            assert_int_equal(t->session, session);
            assert_int_equal(plba, t->index_lba[1]);
            unsigned control = (unsigned)ini_num(&ini, "Entry %d/", e, "Control");
            assert_int_equal(control,
                             t->control | (dw_track_is_data(t) ? DW_CTL_DATA : 0));
            seen_tracks++;
        }
    }
    assert_int_equal(seen_tracks, 3);
    /* Tracks: mode, ISRC, indexes as LBAs; INDEX 0 where the .img holds a
     * pregap and for a later session's first track. */
    assert_string_equal(ini_get(&ini, "TRACK 1/MODE"), "0");
    assert_string_equal(ini_get(&ini, "TRACK 1/ISRC"), "GBAYE0601498");
    assert_null(ini_get(&ini, "TRACK 1/INDEX 0"));
    assert_string_equal(ini_get(&ini, "TRACK 1/INDEX 1"), "0");
    assert_string_equal(ini_get(&ini, "TRACK 2/INDEX 0"), "375");
    assert_string_equal(ini_get(&ini, "TRACK 2/INDEX 1"), "525");
    assert_string_equal(ini_get(&ini, "TRACK 2/INDEX 2"), "600");
    assert_string_equal(ini_get(&ini, "TRACK 3/MODE"), "2");
    char want[16];
    snprintf(want, sizeof(want), "%d", (int)dw_track_first_lba(&d->tracks[2]));
    assert_string_equal(ini_get(&ini, "TRACK 3/INDEX 0"), want);
    /* CD-TEXT: the packs, 16 bytes each. */
    uint8_t *packs;
    size_t bytes;
    assert_int_equal(dw_cdtext_encode(d, &packs, &bytes), 0);
    assert_int_equal(strtol(ini_get(&ini, "Disc/CDTextLength"), NULL, 10), (long)bytes);
    assert_int_equal(strtol(ini_get(&ini, "CDText/Entries"), NULL, 10),
                     (long)(bytes / 18));
    for (size_t i = 0; i < bytes / 18; i++) {
        const char *hex = ini_get(&ini, "CDText/Entry %zu", i);
        assert_non_null(hex);
        for (int b = 0; b < 16; b++)
            assert_int_equal(strtol(hex + 3 * b, NULL, 16), packs[i * 18 + (size_t)b]);
        assert_int_equal(strlen(hex), 16 * 3 - 1);
    }
    free(packs);
    free(m.text);

    /* A first track starting after LBA 0 with its pregap (hidden track) in
     * the .img: INDEX 0 at 0; flags must be 0. */
    struct dw_disc *h = full_disc();
    mem_open(&m);
    assert_int_equal(dw_ccd_write(h, &o, m.fp), 0);
    mem_close(&m);
    ini_parse(m.text, &ini);
    assert_string_equal(ini_get(&ini, "TRACK 1/INDEX 0"), "0");
    assert_string_equal(ini_get(&ini, "TRACK 1/INDEX 1"), "33");
    assert_string_equal(ini_get(&ini, "TRACK 3/MODE"), "1");
    free(m.text);
    o.flags = 1;
    assert_int_equal(dw_ccd_write(h, &o, stderr), DW_EINVAL);
    dw_disc_free(h);
    dw_disc_free(d);
}

/* ---- cdrdao TOC ----------------------------------------------------------------- */

/* Parse TOC text with our reader (no files). */
static struct dw__image *toc_read(const char *text, size_t len)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    int rc = dw__toc_parse(text, len, "/tmp/t.toc", false, &img, &err);
    if (rc)
        fail_msg("toc: %s\n%s", err.message, text);
    return img;
}

/* Text from a disc is data: a CD-TEXT title holding a line feed and cue
 * keywords, quotes and an escape cannot add lines to a cue sheet, and an
 * MCN or ISRC that is not valid is left out (issue: a disc's title wrote
 * FILE and TRACK lines into NAME.cue). */
static void test_cue_hostile_text(void **state)
{
    (void)state;
    struct dw_disc *d = disc_of("FILE \"a.bin\" BINARY\n"
                                "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                                "  TRACK 02 AUDIO\n    INDEX 01 00:10:00\n");
    snprintf(d->cdtext.title, sizeof(d->cdtext.title),
             "x\"\nFILE \"/etc/passwd\" BINARY\n  TRACK 03 AUDIO\n    INDEX 01 00:00:00\r\x1b[2J\a");
    snprintf(d->tracks[0].cdtext.performer, sizeof(d->tracks[0].cdtext.performer), "a\nb");
    snprintf(d->tracks[0].isrc, sizeof(d->tracks[0].isrc), "US\nFILE x.b");
    snprintf(d->tracks[1].isrc, sizeof(d->tracks[1].isrc), "USABC1234567");
    snprintf(d->mcn, sizeof(d->mcn), "12345\n789012");
    d->has_cdtext = true;
    int replaced = -1;
    struct dw_cue_write_opts o = {.bin_name = "r.bin", .replaced = &replaced};
    struct mem m;
    mem_open(&m);
    assert_int_equal(dw_cue_write(d, &o, m.fp), 0);
    mem_close(&m);
    /* Line by line: only the writer's own keywords start lines. */
    int files = 0, tracks = 0, lines = 0;
    for (char *line = strtok(m.text, "\n"); line; line = strtok(NULL, "\n")) {
        lines++;
        for (const char *c = line; *c; c++)
            assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
        files += strstr(line, "FILE ") == line;
        tracks += strstr(line, "  TRACK ") == line;
        assert_null(strstr(line, "CATALOG"));
    }
    assert_int_equal(files, 1);
    assert_int_equal(tracks, 2);
    /* 3 LF + CR + ESC + BEL in the title, 1 LF in the performer; the bad
     * ISRC and the bad MCN. */
    assert_int_equal(replaced, 9);
    dw_disc_free(d);
    free(m.text);
    assert_true(dw_isrc_valid("USABC1234567"));
    assert_false(dw_isrc_valid("usabc1234567"));
    assert_false(dw_isrc_valid("USABC12345678"));
    assert_true(dw_mcn_valid("0000010271955"));
    assert_false(dw_mcn_valid("000001027195A"));
}

static void test_toc_round_trip(void **state)
{
    (void)state;
    struct dw_disc *d = full_disc();
    struct dw_toc_write_opts o = {.bin_name = "disc \"x\".bin"};
    struct mem m;
    mem_open(&m);
    assert_int_equal(dw_toc_write(d, &o, m.fp), 0);
    mem_close(&m);
    assert_non_null(strstr(m.text, "\nCD_ROM\n"));
    assert_non_null(strstr(m.text, "CATALOG \"4006381333931\""));
    assert_non_null(strstr(m.text, "TITLE \"Caf\\351 Album")); /* ISO 8859-1, octal */
    assert_non_null(strstr(m.text, "TITLE \"Second \\042quoted\\042 \\134back\""));
    assert_non_null(strstr(m.text, "FILE \"disc \\042x\\042.bin\" SWAP #0 0 "));
    struct dw__image *img = toc_read(m.text, m.len);
    const struct dw_disc *b = img->disc;

    assert_int_equal(b->track_count, d->track_count);
    assert_string_equal(b->mcn, d->mcn);
    /* The reader keeps the bytes: ISO 8859-1 where the model had UTF-8. */
    assert_string_equal(b->cdtext.title,
                        "Caf\xe9 Album, a long title that needs more than one pack");
    assert_string_equal(b->cdtext.performer, d->cdtext.performer);
    assert_string_equal(b->cdtext.songwriter, d->cdtext.songwriter);
    for (int i = 0; i < d->track_count; i++) {
        const struct dw_track *x = &d->tracks[i], *y = &b->tracks[i];
        assert_int_equal(y->number, x->number);
        assert_int_equal(dw_track_is_data(y), dw_track_is_data(x));
        assert_int_equal(y->control & 0xB, x->control & 0xB); /* DCP, PRE, 4CH */
        assert_int_equal(y->index_count, x->index_count);
        for (int k = 0; k < x->index_count; k++)
            assert_int_equal(y->index_lba[k], x->index_lba[k]);
        assert_int_equal(y->end_lba, x->end_lba);
        assert_string_equal(y->isrc, x->isrc);
        assert_same_cdtext(&y->cdtext, &x->cdtext);
    }
    assert_int_equal(b->tracks[2].mode, DW_MODE_MODE1);
    /* Every sector maps to its place in the bin: raw, little-endian audio. */
    for (int s = 0; s < img->span_count; s++) {
        const struct dw__span *sp = &img->spans[s];
        assert_int_equal(sp->layout, DW_SPAN_RAW);
        assert_int_equal(sp->offset_bytes, (uint64_t)sp->lba * 2352);
        assert_int_equal(sp->stride_bytes, 2352);
    }
    dw__image_free(img);
    free(m.text);

    /* Flags and bad arguments. */
    o.flags = 1;
    assert_int_equal(dw_toc_write(d, &o, stderr), DW_EINVAL);
    o.flags = 0;
    o.session = 2;
    assert_int_equal(dw_toc_write(d, &o, stderr), DW_EINVAL);
    dw_disc_free(d);
}

static void test_toc_sessions(void **state)
{
    (void)state;
    /* A CD-Extra whose bin holds session 2's 150-sector pregap: one TOC per
     * session; the second starts at track 2 and leaves that pregap to the
     * recorder. */
    struct dw_disc *d = disc_of("FILE \"x.bin\" BINARY\n"
                                "  REM SESSION 01\n"
                                "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                                "  REM SESSION 02\n"
                                "  TRACK 02 MODE1/2352\n    INDEX 01 00:10:00\n");
    d->leadout_lba = d->tracks[1].index_lba[1] + 300;
    d->sessions[1].leadout_lba = d->leadout_lba;
    assert_int_equal(dw_disc_finish(d, NULL, 0), 0);
    const struct dw_track *t2 = &d->tracks[1];
    int32_t gap_lba[1] = {dw_track_first_lba(t2)};
    int32_t gap_sectors[1] = {dw_track_first_lba(t2) - d->tracks[0].end_lba};
    struct dw_toc_write_opts o = {.bin_name = "x.bin",
                                  .gap_lba = gap_lba,
                                  .gap_sectors = gap_sectors,
                                  .gap_count = 1};
    assert_int_equal(dw_toc_write(d, &o, stderr), DW_EINVAL); /* session 0 of two */
    struct mem m;
    o.session = 2;
    mem_open(&m);
    assert_int_equal(dw_toc_write(d, &o, m.fp), 0);
    mem_close(&m);
    assert_non_null(strstr(m.text, "FIRST_TRACK_NO 2\n"));
    /* Track 2 data from INDEX 01: bin offset = track 1 + 150 pregap sectors. */
    char want[64];
    snprintf(want, sizeof(want), "DATAFILE \"x.bin\" #%lld 00:04:00\n",
             (long long)(d->tracks[0].end_lba + 150) * 2352);
    if (!strstr(m.text, want))
        fail_msg("no '%s' in\n%s", want, m.text);
    assert_null(strstr(m.text, "START"));
    struct dw__image *img = toc_read(m.text, m.len);
    assert_int_equal(img->disc->tracks[0].number, 2);
    assert_int_equal(img->disc->tracks[0].end_lba - img->disc->tracks[0].index_lba[1],
                     300);
    dw__image_free(img);
    free(m.text);
    o.session = 1;
    mem_open(&m);
    assert_int_equal(dw_toc_write(d, &o, m.fp), 0);
    mem_close(&m);
    assert_non_null(strstr(m.text, "\nCD_DA\n"));
    assert_null(strstr(m.text, "FIRST_TRACK_NO"));
    free(m.text);
    dw_disc_free(d);
}

/* ---- raw P-W ------------------------------------------------------------------------
 */

static void test_synth_pw(void **state)
{
    (void)state;
    struct dw_disc *d = full_disc();
    uint8_t pw[96], sub[96], q[12];
    for (int32_t lba = -150; lba < d->leadout_lba + 300; lba++) {
        assert_int_equal(dw_disc_synth_pw(d, lba, pw), 0);
        dw_subchannel_deinterleave(pw, sub);
        assert_int_equal(dw_disc_synth_q(d, lba, q), 0);
        assert_memory_equal(sub + 12, q, 12); /* Q */
        for (int k = 24; k < 96; k++)         /* R-W */
            assert_int_equal(sub[k], 0);
        struct dw_q f;
        assert_int_equal(dw_q_decode(sub + 12, &f), 0);
        bool pregap = false;
        if (lba < d->leadout_lba) {
            for (int i = d->track_count - 1; i >= 0; i--)
                if (lba >= dw_track_first_lba(&d->tracks[i]) || i == 0) {
                    pregap = lba < d->tracks[i].index_lba[1];
                    break;
                }
        } else {
            int32_t rel = lba - d->leadout_lba;
            pregap = rel == 0 || (rel >= 150 && (rel % 75) / 19 % 2 == 0);
        }
        for (int k = 0; k < 12; k++)
            assert_int_equal(sub[k], pregap ? 0xFF : 0x00);
    }
    assert_int_equal(dw_disc_synth_pw(d, -151, pw), DW_ERANGE);
    dw_disc_free(d);
}

static void test_image_read_raw_sub(void **state)
{
    (void)state;
    DW_SKIP_UNLESS(access(LIBCDIO_DIR "/p1.cue", R_OK) == 0, LIBCDIO_DIR "/p1.cue");
    struct dw_drive *dr;
    assert_int_equal(dw_drive_open(LIBCDIO_DIR "/p1.cue", 0, &dr, NULL), 0);
    const struct dw_disc *d = dw_drive_disc(dr);
    int32_t n = d->leadout_lba;
    uint8_t *both = malloc((size_t)n * DW_RAW_SUB_SECTOR_BYTES);
    uint8_t *raw = malloc((size_t)n * DW_SECTOR_RAW_BYTES);
    assert_int_equal(dw_drive_read_raw_sub(dr, 0, n, both), 0);
    assert_int_equal(dw_drive_read_raw(dr, 0, n, raw), 0);
    int mcn = 0;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *s = both + (size_t)i * DW_RAW_SUB_SECTOR_BYTES;
        uint8_t pw[96], q[12];
        assert_memory_equal(s, raw + (size_t)i * DW_SECTOR_RAW_BYTES,
                            DW_SECTOR_RAW_BYTES);
        assert_int_equal(dw_disc_synth_pw(d, i, pw), 0);
        assert_memory_equal(s + DW_SECTOR_RAW_BYTES, pw, 96);
        dw_subchannel_q(s + DW_SECTOR_RAW_BYTES, q);
        struct dw_q f;
        assert_int_equal(dw_q_decode(q, &f), 0);
        if (f.adr == DW_Q_ADR_MCN) {
            assert_string_equal(f.mcn, "0000010271955");
            mcn++;
        } else {
            assert_int_equal(f.abs_lba, i);
            assert_int_equal(f.tno, i < 150 ? 1 : 2);
            assert_int_equal(f.index, (i >= 75 && i < 150) || i >= 225 ? 1 : 0);
        }
    }
    assert_int_equal(mcn, 3);
    /* Past the disc: an error, as dw_drive_read_raw. */
    assert_int_not_equal(dw_drive_read_raw_sub(dr, n + 10000, 1, both), 0);
    assert_int_equal(dw_drive_read_raw_sub(dr, 0, 0, both), DW_EINVAL);
    free(both);
    free(raw);
    dw_drive_free(dr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cdtext_round_trip),
        cmocka_unit_test(test_cdtext_album_only),
        cmocka_unit_test(test_cdtext_none_and_errors),
        cmocka_unit_test(test_cdtext_latin1),
        cmocka_unit_test(test_ccd_two_sessions),
        cmocka_unit_test(test_cue_hostile_text),
        cmocka_unit_test(test_toc_round_trip),
        cmocka_unit_test(test_toc_sessions),
        cmocka_unit_test(test_synth_pw),
        cmocka_unit_test(test_image_read_raw_sub),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
