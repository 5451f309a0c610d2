/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MAME CHD v5: header, hunk map, metadata and hunk reads (see chd.h for
 * the format; MAME's chd.cpp read for facts, the code is our own).
 *
 * Bounds: the header's sizes are checked against each other and the file;
 * every compressed or uncompressed hunk must lie inside the file and be
 * no larger than a hunk; a self reference must name an earlier hunk (and
 * chains are resolved when the map is read, so reading never recurses);
 * the metadata chain is at most CHD_MAX_METADATA entries of at most 16 MiB
 * together and may not loop.  Memory: the map (16 bytes a hunk), the
 * metadata, and CHD_CACHE_HUNKS decoded hunks.
 */
#include <errno.h>
#include <inttypes.h>
#include <nettle/sha1.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "image/chd.h"

#define CHD_MAX_METADATA 4096
#define CHD_MAX_METADATA_BYTES (16u << 20)
#define CHD_MAX_HUNK_BYTES (1u << 24)
#define CHD_MAX_HUNKS (1u << 25)
#define CHD_CACHE_HUNKS 4

enum map_type {
    MAP_CODEC0 = 0, MAP_CODEC1, MAP_CODEC2, MAP_CODEC3,
    MAP_NONE = 4, MAP_SELF = 5, MAP_PARENT = 6,
    MAP_RLE_SMALL = 7, MAP_RLE_LARGE = 8, MAP_SELF_0 = 9, MAP_SELF_1 = 10,
    MAP_PARENT_SELF = 11, MAP_PARENT_0 = 12, MAP_PARENT_1 = 13,
    MAP_ZERO = 14 /* ours: an uncompressed map's entry 0 */
};

struct map_entry {
    uint64_t offset;   /* file offset, or hunk number for MAP_SELF */
    uint32_t bytes;
    uint16_t crc;
    uint8_t type;
};

struct meta_entry {
    uint32_t tag;
    uint8_t flags;
    uint32_t bytes;
    uint8_t *data;
};

struct cache_slot {
    uint64_t hunk;     /* UINT64_MAX: empty */
    uint64_t stamp;
    uint8_t *data;
};

struct dw__chd {
    struct dw__chd_source src;
    uint32_t codecs[4];
    uint64_t logical_bytes, map_offset, meta_offset;
    uint32_t hunk_bytes, unit_bytes;
    uint64_t hunk_count;
    uint8_t raw_sha1[20], sha1[20], parent_sha1[20];
    struct map_entry *map;
    struct meta_entry *meta;
    int meta_count;
    struct cache_slot cache[CHD_CACHE_HUNKS];
    uint64_t stamp;
    uint8_t *comp;     /* compressed hunk buffer */
    /* Raw SHA-1 computed while hunks are decoded in order. */
    struct sha1_ctx hash;
    uint64_t hash_next;  /* next hunk to hash; UINT64_MAX once checked */
    bool hash_bad;
    int32_t (*lba_of_unit)(void *, uint64_t);
    void *lba_ctx;
};

static uint64_t be(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = (v << 8) | p[i];
    return v;
}

static int src_read(const struct dw__chd_source *s, uint8_t *buf, size_t bytes, uint64_t offset,
                    struct dw_error_detail *err)
{
    if (offset > s->size_bytes || bytes > s->size_bytes - offset)
        return dw__set_error(err, DW_EPARSE,
                             "'%s': bytes %" PRIu64 "-%" PRIu64 " lie past its end (%" PRIu64
                             " bytes): the file is truncated or damaged",
                             s->name, offset, offset + bytes, s->size_bytes);
    if (!s->data) {
        size_t done = 0;
        while (done < bytes) {
            ssize_t n = pread(s->fd, buf + done, bytes - done, (off_t)(offset + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return dw__set_error_errno(err, errno, "cannot read '%s'", s->name);
            if (n == 0)
                return dw__set_error(err, DW_ETRUNC, "'%s' ended early: it is truncated",
                                     s->name);
            done += (size_t)n;
        }
    } else {
        memcpy(buf, s->data + offset, bytes);
    }
    return 0;
}

/* ---- the compressed map -------------------------------------------------- */

struct bits {
    const uint8_t *p;
    size_t bytes, pos; /* pos in bits */
    bool overflow;
};

static uint32_t bits_peek(struct bits *b, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        size_t at = b->pos + (size_t)i;
        unsigned bit = at / 8 < b->bytes ? (b->p[at / 8] >> (7 - at % 8)) & 1 : 0;
        v = (v << 1) | bit;
    }
    return v;
}

static uint64_t bits_read(struct bits *b, int n)
{
    uint64_t v = 0;
    while (n > 0) {
        int k = n > 24 ? 24 : n;
        v = (v << k) | bits_peek(b, k);
        b->pos += (size_t)k;
        n -= k;
    }
    if (b->pos > b->bytes * 8)
        b->overflow = true;
    return v;
}

/* The map's 16-symbol Huffman code, lengths <= 8, canonical as MAME
 * assigns it (longest codes take the lowest values). */
struct huff {
    uint8_t len[16];
    uint16_t lookup[256]; /* symbol << 4 | length; 0xffff: no code */
};

static int huff_build(struct huff *h)
{
    uint32_t histo[33] = {0}, start = 0;
    uint32_t code[16];
    for (int i = 0; i < 16; i++) {
        if (h->len[i] > 8)
            return DW_EPARSE;
        histo[h->len[i]]++;
    }
    for (int len = 32; len > 0; len--) {
        uint32_t next = (start + histo[len]) >> 1;
        if (len != 1 && next * 2 != start + histo[len])
            return DW_EPARSE;
        histo[len] = start;
        start = next;
    }
    for (int i = 0; i < 256; i++)
        h->lookup[i] = 0xffff;
    for (int i = 0; i < 16; i++) {
        if (!h->len[i])
            continue;
        code[i] = histo[h->len[i]]++;
        int shift = 8 - h->len[i];
        uint32_t first = code[i] << shift, last = ((code[i] + 1) << shift) - 1;
        if (last > 255)
            return DW_EPARSE;
        for (uint32_t v = first; v <= last; v++)
            h->lookup[v] = (uint16_t)((i << 4) | h->len[i]);
    }
    return 0;
}

static int huff_import(struct huff *h, struct bits *b)
{
    int node = 0;
    while (node < 16) {
        unsigned n = (unsigned)bits_read(b, 4);
        if (n != 1) {
            h->len[node++] = (uint8_t)n;
            continue;
        }
        n = (unsigned)bits_read(b, 4);
        if (n == 1) {
            h->len[node++] = 1;
            continue;
        }
        int rep = (int)bits_read(b, 4) + 3;
        if (node + rep > 16)
            return DW_EPARSE;
        while (rep--)
            h->len[node++] = (uint8_t)n;
    }
    if (b->overflow)
        return DW_EPARSE;
    return huff_build(h);
}

static int huff_decode(const struct huff *h, struct bits *b, unsigned *sym)
{
    uint16_t l = h->lookup[bits_peek(b, 8)];
    if (l == 0xffff)
        return DW_EPARSE;
    b->pos += l & 0xf;
    if (b->pos > b->bytes * 8) {
        b->overflow = true; /* ran past the map: stop now, not after every hunk */
        return DW_EPARSE;
    }
    *sym = l >> 4;
    return 0;
}

static int map_fail(struct dw__chd *c, struct dw_error_detail *err, const char *what)
{
    return dw__set_error(err, DW_EPARSE, "'%s': its hunk map is damaged (%s); the file cannot "
                         "be read", c->src.name, what);
}

/* The map's second part: per hunk its length and CRC-16, or its
 * reference, into c->map; *crc_out the CRC-16 of the entries as MAME lays
 * them out (type, u24 length, u48 offset, u16 CRC). */
static int map_entries(struct dw__chd *c, struct bits *b, const uint8_t *types,
                       uint64_t first_offset, int len_bits, int self_bits, int parent_bits,
                       uint16_t *crc_out, struct dw_error_detail *err)
{
    uint64_t cur = first_offset, last_self = 0, last_parent = 0;
    /* CRC over the entries as MAME lays them out: type, u24 length, u48
     * offset, u16 crc; computed on the fly. */
    uint16_t crc = 0xffff;
    for (uint64_t i = 0; i < c->hunk_count; i++) {
        struct map_entry *e = &c->map[i];
        uint64_t offset = cur;
        uint32_t length = 0;
        uint16_t hcrc = 0;
        unsigned t = types[i];
        switch (t) {
        case MAP_CODEC0: case MAP_CODEC1: case MAP_CODEC2: case MAP_CODEC3:
            length = (uint32_t)bits_read(b, len_bits);
            cur += length;
            hcrc = (uint16_t)bits_read(b, 16);
            break;
        case MAP_NONE:
            length = c->hunk_bytes;
            cur += length;
            hcrc = (uint16_t)bits_read(b, 16);
            break;
        case MAP_SELF:
            last_self = offset = bits_read(b, self_bits);
            break;
        case MAP_PARENT:
            last_parent = offset = bits_read(b, parent_bits);
            break;
        case MAP_SELF_1:
            last_self++;
            /* fall through */
        case MAP_SELF_0:
            t = MAP_SELF;
            offset = last_self;
            break;
        case MAP_PARENT_SELF:
            t = MAP_PARENT;
            last_parent = offset = i * c->hunk_bytes / c->unit_bytes;
            break;
        case MAP_PARENT_1:
            last_parent += c->hunk_bytes / c->unit_bytes;
            /* fall through */
        case MAP_PARENT_0:
            t = MAP_PARENT;
            offset = last_parent;
            break;
        default:
            return map_fail(c, err, "an unknown hunk type");
        }
        uint8_t rec[12] = {(uint8_t)t, (uint8_t)(length >> 16), (uint8_t)(length >> 8),
                           (uint8_t)length};
        for (int k = 0; k < 6; k++)
            rec[4 + k] = (uint8_t)(offset >> (40 - 8 * k));
        rec[10] = (uint8_t)(hcrc >> 8);
        rec[11] = (uint8_t)hcrc;
        /* CRC-16 of the concatenated records: continue the running CRC. */
        for (int k = 0; k < 12; k++) {
            crc ^= (uint16_t)(rec[k] << 8);
            for (int bit = 0; bit < 8; bit++)
                crc = (uint16_t)((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
        }
        e->type = (uint8_t)t;
        e->offset = offset;
        e->bytes = length;
        e->crc = hcrc;
        if (b->overflow)
            return map_fail(c, err, "it ends early");
    }
    *crc_out = crc;
    return 0;
}

static int read_compressed_map(struct dw__chd *c, struct dw_error_detail *err)
{
    uint8_t head[16];
    uint8_t *raw = NULL, *types = NULL;
    int rc;
    if ((rc = src_read(&c->src, head, sizeof(head), c->map_offset, err)))
        return rc;
    uint32_t map_bytes = (uint32_t)be(head, 4);
    uint64_t first_offset = be(head + 4, 6);
    uint16_t map_crc = (uint16_t)be(head + 10, 2);
    int len_bits = head[12], self_bits = head[13], parent_bits = head[14];
    if (len_bits > 32 || self_bits > 48 || parent_bits > 48)
        return map_fail(c, err, "field widths");
    if (map_bytes > c->src.size_bytes || map_bytes > 16 * c->hunk_count + 1024)
        return map_fail(c, err, "its size");
    if (!(raw = malloc(map_bytes ? map_bytes : 1)) || !(types = malloc(c->hunk_count))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->src.name);
        goto out;
    }
    if ((rc = src_read(&c->src, raw, map_bytes, c->map_offset + 16, err)))
        goto out;
    struct bits b = {.p = raw, .bytes = map_bytes};
    struct huff h;
    memset(&h, 0, sizeof(h));
    if (huff_import(&h, &b)) {
        rc = map_fail(c, err, "its Huffman table");
        goto out;
    }
    unsigned last = 0;
    uint64_t rep = 0;
    for (uint64_t i = 0; i < c->hunk_count; i++) {
        unsigned sym;
        if (rep > 0) {
            types[i] = (uint8_t)last;
            rep--;
            continue;
        }
        if (huff_decode(&h, &b, &sym)) {
            rc = map_fail(c, err, "a code not in its table");
            goto out;
        }
        if (sym == MAP_RLE_SMALL || sym == MAP_RLE_LARGE) {
            unsigned a, x = 0;
            if (huff_decode(&h, &b, &a) || (sym == MAP_RLE_LARGE && huff_decode(&h, &b, &x))) {
                rc = map_fail(c, err, "a code not in its table");
                goto out;
            }
            types[i] = (uint8_t)last;
            /* this hunk and `rep` more repeat the last type */
            rep = sym == MAP_RLE_SMALL ? 2 + a : 2 + 16 + (a << 4) + x;
        } else {
            types[i] = (uint8_t)(last = sym);
        }
        if (b.overflow) {
            rc = map_fail(c, err, "it ends early");
            goto out;
        }
    }
    uint16_t crc = 0;
    if ((rc = map_entries(c, &b, types, first_offset, len_bits, self_bits, parent_bits, &crc,
                          err)))
        goto out;
    if (crc != map_crc) {
        rc = map_fail(c, err, "its CRC does not match");
        goto out;
    }
    rc = 0;
out:
    free(raw);
    free(types);
    return rc;
}

static int read_plain_map(struct dw__chd *c, struct dw_error_detail *err)
{
    uint8_t buf[4096];
    for (uint64_t i = 0; i < c->hunk_count;) {
        uint64_t n = c->hunk_count - i > 1024 ? 1024 : c->hunk_count - i;
        int rc = src_read(&c->src, buf, (size_t)n * 4, c->map_offset + i * 4, err);
        if (rc)
            return rc;
        for (uint64_t k = 0; k < n; k++, i++) {
            uint64_t at = be(buf + 4 * k, 4);
            c->map[i].type = at ? MAP_NONE : MAP_ZERO;
            c->map[i].offset = at * c->hunk_bytes;
            c->map[i].bytes = at ? c->hunk_bytes : 0;
        }
    }
    return 0;
}

/* Check every entry and resolve self-reference chains. */
static int check_map(struct dw__chd *c, struct dw_error_detail *err)
{
    for (uint64_t i = 0; i < c->hunk_count; i++) {
        struct map_entry *e = &c->map[i];
        switch (e->type) {
        case MAP_PARENT:
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' is a CHD that stores only its differences to a parent "
                                 "CHD, which discwright does not read; make a standalone one "
                                 "with 'chdman copy -i CHILD.chd -ip PARENT.chd -o NEW.chd'",
                                 c->src.name);
        case MAP_SELF:
            if (e->offset >= i)
                return map_fail(c, err, "a hunk refers to itself or a later hunk");
            if (c->map[e->offset].type == MAP_SELF)
                e->offset = c->map[e->offset].offset; /* already resolved: earlier */
            break;
        case MAP_ZERO:
            break;
        default:
            if (e->type <= MAP_CODEC3 && c->codecs[e->type] == 0)
                return map_fail(c, err, "a hunk names a codec the header does not list");
            if (e->bytes > c->hunk_bytes || e->offset > c->src.size_bytes ||
                e->bytes > c->src.size_bytes - e->offset || e->offset < DW__CHD_HEADER_BYTES)
                return map_fail(c, err, "a hunk lies outside the file or is larger than a hunk");
        }
    }
    return 0;
}

/* ---- metadata ------------------------------------------------------------ */

static int read_metadata(struct dw__chd *c, struct dw_error_detail *err)
{
    uint64_t at = c->meta_offset, total = 0;
    int cap = 0;
    while (at) {
        uint8_t head[16];
        int rc;
        if (c->meta_count >= CHD_MAX_METADATA)
            return dw__set_error(err, DW_EPARSE,
                                 "'%s': its metadata chain has more than %d entries or loops; "
                                 "the file is damaged",
                                 c->src.name, CHD_MAX_METADATA);
        if ((rc = src_read(&c->src, head, sizeof(head), at, err)))
            return rc;
        uint32_t bytes = (uint32_t)be(head + 5, 3);
        total += bytes;
        if (total > CHD_MAX_METADATA_BYTES)
            return dw__set_error(err, DW_EPARSE, "'%s': its metadata is larger than any CHD's; "
                                 "the file is damaged", c->src.name);
        if (c->meta_count == cap) {
            cap = cap ? cap * 2 : 16;
            struct meta_entry *m = realloc(c->meta, (size_t)cap * sizeof(*m));
            if (!m)
                return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->src.name);
            c->meta = m;
        }
        struct meta_entry *m = &c->meta[c->meta_count];
        m->tag = (uint32_t)be(head, 4);
        m->flags = head[4];
        m->bytes = bytes;
        if (!(m->data = malloc(bytes + 1u)))
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->src.name);
        c->meta_count++;
        if ((rc = src_read(&c->src, m->data, bytes, at + 16, err)))
            return rc;
        m->data[bytes] = 0;
        uint64_t next = be(head + 8, 8);
        if (next && next <= at)
            return dw__set_error(err, DW_EPARSE, "'%s': its metadata chain loops; the file is "
                                 "damaged", c->src.name);
        at = next;
    }
    return 0;
}

