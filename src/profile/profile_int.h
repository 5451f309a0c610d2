/* discwright internal: the profile search path and the drive offset
 * table's line parser, for src/profile/ and its fuzz target. */
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

#endif
