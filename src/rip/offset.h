/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: read offset correction of audio from a drive.
 *
 * A drive with a read offset of +N samples (AccurateRip's sign) delivers
 * the disc's sample k at position k + N of what it returns; the corrected
 * stream takes output sample P (counted from LBA 0, 588 a sector) from the
 * drive's sample P + N.  The reader below sits on dw_drive_read_raw: it
 * reads the sectors a request needs (one more than asked when N is not a
 * multiple of 588), cuts the corrected bytes out, and for samples that
 * would have to come from outside the disc's audio (the lead-in before LBA
 * 0, a lead-out, a data track) tries the drive once per side (overread into
 * the lead-in / lead-out) and otherwise fills them with zeros, recording
 * every zero-filled span.  Memory: one request's sectors plus one. */
#ifndef DW_RIP_OFFSET_H
#define DW_RIP_OFFSET_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/drive.h"

/* Why samples were zero-filled (or where an overread went). */
enum dw__offset_edge {
    DW_OFFSET_EDGE_LEADIN = 0,  /* before LBA 0 */
    DW_OFFSET_EDGE_LEADOUT,     /* a session's lead-out */
    DW_OFFSET_EDGE_DATA,        /* a data track: its bytes are not audio */
    DW_OFFSET_EDGE_KINDS
};

/* A run of output samples (absolute: LBA * 588 + i) that were zero-filled. */
struct dw__offset_span {
    int64_t first_sample;
    int64_t samples;
    enum dw__offset_edge why;
};

#define DW_OFFSET_MAX_SPANS 32

struct dw__offset_reader;

/* New reader of drive (whose layout is disc, both outliving the reader)
 * shifting by `samples`; *out is freed with dw__offset_reader_free.
 * DW_ENOMEM, DW_EINVAL. */
int dw__offset_reader_new(struct dw_drive *drive, const struct dw_disc *disc, int32_t samples,
                          struct dw__offset_reader **out);
void dw__offset_reader_free(struct dw__offset_reader *o);

/* Read the corrected audio of sectors [lba, lba + sectors) into buf
 * (sectors * 2352 bytes), and with c2 not NULL their C2 pointers (sectors
 * * 294 bytes, shifted with the bytes; zero-filled bytes are not flagged)
 * through dw_drive_read_raw_c2.  Returns 0, or the error of the read of an
 * audio sector (the drive's last error tells which), DW_ENOMEM. */
int dw__offset_read(struct dw__offset_reader *o, int32_t lba, int32_t sectors, uint8_t *buf,
                    uint8_t *c2);

/* The zero-filled spans so far (merged, in increasing order; at most
 * DW_OFFSET_MAX_SPANS, later ones folded into the last). */
int dw__offset_spans(const struct dw__offset_reader *o, const struct dw__offset_span **spans);

/* Whether the drive read sectors past the edge of kind `edge`: 1 it did,
 * 0 it refused (the samples were zero-filled), -1 not tried. */
int dw__offset_overread(const struct dw__offset_reader *o, enum dw__offset_edge edge);

/* "lead-in", "lead-out", "data track". */
const char *dw__offset_edge_name(enum dw__offset_edge edge);

/* A data sector's sync pattern found in bytes a drive returned. */
struct dw__sync_hit {
    int64_t byte_pos;           /* absolute: LBA * 2352 + byte in the sector read */
    int32_t header_lba;         /* the sector its header MSF names */
    bool scrambled;             /* the header only made sense descrambled */
    int64_t combined_bytes;     /* byte_pos - header_lba * 2352 */
};

/* Scan bytes of buf, which a drive returned for absolute byte position
 * first_byte on (LBA * 2352), for the 12-byte sync 00 FF*10 00 followed by
 * a header with a valid BCD MSF and a mode of 0, 1 or 2, as it stands or
 * descrambled (ECMA-130 Annex B).  Up to max_hits hits into hits; returns
 * how many were found. */
int dw__offset_sync_scan(const uint8_t *buf, size_t bytes, int64_t first_byte,
                         struct dw__sync_hit *hits, int max_hits);

#endif
