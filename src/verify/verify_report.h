/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the verify's typed report model.
 *
 * One struct holds what a verify decided and found: the job, the two sides
 * (the source drive and its medium, the image), the comparison (unit,
 * where the image sits on the source, what was compared), the counts per
 * class, the ranges of sectors that did not match, and the verdict.  The
 * pipeline (verify.c) fills it; verify_report_json.c writes the JSON
 * report from it; library users see it as the opaque struct
 * dw_verify_report of verify.h, through the accessors of
 * verify_report.c.
 *
 * A part whose `have_` flag is false was not reached (the verify failed
 * before it) and is left out of the JSON.  Strings are owned by the model;
 * text from drives and file names is stored as given and escaped by the
 * serializer.
 *
 * Audio is compared with a read offset (have_offset: where it came from,
 * what the search found); each track of the image keeps its own counts
 * (tracks[]), the whole verify the sums.
 */
#ifndef DW_VERIFY_REPORT_H
#define DW_VERIFY_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/verify.h"

/* The JSON report's "schema" and "schema_version". */
#define DW_VERIFY_REPORT_SCHEMA "discwright-verify-report"
#define DW_VERIFY_REPORT_SCHEMA_VERSION 1

struct dw_verify_report {
    /* the job */
    char *command_line;       /* NULL when none was given */
    char finished[32];        /* UTC, "2024-05-01T12:00:00Z" */

    /* the sides */
    bool have_source;         /* source and medium are known */
    struct dw_drive_info source;
    struct dw_medium_info medium;
    bool have_image;          /* image is known */
    struct dw_drive_info image;

    /* the comparison; the counts and ranges below are meaningful when set */
    bool have_comparison;
    bool raw;                 /* raw 2352-byte sectors, else 2048-byte user data */
    int sector_bytes;
    int32_t source_lba;       /* where the image's first sector lies on the source */
    int64_t sectors;          /* sectors of the image's tracks */
    int64_t source_extra_sectors;
    int64_t match, miscompare, unreadable, untested;
    int64_t outside, samples_not_compared, edc_errors;
    struct dw_verify_range *ranges; /* in source LBA order, neighbours merged */
    int range_count, range_cap;
    bool q;                   /* the Q sub-channel was compared */
    int64_t q_compared, q_miscompare, q_not_compared;
    struct dw_verify_range *q_ranges; /* as ranges, of differing Q frames */
    int q_range_count, q_range_cap;
    struct dw_verify_track tracks[DW_MAX_TRACKS]; /* the image's, in order */
    int track_count;

    /* the read offset of audio; set when audio was compared */
    bool have_offset;
    int32_t offset_samples;   /* applied: image sample k ~ source k + this */
    enum dw_verify_offset_source offset_source;
    char offset_detail[512];
    int search;               /* -1 not run, 0 nothing fit, 1 found */
    int32_t search_samples;   /* the shift found (search 1) */
    int search_fits;          /* shifts that fit the block that decided */
    bool search_silent;       /* the image's audio is all silence */

    /* the verdict */
    enum dw_verify_verdict verdict;
    int exit_status;
    char error[512];          /* "" unless the verify failed */

    char *json;               /* the JSON report, made once when the verify ends */
};

/* A new empty report (verdict FAILED, exit status 1, source LBA -1 until
 * the verify says otherwise); NULL without memory.  src/verify/verify_report.c */
struct dw_verify_report *dw__verify_report_new(void);

/* Count one sector of class cls at source LBA lba, of rep->tracks[track]
 * (-1: of none), in the totals and the track's counts and, unless it
 * matched, add it to the ranges: to the last one when that has the same
 * class and track and ends just before lba, else as a new one; d (may be
 * NULL: no detail) gives the new range's first_diff_byte,
 * first_diff_sample and edc.  Returns 0 or DW_ENOMEM.
 * src/verify/verify_report.c */
int dw__verify_report_add(struct dw_verify_report *rep, int track, int32_t lba,
                          enum dw_sector_class cls, const struct dw_verify_range *d);

/* Count one Q frame of rep->tracks[track] at source LBA lba: compared
 * (equal or not: diff_byte >= 0 is the first differing byte) or not
 * compared; a differing one goes into the Q ranges as
 * dw__verify_report_add does.  0 or DW_ENOMEM.  src/verify/verify_report.c */
int dw__verify_report_add_q(struct dw_verify_report *rep, int track, int32_t lba,
                            bool compared, int32_t diff_byte);

/* The verdict and exit status from the counts, or FAILED with error when
 * error is not NULL; stamps "finished" and makes the JSON (rep->json stays
 * NULL without memory).  src/verify/verify_report.c */
void dw__verify_report_finish(struct dw_verify_report *rep, const char *error);

/* The JSON report of rep, pretty-printed; the caller frees it with free().
 * NULL without memory.  src/verify/verify_report_json.c */
char *dw__verify_report_to_json(const struct dw_verify_report *rep);

#endif
