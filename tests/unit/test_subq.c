/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Q sub-channel frames (ECMA-130 cl. 22.3, IEC 60908 17.5): decoding and
 * encoding hand-built frames whose CRCs were worked out bit by bit, and the
 * P-W interleave. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"

/* Bitwise CRC-16 (polynomial 0x1021, initial 0, inverted): a second
 * implementation to check dw_q_crc and the frames below against. */
static uint16_t ref_crc(const uint8_t *p, size_t n)
{
    uint16_t r = 0;
    for (size_t i = 0; i < n; i++) {
        r ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            r = (uint16_t)(r & 0x8000 ? (r << 1) ^ 0x1021 : r << 1);
    }
    return (uint16_t)~r;
}

/* Track 2 of libcdio's p1.cue at LBA 150: CONTROL 2 (copy permitted),
 * ADR 1, TNO 02, INDEX 00, relative 00:00:74 (75 sectors before INDEX 01
 * at 225, counting down), absolute 00:04:00. */
static const uint8_t pregap_frame[12] = {0x21, 0x02, 0x00, 0x00, 0x00, 0x74,
                                         0x00, 0x00, 0x04, 0x00, 0x37, 0x94};
/* Lead-out of a data disc: CONTROL 4, TNO AAh, INDEX 01, 00:01:02, 12:34:56. */
static const uint8_t leadout_frame[12] = {0x41, 0xAA, 0x01, 0x00, 0x01, 0x02,
                                          0x00, 0x12, 0x34, 0x56, 0x8D, 0xE7};
/* ADR 2: MCN 0000010271955 (cdda.cue's CATALOG), AFRAME 13. */
static const uint8_t mcn_frame[12] = {0x22, 0x00, 0x00, 0x01, 0x02, 0x71,
                                      0x95, 0x50, 0x00, 0x13, 0x9A, 0xC8};
/* ADR 3: ISRC USRC17607839.  U S R C 1 = 25h 23h 22h 13h 01h:
 * 100101 100011 100010 010011 000001 00 = 96 38 93 04, then the digits
 * 7607839 and a zero nibble: 76 07 83 90, AFRAME 53. */
static const uint8_t isrc_frame[12] = {0x03, 0x96, 0x38, 0x93, 0x04, 0x76,
                                       0x07, 0x83, 0x90, 0x53, 0x73, 0x0A};

static void test_frames_have_their_crc(void **state)
{
    (void)state;
    const uint8_t *frames[] = {pregap_frame, leadout_frame, mcn_frame, isrc_frame};
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        uint16_t stored = (uint16_t)(frames[i][10] << 8 | frames[i][11]);
        assert_int_equal(ref_crc(frames[i], 10), stored);
        assert_int_equal(dw_q_crc(frames[i]), stored);
    }
}

static void test_decode_position(void **state)
{
    (void)state;
    struct dw_q q;
    assert_int_equal(dw_q_decode(pregap_frame, &q), 0);
    assert_int_equal(q.control, DW_CTL_DCP);
    assert_int_equal(q.adr, DW_Q_ADR_POSITION);
    assert_int_equal(q.tno, 2);
    assert_int_equal(q.index, 0);
    assert_int_equal(q.rel_frames, 74);
    assert_int_equal(q.abs_lba, 150);

    assert_int_equal(dw_q_decode(leadout_frame, &q), 0);
    assert_int_equal(q.control, DW_CTL_DATA);
    assert_int_equal(q.tno, DW_Q_TNO_LEADOUT);
    assert_int_equal(q.index, 1);
    assert_int_equal(q.rel_frames, 75 + 2);
    assert_int_equal(q.abs_lba, (12 * 60 + 34) * 75 + 56 - 150);
}