static int cmp24(const void *a, const void *b)
{
    return memcmp(a, b, 24);
}

/* SHA-1 of the raw SHA-1 and the checksummed metadata (tag + SHA-1 of the
 * data, sorted), as the header's SHA-1 covers them. */
static int overall_sha1(struct dw__chd *c, const uint8_t raw[20], uint8_t out[20])
{
    uint8_t (*list)[24] = calloc((size_t)c->meta_count + 1, 24);
    int n = 0;
    if (!list)
        return DW_ENOMEM;
    for (int i = 0; i < c->meta_count; i++) {
        struct sha1_ctx s;
        if (!(c->meta[i].flags & 0x01))
            continue;
        for (int k = 0; k < 4; k++)
            list[n][k] = (uint8_t)(c->meta[i].tag >> (24 - 8 * k));
        sha1_init(&s);
        sha1_update(&s, c->meta[i].bytes, c->meta[i].data);
        sha1_digest(&s, 20, list[n] + 4);
        n++;
    }
    qsort(list, (size_t)n, 24, cmp24);
    struct sha1_ctx s;
    sha1_init(&s);
    sha1_update(&s, 20, raw);
    sha1_update(&s, (size_t)n * 24, (const uint8_t *)list);
    sha1_digest(&s, 20, out);
    free(list);
    return 0;
}

