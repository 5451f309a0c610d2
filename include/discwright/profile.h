/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: profiles shipped in profiles/ and kept by the user.
 *
 * Drive read offsets: a table of known drives and the read offset
 * correction each needs, in stereo samples (AccurateRip's sign: a drive
 * with +N delivers every sample N positions late, so output sample k is
 * the drive's sample k + N).  The table is profiles/drives/offsets.tsv:
 * one drive a line, three TAB-separated fields
 *
 *     VENDOR <TAB> MODEL <TAB> OFFSET
 *
 * VENDOR and MODEL as the drive's INQUIRY data gives them (SPC-4 6.6.2;
 * compared without case and with runs of blanks taken as one), OFFSET a
 * signed decimal ("+30", "-1164", "0"); '#' starts a comment line, blank
 * lines are skipped, and lines that do not parse are skipped and
 * counted.
 *
 * Search path, first match wins, three directories:
 *   0  the user's: $XDG_CONFIG_HOME/discwright/profiles (or
 *      ~/.config/discwright/profiles when XDG_CONFIG_HOME is unset);
 *   1  $DW_PROFILES_DIR when set and not empty (the build tree and the test
 *      suite point it at the source tree's profiles/), else the user's data
 *      directory $XDG_DATA_HOME/discwright/profiles (or
 *      ~/.local/share/discwright/profiles);
 *   2  the installed copy's PREFIX/share/discwright/profiles, found from
 *      the file the library was loaded from (dladdr: LIBDIR/../share, with
 *      GNUInstallDirs' relative path between the two), so an installed tree
 *      moved elsewhere (DESTDIR, dpkg -x) still finds its own profiles;
 *      the build tree has the same layout (BUILD/share/discwright/profiles
 *      links to the source tree's profiles/).
 * No path of the build tree is compiled in.  Drive profiles
 * (discwright/drive_profile.h) and rip profiles (discwright/rip_profile.h)
 * are looked up along the same path.
 */
#ifndef DISCWRIGHT_PROFILE_H
#define DISCWRIGHT_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A table entry that matched. */
struct dw_drive_offset {
    int32_t samples;            /* read offset correction */
    char vendor[64];            /* as the table spells them */
    char model[64];
    char table[4096];           /* the table file that had it */
    int line;                   /* its line there (1-based) */
    int bad_lines;              /* lines skipped as malformed in the files read */
};

/* Look up the read offset of the drive `vendor` `model` (INQUIRY strings;
 * leading, trailing and repeated blanks do not matter) in the drive
 * offset tables of the search path.  Returns 0 with *out filled, or
 * DW_ENOENT when no table has the drive (out->bad_lines still counts what
 * was skipped), DW_EINVAL for NULL arguments. */
DW_API int dw_profile_drive_offset(const char *vendor, const char *model,
                                   struct dw_drive_offset *out);

/* The idx-th (0-based) profiles directory of the search path above into
 * out (a NUL-terminated absolute path, or $DW_PROFILES_DIR as given),
 * whether it exists or not: 0 the user's, 1 $DW_PROFILES_DIR or the XDG
 * data directory, 2 the installed PREFIX/share/discwright/profiles
 * ("/nonexistent/..." when neither HOME nor the XDG variable is set, or
 * when the library's own file cannot be found).  Drive offset tables and
 * drive profiles (drive_profile.h) live under it in drives/, rip profiles
 * in rip/.  Reads the environment; safe from any thread while nobody
 * changes it.  Returns 0, or DW_ERANGE past the last one, DW_EINVAL when
 * it does not fit (out is then ""). */
DW_API int dw_profile_dir(int idx, char *out, size_t out_bytes);

/* The idx-th (0-based) drive offset table of the search path into out
 * (whether it exists or not): dw_profile_dir + "/drives/offsets.tsv".
 * Returns 0, or DW_ERANGE past the last one, DW_EINVAL when it does not
 * fit. */
DW_API int dw_profile_offset_table(int idx, char *out, size_t out_bytes);

#ifdef __cplusplus
}
#endif
#endif
