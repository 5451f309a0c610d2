/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC backend: the Q sub-channel (mmc_int.h).
 *
 * READ CD with formatted Q (sub-channel selection 010b, 16 bytes a sector)
 * first, raw P-W (001b, 96 bytes, de-interleaved here) for the frames whose
 * CRC does not match or when formatted Q is refused (5/24/00); the handle
 * remembers which works and whether formatted Q carries binary numbers
 * (dw__mmc_formatted_q converts them back to BCD).  25 sectors a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/sector.h"
#include "drive/mmc_int.h"

#define MMC_Q_RAW_SWITCH 8 /* raw rescues, with no good formatted Q, to switch */

/* A READ CD the drive refused for its sub-channel selection: 5/24/00
 * (invalid field in CDB), 5/20/00 (invalid command), or a transport that
 * says "unsupported". */
static bool mmc_refused(int rc, const struct dw__scsi_result *res)
{
    if (res->have_sense)
        return res->sense.key == 0x5 && (res->sense.asc == 0x24 || res->sense.asc == 0x20);
    return rc == DW_EUNSUPPORTED;
}

/* READ CD (MMC-6) of n sectors, expected sector type "any", the whole 2352
 * bytes plus the sub-channel selection `sub` (DW_MMC_READ_CD_SUB_Q or
 * DW_MMC_READ_CD_SUB_RAW), into m->q_buf. */
static int read_cd_sub_cmd(struct dw__mmc_drive *m, int32_t lba, int32_t n, unsigned sub,
                           struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t len = dw__mmc_build_read_cd(cdb, lba, (uint32_t)n, DW_MMC_SECTOR_ANY, sub);
    return dw__mmc_read_cmd(m, cdb, len, m->q_buf,
                            (size_t)n * dw__mmc_read_cd_sector_bytes(sub), res);
}

/* The Q of n <= DW_MMC_Q_MAX_SECTORS sectors into q: formatted Q first (unless
 * the drive is known to need raw P-W), then raw P-W for the frames whose
 * CRC did not match.  Returns 0 when one of the reads succeeded (frames
 * still bad are left as read), DW_EUNSUPPORTED when the drive refuses both
 * selections, or the read error with *res describing it. */
static int mmc_q_chunk(struct dw__mmc_drive *m, int32_t lba, int32_t n, uint8_t *q,
                       struct dw__scsi_result *res)
{
    bool good[DW_MMC_Q_MAX_SECTORS] = {false};
    bool formatted_read = false;
    int bad = n, rc = 0;
    size_t stride;

    if (m->q_path != DW_MMC_Q_RAW && !m->q_formatted_refused) {
        stride = dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_Q);
        rc = read_cd_sub_cmd(m, lba, n, DW_MMC_READ_CD_SUB_Q, res);
        if (rc == 0) {
            formatted_read = true;
            bad = 0;
            for (int32_t k = 0; k < n; k++) {
                const uint8_t *fq = m->q_buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES;
                good[k] = dw__mmc_formatted_q(fq, lba + k, &m->q_numbers, q + k * 12);
                if (good[k])
                    m->q_formatted_good++;
                else
                    bad++;
            }
            if (m->q_path == DW_MMC_Q_UNTRIED && m->q_formatted_good > 0)
                m->q_path = DW_MMC_Q_FORMATTED;
            if (bad == 0)
                return 0;
        } else if (mmc_refused(rc, res)) {
            m->q_formatted_refused = true;
        } else {
            return rc;
        }
    }
    if (m->q_raw_refused)
        goto out;
    stride = dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_RAW);
    rc = read_cd_sub_cmd(m, lba, n, DW_MMC_READ_CD_SUB_RAW, res);
    if (rc == 0) {
        for (int32_t k = 0; k < n; k++) {
            uint8_t raw_q[12];
            if (good[k])
                continue;
            dw_subchannel_q(m->q_buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES, raw_q);
            if (dw_q_crc(raw_q) == dw__mmc_get_be16(raw_q + 10)) {
                memcpy(q + k * 12, raw_q, 12);
                if (formatted_read)
                    m->q_raw_rescued++;
            } else if (!formatted_read) {
                memcpy(q + k * 12, raw_q, 12);
            }
        }
        /* Raw P-W is the drive's way when formatted Q is refused, or when it
         * keeps coming with bad CRCs that raw P-W reads good. */
        if (m->q_formatted_refused ||
            (m->q_raw_rescued >= MMC_Q_RAW_SWITCH && m->q_formatted_good == 0))
            m->q_path = DW_MMC_Q_RAW;
        return 0;
    }
    if (mmc_refused(rc, res))
        m->q_raw_refused = true;
    else if (!formatted_read)
        return rc;
