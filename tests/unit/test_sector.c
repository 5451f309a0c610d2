/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/sector: MSF/LBA, BCD, EDC, ECC, scrambler, encoding,
 * checking and the Q CRC.  The truth test is the 302 real Mode 1 sectors of
 * libcdio's isofs-m1.bin: their EDC and P/Q parity must be reproduced byte
 * for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "dw_test.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discwright/errors.h"
#include "discwright/sector.h"
#include "sector/edc_int.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif
#define FIXTURE_M1 DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.bin"
#define FIXTURE_SECTORS 302

static uint8_t *fixture; /* FIXTURE_SECTORS raw sectors, LBA 0.. */

/* deterministic xorshift32 filler */
static void fill_random(uint8_t *p, size_t bytes, uint32_t seed)
{
    uint32_t x = seed ? seed : 0x9e3779b9u;

    for (size_t i = 0; i < bytes; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* ---- independent reference implementations (bitwise, from the text) ---- */

/* EDC, one bit at a time: reflected CRC-32, polynomial 0x8001801B */
static uint32_t ref_edc(const uint8_t *p, size_t bytes)
{
    uint32_t crc = 0;

    for (size_t i = 0; i < bytes; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xd8018001u : crc >> 1;
    }
    return crc;
}

/* Q CRC register, one bit at a time, MSB first, polynomial 0x1021, init 0,
 * without the final inversion */
static uint16_t ref_crc16_register(const uint8_t *p, size_t bytes)
{
    uint16_t crc = 0;

    for (size_t i = 0; i < bytes; i++) {
        for (int b = 7; b >= 0; b--) {
            unsigned in = (p[i] >> b) & 1u;
            unsigned top = (crc >> 15) & 1u;

            crc = (uint16_t)(crc << 1);
            if (in ^ top)
                crc ^= 0x1021u;
        }
    }
    return crc;
}

/* Scrambler sequence as Annex B draws it: stages s0..s14, output s0, the
 * new s14 is s0 xor s1, shifted one bit per clock */
static void ref_scramble_sequence(uint8_t *out, size_t bytes)
{
    uint8_t stage[15] = {1}; /* preset 0000 0000 0000 0001 */

    for (size_t i = 0; i < bytes; i++) {
        uint8_t v = 0;

        for (int b = 0; b < 8; b++) {
            uint8_t feedback = stage[0] ^ stage[1];

            v |= (uint8_t)(stage[0] << b);
            memmove(stage, stage + 1, 14);
            stage[14] = feedback;
        }
        out[i] = v;
    }
}

/* ---- MSF, LBA, BCD ---- */

static void test_msf_lba_edges(void **state)
{
    unsigned m, s, f;

    (void)state;
    assert_int_equal(dw_msf_to_lba(0, 0, 0), -150);
    assert_int_equal(dw_msf_to_lba(0, 2, 0), 0);
    assert_int_equal(dw_msf_to_lba(0, 2, 74), 74);
    assert_int_equal(dw_msf_to_lba(0, 3, 0), 75);
    assert_int_equal(dw_msf_to_lba(1, 0, 0), 4350);
    assert_int_equal(dw_msf_to_lba(99, 59, 74), 449849);

    dw_lba_to_msf(-150, &m, &s, &f);
    assert_true(m == 0 && s == 0 && f == 0);
    dw_lba_to_msf(0, &m, &s, &f);
    assert_true(m == 0 && s == 2 && f == 0);
    dw_lba_to_msf(449849, &m, &s, &f);
    assert_true(m == 99 && s == 59 && f == 74);
    /* MMC lead-in addresses wrap: -151 is shown as 99:59:74 */
    dw_lba_to_msf(-151, &m, &s, &f);
    assert_true(m == 99 && s == 59 && f == 74);
    dw_lba_to_msf(-45150, &m, &s, &f);
    assert_true(m == 90 && s == 0 && f == 0);
}

static void test_msf_lba_round_trip(void **state)
{
    (void)state;
    for (int32_t lba = -150; lba <= 449849; lba++) {
        unsigned m, s, f;

        dw_lba_to_msf(lba, &m, &s, &f);
        if (s >= 60 || f >= 75 || m > 99)
            fail_msg("lba %d gave %u:%u:%u", lba, m, s, f);
        if (dw_msf_to_lba(m, s, f) != lba)
            fail_msg("lba %d does not round trip", lba);
    }
}

static void test_msf_parse_good(void **state)
{
    static const struct {
        const char *text;
        int32_t frames;
    } cases[] = {
        {"00:00:00", 0},    {"00:00:01", 1},      {"00:01:00", 75}, {"01:00:00", 4500},
        {"01:02:03", 4653}, {"99:59:74", 449999}, {"1:2:3", 4653},  {"00:02:00", 150},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t frames = -1;

        assert_int_equal(dw_msf_parse(cases[i].text, &frames), 0);
        assert_int_equal(frames, cases[i].frames);
    }
}

static void test_msf_parse_bad(void **state)
{
    static const char *const bad[] = {
        "00:00:100", "00:90:00",    "xx:yy:0",   "1:2",       "",         "00:00:75",
        "00:60:00",  "100:00:00",   "00:00:00 ", " 00:00:00", "-1:00:00", "00::00",
        "00:00:",    "00:00:00:00", "+1:00:00",  "::",        "0a:00:00",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t frames = 12345;

        if (dw_msf_parse(bad[i], &frames) != DW_EPARSE)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(frames, 12345); /* untouched */
    }
    assert_int_equal(dw_msf_parse(NULL, &(int32_t){0}), DW_EPARSE);
}

static void test_msf_format(void **state)
{
    char out[9];

    (void)state;
    dw_msf_format(0, out);
    assert_string_equal(out, "00:00:00");
    dw_msf_format(4653, out);
    assert_string_equal(out, "01:02:03");
    dw_msf_format(449999, out);
    assert_string_equal(out, "99:59:74");
    for (int32_t frames = 0; frames < 450000; frames += 7) {
        int32_t back = -1;

        dw_msf_format(frames, out);
        assert_int_equal(dw_msf_parse(out, &back), 0);
        assert_int_equal(back, frames);
    }
}

static void test_bcd(void **state)
{
    (void)state;
    for (unsigned v = 0; v <= 99; v++) {
        uint8_t b = dw_bcd_encode(v);

        assert_int_equal(b, ((v / 10) << 4) | (v % 10));
        assert_int_equal(dw_bcd_decode(b), (int)v);
    }
    assert_int_equal(dw_bcd_encode(0), 0x00);
    assert_int_equal(dw_bcd_encode(59), 0x59);
    assert_int_equal(dw_bcd_decode(0x74), 74);
    assert_int_equal(dw_bcd_decode(0x0a), -1);
    assert_int_equal(dw_bcd_decode(0xa0), -1);
    assert_int_equal(dw_bcd_decode(0xff), -1);
    assert_int_equal(dw_bcd_decode(dw_bcd_encode(100)), -1);
}

/* ---- EDC, scrambler, Q CRC (no fixture needed) ---- */

static void test_edc_known(void **state)
{
    uint8_t buf[2349];

    (void)state;
    /* CRC-32/CD-ROM-EDC catalogue check value over "123456789" */
    assert_int_equal(dw_edc_compute((const uint8_t *)"123456789", 9), 0x6ec2edc4u);
    assert_int_equal(dw_edc_compute(buf, 0), 0);
    /* table (slicing) path against the bitwise one, all lengths and offsets
     * around the 8-byte stride */
    fill_random(buf, sizeof buf, 7);
    for (size_t len = 0; len < 40; len++) {
        for (size_t off = 0; off < 9; off++)
            assert_int_equal(dw_edc_compute(buf + off, len), ref_edc(buf + off, len));
    }
    assert_int_equal(dw_edc_compute(buf, 2064), ref_edc(buf, 2064));
    assert_int_equal(dw_edc_compute(buf + 1, 2332), ref_edc(buf + 1, 2332));
}

/* The EDC of 64 bytes and more (folded with PCLMULQDQ where the CPU has
 * it, edc.c) against the bitwise definition: every length to 700 at every
 * alignment within 16 bytes, the sector lengths, a long buffer, and a
 * running EDC split at every point (the state enters the fold). */
static void test_edc_long(void **state)
{
    enum { LONG_BYTES = 300000 };
    uint8_t *buf = malloc(LONG_BYTES);

    (void)state;
    assert_non_null(buf);
    fill_random(buf, LONG_BYTES, 11);
    for (size_t len = 0; len <= 700; len++)
        for (size_t off = 0; off < 16; off++)
            assert_int_equal(dw_edc_compute(buf + off, len), ref_edc(buf + off, len));
    static const size_t sector_lengths[] = {2056, 2064, 2324, 2328, 2332, 2340, 2352};
    for (size_t i = 0; i < sizeof sector_lengths / sizeof sector_lengths[0]; i++)
        assert_int_equal(dw_edc_compute(buf + i, sector_lengths[i]),
                         ref_edc(buf + i, sector_lengths[i]));
    assert_int_equal(dw_edc_compute(buf + 3, LONG_BYTES - 3), ref_edc(buf + 3, LONG_BYTES - 3));
    uint32_t whole = ref_edc(buf, 400);
    for (size_t cut = 0; cut <= 400; cut++)
        assert_int_equal(dw__edc_update(dw_edc_compute(buf, cut), buf + cut, 400 - cut), whole);
    /* all ones and all zeros (the register's extremes) */
    memset(buf, 0xff, 4096);
    assert_int_equal(dw_edc_compute(buf, 4096), ref_edc(buf, 4096));
    memset(buf, 0, 4096);
    assert_int_equal(dw_edc_compute(buf, 4096), 0);
    free(buf);
}

static void test_scrambler(void **state)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES], copy[DW_SECTOR_RAW_BYTES];
    uint8_t expect[DW_SECTOR_RAW_BYTES - 12];
    static const uint8_t first[8] = {0x01, 0x80, 0x00, 0x60, 0x00, 0x28, 0x00, 0x1e};

    (void)state;
    memset(raw, 0, sizeof raw);
    dw_scramble(raw);
    /* Annex B: sync is not scrambled; the rest is the bare sequence */
    for (int i = 0; i < 12; i++)
        assert_int_equal(raw[i], 0);
    assert_memory_equal(raw + 12, first, sizeof first);
    ref_scramble_sequence(expect, sizeof expect);
    assert_memory_equal(raw + 12, expect, sizeof expect);

    fill_random(raw, sizeof raw, 99);
    memcpy(copy, raw, sizeof raw);
    dw_scramble(raw);
    assert_memory_not_equal(raw + 12, copy + 12, 64);
    assert_memory_equal(raw, copy, 12);
    dw_scramble(raw);
    assert_memory_equal(raw, copy, sizeof raw);
}

