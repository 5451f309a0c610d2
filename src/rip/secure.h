/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the overlap check of secure and test-and-copy
 * reading (src/rip/secure.c), declared for its unit tests.
 *
 * A drive without an accurate stream may start a READ CD a few samples
 * early or late ("jitter"): every sector the command returns is then off by
 * the same number of samples, with no C2 flag.  Secure mode starts each
 * read command one sector before the previous one ended and compares the
 * two copies of that sector.  dw__overlap_link says how they relate. */
#ifndef DW_RIP_SECURE_H
#define DW_RIP_SECURE_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/drive.h"
#include "discwright/drive_profile.h"

/* Shifts searched each way, in stereo samples (of 588 a sector); every
 * shift tried leaves at least DW_JITTER_MIN_MATCH_SAMPLES compared. */
#define DW_JITTER_MAX_SAMPLES 524
#define DW_JITTER_MIN_MATCH_SAMPLES 64

enum dw__link_kind {
    DW_LINK_NONE = 0,  /* the copies agree at no shift within the search */
    DW_LINK_SAME,      /* equal, and at no other shift: same alignment, proven */
    DW_LINK_SHIFT,     /* equal at exactly one shift other than 0: jitter */
    DW_LINK_AMBIGUOUS  /* equal at several shifts (silence, a periodic
                          signal): the alignment cannot be told from them */
};

struct dw__link {
    enum dw__link_kind kind;
    /* DW_LINK_SHIFT: the second read came this many samples later in the
     * disc's stream than the first (negative: earlier); else 0. */
    int32_t shift_samples;
    bool equal;        /* the two copies of the sector are equal byte for byte */
};

/* How two reads of one sector relate.  prev: prev_sectors raw sectors
 * (2352 bytes, little-endian 16-bit stereo) whose last one is the sector;
 * cur: cur_sectors raw sectors whose first one is the same sector, read by
 * another command.  The samples around it in either buffer are used to
 * compare shifts of up to DW_JITTER_MAX_SAMPLES each way (at most one
 * sector's worth compared per shift, at least
 * DW_JITTER_MIN_MATCH_SAMPLES).  Pure; both counts >= 1. */
struct dw__link dw__overlap_link(const uint8_t *prev, int32_t prev_sectors, const uint8_t *cur,
                                 int32_t cur_sectors);

/* What drive says now about its CD-DA stream: MODE SENSE(10) of the
 * capabilities page 2Ah (MMC-3 6.3.11, byte 5 bit 1 "Accurate CD-DA
 * Stream"; legacy in MMC-6).  DW_PROBE_SUPPORTED or _UNSUPPORTED, or
 * DW_PROBE_UNKNOWN when the drive is not an MMC drive or does not answer
 * (an image, a refusal, a malformed page). */
enum dw_probe_state dw__accurate_stream_now(struct dw_drive *drive);

#endif
