/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/sector/ecc_repair.c: repairing Mode 1 and Mode 2
 * Form 1 sectors with their P/Q parity, with and without C2 erasures.
 * Sectors are built with dw_sector_encode_* from a fixed-seed generator,
 * damaged by known patterns, and must come back byte for byte; sectors
 * that cannot be repaired must come back exactly as damaged.  The real
 * sectors of libcdio's isofs-m1.bin are repaired too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "dw_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discwright/errors.h"
#include "discwright/sector.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif
#define FIXTURE_M1 DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.bin"
#define FIXTURE_SECTORS 302

#define RAW DW_SECTOR_RAW_BYTES
#define ROW_BYTES 86 /* one row of the P/Q matrix: 43 words */

static uint8_t *fixture; /* FIXTURE_SECTORS raw Mode 1 sectors, LBA 0.. */

/* ---- building and damaging sectors ---- */

/* xorshift32, fixed seeds: every run damages the same bytes */
static uint32_t rng_next(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static unsigned rng_below(uint32_t *state, unsigned n)
{
    return (rng_next(state) >> 8) % n;
}

/* flip byte offset of raw to a different value */
static void damage(uint8_t *raw, int offset, uint32_t *state)
{
    raw[offset] ^= (uint8_t)(1 + rng_below(state, 255));
}

static void c2_flag(uint8_t c2[DW_C2_BYTES], int offset)
{
    c2[offset / 8] |= (uint8_t)(0x80u >> (offset % 8));
}

/* damage and flag */
static void damage_flagged(uint8_t *raw, uint8_t c2[DW_C2_BYTES], int offset,
                           uint32_t *state)
{
    damage(raw, offset, state);
    c2_flag(c2, offset);
}

/* raw offset of byte column j (0..85), row r (0..25) of the P/Q matrix:
 * P codeword j is column j */
static int matrix_offset(int row, int column)
{
    return DW_OFF_HEADER + ROW_BYTES * row + column;
}

static void make_mode1(uint8_t raw[RAW], int32_t lba, uint32_t seed)
{
    uint8_t user[DW_SECTOR_USER_BYTES];

    for (size_t i = 0; i < sizeof user; i++)
        user[i] = (uint8_t)rng_next(&seed);
    dw_sector_encode_mode1(raw, lba, user);
}

static void make_form(uint8_t raw[RAW], int32_t lba, int form, uint32_t seed)
{
    uint8_t user[DW_SECTOR_FORM2_BYTES];
    const uint8_t subheader[4] = {1, 2, 0x08, 0};

    for (size_t i = 0; i < sizeof user; i++)
        user[i] = (uint8_t)rng_next(&seed);
    dw_sector_encode_mode2(raw, lba, form, subheader, user);
}

/* one error in every P codeword, in a random row (recorded in rows[j]
 * unless rows is NULL); skip_header keeps off the 4 header bytes */
static void damage_each_p_codeword(uint8_t raw[RAW], uint32_t *state, bool skip_header,
                                   int *rows)
{
    for (int j = 0; j < 86; j++) {
        int row = (int)rng_below(state, 26);

        if (skip_header && row == 0 && j < 4)
            row = 1;
        damage(raw, matrix_offset(row, j), state);
        if (rows)
            rows[j] = row;
    }
}

/* Two bursts of 20 bytes: row 4 byte columns 10-29 and row 15 byte
 * columns 20-39.  P columns 20-29 hold two errors each, which P cannot
 * correct; the Q codewords through those 20 bytes (diagonals (4 - c) and
 * (15 - c) mod 26 for word columns c = 10..14) are all different, one error
 * each, so the Q pass after the P pass can. */
static void damage_two_bursts(uint8_t raw[RAW], uint32_t *state)
{
    for (int j = 10; j < 30; j++)
        damage(raw, matrix_offset(4, j), state);
    for (int j = 20; j < 40; j++)
        damage(raw, matrix_offset(15, j), state);
}

/* Error patterns where no codeword has a single error, in byte plane 1.
 * P codeword 2 c + 1 is word column c; the Q codeword through (row, word
 * column c) is diagonal (row - c) mod 26.
 *
 * The parallelogram: two errors in each of P columns 5 and 9 and in each
 * of Q diagonals 24 and 5.  The unsolved P and Q codewords cross exactly
 * at the four bad bytes, so flagging the crossings finds them.
 *
 * The hexagon: two errors in each of P columns 5, 9, 14 and in each of
 * diagonals 24, 5, 12, on six of the nine crossings: every unsolved
 * codeword has three crossings, too many to solve for, so only C2
 * pointers on the six bytes repair it. */
static const int para_row[4] = {3, 10, 7, 14};
static const int para_word_column[4] = {5, 5, 9, 9};
static const int hex_row[6] = {3, 10, 14, 21, 0, 12};
static const int hex_word_column[6] = {5, 5, 9, 9, 14, 14};

static int para_offset(int k)
{
    return matrix_offset(para_row[k], 2 * para_word_column[k] + 1);
}

static int hex_offset(int k)
{
    return matrix_offset(hex_row[k], 2 * hex_word_column[k] + 1);
}

/* the hexagon, flagged in c2 (cleared first) */
static void damage_hexagon(uint8_t raw[RAW], uint8_t c2[DW_C2_BYTES], uint32_t *state)
{
    memset(c2, 0, DW_C2_BYTES);
    for (int k = 0; k < 6; k++)
        damage_flagged(raw, c2, hex_offset(k), state);
}

/* ---- expectations ---- */

/* Repair raw, which must then be orig, with 'bytes' bytes corrected of
 * which 'erasures' C2 flagged.  Returns the passes it took. */
static unsigned expect_repaired(uint8_t raw[RAW], const uint8_t orig[RAW],
                                const uint8_t *c2, unsigned bytes, unsigned erasures)
{
    struct dw_ecc_repair_stats st;

    memset(&st, 0xff, sizeof st);
    assert_int_equal(dw_sector_ecc_repair(raw, c2, &st), 0);
    assert_memory_equal(raw, orig, RAW);
    assert_int_equal(st.bytes_corrected, bytes);
    assert_int_equal(st.erasures_used, erasures);
    return st.passes;
}

/* dw_sector_ecc_repair must return code and leave raw as it was.  Returns
 * the passes it took. */
static unsigned expect_refused(uint8_t raw[RAW], const uint8_t *c2, int code)
{
    uint8_t before[RAW];
    struct dw_ecc_repair_stats st;

    memcpy(before, raw, RAW);
    memset(&st, 0xff, sizeof st);
    assert_int_equal(dw_sector_ecc_repair(raw, c2, &st), code);
    assert_memory_equal(raw, before, RAW);
    assert_int_equal(st.bytes_corrected, 0);
    assert_int_equal(st.erasures_used, 0);
    return st.passes;
}

static unsigned bytes_differing(const uint8_t *a, const uint8_t *b)
{
    unsigned n = 0;

    for (int i = 0; i < RAW; i++)
        n += a[i] != b[i];
    return n;
}

/* ---- sectors that need nothing, or are not ours ---- */

static void test_good_untouched(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];

    (void)state;
    make_mode1(raw, 1000, 11);
    memcpy(orig, raw, RAW);
    assert_int_equal(expect_repaired(raw, orig, NULL, 0, 0), 0);
    /* every byte flagged: a good sector is still left alone */
    memset(c2, 0xff, sizeof c2);
    assert_int_equal(expect_repaired(raw, orig, c2, 0, 0), 0);

    make_form(raw, 2000, 1, 12);
    memcpy(orig, raw, RAW);
    assert_int_equal(expect_repaired(raw, orig, c2, 0, 0), 0);
    assert_int_equal(dw_sector_ecc_repair(raw, NULL, NULL), 0);
}

