/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip's sector map reader (src/rip/ripmap.c): a map as
 * dw__ripmap_save writes it reads back range by range; every number a map
 * carries is bounded before it is used, so a map that says LBA 2147483647
 * (which looped for ever, signed overflow, in the per-sector loader) or
 * anything else out of the bin is refused at once, naming the file. */
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
#include "dw_test.h"
#include "rip/ripmap.h"

/* A map of a 2600-sector bin, 2000 sectors of it final, as written by
 * dw__ripmap_save; BAD and REREAD are the two lists. */
static char *map_text(const char *head, const char *bad, const char *reread)
{
    char *t = malloc(8192);
    snprintf(t, 8192,
             "{\n  \"map\": \"discwright rip map\",\n  \"version\": 1,\n"
             "  \"toc\": \"1:1:audio:0 1:2:audio:1150 leadout1:2600\",\n"
             "  %s\n  \"image\": \"d.bin.part\",\n  \"complete\": false,\n"
             "  \"mode\": \"secure\",\n  \"drive\": \"DWEMU VIRTUAL\",\n"
             "  \"read_offset_samples\": 0,\n  \"bad\": [%s],\n  \"reread\": [%s]\n}\n",
             head, bad, reread);
    return t;
}

#define HEAD "\"bin_first_lba\": 0, \"bin_end_lba\": 2600, \"final_lba\": 2000,"

static int parse(const char *text, struct dw__ripmap *m, struct dw_error_detail *err)
{
    return dw__ripmap_parse(text, strlen(text), "d.map", m, err);
}

static void test_map_as_saved(void **state)
{
    (void)state;
    struct dw__ripmap m;
    struct dw_error_detail err;
    char *t = map_text(HEAD,
                       "{\"first_lba\": 100, \"last_lba\": 104, \"sectors\": 5, "
                       "\"state\": \"unreadable\", \"detail\": 197633},"
                       "{\"first_lba\": 105, \"last_lba\": 1104, \"sectors\": 1000, "
                       "\"state\": \"unreadable\", \"detail\": 197633},"
                       "{\"first_lba\": 1999, \"last_lba\": 1999, \"sectors\": 1, "
                       "\"state\": \"c2-unconfirmed\", \"detail\": -3}",
                       "{\"first_lba\": 0, \"last_lba\": 1999, \"sectors\": 2000}");
    assert_int_equal(parse(t, &m, &err), 0);
    assert_string_equal(m.toc, "1:1:audio:0 1:2:audio:1150 leadout1:2600");
    assert_int_equal(m.bin_first_lba, 0);
    assert_int_equal(m.bin_end_lba, 2600);
    assert_int_equal(m.final_lba, 2000);
    assert_false(m.complete);
    assert_string_equal(m.mode, "secure");
    /* Adjacent ranges with one detail join, as sector-by-sector adding
     * would have joined them. */
    assert_int_equal(m.bad.count, 2);
    assert_int_equal(m.bad.r[0].first_lba, 100);
    assert_int_equal(m.bad.r[0].last_lba, 1104);
    assert_int_equal(m.bad.r[0].detail, 197633);
    assert_int_equal(m.bad.r[1].first_lba, 1999);
    assert_int_equal(m.bad.r[1].last_lba, 1999);
    assert_int_equal(m.bad.r[1].detail, -3);
    assert_int_equal(m.bad.sectors, 1006);
    assert_int_equal(m.reread.count, 1);
    assert_int_equal(m.reread.sectors, 2000);
    dw__ripmap_release(&m);
    free(t);

    /* A complete map (final = end) with empty lists, and trailing blanks. */
    t = map_text("\"bin_first_lba\": -150, \"bin_end_lba\": 2600, \"final_lba\": 2600,",
                 "", "");
    char *c = strstr(t, "\"complete\": false");
    memcpy(c, "\"complete\":  true", 17);
    assert_int_equal(parse(t, &m, &err), 0);
    assert_true(m.complete);
    assert_int_equal(m.bin_first_lba, -150);
    assert_int_equal(m.bad.count, 0);
    dw__ripmap_release(&m);
    free(t);
}

/* Each text is refused with DW_EPARSE, at once, naming the file. */
static void refused(const char *head, const char *bad, const char *reread)
{
    struct dw__ripmap m;
    struct dw_error_detail err;
    char *t = map_text(head, bad, reread);
    memset(&err, 0, sizeof(err));
    int rc = parse(t, &m, &err);
    if (rc != DW_EPARSE)
        fail_msg("accepted (rc %d): %s", rc, t);
    assert_non_null(strstr(err.message, "'d.map' is not a discwright rip map"));
    assert_int_equal(m.bad.count, 0);
    assert_null(m.bad.r);
    free(t);
}

#define RANGE(first, last)                                                               \
    "{\"first_lba\": " first ", \"last_lba\": " last ", \"detail\": 5}"