static void test_q_crc(void **state)
{
    /* ADR 1 position frame: control 0 / ADR 1, TNO 01, INDEX 01, relative
     * 00:00:00, zero, absolute 00:02:00 (BCD) */
    uint8_t q[12] = {0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00};
    uint8_t frames[4][12];
    uint16_t crc;

    (void)state;
    crc = dw_q_crc(q);
    /* value worked out by the bitwise reference below */
    assert_int_equal(crc, (uint16_t)~ref_crc16_register(q, 10));
    assert_int_equal(crc, 0x5a28);
    q[10] = (uint8_t)(crc >> 8);
    q[11] = (uint8_t)crc;
    /* a frame with a good inverted CRC leaves the register at the fixed
     * residue 0x1d0f of polynomial 0x1021 with inverted output */
    assert_int_equal(ref_crc16_register(q, 12), 0x1d0f);

    /* more frames: data track, lead-out, lead-in TOC pointer, random */
    memcpy(frames[0], (const uint8_t[10]){0x41, 0x01, 0x01, 0, 0, 0x10, 0, 0, 0x02, 0x10},
           10);
    memcpy(frames[1], (const uint8_t[10]){0x01, 0xaa, 0x01, 0, 0, 0, 0, 0x45, 0x12, 0x33},
           10);
    memcpy(frames[2],
           (const uint8_t[10]){0x41, 0x00, 0xa2, 0x01, 0x02, 0x03, 0, 0x60, 0x05, 0x74},
           10);
    fill_random(frames[3], 10, 3);
    for (int i = 0; i < 4; i++) {
        uint16_t c = dw_q_crc(frames[i]);

        assert_int_equal(c, (uint16_t)~ref_crc16_register(frames[i], 10));
        frames[i][10] = (uint8_t)(c >> 8);
        frames[i][11] = (uint8_t)c;
        assert_int_equal(ref_crc16_register(frames[i], 12), 0x1d0f);
        frames[i][4] ^= 0x10; /* a damaged frame no longer matches */
        assert_int_not_equal(dw_q_crc(frames[i]), c);
    }
}

