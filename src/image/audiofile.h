/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: audio files named by a cue sheet (FLAC, WAVE of
 * any layout libsndfile reads, AIFF/AIFF-C) as decoded files of an image.
 * src/image/audiofile.c. */
#ifndef DW_AUDIOFILE_H
#define DW_AUDIOFILE_H

#include <stdint.h>
#include "discwright/errors.h"
#include "image/image.h"

/* Open path (a regular file; a FIFO or device fails at once) through
 * libsndfile and check that it is Red Book audio: 2 channels, 44100 Hz,
 * 16-bit integer samples (PCM_16 in WAVE/AIFF/AIFF-C, 16-bit FLAC).  On
 * success *ops and *ctx are a decoder (struct dw__vfile_ops) whose content
 * is the samples as 16-bit little-endian interleaved stereo, the bytes of a
 * CD-DA bin, and *pcm_bytes its size (4 bytes a sample frame); the caller
 * gives ctx to dw__image_add_vfile.  The decoder keeps one 16 KiB buffer
 * and seeks with sf_seek only when a read does not continue the last one.
 * name is the file as the cue names it, for messages.  Errors: DW_ENOENT,
 * DW_EACCES..., DW_EINVAL (not a regular file), DW_EPARSE (not an audio
 * file libsndfile knows, with its reason), DW_EUNSUPPORTED (another rate,
 * channel count or sample format: the message says which and how to
 * convert), DW_ENOMEM. */
int dw__audiofile_open(const char *path, const char *name, uint64_t *pcm_bytes,
                       const struct dw__vfile_ops **ops, void **ctx,
                       struct dw_error_detail *err);

#endif
