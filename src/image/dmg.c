/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Apple UDIF disk images (.dmg), read-only and compressed (UDRO, UDZO,
 * UDBZ, UDCO without ADC chunks): REFERENCE-2.md section 9, from dmg2img
 * and libmirage's descriptions of the layout.
 *
 * The last 512 bytes (or, as dmg2img also accepts, the first 512) are the
 * "koly" block: version 4, the data fork's offset and length, the XML
 * property list's offset and length, the number of 512-byte sectors.  The
 * plist's resource-fork/blkx array holds one "mish" table per partition
 * (base64 in <data>): the partition's first sector and a list of 40-byte
 * chunks, each a type, a first sector and sector count relative to the
 * partition, and where its bytes are in the data fork.  Chunk types read:
 * zero fill (0), raw (1), ignore (2: zeros), zlib (0x80000005), bzip2
 * (0x80000006); comments (0x7FFFFFFE) and the terminator (0xFFFFFFFF)
 * carry no sectors.  ADC (0x80000004), LZFSE (0x80000007) and LZMA
 * (0x80000008) are refused at open with what to do.
 *
 * What is served: the whole disk, every partition at its sectors, as
 * dmg2img writes it by default (dmg2img -p extracts one partition; a disc
 * image made of a CD or DVD by hdiutil is a whole disk whose ISO 9660
 * descriptors, when it has them, are where the ISO reader looks).  The
 * chunks must tile the disk from sector 0 without gaps or overlaps, and
 * their total must be the koly block's sector count.
 *
 * The chunk table (48 bytes a chunk; the plist is limited to
 * MAX_PLIST_BYTES, so at most a few million chunks) is kept; reads decode
 * the chunk they touch, one at a time, into a buffer of the largest
 * chunk's size (chunks to decode are limited to MAX_CHUNK_BYTES decoded:
 * hdiutil writes 1 MiB).
 */
#include <bzlib.h>
#include <errno.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "discwright/sector.h"
#include "image/container.h"

#define KOLY_BYTES 512
#define MISH_HEADER_BYTES 204
#define CHUNK_BYTES 40
#define MAX_PLIST_BYTES (16u << 20)
#define MAX_CHUNK_BYTES (64u << 20)
#define MAX_DECODED_BYTES ((uint64_t)DW__MAX_MEDIUM_SECTORS * DW_SECTOR_USER_BYTES)

enum {
    CHUNK_ZERO = 0x00000000,
    CHUNK_RAW = 0x00000001,
    CHUNK_IGNORE = 0x00000002,
    CHUNK_COMMENT = 0x7ffffffe,
    CHUNK_ADC = (int)0x80000004,
    CHUNK_ZLIB = (int)0x80000005,
    CHUNK_BZIP2 = (int)0x80000006,
    CHUNK_LZFSE = (int)0x80000007,
    CHUNK_LZMA = (int)0x80000008,
    CHUNK_END = (int)0xffffffff
};

struct dmg_chunk {
    uint64_t out_offset; /* decoded byte */
    uint64_t out_bytes;
    uint64_t in_offset;  /* file byte */
    uint64_t in_bytes;
    uint32_t type;
};

struct dmg {
    char *path;
    int fd;
    uint64_t file_bytes;
    uint64_t size_bytes;
    struct dmg_chunk *chunks;
    size_t chunk_count;
    size_t chunk_cap;
    uint8_t *in;         /* compressed chunk */
    uint8_t *out;        /* its decoded bytes */
    size_t buf_bytes;
    size_t cached;       /* chunk index + 1 in out, 0: none */
};

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const uint8_t *b)
{
    return (uint64_t)be32(b) << 32 | be32(b + 4);
}

static void dmg_close(void *ctx)
{
    struct dmg *m = ctx;
    if (m->fd >= 0)
        close(m->fd);
    free(m->chunks);
    free(m->in);
    free(m->out);
    free(m->path);
    free(m);
}

static int read_exact(struct dmg *m, void *buf, size_t bytes, uint64_t offset,
                      struct dw_error_detail *err)
{
    size_t got;
    int e = dw__pread_full(m->fd, buf, bytes, offset, &got);
    if (e)
        return dw__set_error_errno(err, e, "cannot read '%s'", m->path);
    if (got != bytes)
        return dw__set_error(err, DW_ETRUNC, "'%s' became shorter while it was read", m->path);
    return 0;
}