static void test_verdict_names(void **state)
{
    const char *seen[7];

    (void)state;
    assert_string_equal(dw_sector_verdict_name(DW_SECTOR_GOOD), "good");
    assert_string_equal(dw_sector_verdict_name(DW_SECTOR_BAD_EDC), "bad EDC");
    for (int v = DW_SECTOR_GOOD; v <= DW_SECTOR_ZERO_MODE; v++) {
        seen[v] = dw_sector_verdict_name((enum dw_sector_verdict)v);
        assert_non_null(seen[v]);
        assert_true(islower((unsigned char)seen[v][0]));
        for (int w = 0; w < v; w++)
            assert_string_not_equal(seen[v], seen[w]);
    }
    assert_string_equal(dw_sector_verdict_name((enum dw_sector_verdict)42), "unknown");
}

/* ---- encoding and checking on synthetic sectors ---- */

static void test_mode1_synthetic(void **state)
{
    uint8_t user[DW_SECTOR_USER_BYTES], raw[DW_SECTOR_RAW_BYTES];
    uint8_t inplace[DW_SECTOR_RAW_BYTES];
    struct dw_sector_check c;

    (void)state;
    fill_random(user, sizeof user, 1);
    dw_sector_encode_mode1(raw, 16, user);
    assert_true(dw_sector_has_sync(raw));
    assert_int_equal(raw[12], 0x00);
    assert_int_equal(raw[13], 0x02);
    assert_int_equal(raw[14], 0x16);
    assert_int_equal(raw[15], 1);
    assert_memory_equal(raw + 16, user, sizeof user);
    assert_int_equal(dw_sector_check(raw, 16, &c), DW_SECTOR_GOOD);
    assert_int_equal(c.mode, 1);
    assert_int_equal(c.form, 0);
    assert_true(c.edc_present);
    assert_int_equal(c.header_lba, 16);

    /* user data already in place */
    memset(inplace, 0xee, sizeof inplace);
    memcpy(inplace + 16, user, sizeof user);
    dw_sector_encode_mode1(inplace, 16, inplace + 16);
    assert_memory_equal(inplace, raw, sizeof raw);

    /* lead-in sector: header 99:59:74 */
    dw_sector_encode_mode1(raw, -151, user);
    assert_int_equal(raw[12], 0x99);
    assert_int_equal(dw_sector_check(raw, -151, &c), DW_SECTOR_GOOD);
    assert_int_equal(dw_sector_check(raw, 449849, NULL), DW_SECTOR_GOOD);
}

