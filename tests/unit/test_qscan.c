/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Q-subchannel scan: an image drive synthesizes Q from its layout, and
 * the scan must rediscover that layout from a TOC-only copy of it (no
 * INDEX 00 but track 1's, no INDEX 02+, no ISRC, no MCN, no PRE).  A fake
 * drive over the same synthesized Q adds the troubles of real ones: bad
 * CRCs on ranges and at random, Q one sector off, refusal, no end to bad
 * frames. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/qscan.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif
#define LIBCDIO_DATA DW_FIXTURES_DIR "/libcdio/test/data"

/* What a drive's TOC (plus nothing from Q) says about disc. */
static struct dw_disc *toc_only(const struct dw_disc *disc)
{
    struct dw_disc *t = dw_disc_clone(disc);
    assert_non_null(t);
    t->mcn[0] = '\0';
    for (int i = 0; i < t->track_count; i++) {
        struct dw_track *tr = &t->tracks[i];
        if (i > 0)
            tr->index_lba[0] = DW_LBA_NONE;
        for (int k = 2; k < DW_MAX_INDEXES; k++)
            tr->index_lba[k] = DW_LBA_NONE;
        tr->index_count = 2;
        tr->isrc[0] = '\0';
        tr->control &= ~(unsigned)DW_CTL_PRE;
    }
    assert_int_equal(dw_disc_finish(t, NULL, 0), 0);
    return t;
}

static void assert_layout(const struct dw_disc *want, const struct dw_disc *got,
                          bool isrc_may_miss);

/* The layouts agree on everything the scan finds. */
static void assert_same_layout(const struct dw_disc *want, const struct dw_disc *got)
{
    assert_layout(want, got, false);
}

/* The same, except that an ISRC may be missing (never wrong). */
static void assert_layout(const struct dw_disc *want, const struct dw_disc *got,
                          bool isrc_may_miss)
{
    assert_int_equal(got->track_count, want->track_count);
    assert_string_equal(got->mcn, want->mcn);
    for (int i = 0; i < want->track_count; i++) {
        const struct dw_track *a = &want->tracks[i], *b = &got->tracks[i];
        assert_int_equal(b->number, a->number);
        assert_int_equal(b->index_count, a->index_count);
        for (int k = 0; k < a->index_count; k++)
            assert_int_equal(b->index_lba[k], a->index_lba[k]);
        assert_int_equal(b->end_lba, a->end_lba);
        if (!isrc_may_miss || b->isrc[0])
            assert_string_equal(b->isrc, a->isrc);
        assert_int_equal(b->control, a->control);
    }
}

static void print_counts(const char *what, const struct dw_qscan_result *r)
{
    printf("  %s: %lld Q frames in %lld reads, %lld bad CRC, %lld unreadable, "
           "%d pregaps, %d indexes, %d ISRCs, MCN votes %d (%s)\n",
           what, (long long)r->q_frames, (long long)r->read_requests,
           (long long)r->bad_crc_frames, (long long)r->unreadable_frames, r->pregaps_found,
           r->indexes_found, r->isrcs_found, r->mcn_votes, r->q_source);
}

/* ---- image drives ------------------------------------------------------------ */

static bool have_fixtures(void)
{
    return access(LIBCDIO_DATA "/p1.cue", R_OK) == 0;
}

static void test_read_q_image(void **state)
{
    (void)state;
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    struct dw_drive *d;
    struct dw_q q;
    uint8_t raw[12], many[3 * 12];
    assert_int_equal(dw_drive_open(LIBCDIO_DATA "/p1.cue", 0, &d, NULL), 0);
    assert_string_equal(dw_drive_q_source(d), "synthesized from the image layout");
    /* p1: track 2 INDEX 00 at 150, INDEX 01 at 225; CATALOG, flags DCP. */
    assert_int_equal(dw_drive_read_q(d, 150, raw), 0);
    assert_int_equal(dw_q_decode(raw, &q), 0);
    assert_int_equal(q.tno, 2);
    assert_int_equal(q.index, 0);
    assert_int_equal(q.rel_frames, 74);
    assert_int_equal(q.abs_lba, 150);
    assert_int_equal(q.control, DW_CTL_DCP);
    assert_int_equal(dw_drive_read_q(d, 149, raw), 0);
    assert_int_equal(dw_q_decode(raw, &q), 0);
    assert_int_equal(q.tno, 1);
    assert_int_equal(q.index, 1);
    assert_int_equal(q.rel_frames, 149 - 75);
    /* The hidden track before track 1 and the lead-in pregap: INDEX 00. */
    assert_int_equal(dw_drive_read_q(d, -150, raw), 0);
    assert_int_equal(dw_q_decode(raw, &q), 0);
    assert_int_equal(q.tno, 1);
    assert_int_equal(q.index, 0);
    assert_int_equal(q.rel_frames, 75 + 150 - 1);
    /* MCN frames where LBA mod 100 is DW_SYNTH_Q_MCN_PHASE. */
    assert_int_equal(dw_drive_read_q(d, 200 + DW_SYNTH_Q_MCN_PHASE, raw), 0);
    assert_int_equal(dw_q_decode(raw, &q), 0);
    assert_int_equal(q.adr, DW_Q_ADR_MCN);
    assert_string_equal(q.mcn, "0000010271955");
    assert_int_equal(q.aframe, (230 + 150) % 75);
    /* Several at once; the lead-out area; nothing before -150. */
    assert_int_equal(dw_drive_read_q_frames(d, 300, 3, many), 0);
    assert_int_equal(dw_q_decode(many + 24, &q), 0);
    assert_int_equal(q.tno, DW_Q_TNO_LEADOUT);
    assert_int_equal(q.rel_frames, 302 - dw_drive_disc(d)->leadout_lba);
    assert_int_equal(dw_drive_read_q(d, -151, raw), DW_ERANGE);
    assert_int_equal(dw_drive_read_q_frames(d, 0, 0, many), DW_EINVAL);
    dw_drive_free(d);
}

/* Scan the TOC-only copy of SOURCE's layout through SOURCE's drive. */
static void rediscover(const char *source, int64_t max_frames_read,
                       struct dw_qscan_result *res)
{
    struct dw_drive *d;
    assert_int_equal(dw_drive_open(source, 0, &d, NULL), 0);
    const struct dw_disc *truth = dw_drive_disc(d);
    assert_non_null(truth);
    struct dw_disc *disc = toc_only(truth);
    assert_int_equal(dw_disc_qscan(d, disc, NULL, NULL, res), 0);
    print_counts(source, res);
    assert_same_layout(truth, disc);
    assert_false(res->stopped);
    assert_int_equal(res->bad_crc_frames, 0);
    assert_true(res->q_frames <= max_frames_read);
    dw_disc_free(disc);
    dw_drive_free(d);
}

static void test_rediscover_p1(void **state)
{
    (void)state;
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    struct dw_qscan_result res;
    /* Both tracks are read whole for their (absent) ISRC: 75 + 77 frames;
     * the pregap takes a handful. */
    rediscover(LIBCDIO_DATA "/p1.cue", 200, &res);
    assert_int_equal(res.tracks[1].pregap, DW_QSCAN_FOUND);
    assert_int_equal(res.tracks[1].pregap_lba, 150);
    assert_int_equal(res.tracks[1].toc_pregap_lba, DW_LBA_NONE);
    assert_int_equal(res.tracks[0].pregap, DW_QSCAN_NOT_SEARCHED);
    assert_int_equal(res.pregaps_found, 1);
    assert_true(res.tracks[1].q_frames - res.tracks[1].isrc_frames_read <= 16);
    assert_true(res.mcn_from_q);
    assert_int_equal(res.mcn_votes, 2);
}

static void test_rediscover_cdda_mcn(void **state)
{
    (void)state;
    DW_SKIP_UNLESS(have_fixtures(), "the libcdio fixtures");
    struct dw_qscan_result res;
    rediscover(LIBCDIO_DATA "/cdda.cue", 200, &res);
    assert_true(res.mcn_from_q);
    assert_true(res.mcn_votes >= 2);
    assert_true(res.tracks[0].isrc_from_q); /* none, after 100 good frames */
}

/* A longer disc of silence in a temporary directory: ISRCs, INDEX 02/03,
 * PRE, a track without a pregap and one with a pregap longer than 2 s. */
static char tmpdir[64];
static char long_cue[128];

static int long_disc_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/dw-test-qscan-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char path[128];
    snprintf(path, sizeof(path), "%s/q.bin", tmpdir);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    static uint8_t sector[2352];
    for (int i = 0; i < 2400; i++)
        fwrite(sector, 1, sizeof(sector), fp);
    fclose(fp);
    snprintf(long_cue, sizeof(long_cue), "%s/q.cue", tmpdir);
    fp = fopen(long_cue, "w");
    if (!fp)
        return -1;
    fputs("CATALOG 1234567890123\n"
          "FILE \"q.bin\" BINARY\n"
          "  TRACK 01 AUDIO\n    ISRC USRC17607839\n    INDEX 01 00:00:00\n"
          "  TRACK 02 AUDIO\n    FLAGS DCP PRE\n    ISRC GBAYE0601498\n"
          "    INDEX 00 00:08:00\n    INDEX 01 00:10:00\n"
          "    INDEX 02 00:12:10\n    INDEX 03 00:13:00\n"
          "  TRACK 03 AUDIO\n    INDEX 01 00:16:00\n"
          "  TRACK 04 AUDIO\n    ISRC FRZ039800212\n"
          "    INDEX 00 00:18:00\n    INDEX 01 00:20:37\n"
          "  TRACK 05 MODE1/2352\n    INDEX 00 00:24:00\n    INDEX 01 00:26:00\n",
          fp);
    fclose(fp);
    return 0;
}

