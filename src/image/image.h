/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include <stdio.h>
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
    /* Subchannel the image stores for these sectors (CloneCD .sub, an MDF
     * or CHD with P-W): when has_sub, sector i's 96 bytes of P-W are at
     * sub_offset_bytes + i * sub_stride_bytes in file sub_file (which may
     * be `file` itself, e.g. 2352 + 96 at a 2448-byte stride), interleaved
     * as MMC READ CD returns raw P-W (sub_packed false) or de-interleaved,
     * 12 bytes a channel P first, as CloneCD .sub files hold it (sub_packed
     * true).  Without it the drive serves the P-W a pressed disc with the
     * image's layout carries (dw_disc_synth_pw). */
    bool has_sub;
    bool sub_packed;
    int sub_file;
    uint64_t sub_offset_bytes;
    uint32_t sub_stride_bytes;
};

/* A file whose bytes come from a decoder rather than straight from the
 * disk: the decoded content of a CHD, CSO/ZSO, DMG, ECM or gz/xz file.
 * Spans address it by byte offset like any file; drive_image.c reads it
 * through pread instead of pread(2).
 *
 * pread: fill buf with exactly `bytes` bytes of the decoded content from
 * byte `offset`.  Returns 0, DW_ETRUNC when the range passes the decoded
 * size, DW_EIO for a read error of the underlying file, DW_EMISMATCH for
 * content whose checksum is wrong (a damaged hunk or block; the message
 * names the file and the byte or LBA range), DW_EPARSE for data that does
 * not decode, DW_ENOMEM; err->message says which and what to do.  Called
 * from one thread at a time per context (an image drive is not shared).
 * close: free ctx (NULL ctx is not passed). */
struct dw__vfile_ops {
    const char *name; /* "chd", "cso", ...: for messages */
    int (*pread)(void *ctx, void *buf, size_t bytes, uint64_t offset,
                 struct dw_error_detail *err);
    void (*close)(void *ctx);
};

struct dw__image_file {
    char *path;              /* resolved path, owned */
    uint64_t size_bytes;     /* bytes on disk, or decoded bytes when vops */
    /* NULL: a plain file read with pread(2).  Else the decoder of the
     * file's content; vctx is owned by the image (dw__image_free closes
     * it).  Set them with dw__image_add_vfile. */
    const struct dw__vfile_ops *vops;
    void *vctx;
};

struct dw__image {
    struct dw_disc *disc;     /* owned */
    struct dw__image_file *files;
    int file_count;
    struct dw__span *spans;   /* sorted by lba, non-overlapping */
    int span_count;
    char format[8];           /* "cue", "toc", "nrg", "iso" */
    char kind[17];            /* finer: "ISO 9660 + UDF", "raw 2048-byte"; may be ""
                                 (the size of dw_drive_info.model) */
    char *warnings;           /* owned; "" or lines ending in '\n' */
    bool dvd;                 /* the image is of a DVD (a DVD .mds): the drive
                                 reports a DVD-ROM, not a CD */
};

/* Size limits every reader enforces.
 *
 * A CD's absolute time (Q sub-channel, IEC 60908 §17; ECMA-130 cl. 22)
 * has two BCD digits of minutes, so its last sector is at 99:59:74 at the
 * latest, LBA 449849, and a layout ends (its lead-out LBA) at 449850 at
 * the latest: 100 minutes including the 2-second pregap.  Cue sheets,
 * cdrdao TOC files and NRG images describe CDs.
 *
 * ISO images are user data of any medium; the largest is the BD-R XL of
 * 128 GB, 62,500,864 sectors of 2048 bytes (BD Part 1). */
#define DW__CD_MAX_LEADOUT_LBA 449850
#define DW__MAX_MEDIUM_SECTORS 62500864LL

/* Refuse a CD layout that ends past DW__CD_MAX_LEADOUT_LBA: DW_ERANGE with
 * a message naming `name`, the lead-out LBA and its time; 0 when it fits.
 * leadout_lba is 64 bits so that a sum that would overflow an int32 can be
 * checked before it is stored. */
int dw__image_check_cd_leadout(const char *name, int64_t leadout_lba,
                               struct dw_error_detail *err);

/* What a file that is not a regular file is, for messages: "a FIFO (named
 * pipe)", "a directory", "a socket", "a character device", "a block
 * device"; "a special file" for anything else. */
const char *dw__file_kind(unsigned mode);

/* Open path for reading without blocking: O_NONBLOCK first, so that a FIFO
 * (or a character device) named as an image fails at once instead of
 * waiting for a writer, then fstat: a regular file, or a block device when
 * allow_block is true, is accepted and O_NONBLOCK is cleared again.
 * On success *fd is the descriptor (the caller closes it) and *size_bytes
 * the file's size (a block device's from lseek).  Errors: DW_ENOENT,
 * DW_EACCES and others from errno, with "cannot open 'path'"; DW_EINVAL
 * for any other kind of file, saying what it is. */
