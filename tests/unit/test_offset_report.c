/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offset search's report (offset.h, src/rip/offset_report*.c) over
 * image drives made here: the key-disc vote against an AccurateRip answer
 * written into a cache directory for a known shift (found, and ambiguous
 * between two pressings), the data-track sync of a bin whose Mode 1
 * sectors lie 48 samples late (found) and of an aligned one (no evidence),
 * a failure (not a CD), and bad arguments.  Each checks the accessors, the
 * evidence lines and the JSON report parsed back with json-c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/discid.h"
#include "discwright/drive.h"
#include "discwright/offset.h"
#include "discwright/sector.h"
#include "json_check.h"

#define SECTOR DW_SECTOR_RAW_BYTES
#define SPT 588

/* ---- helpers ------------------------------------------------------------------- */

struct lines {
    char text[16][768];
    int count;
};

static void keep_line(enum dw_log_level level, const char *line, void *user)
{
    struct lines *l = user;
    assert_int_equal(level, DW_LOG_INFO);
    if (l->count < 16)
        snprintf(l->text[l->count++], sizeof(l->text[0]), "%s", line);
}

static void write_file(const char *path, const void *data, size_t bytes)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, bytes, fp), bytes);
    assert_int_equal(fclose(fp), 0);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- an audio disc and its AccurateRip answer ------------------------------------ */

/* Three audio tracks of noise: 700, 650 and 900 sectors. */
#define TRACKS 3
static const int32_t track_lba[TRACKS + 1] = {0, 700, 1350, 2250};

struct audio_disc {
    char dir[64], cue[128];
    uint8_t *bin;
};

static void make_audio_disc(struct audio_disc *a)
{
    char path[160];
    size_t bytes = (size_t)track_lba[TRACKS] * SECTOR;
    uint32_t x = 0x2545f491u;
    snprintf(a->dir, sizeof(a->dir), "/tmp/dw-test-offrep-XXXXXX");
    assert_non_null(mkdtemp(a->dir));
    a->bin = malloc(bytes);
    assert_non_null(a->bin);
    for (size_t i = 0; i < bytes; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        a->bin[i] = (uint8_t)x;
    }
    snprintf(path, sizeof(path), "%s/disc.bin", a->dir);
    write_file(path, a->bin, bytes);
    snprintf(a->cue, sizeof(a->cue), "%s/disc.cue", a->dir);
    static const char cue[] = "FILE \"disc.bin\" BINARY\n"
                              "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
                              "  TRACK 02 AUDIO\n    INDEX 01 00:09:25\n"
                              "  TRACK 03 AUDIO\n    INDEX 01 00:18:00\n";
    write_file(a->cue, cue, sizeof(cue) - 1);
}

/* Track t's frame-450 checksum as a pressing whose audio starts `shift`
 * samples later than the image's would have it: the sum over j = 1..588
 * of j * v(450*588 + j + shift), v 1-based (REFERENCE.md). */
static uint32_t frame450_at(const struct audio_disc *a, int t, int32_t shift)
{
    const uint8_t *track = a->bin + (size_t)track_lba[t] * SECTOR;
    uint32_t sum = 0;
    for (uint32_t j = 1; j <= SPT; j++)
        sum += j * get_le32(track +
                            (size_t)(DW_AR_FRAME450_FIRST_SAMPLE + shift + j - 1) * 4);
    return sum;
}

/* The answer for the disc's ids: one block per shift, confidence conf[b],
 * written where the cache keeps it: cache/ar_path. */
static void write_answer(const struct audio_disc *a, const char *cache,
                         const int32_t *shifts, const unsigned *conf, int blocks,
                         char ar_path[DW_AR_PATH_BYTES])
{
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_disc_ids ids;
    uint8_t data[4 * (13 + TRACKS * 9)], *p = data;
    char path[512];
    assert_int_equal(dw_drive_open(a->cue, 0, &d, &err), 0);
    assert_int_equal(dw_disc_ids_compute(dw_drive_disc(d), 0, &ids), 0);
    dw_drive_free(d);
    assert_true(blocks <= 4);
    for (int b = 0; b < blocks; b++) {
        *p++ = TRACKS;
        put_le32(p, ids.ar_id1);
        put_le32(p + 4, ids.ar_id2);
        put_le32(p + 8, ids.cddb_id);
        p += 12;
        for (int t = 0; t < TRACKS; t++) {
            *p++ = (uint8_t)conf[b];
            put_le32(p, 0x12345678u + (uint32_t)t);
            put_le32(p + 4, frame450_at(a, t, shifts[b]));
            p += 8;
        }
    }
    snprintf(ar_path, DW_AR_PATH_BYTES, "%s", ids.ar_path);
    /* cache/d/d/d/: the three directories of the path. */
    snprintf(path, sizeof(path), "%s", cache);
    assert_int_equal(mkdir(path, 0700), 0);
    for (const char *s = ids.ar_path; (s = strchr(s, '/')); s++) {
        snprintf(path, sizeof(path), "%s/%.*s", cache, (int)(s - ids.ar_path),
                 ids.ar_path);
        assert_int_equal(mkdir(path, 0700), 0);
    }
    snprintf(path, sizeof(path), "%s/%s", cache, ids.ar_path);
    write_file(path, data, (size_t)(p - data));
}

