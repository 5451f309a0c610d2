/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: CDBs and parameter data of the MMC write commands
 * a CD writer sends (MMC-6 6.x), pure functions like mmc.h's readers, so
 * that unit tests check every byte.  The writer that sends them is
 * src/burn/cdwrite.c; the transport is dw__mmc_exec (drive_int.h). */
#ifndef DW_MMC_WRITE_H
#define DW_MMC_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drive/mmc.h"

/* Write types of mode page 05h byte 2 bits 3-0 (MMC-6 7.5.4.2). */
#define DW_MMC_WT_TAO 1
#define DW_MMC_WT_SAO 2
#define DW_MMC_WT_RAW 3

/* Data block types of page 05h byte 4 bits 3-0 for raw CD writing:
 * 0 = 2352 bytes of raw data, 3 = 2352 + 96 bytes of raw P-W (RAW96R). */
#define DW_MMC_DBT_RAW 0
#define DW_MMC_DBT_RAW96R 3

/* What page 05h says (MMC-6 7.5.4.2 "Write Parameters Mode Page"). */
struct dw__mmc_write_params {
    unsigned write_type;      /* DW_MMC_WT_* */
    bool test_write;          /* byte 2 bit 4: simulate, the laser stays off */
    bool bufe;                /* byte 2 bit 6: buffer underrun protection */
    bool multi_session;       /* byte 3 bits 7-6 = 11b: the next session may
                                 follow (session left open); else 00b */
    unsigned track_mode;      /* byte 3 bits 3-0: Q CONTROL of the track (TAO) */
    unsigned data_block_type; /* byte 4 bits 3-0 */
    unsigned session_format;  /* byte 8: 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA */
    unsigned audio_pause_sectors; /* bytes 14-15, 150 by default */
};

/* Bytes of the MODE SELECT(10) parameter list dw__mmc_build_write_params
 * makes: an 8-byte mode parameter header without block descriptors and
 * page 05h with its 50 bytes (page length 32h, as MMC-6 and drives have). */
#define DW_MMC_WRITE_PARAMS_BYTES (8 + 2 + 0x32)

/* Fill list (DW_MMC_WRITE_PARAMS_BYTES) with the parameter list of page
 * 05h for p.  Returns the bytes to send. */
size_t dw__mmc_build_write_params(uint8_t list[DW_MMC_WRITE_PARAMS_BYTES],
                                  const struct dw__mmc_write_params *p);

/* MODE SELECT(10) 55h with PF set (page format) for a parameter list of
 * list_bytes; SP clear.  Returns 10. */
size_t dw__mmc_build_mode_select10(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t list_bytes);

/* WRITE(10) 2Ah of `sectors` sectors at lba (a 32-bit two's complement
 * LBA, so the lead-in's negative addresses go as drives take them).
 * Returns 10. */
size_t dw__mmc_build_write10(uint8_t cdb[DW_MMC_CDB_MAX], int32_t lba, uint16_t sectors);

/* SEND CUE SHEET 5Dh for a cue sheet of cue_bytes (bytes 6-8).  Returns 10. */
size_t dw__mmc_build_send_cue_sheet(uint8_t cdb[DW_MMC_CDB_MAX], uint32_t cue_bytes);

/* SEND OPC INFORMATION 54h with DoOPC set and no parameter list: the drive
 * runs its optimum power calibration.  Returns 10. */
size_t dw__mmc_build_send_opc(uint8_t cdb[DW_MMC_CDB_MAX]);

/* SYNCHRONIZE CACHE(10) 35h; immed: return at once (then poll with TEST
 * UNIT READY while the drive says 2/04/xx).  Returns 10. */
size_t dw__mmc_build_sync_cache(uint8_t cdb[DW_MMC_CDB_MAX], bool immed);

/* CLOSE TRACK/SESSION 5Bh: close function (byte 2 bits 2-0: 001b track,
 * 010b session, ...) and the track number for function 001b.  Immed
 * clear.  Returns 10. */
size_t dw__mmc_build_close(uint8_t cdb[DW_MMC_CDB_MAX], unsigned function, uint16_t number);

/* SET CD SPEED BBh: read speed FFFFh (maximum), write speed in kB/s
 * (1000 bytes; FFFFh = maximum).  Returns 12. */
size_t dw__mmc_build_set_cd_speed(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t write_kbps);

/* ATIP of a CD-R/RW (READ TOC/PMA/ATIP format 4, MMC-6 6.26.3.6): the
 * reply is a 4-byte header and a 24-byte descriptor; byte 6 bit 6 is the
 * disc type (1 = CD-RW), bytes 8-10 the lead-in start and 12-14 the last
 * possible lead-out start, binary M:S:F. */
struct dw__mmc_atip {
    bool rewritable;
    int32_t leadin_lba;        /* negative: M:S:F >= 90:00:00 minus 450150 */
    int32_t last_leadout_lba;  /* the capacity: the latest lead-out start */
};

/* Parse an ATIP reply (at least 16 bytes, data length >= 14).  Returns 0
 * or DW_EPARSE. */
int dw__mmc_parse_atip(const uint8_t *buf, size_t bytes, struct dw__mmc_atip *out);

/* Whether the sense says the drive is busy with a write and a command is
 * to be sent again after a while: NOT READY 2/04/07 (operation in
 * progress), 2/04/08 (long write in progress), 2/04/01 (becoming ready). */
bool dw__mmc_sense_busy(int key, int asc, int ascq);

#endif
