/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming CRC-32 (zlib) + MD5/SHA-1/SHA-256 (nettle). */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/checksum.h"
#include "discwright/errors.h"
#include "checksum/hashset.h"

/* A dw_hash is the track stream of a dw__hashset with no image digests
 * (hashset.c): the same bounded ring and worker threads.  Its digests are
 * placed by their CPU per byte (MD5, which no CPU instruction speeds up,
 * the dearest; nettle takes SHA-1 and SHA-256 through the SHA extensions
 * where the CPU has them; CRC-32 stays with the caller): with MD5 and
 * something else the MD5 goes to a worker, which hashes copies of the
 * bytes from a 2 MiB ring while the caller does the rest, and with more
 * threads allowed the other digests get workers too; dw_hash_final waits
 * until they have drained.  The digests are those of the single-thread
 * code, byte for byte; dw_hash_set_threads(1) turns workers off. */
struct dw_hash {
    struct dw__hashset *set;
};

static atomic_uint hash_threads; /* dw_hash_set_threads; 0: automatic */

void dw_hash_set_threads(unsigned threads)
{
    atomic_store(&hash_threads, threads);
}

unsigned dw__hash_workers(void)
{
    unsigned t = atomic_load(&hash_threads);
    if (t == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        t = cpus > 1 ? (unsigned)(cpus < 64 ? cpus : 64) : 1;
    }
    return t - 1;
}

struct dw_hash *dw_hash_new(unsigned which)
{
    if (!(which & DW_HASH_ALL))
        return NULL;
    struct dw_hash *h = calloc(1, sizeof(*h));
    if (!h || !(h->set = dw__hashset_new(0, which & DW_HASH_ALL))) {
        free(h);
        return NULL;
    }
    return h;
}

void dw_hash_update(struct dw_hash *h, const void *data, size_t bytes)
{
    dw__hashset_update(h->set, data, bytes);
}

void dw__hash_hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void dw_hash_final(struct dw_hash *h, struct dw_digests *out)
{
    dw__hashset_track_end(h->set, out);
}

void dw_hash_free(struct dw_hash *h)
{
    if (h)
        dw__hashset_free(h->set);
    free(h);
}

int dw_hash_file(const char *path, unsigned which, struct dw_digests *out)
{
    int rc = 0;
    FILE *fp = fopen(path, "rb");
    struct dw_hash *h = NULL;
    uint8_t *buf = NULL;
    if (!fp)
        return dw_error_from_errno(errno);
    h = dw_hash_new(which);
    buf = malloc(1 << 20);
    if (!h || !buf) {
        rc = DW_ENOMEM;
        goto out;
    }
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, fp)) > 0)
        dw_hash_update(h, buf, n);
    if (ferror(fp)) {
        rc = DW_EIO;
        goto out;
    }
    dw_hash_final(h, out);
out:
    fclose(fp);
    free(buf);
    dw_hash_free(h);
    return rc;
}
