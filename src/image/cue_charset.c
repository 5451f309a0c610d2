/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The character set of a cue sheet (cue_charset.h): UTF-16 and
 * Windows-1252 sheets are converted to UTF-8 through iconv before the
 * parser sees them, so CD-TEXT and file names keep their characters. */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "image/cue_charset.h"

/* Whether s (len bytes) reads as UTF-8: it holds a well-formed multi-byte
 * sequence (Unicode 15, table 3-7: no overlong forms, no surrogates,
 * nothing past U+10FFFF), or no byte above 7Fh at all.  A sheet with real
 * UTF-8 text and a stray invalid byte stays UTF-8 (the byte is kept as it
 * is, as before); Windows-1252 text almost never forms a valid sequence. */
static bool utf8_likely(const uint8_t *s, size_t len)
{
    size_t i = 0, good = 0, bad = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint8_t lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80;
            hi = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            bad++, i++;
            continue;
        }
        bool ok = len - i > n && s[i + 1] >= lo && s[i + 1] <= hi;
        for (size_t k = 2; ok && k <= n; k++)
            ok = (s[i + k] & 0xc0) == 0x80;
        if (!ok) {
            bad++, i++;
            continue;
        }
        good++;
        i += n + 1;
    }
    return good > 0 || bad == 0;
}

/* iconv from `from` to UTF-8; 0, DW_EPARSE (*bad_offset set) or DW_ENOMEM. */
static int convert(const char *from, const char *text, size_t len, char **out, size_t *out_len,
                   size_t *bad_offset)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return DW_ENOMEM; /* glibc knows all four; only memory can fail here */
    size_t cap = len * 3 + 1; /* 1 byte -> at most 3, 2 bytes -> at most 3 (4 for 4) */
    char *buf = malloc(cap);
    int rc = 0;
    if (!buf) {
        iconv_close(cd);
        return DW_ENOMEM;
    }
    char *in = (char *)text, *o = buf;
    size_t in_left = len, o_left = cap - 1;
    if (iconv(cd, &in, &in_left, &o, &o_left) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &o, &o_left) == (size_t)-1) {
        rc = errno == E2BIG ? DW_ENOMEM : DW_EPARSE;
        *bad_offset = (size_t)(in - text);
        free(buf);
        buf = NULL;
    } else {
        *o = '\0';
        *out_len = (size_t)(o - buf);
    }
    iconv_close(cd);
    *out = buf;
    return rc;
}

int dw__cue_text_to_utf8(const char *text, size_t len, char **out, size_t *out_len,
                         const char **charset, size_t *bad_offset)
{
    const uint8_t *u = (const uint8_t *)text;
    *out = NULL;
    *bad_offset = 0;
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        *charset = u[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
        int rc = convert(*charset, text + 2, len - 2, out, out_len, bad_offset);
        *bad_offset += 2;
        return rc;
    }
    if (len >= 2 && (u[0] == 0) != (u[1] == 0)) {
        *charset = u[1] == 0 ? "UTF-16LE" : "UTF-16BE";
        return convert(*charset, text, len, out, out_len, bad_offset);
    }
    if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
        text += 3;
        len -= 3;
        u += 3;
    }
    if (utf8_likely(u, len)) {
        *charset = "UTF-8";
        if (!(*out = malloc(len + 1)))
            return DW_ENOMEM;
        memcpy(*out, text, len);
        (*out)[len] = '\0';
        *out_len = len;
        return 0;
    }
    *charset = "Windows-1252";
    int rc = convert("WINDOWS-1252", text, len, out, out_len, bad_offset);
    if (rc == DW_EPARSE) {
        *charset = "ISO-8859-1"; /* every byte is a character */
        rc = convert("ISO-8859-1", text, len, out, out_len, bad_offset);
    }
    return rc;
}
