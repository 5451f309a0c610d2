/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming CRC-32 (zlib) + MD5/SHA-1/SHA-256 (nettle). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <zlib.h>
#include "discwright/checksum.h"
#include "discwright/errors.h"

struct dw_hash {
    unsigned which;
    uint64_t bytes;
    uLong crc;
    struct md5_ctx md5;
    struct sha1_ctx sha1;
    struct sha256_ctx sha256;
};

static void restart(struct dw_hash *h)
{
    h->bytes = 0;
    h->crc = crc32(0L, Z_NULL, 0);
    md5_init(&h->md5);
    sha1_init(&h->sha1);
    sha256_init(&h->sha256);
}

struct dw_hash *dw_hash_new(unsigned which)
{
    if (!(which & DW_HASH_ALL))
        return NULL;
    struct dw_hash *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->which = which & DW_HASH_ALL;
    restart(h);
    return h;
}

void dw_hash_update(struct dw_hash *h, const void *data, size_t bytes)
{
    const uint8_t *p = data;
    h->bytes += bytes;
    while (bytes) {
        /* zlib's crc32 takes a uInt length. */
        size_t n = bytes > (1u << 30) ? (1u << 30) : bytes;
        if (h->which & DW_HASH_CRC32)
            h->crc = crc32(h->crc, p, (uInt)n);
        if (h->which & DW_HASH_MD5)
            md5_update(&h->md5, n, p);
        if (h->which & DW_HASH_SHA1)
            sha1_update(&h->sha1, n, p);
        if (h->which & DW_HASH_SHA256)
            sha256_update(&h->sha256, n, p);
        p += n;
        bytes -= n;
    }
}

static void hex(const uint8_t *d, size_t n, char *out)
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
        md5_digest(&h->md5, MD5_DIGEST_SIZE, d);
        hex(d, MD5_DIGEST_SIZE, out->md5);
    }
    if (h->which & DW_HASH_SHA1) {
        sha1_digest(&h->sha1, SHA1_DIGEST_SIZE, d);
        hex(d, SHA1_DIGEST_SIZE, out->sha1);
    }
    if (h->which & DW_HASH_SHA256) {
        sha256_digest(&h->sha256, SHA256_DIGEST_SIZE, d);
        hex(d, SHA256_DIGEST_SIZE, out->sha256);
    }
    restart(h);
}

void dw_hash_free(struct dw_hash *h)
{
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
