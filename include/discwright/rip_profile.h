/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: rip profiles, named sets of rip options.
 *
 * A rip profile says how to rip (the audio read mode of rip.h, the
 * re-reads, which lookups and extra outputs) under one name, so that
 * "discwright rip --profile archival" stands for a set of options.  The
 * shipped ones: secure (the default's options), test-and-copy, paranoia,
 * burst, and archival (test-and-copy with 16 re-reads).
 *
 * Files: PROFILES/rip/NAME.json in the profiles directories of profile.h
 * (dw_profile_dir: the user's first, then $DW_PROFILES_DIR or the XDG data one,
 * then the installed one); the first directory that has NAME.json wins,
 * so a user's file shadows a shipped one of the same name.  NAME is made
 * of a-z, A-Z, 0-9, '.', '_', '-' and does not start with '.'.  One JSON
 * object:
 *
 *     {
 *       "format": "discwright-rip-profile", "format_version": 1,
 *       "name": "archival",
 *       "description": "test-and-copy with 16 re-reads, for archives",
 *       "mode": "test-and-copy",
 *       "retries": 16, "qscan": true, "accuraterip": true,
 *       "subchannel": false, "toc": false,
 *       "comment": "free text, ignored"
 *     }
 *
 *  - "format" (required), "format_version" (a whole number; missing: 1;
 *    newer than this library reads: refused);
 *  - "name" (required): the file's NAME (a file read by its path may have
 *    any valid name); "description" (required): one line, under 256 bytes;
 *  - "mode" (required): "secure", "test-and-copy", "paranoia" or "burst"
 *    (enum dw_rip_mode);
 *  - optional: "retries" (0-100: dw_rip_opts.data_retries), and true or
 *    false for "qscan" (false: DW_RIP_NO_QSCAN), "accuraterip" (false:
 *    DW_RIP_NO_ACCURATERIP), "subchannel" (DW_RIP_SUBCHANNEL), "toc"
 *    (DW_RIP_TOC); what a profile leaves out stays as the options had it;
 *  - "comment": a string for people, not read.
 *
 * Any other key is an error (a misspelt key must not silently do nothing),
 * as is a value of the wrong type or out of range, or null.
 */
#ifndef DISCWRIGHT_RIP_PROFILE_H
#define DISCWRIGHT_RIP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "discwright/version.h"
#include "discwright/errors.h"
#include "discwright/rip.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_RIP_PROFILE_NAME_BYTES 64         /* longest name + 1 */
#define DW_RIP_PROFILE_DESCRIPTION_BYTES 256 /* longest description + 1 */

/* A rip profile as dw_rip_profile_load read it.  A plain value the caller
 * owns (no pointers inside).  The has_* flags say whether the file set the
 * optional field beside them. */
struct dw_rip_profile {
    char name[DW_RIP_PROFILE_NAME_BYTES];
    char description[DW_RIP_PROFILE_DESCRIPTION_BYTES];
    enum dw_rip_mode mode;
    bool has_retries;
    int retries; /* re-reads of a bad sector, 0-100 */
    bool has_qscan;
    bool qscan; /* false: DW_RIP_NO_QSCAN */
    bool has_accuraterip;
    bool accuraterip; /* false: DW_RIP_NO_ACCURATERIP */
    bool has_subchannel;
    bool subchannel; /* DW_RIP_SUBCHANNEL */
    bool has_toc;
    bool toc;          /* DW_RIP_TOC */
    char source[4096]; /* the file read */
};

/* Read a rip profile into *out (cleared first).  name_or_path is a path
 * when it holds a '/' or ends in ".json" (the file is read, whatever its
 * "name"), else a profile NAME looked up as rip/NAME.json along the search
 * path of profile.h: the first directory that has the file wins, and its
 * "name" must be NAME.  Returns 0; DW_ENOENT (no such file; for a NAME the
 * message lists the files looked for and points to 'discwright rip
 * --list-profiles'), DW_EINVAL (NULL argument, a NAME of other
 * characters), DW_EPARSE (not JSON, not a rip profile, an unknown key, a
 * value of the wrong type or out of range: the message names the file
 * and the key), DW_EACCES, DW_EIO, DW_ENOMEM; err (may be NULL) says
 * which.  A malformed file is not skipped for one further down the path:
 * fix or delete it. */
DW_API int dw_rip_profile_load(const char *name_or_path, struct dw_rip_profile *out,
                               struct dw_error_detail *err);

/* Set in *opts what profile p says: mode always; data_retries, and the
 * flags DW_RIP_NO_QSCAN, DW_RIP_NO_ACCURATERIP, DW_RIP_SUBCHANNEL and
 * DW_RIP_TOC (set or cleared) when p has them; other fields and flags stay.
 * opts->profile_name and opts->profile_file point into p afterwards (for
 * the log and the report): p must outlive every use of opts.  Apply a
 * profile before the options a user gives explicitly, so that those win.
 * Returns 0, or DW_EINVAL for NULL arguments. */
DW_API int dw_rip_profile_apply(const struct dw_rip_profile *p, struct dw_rip_opts *opts);

/* One profile dw_rip_profile_list found. */
struct dw_rip_profile_entry {
    /* What dw_rip_profile_load takes: the file name without .json. */
    char name[DW_RIP_PROFILE_NAME_BYTES];
    char description[DW_RIP_PROFILE_DESCRIPTION_BYTES]; /* "" when it does not load */
    char file[4096];                                    /* the file that answers NAME */
    int error;         /* 0, or the DW_E* code dw_rip_profile_load gives for NAME */
    char message[512]; /* that error's message; "" when it loads */
};

/* The rip profiles along the search path: every rip/NAME.json of every
 * profiles directory, the user's first, each directory's by name; a NAME
 * already listed (shadowed by an earlier directory) is left out, so each
 * entry is what dw_rip_profile_load(NAME) reads.  Each file is loaded: one
 * that does not load is listed with its error (and a file name that is not
 * a valid NAME with DW_EINVAL).  Directories that do not exist are passed
 * over.  *entries is an array of *count entries that the caller frees with
 * dw_rip_profile_list_free (NULL when *count is 0).  Returns 0, DW_EINVAL
 * (NULL argument), DW_ENOMEM; err may be NULL. */
DW_API int dw_rip_profile_list(struct dw_rip_profile_entry **entries, size_t *count,
                               struct dw_error_detail *err);

/* The list as a JSON array of {"name", "description", "file", "error"
 * (the message, or null)}, pretty-printed, as `rip --list-profiles --json`
 * prints it.  The caller frees it with free(); NULL without memory. */
DW_API char *dw_rip_profile_list_json(const struct dw_rip_profile_entry *entries, size_t count);

/* Free what dw_rip_profile_list returned; NULL is a no-op. */
DW_API void dw_rip_profile_list_free(struct dw_rip_profile_entry *entries);

#ifdef __cplusplus
}
#endif
#endif
