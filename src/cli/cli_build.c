/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: the build options that mkiso and a burn of folders
 * share, and `burn PATH... --drive D` with folders: the libisofs image of
 * the tree streamed into libburn, then read back and compared by MD5. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "discwright/build.h"
#include "discwright/burn.h"

int cli_build_option(int c, const char *arg, struct dw_build_opts *o,
                     const char **excludes)
{
    switch (c) {
    case CLI_BUILD_VOLID:
        o->volid = arg;
        return 1;
    case CLI_BUILD_PUBLISHER:
        o->publisher = arg;
        return 1;
    case CLI_BUILD_EXCLUDE:
        excludes[o->exclude_count++] = arg;
        o->excludes = excludes;
        return 1;
    case CLI_BUILD_NO_RR:
        o->flags |= DW_BUILD_NO_ROCKRIDGE;
        return 1;
    case CLI_BUILD_NO_JOLIET:
        o->flags |= DW_BUILD_NO_JOLIET;
        return 1;
    case CLI_BUILD_MD5:
        o->flags |= DW_BUILD_MD5;
        return 1;
    case CLI_BUILD_ZISOFS:
        o->flags |= DW_BUILD_ZISOFS;
        return 1;
    case CLI_BUILD_BOOT_BIOS:
        o->boot_bios = arg;
        return 1;
    case CLI_BUILD_BOOT_EFI:
        o->boot_efi = arg;
        return 1;
    case CLI_BUILD_BOOT_CATALOG:
        o->boot_catalog = arg;
        return 1;
    case CLI_BUILD_MBR:
        o->isohybrid_mbr = arg;
        return 1;
    default:
        return 0;
    }
}

int cli_build_finish_opts(struct dw_build_opts *o)
{
    if ((o->flags & DW_BUILD_ZISOFS) && (o->flags & DW_BUILD_NO_ROCKRIDGE)) {
        cli_errorf("--zisofs needs Rock Ridge: leave out --no-rockridge or --zisofs");
        return EXIT_USAGE;
    }
    if (o->isohybrid_mbr && !o->boot_bios) {
        cli_errorf("--isohybrid-mbr needs --boot-bios (the image the MBR starts)");
        return EXIT_USAGE;
    }
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        errno = 0;
        long long v = strtoll(epoch, &end, 10);
        if (*end || errno || v < 0 || v > 253402300799LL) {
            cli_errorf(
                "SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970: fix or "
                "unset it",
                cli_safe(epoch));
            return EXIT_USAGE;
        }
        o->source_date_epoch = v;
        o->flags |= DW_BUILD_FIXED_TIME;
    }
    return EXIT_OK;
}

/* Whether burn's arguments name a tree: a folder, or a graft point
 * /TARGET=SOURCE, among the arguments that are not options. */
bool cli_burn_wants_tree(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            continue;
        if (!strcmp(a, "--append"))
            return true; /* a new session: its PATHs are files to add */
        if (a[0] == '-') {
            /* skip the value of an option that takes one */
            if (!strchr(a, '=') &&
                (!strcmp(a, "-d") || !strcmp(a, "--drive") || !strcmp(a, "-s") ||
                 !strcmp(a, "--speed") || !strcmp(a, "-V") || !strcmp(a, "--volid") ||
                 !strcmp(a, "--publisher") || !strcmp(a, "-x") ||
                 !strcmp(a, "--exclude") || !strncmp(a, "--boot-", 7) ||
                 !strcmp(a, "--isohybrid-mbr")))
                i++;
            continue;
        }
        struct stat st;
        if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
            return true;
        if (a[0] == '/' && strchr(a, '=') && stat(a, &st) != 0)
            return true;
    }
    return false;
}

extern const struct cli_spec cli_spec_burn; /* cmd_burn.c: its groups hold ours */

