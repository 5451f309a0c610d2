/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Build mode, burning: the libisofs image of a tree streamed into libburn
 * (dw_burn_source) with no temporary file, its MD5 taken on the way, and
 * the read-back that compares the medium with that MD5. */
#include <stdlib.h>
#include <string.h>
#include "build/build_int.h"
#include "discwright/burn.h"
#include "discwright/checksum.h"
#include "discwright/drive.h"
#include "errors_int.h"

/* A libburn source that hands on what libisofs's source gives and hashes
 * it (struct burn_source, version 1: read_xt and cancel). */
struct md5_source {
    struct burn_source *inner;
    struct dw_hash *hash; /* NULL: DW_BUILD_NO_STREAM_MD5, bytes counted only */
    struct dw_build *b; /* gets the MD5 and the byte count when freed */
    int64_t bytes;
    int64_t image_bytes; /* what libisofs makes: its size before any set_size */
};

/* libisofs's source answers a request that runs past the end of the image
 * with nothing (what was left is lost), but the image's size is known: ask
 * for all of size or for what is left, so that its ring buffer is locked
 * once per request and not once per 2048-byte block.  The size is the one
 * libisofs gave at the start: libburn may set_size the track larger (a CD
 * track padded to 300 sectors) and pads what the source does not give. */
static int md5_read(struct burn_source *src, unsigned char *buf, int size)
{
    struct md5_source *m = src->data;
    int64_t total_bytes = m->image_bytes;
    int got = 0;
    while (got < size && m->bytes + got < total_bytes) {
        int64_t left = total_bytes - (m->bytes + got);
        int ask = left < size - got ? (int)left : size - got;
        int n = m->inner->read_xt ? m->inner->read_xt(m->inner, buf + got, ask)
                                  : m->inner->read(m->inner, buf + got, ask);
        if (n < 0)
            return got > 0 ? got : n;
        if (n == 0)
            break;
        got += n;
    }
    if (got > 0) {
        if (m->hash)
            dw_hash_update(m->hash, buf, (size_t)got);
        m->bytes += got;
    }
    return got;
}

static off_t md5_get_size(struct burn_source *src)
{
    struct md5_source *m = src->data;
    return m->inner->get_size(m->inner);
}

static int md5_set_size(struct burn_source *src, off_t size)
{
    struct md5_source *m = src->data;
    return m->inner->set_size ? m->inner->set_size(m->inner, size) : 0;
}

static int md5_cancel(struct burn_source *src)
{
    struct md5_source *m = src->data;
    return m->inner->version > 0 && m->inner->cancel ? m->inner->cancel(m->inner) : 1;
}

static void md5_free(struct burn_source *src)
{
    struct md5_source *m = src->data;
    if (m->hash) {
        struct dw_digests d;
        dw_hash_final(m->hash, &d);
        memcpy(m->b->stream_md5, d.md5, sizeof(m->b->stream_md5)); /* hex, NUL-ended */
    }
    m->b->stream_bytes = m->bytes;
    dw_hash_free(m->hash);
    burn_source_free(m->inner);
    free(m);
}

int dw_build_burn(struct dw_build *b, const char *drive_address,
                  const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                  struct dw_burn_result *result, struct dw_error_detail *err)
{
    IsoWriteOpts *wo = NULL;
    struct burn_source *iso_src = NULL, *src = NULL;
    struct md5_source *m = NULL;
    int rc = 0, irc;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!b || !drive_address)
        return dw__set_error(err, DW_EINVAL, "dw_build_burn: no tree or no drive");
    if (b->written)
        return dw__set_error(err, DW_EINVAL,
                             "this tree was written already: build it again");
    b->written = true;
    b->stream_bytes = -1;
    if ((rc = dw__build_write_opts(b, &wo, err)) != 0)
        goto out;
    if (b->append && (rc = dw__build_append_opts(b, wo)) != 0)
        goto out;
    if ((irc = iso_image_create_burn_source(b->image, wo, &iso_src)) < 0) {
        dw__build_drain_messages(b, cb);
        rc = dw__set_error(err, DW_ELIB, "cannot start the image of the tree: %s%s%s",
                           iso_error_to_msg(irc), b->lib_message[0] ? "; " : "",
                           b->lib_message);
        goto out;
    }
    m = calloc(1, sizeof(*m));
    src = calloc(1, sizeof(*src));
    bool hashed = !(b->opts.flags & DW_BUILD_NO_STREAM_MD5);
    if (m && hashed)
        m->hash = dw_hash_new(DW_HASH_MD5);
    if (!m || !src || (hashed && !m->hash)) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    m->inner = iso_src;
    m->image_bytes = (int64_t)iso_src->get_size(iso_src);
    m->b = b;
    iso_src = NULL;
    src->refcount = 1;
    src->version = 1;
    src->read_xt = md5_read;
    src->get_size = md5_get_size;
    src->set_size = md5_set_size;
    src->cancel = md5_cancel;
    src->free_data = md5_free;
    src->data = m;
    m = NULL;
    int64_t bytes = (int64_t)src->get_size(src);
    b->result.image_bytes = bytes;
    /* dw_burn_source takes src (and with it libisofs's source) in every case. */
    rc = b->append ? dw__build_append_burn(b, src, bytes, opts, cb, result, err)
                   : dw_burn_source(src, bytes, "the folder image", drive_address, opts, cb,
                                    result, err);
    src = NULL;
    dw__build_drain_messages(b, cb);
