/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright mkiso PATH... -o OUT.iso: folders and files to an ISO 9660
 * image (Rock Ridge, Joliet, ISO 9660:1999, El Torito) with libisofs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "cli/cli_build.h"
#include "discwright/build.h"

static const struct cli_opt mkiso_opts[] = {
    {"output", 'o', 'o', "FILE", "the image to write (written as FILE.part, then renamed)",
     CLI_COMPLETE_FILE, NULL},
    {"overwrite", 0, 'W', NULL, "replace an existing FILE (refused without it)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_mkiso = {
    .name = "mkiso",
    .summary = "make an ISO 9660 image of folders and files",
    .synopsis = "PATH... -o OUT.iso [options]",
    .description = "Make an ISO 9660 image of folders and files (Rock Ridge, Joliet and ISO "
                   "9660:1999 names, level 3: files of 4 GiB and more) with libisofs.  A "
                   "folder's contents go to the image root, a file keeps its name; "
                   "/TARGET=PATH puts PATH at /TARGET.  Symbolic links and hard links are "
                   "kept.",
    .footer = "SOURCE_DATE_EPOCH (seconds) in the environment makes the image reproducible:\n"
              "the same tree gives the same bytes.\n"
              "exit status: 0 written, 1 failure (nothing left at FILE), 2 usage\n",
    .operand = CLI_COMPLETE_FILE,
    .groups = {mkiso_opts, cli_build_opts, cli_common_opts},
};

int cmd_mkiso(struct cli *cli, int argc, char **argv)
{
    struct dw_build_opts opts = {0};
    const char *output = NULL;
    const char **excludes = NULL;
    struct dw_build *b = NULL;
    int status = EXIT_USAGE, c;
    excludes = calloc((size_t)argc, sizeof(*excludes));
    if (!excludes) {
        cli_errorf("out of memory");
        return EXIT_FAILURE_;
    }
    while ((c = cli_getopt(&cli_spec_mkiso, argc, argv)) != -1) {
        if (cli_build_option(c, optarg, &opts, excludes))
            continue;
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'W':
            opts.flags |= DW_BUILD_OVERWRITE;
            break;
        case 'q':
        case 'X':
            break;
        case 'J':
            cli_errorf("mkiso has no JSON report: leave out --json");
            goto out;
        case 'h':
            cli_usage(&cli_spec_mkiso, stdout);
            status = EXIT_OK;
            goto out;
        default:
            cli_usage(&cli_spec_mkiso, stderr);
            goto out;
        }
    }
    if (cli->json) {
        cli_errorf("mkiso has no JSON report: leave out --json");
        goto out;
    }
    if (optind >= argc || !output) {
        cli_errorf(optind >= argc
                       ? "no PATH given: name the folders or files to put in the image"
                       : "no output given: add -o OUT.iso");
        cli_usage(&cli_spec_mkiso, stderr);
        goto out;
    }
    if ((status = cli_build_finish_opts(&opts)) != EXIT_OK)
        goto out;
    opts.excludes = excludes;
    struct dw_error_detail err;
    struct dw_build_result res;
    struct dw_callbacks cb;
    cli_callbacks(cli, &cb);
    cli_install_signals();
    int rc = dw_build_new((const char *const *)argv + optind, (size_t)(argc - optind),
                          &opts, &b, &err);
    if (!rc)
        rc = dw_build_write_iso(b, output, &cb, &res, &err);
    cli_progress_done();
    if (rc) {
        cli_error(&err, rc);
        status = cli_exit_for(rc);
        goto out;
    }
    if (!cli->quiet)
        printf("wrote %s: %lld bytes (%lld sectors), %lld files, %lld directories, "
               "%lld symlinks\n",
               cli_safe(output), (long long)res.image_bytes,
               (long long)res.image_bytes / 2048, (long long)res.files,
               (long long)res.directories, (long long)res.symlinks);
    if (!cli->quiet && (opts.flags & DW_BUILD_ZISOFS))
        printf("zisofs: %lld files stored compressed\n", (long long)res.zisofs_files);
    status = EXIT_OK;
out:
    dw_build_free(b);
    free(excludes);
    return status;
}