static void test_decode_mcn_isrc(void **state)
{
    (void)state;
    struct dw_q q;
    assert_int_equal(dw_q_decode(mcn_frame, &q), 0);
    assert_int_equal(q.adr, DW_Q_ADR_MCN);
    assert_int_equal(q.control, DW_CTL_DCP);
    assert_string_equal(q.mcn, "0000010271955");
    assert_int_equal(q.aframe, 13);
    assert_int_equal(q.tno, 0);

    assert_int_equal(dw_q_decode(isrc_frame, &q), 0);
    assert_int_equal(q.adr, DW_Q_ADR_ISRC);
    assert_string_equal(q.isrc, "USRC17607839");
    assert_int_equal(q.aframe, 53);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    const uint8_t *frames[] = {pregap_frame, leadout_frame, mcn_frame, isrc_frame};
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct dw_q q;
        uint8_t out[12];
        assert_int_equal(dw_q_decode(frames[i], &q), 0);
        assert_int_equal(dw_q_encode(&q, out), 0);
        assert_memory_equal(out, frames[i], 12);
    }

    /* An ISRC built from its text packs as the hand-built frame does, and
     * lower case letters are taken as upper case. */
    struct dw_q in = {.adr = DW_Q_ADR_ISRC, .aframe = 53};
    uint8_t out[12];
    strcpy(in.isrc, "usrc17607839");
    assert_int_equal(dw_q_encode(&in, out), 0);
    assert_memory_equal(out, isrc_frame, 12);
    /* Every character code round-trips: digits and all letters. */
    const char *texts[] = {"GBAYE0601498", "ZZ9AB0000000", "0A1B20123456", "QMXYZ9999999"};
    for (size_t i = 0; i < 4; i++) {
        struct dw_q back;
        memset(&in, 0, sizeof(in));
        in.adr = DW_Q_ADR_ISRC;
        in.control = DW_CTL_PRE;
        in.aframe = 74;
        strcpy(in.isrc, texts[i]);
        assert_int_equal(dw_q_encode(&in, out), 0);
        assert_int_equal(ref_crc(out, 10), (uint16_t)(out[10] << 8 | out[11]));
        assert_int_equal(dw_q_decode(out, &back), 0);
        assert_string_equal(back.isrc, texts[i]);
        assert_int_equal(back.control, DW_CTL_PRE);
        assert_int_equal(back.aframe, 74);
    }

    /* Position frames across the range: lead-in pregap, long times. */
    int32_t lbas[] = {-150, -1, 0, 74, 449849};
    for (size_t i = 0; i < 5; i++) {
        struct dw_q back;
        memset(&in, 0, sizeof(in));
        in.adr = DW_Q_ADR_POSITION;
        in.tno = 99;
        in.index = 99;
        in.rel_frames = 449999 - (int32_t)i;
        in.abs_lba = lbas[i];
        assert_int_equal(dw_q_encode(&in, out), 0);
        assert_int_equal(dw_q_decode(out, &back), 0);
        assert_int_equal(back.abs_lba, lbas[i]);
        assert_int_equal(back.rel_frames, in.rel_frames);
        assert_int_equal(back.tno, 99);
        assert_int_equal(back.index, 99);
    }
}

