/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: CD data sectors: scrambler, encoding and checking
 * (ECMA-130 cl. 14, cl. 15 and Annex B; Mode 2 forms from CD-ROM XA).
 */
#include <pthread.h>
#include <string.h>

#include "discwright/sector.h"

#define SCRAMBLE_BYTES (DW_SECTOR_RAW_BYTES - DW_SYNC_BYTES) /* 2340 */
#define SUBMODE_FORM2 0x20u /* CD-ROM XA subheader submode bit 5 */
#define OFF_MODE (DW_OFF_HEADER + 3)
#define OFF_SUBMODE (DW_OFF_MODE2_SUBHEADER + 2)
#define OFF_MODE1_ZERO (DW_OFF_MODE1_EDC + 4) /* 8 zero bytes at 2068 */

/* ECMA-130 cl. 14.1: sync pattern 00 FF FF FF FF FF FF FF FF FF FF 00 */
static const uint8_t sync_pattern[DW_SYNC_BYTES] = {
    0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
};

static pthread_once_t scramble_once = PTHREAD_ONCE_INIT;
static uint8_t scramble_table[SCRAMBLE_BYTES];

/* ECMA-130 Annex B: 15-bit shift register, polynomial x^15 + x + 1, preset
 * to 0x0001; its lowest stage is the output, least significant bit first. */
static void scramble_init(void)
{
    unsigned reg = 0x0001;

    for (int i = 0; i < SCRAMBLE_BYTES; i++) {
        unsigned byte = 0;

        for (int bit = 0; bit < 8; bit++) {
            unsigned feedback = (reg ^ (reg >> 1)) & 1u;

            byte |= (reg & 1u) << bit;
            reg = (reg >> 1) | (feedback << 14);
        }
        scramble_table[i] = (uint8_t)byte;
    }
}

void dw_scramble(uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    uint8_t *p = raw + DW_SYNC_BYTES;

    pthread_once(&scramble_once, scramble_init);
    for (int i = 0; i < SCRAMBLE_BYTES; i++)
        p[i] ^= scramble_table[i];
}

bool dw_sector_has_sync(const uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    return memcmp(raw, sync_pattern, DW_SYNC_BYTES) == 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* sync and header: BCD absolute MSF of lba and the mode byte (cl. 14.2) */
static void put_sync_header(uint8_t *raw, int32_t lba, uint8_t mode)
{
    unsigned m, s, f;

    memcpy(raw, sync_pattern, DW_SYNC_BYTES);
    dw_lba_to_msf(lba, &m, &s, &f);
    raw[DW_OFF_HEADER] = dw_bcd_encode(m);
    raw[DW_OFF_HEADER + 1] = dw_bcd_encode(s);
    raw[DW_OFF_HEADER + 2] = dw_bcd_encode(f);
    raw[OFF_MODE] = mode;
}

void dw_sector_encode_mode1(uint8_t raw[DW_SECTOR_RAW_BYTES], int32_t lba,
                            const uint8_t user[DW_SECTOR_USER_BYTES])
{
    /* memmove: user may already sit at raw + 16 */
    memmove(raw + DW_OFF_MODE1_DATA, user, DW_SECTOR_USER_BYTES);
    put_sync_header(raw, lba, 1);
    put_le32(raw + DW_OFF_MODE1_EDC, dw_edc_compute(raw, DW_OFF_MODE1_EDC));
    memset(raw + OFF_MODE1_ZERO, 0, DW_OFF_P_PARITY - OFF_MODE1_ZERO);
    dw_ecc_compute(raw, false);
}

void dw_sector_encode_mode2(uint8_t raw[DW_SECTOR_RAW_BYTES], int32_t lba, int form,
                            const uint8_t subheader[4], const uint8_t *user)
{
    uint8_t sub[4];

    memcpy(sub, subheader, sizeof sub);
    if (form == 2)
        sub[2] |= SUBMODE_FORM2;
    else
        sub[2] &= (uint8_t)~SUBMODE_FORM2;
    memmove(raw + DW_OFF_MODE2_DATA, user,
            form == 2 ? DW_SECTOR_FORM2_BYTES : DW_SECTOR_USER_BYTES);
    put_sync_header(raw, lba, 2);
    memcpy(raw + DW_OFF_MODE2_SUBHEADER, sub, sizeof sub);
    memcpy(raw + DW_OFF_MODE2_SUBHEADER + 4, sub, sizeof sub);
    if (form == 2) {
        put_le32(raw + DW_OFF_FORM2_EDC,
                 dw_edc_compute(raw + DW_OFF_MODE2_SUBHEADER,
                                DW_OFF_FORM2_EDC - DW_OFF_MODE2_SUBHEADER));
    } else {
        put_le32(raw + DW_OFF_FORM1_EDC,
                 dw_edc_compute(raw + DW_OFF_MODE2_SUBHEADER,
                                DW_OFF_FORM1_EDC - DW_OFF_MODE2_SUBHEADER));
        dw_ecc_compute(raw, true);
    }
}

static bool all_zero(const uint8_t *p, size_t bytes)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < bytes; i++)
        acc |= p[i];
    return acc == 0;
}