static int long_disc_teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/q.bin", tmpdir);
    unlink(path);
    unlink(long_cue);
    rmdir(tmpdir);
    return 0;
}

static void test_rediscover_long_disc(void **state)
{
    (void)state;
    struct dw_qscan_result res;
    rediscover(long_cue, 1000, &res);
    /* Track 2: pregap 600-749; 3: none; 4: 1350-1536 (187 sectors);
     * 5 (data): 1800-1949. */
    assert_int_equal(res.tracks[1].pregap_lba, 600);
    assert_int_equal(res.tracks[2].pregap, DW_QSCAN_FOUND);
    assert_int_equal(res.tracks[2].pregap_lba, DW_LBA_NONE);
    assert_int_equal(res.tracks[3].pregap_lba, 1350);
    assert_int_equal(res.tracks[4].pregap_lba, 1800);
    assert_int_equal(res.pregaps_found, 3);
    assert_int_equal(res.tracks[1].indexes, 2);
    assert_int_equal(res.indexes_found, 2);
    assert_int_equal(res.isrcs_found, 3);
    assert_string_equal(res.tracks[3].toc_isrc, "");
    assert_true(res.tracks[1].pre_emphasis_votes > 0);
    assert_int_equal(res.tracks[1].no_pre_emphasis_votes, 0);
    /* Each boundary takes a few probes, not a scan. */
    for (int i = 1; i < 5; i++) {
        int64_t search = res.tracks[i].q_frames - res.tracks[i].isrc_frames_read;
        printf("  track %d: %lld frames for the boundary and indexes\n", i + 1,
               (long long)search);
        assert_true(search <= (i == 1 ? 90 : 40));
    }
}