static void test_not_applicable(void **state)
{
    uint8_t raw[RAW], c2[DW_C2_BYTES];
    uint32_t seed = 21;

    (void)state;
    memset(c2, 0xff, sizeof c2);
    /* audio: no sync */
    for (int i = 0; i < RAW; i++)
        raw[i] = (uint8_t)rng_next(&seed);
    assert_int_equal(expect_refused(raw, NULL, DW_EUNSUPPORTED), 0);
    assert_int_equal(expect_refused(raw, c2, DW_EUNSUPPORTED), 0);

    /* Mode 2 Form 2, good and damaged */
    make_form(raw, 300, 2, 22);
    expect_refused(raw, NULL, DW_EUNSUPPORTED);
    damage(raw, 100, &seed);
    expect_refused(raw, c2, DW_EUNSUPPORTED);

    /* Mode 0 */
    make_mode1(raw, 5, 23);
    memset(raw + DW_OFF_MODE1_DATA, 0, RAW - DW_OFF_MODE1_DATA);
    raw[DW_OFF_HEADER + 3] = 0;
    expect_refused(raw, NULL, DW_EUNSUPPORTED);

    /* a Mode 1 sector whose sync is damaged is not recognised */
    make_mode1(raw, 6, 24);
    raw[5] = 0x7f;
    expect_refused(raw, NULL, DW_EUNSUPPORTED);

    assert_int_equal(dw_sector_ecc_repair(NULL, NULL, NULL), DW_EINVAL);
}

