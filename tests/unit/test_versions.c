/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of what an installed copy says about itself: the linked
 * libraries' versions (dw_version_libraries, src/report/versions.c) and
 * the profile search path without a compiled-in build path
 * (dw_profile_dir, src/profile/offsets.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <zlib.h>
#include "discwright/errors.h"
#include "discwright/profile.h"
#include "discwright/version.h"

/* The word "NAME/" in line, followed by a digit. */
static void assert_word(const char *line, const char *name)
{
    char want[64];
    snprintf(want, sizeof(want), "%s/", name);
    const char *at = strstr(line, want);
    if (!at || (at != line && at[-1] != ' '))
        fail_msg("no '%s' in '%s'", want, line);
    if (at[strlen(want)] < '0' || at[strlen(want)] > '9')
        fail_msg("'%s' has no version in '%s'", want, line);
}

static void test_libraries(void **state)
{
    (void)state;
    char line[2048], want[256];
    assert_int_equal(dw_version_libraries(line, sizeof(line)), 0);
    snprintf(want, sizeof(want), "libdiscwright/%s ", DW_VERSION_STRING);
    assert_int_equal(strncmp(line, want, strlen(want)), 0);
    static const char *const names[] = {"libcdio", "libcdio_cdda", "libcdio_paranoia",
                                        "libburn", "libisofs", "zlib", "nettle",
                                        "json-c", "libcurl", "libxml2"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_word(line, names[i]);
    /* Run-time versions, as the libraries themselves say them. */
    snprintf(want, sizeof(want), " zlib/%s ", zlibVersion());
    assert_non_null(strstr(line, want));
    assert_non_null(strstr(line, curl_version()));
    /* One line; libcdio's host triplet is not a word of its own. */
    assert_null(strchr(line, '\n'));
    assert_null(strstr(line, "linux-gnu"));
}

static void test_libraries_small_buffer(void **state)
{
    (void)state;
    char small[40];
    memset(small, 'x', sizeof(small));
    assert_int_equal(dw_version_libraries(small, sizeof(small)), DW_EINVAL);
    assert_string_equal(small, "");
    assert_int_equal(dw_version_libraries(NULL, 100), DW_EINVAL);
}

static void test_profile_dirs(void **state)
{
    (void)state;
    char dir[4096], exe[4096];
    /* 1: $DW_PROFILES_DIR, else the XDG data directory, else ~/.local/share. */
    assert_int_equal(setenv("DW_PROFILES_DIR", "/opt/dw/profiles", 1), 0);
    assert_int_equal(dw_profile_dir(1, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "/opt/dw/profiles");
    assert_int_equal(unsetenv("DW_PROFILES_DIR"), 0);
    assert_int_equal(setenv("XDG_DATA_HOME", "/tmp/dw-data", 1), 0);
    assert_int_equal(dw_profile_dir(1, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "/tmp/dw-data/discwright/profiles");
    assert_int_equal(unsetenv("XDG_DATA_HOME"), 0);
    assert_int_equal(setenv("HOME", "/home/ann", 1), 0);
    assert_int_equal(dw_profile_dir(1, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "/home/ann/.local/share/discwright/profiles");

    /* 2: found from the file the code was loaded from (here this test
     * program, which has the library's objects linked in): an absolute
     * path without "." or ".." whose PREFIX is an ancestor of that file's
     * directory, so no build path is needed to find it. */
    assert_int_equal(dw_profile_dir(2, dir, sizeof(dir)), 0);
    assert_int_equal(dir[0], '/');
    assert_null(strstr(dir, "/../"));
    assert_null(strstr(dir, "/./"));
    const char *tail = "/share/discwright/profiles";
    size_t len = strlen(dir);
    assert_true(len > strlen(tail));
    assert_string_equal(dir + len - strlen(tail), tail);
    dir[len - strlen(tail)] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    size_t prefix = strlen(dir);
    if (strncmp(exe, dir, prefix) != 0 || exe[prefix] != '/')
        fail_msg("'%s' is not under the prefix '%s'", exe, dir);

    /* Too small a buffer: DW_EINVAL and "". */
    char small[8];
    assert_int_equal(dw_profile_dir(2, small, sizeof(small)), DW_EINVAL);
    assert_string_equal(small, "");
    assert_int_equal(dw_profile_dir(3, dir, sizeof(dir)), DW_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libraries),
        cmocka_unit_test(test_libraries_small_buffer),
        cmocka_unit_test(test_profile_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