/* ---- open ---------------------------------------------------------------- */

void dw__chd_free(struct dw__chd *c)
{
    if (!c)
        return;
    free(c->map);
    for (int i = 0; i < c->meta_count; i++)
        free(c->meta[i].data);
    free(c->meta);
    for (int i = 0; i < CHD_CACHE_HUNKS; i++)
        free(c->cache[i].data);
    free(c->comp);
    free(c);
}

/* The header's fields into c, checked against each other and the file. */
static int parse_header(struct dw__chd *c, const uint8_t *h, const struct dw__chd_source *src,
                        struct dw_error_detail *err)
{
    for (int i = 0; i < 4; i++)
        c->codecs[i] = (uint32_t)be(h + 16 + 4 * i, 4);
    c->logical_bytes = be(h + 32, 8);
    c->map_offset = be(h + 40, 8);
    c->meta_offset = be(h + 48, 8);
    c->hunk_bytes = (uint32_t)be(h + 56, 4);
    c->unit_bytes = (uint32_t)be(h + 60, 4);
    memcpy(c->raw_sha1, h + 64, 20);
    memcpy(c->sha1, h + 84, 20);
    memcpy(c->parent_sha1, h + 104, 20);
    if (c->hunk_bytes == 0 || c->hunk_bytes > CHD_MAX_HUNK_BYTES || c->unit_bytes == 0 ||
        c->hunk_bytes % c->unit_bytes) {
        int rc = dw__set_error(err, DW_EPARSE,
                           "'%s': its header gives a hunk of %u bytes in units of %u; the "
                           "file is damaged",
                           src->name, c->hunk_bytes, c->unit_bytes);
        return rc;
    }
    c->hunk_count = (c->logical_bytes + c->hunk_bytes - 1) / c->hunk_bytes;
    if (c->hunk_count > CHD_MAX_HUNKS ||
        c->logical_bytes > (uint64_t)DW__MAX_MEDIUM_SECTORS * DW__CHD_FRAME_BYTES) {
        int rc = dw__set_error(err, DW_EPARSE,
                           "'%s': its header gives %" PRIu64 " bytes of content, more than any "
                           "disc holds; the file is damaged",
                           src->name, c->logical_bytes);
        return rc;
    }
    /* The map cannot describe more hunks than its bits can code: an RLE
     * run of up to 274 hunks takes three symbols of at least one bit each
     * (compressed map); four bytes a hunk (plain map).  So a small file
     * cannot make us allocate a large map. */
    if ((c->codecs[0] && c->hunk_count > src->size_bytes * 8 * 92 + 1024) ||
        (!c->codecs[0] && c->hunk_count > src->size_bytes / 4)) {
        int rc = dw__set_error(err, DW_EPARSE,
                           "'%s': its header gives %" PRIu64 " hunks, more than a file of "
                           "%" PRIu64 " bytes can map; the file is damaged or truncated",
                           src->name, c->hunk_count, src->size_bytes);
        return rc;
    }
    return 0;
}

