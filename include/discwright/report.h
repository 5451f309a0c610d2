/* discwright: describing discs and results for people and programs. */
#ifndef DISCWRIGHT_REPORT_H
#define DISCWRIGHT_REPORT_H

#include <stdio.h>
#include "discwright/version.h"
#include "discwright/disc.h"
#include "discwright/drive.h"

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

/* Write the disc layout as a human-readable table (one line per track:
 * number, session, mode, flags, INDEX 00/01 as MSF and LBA, length, ISRC;
 * then CD-TEXT and the MCN).  Returns 0 or DW_EIO. */
DW_API int dw_disc_write_text(const struct dw_disc *disc, FILE *out);

/* Names of a disc status ("blank", "appendable", "closed", ...); static. */
DW_API const char *dw_disc_status_name(enum dw_disc_status status);

/* "AUDIO", "MODE1", "MODE2", "MODE2 XA"; static. */
DW_API const char *dw_track_mode_name(enum dw_track_mode mode);

#ifdef __cplusplus
}
#endif
#endif