/* ---- Mode 1 without C2 ---- */

static void test_one_error_per_p_codeword(void **state)
{
    uint8_t raw[RAW], orig[RAW];

    (void)state;
    for (uint32_t seed = 1; seed <= 20; seed++) {
        uint32_t s = seed * 7919;

        make_mode1(raw, (int32_t)seed * 10, seed);
        memcpy(orig, raw, RAW);
        damage_each_p_codeword(raw, &s, false, NULL);
        assert_int_not_equal(dw_sector_check(raw, DW_SECTOR_ANY_LBA, NULL),
                             DW_SECTOR_GOOD);
        /* one P pass corrects all, and the EDC then matches */
        assert_int_equal(expect_repaired(raw, orig, NULL, 86, 0), 1);
        assert_int_equal(dw_sector_check(raw, (int32_t)seed * 10, NULL), DW_SECTOR_GOOD);
    }
}

static void test_q_only_damage(void **state)
{
    uint8_t raw[RAW], orig[RAW];
    uint32_t s = 31;

    (void)state;
    /* the first Q parity byte of every Q codeword (outside P), and the mode
     * byte (in P column 3): one error in each codeword they are in */
    make_mode1(raw, 77, 31);
    memcpy(orig, raw, RAW);
    for (int k = 0; k < 52; k++)
        damage(raw, DW_OFF_Q_PARITY + k, &s);
    raw[DW_OFF_HEADER + 3] = 0x81;
    expect_repaired(raw, orig, NULL, 53, 0);
}

static void test_parity_only_damage(void **state)
{
    uint8_t raw[RAW], orig[RAW];
    uint32_t s = 35;

    (void)state;
    /* both parity bytes of Q codeword 7 and of P codeword 20: no pass can
     * solve the Q codeword, but the EDC vouches for the data and the
     * parity is computed anew from it */
    make_mode1(raw, 78, 35);
    memcpy(orig, raw, RAW);
    damage(raw, DW_OFF_Q_PARITY + 7, &s);
    damage(raw, DW_OFF_Q_PARITY + 52 + 7, &s);
    damage(raw, DW_OFF_P_PARITY + 20, &s);
    damage(raw, DW_OFF_P_PARITY + 86 + 20, &s);
    assert_int_equal(expect_repaired(raw, orig, NULL, 4, 0), 0);

    /* the same in Form 1, whose parity is over a zero header */
    make_form(raw, 79, 1, 36);
    memcpy(orig, raw, RAW);
    for (int k = 0; k < 104; k++)
        damage(raw, DW_OFF_Q_PARITY + k, &s);
    expect_repaired(raw, orig, NULL, 104, 0);
}

static void test_burst_needs_iteration(void **state)
{
    uint8_t raw[RAW], orig[RAW];

    (void)state;
    for (uint32_t seed = 1; seed <= 10; seed++) {
        uint32_t s = seed * 977;

        make_mode1(raw, 400 + (int32_t)seed, 40 + seed);
        memcpy(orig, raw, RAW);
        damage_two_bursts(raw, &s);
        /* at least P, then Q; more when P miscorrected a column with two */
        assert_true(expect_repaired(raw, orig, NULL, 40, 0) >= 2);
    }
}

static void test_scattered_needs_iteration(void **state)
{
    uint8_t raw[RAW], orig[RAW];
    unsigned more_than_one_round = 0;

    (void)state;
    /* 8 short runs of 1-4 bytes at random places: P and Q take turns */
    for (uint32_t seed = 1; seed <= 30; seed++) {
        uint32_t s = seed * 40503u;

        make_mode1(raw, 500 + (int32_t)seed, 500 + seed);
        memcpy(orig, raw, RAW);
        for (int run = 0; run < 8; run++) {
            int at = DW_OFF_HEADER + (int)rng_below(&s, RAW - DW_OFF_HEADER - 4);
            int len = 1 + (int)rng_below(&s, 4);

            for (int i = 0; i < len; i++)
                damage(raw, at + i, &s);
        }
        more_than_one_round +=
            expect_repaired(raw, orig, NULL, bytes_differing(raw, orig), 0) > 2;
    }
    assert_true(more_than_one_round > 0);
}

