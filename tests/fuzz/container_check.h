/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every container decoder (src/image/container.h) must satisfy, for
 * fuzz_cso.c, fuzz_ecm.c, fuzz_dmg.c: the input is put in a memfd and
 * opened by path (/proc/self/fd/N); abort() on the first breach.
 *  - open returns 0 with a decoded size and ops, or one of its documented
 *    errors with a message;
 *  - every read inside the decoded size returns 0 or a documented error
 *    with a message, and the same range read again gives the same bytes
 *    (the block cache and the stream restart change nothing);
 *  - a read past the decoded size is DW_ETRUNC.
 * At most DW_FUZZ_DECODE_BYTES of the decoded content are read, so that a
 * small input declaring a large image stays fast. */
#ifndef DW_FUZZ_CONTAINER_CHECK_H
#define DW_FUZZ_CONTAINER_CHECK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "image/container.h"

#define DW_FUZZ_DECODE_BYTES (4u << 20)

static inline bool dw_fuzz_documented(int rc)
{
    return rc == DW_EPARSE || rc == DW_ETRUNC || rc == DW_EUNSUPPORTED || rc == DW_ERANGE ||
           rc == DW_EMISMATCH || rc == DW_EIO || rc == DW_ENOMEM;
}

static inline void dw_fuzz_check_container(const uint8_t *data, size_t size,
                                           int (*open_fn)(const char *, struct dw__decoded *,
                                                          struct dw_error_detail *))
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct dw__decoded d;
    struct dw_error_detail err = {0};
    int rc = open_fn(path, &d, &err);
    if (getenv("DW_FUZZ_VERBOSE"))
        fprintf(stderr, "open: %d %s\n", rc, err.message);
    if (rc) {
        if (!dw_fuzz_documented(rc) || !err.message[0] || d.ops || d.ctx)
            abort();
        close(fd);
        return;
    }
    if (!d.ops || !d.ctx || d.bytes == 0)
        abort();
    size_t chunk = 40000; /* not a multiple of any block or sector size */
    uint8_t *a = malloc(chunk), *b = malloc(chunk);
    uint64_t limit = d.bytes < DW_FUZZ_DECODE_BYTES ? d.bytes : DW_FUZZ_DECODE_BYTES;
    for (uint64_t off = 0; a && b && off < limit; off += chunk) {
        size_t n = limit - off < chunk ? (size_t)(limit - off) : chunk;
        struct dw_error_detail e1 = {0}, e2 = {0};
        int r1 = d.ops->pread(d.ctx, a, n, off, &e1);
        if (r1) {
            if (!dw_fuzz_documented(r1) || !e1.message[0])
                abort();
            break;
        }
        /* Every 16th range: the first bytes again, then this range again
         * (backward seeks; not on every range, since a stream without
         * random access, a single-block xz, decodes from its start for
         * each, and the harness would time out on its own cost). */
        if ((off / chunk) % 16 != 0)
            continue;
        size_t m = n < 100 ? n : 100;
        if (d.ops->pread(d.ctx, b, m, 0, &e2) == 0 && off == 0 && memcmp(a, b, m))
            abort();
        int r2 = d.ops->pread(d.ctx, b, n, off, &e2);
        if (r2 || memcmp(a, b, n))
            abort();
    }
    struct dw_error_detail e3 = {0};
    if (a && d.ops->pread(d.ctx, a, 1, d.bytes, &e3) != DW_ETRUNC)
        abort();
    free(a);
    free(b);
    d.ops->close(d.ctx);
    close(fd);
}

#endif
