/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The track and image digests of a stream of tracks, each once per byte,
 * spread over the caller's thread and worker threads (hashset.h says what
 * is derived from what and how the digests are placed). */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <isa-l/crc.h>
#include <zlib.h>
#include "checksum/hashset.h"
#include "checksum/nettle_impl.h"

#define RING_SLOTS 8
#define SLOT_BYTES (256u * 1024u)
/* Lanes: lane 0 is the caller's thread, lanes 1..MAX_WORKERS workers. */
#define MAX_WORKERS 4
#define LANES (MAX_WORKERS + 1)

/* A unit is one digest of one stream: bit (algorithm index + 3 * stream),
 * stream 0 the track, 1 the image; algorithm 0 MD5, 1 SHA-1, 2 SHA-256.
 * CRC-32 is not a unit: the caller's thread runs it once, on the track. */
enum { ALG_MD5, ALG_SHA1, ALG_SHA256, ALG_COUNT };
enum { TRACK, IMAGE };
#define UNIT(stream, alg) (1u << ((alg) + 3 * (stream)))
#define UNIT_COUNT (2 * ALG_COUNT)
static const unsigned alg_bit[ALG_COUNT] = {DW_HASH_MD5, DW_HASH_SHA1, DW_HASH_SHA256};

/* One ring of copies of the bytes, read by every worker: a slot is free
 * again when each worker has hashed it. */
struct ring {
    pthread_t thread[MAX_WORKERS];
    unsigned started; /* workers 0..started-1 run */
    pthread_mutex_t mu;
    pthread_cond_t filled; /* a slot was published, or stop (broadcast) */
    pthread_cond_t freed;  /* a worker finished a slot */
    uint8_t *slots;        /* RING_SLOTS * SLOT_BYTES */
    size_t slot_bytes[RING_SLOTS];
    uint64_t published;               /* slots handed over */
    uint64_t consumed[MAX_WORKERS];   /* slots each worker has hashed */
    size_t filling;                   /* bytes in the slot being filled */
    bool stop;
};

struct worker_arg {
    struct dw__hashset *s;
    unsigned index; /* lane index + 1 */
};

struct dw__hashset {
    unsigned image_which, track_which;
    unsigned active;        /* units updated now */
    unsigned lane[LANES];   /* the active units each lane runs (changed only when drained) */
    unsigned on_worker;     /* the units of lanes 1.. */
    unsigned workers;       /* lanes 1..workers may be used (dw__hash_workers) */
    bool first_track;       /* image units the track has too are the track's */
    uint64_t track_bytes, image_bytes;
    uint32_t track_crc, image_crc; /* image_crc: the tracks ended so far */
    struct md5_ctx md5[2];
    struct sha1_ctx sha1[2];
    struct sha256_ctx sha256[2];
    struct ring *ring; /* NULL until a worker has work */
    struct worker_arg arg[MAX_WORKERS];
};

uint32_t dw__crc32_update(uint32_t crc, const void *p, size_t bytes)
{
    if (!bytes)
        return crc;
    return crc32_gzip_refl(crc, p, (uint64_t)bytes);
}

uint32_t dw__crc32_join(uint32_t crc_a, uint32_t crc_b, uint64_t bytes_b)
{
    /* crc32_combine(a, b, n) is a's CRC register advanced over n zero
     * bytes, xor b; the advance composes, so it goes in steps that fit. */
    uLong a = crc_a;
    const uint64_t step = UINT64_C(1) << 30;
    while (bytes_b > step) {
        a = crc32_combine(a, 0, (z_off_t)step);
        bytes_b -= step;
    }
    return (uint32_t)crc32_combine(a, crc_b, (z_off_t)bytes_b);
}

static void run_units(struct dw__hashset *s, unsigned units, const uint8_t *p, size_t n)
{
    for (int st = TRACK; st <= IMAGE; st++) {
        if (units & UNIT(st, ALG_MD5))
            md5_update(&s->md5[st], n, p);
        if (units & UNIT(st, ALG_SHA1))
            sha1_update(&s->sha1[st], n, p);
        if (units & UNIT(st, ALG_SHA256))
            sha256_update(&s->sha256[st], n, p);
    }
}

