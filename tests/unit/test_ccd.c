/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the CloneCD reader (src/image/ccd.c), from memory: the
 * layout rules (INDEX 1 - INDEX 0 as the pregap, INDEX 1 counted from a
 * session's start, INDEX 02 placed from INDEX 01, PMSF when PLBA is
 * missing, the .img and .sub placement across sessions) and the exact
 * messages of what is refused or warned.  The round trips through real
 * files are in tests/integration/test_ccd.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "image/image.h"

/* ------------------------------------------------------------------ */
/* CloneCD                                                             */

/* An [Entry] of the full TOC. */
static void entry(char *out, size_t out_bytes, int n, int session, unsigned point,
                  unsigned control, long plba)
{
    size_t used = strlen(out);
    snprintf(out + used, out_bytes - used,
             "[Entry %d]\nSession=%d\nPoint=0x%02x\nADR=0x01\nControl=0x%02x\nPLBA=%ld\n",
             n, session, point, control, plba);
}

static int ccd(const char *text, struct dw__image **img, struct dw_error_detail *err)
{
    memset(err, 0, sizeof(*err));
    return dw__ccd_parse(text, strlen(text), "dir/disc.ccd", false, img, err);
}

static void expect_refused(const char *text, int code, const char *message)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    int rc = ccd(text, &img, &err);
    if (rc != code || !strstr(err.message, message))
        fail_msg("wanted %d '%s', got %d '%s'", code, message, rc, err.message);
    assert_null(img);
}

/* A CD-Extra: audio tracks 1 (LBA 0) and 2 (pregap 300-450), lead-out 825;
 * session 2's track 3, Mode 1, at 12225 with a 150-sector pregap. */
static void cd_extra(char *t, size_t n, const char *track3_indexes)
{
    snprintf(t, n,
             "[CloneCD]\nVersion=3\n[Disc]\nTocEntries=5\nSessions=2\n"
             "DataTracksScrambled=0\nCATALOG=0000000000017\n");
    entry(t, n, 0, 1, 0xA2, 0, 825);
    entry(t, n, 1, 1, 1, 0, 0);
    entry(t, n, 2, 1, 2, 2, 450);
    entry(t, n, 3, 2, 0xA2, 4, 12409);
    entry(t, n, 4, 2, 3, 4, 12225);
    size_t used = strlen(t);
    snprintf(t + used, n - used,
             "[TRACK 1]\nMODE=0\nINDEX 1=0\n[TRACK 2]\nMODE=0\nISRC=XXDWS2300002\n"
             "INDEX 0=300\nINDEX 1=450\nINDEX 2=525\n[TRACK 3]\nMODE=1\n%s",
             track3_indexes);
}

static void test_ccd_layout(void **state)
{
    (void)state;
    char t[4096];
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    /* INDEX values as our writer puts them (absolute) and as libmirage
     * reads CloneCD's (INDEX 1 counted from the session's start). */
    static const char *const track3[] = {"INDEX 0=12075\nINDEX 1=12225\n",
                                         "INDEX 1=150\n"};
    for (int v = 0; v < 2; v++) {
        cd_extra(t, sizeof(t), track3[v]);
        assert_int_equal(ccd(t, &img, &err), 0);
        const struct dw_disc *d = img->disc;
        assert_int_equal(d->track_count, 3);
        assert_int_equal(d->session_count, 2);
        assert_int_equal(d->sessions[0].leadout_lba, 825);
        assert_int_equal(d->leadout_lba, 12409);
        assert_string_equal(d->mcn, "0000000000017");
        assert_int_equal(d->tracks[1].index_lba[0], 300);
        assert_int_equal(d->tracks[1].index_lba[2], 525);
        assert_string_equal(d->tracks[1].isrc, "XXDWS2300002");
        assert_int_equal(d->tracks[1].control & DW_CTL_DCP, DW_CTL_DCP);
        assert_int_equal(d->tracks[2].mode, DW_MODE_MODE1);
        assert_int_equal(d->tracks[2].index_lba[0], 12075);
        assert_int_equal(d->tracks[2].index_lba[1], 12225);
        /* The .img: session 1's 825 sectors, then track 3 from its pregap;
         * the .sub in step. */
        assert_int_equal(img->span_count, 3);
        assert_int_equal(img->spans[2].lba, 12075);
        assert_int_equal(img->spans[2].sectors, 12409 - 12075);
        assert_int_equal(img->spans[2].offset_bytes, 825ull * 2352);
        assert_int_equal(img->spans[1].offset_bytes, 300ull * 2352);
        assert_int_equal(img->files[0].size_bytes, (825ull + 334) * 2352);
        assert_string_equal(img->format, "ccd");
        dw__image_free(img);
    }
}