int dw__image_open_file(const char *path, bool allow_block, int *fd, uint64_t *size_bytes,
                        struct dw_error_detail *err);

/* dw__image_open_file for stdio: *fp is a regular file opened "rb"
 * without blocking on a FIFO (the caller fcloses it), or NULL and the
 * error is returned.  *size_bytes (may be NULL) gets its size. */
int dw__image_fopen(const char *path, FILE **fp, uint64_t *size_bytes,
                    struct dw_error_detail *err);

/* Free an image and everything it owns; NULL is a no-op. */
void dw__image_free(struct dw__image *img);

/* Append a file / span; return its index or DW_ENOMEM. */
int dw__image_add_file(struct dw__image *img, const char *path, uint64_t size_bytes);
/* Add a decoded file (see struct dw__vfile_ops): path names the file on
 * disk (for messages and dw_drive_file), decoded_bytes is the size of its
 * decoded content.  Takes ownership of ctx, also on failure (closed).
 * Returns the file index or DW_ENOMEM. */
int dw__image_add_vfile(struct dw__image *img, const char *path, uint64_t decoded_bytes,
                        const struct dw__vfile_ops *ops, void *ctx);
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
/* CloneCD (ccd.c): path is the .ccd; NAME.img and NAME.sub are found next
 * to it (the .sub may be missing: a warning, the sub-channel is then
 * synthesised).  Also DW_EUNSUPPORTED for DataTracksScrambled=1. */
int dw__ccd_read(const char *path, struct dw__image **out, struct dw_error_detail *err);
/* Alcohol 120% MDS 1.x (mds.c): path is the .mds; its .mdf is the file
 * its footer names, next to it. */
int dw__mds_read(const char *path, struct dw__image **out, struct dw_error_detail *err);

/* The ISO reader refuses a file without an ISO 9660 or UDF volume
 * recognition area at sector 16 (DW_EUNSUPPORTED) unless flags has
 * DW__ISO_RAW: then any file of 2048-byte sectors is read (stdio: drives,
 * dw_drive_open with DW_DRIVE_OPEN_RAW_ISO).  Block devices are accepted.
 * Also DW_ERANGE for a file larger than the largest disc. */
#define DW__ISO_RAW 0x1u
int dw__iso_read(const char *path, unsigned flags, struct dw__image **out,
                 struct dw_error_detail *err);

/* dw__iso_read for decoded content (a CSO, ZSO, DMG, iso.gz ...): the ISO
 * volume is the decoded_bytes bytes ops->pread gives from ctx, which this
 * takes (closed on failure too).  format goes to img->format ("cso").
 * Errors as dw__iso_read's, and the decoder's. */
int dw__iso_read_vfile(const char *path, uint64_t decoded_bytes, const char *format,
                       unsigned flags, const struct dw__vfile_ops *ops, void *ctx,
                       struct dw__image **out, struct dw_error_detail *err);

/* What the volume recognition area of an ISO image says (ECMA-119 8,
 * ECMA-167 2/8.3; see iso.c). */
struct dw__iso_volume {
    bool iso9660;            /* an ISO 9660 descriptor set with a primary descriptor */
    bool udf;                /* a UDF recognition sequence: BEA01, then NSR02 or NSR03 */
    uint64_t volume_sectors; /* primary descriptor's volume space size, 0 when absent
                                or its two byte orders disagree */
    unsigned block_bytes;    /* its logical block size, 0 likewise */
    char volume_id[33];      /* its volume identifier, trailing blanks cut, '?' for
                                bytes that are not printable ASCII */
};

/* Parse the volume recognition area from bytes that start at byte 32768 of
 * the image (sector 16); bytes may be any length (only whole 2048-byte
 * descriptors are looked at).  Returns 0 when an ISO 9660 set (starting at
 * sector 16, with a primary descriptor) or a UDF sequence is found,
 * DW_EUNSUPPORTED when neither is.  *vol is always filled.  Pure: no I/O. */
int dw__iso_volume_parse(const uint8_t *buf, size_t bytes, struct dw__iso_volume *vol);

/* NRG from memory (for tests and fuzzing): data is the whole image file,
 * len bytes, named path in messages and in the image's file table. */
int dw__nrg_parse(const uint8_t *data, size_t len, const char *path, struct dw__image **out,
                  struct dw_error_detail *err);

/* ------------------------------------------------------------------ */
/* Recognition by content (sniff.c)                                    */

