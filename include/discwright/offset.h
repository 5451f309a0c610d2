/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: finding a drive's read offset.
 *
 * Two methods, as 'discwright offset' runs them:
 *
 * (a) AccurateRip key disc.  The database keeps, beside each track's CRC,
 *     the frame-450 checksum of every pressing submitted (REFERENCE.md).
 *     For each audio track of at least 451 sectors plus the search range,
 *     the sectors around frame 450 are read from the drive without any
 *     correction, and the v1 checksum is slid one sample at a time over
 *     them (dw_ar_frame450_search); a shift s at which it reproduces a
 *     pressing's value means the drive needs a read offset correction of s
 *     samples for that pressing.  The tracks vote; the shift most tracks
 *     agree on is the answer.  Different pressings of one album differ by
 *     their own shifts, so two shifts with the same number of tracks are
 *     reported as ambiguous (try another disc): audio alone cannot tell
 *     which pressing is in the drive.
 *
 * (b) Data track sync.  The 12-byte sync pattern that starts every data
 *     sector is found in what the drive returns for the data track's first
 *     sectors and for the audio sectors next to it; the header MSF after
 *     the sync names the sector, and its byte position against where that
 *     sector belongs gives the combined read + write offset of drive and
 *     pressing (redump.org's method).  Only a drive that delivers data
 *     sectors through its audio path (scrambled, unaligned) shows anything:
 *     most drives return data tracks descrambled and aligned to their sync,
 *     which is reported as "no evidence".  The combined offset equals the
 *     read offset only on a disc whose write offset is 0.
 */
#ifndef DISCWRIGHT_OFFSET_H
#define DISCWRIGHT_OFFSET_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/drive.h"
#include "discwright/errors.h"
#include "discwright/progress.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_ardb_opts;

/* Default search range each side, in samples: 5 sectors. */
#define DW_OFFSET_DEFAULT_RANGE (5 * 588)

/* Flags of struct dw_offset_find_opts. */
#define DW_OFFSET_NO_DATABASE 0x1u    /* skip method (a) */
#define DW_OFFSET_NO_DATA_TRACK 0x2u  /* skip method (b) */

struct dw_offset_find_opts {
    const struct dw_ardb_opts *accuraterip; /* database lookups; NULL: defaults */
    int32_t range_samples;      /* shifts searched each side; 0: the default;
                                   at most 450 * 588 */
    unsigned flags;             /* DW_OFFSET_* above; others must be 0 */
};

/* ---- the report of a search ----------------------------------------------
 * dw_offset_find fills a struct dw_offset_report: the typed record of the
 * evidence (each track's frame-450 matches and the vote, the data track's
 * syncs) and the answer, from which the library writes the evidence lines
 * and the JSON report.  It is opaque; read it with the accessors below
 * and free it with dw_offset_report_free.  A report is immutable once
 * dw_offset_find returned it: any number of threads may read it. */
struct dw_offset_report;

/* How an offset was established. */
enum dw_offset_method {
    DW_OFFSET_METHOD_NONE = 0,    /* none was */
    DW_OFFSET_METHOD_ACCURATERIP, /* (a): the key-disc vote */
    DW_OFFSET_METHOD_DATA_TRACK   /* (b): the combined read + write offset */
};

/* The method's name in the JSON report: "", "accuraterip", "data track";
 * static. */
DW_API const char *dw_offset_method_name(enum dw_offset_method m);

/* Free a report; NULL is a no-op. */
DW_API void dw_offset_report_free(struct dw_offset_report *rep);

/* The JSON report (schema "discwright-offset-report", version 1: all the
 * evidence, as `offset --json` prints it; for a failed search the parts it
 * reached and "error"), NUL-terminated, owned by rep (valid until
 * dw_offset_report_free).  NULL for rep NULL or when there was no memory
 * for it. */
DW_API const char *dw_offset_report_json(const struct dw_offset_report *rep);

/* Whether an offset was established, and the method that did. */
DW_API bool dw_offset_report_found(const struct dw_offset_report *rep);
DW_API enum dw_offset_method dw_offset_report_method(const struct dw_offset_report *rep);

/* The offset found, in samples: the read offset correction, AccurateRip's
 * sign (profile.h), or the combined read + write offset for
 * DW_OFFSET_METHOD_DATA_TRACK; 0 when none was found. */
DW_API int32_t dw_offset_report_offset_samples(const struct dw_offset_report *rep);

/* Counts of method (a).  New kinds are added at the end. */
enum dw_offset_count {
    DW_OFFSET_TRACKS_SEARCHED = 0, /* audio tracks whose frame 450 was searched */
    DW_OFFSET_TRACKS_AGREEING,     /* of them, those that matched at the best
                                      offset (also when it is ambiguous) */
    DW_OFFSET_CONFIDENCE           /* the database's confidence behind those
                                      matches (submissions, summed) */
};
/* The count `what`; 0 for an unknown one or rep NULL. */
DW_API int64_t dw_offset_report_count(const struct dw_offset_report *rep,
                                      enum dw_offset_count what);

/* One line: the answer, or why there is none ("" after a failure); owned
 * by rep. */
DW_API const char *dw_offset_report_summary(const struct dw_offset_report *rep);

/* The failure's message ("" unless the search failed); owned by rep. */
DW_API const char *dw_offset_report_error(const struct dw_offset_report *rep);

/* Find the read offset of drive with the disc in it by the methods above
 * (an image source is searched too: the answer is then the image's own
 * shift against the database).  Evidence lines go to cb->log (DW_LOG_INFO,
 * escaped as report.h says) as the search goes; cb may be NULL; callbacks
 * run on the calling thread.
 *
 * *report (report may be NULL) receives the report, which the caller frees
 * with dw_offset_report_free: after a search, and after a failure too
 * (then its JSON carries "error"); it stays NULL only when no report could
 * be made (DW_EINVAL, DW_ENOMEM).  Returns 0 when the search ran, whether
 * or not it found an offset (dw_offset_report_found); DW_EINVAL (NULL
 * drive, bad options), DW_ENOMEDIUM, DW_EMEDIUM (not a CD), DW_ENOMEM,
 * with err (may be NULL) set. */
DW_API int dw_offset_find(struct dw_drive *drive, const struct dw_offset_find_opts *opts,
                          const struct dw_callbacks *cb, struct dw_offset_report **report,
                          struct dw_error_detail *err);

#ifdef __cplusplus
}
#endif
#endif