static void remove_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- the tests -------------------------------------------------------------------- */

/* The image's audio starts 30 samples late against the database's only
 * pressing: every track matches at +30, the vote says +30. */
static void test_key_disc_found(void **state)
{
    (void)state;
    struct audio_disc a;
    char cache[128], ar_path[DW_AR_PATH_BYTES], keys[512], want[256];
    make_audio_disc(&a);
    snprintf(cache, sizeof(cache), "%s/cache", a.dir);
    const int32_t shifts[] = {30};
    const unsigned conf[] = {5};
    write_answer(&a, cache, shifts, conf, 1, ar_path);

    struct dw_ardb_opts ardb = {.cache_dir = cache, .flags = DW_ARDB_OFFLINE};
    struct dw_offset_find_opts opts = {.accuraterip = &ardb};
    struct lines lines = {0};
    struct dw_callbacks cb = {.log = keep_line, .user = &lines};
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_offset_report *rep = NULL;
    assert_int_equal(dw_drive_open(a.cue, 0, &d, &err), 0);
    assert_int_equal(dw_offset_find(d, &opts, &cb, &rep, &err), 0);
    dw_drive_free(d);

    assert_true(dw_offset_report_found(rep));
    assert_int_equal(dw_offset_report_offset_samples(rep), 30);
    assert_int_equal(dw_offset_report_method(rep), DW_OFFSET_METHOD_ACCURATERIP);
    assert_string_equal(dw_offset_method_name(dw_offset_report_method(rep)),
                        "accuraterip");
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_SEARCHED), 3);
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_AGREEING), 3);
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_CONFIDENCE), 15);
    assert_string_equal(dw_offset_report_summary(rep),
                        "+30 samples: 3 of 3 tracks agree (AccurateRip confidence 15)");
    assert_string_equal(dw_offset_report_error(rep), "");

    /* The evidence lines, in the order the search reached them. */
    assert_int_equal(lines.count, 5);
    assert_non_null(strstr(lines.text[0], "is an image: the answer is its own shift"));
    snprintf(
        want, sizeof(want),
        "AccurateRip key-disc search: %s, 1 pressing block, shifts of up to %d samples",
        ar_path, DW_OFFSET_DEFAULT_RANGE);
    assert_string_equal(lines.text[1], want);
    for (int t = 0; t < TRACKS; t++) {
        snprintf(want, sizeof(want),
                 "  track %02d: frame 450 matches at +30 (confidence 5)", t + 1);
        assert_string_equal(lines.text[2 + t], want);
    }

    json_object *o = json_tokener_parse(dw_offset_report_json(rep)), *ar, *v;
    assert_non_null(o);
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys, "tool,schema,schema_version,command,source,range_samples,"
                              "accuraterip,data_track,found,offset,method,summary");
    assert_string_equal(json_object_get_string(json_get(o, "schema")),
                        "discwright-offset-report");
    assert_int_equal(json_object_get_int(json_get(o, "schema_version")), 1);
    assert_int_equal(json_object_get_int(json_get(o, "range_samples")),
                     DW_OFFSET_DEFAULT_RANGE);
    assert_true(json_object_get_boolean(json_get(o, "found")));
    assert_int_equal(json_object_get_int(json_get(o, "offset")), 30);
    assert_string_equal(json_object_get_string(json_get(o, "method")), "accuraterip");
    assert_string_equal(json_object_get_string(json_get(o, "summary")),
                        dw_offset_report_summary(rep));
    ar = json_get(o, "accuraterip");
    json_keys(ar, keys, sizeof(keys));
    assert_string_equal(keys, "path,url,origin,status,blocks,tracks,candidates");
    assert_string_equal(json_object_get_string(json_get(ar, "path")), ar_path);
    assert_string_equal(json_object_get_string(json_get(ar, "origin")), "cache");
    assert_string_equal(json_object_get_string(json_get(ar, "status")), "found");
    assert_int_equal(json_object_get_int(json_get(ar, "blocks")), 1);
    v = json_get(ar, "tracks");
    assert_int_equal(json_object_array_length(v), 3);
    for (size_t t = 0; t < 3; t++) {
        json_object *tr = json_object_array_get_idx(v, t), *m;
        assert_int_equal(json_object_get_int(json_get(tr, "number")), (int)t + 1);
        m = json_get(tr, "matches");
        assert_int_equal(json_object_array_length(m), 1);
        m = json_object_array_get_idx(m, 0);
        assert_int_equal(json_object_get_int(json_get(m, "offset")), 30);
        assert_int_equal(json_object_get_int(json_get(m, "confidence")), 5);
    }
    v = json_get(ar, "candidates");
    assert_int_equal(json_object_array_length(v), 1);
    v = json_object_array_get_idx(v, 0);
    assert_int_equal(json_object_get_int(json_get(v, "offset")), 30);
    assert_int_equal(json_object_get_int(json_get(v, "tracks")), 3);
    assert_int_equal(json_object_get_int(json_get(v, "confidence")), 15);
    v = json_get(o, "data_track");
    json_keys(v, keys, sizeof(keys));
    assert_string_equal(keys, "status");
    assert_string_equal(json_object_get_string(json_get(v, "status")), "no data track");
    json_object_put(o);
    dw_offset_report_free(rep);
    free(a.bin);
    remove_tree(a.dir);
}

