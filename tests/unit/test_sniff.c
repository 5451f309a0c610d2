/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recognition of sources by content (src/image/sniff.c), the ISO 9660/UDF
 * recognition area (src/image/iso.c), files that must not block (FIFOs),
 * and the source dispatch of dw_drive_open (src/drive/drive.c).
 *
 * A table of synthetic files, one per format and per rule (magic numbers,
 * trailers, the order of the checks, ties broken by the name only), then
 * every third-party fixture sniffed as what it is, the messages of the
 * refusals, and the open paths: without the raw flag an ISO needs a volume
 * descriptor, with it a descriptor-less file opens, and a FIFO given as
 * any image or named by a cue or TOC file fails at once (an alarm kills the
 * test if anything blocks).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/drive.h"
#include "image/image.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif
#define LIBCDIO DW_FIXTURES_DIR "/libcdio/test/data/"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* A file in memory, up to 40 KiB: enough for the recognition area. */
struct file {
    uint8_t b[40960];
    size_t n;
};

static void put_at(struct file *f, size_t at, const void *data, size_t n)
{
    assert_true(at + n <= sizeof(f->b));
    memcpy(f->b + at, data, n);
    if (at + n > f->n)
        f->n = at + n;
}

static void put_text(struct file *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    put_at(f, 0, text, strlen(text));
}

/* What dw__image_sniff sees of a file: its first 64 KiB and last 512. */
static enum dw__image_format sniff(const struct file *f, const char *name)
{
    size_t tail = f->n < DW__SNIFF_TAIL_BYTES ? f->n : DW__SNIFF_TAIL_BYTES;
    return dw__image_sniff_bytes(f->b, f->n, f->b + f->n - tail, tail, f->n, name);
}

static void be32_at(struct file *f, size_t at, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put_at(f, at, b, 4);
}

static void le32_at(struct file *f, size_t at, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put_at(f, at, b, 4);
}

/* An ISO 9660 primary volume descriptor of `sectors` at sector `at` and
 * a terminator after it (ECMA-119 8.4, 8.3). */
static void put_pvd(struct file *f, int at, uint32_t sectors, uint32_t sectors_be)
{
    uint8_t d[2048] = {1, 'C', 'D', '0', '0', '1', 1};
    memcpy(d + 40, "SNIFFTEST                       ", 32);
    d[80] = (uint8_t)sectors, d[81] = (uint8_t)(sectors >> 8);
    d[82] = (uint8_t)(sectors >> 16), d[83] = (uint8_t)(sectors >> 24);
    d[84] = (uint8_t)(sectors_be >> 24), d[85] = (uint8_t)(sectors_be >> 16);
    d[86] = (uint8_t)(sectors_be >> 8), d[87] = (uint8_t)sectors_be;
    d[128] = 0x00, d[129] = 0x08, d[130] = 0x08, d[131] = 0x00; /* 2048 both ways */
    put_at(f, (size_t)at * 2048, d, sizeof(d));
    uint8_t t[2048] = {255, 'C', 'D', '0', '0', '1', 1};
    put_at(f, (size_t)(at + 1) * 2048, t, sizeof(t));
}

static void put_vsd(struct file *f, int at, const char *id)
{
    uint8_t d[2048] = {0};
    memcpy(d + 1, id, 5);
    d[6] = 1;
    put_at(f, (size_t)at * 2048, d, sizeof(d));
}

