/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of rip profiles (src/profile/rip_profile.c): the shipped
 * profiles load and apply, a user's profile shadows a shipped one, bad
 * files are refused naming the file and the key, a path works, and the
 * list of the search path. */
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
#include "discwright/errors.h"
#include "discwright/profile.h"
#include "discwright/rip_profile.h"
#include "profile/profile_int.h"
#include "rip/rip_int.h"

static char home[64];

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The user's rip/ directory (created) and a file in it. */
static void user_file(const char *name, char *out, size_t bytes)
{
    char dir[4096];
    assert_int_equal(dw_profile_dir(0, dir, sizeof(dir)), 0);
    assert_non_null(strstr(dir, home));
    snprintf(out, bytes, "%s/discwright", home);
    mkdir(out, 0777);
    mkdir(dir, 0777);
    snprintf(out, bytes, "%s/rip", dir);
    mkdir(out, 0777);
    if (name)
        snprintf(out, bytes, "%s/rip/%s", dir, name);
}

/* The options the CLI starts from. */
static struct dw_rip_opts default_opts(void)
{
    struct dw_rip_opts o = {.output_dir = "out", .data_retries = -1};
    return o;
}

/* Every shipped profile loads from the source tree's profiles/rip and
 * applies to the options it promises. */
static void test_shipped(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum dw_rip_mode mode;
        int retries;
    } shipped[] = {
        {"secure", DW_RIP_SECURE, 4},
        {"test-and-copy", DW_RIP_TEST_AND_COPY, 4},
        {"paranoia", DW_RIP_PARANOIA, 4},
        {"burst", DW_RIP_BURST, 1},
        {"archival", DW_RIP_TEST_AND_COPY, 16},
    };
    char dir[4096], want[4200];
    struct dw_rip_profile p;
    struct dw_error_detail err;

    assert_int_equal(dw_profile_dir(1, dir, sizeof(dir)), 0);
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        struct dw_rip_opts o = default_opts();
        o.flags = DW_RIP_NO_QSCAN | DW_RIP_NO_ACCURATERIP | DW_RIP_HTOA_FILE;
        if (dw_rip_profile_load(shipped[i].name, &p, &err) != 0)
            fail_msg("%s: %s", shipped[i].name, err.message);
        snprintf(want, sizeof(want), "%s/rip/%s.json", dir, shipped[i].name);
        assert_string_equal(p.source, want);
        assert_string_equal(p.name, shipped[i].name);
        assert_true(p.description[0] != '\0');
        assert_null(strchr(p.description, '\n'));
        assert_true(strlen(p.description) < 72); /* one line of --list-profiles */
        assert_int_equal(dw_rip_profile_apply(&p, &o), 0);
        assert_int_equal(o.mode, shipped[i].mode);
        assert_int_equal(o.data_retries, shipped[i].retries);
        /* qscan and accuraterip are on; htoa_file is no profile's business. */
        assert_int_equal(o.flags, DW_RIP_HTOA_FILE);
        assert_string_equal(o.profile_name, shipped[i].name);
        assert_string_equal(o.profile_file, want);
        assert_string_equal(o.output_dir, "out");
    }
}

