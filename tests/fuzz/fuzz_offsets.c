/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for what the read offset code parses: the drive offset
 * table's lines (src/profile/offsets.c: each input line as a table line,
 * fields checked to lie inside it, offsets within bounds, names
 * normalized) and the data-sector sync scan over bytes a drive returned
 * (src/rip/offset.c: every hit's combined offset is its position against
 * the sector its header names).  Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "profile/profile_int.h"
#include "rip/offset.h"

const char *dw_fuzz_fixture_ext = ".tsv";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t len = strlen(line);
        char *vendor, *model, norm[64];
        long offset;
        int k = dw__profile_offset_line(line, &vendor, &model, &offset);
        if (k < -1 || k > 1)
            abort();
        if (k == 1) {
            if (vendor < line || vendor > line + len || model < line || model > line + len ||
                offset < -100000 || offset > 100000)
                abort();
            dw__profile_normalize(model, norm, sizeof(norm));
            if (strlen(norm) >= sizeof(norm) || norm[0] == ' ' ||
                (norm[0] && norm[strlen(norm) - 1] == ' ') || strstr(norm, "  "))
                abort();
        }
        line = next;
    }
    free(text);

    struct dw__sync_hit hits[8];
    int found = dw__offset_sync_scan(data, size, 1000LL * 2352, hits, 8);
    if (found < 0 || found > 8)
        abort();
    for (int i = 0; i < found; i++)
        if (hits[i].byte_pos < 1000LL * 2352 || hits[i].byte_pos >= 1000LL * 2352 + (int64_t)size ||
            hits[i].combined_bytes != hits[i].byte_pos - (int64_t)hits[i].header_lba * 2352)
            abort();
    return 0;
}