static void put_raw_sector(struct file *f, size_t at, uint8_t mode)
{
    uint8_t s[2352];
    memset(s, 0x55, sizeof(s));
    s[0] = 0;
    memset(s + 1, 0xff, 10);
    s[11] = 0;
    s[12] = 0x00, s[13] = 0x02, s[14] = 0x00, s[15] = mode; /* 00:02:00 */
    put_at(f, at, s, sizeof(s));
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/dw-test-sniff-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        char p[512];
        if (de->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

static const char *tmp(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
    return p[k];
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
}

static void assert_message(const struct dw_error_detail *err, const char *needle)
{
    if (!strstr(err->message, needle))
        fail_msg("message '%s' lacks '%s'", err->message, needle);
}

/* ------------------------------------------------------------------ */
/* The table: one file per format and per rule                         */

static void test_text_formats(void **state)
{
    (void)state;
    static struct file f;
    static const struct {
        const char *text, *name;
        enum dw__image_format want;
    } cases[] = {
        {"FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n", "x", DW_IMAGE_CUE},
        {"\xef\xbb\xbfREM GENRE Rock\r\nFILE \"a.bin\" BINARY\r\n  TRACK 01 MODE1/2352\r\n",
         "x.txt", DW_IMAGE_CUE},
        /* Content wins over the name. */
        {"FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n", "x.toc",
         DW_IMAGE_CUE},
        {"CD_DA\n// a comment\nTRACK AUDIO\nFILE \"a.wav\" 0 0:4:0\n", "x.cue", DW_IMAGE_TOC},
        {"TRACK AUDIO SILENCE 0:4:0\n", "x", DW_IMAGE_TOC},
        {"CD_ROM\nTRACK MODE1\nDATAFILE \"d.bin\"\n", "x.bin", DW_IMAGE_TOC},
        {"FIRST_TRACK_NO 3\nTRACK AUDIO\n", "x", DW_IMAGE_TOC},
        {"CD_TEXT { LANGUAGE_MAP { 0 : EN } }\n", "x", DW_IMAGE_TOC},
        {"INDEX 01 00:02:00\n", "x", DW_IMAGE_CUE},
        /* An EAC log: "Track 02" and "Range status" are no cue sheet. */
        {"Track 02\n\n     Filename C:\\a.wav\n     Copy CRC 1234ABCD\n", "x.log",
         DW_IMAGE_UNKNOWN},
        {"INDEX 01 00:02\nTRACK 01\n", "x", DW_IMAGE_UNKNOWN},
        {"[CloneCD]\r\nVersion=3\r\n[Disc]\r\n", "x.cue", DW_IMAGE_CCD},
        /* Text that is neither: the name breaks the tie. */
        {"TITLE \"x\"\nPERFORMER \"y\"\n", "x.cue", DW_IMAGE_CUE},
        {"TITLE \"x\"\nPERFORMER \"y\"\n", "x.TOC", DW_IMAGE_TOC},
        {"[Disc]\nTocEntries=4\n", "disc.ccd", DW_IMAGE_CCD},
        {"TITLE \"x\"\nPERFORMER \"y\"\n", "x.txt", DW_IMAGE_UNKNOWN},
        {"TITLE \"x\"\n", NULL, DW_IMAGE_UNKNOWN},
        {"hello\n", "x.iso", DW_IMAGE_UNKNOWN},
        /* Control characters in disc text do not make a cue sheet binary. */
        {"TITLE \"A\x1b[2J\x07\"\nFILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n", "x",
         DW_IMAGE_CUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        put_text(&f, cases[i].text);
        enum dw__image_format got = sniff(&f, cases[i].name);
        if (got != cases[i].want)
            fail_msg("case %zu (%s): %s, wanted %s", i, cases[i].name ? cases[i].name : "-",
                     dw__image_format_name(got), dw__image_format_name(cases[i].want));
    }
    /* UTF-16 text goes to the parser of its extension only. */
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "\xff\xfe" "F\0I\0L\0E\0", 10);
    assert_int_equal(sniff(&f, "eac.cue"), DW_IMAGE_CUE);
    assert_int_equal(sniff(&f, "eac.toc"), DW_IMAGE_TOC);
    assert_int_equal(sniff(&f, "eac.txt"), DW_IMAGE_UNKNOWN);
    /* So does anything else that nothing recognises. */
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "\x7f" "ELF\x02\x01\x01\x00", 8);
    assert_int_equal(sniff(&f, "odd.cue"), DW_IMAGE_CUE);
    assert_int_equal(sniff(&f, "odd.iso"), DW_IMAGE_UNKNOWN);
}

static void test_magic_numbers(void **state)
{
    (void)state;
    static struct file f;
    static const struct {
        const char *magic;
        size_t n;
        enum dw__image_format want;
    } cases[] = {
        {"MComprHD\0\0\0\x7c\0\0\0\x05", 16, DW_IMAGE_CHD},
        {"MEDIA DESCRIPTOR\x01\x05", 18, DW_IMAGE_MDS},
        {"ECM\0\xfc\xff\xff\xff\x3f", 9, DW_IMAGE_ECM},
        {"\x1f\x8b\x08\0\0\0\0\0", 8, DW_IMAGE_GZIP},
        {"\xfd" "7zXZ\0\0\x04", 8, DW_IMAGE_XZ},
        {"BZh91AY&SY", 10, DW_IMAGE_BZIP2},
        {"\x28\xb5\x2f\xfd\x20\x00", 6, DW_IMAGE_ZSTD},
        {"PK\x03\x04\x14\0", 6, DW_IMAGE_ZIP},
        {"7z\xbc\xaf\x27\x1c\0\x04", 8, DW_IMAGE_7Z},
        {"RIFF\x24\0\0\0WAVEfmt ", 16, DW_IMAGE_WAVE},
        {"RIFF\x24\0\0\0AVI LIST", 16, DW_IMAGE_UNKNOWN},
        {"BZh01AY&SY", 10, DW_IMAGE_UNKNOWN}, /* block size digit 0 */
        {"\x1f\x8b\x07", 3, DW_IMAGE_UNKNOWN}, /* not deflate */
        {"\x7f" "ELF\x02\x01\x01", 7, DW_IMAGE_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&f, 0, sizeof(f));
        put_at(&f, 0, cases[i].magic, cases[i].n);
        f.n = 300;
        enum dw__image_format got = sniff(&f, "x.iso");
        if (got != cases[i].want)
            fail_msg("case %zu: %s, wanted %s", i, dw__image_format_name(got),
                     dw__image_format_name(cases[i].want));
    }
    /* CISO/ZISO: the header must be sane (REFERENCE-2.md §7). */
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "CISO", 4);
    le32_at(&f, 4, 24);
    le32_at(&f, 16, 2048);
    f.n = 100;
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_CSO);
    put_at(&f, 0, "ZISO", 4);
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_ZSO);
    le32_at(&f, 16, 3000); /* not a power of two */
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_UNKNOWN);
    le32_at(&f, 16, 2048);
    f.b[20] = 7; /* no such version */
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_UNKNOWN);
}

