/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC backend: a real (or emulated) optical drive such as /dev/sr0.
 *
 * This file opens and closes the drive, holds the ops table, and answers
 * info, lock, eject and the raw exec op; the roles around it are listed in
 * mmc_int.h (commands, medium and layout, reads, Q).  Every command is
 * built by mmc_cdb.c and sent through the SCSI transport (transport.h):
 * SG_IO on Linux, libcdio's mmc_run_cmd_len elsewhere or with
 * DW_SCSI_TRANSPORT=cdio.  Sense data is decoded by dw__mmc_parse_sense, so
 * each failure lands in the drive's last error with key/ASC/ASCQ and the
 * LBA.
 *
 * Environment, read at open: DW_SCSI_TIMEOUT_MS (every command's timeout,
 * in ms), DW_TRACE_SCSI (a trace file, scsi_trace.c), DW_SCSI_TRANSPORT.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "drive/mmc_int.h"

/* ---- ops: info, lock, eject, exec, close ---------------------------------- */

/* ops->info: ids from the INQUIRY read at open (SPC-4 6.6), backend "mmc",
 * and medium_loaded from TEST UNIT READY.  An empty tray is not an error
 * here: `discwright drives` and `info` show the drive anyway. */
static int mmc_info(struct dw_drive *d, struct dw_drive_info *info)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    int rc;

    info->kind = DW_DRIVE_MMC;
    if (!info->address[0])
        snprintf(info->address, sizeof(info->address), "%s", m->device);
    snprintf(info->backend, sizeof(info->backend), "mmc");
    if (!m->inquiry.vendor[0] && !m->inquiry.product[0] && dw__mmc_send_inquiry(m, &res))
        return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot identify the drive at '%s'",
                            m->device);
    snprintf(info->vendor, sizeof(info->vendor), "%s", m->inquiry.vendor);
    snprintf(info->model, sizeof(info->model), "%s", m->inquiry.product);
    snprintf(info->firmware, sizeof(info->firmware), "%s", m->inquiry.revision);
    rc = dw__mmc_test_ready(m, &res);
    /* Busy (becoming ready too long, long write) still means a disc is in. */
    info->medium_loaded = rc == 0 || rc == DW_EBUSY;
    return 0;
}

/* ops->exec: one CDB through dw__mmc_run (see dw__mmc_exec in drive_int.h). */
static int mmc_exec(struct dw_drive *d, const uint8_t *cdb, size_t cdb_bytes,
                    enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                    struct dw__mmc_status *st)
{
    struct dw__scsi_result res;

    dw__mmc_run(d->priv, cdb, cdb_bytes, dir, buf, bytes, timeout_ms, &res);
    st->code = res.code;
    st->timed_out = res.timed_out;
    st->bytes_known = res.bytes_known;
    st->bytes_transferred = res.bytes_transferred;
    st->duration_ms = res.duration_ms;
    if (res.have_sense) {
        st->have_sense = true;
        st->key = res.sense.key;
        st->asc = res.sense.asc;
        st->ascq = res.sense.ascq;
    }
    return st->code;
}

/* ops->lock: PREVENT ALLOW MEDIUM REMOVAL (MMC-6, SPC-4); keeps d->locked.
 * Needs the device opened for writing (Linux filters the command on
 * read-only opens). */
static int mmc_lock(struct dw_drive *d, bool lock)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_prevent_allow(cdb, lock);

    if (dw__mmc_run_none(m, cdb, n, &res))
        return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot %s the tray of '%s'",
                            lock ? "lock" : "unlock", m->device);
    d->locked = lock;
    return 0;
}

/* ops->eject: allow removal, then START STOP UNIT with LoEj (MMC-6). */
static int mmc_eject(struct dw_drive *d)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_prevent_allow(cdb, false);

    if (dw__mmc_run_none(m, cdb, n, &res) == 0)
        d->locked = false;
    n = dw__mmc_build_start_stop(cdb, false);
    if (dw__mmc_run_none(m, cdb, n, &res))
        return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot eject the medium of '%s'",
                            m->device);
    return 0;
}

/* Free the backend state: trace and transport (the device is closed). */
static void mmc_free(struct dw__mmc_drive *m)
{
    if (!m)
        return;
    if (m->trace)
        dw__scsi_trace_note(m->trace, m->device, "closed");
    dw__scsi_trace_close(m->trace);
    dw__transport_close(m->transport);
    free(m->q_buf);
    free(m->device);
    free(m);
}

/* ops->close: allow medium removal if we still hold the tray (a handle
 * whose drive stopped answering sends nothing), then close the device and
 * free the backend state. */
static void mmc_close(struct dw_drive *d)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;

    if (!m)
        return;
    if (d->locked) {
        uint8_t cdb[DW_MMC_CDB_MAX];
        size_t n = dw__mmc_build_prevent_allow(cdb, false);
        if (dw__mmc_run_none(m, cdb, n, &res) == 0)
            d->locked = false;
    }
    mmc_free(m);
    d->priv = NULL;
}

static const struct dw__drive_ops mmc_ops = {
    .name = "mmc",
    .info = mmc_info,
    .medium = dw__mmc_op_medium,
    .load_disc = dw__mmc_op_load_disc,
    .read_raw = dw__mmc_op_read_raw,
    .read_user = dw__mmc_op_read_user,
    .read_raw_c2 = dw__mmc_op_read_raw_c2,
    .read_raw_sub = dw__mmc_op_read_raw_sub,
    .read_q = dw__mmc_op_read_q,
    .q_source = dw__mmc_op_q_source,
    .lock = mmc_lock,
    .eject = mmc_eject,
    .exec = mmc_exec,
    .close = mmc_close,
    .max_transfer_sectors = DW_MMC_RAW_MAX_SECTORS,
};

