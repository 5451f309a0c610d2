/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: describing discs and results for people and programs. */
#ifndef DISCWRIGHT_REPORT_H
#define DISCWRIGHT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "discwright/version.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The disc layout as JSON text (sessions, tracks with mode, control flags,
 * indexes as LBA and MSF, pregap sectors, ISRC, CD-TEXT; MCN; lead-out).
 * Returns a string the caller frees with free(), or NULL without memory. */
DW_API char *dw_disc_to_json(const struct dw_disc *disc);

/* The drive and medium (either may be NULL) and the disc (may be NULL) as
 * one JSON object text, as `discwright info --json` prints it; the caller
 * frees it with free(). */
DW_API char *dw_info_to_json(const struct dw_drive_info *drive,
                             const struct dw_medium_info *medium, const struct dw_disc *disc);

/* As dw_info_to_json, with each session of disc carrying "volume_id":
 * volume_ids[i] for session i (disc->session_count entries; the ISO 9660
 * volume identifier as dw_drive_volume_id gives it: printable UTF-8 kept,
 * anything else as dw_text_escape writes it, then JSON-escaped), or
 * null where volume_ids[i] is NULL (an audio session, or no ISO 9660
 * volume).  volume_ids NULL is dw_info_to_json.  The caller frees the
 * text with free(); NULL without memory. */
DW_API char *dw_info_to_json_volumes(const struct dw_drive_info *drive,
                                     const struct dw_medium_info *medium,
                                     const struct dw_disc *disc,
                                     const char *const *volume_ids);

/* The drives dw_drive_list found (count entries of list) as a JSON array,
 * as `drives --json` prints it: per drive an object with "address",
 * "vendor", "model", "firmware" (the INQUIRY strings as the drive gave
 * them, SPC-4 6.6) and "medium_loaded".  Returns a pretty-printed text
 * the caller frees with free(); NULL for list NULL with count > 0, a
 * negative count, or without memory.  Thread-safe. */
DW_API char *dw_drive_list_to_json(const struct dw_drive_info *list, int count);

/* Write the disc layout as a human-readable table (one line per track:
 * number, session, mode, flags, INDEX 00/01 as MSF and LBA, length, ISRC;
 * then CD-TEXT and the MCN), the disc's text escaped as dw_text_escape
 * says, so the table is safe for a terminal or a log.  Returns 0 or
 * DW_EIO. */
DW_API int dw_disc_write_text(const struct dw_disc *disc, FILE *out);

/* Names of a disc status ("blank", "appendable", "closed", ...); static. */
DW_API const char *dw_disc_status_name(enum dw_disc_status status);

/* "AUDIO", "MODE1", "MODE2", "MODE2 XA"; static. */
DW_API const char *dw_track_mode_name(enum dw_track_mode mode);

/* ---- text from discs and files -------------------------------------------
 * CD-TEXT, ISRCs, file names inside images, strings in drive answers: data,
 * never structure.  Before such text reaches a log line or a terminal it is
 * escaped: C0 control characters (U+0000-U+001F, so also CR, LF, ESC),
 * DEL, C1 control characters (U+0080-U+009F) and bytes that are not valid
 * UTF-8 (RFC 3629) become "\xNN", one per byte; everything else (printable
 * ASCII, valid UTF-8) is kept as it is.  The JSON report escapes by JSON's
 * own rules; cue sheets and file names have rules of their own (disc.h,
 * dw_cue_write). */

/* Escape NUL-terminated in into out (out_bytes including the NUL; out may
 * be NULL with out_bytes 0 to measure).  Returns the length of the whole
 * escaped text, like snprintf: out holds all of it when that is less than
 * out_bytes, else as much as fits.  Thread-safe. */
DW_API size_t dw_text_escape(const char *in, char *out, size_t out_bytes);

/* True when dw_text_escape would leave in unchanged. */
DW_API bool dw_text_is_clean(const char *in);

/* ---- signed logs ---------------------------------------------------------
 * A rip log ends with one signature line holding the SHA-256 of every byte
 * of the file before that line (all lines above it, each with its "\n"):
 *     ==== SHA-256 of the log above: <64 lowercase hex digits> ====\n
 * Nothing may follow it.  No key, no obfuscation: anyone can recompute it,
 * e.g. `sed '$d' NAME.log | sha256sum`; it shows that the log is the one
 * the program wrote, not who wrote it. */
#define DW_LOG_SIGNATURE_PREFIX "==== SHA-256 of the log above: "
#define DW_LOG_SIGNATURE_SUFFIX " ===="
/* Bytes of a signature line with its "\n", and room for its NUL. */
#define DW_LOG_SIGNATURE_LINE_BYTES (sizeof(DW_LOG_SIGNATURE_PREFIX) - 1 + 64 + \
                                     sizeof(DW_LOG_SIGNATURE_SUFFIX) - 1 + 1)

/* The signature line (with its "\n", NUL-ended) for `bytes` bytes of log
 * text, which should end with "\n", into line.  Returns 0 or DW_ENOMEM. */
DW_API int dw_log_signature(const void *text, size_t bytes,
                            char line[DW_LOG_SIGNATURE_LINE_BYTES + 1]);

enum dw_log_verdict {
    DW_LOG_GOOD = 0,   /* the signature matches the text above it */
    DW_LOG_MODIFIED,   /* it does not, the signature line is damaged, or text
                          follows it */
    DW_LOG_UNSIGNED    /* no signature line */
};

struct dw_log_check {
    enum dw_log_verdict verdict;
    char signed_sha256[65];   /* from the signature line; "" when there is
                                 none or it is damaged */
    char actual_sha256[65];   /* of the bytes before the signature line (of
                                 the whole file when there is none) */
    int64_t signed_bytes;     /* bytes before the signature line */
    int64_t trailing_bytes;   /* bytes after the signature line's "\n" */
    char reason[160];         /* for DW_LOG_MODIFIED and DW_LOG_UNSIGNED */
};

/* Check the signature of `bytes` bytes of a log in memory: the last
 * occurrence of DW_LOG_SIGNATURE_PREFIX starts the signature line, which
 * must start a line, be well formed and end the text; the SHA-256 of the
 * bytes before it must be the one it holds.  Fills *out; returns 0
 * (whatever the verdict) or DW_ENOMEM. */
DW_API int dw_log_verify_text(const void *text, size_t bytes, struct dw_log_check *out);

/* The same for a log file, read in bounded blocks.  Returns 0 (see
 * out->verdict), or DW_ENOENT / DW_EACCES / DW_EIO when the file cannot be
 * read, with err (may be NULL) naming it. */
DW_API int dw_log_verify(const char *path, struct dw_log_check *out,
                         struct dw_error_detail *err);

/* A log check as JSON, as `checklog --json` prints it: "command":
 * "checklog", "log" (log_path; null when NULL), "verdict" ("good",
 * "modified", "unsigned"), "signed_sha256" (null when there is none),
 * "actual_sha256", "signed_bytes", "trailing_bytes", "reason" (null when
 * there is none) and "exit_status" (the program's, as given).  Returns a
 * pretty-printed text the caller frees with free(); NULL for check NULL or
 * without memory.  Thread-safe. */
DW_API char *dw_log_check_to_json(const char *log_path, const struct dw_log_check *check,
                                  int exit_status);

#ifdef __cplusplus
}
#endif
#endif
