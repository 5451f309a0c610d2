/* SPDX-License-Identifier: GPL-3.0-or-later */
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
    DW_CLASS_UNTESTED,     /* not reached (the job stopped first) */
    DW_CLASS_OUTSIDE       /* audio: every sample of the sector lies, after
                              the read offset shift, outside the source's
                              audio (lead-in, lead-out or a data track side):
                              nothing to compare, not an error */
};

/* Classify one sector: read_rc is the status of reading it from the source
 * (0 = read), got and want are `bytes` long.  On a miscompare
 * *first_diff_byte (may be NULL) gets the offset of the first differing
 * byte, else -1.  Pure. */
DW_API enum dw_sector_class dw_verify_classify(int read_rc, const uint8_t *got,
                                               const uint8_t *want, size_t bytes,
                                               int32_t *first_diff_byte);

/* Name of a class: "match", "miscompare", "unreadable", "untested",
 * "outside"; static. */
DW_API const char *dw_sector_class_name(enum dw_sector_class c);

/* Flags of struct dw_verify_opts. */
#define DW_VERIFY_READ_OFFSET 0x1u /* compare audio with opts->read_offset_samples
                                      instead of the drive's known offset or
                                      the one the search finds */
#define DW_VERIFY_SUBCHANNEL_Q 0x2u /* also read the Q sub-channel of every
                                      sector from both sides
                                      (dw_drive_read_q_frames) and compare the
                                      frames whose CRC is valid on both: for a
                                      disc burned RAW, whose Q came from the
                                      image */

struct dw_verify_opts {
    int32_t source_lba;      /* where the image starts on the source; -1: the
                                first data track (ISO) or the first track
                                (BIN/CUE) of the source */
    int retries;             /* re-reads of an unreadable sector; -1: 2 */
    const char *command_line;/* recorded in the report; may be NULL */
    unsigned flags;          /* DW_VERIFY_* above; other bits DW_EINVAL */
    int32_t read_offset_samples; /* with DW_VERIFY_READ_OFFSET: the offset
                                    correction of the source's audio, in
                                    samples, AccurateRip's sign (profile.h),
                                    -DW_VERIFY_MAX_OFFSET..DW_VERIFY_MAX_OFFSET */
};

/* Largest read offset, in samples, either way: 10 sectors. */
#define DW_VERIFY_MAX_OFFSET (10 * 588)
/* Shifts the search tries either way, in samples: 5 sectors. */
#define DW_VERIFY_SEARCH_SAMPLES (5 * 588)

/* A run of neighbouring sectors of one class other than match (and of one
 * track). */
struct dw_verify_range {
    int32_t first_lba, last_lba;     /* on the source */
    enum dw_sector_class cls;
    int32_t first_diff_byte;         /* miscompare: offset in the first sector
                                        (audio: in the sector as corrected by
                                        the read offset), else -1 */
    /* Fields added after the first version (see dw_verify_report_range): */
    int32_t first_diff_sample;       /* audio miscompare: first_diff_byte / 4,
                                        the stereo sample 0..587; else -1 */
    int track;                       /* the image's track number */
    int edc;                         /* data miscompare: 1 when the source
                                        sector fails its own EDC/ECC check
                                        (ECMA-130 Annex A: damaged on the way),
                                        0 when it passes (the disc holds another
                                        valid sector); -1 audio and others */
};

/* ---- the report of a verify -----------------------------------------------
 * dw_verify fills a struct dw_verify_report: the typed record of what the
 * comparison found, from which the library writes the JSON report.  It is
 * opaque; read it with the accessors below and free it with
 * dw_verify_report_free.  A report is immutable once dw_verify returned
 * it: any number of threads may read it. */
struct dw_verify_report;

/* What a verify proved (the JSON's "verdict"), and the exit status the
 * program uses for it. */
enum dw_verify_verdict {
    DW_VERIFY_VERDICT_IDENTICAL = 0, /* "identical": every sector matched (0) */
    DW_VERIFY_VERDICT_MISMATCH,      /* "mismatch": some sectors differ (4) */
    DW_VERIFY_VERDICT_UNREADABLE,    /* "unreadable sectors": none differs, some
                                        could not be read (3) */
    DW_VERIFY_VERDICT_FAILED         /* "failed": dw_verify returned an error (1) */
};

/* Free a report; NULL is a no-op. */
DW_API void dw_verify_report_free(struct dw_verify_report *rep);

/* The JSON report (schema "discwright-verify-report", version 1: the
 * object `verify --json` prints; for a failed verify with "error" and
 * "exit_status" 1, and without the parts it did not reach),
 * NUL-terminated, owned by rep (valid until dw_verify_report_free).  NULL
 * for rep NULL or when there was no memory for it. */
DW_API const char *dw_verify_report_json(const struct dw_verify_report *rep);

/* The verdict and its exit status: 0 identical, 4 mismatch, 3 unreadable
 * (or untested) sectors, 1 failed.  rep NULL: FAILED, 1. */
