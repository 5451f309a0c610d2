/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming CRC-32 (zlib) + MD5/SHA-1/SHA-256 (nettle). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <unistd.h>
#include <zlib.h>
#include "discwright/checksum.h"
#include "discwright/errors.h"
#include "checksum/hashset.h"

/* MD5 is the one digest here that no CPU instruction speeds up (nettle
 * takes SHA-1 and SHA-256 through the SHA extensions where the CPU has
 * them, and zlib's CRC-32 is cheap): it costs about as much as the other
 * three together.  A hash with MD5 and something else therefore hands the
 * MD5 to a worker thread of its own: dw_hash_update copies the bytes into
 * a bounded ring of slots (RING_SLOTS x SLOT_BYTES, 2 MiB), the worker
 * hashes published slots in order, and dw_hash_final waits until it has
 * drained.  The digests are those of the single-thread code, byte for
 * byte.  The worker starts at the first full slot, so small hashes never
 * start one; dw_hash_set_threads(1) turns workers off. */
#define RING_SLOTS 8
#define SLOT_BYTES (256u * 1024u)

struct md5_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled; /* a slot was published, or stop */
    pthread_cond_t freed;  /* the worker finished a slot */
    uint8_t *ring;         /* RING_SLOTS * SLOT_BYTES */
    size_t slot_bytes[RING_SLOTS];
    uint64_t published;    /* slots handed over so far (the caller's count) */
    uint64_t consumed;     /* slots hashed so far (the worker's count) */
    size_t filling;        /* bytes in slot published % RING_SLOTS, not yet handed over */
    bool stop;
    struct md5_ctx md5;    /* the worker's while it runs; the caller's once drained */
};

struct dw_hash {
    unsigned which;
    uint64_t bytes;
    uLong crc;
    struct md5_ctx md5;
    struct sha1_ctx sha1;
    struct sha256_ctx sha256;
    bool md5_offload;           /* MD5 goes to `worker` (started lazily) */
    struct md5_worker *worker;  /* NULL until the first full slot */
};

static atomic_uint hash_threads; /* dw_hash_set_threads; 0: automatic */

void dw_hash_set_threads(unsigned threads)
{
    atomic_store(&hash_threads, threads);
}

bool dw__hash_threads_allowed(void)
{
    unsigned t = atomic_load(&hash_threads);
    if (t == 0)
        return sysconf(_SC_NPROCESSORS_ONLN) > 1;
    return t > 1;
}

static bool want_worker(unsigned which)
{
    if (!(which & DW_HASH_MD5) || !(which & ~DW_HASH_MD5))
        return false; /* nothing to run beside it */
    return dw__hash_threads_allowed();
}

static void *md5_worker_main(void *arg)
{
    struct md5_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->consumed == w->published && !w->stop)
            pthread_cond_wait(&w->filled, &w->mu);
        if (w->consumed == w->published)
            break; /* stop, and drained */
        unsigned slot = (unsigned)(w->consumed % RING_SLOTS);
        size_t n = w->slot_bytes[slot];
        pthread_mutex_unlock(&w->mu);
        md5_update(&w->md5, n, w->ring + (size_t)slot * SLOT_BYTES);
        pthread_mutex_lock(&w->mu);
        w->consumed++;
        pthread_cond_signal(&w->freed);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Start h's worker, handing it the MD5 state so far.  false (and MD5 stays
 * on the caller's thread) when memory or a thread cannot be had. */
static bool worker_start(struct dw_hash *h)
{
    struct md5_worker *w = calloc(1, sizeof(*w));
    if (!w || !(w->ring = malloc((size_t)RING_SLOTS * SLOT_BYTES)))
        goto fail;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->filled, NULL);
    pthread_cond_init(&w->freed, NULL);
    w->md5 = h->md5;
    if (pthread_create(&w->thread, NULL, md5_worker_main, w) != 0) {
        pthread_cond_destroy(&w->freed);
        pthread_cond_destroy(&w->filled);
        pthread_mutex_destroy(&w->mu);
        goto fail;
    }
    h->worker = w;
    return true;
fail:
    if (w)
        free(w->ring);
    free(w);
    h->md5_offload = false;
    return false;
}

