/* discwright: verifying a disc (or a burned file) against its image.
 *
 * Compares exactly the image's length from the track start, so padding and
 * TAO run-out blocks after it are never errors (REFERENCE.md "Verifying a
 * burn").  Every sector is classified; differences are reported as LBA
 * ranges with the first differing byte.
 */
#ifndef DISCWRIGHT_VERIFY_H
#define DISCWRIGHT_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "discwright/version.h"
#include "discwright/errors.h"
#include "discwright/drive.h"
#include "discwright/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dw_sector_class {
    DW_CLASS_MATCH = 0,    /* read and equal */
    DW_CLASS_MISCOMPARE,   /* read, but different */
    DW_CLASS_UNREADABLE,   /* the source could not deliver it */
    DW_CLASS_UNTESTED      /* not reached (the job stopped first) */
};

/* Classify one sector: read_rc is the status of reading it from the source
 * (0 = read), got and want are `bytes` long.  On a miscompare
 * *first_diff_byte (may be NULL) gets the offset of the first differing
 * byte, else -1.  Pure. */
DW_API enum dw_sector_class dw_verify_classify(int read_rc, const uint8_t *got,
                                               const uint8_t *want, size_t bytes,
                                               int32_t *first_diff_byte);

/* Name of a class: "match", "miscompare", "unreadable", "untested"; static. */
DW_API const char *dw_sector_class_name(enum dw_sector_class c);

struct dw_verify_opts {
    int32_t source_lba;      /* where the image starts on the source; -1: the
                                first data track (ISO) or the first track
                                (BIN/CUE) of the source */
    int retries;             /* re-reads of an unreadable sector; -1: 2 */
    const char *command_line;/* recorded in the report; may be NULL */
    unsigned flags;          /* must be 0 */
};

struct dw_verify_range {
    int32_t first_lba, last_lba;     /* on the source */
    enum dw_sector_class cls;
    int32_t first_diff_byte;         /* miscompare: offset in the first sector */
};

struct dw_verify_result {
    int64_t sectors_total;   /* sectors of the image */
    int64_t match, miscompare, unreadable, untested;
    int64_t source_extra_sectors; /* source sectors after the image, not compared */
    int32_t source_lba;      /* where the comparison started */
    int sector_bytes;        /* 2048 (user data) or 2352 (raw) */
    struct dw_verify_range *ranges; /* every non-match range; owned by the result */
    int range_count;
    char *report_json;       /* owned by the result */
};

/* Compare source with image (opened as drives: an ISO image is compared as
 * 2048-byte user data, a BIN/CUE, TOC or NRG as raw 2352-byte sectors).
 * cb may be NULL.  Returns 0 when the comparison ran to the end (whatever
 * it found: see result), or DW_E* with err set: DW_EUNSUPPORTED (raw image
 * against a source without raw sectors), DW_ENOMEDIUM, DW_EABORTED.  The
 * caller releases result with dw_verify_result_release. */
DW_API int dw_verify(struct dw_drive *source, struct dw_drive *image,
                     const struct dw_verify_opts *opts, const struct dw_callbacks *cb,
                     struct dw_verify_result *result, struct dw_error_detail *err);

/* Free what a result owns; the struct itself is the caller's. */
DW_API void dw_verify_result_release(struct dw_verify_result *result);

#ifdef __cplusplus
}
#endif
#endif
