/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: containers around an image's bytes -- CSO/ZSO
 * (cso.c), ECM (ecm.c), Apple UDIF (dmg.c), gzip and xz streams
 * (zstream.c).  Each decoder opens a file and presents its decoded content
 * as a struct dw__vfile_ops (image.h): the ISO reader or the cue reader
 * then serve sectors from it like from a plain file. */
#ifndef DW_IMAGE_CONTAINER_H
#define DW_IMAGE_CONTAINER_H

#include <stdint.h>
#include <stddef.h>
#include "image/image.h"

/* A decoded file: ops->pread(ctx, ...) gives its `bytes` decoded bytes.
 * ctx is owned by whoever holds the struct (close it with ops->close or
 * hand it to dw__image_add_vfile). */
struct dw__decoded {
    const struct dw__vfile_ops *ops;
    void *ctx;
    uint64_t bytes;
};

/* Open path as a decoder of its container.  Each checks the structure it
 * has (CSO header and index, ECM record table, DMG koly block and blkx
 * tables, xz stream headers and index); gzip and ECM files are decoded
 * once at open too (their size; gzip's CRC-32s, ECM's whole-file EDC).
 * Returns 0 with *out filled, or DW_EPARSE (a malformed container),
 * DW_ETRUNC (shorter than its structure says), DW_EUNSUPPORTED (a variant
 * not read: the message says which and what to do), DW_ERANGE (a decoded
 * size larger than the largest disc), DW_ENOMEM, or an open/read error;
 * err->message names path. */
int dw__cso_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err);
int dw__ecm_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err);
int dw__dmg_open(const char *path, struct dw__decoded *out, struct dw_error_detail *err);
int dw__zstream_open(const char *path, enum dw__image_format format, struct dw__decoded *out,
                     struct dw_error_detail *err);

/* Read an image in a container (format one of DW_IMAGE_CSO, _ZSO, _ECM,
 * _DMG, _GZIP, _XZ as dw__image_sniff found it; see docs/formats.md): the ISO reader over the
 * decoded bytes, with iso_flags (DW__ISO_RAW).  An ECM, or a gz/xz that
 * holds no ISO, is refused with a message that says to open its cue
 * sheet.  Errors as the decoder's and dw__iso_read's. */
int dw__container_read(const char *path, enum dw__image_format format, unsigned iso_flags,
                       struct dw__image **out, struct dw_error_detail *err);

/* Whether img is an ISO image (one data track of 2048-byte sectors from
 * LBA 0), plain ("iso") or decoded from a container ("cso", "iso.gz",
 * ...): the image drive presents it as an "ISO image file", not a CD. */
bool dw__image_holds_iso(const struct dw__image *img);

/* For a data file named by a cue sheet: when path is an ECM, gzip or xz
 * file, open its decoder (*out filled, return 1); for any other file
 * return 0 and leave *out zeroed.  Errors as dw__*_open's. */
int dw__container_open_data(const char *path, struct dw__decoded *out,
                            struct dw_error_detail *err);

/* A FILE name of a description file that is not there, found with the
 * suffix of a container: NAME.ecm, NAME.gz or NAME.xz, in that order, as
 * dw__image_resolve_file finds files.  DW_ENOENT when none is. */
int dw__container_resolve(const char *desc_path, const char *name, char **out,
                          bool *case_differs);

/* pread(2) until `bytes` bytes or the end of the file: *got bytes read.
 * Returns 0 or an errno value. */
int dw__pread_full(int fd, void *buf, size_t bytes, uint64_t offset, size_t *got);

#endif
