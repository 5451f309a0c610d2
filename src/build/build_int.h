/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the build layer's tree (include/discwright/build.h),
 * shared by the files of src/build. */
#ifndef DW_BUILD_INT_H
#define DW_BUILD_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <libburn/libburn.h> /* struct burn_source, which libisofs produces */
#include <libisofs/libisofs.h>
#include "discwright/build.h"

struct dw_build {
    IsoImage *image;           /* the tree, owned (iso_image_unref) */
    struct dw_build_opts opts; /* a copy; its strings are the caller's and
                                  must live as long as the build */
    struct dw_build_result result;
    char *system_area;      /* 32768 bytes of isohybrid MBR, or NULL */
    bool nowtime_set;       /* iso_nowtime override in effect */
    bool written;           /* the tree went into a write already */
    char lib_message[1024]; /* libisofs's last FAILURE-class message */
    char stream_md5[33];    /* dw_build_burn: MD5 (hex) of what libburn read */
    int64_t stream_bytes;   /* and how many bytes, -1 before */
    bool replace;           /* appending: a source replaces an imported file
                               of the same path (else DW_EEXIST) */
    struct dw__build_append *append; /* build_append.c: the session to add,
                                        NULL for a fresh image */
};

/* Called by dw__build_new_ex after the image is made and before the
 * sources are added (build_append.c imports the previous session here). */
typedef int (*dw__build_prepare_fn)(struct dw_build *b, void *arg,
                                    struct dw_error_detail *err);

/* dw_build_new with a prepare step (NULL: none). */
int dw__build_new_ex(const char *const *sources, size_t path_count,
                     const struct dw_build_opts *opts, dw__build_prepare_fn prepare,
                     void *prepare_arg, struct dw_build **out, struct dw_error_detail *err);

/* An IsoDataSource reading 2048-byte sectors of the drive or image at
 * address with dw_drive_read_user (a read-ahead of 32 sectors; build_check.c).
 * The drive is opened now (errors as dw_drive_open) and *start_lba (may
 * be NULL) gets the first LBA of the newest session's data track (0 in a
 * file).  dw__build_drive_source_idle closes the drive (so that libburn
 * can take it); the next read opens it again.  The caller drops the
 * source with iso_data_source_unref; the last unref closes the drive. */
int dw__build_drive_source(const char *address, IsoDataSource **out,
                           int32_t *start_lba, struct dw_error_detail *err);
void dw__build_drive_source_idle(IsoDataSource *src);
/* build_append.c: free what dw_build_new_append set up (NULL is a no-op);
 * the libisofs options for the new session (appendable, ms_block, the
 * overwrite buffer); the burn of the stream as that session. */
struct dw__build_append;
void dw__build_append_free(struct dw__build_append *a);
int dw__build_append_opts(struct dw_build *b, IsoWriteOpts *wo);
int dw__build_append_burn(struct dw_build *b, struct burn_source *src, int64_t bytes,
                          const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                          struct dw_burn_result *result, struct dw_error_detail *err);

/* The first sector that could not be read, -1 */
int32_t dw__build_drive_source_bad_lba(IsoDataSource *src);

/* libisofs's process-wide start (iso_init, UTF-8 names, messages queued,
 * never printed), counted: every get is paired with a put. */
int dw__build_lib_get(struct dw_error_detail *err);
void dw__build_lib_put(void);

/* libisofs write options for b's flags (level 3, Rock Ridge, Joliet,
 * ISO 9660:1999, hard links, MD5 tags, fixed times, system area); the
 * caller frees *wo with iso_write_opts_free. */
int dw__build_write_opts(struct dw_build *b, IsoWriteOpts **wo,
                         struct dw_error_detail *err);

/* Move libisofs's queued messages to cb's log (cb may be NULL); an error
 * message is kept in b->lib_message. */
void dw__build_drain_messages(struct dw_build *b, const struct dw_callbacks *cb);

#endif
