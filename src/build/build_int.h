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
};

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
