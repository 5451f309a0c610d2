/* discwright internal: the drive offset table's line parser, for
 * src/profile/offsets.c and its fuzz target. */
#ifndef DW_PROFILE_INT_H
#define DW_PROFILE_INT_H

#include <stddef.h>

/* One table line, changed in place: "VENDOR\tMODEL\tOFFSET" with an
 * optional line end.  Returns 1 for an entry (*vendor and *model point
 * into line, *offset within +-100000), 0 for a comment or blank line, -1
 * for a malformed one. */
int dw__profile_offset_line(char *line, char **vendor, char **model, long *offset);

/* Trim and collapse runs of blanks into one space: in into out
 * (out_bytes >= 1, always NUL-terminated). */
void dw__profile_normalize(const char *in, char *out, size_t out_bytes);

#endif
