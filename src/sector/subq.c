/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: Q sub-channel frames (ECMA-130 cl. 22.3, IEC 60908 17.5).
 *
 * Decode and encode the three Q modes a CD program area carries (ADR 1
 * position, ADR 2 media catalogue number, ADR 3 ISRC) and turn raw P-W
 * sub-channel blocks into and out of the de-interleaved layout.  Pure
 * functions: no I/O, no allocation.
 */
#include <string.h>
#include "discwright/errors.h"
#include "discwright/sector.h"

#define FRAMES_PER_MINUTE (60 * DW_SECTORS_PER_SECOND)
#define MAX_TIME_FRAMES (100 * FRAMES_PER_MINUTE - 1) /* 99:59:74 */

/* Three BCD bytes M, S, F to frames; -1 when a byte is not BCD or S/F are
 * out of range. */
static int32_t bcd_time(const uint8_t *p)
{
    int m = dw_bcd_decode(p[0]), s = dw_bcd_decode(p[1]), f = dw_bcd_decode(p[2]);

    if (m < 0 || s < 0 || f < 0 || s >= 60 || f >= DW_SECTORS_PER_SECOND)
        return -1;
    return (int32_t)((m * 60 + s) * DW_SECTORS_PER_SECOND + f);
}

/* Frames (0..99:59:74) to three BCD bytes. */
static void put_bcd_time(uint8_t *p, int32_t frames)
{
    p[0] = dw_bcd_encode((unsigned)(frames / FRAMES_PER_MINUTE));
    p[1] = dw_bcd_encode((unsigned)(frames / DW_SECTORS_PER_SECOND % 60));
    p[2] = dw_bcd_encode((unsigned)(frames % DW_SECTORS_PER_SECOND));
}

/* IEC 60908 17.5.3: the 6-bit character code of ISRC letters and digits. */
static int isrc_char(unsigned code)
{
    if (code <= 9)
        return '0' + (int)code;
    if (code >= 0x11 && code <= 0x2A)
        return 'A' + (int)(code - 0x11);
    return -1;
}

static int isrc_code(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return 0x11 + (c - 'A');
    if (c >= 'a' && c <= 'z')
        return 0x11 + (c - 'a');
    return -1;
}

/* Digit i (0-based) of a run of packed BCD nibbles starting at p, high
 * nibble first; -1 when it is not a decimal digit. */
static int nibble_digit(const uint8_t *p, int i)
{
    unsigned v = i % 2 ? p[i / 2] & 0x0Fu : p[i / 2] >> 4;
    return v <= 9 ? (int)v : -1;
}

int dw_q_decode(const uint8_t q[DW_Q_BYTES], struct dw_q *out)
{
    uint16_t crc = (uint16_t)((unsigned)q[10] << 8 | q[11]);
    bool crc_ok = dw_q_crc(q) == crc;
    bool valid = true;

    memset(out, 0, sizeof(*out));
    out->control = q[0] >> 4;
    out->adr = q[0] & 0x0Fu;
    switch (out->adr) {
    case DW_Q_ADR_POSITION: {
        int32_t rel = bcd_time(q + 3), abs = bcd_time(q + 7);
        int tno = q[1] == DW_Q_TNO_LEADOUT ? DW_Q_TNO_LEADOUT : dw_bcd_decode(q[1]);
        int index = dw_bcd_decode(q[2]);

        if (tno == 0 && index < 0)
            index = q[2]; /* lead-in POINT A0h-A2h and others: not BCD */
        valid = tno >= 0 && index >= 0 && rel >= 0 && abs >= 0 && q[6] == 0;
        out->tno = tno < 0 ? 0 : tno;
        out->index = index < 0 ? 0 : index;
        out->rel_frames = rel < 0 ? 0 : rel;
        out->abs_lba = (abs < 0 ? 0 : abs) - DW_MSF_LBA_OFFSET;
        break;
    }
    case DW_Q_ADR_MCN:
        for (int i = 0; i < 13; i++) {
            int dgt = nibble_digit(q + 1, i);
            valid = valid && dgt >= 0;
            out->mcn[i] = (char)('0' + (dgt < 0 ? 0 : dgt));
        }
        out->mcn[13] = '\0';
        valid = valid && (q[7] & 0x0F) == 0 && q[8] == 0;
        out->aframe = dw_bcd_decode(q[9]);
        break;
    case DW_Q_ADR_ISRC: {
        uint32_t bits = (uint32_t)q[1] << 24 | (uint32_t)q[2] << 16 |
                        (uint32_t)q[3] << 8 | q[4];
        for (int i = 0; i < 5; i++) {
            int c = isrc_char((bits >> (26 - 6 * i)) & 0x3Fu);
            valid = valid && c >= 0;
            out->isrc[i] = (char)(c < 0 ? '?' : c);
        }
        valid = valid && (bits & 0x3u) == 0;
        for (int i = 0; i < 7; i++) {
            int dgt = nibble_digit(q + 5, i);
            valid = valid && dgt >= 0;
            out->isrc[5 + i] = (char)('0' + (dgt < 0 ? 0 : dgt));
        }
        out->isrc[12] = '\0';
        valid = valid && (q[8] & 0x0F) == 0;
        out->aframe = dw_bcd_decode(q[9]);
        break;
    }
    default:
        break; /* lead-in ADR 5 points and others: not ours to decode */
    }
    if ((out->adr == DW_Q_ADR_MCN || out->adr == DW_Q_ADR_ISRC) &&
        (out->aframe < 0 || out->aframe >= DW_SECTORS_PER_SECOND)) {
        valid = false;
        out->aframe = 0;
    }
    if (!crc_ok)
        return DW_EMISMATCH;
    return valid ? 0 : DW_EPARSE;
}

