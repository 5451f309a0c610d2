/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the CSO sink (sink_cso.c), for the sink table. */
#ifndef DW_CONVERT_SINK_CSO_H
#define DW_CONVERT_SINK_CSO_H

#include "convert/sink.h"

/* "cso": CISO version 1 of one Mode 1 / Mode 2 Form 1 data track, raw
 * deflate blocks of 2048 bytes, blocks that do not shrink stored (maxcso's
 * README_CSO.md).  open refuses a disc with audio or several tracks
 * (DW_EUNSUPPORTED), a codec other than "deflate"/"zlib" or a level past 9
 * (DW_EINVAL); put refuses a sector without 2048 bytes of user data
 * (DW_EUNSUPPORTED) and sectors out of order (DW_EINVAL), skipping those
 * before the track (its pregap) and after it; commit refuses a track not
 * wholly put (DW_ETRUNC).  opts->threads and have_sub are not used. */
extern const struct dw__sink_ops dw__sink_cso;

#endif
