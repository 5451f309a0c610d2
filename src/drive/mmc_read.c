/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC backend: sector reads (mmc_int.h).
 *
 * READ CD (MMC-6) of whole 2352-byte sectors, 26 a command (one transfer
 * stays under 64 KiB), also with C2 pointers or raw P-W; READ(10) of
 * 2048-byte user data, 32 a command.  A chunk that fails with a read, range
 * or I/O error is narrowed to its first bad sector (the sense INFORMATION
 * field, else one sector at a time) so the last error names it and every
 * sector before it is in the buffer.  A read that comes back GOOD but
 * short (the SG_IO residual says so) is an I/O error, never zeros.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/sector.h"
#include "drive/mmc_int.h"

/* One read command of `sectors` sectors of sector_bytes at lba into buf. */
typedef int (*mmc_read_fn)(struct dw__mmc_drive *m, int32_t lba, int32_t sectors,
                           uint8_t *buf, struct dw__scsi_result *res);

/* READ CD (MMC-6) of whole 2352-byte sectors, any sector type. */
static int read_cd_cmd(struct dw__mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                       struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read_cd(cdb, lba, (uint32_t)sectors, DW_MMC_SECTOR_ANY, 0);
    return dw__mmc_read_cmd(m, cdb, n, buf, (size_t)sectors * DW_SECTOR_RAW_BYTES, res);
}

/* READ(10) (MMC-6) of 2048-byte user data blocks. */
static int read10_cmd(struct dw__mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                      struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read10(cdb, (uint32_t)lba, (uint16_t)sectors);
    return dw__mmc_read_cmd(m, cdb, n, buf, (size_t)sectors * DW_SECTOR_USER_BYTES, res);
}

/* Read in chunks of max_sectors.  When a chunk fails with a read, range or
 * I/O error, its sectors are read one by one so the last error names the
 * first sector that fails and everything before it is in buf. */
static int mmc_read_chunked(struct dw_drive *d, int32_t lba, int32_t sectors,
                            uint8_t *buf, int32_t max_sectors, size_t sector_bytes,
                            mmc_read_fn read_fn)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    int32_t done = 0;

    if (sectors < 0 || (sectors > 0 && !buf))
        return dw__mmc_fail_plain(d, DW_EINVAL, DW_NO_LBA, "invalid read of %d sectors",
                              (int)sectors);
    if ((int64_t)lba + sectors > INT32_MAX)
        return dw__mmc_fail_plain(d, DW_ERANGE, lba, "sector %ld is beyond any disc",
                              (long)lba);
    while (done < sectors) {
        int32_t count = sectors - done < max_sectors ? sectors - done : max_sectors;
        int32_t at = lba + done;
        uint8_t *dst = buf + (size_t)done * sector_bytes;
        int rc = read_fn(m, at, count, dst, &res);

        if (rc && count > 1 && (rc == DW_EREAD || rc == DW_ERANGE || rc == DW_EIO)) {
            int32_t bad = -1;
            /* The sense INFORMATION field names the failing block: read what
             * comes before it again in one go. */
            if (res.have_sense && res.sense.info_valid && res.sense.info <= INT32_MAX &&
                (int64_t)res.sense.info >= at && (int64_t)res.sense.info < at + count) {
                struct dw__scsi_result before;
                bad = (int32_t)res.sense.info;
                if (bad > at && read_fn(m, at, bad - at, dst, &before) != 0)
                    bad = -1;
            }
            if (bad >= 0) {
                at = bad;
            } else {
                for (int32_t k = 0; k < count; k++) {
                    rc = read_fn(m, at + k, 1, dst + (size_t)k * sector_bytes, &res);
                    if (rc) {
                        at += k;
                        break;
                    }
                }
            }
        }
        if (rc)
            return dw__mmc_fail(d, &res, at, "cannot read sector %ld of the disc in '%s'",
                            (long)at, m->device);
        done += count;
    }
    return 0;
}

/* ops->read_raw: READ CD with byte 9 = F8h, 26 sectors per command (one
 * transfer stays under 64 KiB); lead-in LBAs are passed on as they are. */
int dw__mmc_op_read_raw(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    return mmc_read_chunked(d, lba, sectors, buf, DW_MMC_RAW_MAX_SECTORS,
                            DW_SECTOR_RAW_BYTES, read_cd_cmd);
}

/* READ CD (MMC-6) of whole 2352-byte sectors plus raw P-W (sub-channel
 * selection 001b, 96 bytes after each sector; no C2 asked for). */
static int read_cd_raw_sub_cmd(struct dw__mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                               struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read_cd(cdb, lba, (uint32_t)sectors, DW_MMC_SECTOR_ANY,
                                     DW_MMC_READ_CD_SUB_RAW);
    return dw__mmc_read_cmd(m, cdb, n, buf, (size_t)sectors * DW_RAW_SUB_SECTOR_BYTES, res);
}