static int decode_chunk(struct dmg *m, size_t i, struct dw_error_detail *err)
{
    const struct dmg_chunk *c = &m->chunks[i];
    int rc;
    if (m->cached == i + 1)
        return 0;
    m->cached = 0;
    if ((rc = read_exact(m, m->in, (size_t)c->in_bytes, c->in_offset, err)))
        return rc;
    uint64_t made = 0;
    if (c->type == (uint32_t)CHUNK_ZLIB) {
        uLongf n = (uLongf)c->out_bytes;
        int z = uncompress(m->out, &n, m->in, (uLong)c->in_bytes);
        if (z == Z_MEM_ERROR)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", m->path);
        made = z == Z_OK ? n : 0;
    } else {
        unsigned int n = (unsigned int)c->out_bytes;
        int z = BZ2_bzBuffToBuffDecompress((char *)m->out, &n, (char *)m->in,
                                           (unsigned int)c->in_bytes, 0, 0);
        if (z == BZ_MEM_ERROR)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", m->path);
        made = z == BZ_OK ? n : 0;
    }
    if (made != c->out_bytes)
        return dw__set_error(err, DW_EPARSE,
                             "'%s': the %s chunk of bytes %" PRIu64 "-%" PRIu64
                             " of the disk (file bytes %" PRIu64 "+%" PRIu64
                             ") does not decode to its %" PRIu64 " bytes: the image is damaged",
                             m->path, c->type == (uint32_t)CHUNK_ZLIB ? "zlib" : "bzip2",
                             c->out_offset, c->out_offset + c->out_bytes - 1, c->in_offset,
                             c->in_bytes, c->out_bytes);
    m->cached = i + 1;
    return 0;
}

static int dmg_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                     struct dw_error_detail *err)
{
    struct dmg *m = ctx;
    uint8_t *dst = buf;
    if (offset > m->size_bytes || bytes > m->size_bytes - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': bytes %" PRIu64 "+%zu are past its %" PRIu64
                             " decoded bytes",
                             m->path, offset, bytes, m->size_bytes);
    while (bytes > 0) {
        size_t lo = 0, hi = m->chunk_count;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->chunks[mid].out_offset <= offset)
                lo = mid;
            else
                hi = mid;
        }
        const struct dmg_chunk *c = &m->chunks[lo];
        uint64_t in = offset - c->out_offset;
        size_t n = c->out_bytes - in < bytes ? (size_t)(c->out_bytes - in) : bytes;
        int rc;
        switch (c->type) {
        case CHUNK_ZERO:
        case CHUNK_IGNORE:
            memset(dst, 0, n);
            break;
        case CHUNK_RAW:
            if ((rc = read_exact(m, dst, n, c->in_offset + in, err)))
                return rc;
            break;
        default:
            if ((rc = decode_chunk(m, lo, err)))
                return rc;
            memcpy(dst, m->out + in, n);
        }
        dst += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static const struct dw__vfile_ops dmg_ops = {"dmg", dmg_pread, dmg_close};