static void test_mode2_round_trip(void **state)
{
    uint8_t user[DW_SECTOR_FORM2_BYTES], raw[DW_SECTOR_RAW_BYTES];
    uint8_t other[DW_SECTOR_RAW_BYTES];
    const uint8_t sub_form1[4] = {0x01, 0x02, 0x28 /* form 2 bit set: cleared */, 0x00};
    const uint8_t sub_form2[4] = {0x01, 0x01, 0x64, 0x0f};
    struct dw_sector_check c;

    (void)state;
    fill_random(user, sizeof user, 2);

    /* Form 1 */
    dw_sector_encode_mode2(raw, 1000, 1, sub_form1, user);
    assert_int_equal(raw[15], 2);
    assert_int_equal(raw[18], 0x08);
    assert_memory_equal(raw + 16, raw + 20, 4);
    assert_memory_equal(raw + 24, user, DW_SECTOR_USER_BYTES);
    assert_int_equal(dw_sector_check(raw, 1000, &c), DW_SECTOR_GOOD);
    assert_int_equal(c.mode, 2);
    assert_int_equal(c.form, 1);
    assert_true(c.edc_present);
    assert_int_equal(c.header_lba, 1000);
    assert_int_equal(dw_edc_compute(raw + 16, 2056),
                     (uint32_t)raw[2072] | (uint32_t)raw[2073] << 8 |
                         (uint32_t)raw[2074] << 16 | (uint32_t)raw[2075] << 24);
    assert_true(dw_ecc_check(raw, true));
    assert_false(dw_ecc_check(raw, false)); /* parity ignores the header */
    /* the same payload at another address has the same EDC and parity */
    dw_sector_encode_mode2(other, 123456, 1, sub_form1, user);
    assert_memory_equal(raw + 16, other + 16, DW_SECTOR_RAW_BYTES - 16);
    assert_int_equal(dw_sector_check(raw, 1001, NULL), DW_SECTOR_BAD_HEADER);
    other[24 + 5] ^= 0x40;
    assert_int_equal(dw_sector_check(other, 123456, NULL), DW_SECTOR_BAD_EDC);
    memcpy(other, raw, sizeof raw);
    other[2300] ^= 0x01;
    assert_int_equal(dw_sector_check(other, 1000, NULL), DW_SECTOR_BAD_ECC);

    /* Form 2 */
    dw_sector_encode_mode2(raw, 2000, 2, sub_form2, user);
    assert_int_equal(raw[18], 0x64 | 0x20);
    assert_int_equal(raw[22], 0x64 | 0x20);
    assert_memory_equal(raw + 24, user, DW_SECTOR_FORM2_BYTES);
    assert_int_equal(dw_sector_check(raw, 2000, &c), DW_SECTOR_GOOD);
    assert_int_equal(c.mode, 2);
    assert_int_equal(c.form, 2);
    assert_true(c.edc_present);
    memcpy(other, raw, sizeof raw);
    other[24 + 2000] ^= 0x80;
    assert_int_equal(dw_sector_check(other, 2000, NULL), DW_SECTOR_BAD_EDC);
    /* EDC field 0: "no EDC", so damage goes unseen */
    memset(other + DW_OFF_FORM2_EDC, 0, 4);
    assert_int_equal(dw_sector_check(other, 2000, &c), DW_SECTOR_GOOD);
    assert_false(c.edc_present);
    assert_int_equal(c.form, 2);
}

