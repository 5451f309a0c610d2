/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sector classification and verify over image drives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "dw_test.h"
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "discwright/verify.h"
#include "json_check.h"
#include "verify/verify_offset.h"

#define ISOFS_CUE DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.cue"
#define ISOFS_BIN DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.bin"

static void test_classify(void **state)
{
    (void)state;
    uint8_t a[2048], b[2048];
    int32_t diff;
    memset(a, 7, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MATCH);
    assert_int_equal(diff, -1);
    b[1234] ^= 0x10;
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MISCOMPARE);
    assert_int_equal(diff, 1234);
    b[5] ^= 1;
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MISCOMPARE);
    assert_int_equal(diff, 5);
    assert_int_equal(dw_verify_classify(DW_EREAD, a, b, sizeof(a), &diff), DW_CLASS_UNREADABLE);
    assert_int_equal(diff, -1);
    assert_string_equal(dw_sector_class_name(DW_CLASS_UNTESTED), "untested");
}

/* Extract the user data of isofs-m1.bin as an ISO, then verify the cue
 * (read raw, user data taken from each sector) against it; flip one byte
 * of a copy and check that verify names its LBA and byte. */
static void test_verify_iso_against_cue(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", iso[80];
    DW_SKIP_UNLESS(access(ISOFS_BIN, R_OK) == 0, ISOFS_BIN);
    assert_non_null(mkdtemp(dir));
    snprintf(iso, sizeof(iso), "%s/x.iso", dir);
    FILE *in = fopen(ISOFS_BIN, "rb"), *out = fopen(iso, "wb");
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    int sectors = 0;
    while (fread(raw, 1, sizeof(raw), in) == sizeof(raw)) {
        assert_int_equal(dw_sector_check(raw, sectors, NULL), DW_SECTOR_GOOD);
        fwrite(raw + DW_OFF_MODE1_DATA, 1, DW_SECTOR_USER_BYTES, out);
        sectors++;
    }
    fclose(in);
    fclose(out);
    assert_int_equal(sectors, 302);

    struct dw_drive *src = NULL, *img = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    struct dw_verify_range r;
    assert_int_equal(dw_drive_open(ISOFS_CUE, 0, &src, &err), 0);
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    assert_int_equal(dw_verify(src, img, NULL, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SECTORS), 302);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 302);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_RANGES), 0);
    dw_verify_report_free(rep);
    dw_drive_free(img);

    /* The ISO backend rebuilds full Mode 1 sectors (sync, header, EDC,
     * ECC) from user data: they equal the original raw sectors. */
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    uint8_t rebuilt[DW_SECTOR_RAW_BYTES * 4], orig[DW_SECTOR_RAW_BYTES * 4];
    assert_int_equal(dw_drive_read_raw(img, 100, 4, rebuilt), 0);
    assert_int_equal(dw_drive_read_raw(src, 100, 4, orig), 0);
    assert_memory_equal(rebuilt, orig, sizeof(orig));
    dw_drive_free(img);

    /* One flipped byte in sector 150, byte 77. */
    FILE *fp = fopen(iso, "r+b");
    fseek(fp, 150L * 2048 + 77, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, 150L * 2048 + 77, SEEK_SET);
    fputc(c ^ 0xff, fp);
    fclose(fp);
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    assert_int_equal(dw_verify(src, img, NULL, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 301);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE), 1);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_RANGES), 1);
    assert_int_equal(dw_verify_report_range(rep, 0, &r, sizeof(r)), 0);
    assert_int_equal(r.first_lba, 150);
    assert_int_equal(r.last_lba, 150);
    assert_int_equal(r.first_diff_byte, 77);
    assert_non_null(strstr(dw_verify_report_json(rep), "\"miscompare\""));
    dw_verify_report_free(rep);
    dw_drive_free(img);
    dw_drive_free(src);
    unlink(iso);
    rmdir(dir);
}

