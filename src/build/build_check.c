/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Build mode, checking: the MD5 tags that `mkiso --md5` / `burn --md5`
 * (libisofs iso_write_opts_set_record_md5) leave in a session, checked on
 * a disc or an image without the image it was made from: the session
 * checksum over its blocks and each file's checksum over its content, as
 * xorriso's -check_media and -check_md5_r do.  The session is imported
 * with libisofs through an IsoDataSource that reads 2048-byte sectors
 * with dw_drive_read_user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "build/build_int.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "errors_int.h"

#define CACHE_SECTORS 32

/* The drive behind the IsoDataSource, with a read-ahead of 32 sectors (a
 * file's blocks are asked for one by one). */
struct drive_source {
    struct dw_drive *d; /* NULL while idle (reopen) */
    char *address;      /* for reopening */
    int32_t cache_lba, cache_sectors;
    uint8_t cache[CACHE_SECTORS * 2048];
    int32_t bad_lba; /* the first sector that could not be read, -1 */
};

static int ds_open(IsoDataSource *src)
{
    (void)src;
    return 1;
}

static int ds_close(IsoDataSource *src)
{
    (void)src;
    return 1;
}

static void ds_free(IsoDataSource *src)
{
    struct drive_source *s = src->data;
    dw_drive_free(s->d);
    free(s->address);
    free(s);
}

static int ds_read_block(IsoDataSource *src, uint32_t lba, uint8_t *buffer)
{
    struct drive_source *s = src->data;
    int32_t l = (int32_t)lba;
    if (s->cache_sectors > 0 && l >= s->cache_lba &&
        l < s->cache_lba + s->cache_sectors) {
        memcpy(buffer, s->cache + (size_t)(l - s->cache_lba) * 2048, 2048);
        return 1;
    }
    s->cache_sectors = 0;
    if (!s->d && dw_drive_open(s->address, 0, &s->d, NULL) != 0) {
        s->d = NULL;
        if (s->bad_lba < 0)
            s->bad_lba = l;
        return (int)ISO_DATA_SOURCE_MISHAP;
    }
    if (dw_drive_read_user(s->d, l, CACHE_SECTORS, s->cache) == 0) {
        s->cache_lba = l;
        s->cache_sectors = CACHE_SECTORS;
    } else if (dw_drive_read_user(s->d, l, 1, s->cache) == 0) {
        s->cache_lba = l; /* near the end of the medium, or one bad sector ahead */
        s->cache_sectors = 1;
    } else {
        if (s->bad_lba < 0)
            s->bad_lba = l;
        return (int)ISO_DATA_SOURCE_MISHAP;
    }
    memcpy(buffer, s->cache, 2048);
    return 1;
}

/* Where the newest session's ISO 9660 volume starts: the first data track
 * of the last session on a disc, 0 for a file. */
static int32_t last_session_start(struct dw_drive *d)
{
    const struct dw_disc *disc = dw_drive_disc(d);
    int32_t start = 0;
    if (!disc || disc->session_count < 1)
        return 0;
    int last = disc->session_count;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->session == last && dw_track_is_data(t)) {
            start = t->index_lba[1];
            break;
        }
    }
    return start;
}

int dw__build_drive_source(const char *address, IsoDataSource **out,
                           int32_t *start_lba, struct dw_error_detail *err)
{
    struct drive_source *ds = calloc(1, sizeof(*ds));
    IsoDataSource *src = calloc(1, sizeof(*src));
    int rc = 0;
    *out = NULL;
    if (!ds || !src || !(ds->address = strdup(address))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto fail;
    }
    ds->bad_lba = -1;
    if ((rc = dw_drive_open(address, 0, &ds->d, err)) != 0)
        goto fail;
    if (start_lba)
        *start_lba = last_session_start(ds->d);
    src->refcount = 1;
    src->open = ds_open;
    src->close = ds_close;
    src->read_block = ds_read_block;
    src->free_data = ds_free;
    src->data = ds;
    *out = src;
    return 0;
fail:
    if (ds) {
        free(ds->address);
        free(ds);
    }
    free(src);
    return rc;
}

void dw__build_drive_source_idle(IsoDataSource *src)
{
    struct drive_source *s = src->data;
    dw_drive_free(s->d);
    s->d = NULL;
    s->cache_sectors = 0;
}

int32_t dw__build_drive_source_bad_lba(IsoDataSource *src)
{
    return ((struct drive_source *)src->data)->bad_lba;
}