static void test_crossing_erasures(void **state)
{
    uint8_t raw[RAW], orig[RAW];
    uint32_t s = 85;

    (void)state;
    /* the parallelogram: both codes stall, the four crossings of their
     * unsolved codewords become erasures, and P solves them */
    make_mode1(raw, 850, 85);
    memcpy(orig, raw, RAW);
    for (int k = 0; k < 4; k++)
        damage(raw, para_offset(k), &s);
    assert_true(expect_repaired(raw, orig, NULL, 4, 0) > 2);
}

static void test_doubtful_decoding_waits(void **state)
{
    uint8_t raw[RAW], orig[RAW];
    static const struct {
        int row, column;
        uint8_t error;
    } errors[4] = {{5, 3, 0x75}, {20, 3, 0x80}, {7, 7, 0xd5}, {22, 7, 0x5b}};

    (void)state;
    /* Another parallelogram (P columns 3 and 7, Q codewords 9 and 39).
     * Syndromes depend on the errors only, and these make P column 7
     * decode to a single error in row 16, whose Q codeword 27 is clean: a
     * miscorrection, which Q 27 would undo and P 7 redo for ever.  Not
     * believed, the codes stall and the crossings solve it. */
    make_mode1(raw, 860, 86);
    memcpy(orig, raw, RAW);
    for (int k = 0; k < 4; k++)
        raw[matrix_offset(errors[k].row, errors[k].column)] ^= errors[k].error;
    expect_repaired(raw, orig, NULL, 4, 0);
}

static void test_random_errors_never_miscorrected(void **state)
{
    uint8_t raw[RAW], orig[RAW], damaged[RAW];
    unsigned repaired[4] = {0, 0, 0, 0};
    static const int counts[4] = {10, 20, 60, 150};

    (void)state;
    /* whatever comes back is either the original or the input untouched */
    for (int c = 0; c < 4; c++) {
        for (uint32_t seed = 1; seed <= 40; seed++) {
            uint32_t s = seed * 2654435761u + (uint32_t)c;

            make_mode1(raw, (int32_t)seed, seed + 1000);
            memcpy(orig, raw, RAW);
            for (int e = 0; e < counts[c]; e++)
                damage(raw, DW_OFF_HEADER + (int)rng_below(&s, RAW - DW_OFF_HEADER), &s);
            memcpy(damaged, raw, RAW);
            if (dw_sector_ecc_repair(raw, NULL, NULL) == 0) {
                assert_memory_equal(raw, orig, RAW);
                repaired[c]++;
            } else {
                expect_refused(raw, NULL, DW_EREAD);
                assert_memory_equal(raw, damaged, RAW);
            }
        }
    }
    printf("repaired of 40 with 10/20/60/150 random errors: %u %u %u %u\n", repaired[0],
           repaired[1], repaired[2], repaired[3]);
    /* light damage always goes, heavy damage never; 60 bytes (2.5%), some */
    assert_int_equal(repaired[0], 40);
    assert_int_equal(repaired[1], 40);
    assert_true(repaired[2] > 0);
    assert_int_equal(repaired[3], 0);
}

static void test_too_much_damage(void **state)
{
    uint8_t raw[RAW], c2[DW_C2_BYTES];
    uint32_t s = 600;
    int hit = 0;

    (void)state;
    make_mode1(raw, 600, 60);
    memset(c2, 0, sizeof c2);
    /* 600 distinct random bytes */
    while (hit < 600) {
        int at = DW_OFF_HEADER + (int)rng_below(&s, RAW - DW_OFF_HEADER);

        if (c2[at / 8] & (0x80u >> (at % 8)))
            continue;
        damage_flagged(raw, c2, at, &s);
        hit++;
    }
    assert_true(expect_refused(raw, NULL, DW_EREAD) >= 2);
    /* exact erasures do not help at this density either */
    expect_refused(raw, c2, DW_EREAD);
}

static void test_edc_rejects_consistent_parity(void **state)
{
    uint8_t raw[RAW];

    (void)state;
    /* parity recomputed over wrong data: no syndrome to decode, EDC bad */
    make_mode1(raw, 50, 70);
    raw[DW_OFF_MODE1_DATA + 33] ^= 0x01;
    dw_ecc_compute(raw, false);
    expect_refused(raw, NULL, DW_EREAD);
}

