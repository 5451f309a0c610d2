/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: error codes.
 *
 * Every library call that can fail returns int: 0 on success or a negative
 * DW_E* code.  The table below is the single source of codes, names and
 * messages (libuv's UV_ERRNO_MAP pattern).
 */
#ifndef DISCWRIGHT_ERRORS_H
#define DISCWRIGHT_ERRORS_H

#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message) */
#define DW_ERRNO_MAP(X)                                                          \
    X(EINVAL, -1, "invalid argument")                                          \
    X(ENOMEM, -2, "out of memory")                                             \
    X(EIO, -3, "input/output error")                                           \
    X(ENOENT, -4, "no such file or device")                                    \
    X(EPARSE, -5, "malformed input")                                           \
    X(ETRUNC, -6, "image is shorter than its description says")               \
    X(ENOMEDIUM, -7, "no medium in the drive")                                 \
    X(ENODRIVE, -8, "no such drive")                                           \
    X(EREAD, -9, "unrecoverable read error")                                   \
    X(EWRITE, -10, "write error")                                              \
    X(ENOSPC, -11, "no space left")                                            \
    X(EMEDIUM, -12, "medium unsuitable for this operation")                    \
    X(EUNSUPPORTED, -13, "not supported")                                      \
    X(EABORTED, -14, "aborted")                                                \
    X(EBUSY, -15, "drive busy or in use by another program")                  \
    X(ERANGE, -16, "address out of range")                                     \
    X(EMISMATCH, -17, "data does not match")                                   \
    X(ELIB, -18, "error reported by a library")                                \
    X(EACCES, -19, "permission denied")                                        \
    X(ETIMEDOUT, -20, "timed out")                                             \
    X(EEXIST, -21, "file exists")

enum dw_error {
#define DW__ERR_ENUM(name, value, msg) DW_##name = (value),
    DW_ERRNO_MAP(DW__ERR_ENUM)
#undef DW__ERR_ENUM
};

/* Message for a DW_E* code ("invalid argument"); a static string, never NULL,
 * not to be freed.  Unknown codes give "unknown error". */
DW_API const char *dw_strerror(int code);

/* Symbolic name of a DW_E* code ("DW_EINVAL"); static, never NULL. */
DW_API const char *dw_err_name(int code);

/* Map a C errno value to the closest DW_E* code (ENOSPC -> DW_ENOSPC ...). */
DW_API int dw_error_from_errno(int sys_errno);

/* Detail of the last failure on a handle: what went wrong, where, and why.
 * Filled by the library; a plain value the caller may copy. */
struct dw_error_detail {
    int code;            /* DW_E* code, 0 when there was no error */
    int sys_errno;       /* errno at the failure, 0 if none */
    int sense_key;       /* SPC-4 sense key, -1 if no sense data */
    int asc, ascq;       /* additional sense code / qualifier, -1 if none */
    long long lba;       /* LBA involved, or DW_NO_LBA */
    char message[512];   /* lowercase, names the thing and what to do */
};

#define DW_NO_LBA (-0x7fffffffLL)

#ifdef __cplusplus
}
#endif
#endif