/* CPU per 2352-byte sector of an algorithm, in tenths of a microsecond,
 * measured with dw-bench-checks (tests/bench/bench_checks.sh) on an x86-64
 * with the SHA extensions: MD5 4.1, SHA-1 1.6, SHA-256 1.8.  Without them
 * nettle's SHA-1 and SHA-256 cost about 2.3 and 4.3 times MD5's share. */
static unsigned cost(int alg)
{
    bool sha_ni = dw__nettle_sha_ni();
    switch (alg) {
    case ALG_MD5:
        return 41;
    case ALG_SHA1:
        return sha_ni ? 16 : 36;
    default:
        return sha_ni ? 18 : 77;
    }
}

/* The caller's own share per sector beside the digests (CRC-32,
 * AccurateRip, EAC and CTDB, its I/O and the copy into the ring), in the
 * same tenths of a microsecond. */
#define CALLER_COST 20

/* Split the active units over the lanes: largest first, each to the lane
 * with the least work so far, the caller's lane starting at CALLER_COST,
 * as many worker lanes as allowed.  From the second track on the image
 * family runs beside the track family (both sets of units are placed);
 * during the first track the image units the track has too are not run.
 * A lone digest with no CRC-32 beside it stays on the caller's thread: a
 * worker would only add the copy. */
static void plan(struct dw__hashset *s)
{
    unsigned shared = 0, track = 0, image = 0;
    for (int a = 0; a < ALG_COUNT; a++) {
        if (s->track_which & alg_bit[a])
            track |= UNIT(TRACK, a);
        if (s->image_which & alg_bit[a])
            image |= UNIT(IMAGE, a);
        if (s->track_which & s->image_which & alg_bit[a])
            shared |= UNIT(IMAGE, a);
    }
    if (s->first_track)
        image &= ~shared;
    s->active = track | image;
    memset(s->lane, 0, sizeof(s->lane));
    s->lane[0] = s->active;
    s->on_worker = 0;
    if (!s->workers)
        return;
    unsigned load[LANES] = {CALLER_COST};
    unsigned lanes = 1 + s->workers, left = s->active;
    s->lane[0] = 0;
    while (left) {
        int best = 0;
        unsigned best_cost = 0;
        for (int u = 0; u < UNIT_COUNT; u++)
            if ((left & (1u << u)) && cost(u % ALG_COUNT) > best_cost) {
                best = u;
                best_cost = cost(u % ALG_COUNT);
            }
        left &= ~(1u << best);
        unsigned to = 0;
        for (unsigned l = 1; l < lanes; l++)
            if (load[l] < load[to])
                to = l;
        s->lane[to] |= 1u << best;
        load[to] += best_cost;
    }
    bool crc = (s->image_which | s->track_which) & DW_HASH_CRC32;
    if (!crc && !(s->active & (s->active - 1))) {
        memset(s->lane, 0, sizeof(s->lane));
        s->lane[0] = s->active;
    }
    s->on_worker = s->active & ~s->lane[0];
}

static void *worker_main(void *arg)
{
    struct worker_arg *wa = arg;
    struct dw__hashset *s = wa->s;
    struct ring *r = s->ring;
    unsigned w = wa->index - 1;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (r->consumed[w] == r->published && !r->stop)
            pthread_cond_wait(&r->filled, &r->mu);
        if (r->consumed[w] == r->published)
            break; /* stop, and drained */
        unsigned slot = (unsigned)(r->consumed[w] % RING_SLOTS);
        size_t n = r->slot_bytes[slot];
        unsigned units = s->lane[wa->index];
        pthread_mutex_unlock(&r->mu);
        run_units(s, units, r->slots + (size_t)slot * SLOT_BYTES, n);
        pthread_mutex_lock(&r->mu);
        r->consumed[w]++;
        pthread_cond_signal(&r->freed);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Stop and join the workers that run, free the ring. */
static void ring_stop(struct dw__hashset *s)
{
    struct ring *r = s->ring;
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->filled);
    pthread_mutex_unlock(&r->mu);
    for (unsigned w = 0; w < r->started; w++)
        pthread_join(r->thread[w], NULL);
    pthread_cond_destroy(&r->freed);
    pthread_cond_destroy(&r->filled);
    pthread_mutex_destroy(&r->mu);
    free(r->slots);
    free(r);
    s->ring = NULL;
}