int dw__chd_open(const struct dw__chd_source *src, struct dw__chd **out,
                 struct dw_error_detail *err)
{
    uint8_t h[DW__CHD_HEADER_BYTES];
    struct dw__chd *c;
    int rc;
    *out = NULL;
    if (!(c = calloc(1, sizeof(*c))))
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", src->name);
    c->src = *src;
    if (src->size_bytes < 16 || (rc = src_read(src, h, 16, 0, err)) ||
        memcmp(h, "MComprHD", 8) != 0) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' is not a CHD (no 'MComprHD' header)", src->name);
        goto out;
    }
    uint32_t version = (uint32_t)be(h + 12, 4);
    if (version != 5) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is a version %u CHD; discwright reads version 5: update it "
                           "with 'chdman copy -i OLD.chd -o NEW.chd'",
                           src->name, version);
        goto out;
    }
    if (be(h + 8, 4) != DW__CHD_HEADER_BYTES ||
        (rc = src_read(src, h, sizeof(h), 0, err))) {
        rc = dw__set_error(err, DW_EPARSE, "'%s': its CHD header is truncated or damaged",
                           src->name);
        goto out;
    }
    if ((rc = parse_header(c, h, src, err)))
        goto out;
    static const uint8_t zero[20];
    if (memcmp(c->parent_sha1, zero, 20) != 0) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is a CHD that stores only its differences to a parent CHD, "
                           "which discwright does not read; make a standalone one with "
                           "'chdman copy -i CHILD.chd -ip PARENT.chd -o NEW.chd'",
                           src->name);
        goto out;
    }
    for (int i = 0; i < 4; i++) {
        char name[5];
        uint8_t probe = 0;
        if (c->codecs[i] &&
            dw__chd_decompress(c->codecs[i], &probe, 0, NULL, 0, err) == DW_EUNSUPPORTED) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "'%s' uses codec '%s', which discwright does not read (it "
                               "reads cdlz, cdzl, cdfl, cdzs, zlib, lzma, flac, zstd); "
                               "recompress it with 'chdman copy -c cdlz,cdzl,cdfl' or "
                               "'-c lzma,zlib'",
                               src->name, dw__chd_codec_name(c->codecs[i], name));
            goto out;
        }
    }
    if (!(c->map = calloc(c->hunk_count ? c->hunk_count : 1, sizeof(*c->map))) ||
        !(c->comp = malloc(c->hunk_bytes))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", src->name);
        goto out;
    }
    rc = c->codecs[0] ? read_compressed_map(c, err) : read_plain_map(c, err);
    if (rc || (rc = check_map(c, err)) || (rc = read_metadata(c, err)))
        goto out;
    /* An uncompressed CHD (one chdman can still change) records no SHA-1:
     * both are zero, and nothing is checked but the data's own bounds. */
    bool no_sha1 = !c->codecs[0] && memcmp(c->sha1, zero, 20) == 0 &&
                   memcmp(c->raw_sha1, zero, 20) == 0;
    uint8_t want[20];
    if (no_sha1) {
        memcpy(want, c->sha1, 20);
    } else if ((rc = overall_sha1(c, c->raw_sha1, want))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", src->name);
        goto out;
    }
    if (memcmp(want, c->sha1, 20) != 0) {
        rc = dw__set_error(err, DW_EMISMATCH,
                           "'%s': the SHA-1 in its header does not match its metadata; the "
                           "file is damaged ('chdman verify -i FILE' says more)",
                           src->name);
        goto out;
    }
    for (int i = 0; i < CHD_CACHE_HUNKS; i++)
        c->cache[i].hunk = UINT64_MAX;
    sha1_init(&c->hash);
    if (no_sha1)
        c->hash_next = UINT64_MAX;
    *out = c;
    c = NULL;
    rc = 0;
