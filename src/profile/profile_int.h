/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the profile search path, the drive offset table's
 * line parser and the JSON profile files' shared reading, for src/profile/
 * and its fuzz targets. */
#ifndef DW_PROFILE_INT_H
#define DW_PROFILE_INT_H

#include <stddef.h>

/* One table line, changed in place: "VENDOR\tMODEL\tOFFSET" with an
 * optional line end.  Returns 1 for an entry (*vendor and *model point
 * into line, *offset within +-100000), 0 for a comment or blank line, -1
 * for a malformed one. */
int dw__profile_offset_line(char *line, char **vendor, char **model, long *offset);

/* The file `name` (a path relative to a profiles directory, such as
 * "drives/offsets.tsv") in the idx-th profiles directory of the search
 * path (dw_profile_dir).  Returns 0, DW_ERANGE past the last directory,
 * DW_EINVAL when it does not fit in out (out is then ""). */
int dw__profile_path(int idx, const char *name, char *out, size_t out_bytes);

/* The first of the profiles directories from the *idx-th on that has the
 * file `name` (as for dw__profile_path): its path into out, its index into
 * *idx.  Returns 0, or DW_ENOENT when none has it (out is then "").  Call
 * again with *idx + 1 for the next one. */
int dw__profile_find(int *idx, const char *name, char *out, size_t out_bytes);

/* Trim and collapse runs of blanks into one space: in into out
 * (out_bytes >= 1, always NUL-terminated). */
void dw__profile_normalize(const char *in, char *out, size_t out_bytes);

struct dw_drive_profile;
struct dw_error_detail;

/* Clear a drive profile to "nothing known": zero, with the numbers that
 * may be unknown at -1.  src/profile/drive_profile.c */
void dw__drive_profile_init(struct dw_drive_profile *p);

/* Parse the text of a drive profile file (NUL-terminated); path only names
 * it in messages.  The contract of dw_drive_profile_read without the file:
 * 0 or DW_EPARSE (out cleared), out->source left "".  For
 * dw_drive_profile_read and its fuzz target. */
int dw__drive_profile_parse(const char *text, const char *path,
                            struct dw_drive_profile *out, struct dw_error_detail *err);

/* ---- JSON profile files (src/profile/profile_json.c) ---------------------- */

struct json_object;

/* The whole file at path (at most 256 KiB) into *out, NUL-terminated, that
 * the caller frees with free(); *out is NULL on failure.  `what` names the
 * kind of file in messages ("drive profile").  Returns 0, DW_ENOENT ("no
 * WHAT 'path'"), DW_EACCES and the like (cannot open), DW_EIO, DW_EPARSE
 * (larger than a profile can be), DW_ENOMEM. */
int dw__profile_slurp(const char *path, const char *what, char **out,
                      struct dw_error_detail *err);

/* DW_EPARSE with "'path' is not a valid WHAT: "key" WHY: HINT". */
int dw__profile_bad_key(struct dw_error_detail *err, const char *path, const char *what,
                        const char *key, const char *why, const char *hint);

/* Parse text (NUL-terminated) into a JSON object, *root, that the caller
 * releases with json_object_put.  Returns 0, or DW_EPARSE (not JSON, not
 * an object; *root NULL) with a message naming path, WHAT and ending in
 * HINT. */
int dw__profile_parse_object(const char *text, const char *path, const char *what,
                             const char *hint, struct json_object **root,
                             struct dw_error_detail *err);

/* root's "format" must be format_name; "format_version", when there and
 * not null, a whole number from 1 to format_version (missing: 1).
 * Returns 0 or DW_EPARSE (a newer version: "update discwright"). */
int dw__profile_check_format(struct json_object *root, const char *path, const char *what,
                             const char *hint, const char *format_name, int format_version,
                             struct dw_error_detail *err);

#endif