static void test_check_rejects(void **state)
{
    uint8_t user[DW_SECTOR_USER_BYTES], good[DW_SECTOR_RAW_BYTES];
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    struct dw_sector_check c;

    (void)state;
    fill_random(user, sizeof user, 5);
    dw_sector_encode_mode1(good, 500, user);

    memcpy(raw, good, sizeof raw);
    raw[5] = 0xfe;
    assert_int_equal(dw_sector_check(raw, 500, &c), DW_SECTOR_NO_SYNC);
    assert_int_equal(c.verdict, DW_SECTOR_NO_SYNC);
    assert_int_equal(c.mode, -1);

    memcpy(raw, good, sizeof raw);
    raw[15] = 3;
    assert_int_equal(dw_sector_check(raw, 500, &c), DW_SECTOR_BAD_MODE);

    memcpy(raw, good, sizeof raw);
    raw[14] = 0x7a; /* not BCD: bad even when any LBA will do */
    assert_int_equal(dw_sector_check(raw, DW_SECTOR_ANY_LBA, NULL), DW_SECTOR_BAD_HEADER);
    raw[14] = 0x75; /* frame 75 does not exist */
    assert_int_equal(dw_sector_check(raw, DW_SECTOR_ANY_LBA, NULL), DW_SECTOR_BAD_HEADER);

    /* the 8 zero bytes are guarded by ECC only, not by EDC */
    memcpy(raw, good, sizeof raw);
    raw[2070] = 0x01;
    assert_int_equal(dw_sector_check(raw, 500, NULL), DW_SECTOR_BAD_ECC);

    memcpy(raw, good, sizeof raw);
    raw[2064] ^= 0x01; /* EDC field itself */
    assert_int_equal(dw_sector_check(raw, 500, NULL), DW_SECTOR_BAD_EDC);

    /* Mode 0 */
    memset(raw, 0, sizeof raw);
    memcpy(raw, good, 15);
    raw[15] = 0;
    assert_int_equal(dw_sector_check(raw, 500, &c), DW_SECTOR_GOOD);
    assert_int_equal(c.mode, 0);
    assert_false(c.edc_present);
    raw[2351] = 1;
    assert_int_equal(dw_sector_check(raw, 500, NULL), DW_SECTOR_ZERO_MODE);
    assert_int_equal(dw_sector_check(raw, 501, NULL), DW_SECTOR_BAD_HEADER);
}