/* Two pressings that differ by their own shift, each backed by every
 * track: ambiguous, nothing found, both candidates listed; a range too
 * small to reach either: no match at all. */
static void test_key_disc_ambiguous(void **state)
{
    (void)state;
    struct audio_disc a;
    char cache[128], ar_path[DW_AR_PATH_BYTES];
    make_audio_disc(&a);
    snprintf(cache, sizeof(cache), "%s/cache", a.dir);
    const int32_t shifts[] = {30, -12};
    const unsigned conf[] = {5, 2};
    write_answer(&a, cache, shifts, conf, 2, ar_path);
    struct dw_ardb_opts ardb = {.cache_dir = cache, .flags = DW_ARDB_OFFLINE};
    struct dw_offset_find_opts opts = {.accuraterip = &ardb};
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_offset_report *rep = NULL;
    assert_int_equal(dw_drive_open(a.cue, 0, &d, &err), 0);
    assert_int_equal(dw_offset_find(d, &opts, NULL, &rep, &err), 0);
    assert_false(dw_offset_report_found(rep));
    assert_int_equal(dw_offset_report_method(rep), DW_OFFSET_METHOD_NONE);
    assert_int_equal(dw_offset_report_offset_samples(rep), 0);
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_SEARCHED), 3);
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_AGREEING), 3);
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_CONFIDENCE), 15);
    assert_string_equal(
        dw_offset_report_summary(rep),
        "ambiguous: offsets +30 and -12 are each backed by 3 tracks (pressings "
        "that differ by their own shift); try another disc");
    json_object *o = json_tokener_parse(dw_offset_report_json(rep)), *c;
    assert_null(json_get(o, "offset"));
    assert_string_equal(json_object_get_string(json_get(o, "method")), "");
    c = json_get(json_get(o, "accuraterip"), "candidates");
    assert_int_equal(json_object_array_length(c), 2);
    for (size_t i = 0; i < 2; i++) {
        json_object *k = json_object_array_get_idx(c, i);
        int offset = json_object_get_int(json_get(k, "offset"));
        assert_true(offset == 30 || offset == -12);
        assert_int_equal(json_object_get_int(json_get(k, "tracks")), 3);
        assert_int_equal(json_object_get_int(json_get(k, "confidence")),
                         offset == 30 ? 15 : 6);
    }
    json_object_put(o);
    dw_offset_report_free(rep);

    opts.range_samples = 10;
    assert_int_equal(dw_offset_find(d, &opts, NULL, &rep, &err), 0);
    assert_false(dw_offset_report_found(rep));
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_AGREEING), 0);
    assert_string_equal(dw_offset_report_summary(rep),
                        "no track's frame 450 matched a pressing within 10 samples");
    o = json_tokener_parse(dw_offset_report_json(rep));
    c = json_get(json_get(o, "accuraterip"), "candidates");
    assert_int_equal(json_object_array_length(c), 0);
    json_object_put(o);
    dw_offset_report_free(rep);
    dw_drive_free(d);
    free(a.bin);
    remove_tree(a.dir);
}

