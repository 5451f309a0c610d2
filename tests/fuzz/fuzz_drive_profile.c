/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the drive profile reader (src/profile/drive_profile.c):
 * any text either parses or is refused with DW_EPARSE and a cleared
 * profile; what parses writes back (dw_drive_profile_to_json) to JSON that
 * parses to the same profile.  Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/drive_profile.h"
#include "discwright/errors.h"
#include "profile/profile_int.h"

const char *dw_fuzz_fixture_ext = ".json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_drive_profile p, q;
    struct dw_error_detail err;
    char *text = malloc(size + 1), *again;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int rc = dw__drive_profile_parse(text, "fuzz.json", &p, &err);
    free(text);
    if (rc != 0 && rc != DW_EPARSE)
        abort();
    if (rc) {
        if (p.vendor[0] || p.cache_sectors != -1 || !strstr(err.message, "fuzz.json"))
            abort();
        return 0;
    }
    again = dw_drive_profile_to_json(&p);
    if (!again)
        return 0;
    rc = dw__drive_profile_parse(again, "again.json", &q, &err);
    free(again);
    /* Notes cut to fit may differ in what follows their end; compare the
     * rest. */
    if (rc || strcmp(p.notes, q.notes) != 0)
        abort();
    memset(p.notes, 0, sizeof(p.notes));
    memset(q.notes, 0, sizeof(q.notes));
    if (memcmp(&p, &q, sizeof(p)) != 0)
        abort();
    return 0;
}
