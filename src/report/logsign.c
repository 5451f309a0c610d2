/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signed logs: a SHA-256 (nettle) of the log's text in its last line, and
 * the check of it (`discwright checklog`).  The format is in report.h; it
 * is a checksum anyone can recompute, not a secret.
 *
 * Both directions stream: the signer hashes the log file it just wrote, the
 * checker reads the file twice in 64 KiB blocks (once to find the last
 * signature line, once to hash what is before it), so a log of any length
 * takes bounded memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>
#include "discwright/report.h"
#include "errors_int.h"
#include "report/report_int.h"

#define BLOCK_BYTES 65536
#define PREFIX_BYTES (sizeof(DW_LOG_SIGNATURE_PREFIX) - 1)
#define SUFFIX_BYTES (sizeof(DW_LOG_SIGNATURE_SUFFIX) - 1)
#define HEX_DIGITS (2 * SHA256_DIGEST_SIZE)

static void to_hex(const uint8_t *d, char out[HEX_DIGITS + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 0xF];
    }
    out[HEX_DIGITS] = '\0';
}

static void sha256_hex(struct sha256_ctx *ctx, char out[HEX_DIGITS + 1])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, SHA256_DIGEST_SIZE, d);
    to_hex(d, out);
}

static void format_line(const char hex[HEX_DIGITS + 1], char *line)
{
    snprintf(line, DW_LOG_SIGNATURE_LINE_BYTES + 1, "%s%s%s\n", DW_LOG_SIGNATURE_PREFIX,
             hex, DW_LOG_SIGNATURE_SUFFIX);
}

int dw_log_signature(const void *text, size_t bytes,
                     char line[DW_LOG_SIGNATURE_LINE_BYTES + 1])
{
    struct sha256_ctx ctx;
    char hex[HEX_DIGITS + 1];
    sha256_init(&ctx);
    if (bytes)
        sha256_update(&ctx, bytes, text);
    sha256_hex(&ctx, hex);
    format_line(hex, line);
    return 0;
}

/* ---- checking ------------------------------------------------------------ */

/* Where the bytes come from: memory or a file. */
struct source {
    const uint8_t *text; /* memory, or NULL */
    FILE *fp;            /* a file */
    int64_t size;
};

/* Read up to n bytes at offset into buf; returns the count, -1 on error. */
static int64_t source_read(struct source *src, int64_t offset, uint8_t *buf, size_t n)
{
    if (offset >= src->size)
        return 0;
    if ((int64_t)n > src->size - offset)
        n = (size_t)(src->size - offset);
    if (src->text) {
        memcpy(buf, src->text + offset, n);
        return (int64_t)n;
    }
    if (fseeko(src->fp, (off_t)offset, SEEK_SET) != 0)
        return -1;
    size_t got = fread(buf, 1, n, src->fp);
    return got == n ? (int64_t)got : -1;
}

