/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: progress and log callbacks.
 *
 * The library never prints; long jobs report through these callbacks and
 * the caller (the CLI) draws them (libburn's struct burn_progress model).
 */
#ifndef DISCWRIGHT_PROGRESS_H
#define DISCWRIGHT_PROGRESS_H

#include <stdint.h>
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_progress {
    const char *phase;          /* "rip", "burn", "verify", ... static */
    int track;                  /* current track number, 0 if none */
    int64_t done_sectors;       /* sectors finished so far */
    int64_t total_sectors;      /* sectors planned, 0 if unknown */
    int64_t errors;             /* sectors bad or mismatching so far */
    int sector_bytes;           /* bytes per sector for speed (2352/2048) */
    int buffer_fill_percent;    /* burn: drive/FIFO buffer fill, -1 if n/a */
    int64_t media_1x_bytes_per_s; /* 1x speed of the medium in bytes/s for
                                   DVD (1385000) and BD (4495500); 0 for CD,
                                   where 1x is 75 sectors/s */
};

enum dw_log_level { DW_LOG_DEBUG = 0, DW_LOG_INFO, DW_LOG_WARN, DW_LOG_ERROR };

/* Called with progress at least once a second and at the end; returns 0 to
 * go on or non-zero to ask the job to stop (it then ends with DW_EABORTED).
 * The pointer is valid only during the call. */
typedef int (*dw_progress_fn)(const struct dw_progress *p, void *user);

/* Called for each log line (no trailing newline; valid only during the call). */
typedef void (*dw_log_fn)(enum dw_log_level level, const char *line, void *user);

struct dw_callbacks {
    dw_progress_fn progress;    /* may be NULL */
    dw_log_fn log;              /* may be NULL */
    void *user;
};

#ifdef __cplusplus
}
#endif
#endif