/* Hand the slot being filled to the worker; wait while the ring is full. */
static void worker_publish(struct md5_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->slot_bytes[w->published % RING_SLOTS] = w->filling;
    w->published++;
    w->filling = 0;
    pthread_cond_signal(&w->filled);
    while (w->published - w->consumed == RING_SLOTS)
        pthread_cond_wait(&w->freed, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

/* MD5 of p[0..n) through the ring (starting the worker at the first full
 * slot; until then the bytes wait in a slot of h's own). */
static void md5_feed(struct dw_hash *h, const uint8_t *p, size_t n)
{
    while (n) {
        if (!h->worker && !worker_start(h)) {
            md5_update(&h->md5, n, p);
            return;
        }
        struct md5_worker *w = h->worker;
        size_t room = SLOT_BYTES - w->filling;
        size_t k = n < room ? n : room;
        memcpy(w->ring + (size_t)(w->published % RING_SLOTS) * SLOT_BYTES + w->filling, p, k);
        w->filling += k;
        p += k;
        n -= k;
        if (w->filling == SLOT_BYTES)
            worker_publish(w);
    }
}

/* Wait until the worker has hashed every byte fed; its MD5 state is then
 * h's to read (the worker waits for the next slot). */
static void worker_drain(struct dw_hash *h)
{
    struct md5_worker *w = h->worker;
    if (w->filling)
        worker_publish(w);
    pthread_mutex_lock(&w->mu);
    while (w->consumed != w->published)
        pthread_cond_wait(&w->freed, &w->mu);
    h->md5 = w->md5;
    pthread_mutex_unlock(&w->mu);
}

static void worker_stop(struct md5_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->filled);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->freed);
    pthread_cond_destroy(&w->filled);
    pthread_mutex_destroy(&w->mu);
    free(w->ring);
    free(w);
}

static void restart(struct dw_hash *h)
{
    h->bytes = 0;
    h->crc = crc32(0L, Z_NULL, 0);
    md5_init(&h->md5);
    sha1_init(&h->sha1);
    sha256_init(&h->sha256);
    if (h->worker) {
        pthread_mutex_lock(&h->worker->mu);
        md5_init(&h->worker->md5); /* drained: the worker is waiting */
        pthread_mutex_unlock(&h->worker->mu);
    }
}

struct dw_hash *dw_hash_new(unsigned which)
{
    if (!(which & DW_HASH_ALL))
        return NULL;
    struct dw_hash *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->which = which & DW_HASH_ALL;
    h->md5_offload = want_worker(h->which);
    restart(h);
    return h;
}

void dw_hash_update(struct dw_hash *h, const void *data, size_t bytes)
{
    const uint8_t *p = data;
    h->bytes += bytes;
    if ((h->which & DW_HASH_MD5) && h->md5_offload)
        md5_feed(h, p, bytes); /* first, so the worker runs while we hash */
    while (bytes) {
        /* zlib's crc32_z takes a size_t length. */
        size_t n = bytes > (1u << 30) ? (1u << 30) : bytes;
        if (h->which & DW_HASH_CRC32)
            h->crc = crc32_z(h->crc, p, n);
        if ((h->which & DW_HASH_MD5) && !h->md5_offload)
            md5_update(&h->md5, n, p);
        if (h->which & DW_HASH_SHA1)
            sha1_update(&h->sha1, n, p);
        if (h->which & DW_HASH_SHA256)
            sha256_update(&h->sha256, n, p);
        p += n;
        bytes -= n;
    }
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
    uint8_t d[SHA256_DIGEST_SIZE];
    memset(out, 0, sizeof(*out));
    out->which = h->which;
    out->bytes = h->bytes;
    if (h->which & DW_HASH_CRC32)
        out->crc32 = (uint32_t)h->crc;
    if (h->which & DW_HASH_MD5) {
        if (h->worker)
            worker_drain(h);
        md5_digest(&h->md5, MD5_DIGEST_SIZE, d);
        dw__hash_hex(d, MD5_DIGEST_SIZE, out->md5);
    }
    if (h->which & DW_HASH_SHA1) {
        sha1_digest(&h->sha1, SHA1_DIGEST_SIZE, d);
        dw__hash_hex(d, SHA1_DIGEST_SIZE, out->sha1);
    }
    if (h->which & DW_HASH_SHA256) {
        sha256_digest(&h->sha256, SHA256_DIGEST_SIZE, d);
        dw__hash_hex(d, SHA256_DIGEST_SIZE, out->sha256);
    }
    restart(h);
}

void dw_hash_free(struct dw_hash *h)
{
    if (h && h->worker)
        worker_stop(h->worker);
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
