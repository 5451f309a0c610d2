/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: build mode, folders and files to an ISO 9660 image.
 *
 * Built on libisofs 1.5 (libisofs/libisofs.h): ECMA-119 (ISO 9660) at
 * interchange level 3 (files of 4 GiB and more as multi-extent files,
 * ECMA-119 6.5.1), Rock Ridge (RRIP 1.12, IEEE P1282) and Joliet names,
 * ISO 9660:1999 (long names), El Torito 1.0 boot records, the libisofs MD5
 * tags (session and per-file checksums, the ones `xorriso -check_md5`
 * verifies) and zisofs file compression (zlib).
 *
 * Thread rules: libisofs keeps a process-wide message queue; dw_build_*
 * calls may run in several threads but each struct dw_build is used by one
 * thread at a time.
 */
#ifndef DISCWRIGHT_BUILD_H
#define DISCWRIGHT_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/errors.h"
#include "discwright/progress.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of struct dw_build_opts.flags. */
#define DW_BUILD_NO_ROCKRIDGE 0x1u /* no Rock Ridge (POSIX names, modes, links) */
#define DW_BUILD_NO_JOLIET 0x2u    /* no Joliet tree (Windows names) */
#define DW_BUILD_MD5 0x4u          /* record session and per-file MD5 tags */
#define DW_BUILD_ZISOFS                                                                  \
    0x8u /* zisofs-compress each file that gets                                          \
            smaller by it (needs Rock Ridge) */
#define DW_BUILD_FIXED_TIME                                                              \
    0x10u /* reproducible: every time the image                                          \
             records that is not a file's own mtime                                      \
             is source_date_epoch, and a file's                                          \
             atime and ctime are its mtime */
#define DW_BUILD_OVERWRITE                                                               \
    0x20u /* dw_build_write_iso: replace an existing                                     \
             output file (else DW_EEXIST) */
#define DW_BUILD_NO_STREAM_MD5                                                           \
    0x40u /* dw_build_burn: take no MD5 of the stream                                    \
             (for a burn that is not read back;                                          \
             dw_build_stream_md5 then gives DW_EINVAL) */

/* Options of a build.  A zero-filled struct (or NULL) means: Rock Ridge,
 * Joliet and ISO 9660:1999 trees, volume id "CDROM", no publisher, no
 * boot records, the current time. */
struct dw_build_opts {
    unsigned flags;              /* DW_BUILD_* above; others must be 0 */
    const char *volid;           /* volume identifier (ECMA-119 8.4.6, at
                                    most 32 characters), NULL = "CDROM" */
    const char *publisher;       /* publisher identifier (8.4.14, at most
                                    128 characters), NULL = none */
    const char *const *excludes; /* glob(7) patterns: a source file or
                                    directory whose path or name matches
                                    is left out (libisofs
                                    iso_tree_add_exclude); may be NULL */
    size_t exclude_count;
    const char *boot_bios;     /* path inside the image of a BIOS boot
                                  image: El Torito no-emulation entry,
                                  load size 4 sectors of 512 bytes,
                                  boot info table patched in at offset 8
                                  (isolinux); NULL = none */
    const char *boot_efi;      /* path inside the image of an EFI system
                                  partition image: a further El Torito
                                  no-emulation entry, platform id 0xEF;
                                  NULL = none */
    const char *boot_catalog;  /* path inside the image of the El Torito
                                  catalog, NULL = "/boot.catalog" */
    const char *isohybrid_mbr; /* file on the host whose first 512 bytes
                                  (an isohybrid MBR such as SYSLINUX's
                                  isohdpfx.bin) become the system area,
                                  patched by libisofs to point at the
                                  BIOS boot image; needs boot_bios */
    int64_t source_date_epoch; /* seconds since 1970 (UTC) for
                                  DW_BUILD_FIXED_TIME, as the
                                  SOURCE_DATE_EPOCH variable gives it */
};

/* What a build wrote. */
struct dw_build_result {
    int64_t image_bytes;  /* bytes of the image (a multiple of 2048) */
    int64_t files;        /* regular files in the tree */
    int64_t directories;  /* directories in the tree, the root included */
    int64_t symlinks;     /* symbolic links in the tree */
    int64_t zisofs_files; /* files stored compressed (DW_BUILD_ZISOFS) */
};

