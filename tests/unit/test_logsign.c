/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the signed log (src/report/logsign.c): signing and checking
 * round trips, one changed byte, a missing or damaged signature line, text
 * after it, CRLF line ends, a signature line across the 64 KiB read blocks,
 * and the rip's signer (dw__log_sign) on a file being written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "discwright/checksum.h"
#include "discwright/report.h"
#include "report/report_int.h"

static const char body[] = "discwright 0.1.0 rip log\n"
                           "command: discwright rip sample.cue -o out\n\n"
                           "sectors read: 1009   re-read: 0   bad: 0\n"
                           "verdict: ok (exit status 0)\n";

/* body followed by its signature line, in a new buffer the caller frees. */
static char *signed_text(const char *text, size_t *len)
{
    char line[DW_LOG_SIGNATURE_LINE_BYTES + 1];
    size_t n = strlen(text);
    assert_int_equal(dw_log_signature(text, n, line), 0);
    assert_int_equal(strlen(line), DW_LOG_SIGNATURE_LINE_BYTES);
    char *out = malloc(n + sizeof(line));
    assert_non_null(out);
    memcpy(out, text, n);
    memcpy(out + n, line, DW_LOG_SIGNATURE_LINE_BYTES + 1);
    *len = n + DW_LOG_SIGNATURE_LINE_BYTES;
    return out;
}

