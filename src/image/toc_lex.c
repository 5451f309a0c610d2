/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lexer of the cdrdao TOC reader: see toc_lex.h for the tokens and
 * their rules, toc.c for the grammar. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "errors_int.h"
#include "image/toc_lex.h"

#define TOC_MAX_STRING_BYTES (4u << 20) /* no string is longer than a TOC file */

int dw__toc_fail(struct toc_lexer *lx, int line, int code, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    if (lx->rc)
        return lx->rc;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (line > 0)
        dw__set_error(lx->err, code, "'%s' line %d: %s", lx->path, line, what);
    else
        dw__set_error(lx->err, code, "'%s': %s", lx->path, what);
    lx->rc = code;
    return code;
}

/* A short printable description of the current token for messages. */
const char *dw__toc_tok_desc(const struct toc_lexer *lx, char *buf, size_t n)
{
    const struct tok *t = &lx->cur;
    switch (t->kind) {
    case TK_EOF:
        return "the end of the file";
    case TK_STRING:
        return "a quoted string";
    default:
        snprintf(buf, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->text);
        return buf;
    }
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_word_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Decode a quoted string starting after the opening quote.  Escapes as in
 * cdrdao's lexer: \" is a quote, \ooo an octal byte, any other backslash
 * stands for itself. */
static int lex_string(struct toc_lexer *lx, struct tok *t)
{
    size_t cap = 32, n = 0;
    char *s = malloc(cap);
    if (!s)
        return dw__toc_fail(lx, t->line, DW_ENOMEM, "out of memory");
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n') {
            free(s);
            return dw__toc_fail(
                lx, t->line, DW_EPARSE,
                "string is not closed; end it with '\"' on the same line");
        }
        char c = *lx->p++;
        if (c == '"')
            break;
        if (c == '\\' && lx->p < lx->end && *lx->p == '"') {
            c = '"';
            lx->p++;
        } else if (c == '\\' && lx->end - lx->p >= 3 && lx->p[0] >= '0' &&
                   lx->p[0] <= '7' && lx->p[1] >= '0' && lx->p[1] <= '7' &&
                   lx->p[2] >= '0' && lx->p[2] <= '7') {
            c = (char)(((lx->p[0] - '0') << 6) | ((lx->p[1] - '0') << 3) |
                       (lx->p[2] - '0'));
            lx->p += 3;
        }
        if (c == '\0') {
            free(s);
            return dw__toc_fail(lx, t->line, DW_EPARSE, "string holds a NUL byte");
        }
        if (n + 2 > cap) {
            if (cap > TOC_MAX_STRING_BYTES) {
                free(s);
                return dw__toc_fail(lx, t->line, DW_EPARSE, "string is too long");
            }
            char *bigger = realloc(s, cap * 2);
            if (!bigger) {
                free(s);
                return dw__toc_fail(lx, t->line, DW_ENOMEM, "out of memory");
            }
            s = bigger;
            cap *= 2;
        }
        s[n++] = c;
    }
    s[n] = '\0';
    t->kind = TK_STRING;
    t->str = s;
    return 0;
}