static void test_trailers(void **state)
{
    (void)state;
    static struct file f;
    /* NRG v2: "NER5" + a u64 offset before the footer. */
    memset(&f, 0, sizeof(f));
    f.n = 5000;
    put_at(&f, f.n - 12, "NER5", 4);
    be32_at(&f, f.n - 8, 0);
    be32_at(&f, f.n - 4, 4000);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_NRG);
    be32_at(&f, f.n - 4, 4988); /* pointing at the footer itself */
    assert_int_equal(sniff(&f, "x.nrg"), DW_IMAGE_UNKNOWN);
    /* NRG v1: "NERO" + a u32. */
    memset(&f, 0, sizeof(f));
    f.n = 5000;
    put_at(&f, f.n - 8, "NERO", 4);
    be32_at(&f, f.n - 4, 4000);
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_NRG);
    /* An NRG of a data CD holds an ISO volume: the footer decides. */
    put_pvd(&f, 16, 100, 100);
    f.n = 40000;
    put_at(&f, f.n - 8, "NERO", 4);
    be32_at(&f, f.n - 4, 38000);
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_NRG);
    /* DMG: a "koly" block of version 4, size 512, as the last 512 bytes
     * (or the first, as dmg2img also accepts). */
    memset(&f, 0, sizeof(f));
    f.n = 4096;
    put_at(&f, f.n - 512, "koly", 4);
    be32_at(&f, f.n - 508, 4);
    be32_at(&f, f.n - 504, 512);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_DMG);
    be32_at(&f, f.n - 508, 3);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "koly", 4);
    be32_at(&f, 4, 4);
    be32_at(&f, 8, 512);
    f.n = 4096;
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_DMG);
}

