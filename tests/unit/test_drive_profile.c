/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of drive profiles (src/profile/drive_profile.c, the probe's
 * entry checks in src/drive/probe.c): file names, the JSON round trip
 * through a temporary profile directory, malformed files, the search path
 * (the user's directory before the shipped profiles/). */
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
#include "discwright/drive_profile.h"
#include "discwright/errors.h"
#include "discwright/profile.h"
#include "drive/drive_int.h"

static char home[64];

/* The user's profile directory (dw_profile_dir(0)) under the test's
 * XDG_CONFIG_HOME. */
static void user_dir(char *out, size_t bytes)
{
    assert_int_equal(dw_profile_dir(0, out, bytes), 0);
    assert_non_null(strstr(out, home));
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* A profile with every field away from its default. */
static void full_profile(struct dw_drive_profile *p)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->vendor, sizeof(p->vendor), "ACME");
    snprintf(p->model, sizeof(p->model), "EMU  WRITER 9000");
    snprintf(p->revision, sizeof(p->revision), "4.2");
    snprintf(p->probe_date, sizeof(p->probe_date), "2025-01-31T12:00:00Z");
    snprintf(p->discwright_version, sizeof(p->discwright_version), "0.1.0");
    snprintf(p->comment, sizeof(p->comment), "a \"quoted\" comment / with a slash");
    p->probe_lba = 63;
    p->probe_audio = true;
    p->c2 = DW_PROBE_SUPPORTED;
    p->c2_block_error = DW_PROBE_UNSUPPORTED;
    p->c2_placement = DW_C2_AFTER_SUB;
    p->raw_pw = DW_PROBE_SUPPORTED;
    p->raw_pw_order = DW_PW_DEINTERLEAVED;
    p->formatted_q = DW_PROBE_SUPPORTED;
    p->q_numbers = DW_Q_NUMBERS_BINARY;
    p->accurate_stream = DW_PROBE_UNSUPPORTED;
    p->cache = DW_CACHE_MEASURED;
    p->cache_sectors = 992;
    p->buffer_kib = 2296;
    p->max_read_speed_kbps = 7056;
    p->has_read_offset = true;
    p->read_offset_samples = -1164;
    p->has_write_offset = true;
    p->write_offset_samples = -12;
    snprintf(p->notes, sizeof(p->notes), "c2_block_error: refused\ncache: timed");
}

static void test_file_name(void **state)
{
    (void)state;
    char name[64];
    assert_int_equal(
        dw_drive_profile_file_name("HL-DT-ST", "DVDRAM GH24NSD1", name, sizeof(name)), 0);
    assert_string_equal(name, "hl-dt-st_dvdram_gh24nsd1.json");
    /* Blanks collapse, separators and odd characters become '_'. */
    assert_int_equal(
        dw_drive_profile_file_name(" PLEXTOR ", "DVDR   PX-716A", name, sizeof(name)), 0);
    assert_string_equal(name, "plextor_dvdr_px-716a.json");
    assert_int_equal(dw_drive_profile_file_name("", "../x/y*", name, sizeof(name)), 0);
    assert_string_equal(name, "unknown_.._x_y_.json");
    assert_null(strchr(name, '/'));
    assert_int_equal(dw_drive_profile_file_name("ACME", "X", name, 8), DW_EINVAL);
    assert_int_equal(dw_drive_profile_file_name(NULL, "X", name, sizeof(name)),
                     DW_EINVAL);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct dw_drive_profile p, q;
    struct dw_error_detail err;
    char dir[4096], path[4200], want[4200];
    struct stat st;

    full_profile(&p);
    user_dir(dir, sizeof(dir));
    /* The directory does not exist yet: it is made, with drives/. */
    assert_int_equal(dw_drive_profile_save(&p, dir, path, sizeof(path), &err), 0);
    snprintf(want, sizeof(want), "%s/drives/acme_emu_writer_9000.json", dir);
    assert_string_equal(path, want);
    assert_int_equal(stat(path, &st), 0);
    strcat(want, ".part");
    assert_int_not_equal(stat(want, &st), 0); /* renamed into place */

    /* Found by the INQUIRY strings, whatever their case and blanks. */
    assert_int_equal(dw_drive_profile_load("acme", " EMU WRITER   9000 ", &q, &err), 0);
    assert_string_equal(q.source, path);
    memset(q.source, 0, sizeof(q.source));
    assert_memory_equal(&p, &q, sizeof(p));

    /* Unknown numbers and states stay unknown through the file. */
    full_profile(&p);
    p.cache = DW_CACHE_UNKNOWN;
    p.cache_sectors = p.buffer_kib = p.max_read_speed_kbps = -1;
    p.has_read_offset = false;
    p.read_offset_samples = 0;
    p.has_write_offset = false;
    p.write_offset_samples = 0;
    p.c2_placement = DW_C2_PLACEMENT_UNKNOWN;
    memset(p.notes, 0, sizeof(p.notes));
    assert_int_equal(dw_drive_profile_save(&p, dir, NULL, 0, &err), 0);
    char *json = dw_drive_profile_to_json(&p);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"cache_sectors\":\"unknown\""));
    assert_non_null(strstr(json, "\"read_offset_samples\":\"unknown\""));
    assert_non_null(strstr(json, "\"write_offset_samples\":\"unknown\""));
    assert_non_null(strstr(json, "\"c2_placement\":\"unknown\""));
    free(json);
    assert_int_equal(dw_drive_profile_load("ACME", "EMU WRITER 9000", &q, &err), 0);
    memset(q.source, 0, sizeof(q.source));
    assert_memory_equal(&p, &q, sizeof(p));
    unlink(path);
}

