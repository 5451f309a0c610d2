/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the lexer of the cdrdao TOC reader (toc_lex.c).
 *
 * Tokens of cdrdao's toc-file grammar (cdrdao(1) "TOC FILES", its
 * trackdb/TocLexer): words (keywords, letters, digits and '_'), unsigned
 * integers, quoted strings with \" and \ooo escapes, the punctuation
 * { } : , # . and // comments to the end of the line.  On top of the
 * tokens, the number forms the grammar uses: m:s:f times (with an optional
 * .samples tail), sample counts and byte counts.
 *
 * Errors are sticky: the first one sets lx->rc and err, and every later
 * call returns it without touching either, so the grammar (toc.c) may
 * test the result of a chain of calls once.
 */
#ifndef DW_IMAGE_TOC_LEX_H
#define DW_IMAGE_TOC_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/errors.h"

#define TOC_MAX_SECTORS (100LL * 60 * 60 * 75) /* 100 hours: bounds the arithmetic,
                                                  far beyond any CD (which the
                                                  layout check refuses past
                                                  100 minutes) */
#define SAMPLES_PER_SECTOR 588                 /* 2352 bytes of 16-bit stereo */

enum tok_kind { TK_EOF, TK_WORD, TK_INT, TK_STRING, TK_PUNCT };

struct tok {
    enum tok_kind kind;
    int line;
    const char *text; /* source text of WORD, INT, PUNCT */
    size_t len;
    uint64_t value; /* INT, saturated */
    bool overflow;  /* INT did not fit */
    char *str;      /* STRING, decoded, malloc'd; NUL-free */
};

struct toc_lexer {
    const char *p, *end; /* what is left of the text */
    int line;            /* of p */
    struct tok cur;      /* the current token; its str is owned */
    const char *path;    /* of the TOC file, for messages */
    struct dw_error_detail *err;
    int rc; /* first error, sticky */
};

/* Record an error at line (0: no line) unless one is recorded already;
 * returns the recorded code. */
int dw__toc_fail(struct toc_lexer *lx, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Move to the next token.  Returns 0 or the (sticky) error code.  The
 * first call reads the first token. */
int dw__toc_advance(struct toc_lexer *lx);

/* A short printable description of the current token for messages. */
const char *dw__toc_tok_desc(const struct toc_lexer *lx, char *buf, size_t n);

/* Is the current token the keyword kw (any case), the punctuation c, a
 * number? */
bool dw__toc_at_word(const struct toc_lexer *lx, const char *kw);
bool dw__toc_at_punct(const struct toc_lexer *lx, char c);
bool dw__toc_at_number(const struct toc_lexer *lx);

/* Consume the punctuation c or fail saying "expected 'c' <context>". */
int dw__toc_expect_punct(struct toc_lexer *lx, char c, const char *context);

/* Consume a STRING; *out is its text, which the caller frees. */
int dw__toc_take_string(struct toc_lexer *lx, char **out, const char *context);

/* Consume an integer of at most max. */
int dw__toc_take_uint(struct toc_lexer *lx, uint64_t max, uint64_t *out,
                      const char *context);

/* Consume an m:s:f time that must be whole sectors. */
int dw__toc_take_msf_sectors(struct toc_lexer *lx, int64_t *sectors, const char *context);

/* Consume an audio length or position: m:s:f[.samples] or a sample count. */
int dw__toc_take_samples(struct toc_lexer *lx, int64_t *samples, const char *context);

/* Consume a data length: m:s:f blocks of `block` bytes, or a byte count. */
int dw__toc_take_data_bytes(struct toc_lexer *lx, uint32_t block, int64_t *bytes,
                            const char *context);

#endif