/* What a profile leaves out stays; what it says is set or cleared. */
static void test_apply(void **state)
{
    (void)state;
    struct dw_rip_profile p;
    struct dw_rip_opts o = default_opts();
    struct dw_error_detail err;

    assert_int_equal(
        dw__rip_profile_parse("{\"format\":\"discwright-rip-profile\",\"name\":\"n\","
                              "\"description\":\"d\",\"mode\":\"paranoia\"}",
                              "mem.json", NULL, &p, &err),
        0);
    o.flags = DW_RIP_SUBCHANNEL | DW_RIP_NO_QSCAN;
    o.data_retries = 7;
    o.mode = DW_RIP_BURST;
    assert_int_equal(dw_rip_profile_apply(&p, &o), 0);
    assert_int_equal(o.mode, DW_RIP_PARANOIA);
    assert_int_equal(o.data_retries, 7);
    assert_int_equal(o.flags, DW_RIP_SUBCHANNEL | DW_RIP_NO_QSCAN);
    assert_string_equal(o.profile_name, "n");
    assert_null(o.profile_file); /* parsed from memory: no file */

    assert_int_equal(dw__rip_profile_parse(
                         "{\"format\":\"discwright-rip-profile\",\"format_version\":1,"
                         "\"name\":\"n\",\"description\":\"d\",\"mode\":\"burst\","
                         "\"retries\":0,\"qscan\":true,\"accuraterip\":false,"
                         "\"subchannel\":false,\"toc\":true,\"comment\":\"x\"}",
                         "mem.json", NULL, &p, &err),
                     0);
    assert_true(p.has_retries && p.has_qscan && p.has_accuraterip && p.has_subchannel &&
                p.has_toc);
    assert_int_equal(dw_rip_profile_apply(&p, &o), 0);
    assert_int_equal(o.mode, DW_RIP_BURST);
    assert_int_equal(o.data_retries, 0);
    assert_int_equal(o.flags, DW_RIP_NO_ACCURATERIP | DW_RIP_TOC);

    assert_int_equal(dw_rip_profile_apply(NULL, &o), DW_EINVAL);
    assert_int_equal(dw_rip_profile_apply(&p, NULL), DW_EINVAL);
}

/* A user's profile of a shipped name comes first, in the list too. */
static void test_user_shadows_shipped(void **state)
{
    (void)state;
    char path[4200], mine[4200];
    struct dw_rip_profile p;
    struct dw_error_detail err;
    struct dw_rip_profile_entry *e = NULL;
    size_t n = 0, burst = 0, seen = 0;

    user_file("burst.json", path, sizeof(path));
    write_file(path, "{\"format\":\"discwright-rip-profile\",\"name\":\"burst\","
                     "\"description\":\"my burst\",\"mode\":\"paranoia\",\"retries\":9}");
    user_file("mine.json", mine, sizeof(mine));
    write_file(mine, "{\"format\":\"discwright-rip-profile\",\"name\":\"mine\","
                     "\"description\":\"my own\",\"mode\":\"secure\"}");
    assert_int_equal(dw_rip_profile_load("burst", &p, &err), 0);
    assert_string_equal(p.source, path);
    assert_string_equal(p.description, "my burst");
    assert_int_equal(p.mode, DW_RIP_PARANOIA);
    assert_int_equal(p.retries, 9);

    assert_int_equal(dw_rip_profile_list(&e, &n, &err), 0);
    assert_true(n >= 6);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(e[i].error, 0);
        if (!strcmp(e[i].name, "burst")) {
            burst++;
            assert_string_equal(e[i].file, path);
            assert_string_equal(e[i].description, "my burst");
            assert_true(i < 2); /* the user's come first */
        }
        if (!strcmp(e[i].name, "mine"))
            assert_string_equal(e[i].file, mine);
        if (!strcmp(e[i].name, "archival") || !strcmp(e[i].name, "secure") ||
            !strcmp(e[i].name, "paranoia") || !strcmp(e[i].name, "test-and-copy"))
            seen++;
    }
    assert_int_equal(burst, 1);
    assert_int_equal(seen, 4);
    dw_rip_profile_list_free(e);

    /* A broken user profile is an error of the lookup, not passed over for
     * the shipped one; the list shows it with its error. */
    write_file(path, "{\"format\":\"discwright-rip-profile\",\"name\":\"burst\","
                     "\"description\":\"d\",\"mode\":\"burst\",\"retires\":3}");
    assert_int_equal(dw_rip_profile_load("burst", &p, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "\"retires\""));
    assert_string_equal(p.name, "");
    user_file("bad name.json", mine, sizeof(mine));
    write_file(mine, "{}");
    assert_int_equal(dw_rip_profile_list(&e, &n, &err), 0);
    burst = seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(e[i].name, "burst")) {
            burst++;
            assert_int_equal(e[i].error, DW_EPARSE);
            assert_non_null(strstr(e[i].message, "\"retires\""));
            assert_string_equal(e[i].description, "");
        }
        if (!strcmp(e[i].name, "bad name")) {
            seen++;
            assert_int_equal(e[i].error, DW_EINVAL);
        }
    }
    assert_int_equal(burst, 1);
    assert_int_equal(seen, 1);
    dw_rip_profile_list_free(e);
    dw_rip_profile_list_free(NULL);
    unlink(mine);
    unlink(path);

    /* Without it, the shipped one answers again. */
    assert_int_equal(dw_rip_profile_load("burst", &p, &err), 0);
    assert_int_equal(p.mode, DW_RIP_BURST);
    assert_null(strstr(p.source, home));
}