/* ------------------------------------------------------------------ */
/* The property list                                                   */

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decode base64 text (whitespace allowed, '=' ends it) into a new buffer. */
static uint8_t *b64_decode(const char *text, size_t *bytes)
{
    size_t n = strlen(text), o = 0;
    uint8_t *out = malloc(n / 4 * 3 + 3);
    uint32_t acc = 0;
    int bits = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n && text[i] != '='; i++) {
        int v = b64_value((unsigned char)text[i]);
        if (v < 0) {
            if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')
                continue;
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    *bytes = o;
    return out;
}

static bool is_element(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *next_element(const xmlNode *n)
{
    for (n = n ? n->next : NULL; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    return n;
}

static const xmlNode *first_element(const xmlNode *n)
{
    for (n = n ? n->children : NULL; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    return n;
}

/* The text of an element (its text and CDATA children), malloc'd; NULL
 * when out of memory.  (Not xmlNodeGetContent: its result is freed with
 * libxml2's xmlFree, a variable, which the emulator's preload library,
 * linked without libxml2, could not resolve.) */
static char *text_of(const xmlNode *n)
{
    size_t bytes = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            bytes += strlen((const char *)c->content);
    char *out = malloc(bytes + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t k = strlen((const char *)c->content);
            memcpy(out + o, c->content, k);
            o += k;
        }
    out[o] = '\0';
    return out;
}

/* The value element of key `key` in a <dict>, or NULL. */
static const xmlNode *dict_get(const xmlNode *dict, const char *key)
{
    if (!is_element(dict, "dict"))
        return NULL;
    for (const xmlNode *k = first_element(dict); k; k = next_element(next_element(k))) {
        if (!is_element(k, "key"))
            return NULL;
        char *t = text_of(k);
        bool match = t && strcmp(t, key) == 0;
        free(t);
        if (match)
            return next_element(k);
    }
    return NULL;
}

static int add_chunk(struct dmg *m, const struct dmg_chunk *c, struct dw_error_detail *err)
{
    if (m->chunk_count == m->chunk_cap) {
        size_t cap = m->chunk_cap ? m->chunk_cap * 2 : 64;
        struct dmg_chunk *n = realloc(m->chunks, cap * sizeof(*n));
        if (!n)
            return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", m->path);
        m->chunks = n;
        m->chunk_cap = cap;
    }
    m->chunks[m->chunk_count++] = *c;
    return 0;
}

/* One mish table (partition `part`), data fork at fork_offset, fork_bytes. */
static int read_mish(struct dmg *m, int part, const uint8_t *t, size_t bytes, uint64_t fork_offset,
                     uint64_t fork_bytes, struct dw_error_detail *err)
{
    if (bytes < MISH_HEADER_BYTES || memcmp(t, "mish", 4) != 0)
        return dw__set_error(err, DW_EPARSE,
                             "'%s': blkx entry %d is not a \"mish\" table: the image is damaged",
                             m->path, part);
    uint64_t first_sector = be64(t + 8), data_start = be64(t + 24);
    uint32_t count = be32(t + 200);
    if ((uint64_t)count * CHUNK_BYTES > bytes - MISH_HEADER_BYTES)
        return dw__set_error(err, DW_EPARSE,
                             "'%s': blkx entry %d says %" PRIu32 " chunks but holds %zu: the "
                             "image is damaged",
                             m->path, part, count, (bytes - MISH_HEADER_BYTES) / CHUNK_BYTES);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *c = t + MISH_HEADER_BYTES + (size_t)i * CHUNK_BYTES;
        uint32_t type = be32(c);
        uint64_t sector = be64(c + 8), sectors = be64(c + 16);
        uint64_t in_off = be64(c + 24), in_len = be64(c + 32);
        if (type == (uint32_t)CHUNK_COMMENT || type == (uint32_t)CHUNK_END)
            continue;
        const char *refuse = type == (uint32_t)CHUNK_ADC     ? "ADC"
                             : type == (uint32_t)CHUNK_LZFSE ? "LZFSE"
                             : type == (uint32_t)CHUNK_LZMA  ? "LZMA"
                                                             : NULL;
        if (refuse)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' has %s-compressed chunks, which discwright does not "
                                 "decode: convert it on a Mac with 'hdiutil convert -format "
                                 "UDZO', or make a raw image with dmg2img",
                                 m->path, refuse);
        if (type != CHUNK_ZERO && type != CHUNK_RAW && type != CHUNK_IGNORE &&
            type != (uint32_t)CHUNK_ZLIB && type != (uint32_t)CHUNK_BZIP2)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' has chunks of type %08" PRIx32 ", which discwright does "
                                 "not know: make a raw image with dmg2img",
                                 m->path, type);
        if (sectors == 0)
            continue;
        if (first_sector > MAX_DECODED_BYTES / 512 || sector > MAX_DECODED_BYTES / 512 ||
            sectors > MAX_DECODED_BYTES / 512 ||
            (first_sector + sector + sectors) * 512 > MAX_DECODED_BYTES)
            return dw__set_error(err, DW_ERANGE,
                                 "'%s': a chunk of blkx entry %d reaches past the largest disc "
                                 "(%" PRIu64 " sectors from sector %" PRIu64 "): the image is "
                                 "damaged",
                                 m->path, part, sectors, first_sector + sector);
        struct dmg_chunk ch = {.out_offset = (first_sector + sector) * 512,
                               .out_bytes = sectors * 512, .type = type};
        if (type == CHUNK_RAW || type == (uint32_t)CHUNK_ZLIB || type == (uint32_t)CHUNK_BZIP2) {
            if (data_start > fork_bytes || in_off > fork_bytes - data_start ||
                in_len > fork_bytes - data_start - in_off)
                return dw__set_error(err, DW_EPARSE,
                                     "'%s': a chunk of blkx entry %d lies past the end of the "
                                     "data fork (bytes %" PRIu64 "+%" PRIu64 " of %" PRIu64
                                     "): the image is damaged or truncated",
                                     m->path, part, data_start + in_off, in_len, fork_bytes);
            ch.in_offset = fork_offset + data_start + in_off;
            ch.in_bytes = in_len;
            if (type == CHUNK_RAW && in_len < ch.out_bytes)
                return dw__set_error(err, DW_EPARSE,
                                     "'%s': a raw chunk of blkx entry %d holds %" PRIu64
                                     " bytes for %" PRIu64 " sectors: the image is damaged",
                                     m->path, part, in_len, sectors);
            if (type != CHUNK_RAW && (ch.out_bytes > MAX_CHUNK_BYTES || in_len > MAX_CHUNK_BYTES))
                return dw__set_error(err, DW_EUNSUPPORTED,
                                     "'%s': a compressed chunk of blkx entry %d decodes to "
                                     "%" PRIu64 " bytes, more than the %u MiB discwright "
                                     "accepts (hdiutil writes 1 MiB): make a raw image with "
                                     "dmg2img",
                                     m->path, part, ch.out_bytes, MAX_CHUNK_BYTES >> 20);
            if (type != CHUNK_RAW) {
                size_t need = (size_t)(ch.out_bytes > in_len ? ch.out_bytes : in_len);
                if (need > m->buf_bytes)
                    m->buf_bytes = need;
            }
        }
        int rc = add_chunk(m, &ch, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmp_chunk(const void *a, const void *b)
{
    const struct dmg_chunk *x = a, *y = b;
    return x->out_offset < y->out_offset ? -1 : x->out_offset > y->out_offset;
}

static int read_plist(struct dmg *m, const uint8_t *koly, struct dw_error_detail *err)
{
    uint64_t fork_offset = be64(koly + 24), fork_bytes = be64(koly + 32);
    uint64_t xml_offset = be64(koly + 216), xml_bytes = be64(koly + 224);
    char *xml = NULL;
    xmlDoc *doc = NULL;
    int rc;
    if (fork_offset > m->file_bytes || fork_bytes > m->file_bytes - fork_offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s': its data fork (bytes %" PRIu64 "+%" PRIu64 ") lies past "
                             "the end of the file (%" PRIu64 " bytes): it is truncated",
                             m->path, fork_offset, fork_bytes, m->file_bytes);
    if (xml_bytes == 0)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' has no XML property list (an image older than Mac OS X "
                             "10.2?): make a raw image with dmg2img",
                             m->path);
    if (xml_offset > m->file_bytes || xml_bytes > m->file_bytes - xml_offset ||
        xml_bytes > MAX_PLIST_BYTES)
        return dw__set_error(err, xml_bytes > MAX_PLIST_BYTES ? DW_EUNSUPPORTED : DW_ETRUNC,
                             "'%s': its property list (bytes %" PRIu64 "+%" PRIu64 ") %s",
                             m->path, xml_offset, xml_bytes,
                             xml_bytes > MAX_PLIST_BYTES
                                 ? "is larger than 16 MiB; discwright does not read it"
                                 : "lies past the end of the file: it is truncated");
    if (!(xml = malloc((size_t)xml_bytes)))
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", m->path);
    if ((rc = read_exact(m, xml, (size_t)xml_bytes, xml_offset, err)))
        goto out;
    doc = xmlReadMemory(xml, (int)xml_bytes, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    const xmlNode *blkx = dict_get(dict_get(first_element(root), "resource-fork"), "blkx");
    if (!is_element(root, "plist") || !is_element(blkx, "array")) {
        rc = dw__set_error(err, DW_EPARSE,
                           "'%s': its property list %s: the image is damaged", m->path,
                           doc ? "has no resource-fork/blkx array" : "is not well-formed XML");
        goto out;
    }
    int part = 0;
    for (const xmlNode *e = first_element(blkx); e; e = next_element(e), part++) {
        const xmlNode *data = dict_get(e, "Data");
        char *text = is_element(data, "data") ? text_of(data) : NULL;
        size_t bytes = 0;
        uint8_t *table = text ? b64_decode(text, &bytes) : NULL;
        free(text);
        if (!table) {
            rc = dw__set_error(err, DW_EPARSE,
                               "'%s': blkx entry %d has no base64 Data: the image is damaged",
                               m->path, part);
            goto out;
        }
        rc = read_mish(m, part, table, bytes, fork_offset, fork_bytes, err);
        free(table);
        if (rc)
            goto out;
    }
    rc = 0;
out:
    xmlFreeDoc(doc);
    free(xml);
    return rc;
}

int dw__dmg_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err)
{
    struct dmg *m = calloc(1, sizeof(*m));
    uint8_t koly[KOLY_BYTES];
    int rc;
    memset(out, 0, sizeof(*out));
    if (!m || !(m->path = strdup(path))) {
        free(m);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    m->fd = -1;
    if ((rc = dw__image_open_file(path, false, &m->fd, &m->file_bytes, err)))
        goto out;
    bool found = false;
    for (int at_start = 0; at_start < 2 && !found && m->file_bytes >= KOLY_BYTES; at_start++) {
        if ((rc = read_exact(m, koly, KOLY_BYTES, at_start ? 0 : m->file_bytes - KOLY_BYTES,
                             err)))
            goto out;
        found = memcmp(koly, "koly", 4) == 0 && be32(koly + 4) == 4 && be32(koly + 8) == 512;
    }
    if (!found) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' has no UDIF \"koly\" block", path);
        goto out;
    }
    if (be32(koly + 12) & 8) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is an encrypted disk image: open it on a Mac and save an "
                           "unencrypted copy",
                           path);
        goto out;
    }
    if (be32(koly + 60) > 1) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is segment %" PRIu32 " of %" PRIu32 " of a segmented image: "
                           "join the segments with hdiutil convert first",
                           path, be32(koly + 56), be32(koly + 60));
        goto out;
    }
    if ((rc = read_plist(m, koly, err)))
        goto out;
    if (m->chunk_count == 0) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' has no sectors in its blkx tables", path);
        goto out;
    }
    qsort(m->chunks, m->chunk_count, sizeof(*m->chunks), cmp_chunk);
    uint64_t end = 0;
    for (size_t i = 0; i < m->chunk_count; i++) {
        if (m->chunks[i].out_offset != end) {
            rc = dw__set_error(err, DW_EPARSE,
                               "'%s': its chunks %s at disk sector %" PRIu64 ": the blkx "
                               "tables are damaged",
                               path, m->chunks[i].out_offset > end ? "leave a gap" : "overlap",
                               end / 512);
            goto out;
        }
        end += m->chunks[i].out_bytes;
    }
    uint64_t koly_sectors = be64(koly + 492);
    if (koly_sectors != end / 512) {
        rc = dw__set_error(err, DW_EPARSE,
                           "'%s': its blkx tables hold %" PRIu64 " sectors but its koly "
                           "block says %" PRIu64 ": the image is damaged",
                           path, end / 512, koly_sectors);
        goto out;
    }
    m->size_bytes = end;
    if (m->buf_bytes && (!(m->in = malloc(m->buf_bytes)) || !(m->out = malloc(m->buf_bytes)))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    out->ops = &dmg_ops;
    out->ctx = m;
    out->bytes = m->size_bytes;
    return 0;
out:
    dmg_close(m);
    return rc;
}
