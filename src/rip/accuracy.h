/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the rip's read offset correction and its
 * AccurateRip and CTDB checks (src/rip/accuracy.c), hooked into rip.c,
 * paranoia.c and secure.c by a few calls:
 *
 *  - dw__rip_offset_setup once the drive and disc are known: decides the
 *    read offset (--offset, the drive table, or none; images never) and
 *    puts it in the report model and the log;
 *  - dw__rip_read_audio / dw__rip_read_audio_c2 / dw__rip_read_raw wherever
 *    audio is read from the drive: the offset layer (rip/offset.h) when an
 *    offset is set, plain dw_drive_read_raw(_c2) otherwise;
 *  - dw__rip_window_feed from dw__rip_feed_audio: keeps frame 450 +- 5
 *    frames of each audio track (26 KB a track) for the pressing search,
 *    and feeds the same audio to the CTDB disc and track CRCs
 *    (discwright/ctdb.h; a few hundred bytes however long the disc);
 *  - dw__rip_accuraterip after the checksums are final: zero-filled edges
 *    into the log and report, the database lookup (discwright/ardb.h),
 *    dw_ar_match per track, the frame-450 search for tracks that do not
 *    match, all into the report model (rip_report.h) and the log; then the
 *    CTDB lookup (dw_ctdb_lookup, skipped with DW_RIP_NO_ACCURATERIP, from
 *    the cache only when the AccurateRip options say offline) and
 *    dw_ctdb_match into the report model and the log ("CTDB: disc CRC
 *    5d2f0a1c, found (confidence N of M submissions, ...)", "not present
 *    in the database", "unavailable: why");
 *  - dw__rip_track_confirmed afterwards, for a verdict per track;
 *  - dw__rip_accuracy_release from the rip's clean-up. */
#ifndef DW_RIP_ACCURACY_H
#define DW_RIP_ACCURACY_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/drive.h"
#include "rip/rip_int.h"

/* Samples of frame-450 window kept each side: 5 sectors. */
#define DW_RIP_AR_WINDOW_SHIFT (5 * 588)

int dw__rip_offset_setup(struct dw__rip *r, const struct dw_drive_info *info, bool iso);
int dw__rip_read_audio(struct dw__rip *r, int32_t lba, int32_t sectors, uint8_t *buf);
int dw__rip_read_audio_c2(struct dw__rip *r, int32_t lba, int32_t sectors, uint8_t *buf,
                          uint8_t *c2);
/* Track t's sectors: audio through dw__rip_read_audio, data plainly. */
int dw__rip_read_raw(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t sectors,
                     uint8_t *buf);
/* `sectors` sectors of audio track r->ar[ar_index], the first being its
 * sector `track_sector` counted from INDEX 01. */
void dw__rip_window_feed(struct dw__rip *r, int ar_index, int32_t track_sector,
                         const uint8_t *buf, int32_t sectors);
void dw__rip_accuraterip(struct dw__rip *r);
/* Whether a database confirmed audio track track_number (the disc's
 * track number) after dw__rip_accuraterip: AccurateRip matched it (v1 or
 * v2, an entry with confidence >= 1) or CTDB did (its track CRC in an
 * entry, or the disc CRC, with confidence >= 1).  False for acc NULL, a
 * track neither confirmed (not in a database, not matching, database
 * unavailable or not asked) and numbers outside 1..99. */
bool dw__rip_track_confirmed(const struct dw__rip_accuracy *acc, int track_number);
void dw__rip_accuracy_release(struct dw__rip *r);

#endif
