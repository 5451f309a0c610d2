/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: the disc layout and the Q sub-channel.
 *
 * A CD's TOC gives only where each track's INDEX 01 is.  Pregaps (INDEX
 * 00), further indexes, ISRCs, the MCN and the pre-emphasis flag live in
 * the Q sub-channel of the program area (ECMA-130 cl. 22.3, IEC 60908
 * 17.5).  dw_disc_qscan refines a disc from a drive's Q with a bounded
 * number of reads.  (dw_disc_synth_q and dw_disc_synth_pw, the sub-channel
 * a layout carries, are in disc.h.)
 */
#ifndef DISCWRIGHT_QSCAN_H
#define DISCWRIGHT_QSCAN_H

#include <stdint.h>
#include <stdbool.h>
#include "discwright/version.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds of a scan.  Zero fields take the defaults. */
struct dw_qscan_opts {
    int32_t isrc_frames;   /* good Q frames read at most per audio track for
                              its ISRC and the MCN, and never more than twice
                              this many in all (default 200, at least 100) */
    int64_t max_frames;    /* Q frames read at most by the whole scan
                              (default 200 per track + 2000) */
    double max_seconds;    /* time limit of the whole scan (default 180) */
    unsigned flags;        /* must be 0 */
};

/* What the scan found out about a track boundary. */
enum dw_qscan_boundary {
    DW_QSCAN_NOT_SEARCHED = 0, /* track 1, the first track of a later session,
                                  or the scan stopped before it */
    DW_QSCAN_FOUND,            /* found: the frames on both sides read good,
                                  and read again to confirm it (unless the
                                  second reads came back bad) */
    DW_QSCAN_UNCERTAIN         /* frames around it did not read or had bad CRCs:
                                  the boundary lies in a range (see below) */
};

struct dw_qscan_track {
    int number;
    enum dw_qscan_boundary pregap;
    int32_t toc_pregap_lba;     /* INDEX 00 before the scan, or DW_LBA_NONE */
    int32_t pregap_lba;         /* INDEX 00 found, DW_LBA_NONE: no pregap */
    int32_t uncertain_sectors;  /* DW_QSCAN_UNCERTAIN: the boundary may also lie
                                   in this many sectors before the one taken
                                   (the first sector Q showed in the pregap,
                                   or INDEX 01) */
    int indexes;                /* INDEX 02 and up found (index_count - 2) */
    bool indexes_uncertain;     /* an index search ended uncertain */
    char toc_isrc[13];          /* the ISRC before the scan (READ SUB-CHANNEL) */
    int isrc_votes;             /* good ADR 3 frames agreeing on the ISRC found */
    int isrc_frames_read;       /* Q frames read for the ISRC and MCN */
    bool isrc_from_q;           /* the track's ISRC is now what Q says (set or
                                   confirmed, or cleared after 100 good frames
                                   without one) */
    int pre_emphasis_votes;     /* good ADR 1 frames with / without the */
    int no_pre_emphasis_votes;  /* pre-emphasis bit of CONTROL */
    int64_t q_frames;           /* Q frames read for this track */
};

struct dw_qscan_result {
    char q_source[64];          /* dw_drive_q_source after the scan */
    int64_t q_frames;           /* Q frames read in all */
    int64_t read_requests;      /* dw_drive_read_q_frames calls */
    int64_t bad_crc_frames;     /* frames whose CRC did not match (after the
                                   drive's formatted Q / raw P-W fallback) */
    int64_t unreadable_frames;  /* frames whose sector did not read */
    int64_t misplaced_frames;   /* good frames whose absolute time was not the
                                   sector asked for (ignored) */
    int64_t conflicts;          /* good frames that contradicted others */
    int pregaps_found;          /* boundaries with a pregap (found or uncertain) */
    int boundaries_uncertain;
    int indexes_found;          /* INDEX 02+ over all tracks */
    int isrcs_found;            /* tracks with an ISRC from Q */
    char toc_mcn[14];           /* the MCN before the scan */
    int mcn_votes;              /* good ADR 2 frames agreeing on the MCN found */
    bool mcn_from_q;
    double seconds;
    bool stopped;               /* the frame budget or the time limit ran out */
    char stop_reason[128];      /* why, when stopped */
    int track_count;
    struct dw_qscan_track tracks[DW_MAX_TRACKS]; /* in disc order */
};

/* Refine disc (a layout from drive's TOC, such as a dw_disc_clone of
 * dw_drive_disc) from the Q sub-channel read through drive:
 *  - each track boundary inside a session (not track 1, whose LBA 0..INDEX
 *    01 is kept as INDEX 00 for the hidden track, nor a session's first
 *    track): the first sector whose Q shows the track (INDEX 00) is
 *    searched between the previous track's last index and the track's
 *    INDEX 01 with a few probes (1 and 150 sectors before INDEX 01, then
 *    bisection), each reading 4 frames; frames with a bad CRC or an
 *    absolute time that is not theirs are skipped, probes move past them,
 *    and the final pair of frames is read again to confirm it;
 *  - INDEX 02 and up: the index Q shows at the end of each track (read
 *    anyway by the boundary search) tells whether there are more; each is
 *    searched the same way;
 *  - ISRC of each audio track and the MCN: frames from INDEX 01 on, 25 at a
 *    time, until two frames agree (or one agrees with the TOC's value), or
 *    100 good frames in a row hold none (200 if the TOC claims one: then
 *    the ISRC is cleared), or opts->isrc_frames good frames were read; a
 *    value with more votes than all others wins; without votes the TOC's
 *    value stays;
 *  - pre-emphasis: CONTROL bit 0 of the track's frames, by majority, or
 *    the TOC's flag.
 * Then dw_disc_finish.  cb (may be NULL) gets progress as phase "qscan".
 * Reads stop at opts->max_frames or opts->max_seconds, or when the first
 * 24 reads bring no good frame (result->stopped, stop_reason); what was
 * not searched keeps the TOC's layout.  disc is changed only on success.
 * *result is filled in any case.  Returns 0 (also when stopped), DW_EINVAL (flags, no tracks),
 * DW_EUNSUPPORTED (the drive returns no sub-channel data: disc unchanged),
 * DW_ENOMEDIUM, DW_EABORTED (the progress callback said stop); the drive's
 * last error has the detail. */
DW_API int dw_disc_qscan(struct dw_drive *drive, struct dw_disc *disc,
                         const struct dw_qscan_opts *opts, const struct dw_callbacks *cb,
                         struct dw_qscan_result *result);

/* Short name of a boundary result: "not searched", "found", "uncertain";
 * static. */
DW_API const char *dw_qscan_boundary_name(enum dw_qscan_boundary b);

#ifdef __cplusplus
}
#endif
#endif