/* Each malformed file is refused with DW_EPARSE, a message that names the
 * file and the key, and a cleared profile. */
static void test_malformed(void **state)
{
    (void)state;
#define HEAD                                                                             \
    "{\"format\":\"discwright-rip-profile\",\"name\":\"x\",\"description\":\"d\","
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {HEAD "\"mode\":\"burst\",\"retires\":3}", "\"retires\" is not a key"},
        {HEAD "\"mode\":\"burst\",\"Mode\":\"burst\"}", "\"Mode\" is not a key"},
        {HEAD "\"mode\":\"fast\"}", "\"mode\" is not one of \"secure\""},
        {HEAD "\"mode\":1}", "\"mode\" is not one of"},
        {HEAD "\"mode\":\"burst\",\"retries\":101}", "\"retries\" is out of range"},
        {HEAD "\"mode\":\"burst\",\"retries\":-1}", "\"retries\" is out of range"},
        {HEAD "\"mode\":\"burst\",\"retries\":99999999999}",
         "\"retries\" is out of range"},
        {HEAD "\"mode\":\"burst\",\"retries\":\"4\"}",
         "\"retries\" is not a whole number"},
        {HEAD "\"mode\":\"burst\",\"retries\":4.5}", "\"retries\" is not a whole number"},
        {HEAD "\"mode\":\"burst\",\"qscan\":\"yes\"}", "\"qscan\" is not true or false"},
        {HEAD "\"mode\":\"burst\",\"accuraterip\":0}", "\"accuraterip\" is not true or"},
        {HEAD "\"mode\":\"burst\",\"toc\":null}", "\"toc\" is not true or false"},
        {HEAD "\"mode\":\"burst\",\"comment\":[]}", "\"comment\" is not a string"},
        {HEAD "\"retries\":3}", "\"mode\" is missing"},
        {"{\"format\":\"discwright-rip-profile\",\"name\":\"x\",\"mode\":\"burst\"}",
         "\"description\" is missing"},
        {"{\"format\":\"discwright-rip-profile\",\"description\":\"d\",\"mode\":"
         "\"burst\"}",
         "\"name\" is missing"},
        {"{\"format\":\"discwright-rip-profile\",\"name\":\"../x\",\"description\":\"d\","
         "\"mode\":\"burst\"}",
         "\"name\" is not a profile name"},
        {"{\"format\":\"discwright-rip-profile\",\"name\":\"\",\"description\":\"d\","
         "\"mode\":\"burst\"}",
         "\"name\" is empty"},
        {"{\"format\":\"discwright-rip-profile\",\"name\":\"x\",\"description\":"
         "\"a\\nb\","
         "\"mode\":\"burst\"}",
         "\"description\" is not one line"},
        {"{\"format\":\"discwright-drive-profile\",\"name\":\"x\",\"description\":\"d\","
         "\"mode\":\"burst\"}",
         "\"format\" is not \"discwright-rip-profile\""},
        {"{\"name\":\"x\",\"description\":\"d\",\"mode\":\"burst\"}", "\"format\""},
        {"{\"format\":\"discwright-rip-profile\",\"format_version\":2,\"name\":\"x\","
         "\"description\":\"d\",\"mode\":\"burst\"}",
         "update discwright"},
        {"{\"format\":\"discwright-rip-profile\",\"format_version\":\"1\",\"name\":\"x\","
         "\"description\":\"d\",\"mode\":\"burst\"}",
         "\"format_version\" is not a whole number"},
        {HEAD "\"mode\":\"burst\"", "not JSON"},
        {"[1]", "not a JSON object"},
        {"", "not JSON"},
    };