/* ---- C2 erasures ---- */

static void test_erasures_two_per_codeword(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];
    uint32_t s = 80;

    (void)state;
    make_mode1(raw, 800, 80);
    memcpy(orig, raw, RAW);
    damage_hexagon(raw, c2, &s);
    /* without pointers nothing can be done */
    expect_refused(raw, NULL, DW_EREAD);
    /* with them one P pass solves each column for its two erasures */
    assert_int_equal(expect_repaired(raw, orig, c2, 6, 6), 1);
}

static void test_long_run_needs_c2(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];
    uint32_t s = 88;

    (void)state;
    /* 120 bytes in a row from raw offset 200 put two errors into P columns
     * 16-49 in rows 2 and 3, and, since a Q diagonal steps one word column
     * a row, two into most Q codewords through them: P/Q iteration alone
     * cannot repair it, C2 pointers can */
    make_mode1(raw, 880, 88);
    memcpy(orig, raw, RAW);
    memset(c2, 0, sizeof c2);
    for (int i = 0; i < 120; i++)
        damage_flagged(raw, c2, 200 + i, &s);
    expect_refused(raw, NULL, DW_EREAD);
    expect_repaired(raw, orig, c2, 120, 120);
}

static void test_erasures_with_false_alarms(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];
    int rows[86];
    uint32_t s = 90;

    (void)state;
    /* the four bad bytes plus a good one 8 rows below each flagged (drives
     * flag whole runs): four flags in each of the two P columns, too many
     * for P; Q, with two flags in each codeword through them, solves the
     * bad pairs and clears the flags of the good ones */
    make_mode1(raw, 900, 90);
    memcpy(orig, raw, RAW);
    memset(c2, 0, sizeof c2);
    for (int k = 0; k < 4; k++) {
        damage_flagged(raw, c2, para_offset(k), &s);
        c2_flag(c2, para_offset(k) + ROW_BYTES * 8);
    }
    expect_repaired(raw, orig, c2, 4, 4);

    /* flags on two good bytes in each P column, with one error elsewhere
     * in it: the erasure solution is wrong, so the EDC turns that attempt
     * down, and decoding without C2 gets it right */
    make_mode1(raw, 901, 91);
    memcpy(orig, raw, RAW);
    damage_each_p_codeword(raw, &s, false, rows);
    memset(c2, 0, sizeof c2);
    for (int j = 0; j < 86; j++) {
        c2_flag(c2, matrix_offset((rows[j] + 5) % 26, j));
        c2_flag(c2, matrix_offset((rows[j] + 11) % 26, j));
    }
    expect_repaired(raw, orig, c2, 86, 0);
}

static void test_erasures_heavy(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];
    uint32_t s = 95;

    (void)state;
    /* two flagged errors in every P column (172 bytes, rows a and b): one
     * P pass with erasures, where without them P can do nothing */
    make_mode1(raw, 950, 95);
    memcpy(orig, raw, RAW);
    memset(c2, 0, sizeof c2);
    for (int j = 0; j < 86; j++) {
        int a = (int)rng_below(&s, 13), b = 13 + (int)rng_below(&s, 13);

        damage_flagged(raw, c2, matrix_offset(a, j), &s);
        damage_flagged(raw, c2, matrix_offset(b, j), &s);
    }
    assert_int_equal(expect_repaired(raw, orig, c2, 172, 172), 1);
}

/* ---- Mode 2 Form 1 ---- */