/* A Mode 1 track whose sectors lie 192 bytes (48 samples) late in its bin:
 * the data-track sync gives +48, the combined offset, as the answer; the
 * same sectors in place show only aligned syncs: no evidence. */
static void test_data_track(void **state)
{
    (void)state;
    enum { SECTORS = 20, LATE = 192 };
    char dir[] = "/tmp/dw-test-offrep-XXXXXX", path[128], cue[128], keys[512];
    uint8_t *bin = calloc(SECTORS, SECTOR), user[DW_SECTOR_USER_BYTES];
    assert_non_null(bin);
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < SECTORS; i++) {
        memset(user, i, sizeof(user));
        dw_sector_encode_mode1(bin + (size_t)i * SECTOR, i, user);
    }
    static const char sheet[] = "FILE \"d.bin\" BINARY\n  TRACK 01 MODE1/2352\n"
                                "    INDEX 01 00:00:00\n";
    snprintf(cue, sizeof(cue), "%s/d.cue", dir);
    write_file(cue, sheet, sizeof(sheet) - 1);
    snprintf(path, sizeof(path), "%s/d.bin", dir);

    struct dw_offset_find_opts opts = {.flags = DW_OFFSET_NO_DATABASE};
    struct lines lines = {0};
    struct dw_callbacks cb = {.log = keep_line, .user = &lines};
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_offset_report *rep = NULL;

    /* In place. */
    write_file(path, bin, (size_t)SECTORS * SECTOR);
    assert_int_equal(dw_drive_open(cue, 0, &d, &err), 0);
    assert_int_equal(dw_offset_find(d, &opts, &cb, &rep, &err), 0);
    dw_drive_free(d);
    assert_false(dw_offset_report_found(rep));
    assert_int_equal(dw_offset_report_count(rep, DW_OFFSET_TRACKS_SEARCHED), 0);
    assert_non_null(strstr(dw_offset_report_summary(rep), "no evidence"));
    assert_int_equal(lines.count, 2);
    assert_string_equal(
        lines.text[1],
        "data track 01: the drive returns its sectors descrambled and aligned "
        "to their sync (its data path): no evidence of the audio read offset");
    json_object *o = json_tokener_parse(dw_offset_report_json(rep)), *dt, *p;
    json_keys(json_get(o, "accuraterip"), keys, sizeof(keys));
    assert_string_equal(keys, "status");
    assert_string_equal(
        json_object_get_string(json_get(json_get(o, "accuraterip"), "status")),
        "skipped");
    dt = json_get(o, "data_track");
    json_keys(dt, keys, sizeof(keys));
    assert_string_equal(keys, "track,probes,status");
    assert_string_equal(json_object_get_string(json_get(dt, "status")), "aligned");
    p = json_object_array_get_idx(json_get(dt, "probes"), 0);
    assert_int_equal(json_object_get_int(json_get(p, "first_lba")), 0);
    assert_int_equal(json_object_get_int(json_get(p, "sectors")), 4);
    assert_int_equal(json_object_array_length(json_get(p, "syncs")), 4);
    p = json_object_array_get_idx(json_get(p, "syncs"), 3);
    assert_int_equal(json_object_get_int64(json_get(p, "byte")), 3 * SECTOR);
    assert_int_equal(json_object_get_int(json_get(p, "header_lba")), 3);
    assert_false(json_object_get_boolean(json_get(p, "scrambled")));
    assert_int_equal(json_object_get_int64(json_get(p, "combined_bytes")), 0);
    json_object_put(o);
    dw_offset_report_free(rep);

    /* 48 samples late. */
    memmove(bin + LATE, bin, (size_t)SECTORS * SECTOR - LATE);
    memset(bin, 0, LATE);
    write_file(path, bin, (size_t)SECTORS * SECTOR);
    lines.count = 0;
    assert_int_equal(dw_drive_open(cue, 0, &d, &err), 0);
    assert_int_equal(dw_offset_find(d, &opts, &cb, &rep, &err), 0);
    dw_drive_free(d);
    assert_true(dw_offset_report_found(rep));
    assert_int_equal(dw_offset_report_method(rep), DW_OFFSET_METHOD_DATA_TRACK);
    assert_int_equal(dw_offset_report_offset_samples(rep), 48);
    assert_non_null(strstr(dw_offset_report_summary(rep),
                           "+48 samples: the combined read + write offset"));
    assert_int_equal(lines.count, 2);
    assert_string_equal(lines.text[1],
                        "data track 01: sync of sector 0 found at byte 192 of "
                        "LBA 0 (not scrambled): combined read + write offset "
                        "+192 bytes");
    o = json_tokener_parse(dw_offset_report_json(rep));
    dt = json_get(o, "data_track");
    json_keys(dt, keys, sizeof(keys));
    assert_string_equal(keys, "track,probes,status,combined_bytes,combined_samples");
    assert_string_equal(json_object_get_string(json_get(dt, "status")), "sync found");
    assert_int_equal(json_object_get_int64(json_get(dt, "combined_bytes")), LATE);
    assert_int_equal(json_object_get_int(json_get(dt, "combined_samples")), 48);
    assert_string_equal(json_object_get_string(json_get(o, "method")), "data track");
    assert_int_equal(json_object_get_int(json_get(o, "offset")), 48);
    json_object_put(o);
    dw_offset_report_free(rep);
    free(bin);
    remove_tree(dir);
}

