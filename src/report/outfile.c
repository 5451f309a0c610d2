/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errors_int.h"
#include "report/outfile.h"

static int io_error(struct dw_error_detail *err, int sys_errno, const char *what, const char *path)
{
    int code = dw_error_from_errno(sys_errno);
    const char *hint = code == DW_ENOSPC  ? ": free some space or choose another output directory"
                       : code == DW_EACCES ? ": choose a directory you can write to"
                                           : "";
    dw__set_error(err, code, "cannot %s '%s': %s%s", what, path, strerror(sys_errno), hint);
    if (err)
        err->sys_errno = sys_errno;
    return code;
}

/* Open path.part with fopen mode, or fail saying why. */
/* fclose of->fp and free its buffer; the fclose result. */
static int close_fp(struct dw__outfile *of)
{
    int rc = of->fp ? fclose(of->fp) : 0;
    of->fp = NULL;
    free(of->buf);
    of->buf = NULL;
    return rc;
}

static int outfile_fopen(struct dw__outfile *of, const char *path, const char *mode,
                         const char *what, struct dw_error_detail *err)
{
    memset(of, 0, sizeof(*of));
    of->path = strdup(path);
    of->part_path = malloc(strlen(path) + 6);
    if (!of->path || !of->part_path) {
        dw__outfile_abort(of);
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    sprintf(of->part_path, "%s.part", path);
    of->fp = fopen(of->part_path, mode);
    if (!of->fp) {
        int rc = io_error(err, errno, what, of->part_path);
        dw__outfile_keep(of); /* nothing was created: nothing to remove */
        return rc;
    }
    /* Without a buffer of our own the stream keeps stdio's 4 KiB one. */
    if ((of->buf = malloc(DW__OUTFILE_BUFFER_BYTES)) != NULL &&
        setvbuf(of->fp, of->buf, _IOFBF, DW__OUTFILE_BUFFER_BYTES) != 0) {
        free(of->buf);
        of->buf = NULL;
    }
    return 0;
}

int dw__outfile_open(struct dw__outfile *of, const char *path, struct dw_error_detail *err)
{
    return outfile_fopen(of, path, "w+b", "create", err); /* w+: read back by secure rips */
}

int dw__outfile_reopen(struct dw__outfile *of, const char *path, struct dw_error_detail *err)
{
    return outfile_fopen(of, path, "r+b", "open", err);
}

void dw__outfile_keep(struct dw__outfile *of)
{
    close_fp(of);
    free(of->path);
    free(of->part_path);
    memset(of, 0, sizeof(*of));
}

int dw__outfile_write_error(const struct dw__outfile *of, int sys_errno,
                            struct dw_error_detail *err)
{
    return io_error(err, sys_errno ? sys_errno : EIO, "write", of->part_path);
}

int dw__outfile_check(struct dw__outfile *of, struct dw_error_detail *err)
{
    if (of->fp && ferror(of->fp))
        return io_error(err, errno ? errno : EIO, "write", of->part_path);
    return 0;
}

int dw__outfile_finish(struct dw__outfile *of, struct dw_error_detail *err)
{
    int rc = 0;
    if (!of->fp)
        return of->part_path ? 0 : dw__set_error(err, DW_EINVAL, "no file to finish");
    if (fflush(of->fp) != 0 || ferror(of->fp) || fsync(fileno(of->fp)) != 0) {
        rc = io_error(err, errno ? errno : EIO, "write", of->part_path);
        goto fail;
    }
    if (close_fp(of) != 0) {
        rc = io_error(err, errno, "write", of->part_path);
        goto fail;
    }
    return 0;
fail:
    dw__outfile_abort(of);
    return rc;
}

int dw__outfile_rename(struct dw__outfile *of, struct dw_error_detail *err)
{
    if (!of->part_path)
        return 0;
    if (rename(of->part_path, of->path) != 0) {
        int rc = io_error(err, errno, "rename into place", of->path);
        dw__outfile_abort(of);
        return rc;
    }
    free(of->path);
    free(of->part_path);
    memset(of, 0, sizeof(*of));
    return 0;
}

int dw__outfile_commit(struct dw__outfile *of, struct dw_error_detail *err)
{
    int rc = dw__outfile_finish(of, err);
    return rc ? rc : dw__outfile_rename(of, err);
}

void dw__outfile_abort(struct dw__outfile *of)
{
    close_fp(of);
    if (of->part_path)
        unlink(of->part_path);
    free(of->path);
    free(of->part_path);
    memset(of, 0, sizeof(*of));
}

int dw__ensure_dir(const char *dir, struct dw_error_detail *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0777) != 0)
            return io_error(err, errno, "create output directory", dir);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return dw__set_error(err, DW_EINVAL, "'%s' is not a directory: choose an output directory",
                             dir);
    if (access(dir, W_OK | X_OK) != 0)
        return io_error(err, errno, "write into", dir);
    return 0;
}