struct check_ctx {
    IsoImage *image;
    const struct dw_callbacks *cb;
    struct dw_build_md5_check *res;
    struct dw_progress p;
    uint8_t buf[64 * 1024];
    bool stop;
};

static void log_line(const struct dw_callbacks *cb, enum dw_log_level level,
                     const char *fmt, const char *arg)
{
    char line[4200];
    if (!cb || !cb->log)
        return;
    snprintf(line, sizeof(line), fmt, arg);
    cb->log(level, line, cb->user);
}

static int progress(struct check_ctx *c)
{
    if (c->cb && c->cb->progress && c->cb->progress(&c->p, c->cb->user))
        c->stop = true;
    return c->stop ? DW_EABORTED : 0;
}

/* One file: its content's MD5 against its recorded one. */
static void check_file(struct check_ctx *c, IsoFile *file)
{
    char want[16], got[16];
    c->res->files++;
    if (iso_file_get_md5(c->image, file, want, 0) != 1)
        return;
    c->res->files_with_md5++;
    IsoStream *stream = iso_file_get_stream(file);
    void *ctx = NULL;
    char *path = iso_tree_get_node_path((IsoNode *)file);
    bool readable = stream && iso_stream_open(stream) >= 0;
    if (readable && iso_md5_start(&ctx) >= 0) {
        int n;
        while ((n = iso_stream_read(stream, c->buf, sizeof(c->buf))) > 0) {
            iso_md5_compute(ctx, (char *)c->buf, n);
            c->p.done_sectors += (n + 2047) / 2048;
            if (progress(c))
                break;
        }
        if (n < 0)
            readable = false;
        iso_md5_end(&ctx, got);
        iso_stream_close(stream);
    } else {
        readable = false;
    }
    if (c->stop) {
        /* not counted either way */
    } else if (!readable) {
        c->res->files_unreadable++;
        log_line(c->cb, DW_LOG_ERROR, "file '%s': cannot be read to the end",
                 path ? path : "?");
    } else if (!iso_md5_match(want, got)) {
        c->res->files_mismatch++;
        log_line(c->cb, DW_LOG_ERROR, "file '%s': MD5 differs from its tag",
                 path ? path : "?");
    }
    free(path);
}

static void check_dir(struct check_ctx *c, IsoDir *dir)
{
    IsoDirIter *iter = NULL;
    IsoNode *node;
    if (iso_dir_get_children(dir, &iter) < 0)
        return;
    while (!c->stop && iso_dir_iter_next(iter, &node) == 1) {
        if (ISO_NODE_IS_DIR(node))
            check_dir(c, (IsoDir *)node);
        else if (ISO_NODE_IS_FILE(node))
            check_file(c, (IsoFile *)node);
    }
    iso_dir_iter_free(iter);
}

static int64_t file_sectors(IsoImage *image, IsoDir *dir)
{
    IsoDirIter *iter = NULL;
    IsoNode *node;
    int64_t n = 0;
    char md5[16];
    if (iso_dir_get_children(dir, &iter) < 0)
        return 0;
    while (iso_dir_iter_next(iter, &node) == 1) {
        if (ISO_NODE_IS_DIR(node))
            n += file_sectors(image, (IsoDir *)node);
        else if (ISO_NODE_IS_FILE(node) &&
                 iso_file_get_md5(image, (IsoFile *)node, md5, 0) == 1)
            n += (iso_file_get_size((IsoFile *)node) + 2047) / 2048;
    }
    iso_dir_iter_free(iter);
    return n;
}

/* long function: one libisofs import and check protocol (open, data
 * source, import, session tag, files, verdict) with one cleanup path. */