static void test_nested_dir(void **state)
{
    (void)state;
    struct dw_drive_profile p, q;
    struct dw_error_detail err;
    char dir[256], path[4200];

    full_profile(&p);
    snprintf(dir, sizeof(dir), "%s/a/b/c", home);
    assert_int_equal(dw_drive_profile_save(&p, dir, path, sizeof(path), &err), 0);
    assert_int_equal(dw_drive_profile_read(path, &q, &err), 0);
    assert_string_equal(q.model, "EMU  WRITER 9000");
    /* A file where the directory should be: a clean error. */
    snprintf(dir, sizeof(dir), "%s/a/b/c/drives/%s", home, "acme_emu_writer_9000.json");
    assert_int_equal(dw_drive_profile_save(&p, dir, path, sizeof(path), &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "is not a directory"));
    assert_int_equal(dw_drive_profile_save(NULL, dir, path, sizeof(path), &err),
                     DW_EINVAL);
}

/* Each malformed file is refused with DW_EPARSE, a message that names the
 * file and the key, and a cleared profile. */
static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\"", "not JSON"},
        {"[1, 2]", "not a JSON object"},
        {"{\"format\":\"something-else\",\"vendor\":\"A\",\"model\":\"B\"}",
         "\"format\""},
        {"{\"format\":\"discwright-drive-profile\",\"model\":\"B\"}",
         "\"vendor\" is missing"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"c2\":\"maybe\"}",
         "\"c2\" is not one of"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"cache\":\"measured\",\"cache_sectors\":-5}",
         "\"cache_sectors\" is out of range"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"cache\":\"measured\"}",
         "\"cache_sectors\" must be a positive number"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"write_offset_samples\":1177}",
         "\"write_offset_samples\" is out of range"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"buffer_kib\":true}",
         "\"buffer_kib\" is neither a whole number"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\",\"model\":\"B\","
         "\"notes\":[1]}",
         "\"notes\" is not an array of strings"},
        {"{\"format\":\"discwright-drive-profile\",\"vendor\":\"A VENDOR TOO LONG\","
         "\"model\":\"B\"}",
         "\"vendor\" is longer"},
        {"{\"format\":\"discwright-drive-profile\",\"format_version\":2,\"vendor\":\"A\","
         "\"model\":\"B\"}",
         "update discwright"},
        {"", "not JSON"},
    };
    char path[256];
    struct dw_drive_profile q;
    struct dw_error_detail err;

    snprintf(path, sizeof(path), "%s/bad.json", home);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file(path, cases[i].text);
        memset(&err, 0, sizeof(err));
        q.vendor[0] = 'x';
        assert_int_equal(dw_drive_profile_read(path, &q, &err), DW_EPARSE);
        if (!strstr(err.message, cases[i].needle) || !strstr(err.message, path))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.message,
                     cases[i].needle);
        assert_string_equal(q.vendor, "");
        assert_int_equal(q.cache_sectors, -1);
    }
    unlink(path);
    assert_int_equal(dw_drive_profile_read(path, &q, &err), DW_ENOENT);

    /* Missing fields read as unknown; keys this version does not know are
     * ignored. */
    write_file(path, "{\"format\":\"discwright-drive-profile\",\"vendor\":\"ACME\","
                     "\"model\":\"B\",\"future_key\":{\"x\":1}}");
    assert_int_equal(dw_drive_profile_read(path, &q, &err), 0);
    assert_int_equal(q.c2, DW_PROBE_UNKNOWN);
    assert_int_equal(q.cache, DW_CACHE_UNKNOWN);
    assert_int_equal(q.cache_sectors, -1);
    assert_int_equal(q.max_read_speed_kbps, -1);
    assert_false(q.has_read_offset);
    unlink(path);
}

/* A malformed user profile is an error of the lookup, not skipped. */
static void test_load_malformed_user_file(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    struct dw_drive_profile q;
    struct dw_error_detail err;

    user_dir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/drives", dir);
    mkdir(dir, 0777);
    mkdir(path, 0777);
    snprintf(path, sizeof(path), "%s/drives/broken_drive.json", dir);
    write_file(path, "{ not json");
    assert_int_equal(dw_drive_profile_load("BROKEN", "DRIVE", &q, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, path));
    unlink(path);
    assert_int_equal(dw_drive_profile_load("BROKEN", "DRIVE", &q, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, "discwright drives --probe --save"));
    assert_int_equal(dw_drive_profile_load(NULL, "DRIVE", &q, &err), DW_EINVAL);
}