out:
    if (formatted_read)
        return 0;
    if (m->q_formatted_refused && m->q_raw_refused) {
        m->q_path = DW_MMC_Q_NONE;
        return DW_EUNSUPPORTED;
    }
    return rc ? rc : DW_EIO;
}

/* Errors after which no other Q read of the same call can succeed: the
 * drive refuses sub-channel data, the tray is empty, memory ran out, the
 * drive stopped answering. */
static bool q_read_stops(int rc)
{
    return rc == DW_EUNSUPPORTED || rc == DW_ENOMEDIUM || rc == DW_ENOMEM ||
           rc == DW_ETIMEDOUT || rc == DW_ENODRIVE;
}

/* ops->read_q: chunks of DW_MMC_Q_MAX_SECTORS; a chunk that fails with a read
 * error is read again sector by sector so that what reads is kept.  A drive
 * that stops answering fails the call even when some frames came. */
int dw__mmc_op_read_q(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res, first_res;
    int32_t first_bad = DW_LBA_NONE;
    int first_rc = 0, stop_rc = 0;
    bool any = false;

    if ((int64_t)lba + frames > INT32_MAX)
        return dw__mmc_fail_plain(d, DW_ERANGE, lba, "sector %ld is beyond any disc",
                                  (long)lba);
    if (!m->q_buf) {
        m->q_buf = malloc((size_t)DW_MMC_Q_MAX_SECTORS *
                          dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_RAW));
        if (!m->q_buf)
            return dw__mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    }
    memset(q, 0, (size_t)frames * 12);
    memset(&first_res, 0, sizeof(first_res));
    for (int32_t done = 0; done < frames && !stop_rc;) {
        int32_t n = frames - done < DW_MMC_Q_MAX_SECTORS ? frames - done : DW_MMC_Q_MAX_SECTORS;
        int rc = mmc_q_chunk(m, lba + done, n, q + (size_t)done * 12, &res);

        if (rc && n > 1 && !q_read_stops(rc)) {
            for (int32_t k = 0; k < n && !stop_rc; k++) {
                rc = mmc_q_chunk(m, lba + done + k, 1, q + (size_t)(done + k) * 12, &res);
                if (rc == 0)
                    any = true;
                else if (!first_rc || q_read_stops(rc)) {
                    first_rc = rc;
                    first_res = res;
                    first_bad = lba + done + k;
                }
                if (q_read_stops(rc))
                    stop_rc = rc;
            }
        } else if (rc) {
            if (!first_rc || q_read_stops(rc)) {
                first_rc = rc;
                first_res = res;
                first_bad = lba + done;
            }
            if (q_read_stops(rc))
                stop_rc = rc;
        } else {
            any = true;
        }
        done += n;
    }
    if (first_rc == DW_EUNSUPPORTED && !any)
        return dw__mmc_fail_plain(d, DW_EUNSUPPORTED, lba,
                                  "'%s' returns no sub-channel data: READ CD refuses both "
                                  "formatted Q and raw P-W",
                                  m->device);
    if (any && stop_rc != DW_ETIMEDOUT && stop_rc != DW_ENODRIVE)
        return 0;
    first_res.code = first_rc;
    return dw__mmc_fail(d, &first_res, first_bad,
                        "cannot read the Q sub-channel of sector %ld of the disc in '%s'",
                        (long)first_bad, m->device);
}

/* ops->q_source. */
const char *dw__mmc_op_q_source(struct dw_drive *d)
{
    struct dw__mmc_drive *m = d->priv;

    switch (m->q_path) {
    case DW_MMC_Q_UNTRIED:
        return m->q_formatted_refused ? "raw P-W (formatted Q refused)" : "not read yet";
    case DW_MMC_Q_FORMATTED:
        if (m->q_numbers == DW_MMC_Q_NUMBERS_BINARY)
            return "formatted Q (binary numbers, converted to BCD)";
        return m->q_numbers == DW_MMC_Q_NUMBERS_BCD ? "formatted Q (BCD)" : "formatted Q";
    case DW_MMC_Q_RAW:
        return m->q_formatted_refused ? "raw P-W (formatted Q refused)"
                                      : "raw P-W (formatted Q with bad CRCs)";
    case DW_MMC_Q_NONE:
        return "none (the drive returns no sub-channel data)";
    }
    return "not read yet";
}