/* ops->read_raw_sub: READ CD with byte 9 = F8h and raw P-W, 25 sectors per
 * command (25 * 2448 = 61200 bytes).  A drive that refuses the selection
 * (5/24/00 invalid field, 5/20/00 invalid command) gives DW_EUNSUPPORTED. */
int dw__mmc_op_read_raw_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct dw__mmc_drive *m = d->priv;
    int rc = mmc_read_chunked(d, lba, sectors, buf, DW_MMC_Q_MAX_SECTORS,
                              DW_RAW_SUB_SECTOR_BYTES, read_cd_raw_sub_cmd);
    const struct dw_error_detail *e = &d->last_error;

    if (rc && e->sense_key == 0x5 && (e->asc == 0x24 || e->asc == 0x20)) {
        int key = e->sense_key, asc = e->asc, ascq = e->ascq;
        rc = dw__mmc_fail_plain(d, DW_EUNSUPPORTED, lba,
                            "'%s' refuses raw P-W sub-channel data (READ CD sub-channel "
                            "selection 001b, sense %X/%02X/%02X)",
                            m->device, (unsigned)key, (unsigned)asc, (unsigned)(ascq & 0xFF));
        d->last_error.sense_key = key;
        d->last_error.asc = asc;
        d->last_error.ascq = ascq;
    }
    return rc;
}

/* ops->read_raw_c2: READ CD with byte 9 = F8h | C2 (01b, 294 bytes after
 * each sector, MMC-6), split into buf and c2.  A drive that refuses the
 * field (ILLEGAL REQUEST) has no C2: DW_EUNSUPPORTED, remembered. */
int dw__mmc_op_read_raw_c2(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                           uint8_t *c2)
{
    struct dw__mmc_drive *m = d->priv;
    const size_t unit = DW_SECTOR_RAW_BYTES + DW_C2_BYTES_PER_SECTOR;
    const int32_t max = DW_MMC_RAW_MAX_SECTORS;
    uint8_t *tmp;
    int rc = 0;

    if (m->c2_state < 0)
        return dw__mmc_fail_plain(d, DW_EUNSUPPORTED, DW_NO_LBA,
                              "the drive '%s' does not report C2 errors", m->device);
    tmp = malloc((size_t)max * unit);
    if (!tmp)
        return dw__mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    for (int32_t done = 0; done < sectors && !rc;) {
        int32_t n = sectors - done < max ? sectors - done : max;
        uint8_t cdb[DW_MMC_CDB_MAX];
        struct dw__scsi_result res;
        size_t len = dw__mmc_build_read_cd(cdb, lba + done, (uint32_t)n, DW_MMC_SECTOR_ANY,
                                           DW_MMC_READ_CD_C2);
        if (dw__mmc_read_cmd(m, cdb, len, tmp, (size_t)n * unit, &res)) {
            if (res.have_sense && res.sense.key == 5 && res.sense.asc == 0x24) {
                m->c2_state = -1;
                rc = dw__mmc_fail_plain(d, DW_EUNSUPPORTED, DW_NO_LBA,
                                    "the drive '%s' does not report C2 errors", m->device);
            } else {
                rc = dw__mmc_fail(d, &res, lba + done, "cannot read sector %ld of the disc in '%s'",
                              (long)(lba + done), m->device);
            }
            break;
        }
        m->c2_state = 1;
        for (int32_t k = 0; k < n; k++) {
            memcpy(buf + (size_t)(done + k) * DW_SECTOR_RAW_BYTES, tmp + (size_t)k * unit,
                   DW_SECTOR_RAW_BYTES);
            memcpy(c2 + (size_t)(done + k) * DW_C2_BYTES_PER_SECTOR,
                   tmp + (size_t)k * unit + DW_SECTOR_RAW_BYTES, DW_C2_BYTES_PER_SECTOR);
        }
        done += n;
    }
    free(tmp);
    return rc;
}

/* ops->read_user: READ(10), 32 blocks of 2048 bytes per command. */
int dw__mmc_op_read_user(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct dw__mmc_drive *m = d->priv;

    if (lba < 0 || (int64_t)lba + sectors > (int64_t)UINT32_MAX)
        return dw__mmc_fail_plain(
            d, DW_ERANGE, lba,
            "sector %ld is outside the user data area of the disc in '%s'", (long)lba,
            m->device);
    return mmc_read_chunked(d, lba, sectors, buf, DW_MMC_USER_MAX_SECTORS,
                            DW_SECTOR_USER_BYTES, read10_cmd);
}