struct dw_build; /* opaque: an ISO tree being built */

/* Make the tree of an image from path_count sources.  Each source is
 *   SOURCE            a directory: its contents go to the image root; a
 *                     file, symlink or special file: it goes to the root
 *                     under its own name;
 *   /TARGET=SOURCE    a graft point: a directory's contents go to the
 *                     image directory /TARGET (made with its parents as
 *                     needed), a file becomes /TARGET ("\=" is a '=' and
 *                     "\\" a '\' in either part).
 * Symbolic links are kept as links (never followed), hard links stay hard
 * links (one inode number in Rock Ridge, one copy of the data).  A name
 * given twice in one directory (two sources with the same file) is
 * DW_EEXIST.  opts may be NULL.  *out gets the tree, which the caller frees
 * with dw_build_free.  Errors: DW_EINVAL (bad options: an unknown flag,
 * DW_BUILD_ZISOFS without Rock Ridge, isohybrid_mbr without boot_bios, a
 * relative TARGET), DW_ENOENT (a SOURCE or boot image missing), DW_EACCES,
 * DW_EEXIST, DW_ENOMEM, DW_ELIB (libisofs refused, its message in err). */
DW_API int dw_build_new(const char *const *sources, size_t path_count,
                        const struct dw_build_opts *opts, struct dw_build **out,
                        struct dw_error_detail *err);

/* Write the image to path, as path.part renamed into place when complete
 * and flushed.  An existing path is refused (DW_EEXIST) unless the build
 * was made with DW_BUILD_OVERWRITE.  Progress is reported with phase
 * "mkiso", 2048-byte sectors; a progress callback that returns non-zero
 * stops the build (DW_EABORTED, path.part removed).  res (may be NULL) is
 * filled.  Errors: DW_EEXIST, DW_ENOSPC, DW_EIO, DW_EACCES, DW_EABORTED,
 * DW_ELIB (libisofs could not read a source file or write the image: err
 * says which).  A tree is written once: a second call is DW_EINVAL. */
DW_API int dw_build_write_iso(struct dw_build *b, const char *path,
                              const struct dw_callbacks *cb, struct dw_build_result *res,
                              struct dw_error_detail *err);

/* Burn the image of the tree to drive_address ("/dev/srN" or
 * "stdio:PATH") as dw_burn_iso burns an ISO file (burn.h: same checks of
 * the medium and the target, progress phase "burn", signals, result and
 * errors), streamed from libisofs into libburn with no temporary file
 * (iso_image_create_burn_source, dw_burn_source).  The MD5 of the stream
 * as libburn read it is kept for dw_build_stream_md5, unless the tree was
 * made with DW_BUILD_NO_STREAM_MD5.  A tree is written once: a second call
 * is DW_EINVAL.  err may be NULL. */
struct dw_burn_opts;
struct dw_burn_result;
DW_API int dw_build_burn(struct dw_build *b, const char *drive_address,
                         const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                         struct dw_burn_result *result, struct dw_error_detail *err);

/* The bytes (a multiple of 2048) of the image dw_build_burn would write
 * for b (for a tree of dw_build_new_append: the new session), computed by
 * libisofs without reading a file (iso_write_opts_set_will_cancel), so
 * that a burn can check the medium's room first.  b stays unwritten.
 * Errors: DW_EINVAL (no tree, or written already), DW_ELIB. */
DW_API int dw_build_image_bytes(struct dw_build *b, int64_t *bytes,
                                struct dw_error_detail *err);

/* After dw_build_burn: the MD5 (32 lowercase hex digits and a NUL) of the
 * bytes libburn read, and their count (may be NULL).  DW_EINVAL when no
 * burn read the stream, or the tree has DW_BUILD_NO_STREAM_MD5. */
DW_API int dw_build_stream_md5(const struct dw_build *b, char md5_hex[33],
                               int64_t *bytes);