/* Start the ring and one worker per lane 1..workers (every lane the plan
 * may use: a lane left empty by this track's plan hashes nothing and
 * sleeps); false (and every unit stays on the caller's thread from now
 * on) when memory or a thread cannot be had. */
static bool ring_start(struct dw__hashset *s)
{
    struct ring *r = calloc(1, sizeof(*r));
    if (!r || !(r->slots = malloc((size_t)RING_SLOTS * SLOT_BYTES))) {
        if (r)
            free(r->slots);
        free(r);
        goto fail;
    }
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->filled, NULL);
    pthread_cond_init(&r->freed, NULL);
    s->ring = r;
    for (unsigned w = 0; w < s->workers; w++) {
        s->arg[w] = (struct worker_arg){.s = s, .index = w + 1};
        if (pthread_create(&r->thread[w], NULL, worker_main, &s->arg[w]) != 0) {
            ring_stop(s);
            goto fail;
        }
        r->started++;
    }
    return true;
fail:
    s->workers = 0;
    plan(s); /* every unit back on this thread */
    return false;
}

/* Hand the slot being filled to the workers; wait while the ring is full
 * (some worker has not yet hashed the oldest slot). */
static void ring_publish(struct ring *r)
{
    pthread_mutex_lock(&r->mu);
    r->slot_bytes[r->published % RING_SLOTS] = r->filling;
    r->published++;
    r->filling = 0;
    pthread_cond_broadcast(&r->filled);
    for (unsigned w = 0; w < r->started; w++)
        while (r->published - r->consumed[w] == RING_SLOTS)
            pthread_cond_wait(&r->freed, &r->mu);
    pthread_mutex_unlock(&r->mu);
}

/* Copy p[0..n) into the ring for the workers. */
static void ring_feed(struct ring *r, const uint8_t *p, size_t n)
{
    while (n) {
        size_t room = SLOT_BYTES - r->filling;
        size_t k = n < room ? n : room;
        memcpy(r->slots + (size_t)(r->published % RING_SLOTS) * SLOT_BYTES + r->filling,
               p, k);
        r->filling += k;
        p += k;
        n -= k;
        if (r->filling == SLOT_BYTES)
            ring_publish(r);
    }
}

/* Wait until every worker has hashed every byte fed: their contexts are
 * then the caller's until the next publish. */
static void drain(struct dw__hashset *s)
{
    struct ring *r = s->ring;
    if (!r)
        return;
    if (r->filling)
        ring_publish(r);
    pthread_mutex_lock(&r->mu);
    for (unsigned w = 0; w < r->started; w++)
        while (r->consumed[w] != r->published)
            pthread_cond_wait(&r->freed, &r->mu);
    pthread_mutex_unlock(&r->mu);
}

static void reset_stream(struct dw__hashset *s, int st)
{
    md5_init(&s->md5[st]);
    sha1_init(&s->sha1[st]);
    sha256_init(&s->sha256[st]);
}

static void restart(struct dw__hashset *s)
{
    reset_stream(s, TRACK);
    reset_stream(s, IMAGE);
    s->track_bytes = s->image_bytes = 0;
    s->track_crc = s->image_crc = 0;
    s->first_track = true;
    plan(s);
}

