/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: the pure parts of our CD writer: the SEND CUE SHEET entries
 * built from a disc model (MMC-6 6.33), the lead-in CD-TEXT sub-channel
 * (six-bit symbols, IEC 61866), the write CDBs and mode page 05h
 * (MMC-6 7.5.4.2), the lead-in Q of a raw run (ECMA-130 22.3.4.2), the
 * ATIP parser and the busy senses.  The writer against a drive is
 * tests/emu/it_burn_sao.sh and it_burn_raw.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "dw_test.h"

#include <stdlib.h>
#include <string.h>

#include "burn/cdwrite.h"
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "drive/mmc_write.h"

/* The project's mixed-mode sample's layout: Mode 1 track 1 (LBA 0-183),
 * audio track 2 (INDEX 00 at 184, 01 at 334, ISRC), audio track 3 (01 at
 * 634, 02 at 709, DCP, ISRC), audio track 4 (01 at 859, PRE), lead-out
 * 1009, MCN 0000000000017. */
static struct dw_disc *sample_disc(void)
{
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    d->track_count = 4;
    for (int i = 0; i < 4; i++) {
        struct dw_track *t = &d->tracks[i];
        t->number = i + 1;
        t->session = 1;
        t->mode = i == 0 ? DW_MODE_MODE1 : DW_MODE_AUDIO;
        t->control = i == 0 ? DW_CTL_DATA : 0;
        for (int k = 0; k < DW_MAX_INDEXES; k++)
            t->index_lba[k] = DW_LBA_NONE;
        t->index_count = 2;
    }
    d->tracks[0].index_lba[1] = 0;
    d->tracks[0].end_lba = 184;
    d->tracks[1].index_lba[0] = 184;
    d->tracks[1].index_lba[1] = 334;
    d->tracks[1].end_lba = 634;
    strcpy(d->tracks[1].isrc, "XXDWS2300001");
    d->tracks[2].index_lba[1] = 634;
    d->tracks[2].index_lba[2] = 709;
    d->tracks[2].index_count = 3;
    d->tracks[2].control = DW_CTL_DCP;
    d->tracks[2].end_lba = 859;
    strcpy(d->tracks[2].isrc, "XXDWS2300002");
    d->tracks[3].index_lba[1] = 859;
    d->tracks[3].control = DW_CTL_PRE;
    d->tracks[3].end_lba = 1009;
    d->session_count = 1;
    d->sessions[0].number = 1;
    d->sessions[0].first_track = 1;
    d->sessions[0].last_track = 4;
    d->sessions[0].leadout_lba = 1009;
    d->leadout_lba = 1009;
    strcpy(d->mcn, "0000000000017");
    return d;
}

static void test_cue_sheet_of_the_mixed_sample(void **state)
{
    (void)state;
    struct dw_disc *d = sample_disc();
    uint8_t *cue = NULL;
    size_t bytes = 0;
    /* Entry by entry: CTL/ADR, TNO, INDEX, form, SCMS, M, S, F. */
    static const uint8_t want[][8] = {
        {0x41, 0x00, 0x00, 0x54, 0, 0, 0, 0},        /* lead-in: Mode 1 generated + CD-TEXT */
        {0x42, '0', '0', '0', '0', '0', '0', '0'},    /* MCN, first 7 digits */
        {0x42, '0', '0', '0', '0', '1', '7', 0},      /* MCN, last 6 */
        {0x41, 0x01, 0x00, 0x11, 0, 0, 0, 0},        /* track 1 INDEX 00 at -150, raw Mode 1 */
        {0x41, 0x01, 0x01, 0x11, 0, 0, 2, 0},        /* INDEX 01 at 0 = 00:02:00 */
        {0x03, 0x02, 'X', 'X', 'D', 'W', 'S', '2'},  /* ISRC of track 2 */
        {0x03, 0x02, '3', '0', '0', '0', '0', '1'},
        {0x01, 0x02, 0x00, 0x00, 0, 0, 4, 34},       /* INDEX 00 at 184 */
        {0x01, 0x02, 0x01, 0x00, 0, 0, 6, 34},       /* INDEX 01 at 334 */
        {0x23, 0x03, 'X', 'X', 'D', 'W', 'S', '2'},  /* ISRC of track 3, DCP */
        {0x23, 0x03, '3', '0', '0', '0', '0', '2'},
        {0x21, 0x03, 0x01, 0x00, 0, 0, 10, 34},      /* INDEX 01 at 634 */
        {0x21, 0x03, 0x02, 0x00, 0, 0, 11, 34},      /* INDEX 02 at 709 */
        {0x11, 0x04, 0x01, 0x00, 0, 0, 13, 34},      /* track 4, PRE, at 859 */
        {0x11, 0xAA, 0x01, 0x01, 0, 0, 15, 34},      /* lead-out at 1009, audio generated */
    };

    assert_int_equal(dw__cdwrite_cue_sheet(d, 1, true, &cue, &bytes), 0);
    assert_int_equal(bytes, sizeof want);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_memory_equal(cue + 8 * i, want[i], 8);
    free(cue);

    /* Without CD-TEXT the lead-in has no sub-channel form. */
    assert_int_equal(dw__cdwrite_cue_sheet(d, 1, false, &cue, &bytes), 0);
    assert_int_equal(cue[3], 0x14);
    free(cue);
    dw_disc_free(d);
}