/* Read sectors 2048-byte sectors from start_lba of source (a drive or a
 * stdio:/file address, as dw_drive_open takes; a file without a volume
 * descriptor is read as plain sectors) and compare their MD5 with md5_hex
 * (32 hex digits).  Progress phase "verify".  Returns 0 when they match;
 * DW_EMISMATCH when not (the burn is bad); DW_EREAD with err->lba when a
 * sector cannot be read; DW_ENOMEDIUM, DW_ENODRIVE, DW_EABORTED (the
 * progress callback said stop), DW_EINVAL. */
DW_API int dw_build_readback(const char *source, int32_t start_lba, int64_t sectors,
                             const char *md5_hex, const struct dw_callbacks *cb,
                             struct dw_error_detail *err);

/* What dw_build_check_md5 found. */
struct dw_build_md5_check {
    bool session_tag;          /* the session has an MD5 tag */
    bool session_match;        /* ... and its blocks match it */
    bool session_unreadable;   /* a block of the session could not be read */
    int32_t session_start_lba; /* blocks the tag covers: [start, end), -1 if none */
    int32_t session_end_lba;
    int64_t files;             /* regular files in the newest session's tree */
    int64_t files_with_md5;    /* ... that have a recorded MD5 (were checked) */
    int64_t files_mismatch;    /* ... whose content differs from it */
    int64_t files_unreadable;  /* ... that could not be read to the end */
};

/* Check the MD5 tags that DW_BUILD_MD5 records (libisofs
 * iso_write_opts_set_record_md5: a session checksum and one per file, as
 * `xorriso -check_media` and `-check_md5_r` check them) on source, a
 * drive ("/dev/sr0"), "stdio:FILE" or an ISO file, without the image it
 * was made from.  The newest session is read (the first data track of the
 * last session on a disc, LBA 0 in a file) with libisofs through
 * dw_drive_read_user.  Each file whose content differs from its tag, or
 * cannot be read, is named by its path in a DW_LOG_ERROR line through
 * cb->log ("file '/a/b.txt': MD5 differs from its tag").  Progress phase
 * "verify" over the session's blocks and the files' sectors.
 * res (may be NULL) is filled as far as the check got.
 * Returns 0 when the session tag and every file's tag match; DW_EMISMATCH
 * when one does not; DW_EREAD when a file or block could not be read
 * (and nothing mismatched); DW_EUNSUPPORTED when there are no MD5 tags;
 * DW_EPARSE when no ISO 9660 volume is found; DW_EABORTED, DW_ENOMEDIUM,
 * DW_ENODRIVE, DW_ENOENT as dw_drive_open. */
DW_API int dw_build_check_md5(const char *source, const struct dw_callbacks *cb,
                              struct dw_build_md5_check *res, struct dw_error_detail *err);

/* ---- multi-session ------------------------------------------------------ */

/* What dw_build_new_append found and will do. */
struct dw_build_append_info {
    bool imported;          /* the tree of a previous session was imported */
    int32_t import_lba;     /* the LBA its volume was read from, -1 if none */
    bool grown;             /* overwritable medium: the volume grows in place
                               (one session; the first 64 KiB rewritten) */
    int32_t session_lba;    /* where the new session / tree is written */
    int profile;            /* MMC-6 profile of the medium */
    char profile_name[80];  /* libburn's name for it */
    int64_t free_bytes;     /* room for the new session, -1 unknown */
};

/* Make the tree of a new session for the medium in drive_address
 * ("/dev/srN" or "stdio:PATH"), to be burned with dw_build_burn (which
 * then writes it as that session, burn.h dw_burn_session; opts->flags
 * DW_BURN_CLOSE closes the disc after it).  The medium is probed with
 * libburn (dw_burn_medium_probe) and the newest session's ISO 9660 tree
 * (Rock Ridge names, links, attributes) imported with libisofs
 * (iso_image_import: the first data track of the last session of an
 * appendable CD-R/RW, DVD-R/RW, DVD+R or BD-R; the volume at LBA 0 of a
 * DVD+RW, BD-RE, formatted DVD-RW or stdio: file); then sources are added
 * as dw_build_new adds them, except that a source at the path of an
 * imported file replaces it.  The old files stay where they are on the
 * medium: only the new ones and the directory tree are written (ECMA-119
 * 6.8.2 volume descriptor set of each session).  A blank medium gets a
 * first session that stays open.  The volume id and publisher are the old
 * volume's unless opts gives them.  Errors: as dw_build_new, and
 * DW_ENOMEDIUM, DW_EMEDIUM (closed or unsuitable disc), DW_EPARSE (the
 * last session holds no ISO 9660 volume), DW_EREAD, DW_ENODRIVE,
 * DW_EBUSY.  The drive stays free between this call and the burn. */
