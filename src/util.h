/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: small helpers every layer shares (layer 0, like
 * errors_int.h): a monotonic clock, mkdir -p, and the XDG base
 * directories.  src/util.c */
#ifndef DW_UTIL_H
#define DW_UTIL_H

#include <stddef.h>
#include "discwright/errors.h"

/* Seconds on the monotonic clock (CLOCK_MONOTONIC), for durations and rate
 * limits; never goes backwards. */
double dw__now_seconds(void);

/* mkdir -p: make dir and each missing parent (mode 0777 before the umask).
 * An existing directory is success.  Errors: DW_EINVAL (empty or longer
 * than PATH_MAX, or a component is not a directory), else the errno of the
 * mkdir that failed mapped by dw_error_from_errno; err (may be NULL) names
 * the component that failed. */
int dw__mkdir_p(const char *dir, struct dw_error_detail *err);

/* mkdir -p of the directory part of path (everything before its last '/');
 * a path without '/' needs nothing.  Same errors as dw__mkdir_p. */
int dw__mkdir_parents(const char *path, struct dw_error_detail *err);

/* The XDG base directory for kind ("cache": $XDG_CACHE_HOME, else
 * $HOME/.cache; "config": $XDG_CONFIG_HOME, else $HOME/.config; "data":
 * $XDG_DATA_HOME, else $HOME/.local/share) followed by "/discwright" and,
 * when leaf is not NULL or "", "/" leaf, into out.  An XDG variable that is
 * not an absolute path is ignored (XDG Base Directory Specification 0.8).
 * Returns 0; DW_ENOENT when neither variable nor $HOME is set (out is "");
 * DW_EINVAL when out is too small or kind unknown. */
int dw__xdg_dir(const char *kind, const char *leaf, char *out, size_t out_bytes);

#endif