const struct cli_opt cli_build_opts[] = {
    {"volid", 'V', CLI_BUILD_VOLID, "ID", "folders: volume id, at most 32 characters (default "
                                          "CDROM)",
     CLI_COMPLETE_NONE, NULL},
    {"publisher", 0, CLI_BUILD_PUBLISHER, "TEXT", "folders: publisher id", CLI_COMPLETE_NONE,
     NULL},
    {"exclude", 'x', CLI_BUILD_EXCLUDE, "PATTERN",
     "folders: leave out files whose name or path matches PATTERN (glob: * ? [..]); may be "
     "given more than once",
     CLI_COMPLETE_NONE, NULL},
    {"no-rockridge", 0, CLI_BUILD_NO_RR, NULL,
     "folders: no Rock Ridge (POSIX names, permissions, links)", CLI_COMPLETE_NONE, NULL},
    {"no-joliet", 0, CLI_BUILD_NO_JOLIET, NULL, "folders: no Joliet tree (Windows names)",
     CLI_COMPLETE_NONE, NULL},
    {"md5", 0, CLI_BUILD_MD5, NULL,
     "folders: record session and per-file MD5 tags (xorriso -check_md5; 'discwright verify "
     "SOURCE' checks them)",
     CLI_COMPLETE_NONE, NULL},
    {"zisofs", 0, CLI_BUILD_ZISOFS, NULL,
     "folders: compress files with zisofs (read by Linux and xorriso)", CLI_COMPLETE_NONE,
     NULL},
    {"boot-bios", 0, CLI_BUILD_BOOT_BIOS, "PATH",
     "folders: El Torito BIOS no-emulation boot image, PATH inside the image (such as "
     "/isolinux/isolinux.bin); boot info table",
     CLI_COMPLETE_NONE, NULL},
    {"boot-efi", 0, CLI_BUILD_BOOT_EFI, "PATH",
     "folders: El Torito EFI boot image (FAT image), PATH inside the image", CLI_COMPLETE_NONE,
     NULL},
    {"boot-catalog", 0, CLI_BUILD_BOOT_CATALOG, "PATH",
     "folders: El Torito catalog inside the image (/boot.catalog)", CLI_COMPLETE_NONE, NULL},
    {"isohybrid-mbr", 0, CLI_BUILD_MBR, "FILE",
     "folders: system area from FILE (SYSLINUX isohdpfx.bin), so the image also boots from a "
     "USB stick; needs --boot-bios",
     CLI_COMPLETE_FILE, NULL},
    CLI_OPTS_END};

