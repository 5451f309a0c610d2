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

struct dw_offset_result {
    bool found;                 /* an offset was established */
    int32_t offset_samples;     /* it (read offset correction, AccurateRip's sign) */
    /* "accuraterip" (key disc), "data track" (combined offset), or "". */
    char method[16];
    int tracks_searched;        /* (a): audio tracks whose frame 450 was searched */
    int tracks_agreeing;        /* (a): of them, those that matched at the offset */
    unsigned confidence;        /* (a): database confidence behind those matches */
    char summary[512];          /* one line: the answer, or why there is none */
    char *report_json;          /* all the evidence; the caller frees it with free() */
};

/* Find the read offset of drive with the disc in it by the methods above
 * (an image source is searched too: the answer is then the image's own
 * shift against the database).  Evidence lines go to cb->log as the
 * search goes (cb may be NULL).  *out is filled; the caller frees
 * out->report_json.  Returns 0 when the search ran, whether or not it found
 * an offset (out->found); DW_EINVAL (options), DW_ENOMEDIUM, DW_EMEDIUM (no
 * audio track and no data track to look at), DW_ENOMEM, with err (may be
 * NULL) set. */
DW_API int dw_offset_find(struct dw_drive *drive, const struct dw_offset_find_opts *opts,
                          const struct dw_callbacks *cb, struct dw_offset_result *out,
                          struct dw_error_detail *err);

#ifdef __cplusplus
}
#endif
#endif