enum dw__image_format {
    DW_IMAGE_UNKNOWN = 0,
    /* read */
    DW_IMAGE_CUE,
    DW_IMAGE_TOC,
    DW_IMAGE_NRG,
    DW_IMAGE_ISO,
    /* recognised, refused with their name */
    DW_IMAGE_RAW_CD,  /* 2352-byte sectors with a sync pattern: a bin without its cue */
    DW_IMAGE_CHD,     /* MAME "MComprHD" */
    DW_IMAGE_CSO,     /* "CISO" */
    DW_IMAGE_ZSO,     /* "ZISO" */
    DW_IMAGE_ECM,     /* "ECM\0" */
    DW_IMAGE_DMG,     /* Apple UDIF "koly" trailer */
    DW_IMAGE_CCD,     /* CloneCD "[CloneCD]": read (ccd.c) */
    DW_IMAGE_MDS,     /* Alcohol 120% "MEDIA DESCRIPTOR": read (mds.c) */
    DW_IMAGE_GZIP,
    DW_IMAGE_XZ,
    DW_IMAGE_BZIP2,
    DW_IMAGE_ZSTD,
    DW_IMAGE_ZIP,
    DW_IMAGE_7Z,
    DW_IMAGE_WAVE,    /* a RIFF WAVE file: audio for a cue sheet, not an image */
    DW_IMAGE_FORMAT_COUNT
};

/* How many bytes of the start and of the end of a file dw__image_sniff
 * reads: the start holds the ISO/UDF recognition area (sectors 16-31). */
#define DW__SNIFF_HEAD_BYTES 65536
#define DW__SNIFF_TAIL_BYTES 512

/* The format of a file from its content: head holds its first head_bytes
 * bytes (up to DW__SNIFF_HEAD_BYTES), tail its last tail_bytes (up to
 * DW__SNIFF_TAIL_BYTES; tail and head may overlap or be the same bytes
 * for a small file), file_bytes is its size.  name (may be NULL) is used
 * only to break ties: a file that nothing in its content places (text
 * that is neither clearly a cue sheet nor clearly a cdrdao TOC file,
 * UTF-16, garbage) is taken for a cue sheet, TOC or CloneCD file by its
 * extension, so that the parser can say what is wrong with it.  Pure. */
enum dw__image_format dw__image_sniff_bytes(const uint8_t *head, size_t head_bytes,
                                            const uint8_t *tail, size_t tail_bytes,
                                            uint64_t file_bytes, const char *name);

/* What a format is, for messages: "cue sheet", "MAME CHD image", ... */
const char *dw__image_format_name(enum dw__image_format format);

/* The verdict on a sniffed file: 0 for a format discwright reads, else
 * DW_EUNSUPPORTED with err->message naming path and what it is ("'x.chd'
 * is a MAME CHD image, which discwright cannot read yet; it reads ..."),
 * or, for DW_IMAGE_UNKNOWN, what it starts with (head: its first
 * head_bytes bytes).  Pure. */
int dw__image_sniff_verdict(const char *path, enum dw__image_format format,
                            const uint8_t *head, size_t head_bytes, uint64_t file_bytes,
                            struct dw_error_detail *err);

/* Open path without blocking (dw__image_open_file: a FIFO or device fails
 * at once), read its start and end and sniff it.  *format is set whenever
 * the file could be read.  Returns 0 for a format discwright reads, else
 * the verdict's DW_EUNSUPPORTED with its message, or the open/read error. */
int dw__image_sniff(const char *path, enum dw__image_format *format,
                    struct dw_error_detail *err);

/* Open an image file by its content: sniff it, then run the reader of its
 * format.  flags: DW__IMAGE_RAW_ISO reads a file no check recognises as
 * 2048-byte sectors (the ISO reader with DW__ISO_RAW); DW__IMAGE_STDIO
 * does so for any file, without sniffing (libburn's stdio: drives hold
 * 2048-byte sectors whatever they are).  Errors as the sniffer's and the
 * readers'. */
#define DW__IMAGE_RAW_ISO 0x1u
#define DW__IMAGE_STDIO 0x2u
int dw__image_open(const char *path, unsigned flags, struct dw__image **out,
                   struct dw_error_detail *err);

/* Parse from memory (for tests and fuzzing): text of len bytes, named path
 * for messages and for resolving FILE names.  When check_files is false,
 * FILE names are not resolved nor stat'ed and file sizes are taken as
 * unknown (the last track of each file then gets length 0 unless a later
 * FILE starts), so syntax can be tested without data files. */
int dw__cue_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err);
int dw__toc_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err);
/* A .ccd from memory; without check_files the .img and .sub are neither
 * looked for nor read (the span map then addresses file 0, path itself,
 * as if it were the .img, and every data track is Mode 1 or 2 as its MODE
 * says). */
int dw__ccd_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err);
/* An .mds from memory (data, len bytes); without check_files the data
 * file is not looked for, its size is taken as mdf_bytes, and the image's
 * file 0 is path itself. */
int dw__mds_parse(const uint8_t *data, size_t len, const char *path, bool check_files,
                  uint64_t mdf_bytes, struct dw__image **out, struct dw_error_detail *err);

#endif
