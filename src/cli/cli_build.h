/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: the build options shared by mkiso and burn (of
 * folders), src/cli/cli_build.c. */
#ifndef DW_CLI_BUILD_H
#define DW_CLI_BUILD_H

#include <stdbool.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/build.h"

/* getopt_long values of the build options (outside the ASCII range). */
enum {
    CLI_BUILD_VOLID = 'V',
    CLI_BUILD_EXCLUDE = 'x',
    CLI_BUILD_PUBLISHER = 0x100,
    CLI_BUILD_NO_RR,
    CLI_BUILD_NO_JOLIET,
    CLI_BUILD_MD5,
    CLI_BUILD_ZISOFS,
    CLI_BUILD_BOOT_BIOS,
    CLI_BUILD_BOOT_EFI,
    CLI_BUILD_BOOT_CATALOG,
    CLI_BUILD_MBR,
    CLI_BUILD_APPEND,
    CLI_BUILD_CLOSE,
};

/* The build options as an option table (cli_opts.h): mkiso's, and burn's
 * for folders. */
extern const struct cli_opt cli_build_opts[];

/* burn's multi-session options for folders (--append, --close). */
extern const struct cli_opt cli_build_session_opts[];

/* Apply getopt's value c (with its argument) to o; excludes has room for
 * every argument.  Returns 1 when c was a build option, else 0. */
int cli_build_option(int c, const char *arg, struct dw_build_opts *o,
                     const char **excludes);

/* Checks across options and SOURCE_DATE_EPOCH (DW_BUILD_FIXED_TIME);
 * prints the problem and returns EXIT_USAGE, or EXIT_OK. */
int cli_build_finish_opts(struct dw_build_opts *o);

/* Whether burn's command line names folders (or graft points). */
bool cli_burn_wants_tree(int argc, char **argv);

/* burn PATH... --drive D with folders: the whole command. */
int cli_burn_tree(struct cli *cli, int argc, char **argv);

/* verify SOURCE with no IMAGE: check the --md5 tags (session and files);
 * returns the exit status (0, 1, 3 unreadable, 4 mismatch). */
int cli_verify_md5(struct cli *cli, const char *source);

/* Before a burn: format an unformatted DVD+RW or BD-RE in drive, saying
 * so (dw_build_format, DW_FORMAT_IF_NEEDED); returns an exit status.  An
 * image of image_sectors 2048-byte sectors (0 = unknown), or the image of
 * tree when not NULL (dw_build_image_bytes, only when a format is due),
 * that the formatted medium could not hold is refused first, with the
 * medium left unformatted (DW_FORMAT_PROBE); what names it. */
int cli_format_if_needed(struct cli *cli, const char *drive, int64_t image_sectors,
                         struct dw_build *tree, const char *what);

#endif