static void test_signature_line_is_sha256(void **state)
{
    (void)state;
    char line[DW_LOG_SIGNATURE_LINE_BYTES + 1];
    struct dw_hash *h = dw_hash_new(DW_HASH_SHA256);
    struct dw_digests d;
    char want[200];
    dw_hash_update(h, body, strlen(body));
    dw_hash_final(h, &d);
    dw_hash_free(h);
    assert_int_equal(dw_log_signature(body, strlen(body), line), 0);
    snprintf(want, sizeof(want), "==== SHA-256 of the log above: %s ====\n", d.sha256);
    assert_string_equal(line, want);
    /* The empty text: SHA-256 of nothing. */
    assert_int_equal(dw_log_signature(NULL, 0, line), 0);
    assert_non_null(
        strstr(line, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

static void test_round_trip(void **state)
{
    (void)state;
    size_t len;
    char *text = signed_text(body, &len);
    struct dw_log_check c;
    assert_int_equal(dw_log_verify_text(text, len, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_GOOD);
    assert_string_equal(c.signed_sha256, c.actual_sha256);
    assert_int_equal(c.signed_bytes, (int64_t)strlen(body));
    assert_int_equal(c.trailing_bytes, 0);
    free(text);
}

static void test_every_changed_byte_is_found(void **state)
{
    (void)state;
    size_t len;
    char *text = signed_text(body, &len);
    struct dw_log_check c;
    /* One byte changed anywhere above the signature: modified. */
    for (size_t i = 0; i < strlen(body); i++) {
        text[i] ^= 0x01;
        assert_int_equal(dw_log_verify_text(text, len, &c), 0);
        assert_int_equal(c.verdict, DW_LOG_MODIFIED);
        assert_string_not_equal(c.signed_sha256, c.actual_sha256);
        text[i] ^= 0x01;
    }
    /* A digit of the signature itself. */
    char *hex = strstr(text, "above: ") + 7;
    *hex = *hex == '0' ? '1' : '0';
    assert_int_equal(dw_log_verify_text(text, len, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    free(text);
}

static void test_missing_signature(void **state)
{
    (void)state;
    struct dw_log_check c;
    assert_int_equal(dw_log_verify_text(body, strlen(body), &c), 0);
    assert_int_equal(c.verdict, DW_LOG_UNSIGNED);
    assert_int_equal(c.signed_bytes, (int64_t)strlen(body));
    assert_string_equal(c.signed_sha256, "");
    assert_non_null(strstr(c.reason, "no signature"));
    assert_int_equal(dw_log_verify_text("", 0, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_UNSIGNED);
    /* The prefix not at the start of a line: a line end before it changed. */
    const char *inline_prefix = "x ==== SHA-256 of the log above: 00 ====\n";
    assert_int_equal(dw_log_verify_text(inline_prefix, strlen(inline_prefix), &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    assert_non_null(strstr(c.reason, "does not start a line"));
}

static void test_crlf_is_a_modification(void **state)
{
    (void)state;
    size_t len;
    char *text = signed_text(body, &len);
    char *crlf = malloc(2 * len + 1);
    size_t n = 0;
    struct dw_log_check c;
    assert_non_null(crlf);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = text[i];
    }
    assert_int_equal(dw_log_verify_text(crlf, n, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    assert_non_null(strstr(c.reason, "damaged"));
    /* Only the text above converted, the signature line kept: a mismatch. */
    n = 0;
    for (size_t i = 0; i < strlen(body); i++) {
        if (text[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = text[i];
    }
    memcpy(crlf + n, text + strlen(body), DW_LOG_SIGNATURE_LINE_BYTES);
    n += DW_LOG_SIGNATURE_LINE_BYTES;
    assert_int_equal(dw_log_verify_text(crlf, n, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    assert_string_not_equal(c.signed_sha256, c.actual_sha256);
    free(crlf);
    free(text);
}

static void test_damaged_or_followed(void **state)
{
    (void)state;
    size_t len;
    char *text = signed_text(body, &len);
    char *more = malloc(len + 16);
    struct dw_log_check c;
    assert_non_null(more);
    /* Text after the signature line. */
    memcpy(more, text, len);
    memcpy(more + len, "appended\n", 9);
    assert_int_equal(dw_log_verify_text(more, len + 9, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    assert_int_equal(c.trailing_bytes, 9);
    /* The final newline cut off, or an upper-case digit. */
    assert_int_equal(dw_log_verify_text(text, len - 1, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    memcpy(more, text, len);
    char *hex = strstr(more, "above: ") + 7;
    for (int i = 0; i < 64; i++)
        if (hex[i] >= 'a') {
            hex[i] = (char)(hex[i] - 'a' + 'A');
            break;
        }
    assert_int_equal(dw_log_verify_text(more, len, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_MODIFIED);
    assert_non_null(strstr(c.reason, "damaged"));
    free(more);
    free(text);
}

static void test_last_signature_line_counts(void **state)
{
    (void)state;
    /* A log whose text holds a line looking like a signature (a command
     * line with a newline in an argument): the last one is the signature. */
    char inner[512];
    size_t len;
    snprintf(inner, sizeof(inner),
             "command: discwright rip x -n 'a\n==== SHA-256 of the log above: %064d "
             "====\n'\n%s",
             0, body);
    char *text = signed_text(inner, &len);
    struct dw_log_check c;
    assert_int_equal(dw_log_verify_text(text, len, &c), 0);
    assert_int_equal(c.verdict, DW_LOG_GOOD);
    assert_int_equal(c.signed_bytes, (int64_t)strlen(inner));
    free(text);
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const void *text, size_t len)
{
    static char path[] = "/tmp/dw-test-logsign.XXXXXX";
    strcpy(path, "/tmp/dw-test-logsign.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_file_across_blocks(void **state)
{
    (void)state;
    /* Text so long that the signature line straddles the 64 KiB boundary
     * of the checker's reads, and the prefix itself is cut by it. */
    for (size_t cut = 0; cut < 40; cut += 7) {
        size_t n = 65536 - cut;
        char *big = malloc(n + 1);
        assert_non_null(big);
        for (size_t i = 0; i < n; i++)
            big[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
        big[n - 1] = '\n';
        big[n] = '\0';
        size_t len;
        char *text = signed_text(big, &len);
        const char *path = temp_file(text, len);
        struct dw_log_check c;
        struct dw_error_detail err;
        assert_int_equal(dw_log_verify(path, &c, &err), 0);
        assert_int_equal(c.verdict, DW_LOG_GOOD);
        assert_int_equal(c.signed_bytes, (int64_t)n);
        text[12345] ^= 0x20;
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(text, 1, len, f), len);
        fclose(f);
        assert_int_equal(dw_log_verify(path, &c, &err), 0);
        assert_int_equal(c.verdict, DW_LOG_MODIFIED);
        unlink(path);
        free(text);
        free(big);
    }
}

static void test_file_errors(void **state)
{
    (void)state;
    struct dw_log_check c;
    struct dw_error_detail err;
    assert_int_equal(dw_log_verify("/nonexistent/dir/x.log", &c, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, "/nonexistent/dir/x.log"));
}

static void test_rip_signer(void **state)
{
    (void)state;
    /* dw__log_sign on a log being written: the .part gets the line, the
     * check passes; a text without a final newline gets one first. */
    for (int variant = 0; variant < 2; variant++) {
        const char *path = temp_file("", 0);
        FILE *fp = fopen(path, "wb");
        char hex[65];
        struct dw_error_detail err;
        struct dw_log_check c;
        assert_non_null(fp);
        fputs(body, fp);
        if (variant)
            fputs("no newline at the end", fp);
        assert_int_equal(dw__log_sign(fp, path, hex, &err), 0);
        fclose(fp);
        assert_int_equal(dw_log_verify(path, &c, &err), 0);
        assert_int_equal(c.verdict, DW_LOG_GOOD);
        assert_string_equal(c.signed_sha256, hex);
        unlink(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_line_is_sha256),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_changed_byte_is_found),
        cmocka_unit_test(test_missing_signature),
        cmocka_unit_test(test_crlf_is_a_modification),
        cmocka_unit_test(test_damaged_or_followed),
        cmocka_unit_test(test_last_signature_line_counts),
        cmocka_unit_test(test_file_across_blocks),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_rip_signer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