out:
    dw__chd_free(c);
    return rc;
}

uint64_t dw__chd_logical_bytes(const struct dw__chd *c)
{
    return c->logical_bytes;
}

uint32_t dw__chd_hunk_bytes(const struct dw__chd *c)
{
    return c->hunk_bytes;
}

uint32_t dw__chd_unit_bytes(const struct dw__chd *c)
{
    return c->unit_bytes;
}

int dw__chd_metadata(const struct dw__chd *c, int index, uint32_t *tag, const uint8_t **data,
                     uint32_t *bytes)
{
    if (index < 0 || index >= c->meta_count)
        return DW_ERANGE;
    *tag = c->meta[index].tag;
    *data = c->meta[index].data;
    *bytes = c->meta[index].bytes;
    return 0;
}

void dw__chd_set_lba_map(struct dw__chd *c, int32_t (*lba_of_unit)(void *, uint64_t), void *ctx)
{
    c->lba_of_unit = lba_of_unit;
    c->lba_ctx = ctx;
}

/* ---- hunks --------------------------------------------------------------- */

/* "hunk 12 (bytes 235008-254591)" or "hunk 12, LBA 96-103". */
static void describe_hunk(const struct dw__chd *c, uint64_t hunk, char *buf, size_t bytes)
{
    uint64_t first_unit = hunk * c->hunk_bytes / c->unit_bytes;
    uint64_t units = c->hunk_bytes / c->unit_bytes;
    int32_t lo = INT32_MIN, hi = INT32_MIN;
    for (uint64_t u = first_unit; c->lba_of_unit && u < first_unit + units; u++) {
        int32_t lba = c->lba_of_unit(c->lba_ctx, u);
        if (lba == INT32_MIN)
            continue;
        if (lo == INT32_MIN)
            lo = lba;
        hi = lba;
    }
    if (lo != INT32_MIN)
        snprintf(buf, bytes, "hunk %" PRIu64 ", which holds LBA %d-%d,", hunk, lo, hi);
    else
        snprintf(buf, bytes, "hunk %" PRIu64 " (bytes %" PRIu64 "-%" PRIu64 ")", hunk,
                 hunk * c->hunk_bytes, (hunk + 1) * c->hunk_bytes - 1);
}

