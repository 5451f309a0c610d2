/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CDBs and parameter data of the MMC write commands (MMC-6 6.x, 7.5.4.2):
 * pure builders, see mmc_write.h. */
#include "drive/mmc_write.h"
#include <string.h>
#include "discwright/errors.h"

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

size_t dw__mmc_build_write_params(uint8_t list[DW_MMC_WRITE_PARAMS_BYTES],
                                  const struct dw__mmc_write_params *p)
{
    uint8_t *page = list + 8;
    memset(list, 0, DW_MMC_WRITE_PARAMS_BYTES);
    /* Mode parameter header(10): mode data length is reserved in MODE
     * SELECT, no block descriptors. */
    page[0] = 0x05;
    page[1] = 0x32;
    page[2] = (uint8_t)((p->bufe ? 0x40 : 0) | (p->test_write ? 0x10 : 0) |
                        (p->write_type & 0x0F));
    page[3] = (uint8_t)((p->multi_session ? 0xC0 : 0) | (p->track_mode & 0x0F));
    page[4] = (uint8_t)(p->data_block_type & 0x0F);
    page[8] = (uint8_t)p->session_format;
    put16(page + 14, p->audio_pause_sectors);
    return DW_MMC_WRITE_PARAMS_BYTES;
}

size_t dw__mmc_build_mode_select10(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t list_bytes)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x55;
    cdb[1] = 0x10; /* PF */
    put16(cdb + 7, list_bytes);
    return 10;
}

size_t dw__mmc_build_write10(uint8_t cdb[DW_MMC_CDB_MAX], int32_t lba, uint16_t sectors)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x2A;
    put32(cdb + 2, (uint32_t)lba);
    put16(cdb + 7, sectors);
    return 10;
}

size_t dw__mmc_build_send_cue_sheet(uint8_t cdb[DW_MMC_CDB_MAX], uint32_t cue_bytes)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x5D;
    cdb[6] = (uint8_t)(cue_bytes >> 16);
    cdb[7] = (uint8_t)(cue_bytes >> 8);
    cdb[8] = (uint8_t)cue_bytes;
    return 10;
}

size_t dw__mmc_build_send_opc(uint8_t cdb[DW_MMC_CDB_MAX])
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x54;
    cdb[1] = 0x01; /* DoOPC */
    return 10;
}

size_t dw__mmc_build_sync_cache(uint8_t cdb[DW_MMC_CDB_MAX], bool immed)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x35;
    cdb[1] = immed ? 0x02 : 0;
    return 10;
}

size_t dw__mmc_build_close(uint8_t cdb[DW_MMC_CDB_MAX], unsigned function, uint16_t number)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0x5B;
    cdb[2] = (uint8_t)(function & 0x07);
    put16(cdb + 4, number);
    return 10;
}

size_t dw__mmc_build_set_cd_speed(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t write_kbps)
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
    cdb[0] = 0xBB;
    put16(cdb + 2, 0xFFFF);
    put16(cdb + 4, write_kbps);
    return 12;
}

/* An ATIP M:S:F (binary): minutes >= 90 are the lead-in, before LBA 0
 * (MMC-6 table "LBA to MSF translation": LBA = MSF - 450150 there). */
static int32_t atip_lba(const uint8_t msf[3])
{
    int32_t lba = ((int32_t)msf[0] * 60 + msf[1]) * 75 + msf[2];
    return msf[0] >= 90 ? lba - 450150 : lba - 150;
}

int dw__mmc_parse_atip(const uint8_t *buf, size_t bytes, struct dw__mmc_atip *out)
{
    memset(out, 0, sizeof(*out));
    if (!buf || bytes < 16 || ((size_t)buf[0] << 8 | buf[1]) < 14)
        return DW_EPARSE;
    /* MSF times of a CD: minutes 0-99 (90-99 are the negative lead-in
     * times), seconds 0-59, frames 0-74. */
    if (buf[8] >= 100 || buf[9] >= 60 || buf[10] >= 75 || buf[12] >= 100 || buf[13] >= 60 ||
        buf[14] >= 75)
        return DW_EPARSE;
    out->rewritable = (buf[6] & 0x40) != 0;
    out->leadin_lba = atip_lba(buf + 8);
    out->last_leadout_lba = atip_lba(buf + 12);
    return 0;
}

bool dw__mmc_sense_busy(int key, int asc, int ascq)
{
    return key == 2 && asc == 0x04 && (ascq == 0x01 || ascq == 0x07 || ascq == 0x08);
}
