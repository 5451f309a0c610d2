/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the rip profile reader (src/profile/rip_profile.c):
 * any text either parses or is refused with DW_EPARSE, a message naming
 * the file, and a cleared profile; what parses holds a valid name, a
 * one-line description, one of the four modes and retries in 0-100, and
 * applies to rip options.  Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "discwright/rip_profile.h"
#include "profile/profile_int.h"
#include "rip/rip_int.h"

const char *dw_fuzz_fixture_ext = ".json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct dw_rip_profile cleared;
    struct dw_rip_profile p;
    struct dw_rip_opts opts = {.data_retries = -1};
    struct dw_error_detail err;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int rc = dw__rip_profile_parse(text, "fuzz.json", size % 2 ? "x" : NULL, &p, &err);
    free(text);
    if (rc != 0 && rc != DW_EPARSE)
        abort();
    if (rc) {
        if (memcmp(&p, &cleared, sizeof(p)) != 0 || !strstr(err.message, "fuzz.json"))
            abort();
        return 0;
    }
    if (!p.name[0] || strchr(p.name, '/') || !p.description[0] ||
        strchr(p.description, '\n') || (int)p.mode < 0 || p.mode > DW_RIP_TEST_AND_COPY ||
        (p.has_retries && (p.retries < 0 || p.retries > 100)) ||
        (size % 2 && strcmp(p.name, "x") != 0))
        abort();
    if (dw_rip_profile_apply(&p, &opts) != 0 || opts.mode != p.mode ||
        opts.data_retries != (p.has_retries ? p.retries : -1) ||
        (opts.flags & ~(unsigned)(DW_RIP_NO_QSCAN | DW_RIP_NO_ACCURATERIP |
                                  DW_RIP_SUBCHANNEL | DW_RIP_TOC)))
        abort();
    return 0;
}