static void test_form1_repair(void **state)
{
    uint8_t raw[RAW], orig[RAW], c2[DW_C2_BYTES];
    uint32_t s = 120;

    (void)state;
    make_form(raw, 1200, 1, 120);
    memcpy(orig, raw, RAW);
    damage_each_p_codeword(raw, &s, true, NULL);
    expect_repaired(raw, orig, NULL, 86, 0);
    assert_int_equal(dw_sector_check(raw, 1200, NULL), DW_SECTOR_GOOD);

    damage_two_bursts(raw, &s);
    expect_repaired(raw, orig, NULL, 40, 0);

    /* the submode, in the parity, repaired even when its first copy
     * claims Form 2 */
    raw[DW_OFF_MODE2_SUBHEADER + 2] ^= 0x20;
    expect_repaired(raw, orig, NULL, 1, 0);

    /* the parity knows the header as zero: two flagged errors in each P
     * column, those through the header too, take one P pass */
    memset(c2, 0, sizeof c2);
    for (int j = 0; j < 86; j++) {
        damage_flagged(raw, c2, matrix_offset(1 + j % 12, j), &s);
        damage_flagged(raw, c2, matrix_offset(13 + j % 12, j), &s);
    }
    assert_int_equal(expect_repaired(raw, orig, c2, 172, 172), 1);

    /* the header is outside the parity: a damaged one stays as it is, and
     * C2 flags on it are not erasures */
    damage_hexagon(raw, c2, &s);
    raw[DW_OFF_HEADER + 1] ^= 0x40;
    c2_flag(c2, DW_OFF_HEADER + 1);
    expect_refused(raw, NULL, DW_EREAD);
    orig[DW_OFF_HEADER + 1] ^= 0x40;
    expect_repaired(raw, orig, c2, 6, 6);
}

/* ---- real sectors ---- */

static void test_fixture_repair(void **state)
{
    uint8_t raw[RAW], c2[DW_C2_BYTES];

    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i += 3) {
        const uint8_t *orig = fixture + (size_t)i * RAW;
        uint32_t s = 5000 + (uint32_t)i;

        /* one error in each P column */
        memcpy(raw, orig, RAW);
        damage_each_p_codeword(raw, &s, false, NULL);
        expect_repaired(raw, orig, NULL, 86, 0);
        assert_int_equal(dw_sector_check(raw, i, NULL), DW_SECTOR_GOOD);

        /* two bursts, P then Q */
        damage_two_bursts(raw, &s);
        expect_repaired(raw, orig, NULL, 40, 0);

        /* two errors in each codeword they are in: only with C2 */
        damage_hexagon(raw, c2, &s);
        expect_refused(raw, NULL, DW_EREAD);
        expect_repaired(raw, orig, c2, 6, 6);

        /* a 120-byte run with its C2 pointers */
        memset(c2, 0, sizeof c2);
        for (int b = 0; b < 120; b++)
            damage_flagged(raw, c2, 16 + (i * 7) % 1900 + b, &s);
        expect_repaired(raw, orig, c2, 120, 120);
    }
}

static int load_fixture(void)
{
    size_t bytes = (size_t)FIXTURE_SECTORS * RAW;
    FILE *fp = fopen(FIXTURE_M1, "rb");
    int ok;

    if (!fp)
        return -1;
    fixture = malloc(bytes);
    ok = fixture && fread(fixture, 1, bytes, fp) == bytes;
    fclose(fp);
    return ok ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest synthetic_tests[] = {
        cmocka_unit_test(test_good_untouched),
        cmocka_unit_test(test_not_applicable),
        cmocka_unit_test(test_one_error_per_p_codeword),
        cmocka_unit_test(test_q_only_damage),
        cmocka_unit_test(test_parity_only_damage),
        cmocka_unit_test(test_burst_needs_iteration),
        cmocka_unit_test(test_scattered_needs_iteration),
        cmocka_unit_test(test_crossing_erasures),
        cmocka_unit_test(test_doubtful_decoding_waits),
        cmocka_unit_test(test_random_errors_never_miscorrected),
        cmocka_unit_test(test_too_much_damage),
        cmocka_unit_test(test_edc_rejects_consistent_parity),
        cmocka_unit_test(test_erasures_two_per_codeword),
        cmocka_unit_test(test_long_run_needs_c2),
        cmocka_unit_test(test_erasures_with_false_alarms),
        cmocka_unit_test(test_erasures_heavy),
        cmocka_unit_test(test_form1_repair),
    };
    const struct CMUnitTest fixture_tests[] = {
        cmocka_unit_test(test_fixture_repair),
    };
    int failed;

    failed = cmocka_run_group_tests_name("ecc_repair", synthetic_tests, NULL, NULL);
    if (failed)
        return 1;
    if (load_fixture() != 0) {
        printf("skipping the fixture tests: cannot read '%s' "
               "(set DW_FIXTURES_DIR to the shared fixtures)\n",
               FIXTURE_M1);
        free(fixture);
        return dw_test_no_fixtures(0, FIXTURE_M1);
    }
    failed = cmocka_run_group_tests_name("ecc_repair_fixture", fixture_tests, NULL, NULL);
    free(fixture);
    return failed ? 1 : 0;
}
