/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the signed-log check (src/report/logsign.c): any
 * bytes give a verdict, never a crash, leak or hang; a "good" verdict means
 * the text really ends with the signature of what is before it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/report.h"

const char *dw_fuzz_fixture_ext = ".log";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_log_check c;
    char line[DW_LOG_SIGNATURE_LINE_BYTES + 1];
    if (dw_log_verify_text(data, size, &c) != 0)
        abort();
    if (c.signed_bytes < 0 || (size_t)c.signed_bytes > size ||
        strlen(c.actual_sha256) != 64)
        abort();
    if (c.verdict == DW_LOG_GOOD) {
        if (strcmp(c.signed_sha256, c.actual_sha256) != 0 || c.trailing_bytes != 0 ||
            (size_t)c.signed_bytes + DW_LOG_SIGNATURE_LINE_BYTES != size)
            abort();
        dw_log_signature(data, (size_t)c.signed_bytes, line);
        if (memcmp(line, data + c.signed_bytes, DW_LOG_SIGNATURE_LINE_BYTES) != 0)
            abort();
    } else if (c.verdict != DW_LOG_MODIFIED && c.verdict != DW_LOG_UNSIGNED) {
        abort();
    }
    return 0;
}
