/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the CTDB lookup answer (src/checksum/ctdb_lookup.c):
 * any bytes give either a response whose entries are whole (track CRCs
 * present exactly when counted, at most 99 of them) or DW_EPARSE with no
 * response, and never a line on stderr (libxml2's reports are silenced);
 * the matcher then runs over what was parsed, with our CRCs taken from
 * the first entry, which must then match (every track, when it has any
 * confidence).  Never a crash, leak or
 * hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/ctdb.h"
#include "discwright/errors.h"

const char *dw_fuzz_fixture_ext = ".xml";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_ctdb_response *r = NULL;
    int rc = dw_ctdb_response_parse(data, size, &r);
    if (rc == 0) {
        if (r->entry_count < 0 || (r->entry_count > 0 && !r->entries))
            abort();
        for (int i = 0; i < r->entry_count; i++) {
            const struct dw_ctdb_entry *e = &r->entries[i];
            if (e->track_count < 0 || e->track_count > DW_MAX_TRACKS ||
                (e->track_count > 0) != (e->track_crc32 != NULL))
                abort();
            if ((e->toc && !e->toc[0]) || (e->hasparity && !e->hasparity[0]))
                abort();
        }
        if (r->entry_count > 0) {
            const struct dw_ctdb_entry *e = &r->entries[0];
            struct dw_ctdb_checksums ours = {
                .crc32 = e->crc32, .track_count = e->track_count ? e->track_count : 1};
            if (e->track_count)
                memcpy(ours.track_crc32, e->track_crc32,
                       sizeof(uint32_t) * (size_t)e->track_count);
            struct dw_ctdb_disc_match dm;
            struct dw_ctdb_track_match tm[DW_MAX_TRACKS];
            struct dw_ctdb_entry_match *em = calloc((size_t)r->entry_count, sizeof(*em));
            if (em) {
                if (dw_ctdb_match(r, &ours, e->toc, em, tm, &dm) != 0 || !dm.matched ||
                    !em[0].disc || dm.best_entry < 0 ||
                    (e->confidence > 0 && dm.tracks_matched != ours.track_count))
                    abort();
                free(em);
            }
        }
    } else if (rc != DW_EPARSE || r != NULL) {
        abort();
    }
    dw_ctdb_response_free(r);
    return 0;
}