/* header MSF against the expected address; compared as MSF so lead-in
 * addresses (shown as 90:00:00 and up) match too */
static enum dw_sector_verdict check_header(const uint8_t *raw, int32_t expected_lba,
                                           struct dw_sector_check *res)
{
    int m = dw_bcd_decode(raw[DW_OFF_HEADER]);
    int s = dw_bcd_decode(raw[DW_OFF_HEADER + 1]);
    int f = dw_bcd_decode(raw[DW_OFF_HEADER + 2]);
    unsigned em, es, ef;

    if (m < 0 || s < 0 || f < 0 || s >= 60 || f >= DW_SECTORS_PER_SECOND)
        return DW_SECTOR_BAD_HEADER;
    res->header_lba = dw_msf_to_lba((unsigned)m, (unsigned)s, (unsigned)f);
    if (expected_lba == DW_SECTOR_ANY_LBA)
        return DW_SECTOR_GOOD;
    dw_lba_to_msf(expected_lba, &em, &es, &ef);
    if (em != (unsigned)m || es != (unsigned)s || ef != (unsigned)f)
        return DW_SECTOR_BAD_HEADER;
    return DW_SECTOR_GOOD;
}

static enum dw_sector_verdict check_edc(const uint8_t *raw, size_t from, size_t edc_at)
{
    uint32_t stored = get_le32(raw + edc_at);

    if (dw_edc_compute(raw + from, edc_at - from) != stored)
        return DW_SECTOR_BAD_EDC;
    return DW_SECTOR_GOOD;
}

/* dw_sector_check, and with parity false dw_sector_check_user: the P/Q
 * parity of a sector whose EDC matches is then left unread */
static enum dw_sector_verdict check_sector(const uint8_t *raw, int32_t expected_lba,
                                           bool parity, struct dw_sector_check *out)
{
    struct dw_sector_check res = {
        .verdict = DW_SECTOR_GOOD,
        .mode = -1,
        .form = 0,
        .edc_present = false,
        .header_lba = DW_SECTOR_ANY_LBA, /* unknown until decoded */
    };
    enum dw_sector_verdict v;

    if (!dw_sector_has_sync(raw)) {
        v = DW_SECTOR_NO_SYNC;
        goto out;
    }
    res.mode = raw[OFF_MODE];
    v = check_header(raw, expected_lba, &res);
    if (v != DW_SECTOR_GOOD)
        goto out;
    switch (raw[OFF_MODE]) {
    case 0:
        /* cl. 14.3: Mode 0 carries 2336 zero bytes */
        v = all_zero(raw + DW_OFF_MODE1_DATA, DW_SECTOR_RAW_BYTES - DW_OFF_MODE1_DATA)
                ? DW_SECTOR_GOOD
                : DW_SECTOR_ZERO_MODE;
        break;
    case 1:
        res.edc_present = true;
        v = check_edc(raw, 0, DW_OFF_MODE1_EDC);
        if (parity && v == DW_SECTOR_GOOD && !dw_ecc_check(raw, false))
            v = DW_SECTOR_BAD_ECC;
        break;
    case 2:
        if (raw[OFF_SUBMODE] & SUBMODE_FORM2) {
            res.form = 2;
            /* CD-ROM XA: a Form 2 EDC field of 0 means "no EDC" */
            res.edc_present = get_le32(raw + DW_OFF_FORM2_EDC) != 0;
            if (res.edc_present)
                v = check_edc(raw, DW_OFF_MODE2_SUBHEADER, DW_OFF_FORM2_EDC);
        } else {
            res.form = 1;
            res.edc_present = true;
            v = check_edc(raw, DW_OFF_MODE2_SUBHEADER, DW_OFF_FORM1_EDC);
            if (parity && v == DW_SECTOR_GOOD && !dw_ecc_check(raw, true))
                v = DW_SECTOR_BAD_ECC;
        }
        break;
    default:
        v = DW_SECTOR_BAD_MODE;
        break;
    }
out:
    res.verdict = v;
    if (out)
        *out = res;
    return v;
}

enum dw_sector_verdict dw_sector_check(const uint8_t raw[DW_SECTOR_RAW_BYTES],
                                       int32_t expected_lba, struct dw_sector_check *out)
{
    return check_sector(raw, expected_lba, true, out);
}

enum dw_sector_verdict dw_sector_check_user(const uint8_t raw[DW_SECTOR_RAW_BYTES],
                                            int32_t expected_lba, struct dw_sector_check *out)
{
    return check_sector(raw, expected_lba, false, out);
}

const char *dw_sector_verdict_name(enum dw_sector_verdict v)
{
    switch (v) {
    case DW_SECTOR_GOOD:
        return "good";
    case DW_SECTOR_NO_SYNC:
        return "no sync";
    case DW_SECTOR_BAD_HEADER:
        return "bad header";
    case DW_SECTOR_BAD_MODE:
        return "bad mode";
    case DW_SECTOR_BAD_EDC:
        return "bad EDC";
    case DW_SECTOR_BAD_ECC:
        return "bad ECC";
    case DW_SECTOR_ZERO_MODE:
        return "mode 0 not zero";
    }
    return "unknown";
}