static void test_search_order(void **state)
{
    (void)state;
    struct dw_drive_profile p, q;
    struct dw_error_detail err;
    char dir[4096], path[4200], shipped[4096];

    /* The search path: the user's directory, the source tree's profiles/,
     * the installed one. */
    user_dir(dir, sizeof(dir));
    assert_int_equal(dw_profile_dir(1, shipped, sizeof(shipped)), 0);
    assert_non_null(strstr(shipped, "profiles"));
    assert_int_equal(dw_profile_dir(2, path, sizeof(path)), 0);
    assert_non_null(strstr(path, "/share/discwright/profiles"));
    assert_int_equal(dw_profile_dir(3, path, sizeof(path)), DW_ERANGE);
    assert_int_equal(dw_profile_offset_table(0, path, sizeof(path)), 0);
    assert_non_null(strstr(path, "/drives/offsets.tsv"));

    /* Without a user profile the shipped one (the emulator's) answers. */
    assert_int_equal(dw_drive_profile_load("DWEMU", "VIRTUAL MMC-6", &q, &err), 0);
    assert_non_null(strstr(q.source, shipped));
    assert_non_null(strstr(q.comment, "emulator"));
    assert_int_equal(q.c2, DW_PROBE_SUPPORTED);

    /* A user profile of the same drive comes first. */
    p = q;
    snprintf(p.comment, sizeof(p.comment), "mine");
    p.c2 = DW_PROBE_UNSUPPORTED;
    assert_int_equal(dw_drive_profile_save(&p, dir, path, sizeof(path), &err), 0);
    assert_int_equal(dw_drive_profile_load("dwemu", "virtual mmc-6", &q, &err), 0);
    assert_string_equal(q.source, path);
    assert_string_equal(q.comment, "mine");
    assert_int_equal(q.c2, DW_PROBE_UNSUPPORTED);
    unlink(path);

    /* A file of another drive whose name sanitizes the same is passed over. */
    full_profile(&p);
    snprintf(p.model, sizeof(p.model), "X Y");
    assert_int_equal(dw_drive_profile_save(&p, dir, path, sizeof(path), &err), 0);
    assert_int_equal(dw_drive_profile_load("ACME", "X_Y", &q, &err), DW_ENOENT);
    assert_int_equal(dw_drive_profile_load("ACME", "x  y", &q, &err), 0);
    unlink(path);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dw_probe_state_name(DW_PROBE_SUPPORTED), "supported");
    assert_string_equal(dw_probe_state_name((enum dw_probe_state)42), "unknown");
    assert_string_equal(dw_c2_placement_name(DW_C2_BEFORE_SUB), "before-sub");
    assert_string_equal(dw_c2_placement_name(DW_C2_NOT_COMBINED), "not-combined");
    assert_string_equal(dw_pw_order_name(DW_PW_INTERLEAVED), "interleaved");
    assert_string_equal(dw_q_numbers_name(DW_Q_NUMBERS_BINARY), "binary");
    assert_string_equal(dw_cache_estimate_name(DW_CACHE_AT_LEAST), "at-least");
}

/* The probe needs a drive: an image is refused before anything is read,
 * and so is a raw command. */
static void test_probe_image(void **state)
{
    (void)state;
    char cue[512];
    struct dw_drive *d = NULL;
    struct dw_drive_profile p;
    struct dw_error_detail err;
    uint8_t cdb[6] = {0};

    snprintf(cue, sizeof(cue), "%s/libcdio/test/data/cdda.cue", DW_FIXTURES_DIR);
    DW_SKIP_UNLESS(access(cue, R_OK) == 0, cue);
    assert_int_equal(dw_drive_open(cue, 0, &d, &err), 0);
    assert_int_equal(dw_drive_probe(d, &p, &err), DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "only drives can be probed"));
    assert_false(dw__drive_is_mmc(d));
    assert_int_equal(dw__mmc_exec(d, cdb, sizeof(cdb), DW_MMC_DIR_NONE, NULL, 0, 0, NULL),
                     DW_EUNSUPPORTED);
    assert_int_equal(dw_drive_probe(NULL, &p, &err), DW_EINVAL);
    dw_drive_free(d);
}

static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof(home), "/tmp/dw-test-dprofile-XXXXXX");
    if (!mkdtemp(home))
        return -1;
    setenv("XDG_CONFIG_HOME", home, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_name),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_nested_dir),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_load_malformed_user_file),
        cmocka_unit_test(test_search_order),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_probe_image),
    };
    return dw_test_result(cmocka_run_group_tests(tests, setup, teardown));
}
