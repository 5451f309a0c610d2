/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Honest skips for the cmocka programs (tests/unit, tests/emu).
 *
 * A case that needs a fixture (../shared/fixtures) which is missing is
 * skipped with DW_SKIP_UNLESS, which counts it; main returns
 * dw_test_result(failed), which is 77 (CTest: "Skipped") when any case was
 * skipped and none failed, so a program never reports "Passed" for checks
 * it did not make.  A program that decides up front returns
 * dw_test_no_fixtures(failed, what) instead.  With CI=true in the
 * environment a missing fixture is a failure, not a skip.
 *
 * Include after <cmocka.h>. */
#ifndef DW_TEST_H
#define DW_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dw_test_skipped __attribute__((unused)); /* cases skipped, fixture missing */

/* True when CI is set to anything but "", "false" or "0". */
static inline bool dw_test_ci_strict(void)
{
    const char *ci = getenv("CI");
    return ci && ci[0] && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0;
}

/* In a cmocka case: go on when cond holds; otherwise skip the case
 * (counted), or fail it under CI=true.  what names the missing fixture. */
#define DW_SKIP_UNLESS(cond, what)                                                       \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            if (dw_test_ci_strict())                                                     \
                fail_msg("%s not found (CI=true: a missing fixture is a failure)",       \
                         (what));                                                        \
            fprintf(stderr, "SKIP: %s not found (set DW_FIXTURES_DIR)\n", (what));       \
            dw_test_skipped++;                                                           \
            skip();                                                                      \
        }                                                                                \
    } while (0)

/* main's exit status from cmocka's count of failed cases. */
static inline int dw_test_result(int failed)
{
    if (failed)
        return 1;
    if (dw_test_skipped) {
        printf("SKIP: %d cases left out for missing fixtures; the rest passed\n",
               dw_test_skipped);
        return 77;
    }
    return 0;
}

/* main's exit status when it found the fixtures missing up front and ran
 * only the cases that need none (failed of them failed). */
static inline int dw_test_no_fixtures(int failed, const char *what)
{
    if (dw_test_ci_strict()) {
        printf("FAIL: %s not found (CI=true: a missing fixture is a failure)\n", what);
        return 1;
    }
    if (failed)
        return 1;
    printf("SKIP: %s not found: the cases that need them were left out\n", what);
    return 77;
}

#endif