DW_API int dw_build_new_append(const char *const *sources, size_t path_count,
                               const struct dw_build_opts *opts, const char *drive_address,
                               struct dw_build **out, struct dw_error_detail *err);

/* What dw_build_new_append decided for b.  DW_EINVAL for a tree made by
 * dw_build_new. */
DW_API int dw_build_append_info(const struct dw_build *b, struct dw_build_append_info *info);

/* ---- media management ---------------------------------------------------- */

#define DW_FORMAT_NO_SPARE 0x1u /* BD-RE/BD-R: no spare areas (no defect
                                   management, no certification): more room */
#define DW_FORMAT_FORCE 0x2u    /* format a medium that is formatted already */
#define DW_FORMAT_IF_NEEDED 0x4u /* only an unformatted DVD+RW or BD-RE is
                                    formatted; any other medium (or none, or a
                                    stdio: file) is left alone and is no error:
                                    what a burn does first */
/* DW_FORMAT_PROBE: send no FORMAT UNIT; say in the result whether a
 * format would be done (would_format) and the size it would give
 * (formatted_bytes) */
#define DW_FORMAT_PROBE 0x8u

/* What dw_build_format did. */
struct dw_format_result {
    int profile;              /* MMC-6 profile after formatting (0x13 DVD-RW
                                 restricted overwrite, 0x1a DVD+RW, 0x43 BD-RE...) */
    char profile_name[80];    /* libburn's name for it */
    bool already_formatted;   /* nothing was done: it was formatted (and no
                                 DW_FORMAT_FORCE) */
    bool formatted_now;       /* FORMAT UNIT was sent and succeeded */
    int64_t formatted_bytes;  /* the formatted (writable) size, 0 if unknown;
                                 under DW_FORMAT_PROBE the size a format would
                                 give (READ FORMAT CAPACITIES) */
    bool would_format;        /* DW_FORMAT_PROBE: FORMAT UNIT would be sent
                                 (nothing was done) */
};

/* Format the medium in drive_address ("/dev/srN") so that it can be
 * written at random (MMC-6 6.5 FORMAT UNIT, through libburn's
 * burn_disc_format with the default size): an unformatted DVD+RW (format
 * type 26h), a DVD-RW in sequential recording (to restricted overwrite,
 * profile 0x13), a BD-RE (with spare areas, or without under
 * DW_FORMAT_NO_SPARE) and a BD-R (SRM with defect management).  A medium
 * that is formatted already is left alone (res->already_formatted) unless
 * DW_FORMAT_FORCE.  Under DW_FORMAT_PROBE nothing is written: the result
 * says what would be done and the formatted size it would give, so that a
 * burn can refuse a too-large image before it formats (MMC-6 6.24 READ
 * FORMAT CAPACITIES).  Progress phase "format", done_sectors 0..65536 of
 * 65536 (libburn's steps); it cannot be stopped.  Holds the library's
 * libburn lock (burn.h, "Process-wide").  Errors: DW_EINVAL (flags),
 * DW_EMEDIUM (a stdio: file, CD or other medium that is not formatted),
 * DW_ENOMEDIUM, DW_ENODRIVE (no drive, or in use), DW_EWRITE (FORMAT UNIT
 * failed), DW_ELIB. */
DW_API int dw_build_format(const char *drive_address, unsigned flags,
                           const struct dw_callbacks *cb, struct dw_format_result *res,
                           struct dw_error_detail *err);

/* Free a tree; NULL is a no-op. */
DW_API void dw_build_free(struct dw_build *b);

#ifdef __cplusplus
}
#endif
#endif
