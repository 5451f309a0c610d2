/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Build mode, appending: a new session on a disc that holds one (ECMA-119
 * multi-session as xorriso and growisofs -M write it).  The newest
 * session's tree is imported with libisofs (through build_check.c's
 * drive data source), the new sources are added over it (a file at the
 * same path replaces the old one), and libisofs writes only what is new,
 * with directory records that point at the old files where they are:
 *   sequential media (CD-R/RW, DVD-R/RW, DVD+R, BD-R): a new session at
 *   the next writable address (libisofs iso_write_opts_set_ms_block);
 *   overwritable media (DVD+RW, BD-RE, DVD-RW restricted overwrite,
 *   stdio: files): the new tree after the end of the volume, rounded up
 *   to 32 sectors, then the volume descriptors of the grown volume over
 *   the first 64 KiB (iso_write_opts_set_overwrite_buf), so the medium
 *   mounts with the new tree and keeps one session. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build/build_int.h"
#include "discwright/burn.h"
#include "errors_int.h"

#define HEAD_BYTES (32 * 2048) /* system area and volume descriptors */
#define GROW_ALIGN_SECTORS 32  /* a BD cluster, two DVD ECC blocks */

struct dw__build_append {
    const char *drive;     /* the caller's string */
    struct dw_burn_medium m;
    IsoDataSource *src;    /* the drive, while the imported tree lives */
    struct dw_build_append_info info;
    uint8_t *head;         /* overwritable media: the new first 64 KiB */
    bool *taken;           /* the caller's: b->append holds it now (then
                              dw_build_free frees it, also on failure) */
};

/* The volume space size (ECMA-119 8.4.8) of the ISO 9660 volume whose
 * primary volume descriptor is at LBA 16, or 0 when there is none. */
static int64_t volume_sectors(IsoDataSource *src)
{
    uint8_t pvd[2048];
    if (src->read_block(src, 16, pvd) != 1 || pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5))
        return 0;
    return (int64_t)pvd[80] | (int64_t)pvd[81] << 8 | (int64_t)pvd[82] << 16 |
           (int64_t)pvd[83] << 24;
}

/* dw__build_new_ex's prepare step: probe the medium, import its newest
 * tree. */
