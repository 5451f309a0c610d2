/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the AccurateRip response (dBAR) parser: any bytes
 * give either a response whose blocks account for every input byte, or
 * DW_EPARSE with no response; the matcher then runs over what was parsed.
 * Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "discwright/accuraterip.h"
#include "discwright/errors.h"

const char *dw_fuzz_fixture_ext = ".bin";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_ar_response *r = NULL;
    int rc = dw_ar_response_parse(data, size, &r);
    if (rc == 0) {
        size_t bytes = 0;
        int max_tracks = 0;
        for (int b = 0; b < r->block_count; b++) {
            if (r->blocks[b].track_count < 1)
                abort();
            bytes += 13 + 9 * (size_t)r->blocks[b].track_count;
            if (r->blocks[b].track_count > max_tracks)
                max_tracks = r->blocks[b].track_count;
        }
        if (bytes != size)
            abort();
        /* Our checksums = the first block's entries: every track matches. */
        struct dw_ar_checksums ours[255] = {{0}};
        struct dw_ar_track_match m[255];
        for (int t = 0; t < r->blocks[0].track_count; t++)
            ours[t].v1 = r->blocks[0].tracks[t].crc;
        if (dw_ar_match(r, ours, max_tracks, m, NULL) != 0)
            abort();
        for (int t = 0; t < r->blocks[0].track_count; t++)
            if (r->blocks[0].tracks[t].confidence > 0 && m[t].kind == DW_AR_MATCH_NONE)
                abort();
    } else if (rc != DW_EPARSE || r != NULL) {
        abort();
    }
    dw_ar_response_free(r);
    return 0;
}
