/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: MSF/LBA and BCD arithmetic (ECMA-130 cl. 14.2, cl. 22.3). */
#include "discwright/errors.h"
#include "discwright/sector.h"

/* largest time that "MM:SS:FF" can show: 99:59:74 */
#define MSF_MAX_FRAMES ((100 * 60 * DW_SECTORS_PER_SECOND) - 1)

/* MMC-6 table "LBA to MSF translation": lead-in LBAs -45150..-151 are shown
 * as MSF 90:00:00..99:59:74, i.e. the absolute time wraps modulo 100 min. */
#define MSF_WRAP_FRAMES (100 * 60 * DW_SECTORS_PER_SECOND)

int32_t dw_msf_to_lba(unsigned m, unsigned s, unsigned f)
{
    unsigned frames = (m * 60u + s) * DW_SECTORS_PER_SECOND + f;

    return (int32_t)frames - DW_MSF_LBA_OFFSET;
}

void dw_lba_to_msf(int32_t lba, unsigned *m, unsigned *s, unsigned *f)
{
    int64_t frames = (int64_t)lba + DW_MSF_LBA_OFFSET;

    if (frames < 0)
        frames += MSF_WRAP_FRAMES;
    if (frames < 0)
        frames = 0;
    *f = (unsigned)(frames % DW_SECTORS_PER_SECOND);
    frames /= DW_SECTORS_PER_SECOND;
    *s = (unsigned)(frames % 60);
    *m = (unsigned)(frames / 60);
}

/* Parse one field of 1 or 2 decimal digits ending at 'end' (':' or NUL). */
static const char *parse_field(const char *p, char end, unsigned *value)
{
    unsigned v = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9') {
        if (++digits > 2)
            return NULL;
        v = v * 10u + (unsigned)(*p - '0');
        p++;
    }
    if (digits == 0 || *p != end)
        return NULL;
    *value = v;
    return end ? p + 1 : p;
}

int dw_msf_parse(const char *text, int32_t *frames)
{
    unsigned m, s, f;
    const char *p = text;

    if (!p || !frames)
        return DW_EPARSE;
    p = parse_field(p, ':', &m);
    if (p)
        p = parse_field(p, ':', &s);
    if (p)
        p = parse_field(p, '\0', &f);
    if (!p || s >= 60 || f >= DW_SECTORS_PER_SECOND)
        return DW_EPARSE;
    *frames = (int32_t)((m * 60u + s) * DW_SECTORS_PER_SECOND + f);
    return 0;
}

void dw_msf_format(int32_t frames, char out[9])
{
    unsigned m, s, f;

    /* out has room for two-digit minutes only: clamp to 00:00:00..99:59:74 */
    if (frames < 0)
        frames = 0;
    if (frames > MSF_MAX_FRAMES)
        frames = MSF_MAX_FRAMES;
    f = (unsigned)frames % DW_SECTORS_PER_SECOND;
    s = (unsigned)frames / DW_SECTORS_PER_SECOND % 60u;
    m = (unsigned)frames / DW_SECTORS_PER_SECOND / 60u;
    out[0] = (char)('0' + m / 10);
    out[1] = (char)('0' + m % 10);
    out[2] = ':';
    out[3] = (char)('0' + s / 10);
    out[4] = (char)('0' + s % 10);
    out[5] = ':';
    out[6] = (char)('0' + f / 10);
    out[7] = (char)('0' + f % 10);
    out[8] = '\0';
}

uint8_t dw_bcd_encode(unsigned value)
{
    /* 0xff is not valid BCD, so an out-of-range value decodes to -1 */
    if (value > 99)
        return 0xff;
    return (uint8_t)(((value / 10) << 4) | (value % 10));
}

int dw_bcd_decode(uint8_t bcd)
{
    unsigned hi = bcd >> 4, lo = bcd & 0x0f;

    if (hi > 9 || lo > 9)
        return -1;
    return (int)(hi * 10 + lo);
}