static void test_ecc_compute_direct(void **state)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES], copy[DW_SECTOR_RAW_BYTES];

    (void)state;
    /* all-zero data has all-zero parity (the codes are linear) */
    memset(raw, 0, sizeof raw);
    memset(raw + 2076, 0x55, 276);
    dw_ecc_compute(raw, false);
    for (int i = 2076; i < 2352; i++)
        assert_int_equal(raw[i], 0);
    /* compute never touches bytes before 2076; check agrees with it */
    fill_random(raw, sizeof raw, 11);
    memcpy(copy, raw, sizeof raw);
    dw_ecc_compute(raw, true);
    assert_memory_equal(raw, copy, 2076);
    assert_true(dw_ecc_check(raw, true));
    dw_ecc_compute(raw, false);
    assert_memory_equal(raw, copy, 2076);
    assert_true(dw_ecc_check(raw, false));
    /* every single-byte change in the protected area is seen */
    for (int i = 12; i < 2352; i += 37) {
        raw[i] ^= 0x01;
        assert_false(dw_ecc_check(raw, false));
        raw[i] ^= 0x01;
    }
}

/* ---- the fixture: 302 real Mode 1 sectors ---- */

static void test_fixture_check(void **state)
{
    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i++) {
        const uint8_t *raw = fixture + (size_t)i * DW_SECTOR_RAW_BYTES;
        struct dw_sector_check c;
        enum dw_sector_verdict v = dw_sector_check(raw, i, &c);

        if (v != DW_SECTOR_GOOD)
            fail_msg("fixture sector %d: %s", i, dw_sector_verdict_name(v));
        assert_int_equal(c.mode, 1);
        assert_int_equal(c.header_lba, i);
        assert_true(c.edc_present);
        assert_int_equal(dw_sector_check(raw, DW_SECTOR_ANY_LBA, NULL), DW_SECTOR_GOOD);
    }
    /* first header is 00:02:00 */
    assert_int_equal(fixture[12], 0x00);
    assert_int_equal(fixture[13], 0x02);
    assert_int_equal(fixture[14], 0x00);
}

static void test_fixture_edc(void **state)
{
    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i++) {
        const uint8_t *raw = fixture + (size_t)i * DW_SECTOR_RAW_BYTES;
        uint32_t stored = (uint32_t)raw[2064] | (uint32_t)raw[2065] << 8 |
                          (uint32_t)raw[2066] << 16 | (uint32_t)raw[2067] << 24;

        if (dw_edc_compute(raw, 2064) != stored)
            fail_msg("fixture sector %d: EDC differs", i);
        assert_int_equal(ref_edc(raw, 2064), stored);
    }
}

static void test_fixture_ecc(void **state)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES];

    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i++) {
        const uint8_t *orig = fixture + (size_t)i * DW_SECTOR_RAW_BYTES;

        memcpy(raw, orig, sizeof raw);
        memset(raw + DW_OFF_P_PARITY, 0, DW_SECTOR_RAW_BYTES - DW_OFF_P_PARITY);
        dw_ecc_compute(raw, false);
        if (memcmp(raw + DW_OFF_P_PARITY, orig + DW_OFF_P_PARITY, 172) != 0)
            fail_msg("fixture sector %d: P parity differs", i);
        if (memcmp(raw + DW_OFF_Q_PARITY, orig + DW_OFF_Q_PARITY, 104) != 0)
            fail_msg("fixture sector %d: Q parity differs", i);
        assert_true(dw_ecc_check(orig, false));
    }
}