static void test_cue_sheet_mode2_and_refusals(void **state)
{
    (void)state;
    struct dw_disc *d = sample_disc();
    uint8_t *cue = NULL;
    size_t bytes = 0;

    d->tracks[0].mode = DW_MODE_MODE2_XA;
    d->mcn[0] = '\0';
    assert_int_equal(dw__cdwrite_cue_sheet(d, 1, false, &cue, &bytes), 0);
    assert_int_equal(cue[3], 0x24);  /* lead-in: Mode 2 generated */
    assert_int_equal(cue[8 + 3], 0x21); /* track 1 INDEX 00: raw Mode 2 */
    free(cue);

    assert_int_equal(dw__cdwrite_cue_sheet(d, 2, false, &cue, &bytes), DW_EINVAL);
    assert_null(cue);
    assert_int_equal(dw__cdwrite_cue_sheet(NULL, 1, false, &cue, &bytes), DW_EINVAL);
    /* A second session: track 4 alone, its pregap 150 sectors before
     * INDEX 01 although the layout has none; no MCN there. */
    strcpy(d->mcn, "0000000000017");
    d->session_count = 2;
    d->tracks[3].session = 2;
    d->sessions[0].leadout_lba = 859;
    d->sessions[1].number = 2;
    d->sessions[1].leadout_lba = 1009;
    assert_int_equal(dw__cdwrite_session_start(&d->tracks[3]), 709);
    assert_int_equal(dw__cdwrite_session_start(&d->tracks[0]), -150);
    assert_int_equal(dw__cdwrite_cue_sheet(d, 2, false, &cue, &bytes), 0);
    static const uint8_t want[][8] = {
        {0x11, 0x00, 0x00, 0x01, 0, 0, 0, 0},   /* lead-in, audio generated */
        {0x11, 0x04, 0x00, 0x00, 0, 0, 11, 34}, /* INDEX 00 at 709 */
        {0x11, 0x04, 0x01, 0x00, 0, 0, 13, 34}, /* INDEX 01 at 859 */
        {0x11, 0xAA, 0x01, 0x01, 0, 0, 15, 34}, /* lead-out at 1009 */
    };
    assert_int_equal(bytes, sizeof want);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_memory_equal(cue + 8 * i, want[i], 8);
    free(cue);
    dw_disc_free(d);
}

/* The lead-in symbols decode to the packs (the emulator's and a drive's
 * way: 4 six-bit symbols per 3 bytes), four packs a sector, cyclically. */