static void test_iso_and_raw(void **state)
{
    (void)state;
    static struct file f;
    memset(&f, 0, sizeof(f));
    put_pvd(&f, 16, 18, 18);
    assert_int_equal(sniff(&f, "x.bin"), DW_IMAGE_ISO);
    /* The system area may hold anything, a short magic number too... */
    put_at(&f, 0, "\x1f\x8b\x08", 3);
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_ISO);
    /* ...but an 8-byte one is taken for what it says. */
    put_at(&f, 0, "MComprHD", 8);
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_CHD);
    /* UDF alone: BEA01, NSR02/03, TEA01 from sector 16. */
    memset(&f, 0, sizeof(f));
    put_vsd(&f, 16, "BEA01");
    put_vsd(&f, 17, "NSR03");
    put_vsd(&f, 18, "TEA01");
    assert_int_equal(sniff(&f, NULL), DW_IMAGE_ISO);
    /* An ISO 9660 set that starts at sector 17, not 16: not an ISO. */
    memset(&f, 0, sizeof(f));
    put_pvd(&f, 17, 18, 18);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
    /* Zeros, and nothing. */
    memset(&f, 0, sizeof(f));
    f.n = sizeof(f.b);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
    assert_int_equal(sniff(&f, "x.toc"), DW_IMAGE_TOC); /* the parser says why not */
    f.n = 0;
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
    assert_int_equal(sniff(&f, "x.cue"), DW_IMAGE_CUE);
    /* A raw CD sector: sync, a BCD address, mode 1 or 2. */
    memset(&f, 0, sizeof(f));
    put_raw_sector(&f, 0, 1);
    put_raw_sector(&f, 2352, 1);
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_RAW_CD);
    f.b[15] = 3; /* no such mode */
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
    f.b[15] = 2;
    f.b[13] = 0x60; /* second 60 */
    assert_int_equal(sniff(&f, "x.iso"), DW_IMAGE_UNKNOWN);
}

/* ------------------------------------------------------------------ */
/* The ISO 9660 / UDF recognition area                                 */

static void test_iso_volume(void **state)
{
    (void)state;
    static struct file f;
    struct dw__iso_volume vol;
    memset(&f, 0, sizeof(f));
    put_pvd(&f, 0, 1000, 1000);
    assert_int_equal(dw__iso_volume_parse(f.b, f.n, &vol), 0);
    assert_true(vol.iso9660);
    assert_false(vol.udf);
    assert_int_equal(vol.volume_sectors, 1000);
    assert_int_equal(vol.block_bytes, 2048);
    assert_string_equal(vol.volume_id, "SNIFFTEST");
    /* Both byte orders must agree (ECMA-119 7.3.3). */
    put_pvd(&f, 0, 1000, 999);
    assert_int_equal(dw__iso_volume_parse(f.b, f.n, &vol), 0);
    assert_int_equal(vol.volume_sectors, 0);
    /* A boot record before the primary descriptor is fine. */
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "\0CD001\1EL TORITO SPECIFICATION", 30);
    put_pvd(&f, 1, 50, 50);
    assert_int_equal(dw__iso_volume_parse(f.b, 3 * 2048, &vol), 0);
    assert_int_equal(vol.volume_sectors, 50);
    /* A terminator alone, a half descriptor, BEA01 without NSR. */
    assert_int_equal(dw__iso_volume_parse(f.b + 2 * 2048, 2048, &vol), DW_EUNSUPPORTED);
    assert_int_equal(dw__iso_volume_parse(f.b + 2048, 2047, &vol), DW_EUNSUPPORTED);
    memset(&f, 0, sizeof(f));
    put_vsd(&f, 0, "BEA01");
    put_vsd(&f, 1, "TEA01");
    assert_int_equal(dw__iso_volume_parse(f.b, f.n, &vol), DW_EUNSUPPORTED);
    /* An ISO 9660 + UDF bridge: the set, its terminator, then the VRS. */
    memset(&f, 0, sizeof(f));
    put_pvd(&f, 0, 64, 64);
    put_vsd(&f, 2, "BEA01");
    put_vsd(&f, 3, "NSR02");
    put_vsd(&f, 4, "TEA01");
    assert_int_equal(dw__iso_volume_parse(f.b, f.n, &vol), 0);
    assert_true(vol.iso9660 && vol.udf);
}