/* ---- a fake drive with the troubles of real ones ------------------------------- */

struct fake {
    const struct dw_disc *truth;
    int32_t bad_first[4], bad_last[4]; /* CRC always bad there */
    int bad_n;
    unsigned flaky_percent;            /* CRC bad at random on this share of reads */
    uint32_t seed;
    int shift;                         /* Q of lba + shift comes back */
    bool unsupported, unreadable;
    int64_t frames;
};

static int fake_read_q(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q)
{
    struct fake *f = d->priv;
    if (f->unsupported)
        return dw__drive_fail(d, DW_EUNSUPPORTED, lba, "no sub-channel data");
    if (f->unreadable)
        return dw__drive_fail(d, DW_EREAD, lba, "unrecovered read error");
    for (int32_t k = 0; k < frames; k++) {
        int32_t at = lba + k;
        uint8_t *out = q + (size_t)k * 12;
        f->frames++;
        if (dw_disc_synth_q(f->truth, at + f->shift, out))
            memset(out, 0, 12);
        bool bad = false;
        for (int i = 0; i < f->bad_n; i++)
            bad = bad || (at >= f->bad_first[i] && at <= f->bad_last[i]);
        f->seed = f->seed * 1103515245u + 12345u;
        if ((f->seed >> 16) % 100 < f->flaky_percent)
            bad = true;
        if (bad)
            out[11] ^= 0x5A;
    }
    return 0;
}