const struct cli_opt cli_build_session_opts[] = {
    {"append", 0, CLI_BUILD_APPEND, NULL,
     "folders: add a session to an appendable CD-R, DVD±R or BD-R (or grow the ISO on a "
     "DVD+RW, BD-RE or stdio: file): the new tree holds the files of the last session, a "
     "PATH at the same place replaces the old file",
     CLI_COMPLETE_NONE, NULL},
    {"close", 0, CLI_BUILD_CLOSE, NULL,
     "with --append: close the disc after this session (no session can follow)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

/* What an --append burn is about to do, in a line. */
static void print_append_plan(const struct cli *cli, const struct dw_build *b,
                              const char *drive, unsigned flags)
{
    struct dw_build_append_info ai;
    if (cli->json || cli->quiet || dw_build_append_info(b, &ai) != 0)
        return;
    if (ai.grown)
        printf("append: growing the ISO volume on %s (%s): the new tree goes to LBA %d, "
               "then the volume descriptors at LBA 0 are rewritten\n",
               cli_safe(drive), cli_safe(ai.profile_name), ai.session_lba);
    else if (ai.imported)
        printf("append: the tree of the session at LBA %d of %s (%s) is kept; the new "
               "session starts at LBA %d; %s\n",
               ai.import_lba, cli_safe(drive), cli_safe(ai.profile_name), ai.session_lba,
               (flags & DW_BURN_CLOSE) ? "the disc is closed after it (--close)"
                                       : "the disc stays appendable (--close closes it)");
    else
        printf("append: %s (%s) holds no ISO volume yet: this is its first session, at "
               "LBA %d; %s\n",
               cli_safe(drive), cli_safe(ai.profile_name), ai.session_lba,
               ai.profile == 0x1a || ai.profile == 0x43 || ai.profile == 0x13 ||
                       ai.profile == 0x12 || ai.profile == 0xffff
                   ? "a later --append grows its volume"
               : (flags & DW_BURN_CLOSE) ? "the disc is closed after it (--close)"
                                         : "the disc stays appendable (--close closes it)");
}

/* long function: burn's option parsing plus mkiso's, then the build, the
 * burn, the MD5 read-back and the eject, each a few lines (cmd_burn's
 * order, so that both read alike). */
int cli_burn_tree(struct cli *cli, int argc, char **argv)
{
    struct dw_burn_opts opts = {0};
    struct dw_build_opts bopts = {0};
    struct dw_build *b = NULL;
    const char *drive = NULL;
    bool verify = true, append = false;
    int c, status = EXIT_USAGE;
    const char **excludes = calloc((size_t)argc, sizeof(*excludes));
    if (!excludes) {
        cli_errorf("out of memory");
        return EXIT_FAILURE_;
    }
    optind = 1;
    while ((c = cli_getopt(&cli_spec_burn, argc, argv)) != -1) {
        if (cli_build_option(c, optarg, &bopts, excludes))
            continue;
        switch (c) {
        case 'd':
            drive = optarg;
            break;
        case 's': {
            char *end;
            double v = strtod(optarg, &end);
            if (*end == 'x' || *end == 'X')
                end++;
            if (*end || v < 0 || v > 100) {
                cli_errorf("--speed needs a number like 8 or 16x, not '%s'", optarg);
                goto out;
            }
            opts.speed_x = v;
            break;
        }
        case 'D':
            opts.dummy = true;
            break;
        case 'W':
            opts.flags |= DW_BURN_OVERWRITE;
            break;
        case 'N':
            verify = false;
            break;
        case 'E':
            opts.eject = true;
            break;
        case CLI_BUILD_APPEND:
            append = true;
            opts.flags |= DW_BURN_APPEND;
            break;
        case CLI_BUILD_CLOSE:
            opts.flags |= DW_BURN_CLOSE;
            break;
        case 'M':
        case 'O':
            cli_errorf("--write-mode and --write-offset are for CD images, not folders");
            goto out;
        case 'q':
        case 'X':
        case 'J':
            break;
        case 'h':
            cli_usage(&cli_spec_burn, stdout);
            status = EXIT_OK;
            goto out;
        default:
            cli_usage(&cli_spec_burn, stderr);
            goto out;
        }
    }
    if (optind >= argc || !drive) {
        cli_errorf(!drive ? "no drive given: add --drive /dev/srN or --drive stdio:FILE"
                          : "no PATH given");
        cli_usage(&cli_spec_burn, stderr);
        goto out;
    }
    if (!strcmp(drive, "stdio:-") || !strcmp(drive, "stdio:/dev/stdout")) {
        cli_errorf("burning to standard output is not supported: give a file, "
                   "--drive stdio:FILE");
        goto out;
    }
    if ((opts.flags & DW_BURN_CLOSE) && !append) {
        cli_errorf("--close goes with --append (a burn without it closes the disc anyway)");
        status = EXIT_USAGE;
        goto out;
    }
    if ((status = cli_build_finish_opts(&bopts)) != EXIT_OK)
        goto out;
    bool eject_after = opts.eject && verify && !opts.dummy;
    if (eject_after)
        opts.eject = false;
    struct dw_callbacks cb;
    struct dw_burn_result res;
    struct dw_error_detail err;
    memset(&res, 0, sizeof(res));
    cli_callbacks(cli, &cb);
    if (!verify || opts.dummy)
        bopts.flags |= DW_BUILD_NO_STREAM_MD5; /* nothing reads it back */
    int rc = append ? dw_build_new_append((const char *const *)argv + optind,
                                          (size_t)(argc - optind), &bopts, drive, &b, &err)
                    : dw_build_new((const char *const *)argv + optind,
                                   (size_t)(argc - optind), &bopts, &b, &err);
    if (!rc && append)
        print_append_plan(cli, b, drive, opts.flags);
    /* an unformatted BD-RE or DVD+RW, as for an image burn: a too-large
     * folder image leaves it unformatted */
    if (!rc && !opts.dummy &&
        (status = cli_format_if_needed(cli, drive, 0, b, "the folder image")) != EXIT_OK)
        goto out;
    if (!rc)
        rc = dw_build_burn(b, drive, &opts, &cb, &res, &err);
    cli_progress_done();
    status = EXIT_OK;
    char verify_error[512] = "";
    if (rc) {
        cli_error(&err, rc);
        status = EXIT_FAILURE_;
    } else {
        if (!cli->json && !cli->quiet)
            printf(
                "burned the folder image to %s (%s, %s%s): %lld of %lld bytes, track at "
                "LBA %d\n",
                cli_safe(res.drive_address), cli_safe(res.profile_name),
                cli_safe(res.write_type), res.dummy ? ", dummy run: nothing written" : "",
                (long long)res.written_bytes, (long long)res.image_bytes, res.start_lba);
        char md5[33];
        int64_t bytes = 0;
        if (verify && !res.dummy) {
            if (dw_build_stream_md5(b, md5, &bytes) != 0 || bytes != res.image_bytes) {
                cli_errorf(
                    "the burn read %lld of %lld bytes of the folder image: not verified",
                    (long long)bytes, (long long)res.image_bytes);
                status = EXIT_FAILURE_;
            } else {
                cli_install_signals();
                rc = dw_build_readback(res.drive_address, res.start_lba, bytes / 2048,
                                       md5, &cb, &err);
                cli_progress_done();
                if (rc) {
                    cli_error(&err, rc);
                    snprintf(verify_error, sizeof(verify_error), "%s", err.message);
                    status = rc == DW_EMISMATCH ? EXIT_MISMATCH
                             : rc == DW_EREAD   ? EXIT_BAD_SECTORS
                                                : EXIT_FAILURE_;
                } else if (!cli->json && !cli->quiet) {
                    printf(
                        "verified: %lld sectors from LBA %d read back, MD5 %s matches\n",
                        (long long)(bytes / 2048), res.start_lba, md5);
                }
            }
        }
        if (eject_after) {
            struct dw_drive *d = NULL;
            if (dw_drive_open(res.drive_address, 0, &d, &err))
                cli_error(&err, DW_EIO);
            else if (dw_drive_eject(d))
                cli_error(dw_drive_last_error(d), DW_EIO);
            dw_drive_free(d);
        }
    }
    if (cli->json) {
        char *text = dw_burn_result_to_json("(folders)", &res,
                                            rc && !verify_error[0] ? err.message
                                            : verify_error[0]      ? verify_error
                                                                   : NULL,
                                            NULL, status);
        if (text)
            puts(text);
        else
            cli_errorf("out of memory: no JSON report");
        free(text);
    }
out:
    dw_build_free(b);
    free(excludes);
    return status;
}

int cli_verify_md5(struct cli *cli, const char *source)
{
    struct dw_build_md5_check res;
    struct dw_error_detail err;
    struct dw_callbacks cb;
    if (cli->json) {
        cli_errorf("verify without an IMAGE (the MD5 tags) has no JSON report: leave out "
                   "--json");
        return EXIT_USAGE;
    }
    cli_callbacks(cli, &cb);
    cli_install_signals();
    int rc = dw_build_check_md5(source, &cb, &res, &err);
    cli_progress_done();
    if (!cli->quiet && rc != DW_EUNSUPPORTED) {
        printf("verify %s against its MD5 tags (the newest session):\n",
               cli_safe(source));
        if (res.session_tag)
            printf("  session: blocks %d-%d %s\n", res.session_start_lba,
                   res.session_end_lba - 1,
                   res.session_match        ? "match their MD5 tag"
                   : res.session_unreadable ? "could not all be read"
                                            : "DIFFER from their MD5 tag");
        else
            printf("  session: no MD5 tag\n");
        printf(
            "  %lld files, %lld with an MD5 tag: %lld match, %lld differ, %lld "
            "unreadable\n",
            (long long)res.files, (long long)res.files_with_md5,
            (long long)(res.files_with_md5 - res.files_mismatch - res.files_unreadable),
            (long long)res.files_mismatch, (long long)res.files_unreadable);
        if (!rc)
            printf("  identical to what was recorded\n");
    }
    if (rc) {
        cli_error(&err, rc);
        return rc == DW_EMISMATCH ? EXIT_MISMATCH
               : rc == DW_EREAD   ? EXIT_BAD_SECTORS
                                  : EXIT_FAILURE_;
    }
    return EXIT_OK;
}

int cli_format_if_needed(struct cli *cli, const char *drive, int64_t image_sectors,
                         struct dw_build *tree, const char *what)
{
    struct dw_format_result res;
    struct dw_error_detail err;
    struct dw_callbacks cb;
    cli_callbacks(cli, &cb);
    /* The capacity check before FORMAT UNIT: a too-large image leaves the
     * medium as it was (READ FORMAT CAPACITIES gives the size to be). */
    int rc =
        dw_build_format(drive, DW_FORMAT_IF_NEEDED | DW_FORMAT_PROBE, &cb, &res, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (!res.would_format)
        return EXIT_OK;
    /* The tree is sized only here: libisofs's sizing run is not free. */
    int64_t tree_bytes = 0;
    if (tree && (rc = dw_build_image_bytes(tree, &tree_bytes, &err)) != 0) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (tree)
        image_sectors = tree_bytes / 2048;
    if (image_sectors > 0 && res.formatted_bytes > 0 &&
        image_sectors > res.formatted_bytes / 2048) {
        cli_errorf("'%s' needs %lld sectors but the medium in '%s' has only %lld free "
                   "once formatted: use a larger disc (the %s was left unformatted)",
                   cli_safe(what), (long long)image_sectors, cli_safe(drive),
                   (long long)(res.formatted_bytes / 2048), cli_safe(res.profile_name));
        return EXIT_FAILURE_;
    }
    rc = dw_build_format(drive, DW_FORMAT_IF_NEEDED, &cb, &res, &err);
    cli_progress_done();
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (res.formatted_now && !cli->quiet && !cli->json)
        printf("formatted the unformatted %s in %s first (%lld sectors)\n",
               cli_safe(res.profile_name), cli_safe(drive),
               (long long)res.formatted_bytes / 2048);
    return EXIT_OK;
}
