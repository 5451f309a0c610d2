/* discwright internal: image readers (cue, cdrdao TOC, NRG, ISO).
 *
 * Each reader turns a description file into a dw_disc plus a span map: which
 * LBAs live in which file at which byte offset, with what on-file layout.
 * The image drive backend (src/drive/drive_image.c) serves raw sectors from
 * that map.  Readers never read sector payloads; they only stat files.
 */
#ifndef DW_IMAGE_H
#define DW_IMAGE_H

#include <stdint.h>
#include <stdbool.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "errors_int.h"

/* How one sector of a span is stored in its file. */
enum dw__span_layout {
    DW_SPAN_RAW = 0,     /* 2352 bytes as on disc; audio little-endian */
    DW_SPAN_AUDIO_BE,    /* 2352 bytes of audio, big-endian (MOTOROLA) */
    DW_SPAN_MODE1_2048,  /* 2048 bytes of Mode 1 user data */
    DW_SPAN_MODE2_2336,  /* 2336 bytes: Mode 2 sector after the header */
    DW_SPAN_FORM1_2048,  /* 2048 bytes of Mode 2 Form 1 user data */
    DW_SPAN_ZERO         /* not on file: silence / empty sectors */
};

struct dw__span {
    int32_t lba;             /* first disc LBA of the span */
    int32_t sectors;         /* sector count */
    int file;                /* index into image->files, -1 for DW_SPAN_ZERO */
    uint64_t offset_bytes;   /* byte offset of the first sector in the file */
    uint32_t stride_bytes;   /* bytes from one sector to the next on file
                                (sector payload + any subchannel) */
    enum dw__span_layout layout;
    int track;               /* track number the span belongs to */
};

struct dw__image_file {
    char *path;              /* resolved path, owned */
    uint64_t size_bytes;
};

struct dw__image {
    struct dw_disc *disc;     /* owned */
    struct dw__image_file *files;
    int file_count;
    struct dw__span *spans;   /* sorted by lba, non-overlapping */
    int span_count;
    char format[8];           /* "cue", "toc", "nrg", "iso" */
    char *warnings;           /* owned; "" or lines ending in '\n' */
};

/* Free an image and everything it owns; NULL is a no-op. */
void dw__image_free(struct dw__image *img);

/* Append a file / span; return its index or DW_ENOMEM. */
int dw__image_add_file(struct dw__image *img, const char *path, uint64_t size_bytes);
int dw__image_add_span(struct dw__image *img, const struct dw__span *span);

/* Append a printf-formatted warning line to img->warnings. */
void dw__image_warn(struct dw__image *img, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Resolve a FILE name from a description file: relative to the directory of
 * desc_path; if missing, a case-insensitive match in that directory.  On
 * success *out is a malloc'd path and *was_renamed tells whether the case
 * differed.  DW_ENOENT when nothing matches. */
int dw__image_resolve_file(const char *desc_path, const char *name, char **out,
                           bool *case_differs);

/* Readers.  Each returns 0 and a new image in *out (caller frees with
 * dw__image_free), or a DW_E* code with err->message naming the file and
 * line ("'disc.cue' line 7: ...").
 *   DW_ENOENT  the description or a file it names does not exist
 *   DW_EPARSE  malformed description
 *   DW_ETRUNC  a data file is shorter than the description says
 *   DW_ENOMEM */
int dw__cue_read(const char *path, struct dw__image **out, struct dw_error_detail *err);
int dw__toc_read(const char *path, struct dw__image **out, struct dw_error_detail *err);
int dw__nrg_read(const char *path, struct dw__image **out, struct dw_error_detail *err);
int dw__iso_read(const char *path, struct dw__image **out, struct dw_error_detail *err);

/* Parse from memory (for tests and fuzzing): text of len bytes, named path
 * for messages and for resolving FILE names.  When check_files is false,
 * FILE names are not resolved nor stat'ed and file sizes are taken as
 * unknown (the last track of each file then gets length 0 unless a later
 * FILE starts), so syntax can be tested without data files. */
int dw__cue_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err);
int dw__toc_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err);

#endif
