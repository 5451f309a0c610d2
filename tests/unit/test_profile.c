/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the drive read offset tables (src/profile/offsets.c): the
 * shipped profiles/drives/offsets.tsv, a user table that comes first, the
 * INQUIRY strings' blanks and case, malformed lines. */
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

static char home[64];

static void test_shipped_table(void **state)
{
    (void)state;
    struct dw_drive_offset d;
    /* INQUIRY pads and spaces the product as the drive does. */
    assert_int_equal(dw_profile_drive_offset("PLEXTOR ", "DVDR   PX-716A  ", &d), 0);
    assert_int_equal(d.samples, 30);
    assert_string_equal(d.vendor, "PLEXTOR");
    assert_string_equal(d.model, "DVDR PX-716A");
    assert_non_null(strstr(d.table, "profiles/drives/offsets.tsv"));
    assert_true(d.line > 1);
    assert_int_equal(d.bad_lines, 0);
    assert_int_equal(dw_profile_drive_offset("lite-on", "LTN483S 48X MAX", &d), 0);
    assert_int_equal(d.samples, -1164);
    assert_int_equal(dw_profile_drive_offset("ASUS", "BW-16D1HT", &d), 0);
    assert_int_equal(d.samples, 6);
    assert_int_equal(dw_profile_drive_offset("DWEMU", "VIRTUAL MMC-6", &d), DW_ENOENT);
    assert_int_equal(dw_profile_drive_offset(NULL, "x", &d), DW_EINVAL);
}

static void test_user_table_first(void **state)
{
    (void)state;
    char dir[160], path[200];
    snprintf(dir, sizeof(dir), "%s/discwright/profiles/drives", home);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/offsets.tsv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("# mine\n\nPLEXTOR\tDVDR PX-716A\t+31\n"
          "not a line\n"
          "BAD\tOFFSET\tsix\n"
          "\tNO VENDOR\t-5\n",
          fp);
    fclose(fp);
    struct dw_drive_offset d;
    assert_int_equal(dw_profile_drive_offset("PLEXTOR", "DVDR   PX-716A", &d), 0);
    assert_int_equal(d.samples, 31);
    assert_string_equal(d.table, path);
    assert_int_equal(d.line, 3);
    /* Not in the user's table: the shipped one answers, and the user's
     * malformed lines are counted. */
    assert_int_equal(dw_profile_drive_offset("ASUS", "BW-16D1HT", &d), 0);
    assert_int_equal(d.samples, 6);
    assert_int_equal(d.bad_lines, 2);
    /* An empty vendor is a vendor too. */
    assert_int_equal(dw_profile_drive_offset("", " NO  VENDOR", &d), 0);
    assert_int_equal(d.samples, -5);
    char where[4096];
    assert_int_equal(dw_profile_offset_table(0, where, sizeof(where)), 0);
    assert_string_equal(where, path);
    assert_int_equal(dw_profile_offset_table(1, where, sizeof(where)), 0);
    assert_int_equal(dw_profile_offset_table(2, where, sizeof(where)), 0);
    assert_non_null(strstr(where, "/share/discwright/profiles/drives/offsets.tsv"));
    assert_int_equal(dw_profile_offset_table(3, where, sizeof(where)), DW_ERANGE);
    unlink(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof(home), "/tmp/dw-test-profile-XXXXXX");
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
        cmocka_unit_test(test_shipped_table),
        cmocka_unit_test(test_user_table_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
