/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portable SCSI transport: libcdio's mmc_run_cmd_len (transport.h).
 *
 * The transport on systems without SG_IO, and on Linux when
 * DW_SCSI_TRANSPORT=cdio.  libcdio is only the carrier: on Linux it sends
 * each CDB with the CDROM_SEND_PACKET ioctl.  What it cannot tell:
 *  - no residual byte count: a read buffer is cleared before the command
 *    (mmc_command.c) and replies are trusted only as far as their own
 *    length fields say; bytes_known stays false;
 *  - no status byte or host status: a failure comes back as a driver
 *    return code, with the sense through mmc_last_cmd_sense();
 *  - the timeout is ignored on Linux builds without
 *    HAVE_LINUX_CDROM_TIMEOUT (Debian's cdio_config.h): a drive that does
 *    not answer holds the call until the kernel's own timeout (60 s for a
 *    packet command that names none, BLK_DEFAULT_SG_TIMEOUT), and then
 *    CDROM_SEND_PACKET reports success with no data, since the kernel's
 *    scsi_cdrom_send_packet() looks at the status byte only, not at the
 *    host status that says DID_TIME_OUT.
 * libcdio pitfall: cdio_open_am() on a path it cannot open prints "++
 * WARN: ..." on stdout through its default log handler, so the device is
 * opened by us first to pick the access mode (and to report the failure
 * ourselves).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cdio/cdio.h>
#include <cdio/memory.h>
#include <cdio/mmc.h>
#include "drive/transport.h"

static unsigned elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    int64_t ms = (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
    return ms < 0 ? 0 : (unsigned)ms;
}

static int cdio_exec(struct dw__transport *t, const struct dw__scsi_cmd *cmd,
                     struct dw__scsi_raw *raw)
{
    CdIo_t *cdio = t->priv;
    cdio_mmc_request_sense_t *sense = NULL;
    cdio_mmc_direction_t dir = SCSI_MMC_DATA_NONE;
    driver_return_code_t rc;
    struct timespec t0, t1;
    mmc_cdb_t c;
    int sense_bytes;

    memset(raw, 0, sizeof(*raw));
    raw->status = -1;
    raw->resid = -1;
    if (cmd->cdb_bytes == 0 || cmd->cdb_bytes > sizeof(c.field) ||
        cmd->bytes > (size_t)UINT32_MAX) {
        raw->fail_code = DW_EINVAL;
        return DW_EINVAL;
    }
    if (cmd->dir == DW_MMC_DIR_FROM_DEV)
        dir = SCSI_MMC_DATA_READ;
    else if (cmd->dir == DW_MMC_DIR_TO_DEV)
        dir = SCSI_MMC_DATA_WRITE;
    memset(&c, 0, sizeof(c));
    memcpy(c.field, cmd->cdb, cmd->cdb_bytes);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    rc = mmc_run_cmd_len(cdio, cmd->timeout_ms, &c, (unsigned)cmd->cdb_bytes, dir,
                         dir == SCSI_MMC_DATA_NONE ? 0 : (unsigned)cmd->bytes,
                         dir == SCSI_MMC_DATA_NONE ? NULL : cmd->buf);
    raw->sys_errno = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    raw->duration_ms = elapsed_ms(&t0, &t1);
    if (rc == DRIVER_OP_SUCCESS) {
        raw->sys_errno = 0;
        raw->status = DW_SCSI_STATUS_GOOD;
        return 0;
    }
    sense_bytes = mmc_last_cmd_sense(cdio, &sense);
    if (sense_bytes > 0 && sense) {
        size_t n = (size_t)sense_bytes < sizeof(raw->sense) ? (size_t)sense_bytes
                                                            : sizeof(raw->sense);
        memcpy(raw->sense, sense, n);
        raw->sense_bytes = n;
        raw->status = DW_SCSI_STATUS_CHECK_CONDITION;
        raw->sys_errno = 0; /* the drive answered: its sense says why */
    } else if (rc == DRIVER_OP_NOT_PERMITTED) {
        raw->fail_code = DW_EACCES;
    } else if (rc == DRIVER_OP_UNSUPPORTED) {
        raw->fail_code = DW_EUNSUPPORTED;
    } else {
        raw->fail_code = dw__scsi_errno_code(raw->sys_errno);
    }
    cdio_free(sense);
    return 0;
}

static void cdio_close(struct dw__transport *t)
{
    if (t->priv)
        cdio_destroy(t->priv);
    free(t);
}

static const struct dw__transport_ops cdio_ops = {
    .name = "libcdio",
    .exec = cdio_exec,
    .close = cdio_close,
};

/* Pick the libcdio access mode by opening the device ourselves: read-write
 * and exclusive, read-write, read-only.  Returns 0 with *mode and
 * *writable set, or the errno of the last open. */
static int pick_access_mode(const char *device, const char **mode, bool *writable)
{
    static const struct {
        int flags;
        const char *mode;
    } tries[] = {
        {O_RDWR | O_EXCL | O_NONBLOCK, "MMC_RDWR_EXCL"},
        {O_RDWR | O_NONBLOCK, "MMC_RDWR"},
        {O_RDONLY | O_NONBLOCK, "IOCTL"},
    };
    int last_errno = EIO;

    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        int fd = open(device, tries[i].flags | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            *mode = tries[i].mode;
            *writable = (tries[i].flags & O_ACCMODE) == O_RDWR;
            return 0;
        }
        last_errno = errno;
        if (errno != EBUSY && errno != EACCES && errno != EPERM && errno != EROFS)
            break;
    }
    return last_errno;
}

int dw__transport_open_cdio(const char *device, struct dw__transport **out,
                            struct dw_error_detail *err)
{
    struct dw__transport *t;
    const char *mode = NULL;
    bool writable = false;
    int e;

    *out = NULL;
    e = pick_access_mode(device, &mode, &writable);
    if (e)
        return dw__transport_open_failed(device, e, err);
    t = calloc(1, sizeof(*t));
    if (!t)
        return dw__transport_open_failed(device, ENOMEM, err);
#ifdef __linux__
    t->priv = cdio_open_am(device, DRIVER_LINUX, mode);
#else
    t->priv = cdio_open_am(device, DRIVER_DEVICE, mode);
#endif
    if (!t->priv) {
        free(t);
        memset(err, 0, sizeof(*err));
        err->lba = DW_NO_LBA;
        err->sense_key = err->asc = err->ascq = -1;
        err->code = DW_ENODRIVE;
        snprintf(err->message, sizeof(err->message),
                 "libcdio cannot open '%s' as a drive: check the address with "
                 "'discwright drives'",
                 device);
        return DW_ENODRIVE;
    }
    t->ops = &cdio_ops;
    t->writable = writable;
    *out = t;
    return 0;
}
