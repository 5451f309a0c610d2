/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the character set of a cue sheet's text.
 * src/image/cue_charset.c. */
#ifndef DW_CUE_CHARSET_H
#define DW_CUE_CHARSET_H

#include <stddef.h>

/* Cue sheets come as UTF-8 (with or without a byte order mark), UTF-16
 * (EAC's "Unicode" cue: little-endian with a BOM; big-endian and BOM-less
 * ones are seen too) and Windows-1252 (EAC's default on western systems).
 * Decide which text (len bytes) is and convert it to UTF-8 with iconv:
 *  - a UTF-16 BOM (FF FE, FE FF), or no BOM and a NUL byte in the first
 *    or second position of the first character (ASCII as UTF-16): UTF-16;
 *  - a UTF-8 BOM, or text that holds a well-formed UTF-8 multi-byte
 *    sequence or no byte above 7Fh: UTF-8 (the BOM dropped; a stray
 *    invalid byte is kept as it is);
 *  - else Windows-1252, or ISO 8859-1 for the five bytes Windows-1252
 *    leaves undefined (81, 8D, 8F, 90, 9D).
 * On success *out is a NUL-terminated malloc'd copy (*out_len bytes
 * before the NUL; the caller frees it) and *charset the static name of
 * what the text was ("UTF-8", "UTF-16LE", "UTF-16BE", "Windows-1252",
 * "ISO-8859-1").  Returns 0, DW_EPARSE for UTF-16 that does not decode
 * (an odd length, an unpaired surrogate: *bad_offset is its byte offset),
 * or DW_ENOMEM. */
int dw__cue_text_to_utf8(const char *text, size_t len, char **out, size_t *out_len,
                         const char **charset, size_t *bad_offset);

#endif