static void test_int32_max(void **state)
{
    (void)state;
    /* The case of the loop: a range ending at INT32_MAX, in a bin that
     * reaches it and in an ordinary one. */
    refused(
        "\"bin_first_lba\": 0, \"bin_end_lba\": 2147483647, \"final_lba\": 2147483647,",
        RANGE("2147483642", "2147483647"), "");
    refused(HEAD, RANGE("2147483642", "2147483647"), "");
    refused(HEAD, "", "{\"first_lba\": 2147483642, \"last_lba\": 2147483647}");
    refused(HEAD, RANGE("-2147483648", "10"), "");
    refused("\"bin_first_lba\": -2147483648, \"bin_end_lba\": 2600, \"final_lba\": 2000,",
            "", "");
}

static void test_numbers_bounded(void **state)
{
    (void)state;
    /* bin and final LBAs */
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 2600, \"final_lba\": 2601,", "", "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 2600, \"final_lba\": -1,", "", "");
    refused("\"bin_first_lba\": 10, \"bin_end_lba\": 5, \"final_lba\": 7,", "", "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 1073741825, \"final_lba\": 0,", "",
            "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 4294969896, \"final_lba\": 2000,", "",
            "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 2600.0, \"final_lba\": 2000,", "",
            "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": \"2600\", \"final_lba\": 2000,", "",
            "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 1e30, \"final_lba\": 2000,", "", "");
    refused("\"bin_first_lba\": 0, \"bin_end_lba\": 2600,", "", "");
    /* ranges: inside the bin, below the final LBA, first <= last */
    refused(HEAD, RANGE("-1", "5"), "");
    refused(HEAD, RANGE("1990", "2000"), "");
    refused(HEAD, RANGE("2000", "2000"), "");
    refused(HEAD, RANGE("50", "49"), "");
    refused(HEAD, RANGE("\"5\"", "6"), "");
    refused(HEAD, RANGE("5", "6.5"), "");
    refused(HEAD, RANGE("5", "null"), "");
    refused(HEAD, "{\"first_lba\": 5, \"last_lba\": 6}", ""); /* no detail */
    refused(HEAD, "{\"first_lba\": 5, \"last_lba\": 6, \"detail\": 2147483648}", "");
    refused(HEAD, "{\"first_lba\": 5, \"last_lba\": 6, \"detail\": \"x\"}", "");
    refused(HEAD, "[5, 6]", "");
    refused(HEAD, "5", "");
}

static void test_structure(void **state)
{
    (void)state;
    struct dw__ripmap m;
    struct dw_error_detail err;
    const char *texts[] = {
        "",
        "[]",
        "{}",
        "{\"map\": \"discwright rip map\", \"version\": 2}",
        "{\"map\": \"another map\", \"version\": 1}",
        "null",
        "{\"map\": \"discwright rip map\"",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        assert_int_equal(parse(texts[i], &m, &err), DW_EPARSE);

    char *t = map_text(HEAD, "", "");
    size_t n = strlen(t);
    char *longer = malloc(n + 8);
    memcpy(longer, t, n);
    memcpy(longer + n, "{}", 3); /* a second value after the map */
    assert_int_equal(parse(longer, &m, &err), DW_EPARSE);
    memcpy(longer + n, "\0\0", 3); /* NULs inside the length given */
    assert_int_equal(dw__ripmap_parse(longer, n + 2, "d.map", &m, &err), DW_EPARSE);
    free(longer);
    /* "complete" must be a boolean, "bad" and "reread" lists */
    char *c = strstr(t, "\"complete\": false");
    memcpy(c, "\"complete\":     1", 17);
    assert_int_equal(parse(t, &m, &err), DW_EPARSE);
    free(t);
    t = map_text(HEAD, "", "");
    c = strstr(t, "\"bad\": []");
    memcpy(c, "\"bad\": {}", 9);
    assert_int_equal(parse(t, &m, &err), DW_EPARSE);
    free(t);
}

static void test_files(void **state)
{
    (void)state;
    struct dw__ripmap m;
    struct dw_error_detail err;
    char dir[4096], path[4200];
    snprintf(dir, sizeof(dir), "%s/dw-test-ripmap-XXXXXX",
             getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));

    snprintf(path, sizeof(path), "%s/none.map", dir);
    assert_int_equal(dw__ripmap_load(path, &m, &err), DW_ENOENT);

    snprintf(path, sizeof(path), "%s/d.map", dir);
    char *t = map_text(HEAD, RANGE("7", "9"), "");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(t, fp);
    fclose(fp);
    free(t);
    assert_int_equal(dw__ripmap_load(path, &m, &err), 0);
    assert_int_equal(m.bad.sectors, 3);
    dw__ripmap_release(&m);

    /* Over 64 MiB: refused without being read (a sparse file). */
    assert_int_equal(truncate(path, ((off_t)64 << 20) + 1), 0);
    assert_int_equal(dw__ripmap_load(path, &m, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, path));
    /* A directory where the map should be. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(dw__ripmap_load(path, &m, &err), DW_EPARSE);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_as_saved),    cmocka_unit_test(test_int32_max),
        cmocka_unit_test(test_numbers_bounded), cmocka_unit_test(test_structure),
        cmocka_unit_test(test_files),
    };
    /* A loader that loops for ever (the INT32_MAX map did) ends the
     * program with SIGALRM instead of holding CTest until its time-out. */
    alarm(60);
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