static int prepare(struct dw_build *b, void *arg, struct dw_error_detail *err)
{
    struct dw__build_append *a = arg;
    IsoReadOpts *ro = NULL;
    IsoReadImageFeatures *features = NULL;
    int32_t start = 0;
    int rc, irc;
    b->append = a; /* dw_build_free frees it from here on */
    *a->taken = true;
    if ((rc = dw_burn_medium_probe(a->drive, &a->m, err)) != 0)
        return rc;
    a->info.profile = a->m.profile;
    memcpy(a->info.profile_name, a->m.profile_name, sizeof(a->info.profile_name));
    a->info.free_bytes = a->m.free_bytes;
    switch (a->m.status) {
    case DW_BURN_MEDIUM_EMPTY:
        return dw__set_error(err, DW_ENOMEDIUM, "no medium in '%s': insert a writable disc",
                             a->drive);
    case DW_BURN_MEDIUM_OTHER:
        return dw__set_error(err, DW_EMEDIUM,
                             "the medium in '%s' (%s) cannot be written by this drive: use "
                             "a CD-R, DVD±R, BD-R or a rewritable disc",
                             a->drive, a->m.profile_name[0] ? a->m.profile_name : "unknown");
    case DW_BURN_MEDIUM_CLOSED:
        if (!a->m.overwritable)
            return dw__set_error(err, DW_EMEDIUM,
                                 "the disc in '%s' (%s) is closed: no session can be added "
                                 "to it; use a blank disc",
                                 a->drive, a->m.profile_name);
        break;
    default:
        break;
    }
    if (!a->m.overwritable) {
        if (a->m.next_lba < 0)
            return dw__set_error(err, DW_EMEDIUM,
                                 "the disc in '%s' (%s) tells no address for a new session: "
                                 "it cannot be appended to",
                                 a->drive, a->m.profile_name);
        a->info.session_lba = a->m.next_lba;
        if (a->m.status == DW_BURN_MEDIUM_BLANK)
            return 0; /* the first session: nothing to import */
    } else if (!strncmp(a->drive, "stdio:", 6) && access(a->drive + 6, F_OK) != 0) {
        return 0; /* a new stdio: file */
    }
    if ((rc = dw__build_drive_source(a->drive, &a->src, &start, err)) != 0)
        return rc;
    if (a->m.last_session_lba >= 0)
        start = a->m.last_session_lba; /* libburn knows DVD and BD sessions too */
    if (a->m.overwritable) {
        int64_t sectors = volume_sectors(a->src);
        if (sectors <= 0) {
            /* no ISO 9660 volume: written from LBA 0 like a blank medium */
            dw__build_drive_source_idle(a->src);
            return 0;
        }
        start = 0; /* the volume descriptors at 16 lead to the newest tree */
        a->info.grown = true;
        a->info.session_lba =
            (int32_t)((sectors + GROW_ALIGN_SECTORS - 1) / GROW_ALIGN_SECTORS *
                      GROW_ALIGN_SECTORS);
        if (!(a->head = calloc(1, HEAD_BYTES)))
            return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    if ((irc = iso_read_opts_new(&ro, 0)) < 0)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    iso_read_opts_set_start_block(ro, (uint32_t)start);
    iso_read_opts_set_no_joliet(ro, 1);  /* Joliet is made anew from the tree */
    iso_read_opts_set_no_iso1999(ro, 1);
    iso_read_opts_set_no_aaip(ro, 0);    /* ACLs, xattr and the files' MD5 index */
    iso_read_opts_set_no_md5(ro, 2);     /* keep the files' MD5s, tags not checked */
    irc = iso_image_import(b->image, a->src, ro, &features);
    iso_read_opts_free(ro);
    dw__build_drain_messages(b, NULL);
    if (irc < 0) {
        int32_t bad = dw__build_drive_source_bad_lba(a->src);
        rc = dw__set_error(err, bad >= 0 ? DW_EREAD : DW_EPARSE,
                           "cannot read the ISO 9660 volume of the last session of '%s' "
                           "at LBA %d (%s): a disc without one cannot be appended to%s%s",
                           a->drive, start, iso_error_to_msg(irc),
                           b->lib_message[0] ? "; " : "", b->lib_message);
        if (err && bad >= 0)
            err->lba = bad;
        return rc;
    }
    if (features)
        iso_read_image_features_destroy(features);
    a->info.imported = true;
    a->info.import_lba = start;
    /* The import took the old volume's ids: the caller's win. */
    if (b->opts.volid)
        iso_image_set_volume_id(b->image, b->opts.volid);
    if (b->opts.publisher)
        iso_image_set_publisher_id(b->image, b->opts.publisher);
    iso_image_set_application_id(b->image, "DISCWRIGHT");
    b->replace = true;
    /* libburn takes the drive for the burn; a read reopens it. */
    dw__build_drive_source_idle(a->src);
    return 0;
}

int dw_build_new_append(const char *const *sources, size_t path_count,
                        const struct dw_build_opts *opts, const char *drive_address,
                        struct dw_build **out, struct dw_error_detail *err)
{
    struct dw__build_append *a;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!drive_address || !out)
        return dw__set_error(err, DW_EINVAL, "dw_build_new_append: no drive");
    if (!(a = calloc(1, sizeof(*a))))
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    bool taken = false;
    a->drive = drive_address;
    a->taken = &taken;
    a->info.session_lba = 0;
    a->info.import_lba = -1;
    a->info.free_bytes = -1;
    int rc = dw__build_new_ex(sources, path_count, opts, prepare, a, out, err);
    if (!taken)
        free(a); /* dw__build_new_ex failed before the prepare step */
    else if (rc == 0)
        a->taken = NULL; /* b holds a; the local goes out of scope */
    return rc;
}

void dw__build_append_free(struct dw__build_append *a)
{
    if (!a)
        return;
    if (a->src)
        iso_data_source_unref(a->src);
    free(a->head);
    free(a);
}

int dw__build_append_opts(struct dw_build *b, IsoWriteOpts *wo)
{
    struct dw__build_append *a = b->append;
    if (!a->info.imported)
        return 0;
    iso_write_opts_set_appendable(wo, 1);
    iso_write_opts_set_ms_block(wo, (uint32_t)a->info.session_lba);
    if (a->head)
        iso_write_opts_set_overwrite_buf(wo, a->head);
    return 0;
}

int dw__build_append_burn(struct dw_build *b, struct burn_source *src, int64_t bytes,
                          const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                          struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct dw__build_append *a = b->append;
    struct dw_burn_opts o = {0};
    if (opts)
        o = *opts;
    o.flags |= DW_BURN_APPEND;
    return dw_burn_session(src, bytes, "the folder image", a->drive, a->info.session_lba,
                           a->head, a->head ? HEAD_BYTES : 0, &o, cb, result, err);
}

int dw_build_append_info(const struct dw_build *b, struct dw_build_append_info *info)
{
    if (!b || !info || !b->append)
        return DW_EINVAL;
    *info = b->append->info;
    return 0;
}