/* Move to the next token.  Returns 0 or the (sticky) error code. */
int dw__toc_advance(struct toc_lexer *lx)
{
    struct tok *t = &lx->cur;
    free(t->str);
    memset(t, 0, sizeof(*t));
    if (lx->rc)
        return lx->rc;
    for (;;) {
        while (lx->p < lx->end && is_space(*lx->p)) {
            if (*lx->p == '\n')
                lx->line++;
            lx->p++;
        }
        if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
            continue;
        }
        break;
    }
    t->line = lx->line;
    t->text = lx->p;
    if (lx->p >= lx->end) {
        t->kind = TK_EOF;
        return 0;
    }
    char c = *lx->p;
    if (c == '"') {
        lx->p++;
        return lex_string(lx, t);
    }
    if (is_digit(c)) {
        t->kind = TK_INT;
        while (lx->p < lx->end && is_digit(*lx->p)) {
            unsigned d = (unsigned)(*lx->p - '0');
            if (t->value > (UINT64_MAX - d) / 10) {
                t->overflow = true;
                t->value = UINT64_MAX;
            } else if (!t->overflow) {
                t->value = t->value * 10 + d;
            }
            lx->p++;
        }
        t->len = (size_t)(lx->p - t->text);
        return 0;
    }
    if (is_word_start(c)) {
        t->kind = TK_WORD;
        while (lx->p < lx->end && (is_word_start(*lx->p) || is_digit(*lx->p)))
            lx->p++;
        t->len = (size_t)(lx->p - t->text);
        return 0;
    }
    if (c == '{' || c == '}' || c == ':' || c == ',' || c == '#' || c == '.') {
        t->kind = TK_PUNCT;
        t->len = 1;
        lx->p++;
        return 0;
    }
    if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
        return dw__toc_fail(lx, t->line, DW_EPARSE, "unexpected character '%c'", c);
    return dw__toc_fail(lx, t->line, DW_EPARSE,
                        "unexpected byte 0x%02x; a TOC file is plain text",
                        (unsigned char)c);
}

bool dw__toc_at_word(const struct toc_lexer *lx, const char *kw)
{
    return lx->cur.kind == TK_WORD && strlen(kw) == lx->cur.len &&
           strncasecmp(lx->cur.text, kw, lx->cur.len) == 0;
}

bool dw__toc_at_punct(const struct toc_lexer *lx, char c)
{
    return lx->cur.kind == TK_PUNCT && lx->cur.text[0] == c;
}

int dw__toc_expect_punct(struct toc_lexer *lx, char c, const char *context)
{
    char buf[64];
    if (!dw__toc_at_punct(lx, c))
        return dw__toc_fail(lx, lx->cur.line, DW_EPARSE, "expected '%c' %s, found %s", c,
                            context, dw__toc_tok_desc(lx, buf, sizeof(buf)));
    return dw__toc_advance(lx);
}

/* Take the current STRING token's text (caller frees) and advance. */
int dw__toc_take_string(struct toc_lexer *lx, char **out, const char *context)
{
    char buf[64];
    *out = NULL;
    if (lx->cur.kind != TK_STRING)
        return dw__toc_fail(lx, lx->cur.line, DW_EPARSE,
                            "expected a quoted string %s, found %s", context,
                            dw__toc_tok_desc(lx, buf, sizeof(buf)));
    *out = lx->cur.str;
    lx->cur.str = NULL;
    if (dw__toc_advance(lx)) {
        free(*out);
        *out = NULL;
    }
    return lx->rc;
}

int dw__toc_take_uint(struct toc_lexer *lx, uint64_t max, uint64_t *out,
                      const char *context)
{
    char buf[64];
    if (lx->cur.kind != TK_INT)
        return dw__toc_fail(lx, lx->cur.line, DW_EPARSE, "expected a number %s, found %s",
                            context, dw__toc_tok_desc(lx, buf, sizeof(buf)));
    if (lx->cur.overflow || lx->cur.value > max)
        return dw__toc_fail(lx, lx->cur.line, DW_EPARSE,
                            "number %.*s %s is too large (at most %" PRIu64 ")",
                            (int)(lx->cur.len > 30 ? 30 : lx->cur.len), lx->cur.text,
                            context, max);
    *out = lx->cur.value;
    return dw__toc_advance(lx);
}

/* MSF "m:s:f" with an optional ".samples" tail, as a sample count.  The
 * current token is the minutes INT. */
