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
 * Room for the offset-aware verify of audio (per track: sectors matched,
 * miscompared and unreadable, the read offset used and whether it was
 * known or found, samples outside the medium): a section of its own here
 * (`have_tracks` + an array, `have_read_offset` + a struct, as the rip's
 * model has them), new dw_verify_count kinds at the end of the public
 * enum, and a track accessor beside dw_verify_report_range.  Nothing of
 * the public API has to change for it.
 */
#ifndef DW_VERIFY_REPORT_H
#define DW_VERIFY_REPORT_H

#include <stdbool.h>
#include <stdint.h>
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
    struct dw_verify_range *ranges; /* in source LBA order, neighbours merged */
    int range_count, range_cap;

    /* the verdict */
    enum dw_verify_verdict verdict;
    int exit_status;
    char error[512];          /* "" unless the verify failed */

    char *json;               /* the JSON report, made once when the verify ends */
};

/* A new empty report (verdict FAILED, exit status 1, source LBA -1 until
 * the verify says otherwise); NULL without memory.  src/verify/verify_report.c */
struct dw_verify_report *dw__verify_report_new(void);

/* Count one sector of class cls at source LBA lba (first_diff_byte: the
 * miscompare's first differing byte, else -1) and, unless it matched, add
 * it to the ranges: to the last one when that has the same class and ends
 * just before lba, else as a new one (first_diff_byte is the new range's).
 * Returns 0 or DW_ENOMEM.  src/verify/verify_report.c */
int dw__verify_report_add(struct dw_verify_report *rep, int32_t lba, enum dw_sector_class cls,
                          int32_t first_diff_byte);

/* The verdict and exit status from the counts, or FAILED with error when
 * error is not NULL; stamps "finished" and makes the JSON (rep->json stays
 * NULL without memory).  src/verify/verify_report.c */
void dw__verify_report_finish(struct dw_verify_report *rep, const char *error);

/* The JSON report of rep, pretty-printed; the caller frees it with free().
 * NULL without memory.  src/verify/verify_report_json.c */
char *dw__verify_report_to_json(const struct dw_verify_report *rep);

#endif
