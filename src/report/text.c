/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text from discs and files made safe for logs and terminals (report.h,
 * dw_text_escape). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/report.h"
#include "report/report_int.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when s does not
 * start one (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF).  *cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t left, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

size_t dw_text_escape(const char *in, char *out, size_t out_bytes)
{
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t left = strlen((const char *)s), used = 0, copied = 0;
    bool full = !out || out_bytes == 0;
    while (left > 0) {
        unsigned cp = 0;
        size_t n = utf8_seq(s, left, &cp);
        char esc[4 * 4 + 1];
        const char *piece = (const char *)s;
        size_t piece_bytes = n;
        /* C0 controls, DEL, C1 controls (a terminal may act on any of
         * them) and bytes that are not UTF-8: one \xNN per byte. */
        if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            n = n ? n : 1;
            for (size_t i = 0; i < n; i++)
                snprintf(esc + 4 * i, sizeof(esc) - 4 * i, "\\x%02X", s[i]);
            piece = esc;
            piece_bytes = 4 * n;
        }
        if (!full && copied + piece_bytes < out_bytes) {
            memcpy(out + copied, piece, piece_bytes);
            copied += piece_bytes;
        } else {
            full = true; /* a piece is never cut: stop copying, keep counting */
        }
        used += piece_bytes;
        s += n;
        left -= n;
    }
    if (out && out_bytes)
        out[copied] = '\0';
    return used;
}

bool dw_text_is_clean(const char *in)
{
    return dw_text_escape(in, NULL, 0) == strlen(in ? in : "");
}

int dw__fputs_escaped(const char *s, FILE *fp)
{
    char buf[1024];
    size_t need = dw_text_escape(s, buf, sizeof(buf));
    if (need < sizeof(buf))
        return fputs(buf, fp) < 0 ? -1 : 0;
    char *big = malloc(need + 1);
    if (!big)
        return -1;
    dw_text_escape(s, big, need + 1);
    int rc = fputs(big, fp) < 0 ? -1 : 0;
    free(big);
    return rc;
}