out:
    if (m) {
        dw_hash_free(m->hash);
        free(m);
    }
    free(src);
    if (iso_src) {
        if (iso_image_generator_is_running(b->image))
            iso_src->cancel(iso_src);
        iso_src->free_data(iso_src);
        free(iso_src);
    }
    iso_write_opts_free(wo);
    return rc;
}

int dw_build_image_bytes(struct dw_build *b, int64_t *bytes, struct dw_error_detail *err)
{
    IsoWriteOpts *wo = NULL;
    struct burn_source *src = NULL;
    int rc, irc;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!b || !bytes)
        return dw__set_error(err, DW_EINVAL, "dw_build_image_bytes: no tree");
    if (b->written)
        return dw__set_error(err, DW_EINVAL,
                             "this tree was written already: build it again");
    *bytes = 0;
    if ((rc = dw__build_write_opts(b, &wo, err)) != 0)
        goto out;
    if (b->append && (rc = dw__build_append_opts(b, wo)) != 0)
        goto out;
    /* Only the size is wanted: libisofs starts no writer thread. */
    iso_write_opts_set_will_cancel(wo, 1);
    if ((irc = iso_image_create_burn_source(b->image, wo, &src)) < 0) {
        dw__build_drain_messages(b, NULL);
        rc = dw__set_error(err, DW_ELIB, "cannot size the image of the tree: %s%s%s",
                           iso_error_to_msg(irc), b->lib_message[0] ? "; " : "",
                           b->lib_message);
        goto out;
    }
    *bytes = (int64_t)src->get_size(src);
    src->cancel(src);
    src->free_data(src);
    free(src);
    dw__build_drain_messages(b, NULL);
out:
    iso_write_opts_free(wo);
    return rc;
}

int dw_build_stream_md5(const struct dw_build *b, char md5_hex[33], int64_t *bytes)
{
    if (!b || b->stream_bytes < 0 || !b->stream_md5[0])
        return DW_EINVAL;
    memcpy(md5_hex, b->stream_md5, 33);
    if (bytes)
        *bytes = b->stream_bytes;
    return 0;
}

int dw_build_readback(const char *source, int32_t start_lba, int64_t sectors,
                      const char *md5_hex, const struct dw_callbacks *cb,
                      struct dw_error_detail *err)
{
    struct dw_drive *d = NULL;
    struct dw_hash *h = NULL;
    uint8_t *buf = NULL;
    int rc = 0;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!source || !md5_hex || strlen(md5_hex) != 32 || sectors <= 0 || start_lba < 0)
        return dw__set_error(err, DW_EINVAL, "dw_build_readback: bad arguments");
    if ((rc = dw_drive_open(source, DW_DRIVE_OPEN_RAW_ISO, &d, err)) != 0)
        goto out;
    int32_t chunk = dw_drive_max_transfer_sectors(d);
    if (chunk <= 0 || chunk > 32)
        chunk = 32;
    buf = malloc((size_t)chunk * 2048);
    h = dw_hash_new(DW_HASH_MD5);
    if (!buf || !h) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    struct dw_progress p = {.phase = "verify",
                            .total_sectors = sectors,
                            .sector_bytes = 2048,
                            .buffer_fill_percent = -1};
    for (int64_t done = 0; done < sectors;) {
        int32_t n = sectors - done < chunk ? (int32_t)(sectors - done) : chunk;
        int32_t lba = start_lba + (int32_t)done;
        if ((rc = dw_drive_read_user(d, lba, n, buf)) != 0) {
            const struct dw_error_detail *de = dw_drive_last_error(d);
            rc = dw__set_error(err, rc == DW_ENOMEDIUM ? rc : DW_EREAD,
                               "cannot read back sectors %d-%d of '%s' (%s): the burn "
                               "is not verified",
                               lba, lba + n - 1, source,
                               de && de->message[0] ? de->message : dw_strerror(rc));
            if (err)
                err->lba = lba;
            goto out;
        }
        dw_hash_update(h, buf, (size_t)n * 2048);
        done += n;
        if (cb && cb->progress) {
            p.done_sectors = done;
            if (cb->progress(&p, cb->user)) {
                rc = dw__set_error(err, DW_EABORTED, "read-back of '%s' stopped", source);
                goto out;
            }
        }
    }
    struct dw_digests dg;
    dw_hash_final(h, &dg);
    if (strcmp(dg.md5, md5_hex) != 0)
        rc =
            dw__set_error(err, DW_EMISMATCH,
                          "'%s' holds other data than was burned (MD5 of sectors %d-%lld "
                          "differs): the disc is bad, burn it again",
                          source, start_lba, (long long)(start_lba + sectors - 1));
out:
    dw_hash_free(h);
    free(buf);
    dw_drive_free(d);
    return rc;
}