/* The source shorter than the image: the missing sectors are unreadable. */
static void test_short_source(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", a[80], b[80];
    assert_non_null(mkdtemp(dir));
    snprintf(a, sizeof(a), "%s/a.iso", dir);
    snprintf(b, sizeof(b), "%s/b.iso", dir);
    uint8_t block[2048];
    FILE *fa = fopen(a, "wb"), *fb = fopen(b, "wb");
    for (int i = 0; i < 40; i++) {
        memset(block, i, sizeof(block));
        fwrite(block, 1, sizeof(block), fb);
        if (i < 30)
            fwrite(block, 1, sizeof(block), fa);
    }
    fclose(fa);
    fclose(fb);
    struct dw_drive *src = NULL, *img = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    struct dw_verify_range r;
    char stdio_a[90];
    snprintf(stdio_a, sizeof(stdio_a), "stdio:%s", a);
    assert_int_equal(dw_drive_open(stdio_a, 0, &src, &err), 0);
    /* b.iso has no volume descriptor: it opens as an ISO only on purpose. */
    assert_int_equal(dw_drive_open(b, 0, &img, &err), DW_EUNSUPPORTED);
    assert_int_equal(dw_drive_open(b, DW_DRIVE_OPEN_RAW_ISO, &img, &err), 0);
    struct dw_verify_opts opts = {.source_lba = -1, .retries = 0};
    assert_int_equal(dw_verify(src, img, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 30);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_UNREADABLE), 10);
    assert_int_equal(dw_verify_report_range(rep, 0, &r, sizeof(r)), 0);
    assert_int_equal(r.first_lba, 30);
    assert_int_equal(r.last_lba, 39);
    dw_verify_report_free(rep);
    /* And the other way round: 10 sectors after the image are padding. */
    assert_int_equal(dw_verify(img, src, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 30);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SOURCE_EXTRA_SECTORS), 10);
    dw_verify_report_free(rep);
    dw_drive_free(src);
    dw_drive_free(img);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

/* ---- the report: accessors and JSON ---------------------------------------------- */

/* dir/name: `sectors` 2048-byte sectors, sector i filled with byte i. */
static void write_iso(const char *dir, const char *name, int sectors, char *path,
                      size_t path_bytes)
{
    uint8_t block[2048];
    snprintf(path, path_bytes, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < sectors; i++) {
        memset(block, i & 0xff, sizeof(block));
        assert_int_equal(fwrite(block, 1, sizeof(block), fp), sizeof(block));
    }
    assert_int_equal(fclose(fp), 0);
}

/* Set byte `byte` of sector `lba` of path to v. */
static void poke(const char *path, long lba, long byte, int v)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, lba * 2048 + byte, SEEK_SET), 0);
    assert_int_equal(fputc(v, fp), v);
    assert_int_equal(fclose(fp), 0);
}

/* A verify with two miscompare ranges and a source that ends early: every
 * accessor against what was made, the range accessor's bounds, and the
 * JSON parsed back: the schema keys after "tool", every key in its place,
 * every value equal to the accessors'. */
