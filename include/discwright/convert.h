/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: convert a disc or image into another image format.
 *
 * Every conversion goes through the disc model and the sector layer: the
 * source is a drive (a real one or any image dw_drive_open reads), its
 * layout (dw_drive_disc: pregaps, indexes, ISRC, MCN, CD-TEXT, sessions,
 * modes) is written by the format's own writer, and its sectors are read in
 * LBA order as raw 2352 bytes with their P-W sub-channel (MMC-6 6.19 READ
 * CD through dw_drive_read_raw_sub) in bounded chunks, so memory does not
 * grow with the disc.  Every output file is written as NAME.part and
 * renamed only when the whole set is written.
 */
#ifndef DISCWRIGHT_CONVERT_H
#define DISCWRIGHT_CONVERT_H

#include <stdint.h>
#include "discwright/version.h"
#include "discwright/errors.h"
#include "discwright/drive.h"
#include "discwright/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_convert_opts {
    /* What -o names: the main file of the output (NAME.cue, NAME.iso,
     * NAME.ccd, NAME.toc, NAME.chd, NAME.cso).  A known image extension
     * (.cue .bin .iso .ccd .img .sub .toc .chd .cso) is replaced by the
     * format's, otherwise the format's is appended; the other files of the
     * set are named after it (NAME.bin, "NAME (Track NN).bin", NAME.img,
     * NAME.sub) and the JSON report is NAME.json. */
    const char *output;
    /* "bincue", "split", "iso", "ccd", "toc", "chd", "cso"
     * (dw_convert_format_name); NULL: from output's extension (.cue
     * bincue, .iso, .ccd, .toc, .chd, .cso), else DW_EINVAL. */
    const char *format;
    const char *codec;          /* format-specific codec (chd: "cdlz", "cdzl",
                                   "cdfl", ...); NULL: the format's default */
    int level;                  /* compression level; -1: the format's default */
    int track;                  /* 0: the whole disc; N: track N alone (an ISO
                                   of one data track of a mixed-mode disc) */
    unsigned threads;           /* threads a compressing format may use; 0: one
                                   per core */
    const char *command_line;   /* recorded in the report; may be NULL */
    unsigned flags;             /* DW_CONVERT_* below; others must be 0 */
    /* Where the JSON report goes; NULL: NAME.json beside the output (`rip
     * --format` names it NAME.convert.json, beside the rip's NAME.json). */
    const char *report_path;
};

/* Do not read the output back.  Without it, the output is opened as a
 * drive when written and compared sector by sector with the source: raw
 * 2352 bytes (the 2048 bytes of user data for an ISO), and the Q
 * sub-channel where both carry their own. */
#define DW_CONVERT_NO_VERIFY 0x1u
/* Replace existing output files.  Without it any file of the set (or the
 * report) that exists refuses the conversion before anything is read
 * (DW_EEXIST).  An output that is one of the source's own files is refused
 * either way. */
#define DW_CONVERT_OVERWRITE 0x2u
/* Write no NAME.json (the report is still returned). */
#define DW_CONVERT_NO_REPORT_FILE 0x4u

struct dw_convert_report;

/* Convert what drive holds into opts->format.  Progress goes to
 * cb->progress (phase "convert", then "verify"); a non-zero return from it
 * stops the job (DW_EABORTED) and removes every .part: no output appears.
 * *report (may be NULL) gets the report, also on failure when the job got
 * as far as reading the source (NULL otherwise); the caller frees it with
 * dw_convert_report_free.  Returns 0 when the output was written (and,
 * unless DW_CONVERT_NO_VERIFY, read back identical), DW_EMISMATCH when it
 * was written but reads back different (the files stay; the report lists
 * the sectors), or: DW_EINVAL (bad options, an unknown format, a --track
 * the disc does not have), DW_EUNSUPPORTED (a format this build does not
 * write, or a disc the format cannot hold: an ISO of audio, a TOC of two
 * sessions), DW_EEXIST (outputs exist, or an output is an input), DW_EREAD
 * (a source sector does not read), DW_ENOSPC / DW_EIO (writing), DW_ENOMEM,
 * DW_EABORTED; err (may be NULL) says which file or LBA.  Not thread-safe
 * per drive. */
DW_API int dw_convert(struct dw_drive *drive, const struct dw_convert_opts *opts,
                      const struct dw_callbacks *cb, struct dw_convert_report **report,
                      struct dw_error_detail *err);

/* The formats, index 0 .. n-1: name ("bincue") into *name and a one-line
 * description into *summary (both static; either pointer may be NULL).
 * Formats not built into this library are left out.  Returns 0, or
 * DW_ERANGE past the last one. */
DW_API int dw_convert_format(int index, const char **name, const char **summary);

/* The report's JSON text (schema "discwright-convert-report" of
 * docs/report-schema.json); owned by the report. */
DW_API const char *dw_convert_report_json(const struct dw_convert_report *rep);

/* The exit status the program uses for this report: 0 written (and
 * verified identical), 1 failed, 4 written but different when read back. */
DW_API int dw_convert_report_exit_status(const struct dw_convert_report *rep);

/* Counters of a report. */
enum dw_convert_count {
    DW_CONVERT_SECTORS = 0,     /* sectors read from the source and written */
    DW_CONVERT_VERIFIED,        /* sectors compared when read back (0: no verify) */
    DW_CONVERT_MISCOMPARE,      /* of those, sectors whose bytes differ */
    DW_CONVERT_Q_MISCOMPARE     /* of those, sectors whose Q differs */
};
DW_API int64_t dw_convert_report_count(const struct dw_convert_report *rep,
                                       enum dw_convert_count which);

/* The main output file (the path -o resolved to, "x.cue"), the format's
 * name and the first differing LBA (DW_LBA_NONE when none); owned by the
 * report. */
DW_API const char *dw_convert_report_output(const struct dw_convert_report *rep);
DW_API const char *dw_convert_report_format(const struct dw_convert_report *rep);
DW_API int32_t dw_convert_report_first_mismatch_lba(const struct dw_convert_report *rep);

/* Free; NULL is a no-op. */
DW_API void dw_convert_report_free(struct dw_convert_report *rep);

#ifdef __cplusplus
}
#endif
#endif