static void test_fixture_encode(void **state)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES];

    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i++) {
        const uint8_t *orig = fixture + (size_t)i * DW_SECTOR_RAW_BYTES;

        memset(raw, 0xa5, sizeof raw);
        dw_sector_encode_mode1(raw, i, orig + DW_OFF_MODE1_DATA);
        if (memcmp(raw, orig, sizeof raw) != 0)
            fail_msg("fixture sector %d: encode differs", i);
    }
}

static void test_fixture_damage(void **state)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES];

    (void)state;
    for (int i = 0; i < FIXTURE_SECTORS; i += 13) {
        const uint8_t *orig = fixture + (size_t)i * DW_SECTOR_RAW_BYTES;
        int at = 16 + (i * 97) % DW_SECTOR_USER_BYTES;

        memcpy(raw, orig, sizeof raw);
        raw[at] ^= 0x04;
        assert_int_equal(dw_sector_check(raw, i, NULL), DW_SECTOR_BAD_EDC);

        memcpy(raw, orig, sizeof raw);
        raw[DW_OFF_P_PARITY + i % 172] ^= 0x80;
        assert_int_equal(dw_sector_check(raw, i, NULL), DW_SECTOR_BAD_ECC);

        memcpy(raw, orig, sizeof raw);
        raw[DW_OFF_Q_PARITY + i % 104] ^= 0x10;
        assert_int_equal(dw_sector_check(raw, i, NULL), DW_SECTOR_BAD_ECC);

        assert_int_equal(dw_sector_check(orig, i + 1, NULL), DW_SECTOR_BAD_HEADER);
        assert_int_equal(dw_sector_check(orig, i - 75, NULL), DW_SECTOR_BAD_HEADER);

        /* a data sector read as audio comes back scrambled */
        memcpy(raw, orig, sizeof raw);
        dw_scramble(raw);
        assert_int_not_equal(dw_sector_check(raw, i, NULL), DW_SECTOR_GOOD);
        dw_scramble(raw);
        assert_memory_equal(raw, orig, sizeof raw);
    }
}

static int load_fixture(void)
{
    size_t bytes = (size_t)FIXTURE_SECTORS * DW_SECTOR_RAW_BYTES;
    FILE *fp = fopen(FIXTURE_M1, "rb");
    int ok;

    if (!fp)
        return -1;
    fixture = malloc(bytes);
    ok = fixture && fread(fixture, 1, bytes, fp) == bytes;
    fclose(fp);
    return ok ? 0 : -1;
}

/* dw_sector_check_user: what vouches for the user data alone.  A parity
 * or zero-fill byte that dw_sector_check calls bad ECC is good here (the
 * EDC covers every byte kept); anything the EDC or header catches is
 * caught the same, with the same details. */
