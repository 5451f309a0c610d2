/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the rip's sector map (NAME.map, read by
 * `rip --resume`; src/rip/ripmap.c dw__ripmap_parse): any text is refused
 * with DW_EPARSE naming the file and nothing kept, or gives a map whose
 * numbers hold what the loader promises: bin_first_lba <= final_lba <=
 * bin_end_lba, all within +-2^30, every bad and re-read range inside the
 * bin and below final_lba, and the sector counts the sums of the ranges.
 * Never a crash, leak, hang (a range ending at INT32_MAX looped for ever)
 * or out-of-memory. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "rip/ripmap.h"

const char *dw_fuzz_fixture_ext = ".map";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ranges(const struct dw__lba_ranges *rs, const struct dw__ripmap *m)
{
    int64_t sectors = 0;
    if (rs->count < 0 || (rs->count > 0 && !rs->r))
        abort();
    for (int i = 0; i < rs->count; i++) {
        const struct dw__lba_range *x = &rs->r[i];
        if (x->first_lba < m->bin_first_lba || x->first_lba > x->last_lba ||
            x->last_lba >= m->final_lba)
            abort();
        sectors += (int64_t)x->last_lba - x->first_lba + 1;
    }
    if (sectors != rs->sectors)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__ripmap m;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__ripmap_parse((const char *)data, size, "fuzz.map", &m, &err);
    if (rc == DW_EPARSE) {
        if (!strstr(err.message, "'fuzz.map'") || m.bad.r || m.reread.r || m.bad.count ||
            m.reread.count)
            abort();
        return 0;
    }
    if (rc != 0)
        abort();
    if (m.bin_first_lba < -(1 << 30) || m.bin_end_lba > (1 << 30) ||
        m.bin_first_lba > m.final_lba || m.final_lba > m.bin_end_lba ||
        m.toc[sizeof(m.toc) - 1] != '\0' || m.mode[sizeof(m.mode) - 1] != '\0')
        abort();
    check_ranges(&m.bad, &m);
    check_ranges(&m.reread, &m);
    dw__ripmap_release(&m);
    return 0;
}