static int take_msf(struct toc_lexer *lx, int64_t *samples, const char *context)
{
    uint64_t m, s, f, extra = 0;
    int line = lx->cur.line;
    char buf[64];
    if (lx->cur.kind != TK_INT)
        return dw__toc_fail(lx, line, DW_EPARSE, "expected a time m:s:f %s, found %s",
                            context, dw__toc_tok_desc(lx, buf, sizeof(buf)));
    if (dw__toc_take_uint(lx, 99999, &m, context) ||
        dw__toc_expect_punct(lx, ':', "between minutes and seconds"))
        return lx->rc;
    if (lx->cur.kind != TK_INT || lx->cur.overflow || lx->cur.value > 59)
        return dw__toc_fail(lx, line, DW_EPARSE,
                            "seconds of a time m:s:f must be 0 to 59, found %s (%s)",
                            dw__toc_tok_desc(lx, buf, sizeof(buf)), context);
    s = lx->cur.value;
    if (dw__toc_advance(lx) ||
        dw__toc_expect_punct(lx, ':', "between seconds and frames"))
        return lx->rc;
    if (lx->cur.kind != TK_INT || lx->cur.overflow || lx->cur.value > 74)
        return dw__toc_fail(
            lx, line, DW_EPARSE,
            "frames of a time m:s:f must be 0 to 74 (75 make a second), found %s (%s)",
            dw__toc_tok_desc(lx, buf, sizeof(buf)), context);
    f = lx->cur.value;
    if (dw__toc_advance(lx))
        return lx->rc;
    if (dw__toc_at_punct(lx, '.')) {
        if (dw__toc_advance(lx))
            return lx->rc;
        if (lx->cur.kind != TK_INT || lx->cur.overflow ||
            lx->cur.value >= SAMPLES_PER_SECTOR)
            return dw__toc_fail(
                lx, line, DW_EPARSE,
                "samples after the frames of a time m:s:f.n must be 0 to 587 (%s)",
                context);
        extra = lx->cur.value;
        if (dw__toc_advance(lx))
            return lx->rc;
    }
    *samples = (int64_t)(((m * 60 + s) * 75 + f) * SAMPLES_PER_SECTOR + extra);
    return 0;
}

/* An MSF time as whole sectors. */
int dw__toc_take_msf_sectors(struct toc_lexer *lx, int64_t *sectors, const char *context)
{
    int64_t samples;
    int line = lx->cur.line;
    if (take_msf(lx, &samples, context))
        return lx->rc;
    if (samples % SAMPLES_PER_SECTOR)
        return dw__toc_fail(lx, line, DW_EPARSE,
                            "a time %s must be whole frames; drop the .samples part",
                            context);
    *sectors = samples / SAMPLES_PER_SECTOR;
    return 0;
}

/* Audio length or position: MSF or a plain sample count. */
int dw__toc_take_samples(struct toc_lexer *lx, int64_t *samples, const char *context)
{
    uint64_t v;
    char buf[64];
    if (lx->cur.kind != TK_INT)
        return dw__toc_fail(lx, lx->cur.line, DW_EPARSE,
                            "expected %s as m:s:f or a sample count, found %s", context,
                            dw__toc_tok_desc(lx, buf, sizeof(buf)));
    /* Look past the number for ':' without consuming: MSF or count. */
    const char *q = lx->p;
    while (q < lx->end && (*q == ' ' || *q == '\t'))
        q++;
    if (q < lx->end && *q == ':')
        return take_msf(lx, samples, context);
    if (dw__toc_take_uint(lx, (uint64_t)TOC_MAX_SECTORS * SAMPLES_PER_SECTOR, &v,
                          context))
        return lx->rc;
    *samples = (int64_t)v;
    return 0;
}

/* Data length: MSF blocks of block_bytes, or a byte count. */
int dw__toc_take_data_bytes(struct toc_lexer *lx, uint32_t block, int64_t *bytes,
                            const char *context)
{
    uint64_t v;
    const char *q = lx->p;
    while (q < lx->end && (*q == ' ' || *q == '\t'))
        q++;
    if (lx->cur.kind == TK_INT && q < lx->end && *q == ':') {
        int64_t sectors;
        if (dw__toc_take_msf_sectors(lx, &sectors, context))
            return lx->rc;
        *bytes = sectors * block;
        return 0;
    }
    if (dw__toc_take_uint(lx, (uint64_t)TOC_MAX_SECTORS * 2448, &v, context))
        return lx->rc;
    *bytes = (int64_t)v;
    return 0;
}

bool dw__toc_at_number(const struct toc_lexer *lx)
{
    return lx->cur.kind == TK_INT;
}