/* ---- open ----------------------------------------------------------------- */

/* Fill *err for a failed open and return code. */
static int open_fail(struct dw_error_detail *err, int code, int sys_errno,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int open_fail(struct dw_error_detail *err, int code, int sys_errno,
                     const char *fmt, ...)
{
    va_list ap;

    err->code = code;
    err->sys_errno = sys_errno;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

/* The path must exist and be a device. */
static int check_node(const char *device, struct dw_error_detail *err)
{
    struct stat st;

    if (stat(device, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return open_fail(
                err, DW_ENOENT, e,
                "no drive at '%s': check the address with 'discwright drives'", device);
        return open_fail(err, dw_error_from_errno(e), e, "cannot open '%s': %s", device,
                         dw_strerror(dw_error_from_errno(e)));
    }
    if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
        return open_fail(err, DW_ENODRIVE, 0,
                         "'%s' is not a device: give a drive such as /dev/sr0 or an "
                         "image file",
                         device);
    return 0;
}

/* INQUIRY at open: the drive must answer with peripheral device type 05h. */
static int identify(struct dw__mmc_drive *m, struct dw_error_detail *err)
{
    struct dw__scsi_result res;
    char reason[400];
    int rc = dw__mmc_send_inquiry(m, &res);

    if (rc == DW_EUNSUPPORTED || rc == DW_EPARSE || (rc == DW_ENODRIVE && !m->unresponsive))
        return open_fail(err, DW_ENODRIVE, res.sys_errno,
                         "'%s' is not an optical drive: it does not answer MMC commands",
                         m->device);
    if (rc) {
        dw__mmc_failure_reason(m, &res, reason, sizeof(reason));
        rc = open_fail(err, rc, res.sys_errno, "cannot identify the drive at '%s': %s",
                       m->device, reason);
        if (res.have_sense) {
            err->sense_key = res.sense.key;
            err->asc = res.sense.asc;
            err->ascq = res.sense.ascq;
        }
        return rc;
    }
    if (m->inquiry.device_type != DW_MMC_DEVICE_TYPE_MMC)
        return open_fail(err, DW_ENODRIVE, 0,
                         "'%s' is not an optical drive (SCSI peripheral device type %02Xh)",
                         m->device, (unsigned)m->inquiry.device_type);
    return 0;
}

/* Open `device` as an MMC drive (see drive_int.h): stat it, open it
 * through the transport (transport.h), read DW_SCSI_TIMEOUT_MS and
 * DW_TRACE_SCSI, and require an INQUIRY answer with peripheral device type
 * 05h.  A drive with an empty tray opens fine.  Errors: DW_EINVAL (no
 * path), DW_ENOENT (no such path), DW_ENODRIVE (not a device, or not an
 * optical drive), DW_EACCES, DW_EBUSY, DW_ENOMEM, or the INQUIRY failure
 * (DW_ETIMEDOUT when it is not answered); err (may be NULL) gets the
 * message.  Problems with the variables are warnings of the drive, never
 * errors.  On failure d is left untouched. */
int dw__drive_open_mmc(struct dw_drive *d, const char *device,
                       struct dw_error_detail *err)
{
    struct dw_error_detail local;
    struct dw__mmc_drive *m = NULL;
    char transport_warning[256], trace_warning[600], timeout_warning[256] = "";
    const char *timeout_env = getenv("DW_SCSI_TIMEOUT_MS");
    int rc;

    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    err->lba = DW_NO_LBA;
    err->sense_key = err->asc = err->ascq = -1;
    if (!d || !device || !device[0])
        return open_fail(err, DW_EINVAL, 0, "no drive given");
    rc = check_node(device, err);
    if (rc)
        return rc;

    m = calloc(1, sizeof(*m));
    if (!m || !(m->device = strdup(device))) {
        free(m);
        return open_fail(err, DW_ENOMEM, 0, "out of memory");
    }
    m->drive = d;
    rc = dw__transport_open(device, &m->transport, transport_warning,
                            sizeof(transport_warning), err);
    if (rc)
        goto fail;
    if (timeout_env && *timeout_env &&
        dw__scsi_parse_timeout(timeout_env, &m->timeout_override_ms))
        snprintf(timeout_warning, sizeof(timeout_warning),
                 "DW_SCSI_TIMEOUT_MS='%.32s' is not a number of milliseconds from 1 to "
                 "86400000: the default timeouts apply",
                 timeout_env);
    m->trace = dw__scsi_trace_open(trace_warning, sizeof(trace_warning));
    dw__scsi_trace_note(m->trace, m->device, "opened through %s (%s)%s%s",
                        m->transport->ops->name,
                        m->transport->writable ? "read-write" : "read-only",
                        m->timeout_override_ms ? ", DW_SCSI_TIMEOUT_MS=" : "",
                        m->timeout_override_ms ? timeout_env : "");
    rc = identify(m, err);
    if (rc)
        goto fail;
    d->ops = &mmc_ops;
    d->priv = m;
    if (transport_warning[0])
        dw__mmc_warn(d, "%s", transport_warning);
    if (timeout_warning[0])
        dw__mmc_warn(d, "%s", timeout_warning);
    if (trace_warning[0])
        dw__mmc_warn(d, "%s", trace_warning);
    return 0;

fail:
    mmc_free(m);
    return rc;
}