static bool is_hex_digit(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The check itself over src; buf has BLOCK_BYTES + PREFIX_BYTES. */
static int check(struct source *src, uint8_t *buf, struct dw_log_check *out)
{
    int64_t sig = -1, offset = 0;
    size_t carry = 0;
    struct sha256_ctx ctx;

    memset(out, 0, sizeof(*out));
    /* Pass 1: the last occurrence of the prefix, wherever it is (the last
     * PREFIX_BYTES - 1 bytes of a block are kept for the next search). */
    while (offset < src->size) {
        int64_t n = source_read(src, offset, buf + carry, BLOCK_BYTES);
        if (n <= 0)
            return DW_EIO;
        size_t have = carry + (size_t)n;
        const uint8_t *from = buf;
        for (;;) {
            const uint8_t *hit = memmem(from, have - (size_t)(from - buf),
                                        DW_LOG_SIGNATURE_PREFIX, PREFIX_BYTES);
            if (!hit)
                break;
            sig = offset - (int64_t)carry + (hit - buf);
            from = hit + 1;
        }
        carry = have < PREFIX_BYTES - 1 ? have : PREFIX_BYTES - 1;
        memmove(buf, buf + have - carry, carry);
        offset += n;
    }
    bool line_start = sig <= 0;
    if (sig > 0) {
        uint8_t before;
        if (source_read(src, sig - 1, &before, 1) != 1)
            return DW_EIO;
        line_start = before == '\n';
    }

    /* Pass 2: the hash of everything before it. */
    int64_t hashed = sig >= 0 ? sig : src->size;
    sha256_init(&ctx);
    for (offset = 0; offset < hashed;) {
        size_t want =
            hashed - offset < BLOCK_BYTES ? (size_t)(hashed - offset) : BLOCK_BYTES;
        int64_t n = source_read(src, offset, buf, want);
        if (n <= 0)
            return DW_EIO;
        sha256_update(&ctx, (size_t)n, buf);
        offset += n;
    }
    sha256_hex(&ctx, out->actual_sha256);
    out->signed_bytes = hashed;
    if (sig < 0) {
        out->verdict = DW_LOG_UNSIGNED;
        snprintf(out->reason, sizeof(out->reason), "no signature line ('%s...')",
                 DW_LOG_SIGNATURE_PREFIX);
        return 0;
    }

    /* The signature line: prefix, 64 hex digits, suffix, "\n", the end. */
    size_t line_bytes = DW_LOG_SIGNATURE_LINE_BYTES;
    int64_t n = source_read(src, sig, buf, line_bytes);
    if (n < 0)
        return DW_EIO;
    bool well_formed = (size_t)n == line_bytes;
    for (size_t i = 0; well_formed && i < HEX_DIGITS; i++)
        well_formed = is_hex_digit(buf[PREFIX_BYTES + i]);
    well_formed = well_formed &&
                  memcmp(buf + PREFIX_BYTES + HEX_DIGITS, DW_LOG_SIGNATURE_SUFFIX,
                         SUFFIX_BYTES) == 0 &&
                  buf[line_bytes - 1] == '\n';
    out->verdict = DW_LOG_MODIFIED;
    if (!line_start) {
        snprintf(
            out->reason, sizeof(out->reason),
            "the signature line does not start a line (the line end before it changed)");
        return 0;
    }
    if (!well_formed) {
        snprintf(
            out->reason, sizeof(out->reason),
            "the signature line is damaged (it must be '%s<64 hex digits>%s' and end "
            "the file)",
            DW_LOG_SIGNATURE_PREFIX, DW_LOG_SIGNATURE_SUFFIX);
        return 0;
    }
    memcpy(out->signed_sha256, buf + PREFIX_BYTES, HEX_DIGITS);
    out->signed_sha256[HEX_DIGITS] = '\0';
    out->trailing_bytes = src->size - sig - (int64_t)line_bytes;
    if (out->trailing_bytes > 0)
        snprintf(out->reason, sizeof(out->reason), "%lld bytes follow the signature line",
                 (long long)out->trailing_bytes);
    else if (strcmp(out->signed_sha256, out->actual_sha256) != 0)
        snprintf(
            out->reason, sizeof(out->reason),
            "the text above the signature line has SHA-256 %.12s..., the signature says "
            "%.12s...",
            out->actual_sha256, out->signed_sha256);
    else
        out->verdict = DW_LOG_GOOD;
    return 0;
}

int dw_log_verify_text(const void *text, size_t bytes, struct dw_log_check *out)
{
    struct source src = {.text = text ? text : (const void *)"", .size = (int64_t)bytes};
    uint8_t *buf = malloc(BLOCK_BYTES + PREFIX_BYTES);
    if (!buf) {
        memset(out, 0, sizeof(*out));
        return DW_ENOMEM;
    }
    int rc = check(&src, buf, out);
    free(buf);
    return rc;
}

int dw_log_verify(const char *path, struct dw_log_check *out, struct dw_error_detail *err)
{
    struct source src = {0};
    uint8_t *buf = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    src.fp = fopen(path, "rb");
    if (!src.fp) {
        int e = errno;
        rc = dw__set_error(err, dw_error_from_errno(e), "cannot open '%s': %s", path,
                           strerror(e));
        if (err)
            err->sys_errno = e;
        return rc;
    }
    if (fseeko(src.fp, 0, SEEK_END) != 0 || (src.size = ftello(src.fp)) < 0) {
        rc = dw__set_error(err, DW_EIO, "cannot read '%s': not a regular file", path);
        goto out;
    }
    buf = malloc(BLOCK_BYTES + PREFIX_BYTES);
    if (!buf) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    rc = check(&src, buf, out);
    if (rc)
        dw__set_error(err, rc, "cannot read '%s': %s", path,
                      strerror(errno ? errno : EIO));
out:
    free(buf);
    fclose(src.fp);
    return rc;
}

/* ---- signing a log being written (the rip) --------------------------------- */

int dw__log_sign(FILE *fp, const char *part_path, char hex_out[65],
                 struct dw_error_detail *err)
{
    struct sha256_ctx ctx;
    uint8_t *buf = malloc(BLOCK_BYTES);
    FILE *in = NULL;
    int last = '\n', rc = 0;
    size_t n;

    if (!buf)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    if (fflush(fp) != 0 || !(in = fopen(part_path, "rb"))) {
        rc = dw__set_error(err, DW_EIO, "cannot sign the log '%s': %s", part_path,
                           strerror(errno));
        goto out;
    }
    sha256_init(&ctx);
    while ((n = fread(buf, 1, BLOCK_BYTES, in)) > 0) {
        sha256_update(&ctx, n, buf);
        last = buf[n - 1];
    }
    if (ferror(in)) {
        rc =
            dw__set_error(err, DW_EIO, "cannot sign the log '%s': read error", part_path);
        goto out;
    }
    if (last != '\n') { /* the signature line must start a line */
        fputc('\n', fp);
        sha256_update(&ctx, 1, (const uint8_t *)"\n");
    }
    sha256_hex(&ctx, hex_out);
    fprintf(fp, "%s%s%s\n", DW_LOG_SIGNATURE_PREFIX, hex_out, DW_LOG_SIGNATURE_SUFFIX);
    if (fflush(fp) != 0 || ferror(fp))
        rc = dw__set_error(err, DW_EIO, "cannot write the log '%s': %s", part_path,
                           strerror(errno));
out:
    if (in)
        fclose(in);
    free(buf);
    return rc;
}
