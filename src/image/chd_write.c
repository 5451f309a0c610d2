/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CHD v5 writer for CDs, as `chdman createcd` lays them out (chd.h):
 * 2448-byte frames (2352 sector, audio big-endian; 96 P-W), 8 frames a
 * hunk, each track padded to a multiple of 4 frames, CHT2 metadata per
 * track, a Huffman-coded map, the raw and overall SHA-1.
 *
 * Per hunk: a hunk equal to an earlier one (same SHA-1) is stored as a
 * reference to it; else it is compressed with each codec of the header
 * (cdlz, cdzl, cdfl unless one is forced) and the smallest result kept, or
 * stored uncompressed when none is smaller.  Compression runs on worker
 * threads over a ring of SLOTS_PER_THREAD slots a thread: the appending
 * thread waits for the oldest slot when the ring is full and writes
 * results in hunk order, so memory stays flat.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <nettle/sha1.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/chd.h"

#define HUNK_BYTES (DW__CHD_FRAMES_PER_HUNK * DW__CHD_FRAME_BYTES)
#define SLOTS_PER_THREAD 3
#define MAX_THREADS 64

enum { T_CODEC0 = 0, T_NONE = 4, T_SELF = 5, T_RLE_SMALL = 7, T_RLE_LARGE = 8, T_SELF_0 = 9,
       T_SELF_1 = 10 };

struct entry {
    uint8_t type;     /* codec index, T_NONE or T_SELF */
    uint32_t bytes;
    uint64_t offset;  /* file offset, or hunk for T_SELF */
    uint16_t crc;
};

