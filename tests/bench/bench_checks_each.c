/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-bench-checks: CPU time per sector of each check of the rip chain
 * alone, over a BIN of raw 2352-byte sectors, for tests/bench/bench_checks.sh.
 *
 *   dw-bench-checks IMAGE.bin TRACKS [RUNS]
 *
 * Each check makes one pass over the image (read in 1 MiB blocks from the
 * page cache) and is timed with the process CPU clock, which counts every
 * thread, so a check that hands work to a worker is charged for it; "wall"
 * is its elapsed time.  A pass that only reads is timed the same way and
 * subtracted.  The least of RUNS passes is printed, in microseconds per
 * sector; TRACKS cuts the image into that many equal tracks for the
 * per-track digests (the track and image digest sets), AccurateRip and
 * CTDB.  Machine-readable: one line per check, "check cpu_us wall_us". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <zlib.h>
#include "checksum/hashset.h"
#include "discwright/accuraterip.h"
#include "discwright/checksum.h"
#include "discwright/ctdb.h"
#include "discwright/sector.h"

#define BLOCK_SECTORS 446 /* about 1 MiB */
#define S_BYTES DW_SECTOR_RAW_BYTES

struct pass {
    FILE *fp;
    uint8_t *buf;
    int64_t sectors;
    int tracks;
};

/* Sectors of track t (0-based) when the image is cut into p->tracks. */
static int64_t track_sectors(const struct pass *p, int t)
{
    int64_t per = p->sectors / p->tracks;
    return t == p->tracks - 1 ? p->sectors - per * (p->tracks - 1) : per;
}