static void test_report_accessors_and_json(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", img[80], src[80], stdio_src[90], keys[512];
    assert_non_null(mkdtemp(dir));
    write_iso(dir, "img.iso", 64, img, sizeof(img));
    write_iso(dir, "src.iso", 60, src, sizeof(src));
    poke(src, 10, 5, 0xee);
    poke(src, 11, 0, 0xee);
    poke(src, 40, 2047, 0xee);
    snprintf(stdio_src, sizeof(stdio_src), "stdio:%s", src);
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    assert_int_equal(dw_drive_open(stdio_src, 0, &s, &err), 0);
    assert_int_equal(dw_drive_open(img, DW_DRIVE_OPEN_RAW_ISO, &im, &err), 0);
    struct dw_verify_opts opts = {
        .source_lba = -1, .retries = 0, .command_line = "verify x y"};
    assert_int_equal(dw_verify(s, im, &opts, NULL, &rep, &err), 0);
    assert_non_null(rep);

    assert_int_equal(dw_verify_report_verdict(rep), DW_VERIFY_VERDICT_MISMATCH);
    assert_int_equal(dw_verify_report_exit_status(rep), 4);
    assert_string_equal(dw_verify_report_error(rep), "");
    assert_int_equal(dw_verify_report_sector_bytes(rep), 2048);
    assert_int_equal(dw_verify_report_source_lba(rep), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SECTORS), 64);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 57);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE), 3);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_UNREADABLE), 4);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_UNTESTED), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SOURCE_EXTRA_SECTORS), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_RANGES), 3);
    assert_int_equal(dw_verify_report_count(rep, (enum dw_verify_count)99), 0);

    struct dw_verify_range r[3];
    static const struct dw_verify_range want[3] = {
        {.first_lba = 10, .last_lba = 11, .cls = DW_CLASS_MISCOMPARE, .first_diff_byte = 5},
        {.first_lba = 40, .last_lba = 40, .cls = DW_CLASS_MISCOMPARE, .first_diff_byte = 2047},
        {.first_lba = 60, .last_lba = 63, .cls = DW_CLASS_UNREADABLE, .first_diff_byte = -1}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(dw_verify_report_range(rep, i, &r[i], sizeof(r[i])), 0);
        assert_int_equal(r[i].first_lba, want[i].first_lba);
        assert_int_equal(r[i].last_lba, want[i].last_lba);
        assert_int_equal(r[i].cls, want[i].cls);
        assert_int_equal(r[i].first_diff_byte, want[i].first_diff_byte);
    }
    struct dw_verify_range spare;
    assert_int_equal(dw_verify_report_range(rep, 3, &spare, sizeof(spare)), DW_ERANGE);
    assert_int_equal(dw_verify_report_range(rep, -1, &spare, sizeof(spare)), DW_ERANGE);
    assert_int_equal(dw_verify_report_range(rep, 0, NULL, sizeof(spare)), DW_EINVAL);
    assert_int_equal(dw_verify_report_range(rep, 0, &spare, sizeof(int32_t)), DW_EINVAL);

    json_object *o = json_tokener_parse(dw_verify_report_json(rep)), *v;
    assert_non_null(o);
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys,
                        "tool,schema,schema_version,command,command_line,finished,source,"
                        "image,compare,source_lba,sectors,match,miscompare,unreadable,"
                        "untested,outside,samples_not_compared,edc_errors,"
                        "source_extra_sectors,tracks,ranges,verdict,exit_status");
    assert_string_equal(json_str(o, "schema"), "discwright-verify-report");
    assert_int_equal(json_int(o, "schema_version"), 1);
    assert_string_equal(json_str(o, "command"), "verify");
    assert_string_equal(json_str(o, "command_line"), "verify x y");
    assert_string_equal(json_str(o, "image"), img);
    assert_true(json_object_object_get_ex(o, "source", &v));
    assert_string_equal(json_str(v, "address"), stdio_src);
    assert_string_equal(json_str(o, "compare"), "user 2048");
    assert_int_equal(json_int(o, "source_lba"), dw_verify_report_source_lba(rep));
    static const struct {
        const char *key;
        enum dw_verify_count what;
    } counts[] = {{"sectors", DW_VERIFY_SECTORS},
                  {"match", DW_VERIFY_MATCH},
                  {"miscompare", DW_VERIFY_MISCOMPARE},
                  {"unreadable", DW_VERIFY_UNREADABLE},
                  {"untested", DW_VERIFY_UNTESTED},
                  {"source_extra_sectors", DW_VERIFY_SOURCE_EXTRA_SECTORS}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        assert_int_equal(json_int(o, counts[i].key),
                         dw_verify_report_count(rep, counts[i].what));
    assert_true(json_object_object_get_ex(o, "ranges", &v));
    assert_int_equal(json_object_array_length(v), 3);
    for (int i = 0; i < 3; i++) {
        json_object *x = json_object_array_get_idx(v, (size_t)i);
        json_keys(x, keys, sizeof(keys));
        assert_string_equal(keys, r[i].cls == DW_CLASS_MISCOMPARE
                                      ? "class,first_lba,last_lba,sectors,track,first_diff_byte"
                                      : "class,first_lba,last_lba,sectors,track");
        assert_string_equal(json_str(x, "class"), dw_sector_class_name(r[i].cls));
        assert_int_equal(json_int(x, "first_lba"), r[i].first_lba);
        assert_int_equal(json_int(x, "last_lba"), r[i].last_lba);
        assert_int_equal(json_int(x, "sectors"), r[i].last_lba - r[i].first_lba + 1);
        if (r[i].cls == DW_CLASS_MISCOMPARE)
            assert_int_equal(json_int(x, "first_diff_byte"), r[i].first_diff_byte);
    }
    assert_string_equal(json_str(o, "verdict"), "mismatch");
    assert_int_equal(json_int(o, "exit_status"), 4);
    json_object_put(o);
    dw_verify_report_free(rep);

    /* The other way round: the source's 4 sectors after the image are not
     * compared.  Then identical: verdict, exit status 0. */
    assert_int_equal(dw_verify(im, s, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_verdict(rep), DW_VERIFY_VERDICT_MISMATCH);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SOURCE_EXTRA_SECTORS), 4);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SECTORS), 60);
    dw_verify_report_free(rep);
    assert_int_equal(dw_verify(im, im, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_verdict(rep), DW_VERIFY_VERDICT_IDENTICAL);
    assert_int_equal(dw_verify_report_exit_status(rep), 0);
    o = json_tokener_parse(dw_verify_report_json(rep));
    assert_string_equal(json_str(o, "verdict"), "identical");
    assert_false(json_object_object_get_ex(o, "error", NULL));
    json_object_put(o);
    dw_verify_report_free(rep);

    /* Unreadable only: exit status 3, "unreadable sectors". */
    poke(src, 10, 5, 10);
    poke(src, 11, 0, 11);
    poke(src, 40, 2047, 40);
    assert_int_equal(dw_verify(s, im, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_verdict(rep), DW_VERIFY_VERDICT_UNREADABLE);
    assert_int_equal(dw_verify_report_exit_status(rep), 3);
    o = json_tokener_parse(dw_verify_report_json(rep));
    assert_string_equal(json_str(o, "verdict"), "unreadable sectors");
    assert_int_equal(json_int(o, "exit_status"), 3);
    json_object_put(o);
    dw_verify_report_free(rep);

    dw_drive_free(s);
    dw_drive_free(im);
    unlink(img);
    unlink(src);
    rmdir(dir);
}

/* A verify that fails before it compares (audio image, source without raw
 * sectors) still hands back a report: verdict failed, exit status 1, the
 * error's message, the sides it knew and nothing of a comparison. */
static void test_report_after_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", src[80], keys[512];
    DW_SKIP_UNLESS(access(DW_FIXTURES_DIR "/libcdio/test/data/cdda.cue", R_OK) == 0,
                   "the libcdio fixtures");
    assert_non_null(mkdtemp(dir));
    write_iso(dir, "src.iso", 16, src, sizeof(src));
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    assert_int_equal(dw_drive_open(src, DW_DRIVE_OPEN_RAW_ISO, &s, &err), 0);
    assert_int_equal(
        dw_drive_open(DW_FIXTURES_DIR "/libcdio/test/data/cdda.cue", 0, &im, &err), 0);
    assert_int_equal(dw_verify(s, im, NULL, NULL, &rep, &err), DW_EUNSUPPORTED);
    assert_non_null(rep);
    assert_int_equal(dw_verify_report_verdict(rep), DW_VERIFY_VERDICT_FAILED);
    assert_int_equal(dw_verify_report_exit_status(rep), 1);
    assert_string_equal(dw_verify_report_error(rep), err.message);
    assert_non_null(strstr(err.message, "has audio tracks"));
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SECTORS), 0);
    assert_int_equal(dw_verify_report_source_lba(rep), -1);
    assert_int_equal(dw_verify_report_sector_bytes(rep), 0);
    struct dw_verify_range r;
    assert_int_equal(dw_verify_report_range(rep, 0, &r, sizeof(r)), DW_ERANGE);
    json_object *o = json_tokener_parse(dw_verify_report_json(rep));
    assert_non_null(o);
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys, "tool,schema,schema_version,command,finished,source,image,"
                              "verdict,exit_status,error");
    assert_string_equal(json_str(o, "verdict"), "failed");
    assert_int_equal(json_int(o, "exit_status"), 1);
    assert_string_equal(json_str(o, "error"), err.message);
    json_object_put(o);
    dw_verify_report_free(rep);

    /* No report for bad arguments; the accessors take NULL. */
    rep = (struct dw_verify_report *)&r; /* any value: dw_verify clears it */
    assert_int_equal(dw_verify(NULL, im, NULL, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    struct dw_verify_opts bad = {.source_lba = -1, .retries = -1, .flags = 0x80};
    assert_int_equal(dw_verify(s, im, &bad, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    bad.flags = DW_VERIFY_READ_OFFSET;
    bad.read_offset_samples = DW_VERIFY_MAX_OFFSET + 1;
    assert_int_equal(dw_verify(s, im, &bad, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    assert_non_null(strstr(err.message, "out of range"));
    assert_null(dw_verify_report_json(NULL));
    assert_int_equal(dw_verify_report_verdict(NULL), DW_VERIFY_VERDICT_FAILED);
    assert_int_equal(dw_verify_report_exit_status(NULL), 1);
    assert_string_equal(dw_verify_report_error(NULL), "");
    assert_int_equal(dw_verify_report_count(NULL, DW_VERIFY_MATCH), 0);
    assert_int_equal(dw_verify_report_source_lba(NULL), -1);
    assert_int_equal(dw_verify_report_sector_bytes(NULL), 0);
    assert_int_equal(dw_verify_report_range(NULL, 0, &r, sizeof(r)), DW_ERANGE);
    dw_verify_report_free(NULL);
    /* report NULL: the verify runs all the same. */
    assert_int_equal(dw_verify(s, im, NULL, NULL, NULL, &err), DW_EUNSUPPORTED);
    dw_drive_free(s);
    dw_drive_free(im);
    unlink(src);
    rmdir(dir);
}

static int stop_at_once(const struct dw_progress *p, void *user)
{
    int *calls = user;
    assert_string_equal(p->phase, "verify");
    (*calls)++;
    return 1;
}

/* Stopped by the progress callback after the first transfer: the rest is
 * untested, DW_EABORTED, and the report says both. */
static void test_report_stopped(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", a[80], b[80];
    assert_non_null(mkdtemp(dir));
    write_iso(dir, "a.iso", 1000, a, sizeof(a));
    write_iso(dir, "b.iso", 1000, b, sizeof(b));
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    int calls = 0;
    struct dw_callbacks cb = {.progress = stop_at_once, .user = &calls};
    assert_int_equal(dw_drive_open(a, DW_DRIVE_OPEN_RAW_ISO, &s, &err), 0);
    assert_int_equal(dw_drive_open(b, DW_DRIVE_OPEN_RAW_ISO, &im, &err), 0);
    assert_int_equal(dw_verify(s, im, NULL, &cb, &rep, &err), DW_EABORTED);
    assert_int_equal(calls, 1);
    int64_t match = dw_verify_report_count(rep, DW_VERIFY_MATCH);
    int64_t untested = dw_verify_report_count(rep, DW_VERIFY_UNTESTED);
    assert_true(match > 0 && untested > 0);
    assert_int_equal(match + untested, 1000);
    assert_int_equal(dw_verify_report_exit_status(rep), 1);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_RANGES), 1);
    struct dw_verify_range r;
    assert_int_equal(dw_verify_report_range(rep, 0, &r, sizeof(r)), 0);
    assert_int_equal(r.cls, DW_CLASS_UNTESTED);
    assert_int_equal(r.first_lba, match);
    assert_int_equal(r.last_lba, 999);
    json_object *o = json_tokener_parse(dw_verify_report_json(rep));
    assert_int_equal(json_int(o, "untested"), untested);
    assert_string_equal(json_str(o, "verdict"), "failed");
    assert_non_null(strstr(json_str(o, "error"), "verify stopped after"));
    json_object_put(o);
    dw_verify_report_free(rep);
    dw_drive_free(s);
    dw_drive_free(im);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

/* A raw comparison (a BIN/CUE against itself): 2352-byte sectors, "raw
 * 2352" in the JSON, the source LBA of its first track. */
static void test_report_raw(void **state)
{
    (void)state;
    DW_SKIP_UNLESS(access(ISOFS_BIN, R_OK) == 0, "the libcdio fixtures");
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    assert_int_equal(dw_drive_open(ISOFS_CUE, 0, &s, &err), 0);
    assert_int_equal(dw_drive_open(ISOFS_CUE, 0, &im, &err), 0);
    assert_int_equal(dw_verify(s, im, NULL, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_sector_bytes(rep), 2352);
    assert_int_equal(dw_verify_report_source_lba(rep), 0);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), 302);
    json_object *o = json_tokener_parse(dw_verify_report_json(rep));
    assert_string_equal(json_str(o, "compare"), "raw 2352");
    assert_false(json_object_object_get_ex(o, "command_line", NULL));
    json_object_put(o);
    dw_verify_report_free(rep);
    dw_drive_free(s);
    dw_drive_free(im);
}


/* ---- the offset search (verify_offset.h) on synthetic audio ------------- */

/* n samples of noise from seed (xorshift32), never a silent sample. */
static void noise(uint8_t *pcm, int64_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (int64_t i = 0; i < n * 4; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pcm[i] = (uint8_t)x;
    }
    for (int64_t i = 0; i < n; i++)
        pcm[i * 4] |= 1;
}

/* The source as a drive with read offset `shift` delivers the image:
 * image sample p at source position p + shift, source positions 0..n-1,
 * zeros where the image has nothing. */
static void shifted(const uint8_t *image, uint8_t *source, int64_t n, int32_t shift)
{
    memset(source, 0, (size_t)n * 4);
    for (int64_t q = 0; q < n; q++)
        if (q - shift >= 0 && q - shift < n)
            memcpy(source + q * 4, image + (q - shift) * 4, 4);
}

#define SEARCH_N (40 * 588)

static void test_offset_search_shifts(void **state)
{
    (void)state;
    uint8_t *img = malloc(SEARCH_N * 4), *src = malloc(SEARCH_N * 4);
    assert_non_null(img);
    assert_non_null(src);
    noise(img, SEARCH_N, 7);
    static const int32_t shifts[] = {0, 6, -30, 667, -667, 588, -1176, 2940, -2940, 1};
    for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
        struct dw__offset_search r;
        shifted(img, src, SEARCH_N, shifts[i]);
        assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                                  DW_VERIFY_SEARCH_SAMPLES, &r),
                         0);
        assert_true(r.found);
        assert_int_equal(r.shift_samples, shifts[i]);
        if (r.fits != 1)
            fail_msg("shift %d: %d shifts fit", (int)shifts[i], r.fits);
        /* at -2940 the first block lies wholly before the source's start */
        assert_int_equal(r.blocks, shifts[i] == -2940 ? 2 : 1);
        assert_false(r.silent);
    }
    /* Positions need not start at 0, and the source window may be a part:
     * image from sample 100000, source 10 sectors of it from 99000. */
    struct dw__offset_search r;
    shifted(img, src, SEARCH_N, 30);
    assert_int_equal(dw__verify_offset_search(img, 100000, SEARCH_N, src + 1000 * 4,
                                              100000 + 1000, 10 * 588,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_true(r.found);
    assert_int_equal(r.shift_samples, 30);
    /* Beyond the range: nothing fits. */
    shifted(img, src, SEARCH_N, DW_VERIFY_SEARCH_SAMPLES + 1);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_false(r.found);
    assert_false(r.silent);
    assert_int_equal(r.blocks, DW_VERIFY_SEARCH_BLOCKS);
    /* Other audio altogether: nothing fits. */
    noise(src, SEARCH_N, 99);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_false(r.found);
    assert_int_equal(dw__verify_offset_search(NULL, 0, 1, src, 0, 1, 0, &r), DW_EINVAL);
    assert_int_equal(dw__verify_offset_search(img, 0, 1, src, 0, 1, 0, NULL), DW_EINVAL);
    free(img);
    free(src);
}

static void test_offset_search_silence(void **state)
{
    (void)state;
    uint8_t *img = calloc(SEARCH_N, 4), *src = malloc(SEARCH_N * 4);
    assert_non_null(img);
    assert_non_null(src);
    struct dw__offset_search r;
    /* All silence: unfindable, and said so. */
    shifted(img, src, SEARCH_N, 6);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_false(r.found);
    assert_true(r.silent);
    assert_int_equal(r.blocks, 0);
    /* 20 silent sectors, then noise: the silence is skipped, the first
     * block with sound decides. */
    noise(img + 20 * 588 * 4, SEARCH_N - 20 * 588, 3);
    shifted(img, src, SEARCH_N, -30);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_true(r.found);
    assert_false(r.silent);
    assert_int_equal(r.shift_samples, -30);
    assert_int_equal(r.fits, 1);
    /* One click in silence (fewer non-silent samples than the minimum a
     * shift must match) is not evidence: nothing fits. */
    memset(img, 0, SEARCH_N * 4);
    img[5000 * 4] = 9;
    shifted(img, src, SEARCH_N, 6);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_false(r.found);
    assert_false(r.silent);
    free(img);
    free(src);
}

static void test_offset_search_changed_and_periodic(void **state)
{
    (void)state;
    uint8_t *img = malloc(SEARCH_N * 4), *src = malloc(SEARCH_N * 4);
    assert_non_null(img);
    assert_non_null(src);
    struct dw__offset_search r;
    /* A changed sample in the first block: that block fits no shift, the
     * second decides. */
    noise(img, SEARCH_N, 11);
    shifted(img, src, SEARCH_N, 667);
    src[(1000 + 667) * 4] ^= 0x40;
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_true(r.found);
    assert_int_equal(r.shift_samples, 667);
    assert_int_equal(r.blocks, 2);
    /* A period of 100 samples: every shift 6 + 100k fits; the one nearest 0
     * is taken and the count says how many fit. */
    for (int64_t i = 0; i < SEARCH_N; i++)
        memcpy(img + i * 4, img + (i % 100) * 4, 4);
    shifted(img, src, SEARCH_N, 6);
    assert_int_equal(dw__verify_offset_search(img, 0, SEARCH_N, src, 0, SEARCH_N,
                                              DW_VERIFY_SEARCH_SAMPLES, &r),
                     0);
    assert_true(r.found);
    assert_int_equal(r.shift_samples, 6);
    if (r.fits < 20)
        fail_msg("%d shifts fit", r.fits);
    free(img);
    free(src);
}

/* Write n bytes of buf to path. */
static void write_file(const char *path, const uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* An audio image and a source image holding the same audio 6 samples
 * later (as a drive with read offset +6 would deliver it): compared at 0
 * (the source is an image) every sector differs; with the offset given
 * they match but for the last 6 samples, which are counted as not
 * compared; one changed sample is named by LBA and sample. */
static void test_verify_offset_option(void **state)
{
    (void)state;
    enum { SECTORS = 300 };
    char dir[] = "/tmp/dw-test-voff-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    const int64_t n = (int64_t)SECTORS * 588;
    uint8_t *img = malloc((size_t)n * 4), *src = malloc((size_t)n * 4);
    assert_non_null(img);
    assert_non_null(src);
    noise(img, n, 5);
    shifted(img, src, n, 6);
    static const char *const names[2] = {"i", "s"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof(path), "%s/%s.bin", dir, names[k]);
        write_file(path, k ? src : img, (size_t)n * 4);
        snprintf(path, sizeof(path), "%s/%s.cue", dir, names[k]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "FILE \"%s.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                   "  TRACK 02 AUDIO\n    INDEX 01 00:02:00\n",
                names[k]);
        fclose(f);
    }
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    snprintf(path, sizeof(path), "%s/i.cue", dir);
    assert_int_equal(dw_drive_open(path, 0, &im, &err), 0);
    snprintf(path, sizeof(path), "%s/s.cue", dir);
    assert_int_equal(dw_drive_open(path, 0, &s, &err), 0);

    enum dw_verify_offset_source os;
    const char *detail;
    int32_t found;
    assert_int_equal(dw_verify(s, im, NULL, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_exit_status(rep), 4);
    assert_int_equal(dw_verify_report_offset(rep, &os, &detail), 0);
    assert_int_equal(os, DW_VERIFY_OFFSET_IMAGE);
    assert_int_equal(dw_verify_report_offset_search(rep, &found), -1);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE), SECTORS);
    dw_verify_report_free(rep);

    struct dw_verify_opts opts = {.source_lba = -1, .retries = -1,
                                  .flags = DW_VERIFY_READ_OFFSET, .read_offset_samples = 6};
    assert_int_equal(dw_verify(s, im, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_exit_status(rep), 0);
    assert_int_equal(dw_verify_report_offset(rep, &os, &detail), 6);
    assert_int_equal(os, DW_VERIFY_OFFSET_OPTION);
    assert_string_equal(dw_verify_offset_source_name(os), "option");
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MATCH), SECTORS);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_SAMPLES_NOT_COMPARED), 6);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_TRACKS), 2);
    struct dw_verify_track t;
    assert_int_equal(dw_verify_report_track(rep, 1, &t, sizeof(t)), 0);
    assert_int_equal(t.number, 2);
    assert_true(t.audio);
    assert_int_equal(t.sectors, SECTORS - 150);
    assert_int_equal(t.match, SECTORS - 150);
    assert_int_equal(t.samples_not_compared, 6);
    assert_int_equal(dw_verify_report_track(rep, 2, &t, sizeof(t)), DW_ERANGE);
    json_object *o = json_tokener_parse(dw_verify_report_json(rep)), *v, *x;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "read_offset", &v));
    assert_int_equal(json_int(v, "samples"), 6);
    assert_string_equal(json_str(v, "source"), "option");
    assert_int_equal(json_int(o, "samples_not_compared"), 6);
    assert_true(json_object_object_get_ex(o, "tracks", &v));
    assert_int_equal(json_object_array_length(v), 2);
    x = json_object_array_get_idx(v, 1);
    assert_string_equal(json_str(x, "type"), "audio");
    assert_int_equal(json_int(x, "samples_not_compared"), 6);
    json_object_put(o);
    dw_verify_report_free(rep);
    dw_drive_free(s);

    /* One changed sample: sector 200, sample 17 of the source. */
    uint8_t *p = src + ((int64_t)200 * 588 + 17 + 6) * 4;
    p[1] ^= 0x20;
    snprintf(path, sizeof(path), "%s/s.bin", dir);
    write_file(path, src, (size_t)n * 4);
    snprintf(path, sizeof(path), "%s/s.cue", dir);
    assert_int_equal(dw_drive_open(path, 0, &s, &err), 0);
    assert_int_equal(dw_verify(s, im, &opts, NULL, &rep, &err), 0);
    assert_int_equal(dw_verify_report_exit_status(rep), 4);
    assert_int_equal(dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE), 1);
    struct dw_verify_range r;
    assert_int_equal(dw_verify_report_range(rep, 0, &r, sizeof(r)), 0);
    assert_int_equal(r.first_lba, 200);
    assert_int_equal(r.last_lba, 200);
    assert_int_equal(r.first_diff_sample, 17);
    assert_int_equal(r.first_diff_byte, 17 * 4 + 1);
    assert_int_equal(r.track, 2);
    assert_int_equal(r.edc, -1);
    dw_verify_report_free(rep);
    dw_drive_free(s);
    dw_drive_free(im);
    free(img);
    free(src);
    static const char *const files[] = {"i.bin", "i.cue", "s.bin", "s.cue"};
    for (size_t k = 0; k < 4; k++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[k]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_verify_iso_against_cue),
        cmocka_unit_test(test_short_source),
        cmocka_unit_test(test_report_accessors_and_json),
        cmocka_unit_test(test_report_after_failure),
        cmocka_unit_test(test_report_stopped),
        cmocka_unit_test(test_report_raw),
        cmocka_unit_test(test_offset_search_shifts),
        cmocka_unit_test(test_offset_search_silence),
        cmocka_unit_test(test_offset_search_changed_and_periodic),
        cmocka_unit_test(test_verify_offset_option),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