int dw_build_check_md5(const char *source, const struct dw_callbacks *cb,
                       struct dw_build_md5_check *res, struct dw_error_detail *err)
{
    struct dw_build_md5_check local;
    struct drive_source *ds = NULL;
    struct check_ctx *c = NULL;
    IsoDataSource *src = NULL; /* heap: libisofs frees it at the last unref */
    IsoImage *image = NULL;
    IsoReadOpts *ro = NULL;
    IsoReadImageFeatures *features = NULL;
    int rc = 0, irc;
    bool lib = false;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!res)
        res = &local;
    memset(res, 0, sizeof(*res));
    res->session_start_lba = res->session_end_lba = -1;
    if (!source)
        return dw__set_error(err, DW_EINVAL, "dw_build_check_md5: no source");
    int32_t start = 0;
    if (!(c = calloc(1, sizeof(*c)))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = dw__build_drive_source(source, &src, &start, err)) != 0)
        goto out;
    ds = src->data;
    if ((rc = dw__build_lib_get(err)) != 0)
        goto out;
    lib = true;
    const struct dw_disc *disc = dw_drive_disc(ds->d);
    bool has_data = !disc || disc->track_count == 0;
    for (int i = 0; disc && i < disc->track_count; i++)
        has_data = has_data || dw_track_is_data(&disc->tracks[i]);
    if (!has_data) {
        rc = dw__set_error(err, DW_EMEDIUM,
                           "'%s' has no data track, so no ISO 9660 volume with MD5 tags: "
                           "verify it against its image (verify SOURCE IMAGE)",
                           source);
        goto out;
    }
    if ((irc = iso_image_new("CHECK", &image)) < 0 ||
        (irc = iso_read_opts_new(&ro, 0)) < 0) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    iso_read_opts_set_start_block(ro, (uint32_t)start);
    iso_read_opts_set_no_aaip(ro, 0); /* the MD5 array is found through AAIP (isofs.ca) */
    iso_read_opts_set_no_md5(ro, 2);  /* load the file MD5s; the tags are checked below */
    iso_read_opts_set_no_joliet(ro, 1);
    iso_read_opts_set_no_iso1999(ro, 1);
    if ((irc = iso_image_import(image, src, ro, &features)) < 0) {
        dw__build_drain_messages(NULL, cb);
        rc = dw__set_error(err, ds->bad_lba >= 0 ? DW_EREAD : DW_EPARSE,
                           "cannot read the ISO 9660 volume of '%s' at LBA %d: %s",
                           source, start, iso_error_to_msg(irc));
        if (err && ds->bad_lba >= 0)
            err->lba = ds->bad_lba;
        goto out;
    }
    dw__build_drain_messages(NULL, cb);
    uint32_t s_lba = 0, e_lba = 0;
    char want[16], got[16];
    c->image = image;
    c->cb = cb;
    c->res = res;
    c->p = (struct dw_progress){
        .phase = "verify", .sector_bytes = 2048, .buffer_fill_percent = -1};
    irc = iso_image_get_session_md5(image, &s_lba, &e_lba, want, 0);
    IsoDir *root = iso_image_get_root(image);
    c->p.total_sectors = file_sectors(image, root);
    if (irc == 1) {
        res->session_tag = true;
        res->session_start_lba = (int32_t)s_lba;
        res->session_end_lba = (int32_t)e_lba;
        c->p.total_sectors += e_lba - s_lba;
        void *ctx = NULL;
        if (iso_md5_start(&ctx) < 0) {
            rc = dw__set_error(err, DW_ENOMEM, "out of memory");
            goto out;
        }
        bool readable = true;
        for (uint32_t lba = s_lba; lba < e_lba && readable; lba++) {
            if (ds_read_block(src, lba, c->buf) != 1) {
                readable = false;
                break;
            }
            iso_md5_compute(ctx, (char *)c->buf, 2048);
            c->p.done_sectors++;
            if ((c->p.done_sectors & 255) == 0 && progress(c))
                break;
        }
        iso_md5_end(&ctx, got);
        if (c->stop) {
            rc = dw__set_error(err, DW_EABORTED, "check of '%s' stopped", source);
            goto out;
        }
        res->session_unreadable = !readable;
        res->session_match = readable && iso_md5_match(want, got);
    }
    check_dir(c, root);
    if (c->stop) {
        rc = dw__set_error(err, DW_EABORTED, "check of '%s' stopped", source);
        goto out;
    }
    if (!res->session_tag && res->files_with_md5 == 0)
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' has no MD5 tags (made without --md5): verify it against "
                           "its image instead",
                           source);
    else if (res->files_mismatch ||
             (res->session_tag && !res->session_match && !res->session_unreadable))
        rc = dw__set_error(
            err, DW_EMISMATCH,
            "'%s' does not match its MD5 tags: %lld of %lld files differ%s", source,
            (long long)res->files_mismatch, (long long)res->files_with_md5,
            res->session_tag && !res->session_match ? ", the session differs" : "");
    else if (res->files_unreadable || res->session_unreadable)
        rc =
            dw__set_error(err, DW_EREAD,
                          "'%s': %lld files%s could not be read to the end: not verified",
                          source, (long long)res->files_unreadable,
                          res->session_unreadable ? " and the session" : "");
out:
    if (features)
        iso_read_image_features_destroy(features);
    if (ro)
        iso_read_opts_free(ro);
    if (image)
        iso_image_unref(image);
    if (src)
        iso_data_source_unref(src);
    if (lib)
        dw__build_lib_put();
    free(c);
    return rc;
}