static const char *fake_q_source(struct dw_drive *d)
{
    (void)d;
    return "fake";
}

static const struct dw__drive_ops fake_ops = {
    .name = "fake",
    .read_q = fake_read_q,
    .q_source = fake_q_source,
};

static struct dw_drive *fake_drive(struct fake *f)
{
    struct dw_drive *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    d->ops = &fake_ops;
    d->priv = f;
    d->address = (char *)"fake";
    return d;
}

/* The long disc's truth (from the image), for the fake drive. */
static struct dw_disc *long_truth(void)
{
    struct dw_drive *d;
    assert_int_equal(dw_drive_open(long_cue, 0, &d, NULL), 0);
    struct dw_disc *t = dw_disc_clone(dw_drive_disc(d));
    dw_drive_free(d);
    return t;
}

static void scan_fake(struct fake *f, struct dw_disc *disc, const struct dw_qscan_opts *o,
                      int want_rc, struct dw_qscan_result *res)
{
    struct dw_drive *d = fake_drive(f);
    assert_int_equal(dw_disc_qscan(d, disc, o, NULL, res), want_rc);
    free(d);
}

static void test_bad_crcs_skipped(void **state)
{
    (void)state;
    struct dw_disc *truth = long_truth();
    struct dw_disc *disc = toc_only(truth);
    struct dw_qscan_result res;
    /* Bad frames where the probes land (1 and 150 before INDEX 01, the
     * middle of the brackets) and up to the frame before each boundary. */
    struct fake f = {.truth = truth,
                     .bad_first = {560, 748, 1300, 1380},
                     .bad_last = {599 - 1, 749, 1349 - 1, 1450},
                     .bad_n = 4};
    scan_fake(&f, disc, NULL, 0, &res);
    print_counts("bad ranges", &res);
    assert_true(res.bad_crc_frames > 0);
    assert_same_layout(truth, disc);
    assert_int_equal(res.tracks[1].pregap, DW_QSCAN_FOUND);
    assert_int_equal(res.tracks[3].pregap, DW_QSCAN_FOUND);
    dw_disc_free(disc);

    /* A third of all frames bad, at random: votes and re-reads find every
     * boundary; an ISRC whose few frames in the window were all bad (1 in
     * 30 or so) stays unknown, never wrong. */
    int64_t most = 0, missed = 0;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        disc = toc_only(truth);
        memset(&f, 0, sizeof(f));
        f.truth = truth;
        f.flaky_percent = 33;
        f.seed = seed;
        scan_fake(&f, disc, NULL, 0, &res);
        assert_layout(truth, disc, true);
        assert_int_equal(res.boundaries_uncertain, 0);
        most = res.q_frames > most ? res.q_frames : most;
        missed += 3 - res.isrcs_found;
        dw_disc_free(disc);
    }
    printf("  33%% bad at random, 40 runs: at most %lld Q frames, %lld of 120 ISRCs "
           "not seen\n",
           (long long)most, (long long)missed);
    assert_true(missed <= 12);
    dw_disc_free(truth);
}