static void test_ccd_warnings(void **state)
{
    (void)state;
    char t[4096];
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    /* PMSF only; PLBA disagreeing with PMSF; MODE against Control; an INDEX 2
     * past the track; a bad ISRC; a CD-TEXT pack missing; a [TRACK] the
     * TOC does not have. */
    snprintf(
        t, sizeof(t),
        "[CloneCD]\nVersion=3\n[Disc]\nTocEntries=3\n[CDText]\nEntries=2\n"
        "Entry 1=80 00 00 00 41 00 00 00 00 00 00 00 00 00 00 00\n"
        "[Entry 0]\nSession=1\nPoint=0xa2\nControl=0\nPMin=0\nPSec=12\nPFrame=0\n"
        "[Entry 1]\nSession=1\nPoint=1\nControl=4\nPMin=0\nPSec=2\nPFrame=0\nPLBA=3\n"
        "[Entry 2]\nSession=1\nPoint=2\nControl=0\nPMin=0\nPSec=4\nPFrame=0\n"
        "[TRACK 1]\nMODE=0\nINDEX 1=3\nISRC=bad\n[TRACK 2]\nMODE=0\nINDEX 1=150\n"
        "INDEX 2=900\n[TRACK 7]\nMODE=1\n");
    assert_int_equal(ccd(t, &img, &err), 0);
    assert_int_equal(img->disc->tracks[0].index_lba[1], 3);
    assert_int_equal(img->disc->tracks[1].index_lba[1], 150);
    assert_int_equal(img->disc->leadout_lba, 750);
    assert_int_equal(img->disc->tracks[0].mode, DW_MODE_MODE1);
    const char *w = img->warnings;
    assert_non_null(w);
    assert_non_null(
        strstr(w, "'disc.ccd' line 15: [Entry 1]: PLBA=3 but PMin/PSec/PFrame say "
                  "LBA 0; PLBA is used"));
    assert_non_null(
        strstr(w, "[TRACK 1] MODE=0 but its TOC entry's Control=0x04 says data"));
    assert_non_null(
        strstr(w, "[TRACK 2] INDEX 2 falls outside the track (LBA 900); left out"));
    assert_non_null(strstr(w, "[TRACK 1] ISRC is not a valid ISRC; left out"));
    assert_non_null(strstr(w, "[CDText] Entry 0 is missing; the CD-TEXT is left out"));
    assert_non_null(
        strstr(w, "line 38: [TRACK 7] has no entry in the TOC; it is ignored"));
    dw__image_free(img);
}

static void test_ccd_refused(void **state)
{
    (void)state;
    char t[4096];
    cd_extra(t, sizeof(t), "INDEX 0=12225\nINDEX 1=12075\n");
    expect_refused(t, DW_EPARSE,
                   "line 49: [TRACK 3] INDEX 0=12225 comes after INDEX 1=12075");
    cd_extra(t, sizeof(t), "INDEX 0=0\nINDEX 1=12225\n");
    expect_refused(t, DW_EPARSE,
                   "[TRACK 3]: a pregap of 12225 sectors before LBA 12225 reaches "
                   "back to LBA 0, before the previous session's lead-out (LBA 825)");
    cd_extra(t, sizeof(t), "INDEX 1=20000\n");
    expect_refused(t, DW_EPARSE,
                   "INDEX 1=20000 is neither the track's LBA (12225) nor a pregap");
    expect_refused("[Disc]\nTocEntries=1\n", DW_EPARSE,
                   "'disc.ccd' line 1: a CloneCD control file starts with [CloneCD]");
    expect_refused("[CloneCD]\n[Entry 0]\nSession=1\n[Entry 0]\n", DW_EPARSE,
                   "line 4: [Entry 0] appears twice (first at line 2)");
    expect_refused("[CloneCD]\n[Entry 0]\nSession=1\nPoint=1\nPLBA=0\n", DW_EPARSE,
                   "session 1 has no lead-out entry (Point=0xa2)");
    expect_refused("[CloneCD]\n[Entry 0]\nSession=1\nPoint=1\n[Entry 1]\nSession=1\n"
                   "Point=0xa2\nPLBA=10\n",
                   DW_EPARSE, "line 2: [Entry 0] (Point=0x01) has neither PLBA nor PMin");
    expect_refused(
        "[CloneCD]\n[Entry 0]\nSession=1\nPoint=1\nPLBA=0\n[Entry 1]\nSession=1\n"
        "Point=0xa2\nPLBA=0\n",
        DW_EPARSE, "session 1's lead-out at LBA 0 is not after its last track 1");
    expect_refused(
        "[CloneCD]\n[Entry 0]\nSession=1\nPoint=1\nPLBA=0\n[Entry 1]\nSession=3\n"
        "Point=2\nPLBA=20000\n[Entry 2]\nSession=1\nPoint=0xa2\nPLBA=100\n"
        "[Entry 3]\nSession=3\nPoint=0xa2\nPLBA=30000\n",
        DW_EPARSE, "track 2 is in session 3, but session 2 has no track");
    expect_refused(
        "[CloneCD]\n[Disc]\nDataTracksScrambled=1\n[Entry 0]\nSession=1\nPoint=1\n"
        "PLBA=0\n[Entry 1]\nSession=1\nPoint=0xa2\nPLBA=10\n",
        DW_EUNSUPPORTED, "DataTracksScrambled=1");
    expect_refused(
        "[CloneCD]\n[Entry 0]\nSession=1\nPoint=1\nPLBA=0\n[Entry 1]\nSession=1\n"
        "Point=0xa2\nPLBA=449851\n",
        DW_ERANGE, "past the 100 minutes a CD holds");
    expect_refused("[CloneCD]\nVersion\n", DW_EPARSE, "line 2: expected KEY=VALUE");
    expect_refused("[CloneCD]\n[TRACK 100]\n", DW_EPARSE,
                   "[TRACK] needs a number from 1 to 99");
    expect_refused("[CloneCD]\n[Entry 0]\nPLBA=0x\n", DW_EPARSE,
                   "line 3: PLBA needs a number");
    expect_refused("[CloneCD]\n[CDText]\nEntry 0=80 00\n", DW_EPARSE,
                   "[CDText] Entry 0 has 2 bytes, not the 16 of a CD-TEXT pack");
    static const char utf16[] = "[\0C\0l\0o\0n\0e\0C\0D\0]\0";
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    assert_int_equal(dw__ccd_parse(utf16, sizeof(utf16), "x.ccd", false, &img, &err),
                     DW_EPARSE);
    assert_non_null(strstr(err.message, "contains NUL bytes (UTF-16 text?)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ccd_layout),
        cmocka_unit_test(test_ccd_warnings),
        cmocka_unit_test(test_ccd_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