static int decode_hunk(struct dw__chd *c, uint64_t hunk, uint8_t *dst, struct dw_error_detail *err)
{
    const struct map_entry *e = &c->map[hunk];
    char where[96];
    int rc = 0;
    if (e->type == MAP_SELF)
        return decode_hunk(c, e->offset, dst, err); /* resolved: never a self hunk */
    if (e->type == MAP_ZERO) {
        memset(dst, 0, c->hunk_bytes);
        return 0;
    }
    if (e->type == MAP_NONE) {
        rc = src_read(&c->src, dst, c->hunk_bytes, e->offset, err);
    } else {
        if (!(rc = src_read(&c->src, c->comp, e->bytes, e->offset, err)))
            rc = dw__chd_decompress(c->codecs[e->type], c->comp, e->bytes, dst, c->hunk_bytes,
                                    err);
    }
    if (rc) {
        char why[sizeof(err->message)];
        snprintf(why, sizeof(why), "%s", err->message);
        describe_hunk(c, hunk, where, sizeof(where));
        return dw__set_error(err, rc == DW_EPARSE ? DW_EMISMATCH : rc,
                             "'%s': %s is damaged (%s); those sectors cannot be read from "
                             "this image",
                             c->src.name, where, why);
    }
    if (c->codecs[0] && dw__chd_crc16(dst, c->hunk_bytes) != e->crc) {
        describe_hunk(c, hunk, where, sizeof(where));
        return dw__set_error(err, DW_EMISMATCH,
                             "'%s': %s is damaged (its CRC-16 does not match); those sectors "
                             "cannot be read from this image",
                             c->src.name, where);
    }
    return 0;
}