DW_API enum dw_verify_verdict dw_verify_report_verdict(const struct dw_verify_report *rep);
DW_API int dw_verify_report_exit_status(const struct dw_verify_report *rep);

/* The failure's message ("" unless the verify failed); owned by rep. */
DW_API const char *dw_verify_report_error(const struct dw_verify_report *rep);

/* Counts of a verify, in sectors (ranges: in ranges).  New kinds are
 * added at the end. */
enum dw_verify_count {
    DW_VERIFY_SECTORS = 0,        /* sectors of the image's tracks: what is
                                     compared (gaps between sessions are not) */
    DW_VERIFY_MATCH,              /* read and equal */
    DW_VERIFY_MISCOMPARE,         /* read, but different */
    DW_VERIFY_UNREADABLE,         /* the source could not deliver them */
    DW_VERIFY_UNTESTED,           /* not reached: the verify was stopped */
    DW_VERIFY_SOURCE_EXTRA_SECTORS, /* on the source after the image (padding,
                                     run-out): not compared */
    DW_VERIFY_RANGES,             /* ranges of non-matching sectors */
    DW_VERIFY_OUTSIDE,            /* audio sectors with no sample to compare
                                     (DW_CLASS_OUTSIDE) */
    DW_VERIFY_SAMPLES_NOT_COMPARED, /* audio samples (4 bytes) whose source
                                     position, after the read offset shift,
                                     lies outside the source's audio: the few
                                     at the disc's edges; not differences */
    DW_VERIFY_EDC_ERRORS,         /* miscompared data sectors whose source copy
                                     fails its EDC/ECC check */
    DW_VERIFY_TRACKS,             /* tracks in the per-track list */
    /* With DW_VERIFY_SUBCHANNEL_Q, in Q frames (one a sector): */
    DW_VERIFY_Q_COMPARED,         /* CRC-valid on both sides, compared */
    DW_VERIFY_Q_MISCOMPARE,       /* of them, different (the verdict is then
                                     a mismatch) */
    DW_VERIFY_Q_NOT_COMPARED,     /* a CRC that fails on either side (or a
                                     frame the source did not deliver), or an
                                     MCN/ISRC frame (ADR 2/3) facing another
                                     ADR: encoders place those freely */
    DW_VERIFY_Q_RANGES            /* ranges of differing Q frames */
};
/* The count `what`; 0 for an unknown one, for rep NULL, and for a verify
 * that failed before it compared anything. */
DW_API int64_t dw_verify_report_count(const struct dw_verify_report *rep,
                                      enum dw_verify_count what);

/* The LBA on the source where the comparison started (the image's first
 * sector); -1 when the verify failed before it was known. */
DW_API int32_t dw_verify_report_source_lba(const struct dw_verify_report *rep);

/* Bytes compared a sector: 2048 (user data: an ISO image, or a source
 * without raw sectors) or 2352 (raw sectors); 0 when the verify failed
 * before it decided. */
DW_API int dw_verify_report_sector_bytes(const struct dw_verify_report *rep);

/* Range i, 0 .. dw_verify_report_count(DW_VERIFY_RANGES) - 1, in source
 * LBA order, into *out.  out_bytes is sizeof(*out) as the caller was
 * compiled (later versions may add fields at the end of struct
 * dw_verify_range; only out_bytes are written).  Returns 0, DW_ERANGE for
 * i out of range, DW_EINVAL for out NULL or out_bytes smaller than the
 * first version of the struct. */
DW_API int dw_verify_report_range(const struct dw_verify_report *rep, int i,
                                  struct dw_verify_range *out, size_t out_bytes);

/* Where the read offset a verify applied to audio came from. */
enum dw_verify_offset_source {
    DW_VERIFY_OFFSET_NONE = 0,  /* "none": no audio was compared */
    DW_VERIFY_OFFSET_IMAGE,     /* "image": the source is an image file, whose
                                   audio is stored as ripped: 0 */
    DW_VERIFY_OFFSET_OPTION,    /* "option": opts (--offset) */
    DW_VERIFY_OFFSET_PROFILE,   /* "profile": the drive's profile
                                   (drive_profile.h read_offset_samples) */
    DW_VERIFY_OFFSET_TABLE,     /* "table": the drive offset tables (profile.h) */
    DW_VERIFY_OFFSET_FOUND,     /* "found": by sliding the first non-silent
                                   audio of the image against the source */
    DW_VERIFY_OFFSET_NOT_FOUND  /* "not found": unknown and the search found
                                   no shift (silent audio, or the audio
                                   differs): compared at 0 */
};

/* The name in quotes above; static, "none" for values out of range. */
DW_API const char *dw_verify_offset_source_name(enum dw_verify_offset_source s);