static void test_bad_frames(void **state)
{
    (void)state;
    uint8_t q[12];
    struct dw_q d;

    /* One bit off anywhere: the CRC no longer matches. */
    for (int bit = 0; bit < 96; bit++) {
        memcpy(q, pregap_frame, 12);
        q[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
        assert_int_equal(dw_q_decode(q, &d), DW_EMISMATCH);
    }
    /* A good CRC over bytes that are not BCD, or a second of 60. */
    memcpy(q, pregap_frame, 12);
    q[5] = 0x7A;
    q[10] = (uint8_t)(dw_q_crc(q) >> 8);
    q[11] = (uint8_t)dw_q_crc(q);
    assert_int_equal(dw_q_decode(q, &d), DW_EPARSE);
    memcpy(q, pregap_frame, 12);
    q[8] = 0x60;
    q[10] = (uint8_t)(dw_q_crc(q) >> 8);
    q[11] = (uint8_t)dw_q_crc(q);
    assert_int_equal(dw_q_decode(q, &d), DW_EPARSE);
    /* An ISRC character code between 0Ah and 10h. */
    memcpy(q, isrc_frame, 12);
    q[1] = (uint8_t)(0x0C << 2 | (q[1] & 0x03));
    q[10] = (uint8_t)(dw_q_crc(q) >> 8);
    q[11] = (uint8_t)dw_q_crc(q);
    assert_int_equal(dw_q_decode(q, &d), DW_EPARSE);
    /* ADR 5 (lead-in of recordable media): only CONTROL/ADR decoded. */
    memset(q, 0, sizeof(q));
    q[0] = 0x45;
    q[2] = 0xB0;
    q[10] = (uint8_t)(dw_q_crc(q) >> 8);
    q[11] = (uint8_t)dw_q_crc(q);
    assert_int_equal(dw_q_decode(q, &d), 0);
    assert_int_equal(d.adr, 5);
    assert_int_equal(d.control, DW_CTL_DATA);

    /* What cannot be encoded. */
    struct dw_q in = {.adr = DW_Q_ADR_MCN};
    strcpy(in.mcn, "12345678901");
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    strcpy(in.mcn, "123456789012X");
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    memset(&in, 0, sizeof(in));
    in.adr = DW_Q_ADR_ISRC;
    strcpy(in.isrc, "US-RC1760783");
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    strcpy(in.isrc, "USRC1760783A");
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    memset(&in, 0, sizeof(in));
    in.adr = DW_Q_ADR_POSITION;
    in.tno = 100;
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    in.tno = 1;
    in.abs_lba = -151;
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    in.abs_lba = 0;
    in.adr = 4;
    assert_int_equal(dw_q_encode(&in, q), DW_EINVAL);
    static const uint8_t zero[12];
    assert_memory_equal(q, zero, 12);
}

/* Interleave by the definition: bit 7 of byte i is bit i of channel P, bit
 * 6 of channel Q, ... (channels most significant bit first). */
static void ref_interleave(const uint8_t ch[8][12], uint8_t pw[96])
{
    for (int i = 0; i < 96; i++) {
        pw[i] = 0;
        for (int c = 0; c < 8; c++)
            if ((ch[c][i / 8] >> (7 - i % 8)) & 1)
                pw[i] |= (uint8_t)(1 << (7 - c));
    }
}

static void test_pw_interleave(void **state)
{
    (void)state;
    uint8_t ch[8][12], pw[96], out[96], back[96], q[12];
    uint32_t seed = 99;

    for (int c = 0; c < 8; c++)
        for (int i = 0; i < 12; i++) {
            seed = seed * 1103515245u + 12345u;
            ch[c][i] = (uint8_t)(seed >> 16);
        }
    memcpy(ch[1], isrc_frame, 12); /* Q */
    memset(ch[0], 0xFF, 12);       /* P: a pause */
    ref_interleave(ch, pw);

    dw_subchannel_q(pw, q);
    assert_memory_equal(q, isrc_frame, 12);
    dw_subchannel_deinterleave(pw, out);
    for (int c = 0; c < 8; c++)
        assert_memory_equal(out + 12 * c, ch[c], 12);
    dw_subchannel_interleave(out, back);
    assert_memory_equal(back, pw, 96);

    /* Q alone in bit 6, as the emulator and real discs without CD+G. */
    memset(ch, 0, sizeof(ch));
    memcpy(ch[1], mcn_frame, 12);
    ref_interleave(ch, pw);
    for (int i = 0; i < 96; i++)
        assert_int_equal(pw[i] & ~0x40, 0);
    dw_subchannel_q(pw, q);
    assert_memory_equal(q, mcn_frame, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_have_their_crc),
        cmocka_unit_test(test_decode_position),
        cmocka_unit_test(test_decode_mcn_isrc),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_bad_frames),
        cmocka_unit_test(test_pw_interleave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
