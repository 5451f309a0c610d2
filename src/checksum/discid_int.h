/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: helpers shared by the disc id sources. */
#ifndef DW_DISCID_INT_H
#define DW_DISCID_INT_H

#include <stdint.h>
#include "discwright/discid.h"

/* 0 when count is 1..max_count, every LBA is >= 0 and increasing, and the
 * lead-out lies after the last one; DW_EINVAL otherwise. */
int dw__discid_check_lbas(const int32_t *lba, int count, int max_count, int32_t leadout_lba);

/* SHA-1 of text (len bytes) as MusicBrainz-style Base64: 28 characters of
 * the standard alphabet with '+' -> '.', '/' -> '_', '=' -> '-', + NUL. */
void dw__discid_sha1_b64(const char *text, size_t len, char out[DW_SHA1_ID_BYTES]);

#endif