static void test_q_one_sector_late(void **state)
{
    (void)state;
    struct dw_disc *truth = long_truth();
    struct dw_disc *disc = toc_only(truth);
    struct dw_qscan_result res;
    /* The drive returns the Q of the next sector: absolute times say so. */
    struct fake f = {.truth = truth, .shift = 1};
    scan_fake(&f, disc, NULL, 0, &res);
    assert_same_layout(truth, disc);
    /* Q 40 sectors off: not the sector's, ignored; nothing found. */
    dw_disc_free(disc);
    disc = toc_only(truth);
    struct dw_disc *before = dw_disc_clone(disc);
    memset(&f, 0, sizeof(f));
    f.truth = truth;
    f.shift = 40;
    scan_fake(&f, disc, NULL, 0, &res);
    assert_true(res.misplaced_frames > 0);
    assert_int_equal(res.pregaps_found, 0);
    assert_int_equal(disc->tracks[1].index_lba[0], DW_LBA_NONE);
    assert_int_equal(disc->tracks[3].index_lba[0], before->tracks[3].index_lba[0]);
    dw_disc_free(before);
    dw_disc_free(disc);
    dw_disc_free(truth);
}

static void test_boundary_inside_bad_range(void **state)
{
    (void)state;
    struct dw_disc *truth = long_truth();
    struct dw_disc *disc = toc_only(truth);
    struct dw_qscan_result res;
    /* Track 2's pregap starts at 600; frames 590-609 never read good. */
    struct fake f = {.truth = truth, .bad_first = {590}, .bad_last = {609}, .bad_n = 1};
    scan_fake(&f, disc, NULL, 0, &res);
    assert_int_equal(res.tracks[1].pregap, DW_QSCAN_UNCERTAIN);
    assert_int_equal(res.tracks[1].pregap_lba, 610);
    assert_int_equal(res.tracks[1].uncertain_sectors, 20);
    assert_int_equal(res.boundaries_uncertain, 1);
    assert_int_equal(disc->tracks[1].index_lba[0], 610);
    assert_int_equal(disc->tracks[3].index_lba[0], 1350);
    dw_disc_free(disc);
    dw_disc_free(truth);
}

static void test_bounded(void **state)
{
    (void)state;
    struct dw_disc *truth = long_truth();
    struct dw_disc *disc = toc_only(truth);
    struct dw_disc *toc = dw_disc_clone(disc);
    struct dw_qscan_result res;

    /* Every read fails: the TOC's layout stays, and it ends. */
    struct fake f = {.truth = truth, .unreadable = true};
    scan_fake(&f, disc, NULL, 0, &res);
    print_counts("unreadable", &res);
    assert_same_layout(toc, disc);
    assert_true(res.unreadable_frames > 0);
    assert_true(res.q_frames < 2000);

    /* Every CRC bad. */
    memset(&f, 0, sizeof(f));
    f.truth = truth;
    f.flaky_percent = 100;
    scan_fake(&f, disc, NULL, 0, &res);
    print_counts("all bad", &res);
    assert_same_layout(toc, disc);
    assert_true(res.q_frames < 2000);

    /* A budget of 30 frames. */
    struct dw_qscan_opts o = {.max_frames = 30};
    memset(&f, 0, sizeof(f));
    f.truth = truth;
    scan_fake(&f, disc, &o, 0, &res);
    assert_true(res.stopped);
    assert_true(res.q_frames <= 30);
    assert_non_null(strstr(res.stop_reason, "budget"));

    /* A drive without sub-channel data: an error, the disc untouched. */
    memset(&f, 0, sizeof(f));
    f.truth = truth;
    f.unsupported = true;
    struct dw_disc *again = toc_only(truth);
    scan_fake(&f, again, NULL, DW_EUNSUPPORTED, &res);
    assert_same_layout(toc, again);
    dw_disc_free(again);

    o = (struct dw_qscan_opts){.flags = 1};
    scan_fake(&f, disc, &o, DW_EINVAL, &res);
    dw_disc_free(toc);
    dw_disc_free(disc);
    dw_disc_free(truth);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_q_image),
        cmocka_unit_test(test_rediscover_p1),
        cmocka_unit_test(test_rediscover_cdda_mcn),
        cmocka_unit_test(test_rediscover_long_disc),
        cmocka_unit_test(test_bad_crcs_skipped),
        cmocka_unit_test(test_q_one_sector_late),
        cmocka_unit_test(test_boundary_inside_bad_range),
        cmocka_unit_test(test_bounded),
    };
    return dw_test_result(
        cmocka_run_group_tests(tests, long_disc_setup, long_disc_teardown));
}