enum slot_state { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct slot {
    enum slot_state state;
    uint64_t hunk;
    uint8_t data[HUNK_BYTES];
    uint8_t out[HUNK_BYTES];
    uint8_t tmp[HUNK_BYTES];
    size_t out_bytes;
    int type;
    int rc;
    struct dw_error_detail err;
};

struct wtrack {
    const char *type;
    int32_t frames, pregap;
    bool audio;
};

struct dw__chd_writer {
    char *path;
    int fd;
    struct dw__chd_write_opts opts;
    uint32_t codecs[4];
    int codec_count;
    struct wtrack tracks[DW_MAX_TRACKS];
    int track_count;
    int cur_track;
    int32_t cur_frames;       /* frames given of the current track */
    uint64_t units;           /* padded frames in all */
    uint64_t hunk_count;
    /* the hunk being filled */
    uint8_t fill[HUNK_BYTES];
    int fill_frames;
    uint64_t next_hunk;       /* hunks handed on */
    uint64_t written_hunk;    /* hunks written */
    uint64_t file_offset;
    struct entry *map;
    struct sha1_ctx raw_sha1;
    uint64_t hashed_bytes;
    /* hunks seen: open addressing on the first 8 bytes of their SHA-1 */
    struct seen { uint8_t sha1[20]; uint64_t hunk; bool used; } *seen;
    uint64_t seen_cap;
    /* workers */
    pthread_t threads[MAX_THREADS];
    unsigned thread_count;
    struct slot *slots;
    unsigned slot_count;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    bool stop;
    int failed;
};

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static int write_at(struct dw__chd_writer *w, const void *buf, size_t bytes, uint64_t offset,
                    struct dw_error_detail *err)
{
    const uint8_t *p = buf;
    while (bytes > 0) {
        ssize_t n = pwrite(w->fd, p, bytes, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return dw__set_error_errno(err, n < 0 ? errno : EIO, "cannot write '%s'", w->path);
        p += n;
        bytes -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

/* ---- workers ------------------------------------------------------------- */

static void compress_slot(struct dw__chd_writer *w, struct slot *s)
{
    s->type = T_NONE;
    s->out_bytes = HUNK_BYTES;
    s->rc = 0;
    for (int c = 0; c < w->codec_count; c++) {
        size_t n = HUNK_BYTES - 1; /* must beat storing it */
        int rc = dw__chd_compress_cd(w->codecs[c], s->data, HUNK_BYTES, w->opts.level, s->tmp,
                                     &n, &s->err);
        if (rc == DW_ERANGE)
            continue;
        if (rc) {
            s->rc = rc;
            return;
        }
        if (n < s->out_bytes) {
            memcpy(s->out, s->tmp, n);
            s->out_bytes = n;
            s->type = c;
        }
    }
    if (s->type == T_NONE)
        memcpy(s->out, s->data, HUNK_BYTES);
}

static void *worker(void *arg)
{
    struct dw__chd_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct slot *s = NULL;
        for (unsigned i = 0; i < w->slot_count && !s; i++)
            if (w->slots[i].state == SLOT_READY)
                s = &w->slots[i];
        if (!s) {
            if (w->stop)
                break;
            pthread_cond_wait(&w->work, &w->lock);
            continue;
        }
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&w->lock);
        compress_slot(w, s);
        pthread_mutex_lock(&w->lock);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Write the oldest hunk's result (waits for it). */
static int drain_one(struct dw__chd_writer *w, struct dw_error_detail *err)
{
    while (w->written_hunk < w->next_hunk && w->map[w->written_hunk].type == T_SELF)
        w->written_hunk++;
    if (w->written_hunk == w->next_hunk)
        return 0;
    struct slot *s = &w->slots[w->written_hunk % w->slot_count];
    pthread_mutex_lock(&w->lock);
    while (s->state != SLOT_DONE)
        pthread_cond_wait(&w->done, &w->lock);
    pthread_mutex_unlock(&w->lock);
    int rc = s->rc;
    if (rc) {
        dw__set_error(err, rc, "'%s': %s", w->path, s->err.message);
    } else {
        struct entry *e = &w->map[s->hunk];
        e->type = (uint8_t)s->type;
        e->bytes = (uint32_t)s->out_bytes;
        e->offset = w->file_offset;
        rc = write_at(w, s->out, s->out_bytes, w->file_offset, err);
        w->file_offset += s->out_bytes;
    }
    pthread_mutex_lock(&w->lock);
    s->state = SLOT_FREE;
    pthread_mutex_unlock(&w->lock);
    w->written_hunk++;
    return rc;
}

/* Skip hunks that were stored as references (no slot). */
static int drain_ready(struct dw__chd_writer *w, bool all, struct dw_error_detail *err)
{
    while (w->written_hunk < w->next_hunk) {
        if (w->map[w->written_hunk].type == T_SELF) {
            w->written_hunk++;
            continue;
        }
        if (!all && w->next_hunk - w->written_hunk < w->slot_count)
            return 0;
        int rc = drain_one(w, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- hunks --------------------------------------------------------------- */

static struct seen *seen_find(struct dw__chd_writer *w, const uint8_t sha1[20])
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | sha1[i];
    for (uint64_t i = h % w->seen_cap;; i = (i + 1) % w->seen_cap)
        if (!w->seen[i].used || memcmp(w->seen[i].sha1, sha1, 20) == 0)
            return &w->seen[i];
}

static int emit_hunk(struct dw__chd_writer *w, struct dw_error_detail *err)
{
    uint64_t hunk = w->next_hunk;
    uint8_t digest[20];
    struct sha1_ctx s;
    uint64_t left = w->units * DW__CHD_FRAME_BYTES - w->hashed_bytes;
    size_t hash_bytes = left < HUNK_BYTES ? (size_t)left : HUNK_BYTES;
    sha1_update(&w->raw_sha1, hash_bytes, w->fill);
    w->hashed_bytes += hash_bytes;
    sha1_init(&s);
    sha1_update(&s, HUNK_BYTES, w->fill);
    sha1_digest(&s, 20, digest);
    struct entry *e = &w->map[hunk];
    e->crc = dw__chd_crc16(w->fill, HUNK_BYTES);
    struct seen *seen = seen_find(w, digest);
    if (seen->used) {
        e->type = T_SELF;
        e->offset = seen->hunk;
        w->next_hunk++;
        return drain_ready(w, false, err);
    }
    seen->used = true;
    memcpy(seen->sha1, digest, 20);
    seen->hunk = hunk;
    int rc;
    /* make room: the slot of this hunk must be free */
    struct slot *sl = &w->slots[hunk % w->slot_count];
    while (sl->state != SLOT_FREE)
        if ((rc = drain_one(w, err)))
            return rc;
    memcpy(sl->data, w->fill, HUNK_BYTES);
    sl->hunk = hunk;
    pthread_mutex_lock(&w->lock);
    sl->state = SLOT_READY;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->lock);
    w->next_hunk++;
    return drain_ready(w, false, err);
}

/* Slots are used by hunk number modulo slot_count, and drain_one writes
 * in hunk order; a self hunk between them takes no slot, so the slot of
 * hunk n may still hold hunk n - slot_count until it is written. */

static int add_frame(struct dw__chd_writer *w, const uint8_t *raw, const uint8_t *sub,
                     bool audio, struct dw_error_detail *err)
{
    uint8_t *f = w->fill + (size_t)w->fill_frames * DW__CHD_FRAME_BYTES;
    if (!raw) {
        memset(f, 0, DW__CHD_FRAME_BYTES);
    } else {
        if (audio) {
            for (int b = 0; b < DW_SECTOR_RAW_BYTES; b += 2) {
                f[b] = raw[b + 1];
                f[b + 1] = raw[b];
            }
        } else {
            memcpy(f, raw, DW_SECTOR_RAW_BYTES);
        }
        if (sub && w->opts.have_sub)
            memcpy(f + DW_SECTOR_RAW_BYTES, sub, DW_SUBCHANNEL_BYTES);
        else
            memset(f + DW_SECTOR_RAW_BYTES, 0, DW_SUBCHANNEL_BYTES);
    }
    if (++w->fill_frames == DW__CHD_FRAMES_PER_HUNK) {
        w->fill_frames = 0;
        return emit_hunk(w, err);
    }
    return 0;
}

int dw__chd_writer_append(struct dw__chd_writer *w, const uint8_t *raw, const uint8_t *sub,
                          int32_t frames, struct dw_error_detail *err)
{
    int rc;
    if (w->failed)
        return w->failed;
    for (int32_t i = 0; i < frames; i++) {
        if (w->cur_track >= w->track_count)
            return w->failed = dw__set_error(err, DW_EINVAL, "'%s': more frames than the "
                                             "disc's tracks hold", w->path);
        struct wtrack *t = &w->tracks[w->cur_track];
        if ((rc = add_frame(w, raw + (size_t)i * DW_SECTOR_RAW_BYTES,
                            sub ? sub + (size_t)i * DW_SUBCHANNEL_BYTES : NULL, t->audio, err)))
            return w->failed = rc;
        if (++w->cur_frames == t->frames) {
            for (int32_t p = t->frames; p % DW__CHD_TRACK_PADDING_FRAMES; p++)
                if ((rc = add_frame(w, NULL, NULL, false, err)))
                    return w->failed = rc;
            w->cur_track++;
            w->cur_frames = 0;
        }
    }
    return 0;
}

/* ---- map ----------------------------------------------------------------- */

struct bitw {
    uint8_t *p;
    size_t cap, pos; /* bits */
};

static int bw_put(struct bitw *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (b->pos / 8 >= b->cap) {
            size_t cap = b->cap * 2 + 64;
            uint8_t *p = realloc(b->p, cap);
            if (!p)
                return DW_ENOMEM;
            memset(p + b->cap, 0, cap - b->cap);
            b->p = p;
            b->cap = cap;
        }
        if ((v >> i) & 1)
            b->p[b->pos / 8] |= (uint8_t)(0x80 >> (b->pos % 8));
        b->pos++;
    }
    return 0;
}

/* Code lengths <= 8 for 16 symbols from their counts (Huffman, counts
 * halved until the longest code fits, as MAME's encoder does). */
static void huff_lengths(const uint32_t counts_in[16], uint8_t len[16])
{
    uint32_t counts[16];
    int used = 0;
    for (int i = 0; i < 16; i++)
        used += counts_in[i] > 0;
    for (int i = 0; i < 16; i++)
        counts[i] = counts_in[i];
    /* at least two symbols so that the code is complete */
    for (int i = 0; used < 2 && i < 16; i++)
        if (!counts[i]) {
            counts[i] = 1;
            used++;
        }
    for (;;) {
        /* plain Huffman by repeated merging of the two lightest */
        uint64_t weight[32];
        int parent[32], n = 0, alive[32], alive_n = 0, leaf_of[16];
        for (int i = 0; i < 16; i++) {
            leaf_of[i] = -1;
            if (counts[i]) {
                weight[n] = counts[i];
                parent[n] = -1;
                leaf_of[i] = n;
                alive[alive_n++] = n++;
            }
        }
        while (alive_n > 1) {
            int a = 0, b = 1;
            if (weight[alive[b]] < weight[alive[a]]) { a = 1; b = 0; }
            for (int k = 2; k < alive_n; k++) {
                if (weight[alive[k]] < weight[alive[a]]) { b = a; a = k; }
                else if (weight[alive[k]] < weight[alive[b]]) b = k;
            }
            int na = alive[a], nb = alive[b];
            weight[n] = weight[na] + weight[nb];
            parent[n] = -1;
            parent[na] = parent[nb] = n;
            int hi = a > b ? a : b, lo = a > b ? b : a;
            alive[hi] = alive[--alive_n];
            alive[lo] = n++;
        }
        int maxlen = 0;
        for (int i = 0; i < 16; i++) {
            int l = 0;
            for (int x = leaf_of[i]; x >= 0 && parent[x] >= 0; x = parent[x])
                l++;
            len[i] = (uint8_t)(leaf_of[i] >= 0 ? l : 0);
            if (l > maxlen)
                maxlen = l;
        }
        if (maxlen <= 8)
            return;
        for (int i = 0; i < 16; i++)
            if (counts[i])
                counts[i] = (counts[i] + 1) / 2;
    }
}

static void huff_codes(const uint8_t len[16], uint32_t code[16])
{
    uint32_t histo[33] = {0}, start = 0;
    for (int i = 0; i < 16; i++)
        histo[len[i]]++;
    for (int l = 32; l > 0; l--) {
        uint32_t next = (start + histo[l]) >> 1;
        histo[l] = start;
        start = next;
    }
    for (int i = 0; i < 16; i++)
        code[i] = len[i] ? histo[len[i]]++ : 0;
}

static int bits_for(uint64_t v)
{
    int n = 0;
    while (n < 48 && (v >> n))
        n++;
    return n;
}

/* The map's type stream: types[i] the symbol of hunk i (a self reference
 * to the last one or the one after it as SELF_0 / SELF_1), stream the
 * symbols with runs of the previous type as RLE codes (3-18 hunks small,
 * 19-274 large) and their argument symbols; returns the stream's length.
 * *max_len and *max_self: the widths the second part needs. */
static size_t type_stream(const struct dw__chd_writer *w, uint8_t *types, uint8_t *stream,
                          uint64_t *max_len_out, uint64_t *max_self_out)
{
    uint64_t n = w->hunk_count;
    size_t count = 0;
    uint64_t last_self = 0, max_len = 0, max_self = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct entry *e = &w->map[i];
        uint8_t t = e->type;
        if (t == T_SELF) {
            if (e->offset == last_self)
                t = T_SELF_0;
            else if (e->offset == last_self + 1)
                t = T_SELF_1;
            last_self = e->offset;
            if (e->offset > max_self)
                max_self = e->offset;
        } else if (e->bytes > max_len) {
            max_len = e->bytes;
        }
        types[i] = t;
    }
    int last = 0; /* MAME starts with type 0 */
    for (uint64_t i = 0; i < n;) {
        uint64_t run = 0;
        while (i + run < n && types[i + run] == last && run < 274)
            run++;
        if (run >= 19) {
            stream[count++] = T_RLE_LARGE;
            stream[count++] = (uint8_t)((run - 19) >> 4);
            stream[count++] = (uint8_t)((run - 19) & 15);
            i += run;
        } else if (run >= 3) {
            stream[count++] = T_RLE_SMALL;
            stream[count++] = (uint8_t)(run - 3);
            i += run;
        } else {
            stream[count++] = types[i];
            last = types[i];
            i++;
        }
    }
    *max_len_out = max_len;
    *max_self_out = max_self;
    return count;
}

static int write_map(struct dw__chd_writer *w, uint64_t map_offset, uint64_t *end,
                     struct dw_error_detail *err)
{
    uint64_t n = w->hunk_count;
    uint32_t counts[16] = {0};
    struct bitw b = {0};
    int rc = DW_ENOMEM;
    /* the type stream: one symbol a hunk, RLE codes with their arguments */
    size_t count = 0;
    uint8_t *stream = malloc((size_t)n * 3 + 4), *types = NULL;
    if (!stream)
        goto out;
    uint64_t max_len, max_self;
    if (!(types = malloc(n ? n : 1)))
        goto out;
    count = type_stream(w, types, stream, &max_len, &max_self);
    for (size_t i = 0; i < count; i++)
        counts[stream[i]]++;
    uint8_t len[16];
    uint32_t code[16];
    huff_lengths(counts, len);
    huff_codes(len, code);
    /* table: code lengths, 4 bits each (1 escaped as 1,1) */
    for (int i = 0; i < 16; i++) {
        if (len[i] == 1) {
            if ((rc = bw_put(&b, 1, 4)) || (rc = bw_put(&b, 1, 4)))
                goto out;
        } else if ((rc = bw_put(&b, len[i], 4))) {
            goto out;
        }
    }
    for (size_t i = 0; i < count; i++)
        if ((rc = bw_put(&b, code[stream[i]], len[stream[i]])))
            goto out;
    int len_bits = bits_for(max_len), self_bits = bits_for(max_self);
    uint16_t crc = 0xffff;
    uint8_t rec[12];
    uint8_t *recs = malloc(n ? n * 12 : 12);
    if (!recs) {
        rc = DW_ENOMEM;
        goto out;
    }
    for (uint64_t i = 0; i < n; i++) {
        struct entry *e = &w->map[i];
        switch (types[i]) {
        case T_SELF:
            rc = bw_put(&b, e->offset, self_bits);
            break;
        case T_SELF_0:
        case T_SELF_1:
            rc = 0;
            break;
        case T_NONE:
            rc = bw_put(&b, e->crc, 16);
            break;
        default:
            if (!(rc = bw_put(&b, e->bytes, len_bits)))
                rc = bw_put(&b, e->crc, 16);
        }
        if (rc)
            break;
        uint32_t length = e->type == T_SELF ? 0 : e->bytes;
        uint64_t offset = e->offset;
        uint16_t c = e->type == T_SELF ? 0 : e->crc;
        rec[0] = e->type;
        put_be(rec + 1, length, 3);
        put_be(rec + 4, offset, 6);
        put_be(rec + 10, c, 2);
        memcpy(recs + i * 12, rec, 12);
    }
    if (!rc)
        crc = dw__chd_crc16(recs, (size_t)n * 12);
    free(recs);
    if (rc)
        goto out;
    size_t bytes = (b.pos + 7) / 8;
    uint8_t head[16] = {0};
    uint64_t first = DW__CHD_HEADER_BYTES;
    for (uint64_t i = 0; i < n; i++)
        if (w->map[i].type != T_SELF) {
            first = w->map[i].offset;
            break;
        }
    put_be(head, bytes, 4);
    put_be(head + 4, first, 6);
    put_be(head + 10, crc, 2);
    head[12] = (uint8_t)len_bits;
    head[13] = (uint8_t)self_bits;
    head[14] = 0;
    if ((rc = write_at(w, head, 16, map_offset, err)) ||
        (rc = write_at(w, b.p ? b.p : head, bytes, map_offset + 16, err)))
        goto out;
    *end = map_offset + 16 + bytes;
    rc = 0;
out:
    free(stream);
    free(types);
    free(b.p);
    if (rc == DW_ENOMEM)
        dw__set_error(err, rc, "out of memory writing '%s'", w->path);
    return rc;
}

/* ---- open / finish ------------------------------------------------------- */

static void stop_workers(struct dw__chd_writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->work);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->thread_count; i++)
        pthread_join(w->threads[i], NULL);
    w->thread_count = 0;
}

static void writer_free(struct dw__chd_writer *w)
{
    if (!w)
        return;
    stop_workers(w);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    if (w->fd >= 0)
        close(w->fd);
    free(w->slots);
    free(w->map);
    free(w->seen);
    free(w->path);
    free(w);
}

void dw__chd_writer_abort(struct dw__chd_writer *w)
{
    writer_free(w);
}

int dw__chd_writer_open(struct dw__chd_writer **out, const char *path,
                        const struct dw_disc *disc, const struct dw__chd_write_opts *opts,
                        struct dw_error_detail *err)
{
    struct dw__chd_writer *w;
    int rc;
    *out = NULL;
    if (!disc || disc->track_count < 1)
        return dw__set_error(err, DW_EINVAL, "'%s': the disc has no tracks to write", path);
    if (!(w = calloc(1, sizeof(*w))))
        return dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", path);
    w->fd = -1;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    w->opts = *opts;
    if (!(w->path = strdup(path))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", path);
        goto out;
    }
    if (opts->codec) {
        if (opts->codec != DW__CHD_CODEC_CDLZ && opts->codec != DW__CHD_CODEC_CDZL &&
            opts->codec != DW__CHD_CODEC_CDFL && opts->codec != DW__CHD_CODEC_CDZS) {
            char name[5];
            rc = dw__set_error(err, DW_EINVAL, "codec '%s' is not a CD codec: use cdlz, cdzl, "
                               "cdfl or cdzs", dw__chd_codec_name(opts->codec, name));
            goto out;
        }
        w->codecs[0] = opts->codec;
        w->codec_count = 1;
    } else {
        w->codecs[0] = DW__CHD_CODEC_CDLZ;
        w->codecs[1] = DW__CHD_CODEC_CDZL;
        w->codecs[2] = DW__CHD_CODEC_CDFL;
        w->codec_count = 3;
    }
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        struct wtrack *x = &w->tracks[i];
        x->audio = t->mode == DW_MODE_AUDIO;
        x->type = x->audio ? "AUDIO" : t->mode == DW_MODE_MODE1 ? "MODE1_RAW" : "MODE2_RAW";
        x->frames = t->end_lba - dw_track_first_lba(t);
        x->pregap = dw_track_pregap_sectors(t);
        if (x->frames <= 0) {
            rc = dw__set_error(err, DW_EINVAL, "'%s': track %d is empty", path, t->number);
            goto out;
        }
        w->units += ((uint64_t)x->frames + DW__CHD_TRACK_PADDING_FRAMES - 1) /
                    DW__CHD_TRACK_PADDING_FRAMES * DW__CHD_TRACK_PADDING_FRAMES;
    }
    w->track_count = disc->track_count;
    w->hunk_count = (w->units + DW__CHD_FRAMES_PER_HUNK - 1) / DW__CHD_FRAMES_PER_HUNK;
    w->seen_cap = w->hunk_count * 2 + 1;
    unsigned threads = opts->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    w->slot_count = threads * SLOTS_PER_THREAD;
    if (!(w->map = calloc(w->hunk_count, sizeof(*w->map))) ||
        !(w->seen = calloc(w->seen_cap, sizeof(*w->seen))) ||
        !(w->slots = calloc(w->slot_count, sizeof(*w->slots)))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", path);
        goto out;
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0 && errno == EEXIST) {
        rc = dw__set_error(err, DW_EEXIST, "cannot create '%s': it exists; remove it or "
                           "choose another name", path);
        goto out;
    }
    if (w->fd < 0) {
        rc = dw__set_error_errno(err, errno, "cannot create '%s'", path);
        goto out;
    }
    uint8_t zero[DW__CHD_HEADER_BYTES] = {0};
    if ((rc = write_at(w, zero, sizeof(zero), 0, err)))
        goto out;
    w->file_offset = DW__CHD_HEADER_BYTES;
    sha1_init(&w->raw_sha1);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker, w) != 0) {
            rc = dw__set_error(err, DW_ENOMEM, "cannot start a compression thread for '%s'",
                               path);
            goto out;
        }
        w->thread_count++;
    }
    *out = w;
    w = NULL;
    rc = 0;
