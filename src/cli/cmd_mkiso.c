/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright mkiso PATH... -o OUT.iso: folders and files to an ISO 9660
 * image (Rock Ridge, Joliet, ISO 9660:1999, El Torito) with libisofs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "discwright/build.h"

static const char usage[] =
    "usage: discwright mkiso PATH... -o OUT.iso [options]\n"
    "Make an ISO 9660 image of folders and files (Rock Ridge, Joliet and ISO 9660:1999\n"
    "names, level 3: files of 4 GiB and more) with libisofs.  A folder's contents go\n"
    "to the image root, a file keeps its name; /TARGET=PATH puts PATH at /TARGET.\n"
    "Symbolic links and hard links are kept.\n"
    "  -o, --output FILE       the image to write (written as FILE.part, then renamed)\n"
    "      --overwrite         replace an existing FILE (refused without it)\n"
    "  -V, --volid ID          volume id, at most 32 characters (default CDROM)\n"
    "      --publisher TEXT    publisher id\n"
    "  -x, --exclude PATTERN   leave out files whose name or path matches PATTERN\n"
    "                          (glob: * ? [..]); may be given more than once\n"
    "      --no-rockridge      no Rock Ridge (POSIX names, permissions, links)\n"
    "      --no-joliet         no Joliet tree (Windows names)\n"
    "      --md5               record session and per-file MD5 tags (xorriso "
    "-check_md5)\n"
    "      --zisofs            compress files with zisofs (read by Linux and xorriso)\n"
    "      --boot-bios PATH    El Torito BIOS no-emulation boot image, PATH inside the\n"
    "                          image (such as /isolinux/isolinux.bin); boot info table\n"
    "      --boot-efi PATH     El Torito EFI boot image (FAT image), PATH inside the "
    "image\n"
    "      --boot-catalog PATH El Torito catalog inside the image (/boot.catalog)\n"
    "      --isohybrid-mbr FILE  system area from FILE (SYSLINUX isohdpfx.bin), so the\n"
    "                          image also boots from a USB stick; needs --boot-bios\n"
    "  -q, --quiet             no progress line\n"
    "SOURCE_DATE_EPOCH (seconds) in the environment makes the image reproducible:\n"
    "the same tree gives the same bytes.\n"
    "exit status: 0 written, 1 failure (nothing left at FILE), 2 usage\n";

int cmd_mkiso(struct cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"overwrite", no_argument, NULL, 'W'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             CLI_BUILD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
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
    while ((c = getopt_long(argc, argv, "o:V:x:qh", longopts, NULL)) != -1) {
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
            break;
        case 'j':
            cli_errorf("mkiso has no JSON report: leave out --json");
            goto out;
        case 'h':
            fputs(usage, stdout);
            status = EXIT_OK;
            goto out;
        default:
            fputs(usage, stderr);
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
        fputs(usage, stderr);
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