enum check {
    C_READ,
    C_CRC32,
    C_CRC32_ZLIB,
    C_MD5,
    C_SHA1,
    C_SHA256,
    C_PAIR_1,
    C_PAIR_N,
    C_SET_1,
    C_SET_N,
    C_EAC,
    C_AR,
    C_CTDB,
    C_EDC,
    C_ECC,
    C_COUNT
};
static const char *const names[C_COUNT] = {"read",
                                           "crc32",
                                           "crc32_zlib",
                                           "md5",
                                           "sha1",
                                           "sha256",
                                           "hash_pair_1thread",
                                           "hash_pair_threads",
                                           "hashset_1thread",
                                           "hashset_threads",
                                           "eac_crcs",
                                           "accuraterip",
                                           "ctdb",
                                           "edc",
                                           "ecc"};

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass of check c; its CPU and wall seconds. */
static int run(struct pass *p, enum check c, double *cpu, double *wall)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    struct md5_ctx md5;
    struct sha1_ctx sha1;
    struct sha256_ctx sha256;
    struct dw_hash *image = NULL, *track = NULL;
    struct dw__hashset *set = NULL;
    struct dw_eac_crc *eac[DW_MAX_TRACKS] = {0};
    struct dw_ar_calc *ar[DW_MAX_TRACKS] = {0};
    struct dw_ctdb_calc *ctdb = NULL;
    struct dw_digests d;
    uint32_t sink = 0;
    md5_init(&md5);
    sha1_init(&sha1);
    sha256_init(&sha256);
    if (c == C_PAIR_1 || c == C_PAIR_N || c == C_SET_1 || c == C_SET_N)
        dw_hash_set_threads(c == C_PAIR_1 || c == C_SET_1 ? 1 : 2);
    if (c == C_PAIR_1 || c == C_PAIR_N) {
        image = dw_hash_new(DW_HASH_ALL);
        track = dw_hash_new(DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1);
    }
    if (c == C_SET_1 || c == C_SET_N)
        set = dw__hashset_new(DW_HASH_ALL, DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1);
    for (int t = 0; t < p->tracks; t++) {
        unsigned flags = (t == 0 ? DW_AR_FIRST_TRACK : 0) |
                         (t == p->tracks - 1 ? DW_AR_LAST_TRACK : 0);
        if (c == C_EAC && !(eac[t] = dw_eac_crc_new()))
            return -1;
        if (c == C_AR &&
            dw_ar_calc_new((uint64_t)track_sectors(p, t) * 588, flags, &ar[t]))
            return -1;
    }
    if (c == C_CTDB) {
        struct dw_ctdb_layout l = {.track_count = p->tracks};
        for (int t = 0; t < p->tracks; t++)
            l.track_samples[t] = (uint64_t)track_sectors(p, t) * 588;
        if (dw_ctdb_calc_new(&l, 0, &ctdb))
            return -1;
    }
    rewind(p->fp);
    double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
    int t = 0;
    int64_t left_in_track = track_sectors(p, 0);
    for (int64_t done = 0; done < p->sectors;) {
        int64_t n = p->sectors - done < BLOCK_SECTORS ? p->sectors - done : BLOCK_SECTORS;
        if (fread(p->buf, S_BYTES, (size_t)n, p->fp) != (size_t)n)
            return -1;
        for (int64_t k = 0; k < n;) {
            int64_t m = n - k < left_in_track ? n - k : left_in_track;
            const uint8_t *b = p->buf + (size_t)k * S_BYTES;
            size_t bytes = (size_t)m * S_BYTES;
            switch (c) {
            case C_READ:
                break;
            case C_CRC32:
                crc = dw__crc32_update((uint32_t)crc, b, bytes);
                break;
            case C_CRC32_ZLIB:
                crc = crc32_z(crc, b, bytes);
                break;
            case C_MD5:
                md5_update(&md5, bytes, b);
                break;
            case C_SHA1:
                sha1_update(&sha1, bytes, b);
                break;
            case C_SHA256:
                sha256_update(&sha256, bytes, b);
                break;
            case C_PAIR_1:
            case C_PAIR_N:
                dw_hash_update(image, b, bytes);
                dw_hash_update(track, b, bytes);
                break;
            case C_SET_1:
            case C_SET_N:
                dw__hashset_update(set, b, bytes);
                break;
            case C_EAC:
                dw_eac_crc_update(eac[t], b, bytes);
                break;
            case C_AR:
                dw_ar_calc_update(ar[t], b, bytes);
                break;
            case C_CTDB:
                dw_ctdb_calc_update(ctdb, b, bytes);
                break;
            case C_EDC:
                for (int64_t s = 0; s < m; s++)
                    sink ^= dw_edc_compute(b + (size_t)s * S_BYTES, 2064);
                break;
            case C_ECC:
                for (int64_t s = 0; s < m; s++)
                    sink += dw_ecc_check(b + (size_t)s * S_BYTES, false);
                break;
            default:
                break;
            }
            k += m;
            left_in_track -= m;
            if (left_in_track == 0 && t + 1 < p->tracks) {
                if (track)
                    dw_hash_final(track, &d);
                if (set)
                    dw__hashset_track_end(set, &d);
                left_in_track = track_sectors(p, ++t);
            }
        }
        done += n;
    }
    if (image) {
        dw_hash_final(track, &d);
        dw_hash_final(image, &d);
    }
    if (set) {
        dw__hashset_track_end(set, &d);
        dw__hashset_final(set, &d);
    }
    *cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    *wall = now(CLOCK_MONOTONIC) - w0;
    dw_hash_free(image);
    dw_hash_free(track);
    dw__hashset_free(set);
    for (int k = 0; k < p->tracks; k++) {
        dw_eac_crc_free(eac[k]);
        dw_ar_calc_free(ar[k]);
    }
    dw_ctdb_calc_free(ctdb);
    dw_hash_set_threads(0);
    if (sink == 0x5eed5eedu) /* keep the results alive */
        fputc(' ', stderr);
    return (int)(crc & 0);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: dw-bench-checks IMAGE.bin TRACKS [RUNS]\n");
        return 2;
    }
    struct pass p = {.fp = fopen(argv[1], "rb"), .tracks = atoi(argv[2])};
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (!p.fp || p.tracks < 1 || p.tracks > 99 || runs < 1) {
        fprintf(stderr, "dw-bench-checks: cannot open '%s' or bad TRACKS/RUNS\n",
                argv[1]);
        return 2;
    }
    fseeko(p.fp, 0, SEEK_END);
    p.sectors = (int64_t)(ftello(p.fp) / S_BYTES);
    p.buf = malloc((size_t)BLOCK_SECTORS * S_BYTES);
    if (!p.buf || p.sectors < (int64_t)p.tracks * 30) {
        fprintf(stderr, "dw-bench-checks: '%s' is too short for %d tracks\n", argv[1],
                p.tracks);
        return 2;
    }
    double read_cpu = 0, read_wall = 0;
    for (int c = 0; c < C_COUNT; c++) {
        double best_cpu = -1, best_wall = -1;
        for (int r = 0; r < runs; r++) {
            double cpu, wall;
            if (run(&p, (enum check)c, &cpu, &wall)) {
                fprintf(stderr, "dw-bench-checks: '%s': %s failed\n", argv[1], names[c]);
                return 1;
            }
            if (best_cpu < 0 || cpu < best_cpu)
                best_cpu = cpu;
            if (best_wall < 0 || wall < best_wall)
                best_wall = wall;
        }
        if (c == C_READ) {
            read_cpu = best_cpu;
            read_wall = best_wall;
        } else {
            best_cpu -= read_cpu;
            best_wall -= read_wall;
        }
        printf("%s %.3f %.3f\n", names[c], best_cpu * 1e6 / (double)p.sectors,
               best_wall * 1e6 / (double)p.sectors);
    }
    free(p.buf);
    fclose(p.fp);
    return 0;
}
