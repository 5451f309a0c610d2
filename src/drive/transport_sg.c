/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Linux SCSI transport: SG_IO on the device node (transport.h).
 *
 * The node (/dev/srN, or /dev/sgN) is opened by us and kept open while the
 * drive is: read-write and exclusive first (as libburn grabs drives), then
 * read-write (something else holds it, a mounted disc), then read-only (no
 * permission to write: then the kernel lets only its list of safe
 * commands through, and PREVENT ALLOW MEDIUM REMOVAL is not among them).
 * O_NONBLOCK throughout: a blocking open of an sr node fails without a
 * medium and locks the door (drivers/cdrom/cdrom.c cdrom_open).
 *
 * Each command is one SG_IO ioctl with an sg_io_hdr (version 3 interface,
 * interface_id 'S'): the CDB, the data direction (SG_DXFER_NONE,
 * SG_DXFER_FROM_DEV, SG_DXFER_TO_DEV), the buffer, a sense buffer, and the
 * timeout in ms.  The kernel answers with the SCSI status, host_status
 * (DID_TIME_OUT 03h when the command did not finish in time: the error
 * handler aborted it), driver_status (DRIVER_SENSE with sense data), the
 * residual and the duration (ms).  The ioctl itself fails only when the
 * command could not be issued (ENOTTY: not a SCSI device; EIO for a
 * transfer larger than the host allows).
 */
#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <scsi/sg.h>
#include "drive/transport.h"

struct sg_state {
    int fd;
};

/* Milliseconds between two CLOCK_MONOTONIC times. */
static unsigned elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    int64_t ms = (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
    return ms < 0 ? 0 : (unsigned)ms;
}

static int sg_exec(struct dw__transport *t, const struct dw__scsi_cmd *cmd,
                   struct dw__scsi_raw *raw)
{
    struct sg_state *s = t->priv;
    struct sg_io_hdr h;
    uint8_t cdb[16];
    struct timespec t0, t1;
    int rc;

    memset(raw, 0, sizeof(*raw));
    raw->status = -1;
    raw->resid = -1;
    if (cmd->cdb_bytes == 0 || cmd->cdb_bytes > sizeof(cdb) ||
        cmd->bytes > (size_t)UINT32_MAX) {
        raw->fail_code = DW_EINVAL;
        return DW_EINVAL;
    }
    memcpy(cdb, cmd->cdb, cmd->cdb_bytes);
    memset(&h, 0, sizeof(h));
    h.interface_id = 'S';
    h.cmd_len = (unsigned char)cmd->cdb_bytes;
    h.cmdp = cdb;
    h.mx_sb_len = (unsigned char)sizeof(raw->sense);
    h.sbp = raw->sense;
    h.timeout = cmd->timeout_ms;
    switch (cmd->dir) {
    case DW_MMC_DIR_FROM_DEV:
        h.dxfer_direction = SG_DXFER_FROM_DEV;
        break;
    case DW_MMC_DIR_TO_DEV:
        h.dxfer_direction = SG_DXFER_TO_DEV;
        break;
    default:
        h.dxfer_direction = SG_DXFER_NONE;
        break;
    }
    if (cmd->dir != DW_MMC_DIR_NONE) {
        h.dxferp = cmd->buf;
        h.dxfer_len = (unsigned)cmd->bytes;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = ioctl(s->fd, SG_IO, &h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc < 0) {
        raw->sys_errno = errno;
        raw->duration_ms = elapsed_ms(&t0, &t1);
        return DW_EIO;
    }
    raw->status = h.status;
    raw->host_status = h.host_status;
    raw->driver_status = h.driver_status;
    raw->host_known = true;
    raw->resid = cmd->dir == DW_MMC_DIR_NONE ? 0 : h.resid < 0 ? 0 : h.resid;
    raw->sense_bytes = h.sb_len_wr <= sizeof(raw->sense) ? h.sb_len_wr : sizeof(raw->sense);
    /* The kernel's duration is the command's own time; ours covers the
     * queueing too.  A kernel without one reports 0. */
    raw->duration_ms = h.duration ? h.duration : elapsed_ms(&t0, &t1);
    return 0;
}

static void sg_close(struct dw__transport *t)
{
    struct sg_state *s = t->priv;

    if (s && s->fd >= 0)
        close(s->fd);
    free(s);
    free(t);
}

static const struct dw__transport_ops sg_ops = {
    .name = "SG_IO",
    .exec = sg_exec,
    .close = sg_close,
};

int dw__transport_open_sg(const char *device, struct dw__transport **out,
                          struct dw_error_detail *err)
{
    static const int tries[] = {
        O_RDWR | O_EXCL | O_NONBLOCK,
        O_RDWR | O_NONBLOCK,
        O_RDONLY | O_NONBLOCK,
    };
    struct dw__transport *t = NULL;
    struct sg_state *s = NULL;
    int fd = -1, e = EIO;
    size_t i;

    *out = NULL;
    for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        fd = open(device, tries[i] | O_CLOEXEC);
        if (fd >= 0)
            break;
        e = errno;
        if (e != EBUSY && e != EACCES && e != EPERM && e != EROFS)
            break;
    }
    if (fd < 0)
        return dw__transport_open_failed(device, e, err);
    t = calloc(1, sizeof(*t));
    s = calloc(1, sizeof(*s));
    if (!t || !s) {
        free(t);
        free(s);
        close(fd);
        return dw__transport_open_failed(device, ENOMEM, err);
    }
    s->fd = fd;
    t->ops = &sg_ops;
    t->priv = s;
    t->writable = (tries[i] & O_ACCMODE) == O_RDWR;
    *out = t;
    return 0;
}
#else
/* Not Linux: transport_cdio.c is the transport (ISO C wants a declaration). */
typedef int dw__transport_sg_absent;
#endif