out:
    writer_free(w);
    return rc;
}

static int cmp24(const void *a, const void *b)
{
    return memcmp(a, b, 24);
}

int dw__chd_writer_finish(struct dw__chd_writer *w, struct dw_error_detail *err)
{
    int rc = w->failed;
    uint64_t map_offset, meta_offset, at;
    uint8_t (*meta_hash)[24] = NULL;
    if (rc)
        goto out;
    if (w->cur_track < w->track_count) {
        rc = dw__set_error(err, DW_EINVAL, "'%s': the sectors ended in track %d, before the "
                           "disc's end", w->path, w->cur_track + 1);
        goto out;
    }
    if (w->fill_frames) {
        while (w->fill_frames)
            if ((rc = add_frame(w, NULL, NULL, false, err)))
                goto out;
    }
    if ((rc = drain_ready(w, true, err)))
        goto out;
    stop_workers(w);
    map_offset = w->file_offset;
    if ((rc = write_map(w, map_offset, &at, err)))
        goto out;
    /* metadata: one CHT2 per track, chained in order */
    meta_offset = at;
    if (!(meta_hash = calloc((size_t)w->track_count, 24))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", w->path);
        goto out;
    }
    for (int i = 0; i < w->track_count; i++) {
        const struct wtrack *t = &w->tracks[i];
        char text[160], pgtype[24];
        snprintf(pgtype, sizeof(pgtype), t->pregap ? "V%s" : "MODE1", t->type);
        int len = snprintf(text, sizeof(text),
                           "TRACK:%d TYPE:%s SUBTYPE:%s FRAMES:%d PREGAP:%d PGTYPE:%s "
                           "PGSUB:%s POSTGAP:0",
                           i + 1, t->type, w->opts.have_sub ? "RW_RAW" : "NONE", t->frames,
                           t->pregap, pgtype, w->opts.have_sub ? "RW_RAW" : "NONE");
        uint32_t bytes = (uint32_t)len + 1;
        uint8_t head[16];
        put_be(head, DW__CHD_TAG('C', 'H', 'T', '2'), 4);
        head[4] = 0x01; /* checksummed */
        put_be(head + 5, bytes, 3);
        put_be(head + 8, i + 1 < w->track_count ? at + 16 + bytes : 0, 8);
        if ((rc = write_at(w, head, 16, at, err)) ||
            (rc = write_at(w, text, bytes, at + 16, err)))
            goto out;
        struct sha1_ctx s;
        put_be(meta_hash[i], DW__CHD_TAG('C', 'H', 'T', '2'), 4);
        sha1_init(&s);
        sha1_update(&s, bytes, (const uint8_t *)text);
        sha1_digest(&s, 20, meta_hash[i] + 4);
        at += 16 + bytes;
    }
    uint8_t raw[20], all[20];
    sha1_digest(&w->raw_sha1, 20, raw);
    qsort(meta_hash, (size_t)w->track_count, 24, cmp24);
    struct sha1_ctx s;
    sha1_init(&s);
    sha1_update(&s, 20, raw);
    sha1_update(&s, (size_t)w->track_count * 24, (const uint8_t *)meta_hash);
    sha1_digest(&s, 20, all);
    uint8_t h[DW__CHD_HEADER_BYTES] = {0};
    memcpy(h, "MComprHD", 8);
    put_be(h + 8, DW__CHD_HEADER_BYTES, 4);
    put_be(h + 12, 5, 4);
    for (int i = 0; i < 4; i++)
        put_be(h + 16 + 4 * i, w->codecs[i], 4);
    put_be(h + 32, w->units * DW__CHD_FRAME_BYTES, 8);
    put_be(h + 40, map_offset, 8);
    put_be(h + 48, meta_offset, 8);
    put_be(h + 56, HUNK_BYTES, 4);
    put_be(h + 60, DW__CHD_FRAME_BYTES, 4);
    memcpy(h + 64, raw, 20);
    memcpy(h + 84, all, 20);
    if ((rc = write_at(w, h, sizeof(h), 0, err)))
        goto out;
    if (fsync(w->fd) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot write '%s'", w->path);
        goto out;
    }
    rc = 0;
out:
    free(meta_hash);
    writer_free(w);
    return rc;
}
