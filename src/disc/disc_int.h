/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: helpers shared by the disc-layer writers. */
#ifndef DW_DISC_INT_H
#define DW_DISC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdio.h>
#include "discwright/disc.h"
#include "discwright/errors.h"

/* utf8 (NUL-ended) as ISO 8859-1 into out (out_bytes with room for a NUL),
 * converted with iconv: a character beyond U+00FF becomes '?', a byte that
 * does not start a valid UTF-8 sequence is taken as ISO 8859-1 already.
 * Returns the bytes written before the NUL (text that does not fit is cut).
 * For CD-TEXT packs and cdrdao TOC strings.  src/disc/cdtext_write.c */
size_t dw__latin1_of(const char *utf8, unsigned char *out, size_t out_bytes);

/* CRC-16 of the first n bytes of a CD-TEXT pack (IEC 61866: the Q
 * sub-channel CRC of ECMA-130 22.3.6, inverted), stored big-endian in its
 * bytes 16-17.  src/disc/cdtext_write.c */
uint16_t dw__cdtext_pack_crc(const uint8_t *p, size_t n);

/* True when libcdio 2.1's cdtext_data_init() decodes these packs right.
 * Measured against the library (see test_mmc.c), it refuses, with a warning
 * printed on stdout by libcdio's default log handler: a size that is not a
 * non-zero whole number of packs, a block without the three size
 * information packs (8Fh), a text of 254 bytes or more.  It also files a
 * text under the wrong track when an empty text ends earlier in the same
 * pack (empty texts do not advance its track count), so such packs in
 * block 0 are refused here too; double-byte (Shift-JIS) packs are not
 * modelled and refused.  Callers check first and skip CD-TEXT that fails. */
bool dw__cdtext_is_safe(const uint8_t *packs, size_t pack_bytes);

/* Decode pack_bytes of raw 18-byte CD-TEXT packs (IEC 61866) with libcdio's
 * cdtext_data_init into disc: album fields from track 0, track fields by
 * track number; fields already set are kept (a cue's TITLE wins over its
 * CDTEXTFILE).  packs is not modified in content but libcdio wants it
 * writable.  Returns 0, DW_EPARSE (not whole packs, or refused by
 * dw__cdtext_is_safe / libcdio), DW_ENOMEM.  src/disc/cdtext_read.c */
int dw__cdtext_apply(uint8_t *packs, size_t pack_bytes, struct dw_disc *disc);

/* Cue sheet text (src/disc/cue_write.c): `indent KW "value"` and a line
 * end; a quote in value becomes '\'' and a control character (U+0000-
 * U+001F, DEL) '?', counted in *replaced, so no text adds a line.  Nothing
 * for an empty value.  dw__cue_put_cdtext writes TITLE, PERFORMER and
 * SONGWRITER of ct so. */
void dw__cue_put_quoted(FILE *out, const char *indent, const char *kw, const char *value,
                        int *replaced);
void dw__cue_put_cdtext(FILE *out, const char *indent, const struct dw_cdtext *ct, int *replaced);

/* dw_cue_write with one FILE per track (the redump "NAME (Track NN).bin"
 * layout of `convert --format split`): track i's file, track_bin_names[i]
 * (disc->track_count names), holds its sectors from its first LBA (INDEX 00
 * when it has a pregap, not before opts->bin_first_lba) to its end_lba, and
 * its INDEX positions are relative to that file; REM SESSION lines come
 * before the FILE.  opts->bin_name and the gaps are not used.  Returns as
 * dw_cue_write; DW_EINVAL also for a missing name.  src/disc/cue_write.c */
int dw__cue_write_per_track(const struct dw_disc *disc, const struct dw_cue_write_opts *opts,
                            const char *const *track_bin_names, FILE *out);

#endif
