/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drive interface: dispatch to the mmc or image backend. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "errors_int.h"
#include "image/image.h"

int dw__drive_fail(struct dw_drive *d, int code, long long lba, const char *fmt, ...)
{
    struct dw_error_detail *e = &d->last_error;
    int keep_errno = e->sys_errno;
    memset(e, 0, sizeof(*e));
    e->code = code;
    e->sys_errno = keep_errno;
    e->sense_key = e->asc = e->ascq = -1;
    e->lba = lba;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    return code;
}

/* Which backend serves SOURCE.  By what the path is, not by its name:
 * "stdio:PATH" is a file of 2048-byte sectors (libburn's stdio: drives);
 * block and character devices are drives (MMC); a path under /dev/ that
 * does not exist is a drive that is not there; other regular files are
 * images whose format their content tells (src/image/sniff.c); anything
 * else (a FIFO, a socket, a directory) is refused without opening it, so
 * that nothing blocks. */
static int open_backend(struct dw_drive *d, const char *source, unsigned flags,
                        struct dw_error_detail *err)
{
    struct stat st;
    unsigned image_flags = flags & DW_DRIVE_OPEN_RAW_ISO ? DW__IMAGE_RAW_ISO : 0;
    if (strncmp(source, "stdio:", 6) == 0)
        return dw__drive_open_image(d, source + 6, DW__IMAGE_STDIO, err);
    if (stat(source, &st) != 0) {
        if (strncmp(source, "/dev/", 5) == 0)
            return dw__drive_open_mmc(d, source, err);
        if (errno == ENOENT || errno == ENOTDIR)
            return dw__set_error(err, DW_ENOENT,
                                 "cannot open '%s': no such file or drive (drives: "
                                 "'discwright drives')",
                                 source);
        return dw__set_error_errno(err, errno, "cannot open '%s'", source);
    }
    if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))
        return dw__drive_open_mmc(d, source, err);
    if (!S_ISREG(st.st_mode))
        return dw__set_error(err, DW_EINVAL,
                             "'%s' is %s, not a disc image or a drive: discwright reads "
                             "images it can seek in; copy it to a regular file first",
                             source, dw__file_kind(st.st_mode));
    return dw__drive_open_image(d, source, image_flags, err);
}

int dw_drive_open(const char *source, unsigned flags, struct dw_drive **out,
                  struct dw_error_detail *err)
{
    struct dw_error_detail local;
    struct dw_drive *d = NULL;
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    err->lba = DW_NO_LBA;
    *out = NULL;
    if (!source || !source[0]) {
        snprintf(err->message, sizeof(err->message), "no source given");
        return err->code = DW_EINVAL;
    }
    if (flags & ~DW_DRIVE_OPEN_RAW_ISO) {
        snprintf(err->message, sizeof(err->message), "unknown open flags 0x%x", flags);
        return err->code = DW_EINVAL;
    }
    d = calloc(1, sizeof(*d));
    if (!d || !(d->address = strdup(source))) {
        free(d);
        snprintf(err->message, sizeof(err->message), "out of memory");
        return err->code = DW_ENOMEM;
    }
    d->last_error.lba = DW_NO_LBA;
    rc = open_backend(d, source, flags, err);
    if (rc) {
        if (!err->code)
            err->code = rc;
        free(d->address);
        free(d->warnings);
        free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void dw_drive_free(struct dw_drive *d)
{
    if (!d)
        return;
    if (d->locked && d->ops->lock)
        d->ops->lock(d, false);
    if (d->ops && d->ops->close)
        d->ops->close(d);
    dw_disc_free(d->disc);
    free(d->address);
    free(d->warnings);
    free(d);
}

int dw_drive_info(struct dw_drive *d, struct dw_drive_info *info)
{
    memset(info, 0, sizeof(*info));
    snprintf(info->address, sizeof(info->address), "%s", d->address);
    return d->ops->info(d, info);
}

int dw_drive_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    memset(info, 0, sizeof(*info));
    return d->ops->medium(d, info);
}

const struct dw_disc *dw_drive_disc(struct dw_drive *d)
{
    if (!d->disc && d->ops->load_disc(d) != 0)
        return NULL;
    return d->disc;
}

int dw_drive_read_raw(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    if (sectors <= 0)
        return DW_EINVAL;
    return d->ops->read_raw(d, lba, sectors, buf);
}

int dw_drive_read_raw_c2(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                         uint8_t *c2)
{
    if (sectors <= 0 || !c2)
        return DW_EINVAL;
    if (d->ops->read_raw_c2)
        return d->ops->read_raw_c2(d, lba, sectors, buf, c2);
    /* An image: what it holds is what was written; no pointers are set. */
    int rc = d->ops->read_raw(d, lba, sectors, buf);
    if (rc == 0)
        memset(c2, 0, (size_t)sectors * DW_C2_BYTES_PER_SECTOR);
    return rc;
}

int dw_drive_read_raw_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    if (sectors <= 0 || !buf)
        return DW_EINVAL;
    if (!d->ops->read_raw_sub)
        return dw__drive_fail(d, DW_EUNSUPPORTED, lba,
                              "'%s' cannot read raw P-W sub-channel data", d->address);
    return d->ops->read_raw_sub(d, lba, sectors, buf);
}