static void test_check_user(void **state)
{
    const uint8_t sub_form1[4] = {0x01, 0x02, 0x08, 0x00};
    uint8_t user[DW_SECTOR_USER_BYTES], raw[DW_SECTOR_RAW_BYTES], bad[DW_SECTOR_RAW_BYTES];
    struct dw_sector_check full, only;

    (void)state;
    fill_random(user, sizeof user, 7);
    for (int form = 0; form <= 1; form++) {
        size_t data = form ? DW_OFF_MODE2_DATA : DW_OFF_MODE1_DATA;

        if (form)
            dw_sector_encode_mode2(raw, 3000, 1, sub_form1, user);
        else
            dw_sector_encode_mode1(raw, 3000, user);
        assert_int_equal(dw_sector_check_user(raw, 3000, &only), DW_SECTOR_GOOD);
        assert_int_equal(dw_sector_check(raw, 3000, &full), DW_SECTOR_GOOD);
        assert_int_equal(only.mode, full.mode);
        assert_int_equal(only.form, full.form);
        assert_int_equal(only.edc_present, full.edc_present);
        assert_int_equal(only.header_lba, 3000);

        /* every P and every Q parity byte alone: bad ECC, good user data */
        for (size_t at = DW_OFF_P_PARITY; at < DW_SECTOR_RAW_BYTES; at++) {
            memcpy(bad, raw, sizeof bad);
            bad[at] ^= 0x5a;
            assert_int_equal(dw_sector_check(bad, 3000, NULL), DW_SECTOR_BAD_ECC);
            assert_int_equal(dw_sector_check_user(bad, 3000, &only), DW_SECTOR_GOOD);
            assert_int_equal(only.verdict, DW_SECTOR_GOOD);
        }
        if (!form) { /* Mode 1's zero fill is guarded by the parity only */
            memcpy(bad, raw, sizeof bad);
            bad[DW_OFF_MODE1_EDC + 4] = 0x01;
            assert_int_equal(dw_sector_check(bad, 3000, NULL), DW_SECTOR_BAD_ECC);
            assert_int_equal(dw_sector_check_user(bad, 3000, NULL), DW_SECTOR_GOOD);
        }
        /* user data, EDC field, header, sync: caught as before */
        memcpy(bad, raw, sizeof bad);
        bad[data + 1234] ^= 0x01;
        assert_int_equal(dw_sector_check_user(bad, 3000, &only), DW_SECTOR_BAD_EDC);
        assert_int_equal(only.verdict, DW_SECTOR_BAD_EDC);
        assert_int_equal(dw_sector_check(bad, 3000, NULL), DW_SECTOR_BAD_EDC);
        memcpy(bad, raw, sizeof bad);
        bad[data + DW_SECTOR_USER_BYTES] ^= 0x80;
        assert_int_equal(dw_sector_check_user(bad, 3000, NULL), DW_SECTOR_BAD_EDC);
        if (form) { /* Form 1: the subheader is under the EDC */
            memcpy(bad, raw, sizeof bad);
            bad[DW_OFF_MODE2_SUBHEADER] ^= 0x01;
            assert_int_equal(dw_sector_check_user(bad, 3000, NULL), DW_SECTOR_BAD_EDC);
        }
        assert_int_equal(dw_sector_check_user(raw, 3001, NULL), DW_SECTOR_BAD_HEADER);
        memcpy(bad, raw, sizeof bad);
        bad[5] = 0;
        assert_int_equal(dw_sector_check_user(bad, 3000, &only), DW_SECTOR_NO_SYNC);
        assert_int_equal(only.mode, -1);
    }
}

int main(void)
{
    const struct CMUnitTest pure_tests[] = {
        cmocka_unit_test(test_msf_lba_edges),   cmocka_unit_test(test_msf_lba_round_trip),
        cmocka_unit_test(test_msf_parse_good),  cmocka_unit_test(test_msf_parse_bad),
        cmocka_unit_test(test_msf_format),      cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_edc_known),       cmocka_unit_test(test_edc_long),
        cmocka_unit_test(test_scrambler),
        cmocka_unit_test(test_q_crc),           cmocka_unit_test(test_verdict_names),
        cmocka_unit_test(test_mode1_synthetic), cmocka_unit_test(test_mode2_round_trip),
        cmocka_unit_test(test_check_rejects),   cmocka_unit_test(test_ecc_compute_direct),
        cmocka_unit_test(test_check_user),
    };
    const struct CMUnitTest fixture_tests[] = {
        cmocka_unit_test(test_fixture_check),  cmocka_unit_test(test_fixture_edc),
        cmocka_unit_test(test_fixture_ecc),    cmocka_unit_test(test_fixture_encode),
        cmocka_unit_test(test_fixture_damage),
    };
    int failed;

    failed = cmocka_run_group_tests_name("sector", pure_tests, NULL, NULL);
    if (failed)
        return 1;
    if (load_fixture() != 0) {
        printf("skipping the fixture tests: cannot read '%s' "
               "(set DW_FIXTURES_DIR to the shared fixtures)\n",
               FIXTURE_M1);
        free(fixture);
        return dw_test_no_fixtures(0, FIXTURE_M1);
    }
    failed = cmocka_run_group_tests_name("sector_fixture", fixture_tests, NULL, NULL);
    free(fixture);
    return failed ? 1 : 0;
}