#undef HEAD
    char path[256];
    struct dw_rip_profile p;
    struct dw_error_detail err;

    snprintf(path, sizeof(path), "%s/bad.json", home);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file(path, cases[i].text);
        memset(&err, 0, sizeof(err));
        p.name[0] = 'x';
        p.mode = DW_RIP_BURST;
        assert_int_equal(dw_rip_profile_load(path, &p, &err), DW_EPARSE);
        if (!strstr(err.message, cases[i].needle) || !strstr(err.message, path))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.message,
                     cases[i].needle);
        assert_string_equal(p.name, "");
        assert_int_equal(p.mode, DW_RIP_SECURE);
        assert_string_equal(p.source, "");
    }
    unlink(path);
    assert_int_equal(dw_rip_profile_load(path, &p, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, path));

    /* Looked up by name, the file's "name" must be that name. */
    user_file("other.json", path, sizeof(path));
    write_file(path, "{\"format\":\"discwright-rip-profile\",\"name\":\"burst\","
                     "\"description\":\"d\",\"mode\":\"burst\"}");
    assert_int_equal(dw_rip_profile_load("other", &p, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "\"name\""));
    /* By its path any name will do. */
    assert_int_equal(dw_rip_profile_load(path, &p, &err), 0);
    assert_string_equal(p.name, "burst");
    unlink(path);
}

/* A value with a '/' or ending in .json is a file; a name is looked up. */
static void test_path_and_name(void **state)
{
    (void)state;
    char path[256], cwd[4096];
    struct dw_rip_profile p;
    struct dw_error_detail err;

    snprintf(path, sizeof(path), "%s/anything.json", home);
    write_file(path, "{\"format\":\"discwright-rip-profile\",\"name\":\"quick\","
                     "\"description\":\"quick\",\"mode\":\"burst\",\"qscan\":false}");
    assert_int_equal(dw_rip_profile_load(path, &p, &err), 0);
    assert_string_equal(p.source, path);
    assert_string_equal(p.name, "quick");
    assert_true(p.has_qscan && !p.qscan);
    assert_false(p.has_retries);

    /* "anything.json" without a directory is a file too (relative). */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(home), 0);
    assert_int_equal(dw_rip_profile_load("anything.json", &p, &err), 0);
    assert_string_equal(p.source, "anything.json");
    assert_int_equal(chdir(cwd), 0);
    unlink(path);

    /* Not a profile name: refused before any lookup. */
    assert_int_equal(dw_rip_profile_load("a b", &p, &err), DW_EINVAL);
    assert_int_equal(dw_rip_profile_load(".hidden", &p, &err), DW_EINVAL);
    assert_int_equal(dw_rip_profile_load("", &p, &err), DW_EINVAL);
    assert_int_equal(dw_rip_profile_load(NULL, &p, &err), DW_EINVAL);
    assert_int_equal(dw_rip_profile_load("burst", NULL, &err), DW_EINVAL);

    /* An unknown name: the message lists where it looked. */
    assert_int_equal(dw_rip_profile_load("no-such-profile", &p, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, home));
    assert_non_null(strstr(err.message, "rip/no-such-profile.json"));
    assert_non_null(strstr(err.message, "--list-profiles"));
}

static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof(home), "/tmp/dw-test-rprofile-XXXXXX");
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
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_user_shadows_shipped),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_path_and_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
