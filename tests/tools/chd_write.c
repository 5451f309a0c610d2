/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-test-chdwrite: write an image as a CHD through the chd sink
 * (src/convert/sink_chd.c), the way `convert --format chd` will, so that
 * tests/integration/test_chd.sh and tests/bench/bench_chd.sh can check
 * the writer against chdman before the convert command exists.
 *
 *   dw-test-chdwrite [-c CODEC] [-t THREADS] [-s] SOURCE DEST.chd
 *
 * -s reads the source's raw P-W and stores it (SUBTYPE RW_RAW).  Exit 0,
 * or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "convert/sink.h"
#include "discwright/drive.h"
#include "discwright/sector.h"

extern const struct dw__sink_ops dw__sink_chd;

#define CHUNK 64

int main(int argc, char **argv)
{
    struct dw__sink_opts opts = {.level = -1};
    struct dw_error_detail err = {0};
    struct dw_drive *drive = NULL;
    struct dw__sink *sink = NULL;
    int opt, rc = 1;
    while ((opt = getopt(argc, argv, "c:t:s")) != -1) {
        if (opt == 'c')
            opts.codec = optarg;
        else if (opt == 't')
            opts.threads = (unsigned)atoi(optarg);
        else if (opt == 's')
            opts.have_sub = true;
        else
            return 2;
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: dw-test-chdwrite [-c CODEC] [-t THREADS] [-s] SOURCE DEST\n");
        return 2;
    }
    uint8_t *buf = malloc((size_t)CHUNK * 2448), *raw = malloc((size_t)CHUNK * 2352),
            *sub = calloc(CHUNK, 96);
    if (!buf || !raw || !sub)
        return 1;
    if (dw_drive_open(argv[optind], 0, &drive, &err)) {
        fprintf(stderr, "dw-test-chdwrite: %s\n", err.message);
        goto out;
    }
    const struct dw_disc *disc = dw_drive_disc(drive);
    if (dw__sink_chd.open(&sink, argv[optind + 1], disc, &opts, &err)) {
        fprintf(stderr, "dw-test-chdwrite: %s\n", err.message);
        goto out;
    }
    for (int t = 0; t < disc->track_count; t++) {
        const struct dw_track *tr = &disc->tracks[t];
        for (int32_t lba = dw_track_first_lba(tr); lba < tr->end_lba;) {
            int32_t n = tr->end_lba - lba < CHUNK ? tr->end_lba - lba : CHUNK;
            int r;
            if (opts.have_sub) {
                r = dw_drive_read_raw_sub(drive, lba, n, buf);
                for (int32_t i = 0; !r && i < n; i++) {
                    memcpy(raw + (size_t)i * 2352, buf + (size_t)i * 2448, 2352);
                    memcpy(sub + (size_t)i * 96, buf + (size_t)i * 2448 + 2352, 96);
                }
            } else {
                r = dw_drive_read_raw(drive, lba, n, raw);
            }
            if (r) {
                fprintf(stderr, "dw-test-chdwrite: reading LBA %d: %s\n", lba,
                        dw_drive_last_error(drive)->message);
                goto out;
            }
            if (dw__sink_chd.put(sink, lba, raw, sub, n, &err)) {
                fprintf(stderr, "dw-test-chdwrite: %s\n", err.message);
                goto out;
            }
            lba += n;
        }
    }
    struct dw__sink *s = sink;
    sink = NULL;
    if (dw__sink_chd.commit(s, &err)) {
        fprintf(stderr, "dw-test-chdwrite: %s\n", err.message);
        goto out;
    }
    rc = 0;
out:
    if (sink)
        dw__sink_chd.abort(sink);
    dw_drive_free(drive);
    free(buf);
    free(raw);
    free(sub);
    return rc;
}