static void test_leadin_sub_round_trip(void **state)
{
    (void)state;
    uint8_t packs[5 * 18], sub[96];
    for (size_t i = 0; i < sizeof packs; i++)
        packs[i] = (uint8_t)(i * 37 + 11);
    size_t next = 0;
    for (int sector = 0; sector < 3; sector++) {
        size_t first = next;
        next = dw__cdwrite_leadin_sub(packs, 5, first, sub);
        assert_int_equal(next, (first + 4) % 5);
        for (int n = 0; n < 4; n++) {
            const uint8_t *s = sub + 24 * n, *p = packs + ((first + (size_t)n) % 5) * 18;
            for (int g = 0; g < 6; g++) {
                const uint8_t *q = s + 4 * g;
                for (int k = 0; k < 4; k++)
                    assert_true(q[k] < 64);
                assert_int_equal((uint8_t)(q[0] << 2 | q[1] >> 4), p[3 * g]);
                assert_int_equal((uint8_t)((q[1] & 0x0F) << 4 | q[2] >> 2), p[3 * g + 1]);
                assert_int_equal((uint8_t)((q[2] & 0x03) << 6 | q[3]), p[3 * g + 2]);
            }
        }
    }
}

static void test_write_cdbs(void **state)
{
    (void)state;
    uint8_t cdb[DW_MMC_CDB_MAX];
    static const uint8_t write_leadin[10] = {0x2A, 0, 0xFF, 0xFF, 0xD2, 0x97, 0, 0x02, 0xAA, 0};
    static const uint8_t cue[10] = {0x5D, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0};
    static const uint8_t select[10] = {0x55, 0x10, 0, 0, 0, 0, 0, 0, 0x3C, 0};
    static const uint8_t close_session[10] = {0x5B, 0, 0x02, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t speed[12] = {0xBB, 0, 0xFF, 0xFF, 0x02, 0xC2, 0, 0, 0, 0, 0, 0};

    assert_int_equal(dw__mmc_build_write10(cdb, -11625, 682), 10);
    assert_memory_equal(cdb, write_leadin, 10);
    assert_int_equal(dw__mmc_build_send_cue_sheet(cdb, 0x010203), 10);
    assert_memory_equal(cdb, cue, 10);
    assert_int_equal(dw__mmc_build_mode_select10(cdb, DW_MMC_WRITE_PARAMS_BYTES), 10);
    assert_memory_equal(cdb, select, 10);
    assert_int_equal(dw__mmc_build_close(cdb, 2, 0), 10);
    assert_memory_equal(cdb, close_session, 10);
    assert_int_equal(dw__mmc_build_set_cd_speed(cdb, 706), 12);
    assert_memory_equal(cdb, speed, 12);
    assert_int_equal(dw__mmc_build_send_opc(cdb), 10);
    assert_int_equal(cdb[0], 0x54);
    assert_int_equal(cdb[1], 0x01);
    assert_int_equal(dw__mmc_build_sync_cache(cdb, true), 10);
    assert_int_equal(cdb[0], 0x35);
    assert_int_equal(cdb[1], 0x02);
}

static void test_page05(void **state)
{
    (void)state;
    uint8_t list[DW_MMC_WRITE_PARAMS_BYTES];
    struct dw__mmc_write_params p = {.write_type = DW_MMC_WT_SAO, .test_write = true,
                                     .bufe = true, .multi_session = true,
                                     .session_format = 0x20, .audio_pause_sectors = 150};
    assert_int_equal(dw__mmc_build_write_params(list, &p), 60);
    for (int i = 0; i < 8; i++)
        assert_int_equal(list[i], 0); /* header, no block descriptors */
    assert_int_equal(list[8], 0x05);
    assert_int_equal(list[9], 0x32);
    assert_int_equal(list[10], 0x40 | 0x10 | 0x02); /* BUFE, test write, SAO */
    assert_int_equal(list[11], 0xC0);               /* multi-session 11b */
    assert_int_equal(list[12], 0);
    assert_int_equal(list[16], 0x20);               /* CD-ROM XA */
    assert_int_equal(list[22], 0);
    assert_int_equal(list[23], 150);

    p = (struct dw__mmc_write_params){.write_type = DW_MMC_WT_RAW,
                                      .data_block_type = DW_MMC_DBT_RAW96R};
    dw__mmc_build_write_params(list, &p);
    assert_int_equal(list[10], 0x03);
    assert_int_equal(list[11], 0x00);
    assert_int_equal(list[12], 0x03);
}

/* The lead-in Q of a raw run: the sample's TOC as mode-1 Q frames, three
 * frames a point (A0h, A1h, A2h, 01..04), round and round, CRC valid. */
static void test_leadin_q(void **state)
{
    (void)state;
    struct dw_disc *d = sample_disc();
    uint8_t q[12];
    static const uint8_t want[7][10] = {
        /* CTL/ADR TNO POINT MIN SEC FRAME ZERO PMIN PSEC PFRAME */
        {0x41, 0, 0xA0, 0, 0, 0, 0, 0x01, 0x00, 0},    /* first track 1, CD-DA/CD-ROM */
        {0x11, 0, 0xA1, 0, 0, 3, 0, 0x04, 0, 0},       /* last track 4 (audio, PRE) */
        {0x11, 0, 0xA2, 0, 0, 6, 0, 0x00, 0x15, 0x34}, /* lead-out 1009 = 00:15:34 */
        {0x41, 0, 0x01, 0, 0, 9, 0, 0x00, 0x02, 0x00}, /* track 1 at 00:02:00 */
        {0x01, 0, 0x02, 0, 0, 0x12, 0, 0x00, 0x06, 0x34},
        {0x21, 0, 0x03, 0, 0, 0x15, 0, 0x00, 0x10, 0x34}, /* DCP */
        {0x11, 0, 0x04, 0, 0, 0x18, 0, 0x00, 0x13, 0x34}, /* PRE */
    };
    for (int k = 0; k < 7; k++)
        for (int r = 0; r < 3; r++) {
            int32_t lba = -11625 + 3 * k + r;
            dw__cdwrite_leadin_q(d, -11625, lba, q);
            uint8_t w[10];
            memcpy(w, want[k], 10);
            w[5] = (uint8_t)(((3 * k + r) / 10) << 4 | (3 * k + r) % 10); /* FRAME, BCD */
            assert_memory_equal(q, w, 10);
            uint16_t crc = dw_q_crc(q);
            assert_int_equal(q[10], crc >> 8);
            assert_int_equal(q[11], crc & 0xFF);
        }
    /* Round again after the seven points; the lead-in time goes on. */
    dw__cdwrite_leadin_q(d, -11625, -11625 + 21 * 219, q); /* 4599 frames: 01:01:24 */
    assert_int_equal(q[2], 0xA0);
    assert_int_equal(q[3], 0x01);
    assert_int_equal(q[4], 0x01);
    assert_int_equal(q[5], 0x24);
    /* With a Mode 2 track the A0h point says CD-ROM XA. */
    d->tracks[0].mode = DW_MODE_MODE2_XA;
    dw__cdwrite_leadin_q(d, -11625, -11625, q);
    assert_int_equal(q[8], 0x20);
    dw_disc_free(d);
}

static void test_atip(void **state)
{
    (void)state;
    struct dw__mmc_atip a;
    uint8_t r[28] = {0, 26, 0, 0, 0xD2, 0x40, 0xC0, 0, 97, 27, 0, 0, 79, 59, 74, 0};
    assert_int_equal(dw__mmc_parse_atip(r, sizeof r, &a), 0);
    assert_true(a.rewritable);
    assert_int_equal(a.leadin_lba, -11625);      /* 97:27:00 */
    assert_int_equal(a.last_leadout_lba, 359849); /* 79:59:74 */
    r[6] = 0x80;
    r[12] = 0;
    r[13] = 4;
    r[14] = 39;
    assert_int_equal(dw__mmc_parse_atip(r, sizeof r, &a), 0);
    assert_false(a.rewritable);
    assert_int_equal(a.last_leadout_lba, 189);
    r[9] = 60; /* not an M:S:F */
    assert_int_equal(dw__mmc_parse_atip(r, sizeof r, &a), DW_EPARSE);
    r[9] = 27;
    r[1] = 2; /* too short a reply */
    assert_int_equal(dw__mmc_parse_atip(r, sizeof r, &a), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_atip(r, 10, &a), DW_EPARSE);
}

/* TAO of the mixed sample: the data track padded to 300 sectors and its 2
 * run-out sectors, a 150-sector pregap before every later track, short
 * audio tracks padded, a warning for each change; then a layout TAO keeps
 * and the refusals. */
static void test_tao_plan(void **state)
{
    (void)state;
    struct dw_disc *d = sample_disc();
    struct dw__tao_plan *p = malloc(sizeof *p);
    char msg[512];
    assert_non_null(p);
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), 0);
    static const int32_t start[] = {0, 452, 902, 1352}, sectors[] = {184, 300, 225, 150},
                         pad[] = {116, 0, 75, 150}, runout[] = {2, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(p->tracks[i].start_lba, start[i]);
        assert_int_equal(p->tracks[i].sectors, sectors[i]);
        assert_int_equal(p->tracks[i].pad_sectors, pad[i]);
        assert_int_equal(p->tracks[i].runout_sectors, runout[i]);
    }
    assert_int_equal(p->leadout_lba, 1652);
    assert_false(p->layout_kept);
    assert_non_null(strstr(p->warnings, "track 02: its pregap of 150 sectors becomes the 150 "
                                        "sectors a TAO drive writes after the 2 run-out "
                                        "sectors of the data track before it: the track "
                                        "moves from LBA 334 to LBA 452\n"));
    assert_non_null(strstr(p->warnings, "track 03: INDEX 02"));
    assert_non_null(strstr(p->warnings, "padded with 116 sectors of zeros\n"));
    assert_non_null(strstr(p->warnings, "padded with 150 sectors of silence\n"));
    assert_null(strstr(p->warnings, "CD-TEXT")); /* the model has none */

    /* Audio only, 150-sector pregaps, 4 s and longer: kept as it is. */
    d->tracks[0].mode = DW_MODE_AUDIO;
    d->tracks[0].control = 0;
    d->tracks[0].end_lba = 300;
    d->tracks[1].index_lba[0] = 300;
    d->tracks[1].index_lba[1] = 450;
    d->tracks[1].end_lba = 750;
    d->tracks[2].index_lba[0] = 750;
    d->tracks[2].index_lba[1] = 900;
    d->tracks[2].index_count = 2;
    d->tracks[2].end_lba = 1200;
    d->tracks[3].index_lba[0] = 1200;
    d->tracks[3].index_lba[1] = 1350;
    d->tracks[3].end_lba = d->leadout_lba = d->sessions[0].leadout_lba = 1650;
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), 0);
    assert_true(p->layout_kept);
    assert_string_equal(p->warnings, "");
    assert_int_equal(p->leadout_lba, 1650);
    assert_int_equal(p->tracks[3].start_lba, 1350);
    d->has_cdtext = true;
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), 0);
    assert_false(p->layout_kept);
    assert_non_null(strstr(p->warnings, "CD-TEXT of 's.cue' is not written"));

    /* Refused: Mode 2, two sessions, no tracks. */
    d->tracks[2].mode = DW_MODE_MODE2_XA;
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), DW_EUNSUPPORTED);
    assert_non_null(strstr(msg, "track 03 of 's.cue' is Mode 2"));
    d->tracks[2].mode = DW_MODE_AUDIO;
    d->session_count = 2;
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), DW_EUNSUPPORTED);
    assert_non_null(strstr(msg, "--write-mode sao"));
    d->session_count = 1;
    d->track_count = 0;
    assert_int_equal(dw__cdwrite_tao_plan(d, "s.cue", p, msg, sizeof msg), DW_EINVAL);
    free(p);
    dw_disc_free(d);
}

static void test_busy_senses(void **state)
{
    (void)state;
    assert_true(dw__mmc_sense_busy(2, 0x04, 0x08));
    assert_true(dw__mmc_sense_busy(2, 0x04, 0x07));
    assert_true(dw__mmc_sense_busy(2, 0x04, 0x01));
    assert_false(dw__mmc_sense_busy(2, 0x3A, 0x00)); /* no medium: not worth waiting */
    assert_false(dw__mmc_sense_busy(5, 0x21, 0x02));
    assert_false(dw__mmc_sense_busy(3, 0x0C, 0x00));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cue_sheet_of_the_mixed_sample),
        cmocka_unit_test(test_cue_sheet_mode2_and_refusals),
        cmocka_unit_test(test_leadin_sub_round_trip),
        cmocka_unit_test(test_write_cdbs),
        cmocka_unit_test(test_page05),
        cmocka_unit_test(test_leadin_q),
        cmocka_unit_test(test_atip),
        cmocka_unit_test(test_busy_senses),
        cmocka_unit_test(test_tao_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