/* ------------------------------------------------------------------ */
/* Every fixture is what its name says                                 */

static int fixtures_seen[DW_IMAGE_FORMAT_COUNT];

static void sniff_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        struct stat st;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            sniff_tree(path);
            continue;
        }
        enum dw__image_format f;
        struct dw_error_detail err;
        int rc = dw__image_sniff(path, &f, &err);
        size_t n = strlen(path);
        enum dw__image_format want = DW_IMAGE_FORMAT_COUNT;
        if (n > 4 && !strcmp(path + n - 4, ".cue"))
            want = DW_IMAGE_CUE;
        else if (n > 4 && !strcmp(path + n - 4, ".toc"))
            want = DW_IMAGE_TOC;
        else if (n > 4 && !strcmp(path + n - 4, ".nrg"))
            want = DW_IMAGE_NRG;
        else if (n > 4 && !strcmp(path + n - 4, ".iso"))
            want = DW_IMAGE_ISO;
        if (want != DW_IMAGE_FORMAT_COUNT) {
            if (f != want)
                fail_msg("%s sniffed as %s (%s)", path, dw__image_format_name(f), err.message);
            assert_int_equal(rc, 0);
            fixtures_seen[want]++;
        } else if (rc == 0) {
            /* Nothing else is taken for an image discwright reads. */
            fail_msg("%s sniffed as %s", path, dw__image_format_name(f));
        } else {
            assert_int_equal(rc, DW_EUNSUPPORTED);
            fixtures_seen[f]++;
        }
    }
    closedir(d);
}