/* Not a CD: DW_EMEDIUM, and a report with the source, the error and no
 * method's section.  Bad arguments: no report. */
static void test_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-offrep-XXXXXX", iso[128], keys[512];
    uint8_t block[2048] = {0};
    assert_non_null(mkdtemp(dir));
    snprintf(iso, sizeof(iso), "%s/x.iso", dir);
    FILE *fp = fopen(iso, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 20; i++)
        assert_int_equal(fwrite(block, 1, sizeof(block), fp), sizeof(block));
    assert_int_equal(fclose(fp), 0);
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_offset_report *rep = NULL;
    assert_int_equal(dw_drive_open(iso, DW_DRIVE_OPEN_RAW_ISO, &d, &err), 0);
    assert_int_equal(dw_offset_find(d, NULL, NULL, &rep, &err), DW_EMEDIUM);
    assert_non_null(rep);
    assert_false(dw_offset_report_found(rep));
    assert_string_equal(dw_offset_report_error(rep), err.message);
    assert_non_null(strstr(err.message, "read offsets are a CD matter"));
    json_object *o = json_tokener_parse(dw_offset_report_json(rep));
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys,
                        "tool,schema,schema_version,command,source,range_samples,found,"
                        "offset,method,summary,error");
    assert_string_equal(json_object_get_string(json_get(o, "error")), err.message);
    json_object_put(o);
    dw_offset_report_free(rep);

    rep = (struct dw_offset_report *)&err; /* any value: dw_offset_find clears it */
    assert_int_equal(dw_offset_find(NULL, NULL, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    struct dw_offset_find_opts bad = {.range_samples = DW_AR_FRAME450_FIRST_SAMPLE + 1};
    assert_int_equal(dw_offset_find(d, &bad, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    bad = (struct dw_offset_find_opts){.flags = 0x80};
    assert_int_equal(dw_offset_find(d, &bad, NULL, &rep, &err), DW_EINVAL);
    assert_null(rep);
    /* report NULL: the search runs (and fails) all the same. */
    assert_int_equal(dw_offset_find(d, NULL, NULL, NULL, &err), DW_EMEDIUM);
    dw_drive_free(d);
    assert_false(dw_offset_report_found(NULL));
    assert_int_equal(dw_offset_report_method(NULL), DW_OFFSET_METHOD_NONE);
    assert_int_equal(dw_offset_report_offset_samples(NULL), 0);
    assert_int_equal(dw_offset_report_count(NULL, DW_OFFSET_CONFIDENCE), 0);
    assert_null(dw_offset_report_json(NULL));
    assert_string_equal(dw_offset_report_summary(NULL), "");
    assert_string_equal(dw_offset_report_error(NULL), "");
    assert_string_equal(dw_offset_method_name(DW_OFFSET_METHOD_DATA_TRACK), "data track");
    assert_string_equal(dw_offset_method_name(DW_OFFSET_METHOD_NONE), "");
    dw_offset_report_free(NULL);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_disc_found),
        cmocka_unit_test(test_key_disc_ambiguous),
        cmocka_unit_test(test_data_track),
        cmocka_unit_test(test_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
