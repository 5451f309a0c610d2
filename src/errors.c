/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error table: codes, names and messages from DW_ERRNO_MAP. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "discwright/errors.h"
#include "errors_int.h"

const char *dw_version(void)
{
    return DW_VERSION_STRING;
}

const char *dw_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
#define DW__ERR_MSG(name, value, msg) \
    case value:                       \
        return msg;
        DW_ERRNO_MAP(DW__ERR_MSG)
#undef DW__ERR_MSG
    default:
        return "unknown error";
    }
}

const char *dw_err_name(int code)
{
    switch (code) {
    case 0:
        return "DW_OK";
#define DW__ERR_NAME(name, value, msg) \
    case value:                        \
        return "DW_" #name;
        DW_ERRNO_MAP(DW__ERR_NAME)
#undef DW__ERR_NAME
    default:
        return "DW_EUNKNOWN";
    }
}

int dw_error_from_errno(int sys_errno)
{
    switch (sys_errno) {
    case 0:
        return 0;
    case ENOENT:
    case ENOTDIR:
        return DW_ENOENT;
    case ENOMEM:
        return DW_ENOMEM;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return DW_ENOSPC;
    case EACCES:
    case EPERM:
    case EROFS:
        return DW_EACCES;
    case EBUSY:
        return DW_EBUSY;
    case ENOMEDIUM:
        return DW_ENOMEDIUM;
    case EINVAL:
        return DW_EINVAL;
    case ENXIO:
    case ENODEV:
        return DW_ENODRIVE;
    default:
        return DW_EIO;
    }
}

int dw__set_errorv(struct dw_error_detail *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    memset(err, 0, sizeof(*err));
    err->code = code;
    err->sense_key = err->asc = err->ascq = -1;
    err->lba = DW_NO_LBA;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return code;
}

int dw__set_error(struct dw_error_detail *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dw__set_errorv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int dw__set_error_errno(struct dw_error_detail *err, int sys_errno, const char *fmt, ...)
{
    int code = dw_error_from_errno(sys_errno);
    if (!code)
        code = DW_EIO;
    va_list ap;
    va_start(ap, fmt);
    dw__set_errorv(err, code, fmt, ap);
    va_end(ap);
    if (err) {
        size_t n = strlen(err->message);
        snprintf(err->message + n, sizeof(err->message) - n, ": %s", strerror(sys_errno));
        err->sys_errno = sys_errno;
    }
    return code;
}