struct dw__hashset *dw__hashset_new(unsigned image_which, unsigned track_which)
{
    image_which &= DW_HASH_ALL;
    track_which &= DW_HASH_ALL;
    if (!image_which && !track_which)
        return NULL;
    struct dw__hashset *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->image_which = image_which;
    s->track_which = track_which;
    /* No more workers than units: a lane with none would only wake up. */
    unsigned units = 0;
    for (int a = 0; a < ALG_COUNT; a++)
        units += !!(track_which & alg_bit[a]) + !!(image_which & alg_bit[a]);
    s->workers = dw__hash_workers();
    if (s->workers > units)
        s->workers = units;
    if (s->workers > MAX_WORKERS)
        s->workers = MAX_WORKERS;
    restart(s);
    return s;
}

void dw__hashset_update(struct dw__hashset *s, const void *data, size_t bytes)
{
    const uint8_t *p = data;
    bool crc = (s->image_which | s->track_which) & DW_HASH_CRC32;
    s->track_bytes += bytes;
    s->image_bytes += bytes;
    while (bytes) {
        /* A slot at a time, so that the worker hashes one piece while this
         * thread hashes the same piece's other digests. */
        size_t n = bytes < SLOT_BYTES ? bytes : SLOT_BYTES;
        if (s->on_worker && (s->ring || ring_start(s)))
            ring_feed(s->ring, p, n);
        if (crc)
            s->track_crc = dw__crc32_update(s->track_crc, p, n);
        run_units(s, s->lane[0], p, n);
        p += n;
        bytes -= n;
    }
}

/* Digests of stream st (its algorithms in which) into out; the contexts
 * restart. */
static void digest_stream(struct dw__hashset *s, int st, unsigned which,
                          struct dw_digests *out)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    if (which & DW_HASH_MD5) {
        md5_digest(&s->md5[st], MD5_DIGEST_SIZE, d);
        dw__hash_hex(d, MD5_DIGEST_SIZE, out->md5);
    }
    if (which & DW_HASH_SHA1) {
        sha1_digest(&s->sha1[st], SHA1_DIGEST_SIZE, d);
        dw__hash_hex(d, SHA1_DIGEST_SIZE, out->sha1);
    }
    if (which & DW_HASH_SHA256) {
        sha256_digest(&s->sha256[st], SHA256_DIGEST_SIZE, d);
        dw__hash_hex(d, SHA256_DIGEST_SIZE, out->sha256);
    }
}

/* First track: the image contexts of the algorithms the track has too
 * become copies of the track's. */
static void image_from_track(struct dw__hashset *s)
{
    unsigned shared = s->image_which & s->track_which;
    if (shared & DW_HASH_MD5)
        s->md5[IMAGE] = s->md5[TRACK];
    if (shared & DW_HASH_SHA1)
        s->sha1[IMAGE] = s->sha1[TRACK];
    if (shared & DW_HASH_SHA256)
        s->sha256[IMAGE] = s->sha256[TRACK];
}

void dw__hashset_track_end(struct dw__hashset *s, struct dw_digests *track)
{
    drain(s);
    memset(track, 0, sizeof(*track));
    track->which = s->track_which;
    track->bytes = s->track_bytes;
    if (s->track_which & DW_HASH_CRC32)
        track->crc32 = (uint32_t)s->track_crc;
    s->image_crc =
        dw__crc32_join((uint32_t)s->image_crc, (uint32_t)s->track_crc, s->track_bytes);
    if (s->first_track)
        image_from_track(s);
    digest_stream(s, TRACK, s->track_which, track);
    s->track_bytes = 0;
    s->track_crc = 0;
    s->first_track = false;
    plan(s);
}

void dw__hashset_final(struct dw__hashset *s, struct dw_digests *image)
{
    drain(s);
    memset(image, 0, sizeof(*image));
    image->which = s->image_which;
    image->bytes = s->image_bytes;
    if (s->image_which & DW_HASH_CRC32)
        image->crc32 = dw__crc32_join((uint32_t)s->image_crc, (uint32_t)s->track_crc,
                                      s->track_bytes);
    if (s->first_track)
        image_from_track(s);
    digest_stream(s, IMAGE, s->image_which, image);
    restart(s);
}

void dw__hashset_free(struct dw__hashset *s)
{
    if (!s)
        return;
    ring_stop(s);
    free(s);
}