static void test_fixtures(void **state)
{
    (void)state;
    struct stat st;
    DW_SKIP_UNLESS(stat(LIBCDIO "p1.nrg", &st) == 0, "the libcdio fixtures");
    enum dw__image_format f;
    struct dw_error_detail err;
    sniff_tree(DW_FIXTURES_DIR);
    assert_true(fixtures_seen[DW_IMAGE_CUE] >= 20);
    assert_true(fixtures_seen[DW_IMAGE_TOC] >= 20);
    assert_int_equal(fixtures_seen[DW_IMAGE_NRG], 2);
    assert_true(fixtures_seen[DW_IMAGE_ISO] >= 20);
    /* A raw bin of a data CD has the sync pattern; one of audio has not. */
    assert_int_equal(dw__image_sniff(LIBCDIO "isofs-m1.bin", &f, &err), DW_EUNSUPPORTED);
    assert_int_equal(f, DW_IMAGE_RAW_CD);
    assert_message(&err, "TRACK 01 MODE1/2352");
    assert_int_equal(dw__image_sniff(LIBCDIO "cdda.bin", &f, &err), DW_EUNSUPPORTED);
    assert_int_equal(f, DW_IMAGE_UNKNOWN);
    assert_message(&err, "open its .cue or .toc file instead");
    /* UDF 1.02 alone (no ISO 9660 set), and a bridge. */
    struct dw__image *img = NULL;
    assert_int_equal(dw__iso_read(LIBCDIO "udf102.iso", 0, &img, &err), 0);
    assert_string_equal(img->kind, "UDF");
    dw__image_free(img);
    assert_int_equal(dw__iso_read(LIBCDIO "test-udf1.iso", 0, &img, &err), 0);
    assert_string_equal(img->kind, "ISO 9660 + UDF");
    dw__image_free(img);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static void test_verdicts(void **state)
{
    (void)state;
    static struct file f;
    struct dw_error_detail err;
    for (int k = DW_IMAGE_CUE; k <= DW_IMAGE_ISO; k++)
        assert_int_equal(dw__image_sniff_verdict("x", k, NULL, 0, 100, &err), 0);
    assert_int_equal(dw__image_sniff_verdict("x", DW_IMAGE_CCD, NULL, 0, 100, &err), 0);
    assert_int_equal(dw__image_sniff_verdict("x", DW_IMAGE_MDS, NULL, 0, 100, &err), 0);
    assert_int_equal(dw__image_sniff_verdict("x", DW_IMAGE_CHD, NULL, 0, 100, &err), 0);
    /* containers whose decoders (src/image/container.h) read them */
    static const int containers[] = {DW_IMAGE_CSO, DW_IMAGE_ZSO, DW_IMAGE_ECM,
                                     DW_IMAGE_DMG, DW_IMAGE_GZIP, DW_IMAGE_XZ};
    for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
        assert_int_equal(dw__image_sniff_verdict("x", containers[i], NULL, 0, 100, &err), 0);
    for (int k = DW_IMAGE_RAW_CD; k < DW_IMAGE_FORMAT_COUNT; k++) {
        bool read = k == DW_IMAGE_CCD || k == DW_IMAGE_MDS || k == DW_IMAGE_CHD;
        for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
            read |= containers[i] == k;
        if (read)
            continue;
        memset(&err, 0, sizeof(err));
        assert_int_equal(dw__image_sniff_verdict("dir/x.img", k, NULL, 0, 100, &err),
                         DW_EUNSUPPORTED);
        assert_message(&err, "'dir/x.img' is ");
    }
    dw__image_sniff_verdict("x.iso.bz2", DW_IMAGE_BZIP2, NULL, 0, 100, &err);
    assert_message(&err, "bzip2-compressed file, which discwright cannot read yet: "
                         "decompress it first (bunzip2)");
    assert_message(&err, "it reads cue sheets, cdrdao TOC files, Nero NRG, ISO 9660/UDF");
    /* Unknown: what it starts with. */
    memset(&f, 0, sizeof(f));
    put_at(&f, 0, "\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10);
    dw__image_sniff_verdict("prog", DW_IMAGE_UNKNOWN, f.b, f.n, f.n, &err);
    assert_message(&err, "'prog' is not a disc image discwright knows (it starts with the "
                         "bytes 7f 45 4c 46 02 01 01 00)");
    assert_message(&err, "opens with --raw");
    put_text(&f, "say \"hi\" \\\tthere\x1b[2J\nsecond line");
    dw__image_sniff_verdict("t", DW_IMAGE_UNKNOWN, f.b, f.n, f.n, &err);
    assert_message(&err,
                   "(it starts with the text \"say \\\"hi\\\" \\\\\\x09there\\x1b[2J\")");
    memset(&f, 0, sizeof(f));
    dw__image_sniff_verdict("z", DW_IMAGE_UNKNOWN, f.b, 4096, 1 << 20, &err);
    assert_message(&err, "(it starts with 4096 zero bytes and goes on)");
    dw__image_sniff_verdict("e", DW_IMAGE_UNKNOWN, f.b, 0, 0, &err);
    assert_message(&err, "'e' is empty");
    /* A .bin that is not recognisably anything: the raw image of a CD. */
    dw__image_sniff_verdict("a/cdda.bin", DW_IMAGE_UNKNOWN, f.b, 4096, 4096, &err);
    assert_message(&err, "'a/cdda.bin' is a raw image without its layout: open its .cue or "
                         ".toc file instead, or write a cue sheet for it (FILE \"cdda.bin\"");
    put_raw_sector(&f, 0, 2);
    dw__image_sniff_verdict("a/m2.bin", DW_IMAGE_RAW_CD, f.b, 2352, 2352, &err);
    assert_message(&err, "Mode 2 at the start");
    assert_message(&err, "FILE \"m2.bin\" BINARY, TRACK 01 MODE2/2352, INDEX 01 00:00:00");
}

/* ------------------------------------------------------------------ */
/* Files: FIFOs never block; ISO needs a descriptor unless raw          */

static void test_fifos_do_not_block(void **state)
{
    (void)state;
    static const char *const names[] = {"f.cue", "f.toc", "f.nrg", "f.iso", "f"};
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    struct dw_drive *d = NULL;
    enum dw__image_format f;
    make_tmpdir();
    alarm(20); /* anything that blocks kills the test */
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *p = tmp(names[i]);
        assert_int_equal(mkfifo(p, 0600), 0);
        assert_int_equal(dw__image_sniff(p, &f, &err), DW_EINVAL);
        assert_message(&err, "is a FIFO (named pipe)");
        assert_int_equal(dw_drive_open(p, 0, &d, &err), DW_EINVAL);
        assert_message(&err, "is a FIFO (named pipe), not a disc image or a drive");
        assert_int_equal(dw_drive_open(p, DW_DRIVE_OPEN_RAW_ISO, &d, &err), DW_EINVAL);
    }
    /* Each reader on its own, and stdio:. */
    assert_int_equal(dw__cue_read(tmp("f.cue"), &img, &err), DW_EINVAL);
    assert_int_equal(dw__toc_read(tmp("f.toc"), &img, &err), DW_EINVAL);
    assert_int_equal(dw__nrg_read(tmp("f.nrg"), &img, &err), DW_EINVAL);
    assert_int_equal(dw__iso_read(tmp("f.iso"), DW__ISO_RAW, &img, &err), DW_EINVAL);
    char stdio[300];
    snprintf(stdio, sizeof(stdio), "stdio:%s", tmp("f.iso"));
    assert_int_equal(dw_drive_open(stdio, 0, &d, &err), DW_EINVAL);
    assert_message(&err, "FIFO");
    /* Files a cue or TOC names. */
    const char cue[] = "FILE \"f\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n";
    write_file(tmp("a.cue"), cue, strlen(cue));
    assert_int_equal(dw__cue_read(tmp("a.cue"), &img, &err), DW_EINVAL);
    assert_message(&err, "FILE 'f' is a FIFO (named pipe), not a regular file");
    const char wav[] = "FILE \"f.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n";
    assert_int_equal(mkfifo(tmp("f.wav"), 0600), 0);
    write_file(tmp("w.cue"), wav, strlen(wav));
    assert_int_equal(dw__cue_read(tmp("w.cue"), &img, &err), DW_EINVAL);
    const char toc[] = "CD_DA\nTRACK AUDIO\nFILE \"f\" 0 0:4:0\n";
    write_file(tmp("a.toc"), toc, strlen(toc));
    assert_int_equal(dw__toc_read(tmp("a.toc"), &img, &err), DW_EUNSUPPORTED);
    assert_message(&err, "'f' is a FIFO (named pipe), not a regular file");
    /* A CDTEXTFILE that is a FIFO: a warning, the cue still opens. */
    uint8_t bin[2352 * 4] = {0};
    write_file(tmp("a.bin"), bin, sizeof(bin));
    const char cdt[] = "CDTEXTFILE \"f\"\nFILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n"
                       "    INDEX 01 00:00:00\n";
    write_file(tmp("t.cue"), cdt, strlen(cdt));
    assert_int_equal(dw__cue_read(tmp("t.cue"), &img, &err), 0);
    assert_non_null(strstr(img->warnings, "is a FIFO (named pipe)"));
    dw__image_free(img);
    alarm(0);
    remove_tmpdir();
}

static void test_open_paths(void **state)
{
    (void)state;
    static struct file f;
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    struct dw_drive *d = NULL;
    struct dw_drive_info info;
    make_tmpdir();
    /* 20 sectors without a volume descriptor. */
    memset(&f, 0, sizeof(f));
    for (size_t i = 0; i < 20 * 2048; i++)
        f.b[i] = (uint8_t)(i * 7 + 1);
    f.n = 20 * 2048;
    write_file(tmp("plain.iso"), f.b, f.n);
    assert_int_equal(dw__iso_read(tmp("plain.iso"), 0, &img, &err), DW_EUNSUPPORTED);
    assert_message(&err, "has no ISO 9660 or UDF volume descriptor at sector 16");
    assert_int_equal(dw_drive_open(tmp("plain.iso"), 0, &d, &err), DW_EUNSUPPORTED);
    assert_message(&err, "is not a disc image discwright knows");
    assert_int_equal(dw_drive_open(tmp("plain.iso"), DW_DRIVE_OPEN_RAW_ISO, &d, &err), 0);
    dw_drive_info(d, &info);
    assert_string_equal(info.backend, "iso");
    assert_string_equal(info.model, "raw 2048-byte");
    assert_int_equal(dw_drive_disc(d)->leadout_lba, 20);
    dw_drive_free(d);
    char stdio[300];
    snprintf(stdio, sizeof(stdio), "stdio:%s", tmp("plain.iso"));
    assert_int_equal(dw_drive_open(stdio, 0, &d, &err), 0);
    dw_drive_free(d);
    assert_int_equal(dw_drive_open(tmp("plain.iso"), 0x80, &d, &err), DW_EINVAL);
    /* With a primary volume descriptor (of 30 sectors: the file is short). */
    put_pvd(&f, 16, 30, 30);
    write_file(tmp("vol.img"), f.b, f.n);
    assert_int_equal(dw_drive_open(tmp("vol.img"), 0, &d, &err), 0);
    dw_drive_info(d, &info);
    assert_string_equal(info.model, "ISO 9660");
    assert_non_null(strstr(dw_drive_warnings(d), "its ISO 9660 volume is 30 sectors long"));
    dw_drive_free(d);
    /* The raw flag does not make a recognised format an ISO. */
    put_at(&f, 0, "MComprHD", 8);
    write_file(tmp("x.iso"), f.b, f.n);
    assert_int_equal(dw_drive_open(tmp("x.iso"), DW_DRIVE_OPEN_RAW_ISO, &d, &err),
                     DW_EUNSUPPORTED);
    assert_message(&err, "CHD");
    /* A cue sheet under a .toc name is read as a cue sheet. */
    uint8_t bin[2352 * 4] = {0};
    write_file(tmp("a.bin"), bin, sizeof(bin));
    const char cue[] = "FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n";
    write_file(tmp("really-a-cue.toc"), cue, strlen(cue));
    assert_int_equal(dw_drive_open(tmp("really-a-cue.toc"), 0, &d, &err), 0);
    dw_drive_info(d, &info);
    assert_string_equal(info.backend, "cue");
    dw_drive_free(d);
    /* A directory, and nothing. */
    assert_int_equal(dw_drive_open(tmpdir, 0, &d, &err), DW_EINVAL);
    assert_message(&err, "is a directory");
    assert_int_equal(dw_drive_open(tmp("none.cue"), 0, &d, &err), DW_ENOENT);
    assert_message(&err, "none.cue");
    remove_tmpdir();
}

/* ISO images: larger than the largest disc is refused (a sparse file). */
static void test_iso_size_limit(void **state)
{
    (void)state;
    static struct file f;
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    make_tmpdir();
    memset(&f, 0, sizeof(f));
    put_pvd(&f, 16, 100, 100);
    write_file(tmp("big.iso"), f.b, f.n);
    assert_int_equal(truncate(tmp("big.iso"), (DW__MAX_MEDIUM_SECTORS + 1) * 2048), 0);
    assert_int_equal(dw__iso_read(tmp("big.iso"), 0, &img, &err), DW_ERANGE);
    assert_message(&err, "holds 62500865 sectors of 2048 bytes, more than the largest disc "
                         "(62500864 sectors");
    assert_int_equal(truncate(tmp("big.iso"), DW__MAX_MEDIUM_SECTORS * 2048), 0);
    assert_int_equal(dw__iso_read(tmp("big.iso"), 0, &img, &err), 0);
    assert_int_equal(img->disc->leadout_lba, DW__MAX_MEDIUM_SECTORS);
    dw__image_free(img);
    remove_tmpdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_formats),   cmocka_unit_test(test_magic_numbers),
        cmocka_unit_test(test_trailers),       cmocka_unit_test(test_iso_and_raw),
        cmocka_unit_test(test_iso_volume),     cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_verdicts),       cmocka_unit_test(test_fifos_do_not_block),
        cmocka_unit_test(test_open_paths),     cmocka_unit_test(test_iso_size_limit),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