int dw_drive_read_user(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    if (sectors <= 0)
        return DW_EINVAL;
    return d->ops->read_user(d, lba, sectors, buf);
}

int dw_drive_read_q_frames(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q)
{
    if (frames <= 0 || !q)
        return DW_EINVAL;
    if (!d->ops->read_q)
        return dw__drive_fail(d, DW_EUNSUPPORTED, lba,
                              "'%s' cannot read the Q sub-channel", d->address);
    return d->ops->read_q(d, lba, frames, q);
}

int dw_drive_read_q(struct dw_drive *d, int32_t lba, uint8_t q[DW_Q_BYTES])
{
    int rc = dw_drive_read_q_frames(d, lba, 1, q);
    if (rc)
        return rc;
    if (dw_q_crc(q) != (uint16_t)((unsigned)q[10] << 8 | q[11])) {
        d->last_error.sys_errno = 0;
        return dw__drive_fail(d, DW_EMISMATCH, lba,
                              "the Q sub-channel of sector %ld of '%s' has a bad CRC",
                              (long)lba, d->address);
    }
    return 0;
}

const char *dw_drive_q_source(struct dw_drive *d)
{
    return d->ops->q_source ? d->ops->q_source(d) : "none";
}

int32_t dw_drive_max_transfer_sectors(struct dw_drive *d)
{
    return d->ops->max_transfer_sectors;
}

int dw_drive_lock(struct dw_drive *d, bool lock)
{
    int rc = d->ops->lock ? d->ops->lock(d, lock) : 0;
    if (rc == 0)
        d->locked = lock;
    return rc;
}

int dw_drive_eject(struct dw_drive *d)
{
    return d->ops->eject ? d->ops->eject(d) : 0;
}

const char *dw_drive_file(struct dw_drive *d, int index)
{
    if (!d || index < 0 || !d->ops || !d->ops->file)
        return NULL;
    const char *path = d->ops->file(d, index);
    return path && !strncmp(path, "stdio:", 6) ? path + 6 : path;
}

const char *dw_drive_warnings(struct dw_drive *d)
{
    return d->warnings ? d->warnings : "";
}

const struct dw_error_detail *dw_drive_last_error(struct dw_drive *d)
{
    return &d->last_error;
}

bool dw__drive_is_mmc(const struct dw_drive *d)
{
    return d && d->ops && d->ops->exec;
}

int dw__mmc_exec(struct dw_drive *d, const uint8_t *cdb, size_t cdb_bytes,
                 enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                 struct dw__mmc_status *st)
{
    struct dw__mmc_status local;
    /* A data phase needs a buffer, and no data phase none. */
    bool data_ok = dir == DW_MMC_DIR_NONE
                       ? !buf && !bytes
                       : (dir == DW_MMC_DIR_FROM_DEV || dir == DW_MMC_DIR_TO_DEV) && buf &&
                             bytes;

    if (!st)
        st = &local;
    memset(st, 0, sizeof(*st));
    st->key = st->asc = st->ascq = -1;
    if (!dw__drive_is_mmc(d))
        st->code = DW_EUNSUPPORTED;
    else if (!cdb || cdb_bytes == 0 || cdb_bytes > 12 || !data_ok)
        st->code = DW_EINVAL;
    else
        return d->ops->exec(d, cdb, cdb_bytes, dir, buf, bytes, timeout_ms, st);
    return st->code;
}
