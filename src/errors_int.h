/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the one error setter every layer uses.
 *
 * Layer 0 (docs/architecture.md "Layers"): it includes only public headers
 * and may be included from anywhere in src/.
 */
#ifndef DW_ERRORS_INT_H
#define DW_ERRORS_INT_H

#include <stdarg.h>
#include "discwright/errors.h"

/* Fill *err (may be NULL): code, the printf-formatted message, no sense
 * (key/ASC/ASCQ -1), no LBA (DW_NO_LBA).  Returns code, so that callers
 * can write `return dw__set_error(err, DW_EIO, "...")`. */
int dw__set_error(struct dw_error_detail *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dw__set_errorv(struct dw_error_detail *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* The same for a failed system call: the code is dw_error_from_errno
 * (sys_errno), err->sys_errno is set and ": <strerror>" ends the message. */
int dw__set_error_errno(struct dw_error_detail *err, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether a failed read means the job cannot go on (so it stops instead of
 * retrying): no medium, no memory, the drive gone or not answering
 * (DW_ETIMEDOUT: a command timed out; the drive then answers nothing more,
 * DW_ENODRIVE). */
static inline int dw__read_error_is_fatal(int rc)
{
    return rc == DW_ENOMEDIUM || rc == DW_ENOMEM || rc == DW_ENODRIVE || rc == DW_ETIMEDOUT;
}

#endif