static int get_hunk(struct dw__chd *c, uint64_t hunk, const uint8_t **data,
                    struct dw_error_detail *err)
{
    struct cache_slot *slot = &c->cache[0];
    for (int i = 0; i < CHD_CACHE_HUNKS; i++) {
        if (c->cache[i].hunk == hunk && !c->hash_bad) {
            c->cache[i].stamp = ++c->stamp;
            *data = c->cache[i].data;
            return 0;
        }
        if (c->cache[i].stamp < slot->stamp)
            slot = &c->cache[i];
    }
    if (!slot->data && !(slot->data = malloc(c->hunk_bytes)))
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", c->src.name);
    slot->hunk = UINT64_MAX;
    int rc = decode_hunk(c, hunk, slot->data, err);
    if (rc)
        return rc;
    slot->hunk = hunk;
    slot->stamp = ++c->stamp;
    *data = slot->data;
    if (hunk == c->hash_next) {
        uint64_t left = c->logical_bytes - hunk * c->hunk_bytes;
        sha1_update(&c->hash, left < c->hunk_bytes ? (size_t)left : c->hunk_bytes, slot->data);
        c->hash_next++;
        if (c->hash_next == c->hunk_count) {
            uint8_t got[20];
            sha1_digest(&c->hash, 20, got);
            c->hash_next = UINT64_MAX;
            c->hash_bad = memcmp(got, c->raw_sha1, 20) != 0;
        }
    }
    if (c->hash_bad)
        return dw__set_error(err, DW_EMISMATCH,
                             "'%s': the SHA-1 of its content does not match its header, "
                             "though every hunk's CRC does; the file is damaged",
                             c->src.name);
    return 0;
}

int dw__chd_pread(struct dw__chd *c, void *buf, size_t bytes, uint64_t offset,
                  struct dw_error_detail *err)
{
    uint8_t *out = buf;
    if (offset > c->logical_bytes || bytes > c->logical_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "-%" PRIu64 " lie past its content (%" PRIu64
                             " bytes)",
                             c->src.name, offset, offset + bytes, c->logical_bytes);
    while (bytes > 0) {
        uint64_t hunk = offset / c->hunk_bytes;
        size_t at = (size_t)(offset % c->hunk_bytes);
        size_t n = c->hunk_bytes - at < bytes ? c->hunk_bytes - at : bytes;
        const uint8_t *data = NULL;
        int rc = get_hunk(c, hunk, &data, err);
        if (rc)
            return rc;
        memcpy(out, data + at, n);
        out += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}