/* The read offset the verify applied to the source's audio, in samples
 * (AccurateRip's sign: source sample k + N was compared with image sample
 * k), and where it came from; *detail (may be NULL) gets one line saying
 * more (the table file and line, how many shifts the search found fitting,
 * why none did), owned by rep.  For rep NULL or a verify that compared no
 * audio: 0 and DW_VERIFY_OFFSET_NONE.  When the offset came from the
 * drive, a profile or the option, the search still ran (a drive source with
 * audio) and dw_verify_report_offset_search tells what it found. */
DW_API int32_t dw_verify_report_offset(const struct dw_verify_report *rep,
                                       enum dw_verify_offset_source *source,
                                       const char **detail);

/* What the search found when it ran: 1 with *samples the combined read +
 * write offset of the source's audio against the image, 0 when it found
 * none, -1 when it did not run (an image source, no audio, or a verify that
 * stopped first). */
DW_API int dw_verify_report_offset_search(const struct dw_verify_report *rep,
                                          int32_t *samples);

/* One track of the image as the verify compared it. */
struct dw_verify_track {
    int number;                 /* the image's track number */
    bool audio;                 /* compared with the read offset (else raw or
                                   user data) */
    int64_t sectors, match, miscompare, unreadable, untested, outside;
    int64_t samples_not_compared; /* audio: see DW_VERIFY_SAMPLES_NOT_COMPARED */
    int64_t edc_errors;         /* see DW_VERIFY_EDC_ERRORS */
    int64_t q_compared, q_miscompare, q_not_compared; /* see DW_VERIFY_Q_* */
};

/* Track i, 0 .. dw_verify_report_count(DW_VERIFY_TRACKS) - 1, in the
 * image's order, into *out (out_bytes: sizeof(*out) as the caller was
 * compiled; only that much is written).  0, DW_ERANGE for i out of range,
 * DW_EINVAL for out NULL or out_bytes too small for the number and counts. */
DW_API int dw_verify_report_track(const struct dw_verify_report *rep, int i,
                                  struct dw_verify_track *out, size_t out_bytes);

/* Range i, 0 .. dw_verify_report_count(DW_VERIFY_Q_RANGES) - 1, of
 * sectors whose Q frames differ (cls DW_CLASS_MISCOMPARE, first_diff_byte
 * the first differing byte of the 12-byte frame of first_lba, track;
 * first_diff_sample and edc -1), as dw_verify_report_range. */
DW_API int dw_verify_report_q_range(const struct dw_verify_report *rep, int i,
                                    struct dw_verify_range *out, size_t out_bytes);

/* Compare source with image (opened as drives: an ISO image is compared as
 * 2048-byte user data, a BIN/CUE, TOC or NRG as raw 2352-byte sectors),
 * exactly over the image's tracks from opts->source_lba.  Each source
 * sector is read with the transfer that covers it and, when that fails,
 * alone again until a read succeeds, opts->retries times at most (at
 * least once); then classified (dw_verify_classify).
 *
 * Audio sectors of a raw comparison are compared with the source's read
 * offset corrected (REFERENCE-2 "Write offset, combined offset,
 * verification"): opts->read_offset_samples with DW_VERIFY_READ_OFFSET,
 * else 0 for an image source, else the drive's profile, else the drive
 * offset tables; when none is known, the shift (within
 * DW_VERIFY_SEARCH_SAMPLES either way) at which the first non-silent audio
 * of the image equals the source's (dw_verify_report_offset).  Image
 * sample k is compared with source sample k + offset; samples whose source
 * position falls outside the source's audio are counted
 * (DW_VERIFY_SAMPLES_NOT_COMPARED), never differences.  A data sector that
 * differs is checked with dw_sector_check (ECMA-130 Annex A EDC/ECC).
 * cb may be NULL: progress gets phase "verify"
 * (at most five times a second, and at the end); a non-zero return stops
 * the verify (the rest is "untested", DW_EABORTED).  Callbacks run on the
 * calling thread.
 *
 * *report (report may be NULL) receives the report, which the caller frees
 * with dw_verify_report_free: after a success and after a failure too
 * (then its verdict is DW_VERIFY_VERDICT_FAILED and its JSON carries
 * "error"); it stays NULL only when no report could be made (DW_EINVAL
 * for bad arguments, DW_ENOMEM).  Returns 0 when the comparison ran to the
 * end, whatever it found (see the verdict), or DW_E* with err (may be
 * NULL) set: DW_EINVAL (NULL drive, unknown flags, an offset out of
 * range), DW_EUNSUPPORTED (also: DW_VERIFY_SUBCHANNEL_Q with a source that
 * returns no sub-channel data or a comparison of user data) (an
 * image with audio tracks against a source without raw sectors),
 * DW_ENOMEDIUM, DW_EABORTED, DW_ENOMEM, or the image's read error (a
 * sector the image cannot serve is a broken image, not a difference). */
DW_API int dw_verify(struct dw_drive *source, struct dw_drive *image,
                     const struct dw_verify_opts *opts, const struct dw_callbacks *cb,
                     struct dw_verify_report **report, struct dw_error_detail *err);

#ifdef __cplusplus
}
#endif
#endif