int dw_q_encode(const struct dw_q *in, uint8_t q[DW_Q_BYTES])
{
    uint16_t crc;

    memset(q, 0, DW_Q_BYTES);
    if (in->control > 0xF)
        goto invalid;
    q[0] = (uint8_t)(in->control << 4 | (in->adr & 0x0Fu));
    switch (in->adr) {
    case DW_Q_ADR_POSITION: {
        int32_t abs = in->abs_lba + DW_MSF_LBA_OFFSET;
        if (!(in->tno == DW_Q_TNO_LEADOUT || (in->tno >= 0 && in->tno <= 99)) ||
            in->index < 0 || in->index > 99 || in->rel_frames < 0 ||
            in->rel_frames > MAX_TIME_FRAMES || abs < 0 || abs > MAX_TIME_FRAMES)
            goto invalid;
        q[1] = in->tno == DW_Q_TNO_LEADOUT ? DW_Q_TNO_LEADOUT : dw_bcd_encode((unsigned)in->tno);
        q[2] = dw_bcd_encode((unsigned)in->index);
        put_bcd_time(q + 3, in->rel_frames);
        put_bcd_time(q + 7, abs);
        break;
    }
    case DW_Q_ADR_MCN:
        if (strlen(in->mcn) != 13)
            goto invalid;
        for (int i = 0; i < 13; i++) {
            if (in->mcn[i] < '0' || in->mcn[i] > '9')
                goto invalid;
            q[1 + i / 2] |= (uint8_t)((in->mcn[i] - '0') << (i % 2 ? 0 : 4));
        }
        break;
    case DW_Q_ADR_ISRC: {
        uint32_t bits = 0;
        if (strlen(in->isrc) != 12)
            goto invalid;
        for (int i = 0; i < 5; i++) {
            int c = isrc_code(in->isrc[i]);
            if (c < 0)
                goto invalid;
            bits = bits << 6 | (uint32_t)c;
        }
        bits <<= 2;
        q[1] = (uint8_t)(bits >> 24);
        q[2] = (uint8_t)(bits >> 16);
        q[3] = (uint8_t)(bits >> 8);
        q[4] = (uint8_t)bits;
        for (int i = 0; i < 7; i++) {
            char c = in->isrc[5 + i];
            if (c < '0' || c > '9')
                goto invalid;
            q[5 + i / 2] |= (uint8_t)((c - '0') << (i % 2 ? 0 : 4));
        }
        break;
    }
    default:
        goto invalid;
    }
    if (in->adr != DW_Q_ADR_POSITION) {
        if (in->aframe < 0 || in->aframe >= DW_SECTORS_PER_SECOND)
            goto invalid;
        q[9] = dw_bcd_encode((unsigned)in->aframe);
    }
    crc = dw_q_crc(q);
    q[10] = (uint8_t)(crc >> 8);
    q[11] = (uint8_t)crc;
    return 0;
invalid:
    memset(q, 0, DW_Q_BYTES);
    return DW_EINVAL;
}

void dw_subchannel_deinterleave(const uint8_t pw[DW_SUBCHANNEL_BYTES],
                                uint8_t out[DW_SUBCHANNEL_BYTES])
{
    memset(out, 0, DW_SUBCHANNEL_BYTES);
    for (int i = 0; i < DW_SUBCHANNEL_BYTES; i++)
        for (int ch = 0; ch < 8; ch++)
            if (pw[i] & (0x80u >> ch))
                out[ch * 12 + i / 8] |= (uint8_t)(0x80u >> (i % 8));
}

void dw_subchannel_interleave(const uint8_t in[DW_SUBCHANNEL_BYTES],
                              uint8_t pw[DW_SUBCHANNEL_BYTES])
{
    memset(pw, 0, DW_SUBCHANNEL_BYTES);
    for (int i = 0; i < DW_SUBCHANNEL_BYTES; i++)
        for (int ch = 0; ch < 8; ch++)
            if (in[ch * 12 + i / 8] & (0x80u >> (i % 8)))
                pw[i] |= (uint8_t)(0x80u >> ch);
}

void dw_subchannel_q(const uint8_t pw[DW_SUBCHANNEL_BYTES], uint8_t q[DW_Q_BYTES])
{
    memset(q, 0, DW_Q_BYTES);
    for (int i = 0; i < DW_SUBCHANNEL_BYTES; i++)
        if (pw[i] & 0x40)
            q[i / 8] |= (uint8_t)(0x80u >> (i % 8));
}
