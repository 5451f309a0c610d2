/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright info SOURCE: drive, medium and disc layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/report.h"

const struct cli_spec cli_spec_info = {
    .name = "info",
    .summary = "show a drive, its medium and the disc layout (TOC)",
    .synopsis = "SOURCE [--json]",
    .description = "Show the drive (when SOURCE is a drive) and the medium: profile, status, "
                   "capacity, sessions, and the TOC with each track's mode, control flags, "
                   "pregap, ISRC, the MCN and CD-TEXT.",
    .footer = "SOURCE: a drive (/dev/sr0), stdio:FILE, or an image file (its formats: man\n"
              "discwright, SOURCES)\n"
              "exit status: 0 success, 1 failure (no such source, no medium, bad image),\n"
              "2 usage\n",
    .operand = CLI_COMPLETE_SOURCE,
    .groups = {cli_common_opts},
};

/* A multi-session disc: each session's start, length and, for a data
 * session, the volume id of
 * the ISO 9660 volume whose primary volume descriptor is at its first data
 * track + 16 (ECMA-119 8.4: type 1, "CD001", the id in bytes 40-71). */
static void print_session_volumes(struct dw_drive *d, const struct dw_disc *disc)
{
    uint8_t pvd[2048];
    for (int s = 0; s < disc->session_count; s++) {
        const struct dw_session *ss = &disc->sessions[s];
        int32_t start = DW_LBA_NONE, data = DW_LBA_NONE;
        for (int i = 0; i < disc->track_count; i++) {
            const struct dw_track *t = &disc->tracks[i];
            if (t->session != ss->number)
                continue;
            if (start == DW_LBA_NONE)
                start = t->index_lba[1];
            if (data == DW_LBA_NONE && dw_track_is_data(t))
                data = t->index_lba[1];
        }
        if (start == DW_LBA_NONE)
            continue;
        printf("%s  session %d: start LBA %d, %d sectors", s == 0 ? "\n" : "", ss->number, start,
               ss->leadout_lba - start);
        char id[33] = "";
        if (data != DW_LBA_NONE && dw_drive_read_user(d, data + 16, 1, pvd) == 0 &&
            pvd[0] == 1 && !memcmp(pvd + 1, "CD001", 5)) {
            memcpy(id, pvd + 40, 32);
            for (int k = 31; k >= 0 && (id[k] == ' ' || id[k] == '\0'); k--)
                id[k] = '\0';
            printf(", ISO 9660 volume '%s'\n", cli_safe(id));
        } else {
            printf(data != DW_LBA_NONE ? ", no ISO 9660 volume\n" : ", audio\n");
        }
    }
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
    const char *source = NULL;
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_drive_info info;
    struct dw_medium_info medium;
    int status = EXIT_FAILURE_;
    int parsed = cli_getopt_common_only(&cli_spec_info, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind + 1 < argc) {
        cli_usage(&cli_spec_info, stderr);
        return EXIT_USAGE;
    }
    if (optind < argc)
        source = argv[optind];
    if (!source) {
        cli_usage(&cli_spec_info, stderr);
        return EXIT_USAGE;
    }
    int rc = dw_drive_open(source, CLI_OPEN_FLAGS(cli), &d, &err);
    if (rc) {
        cli_error(&err, rc);
        return cli_exit_for(rc);
    }
    dw_drive_info(d, &info);
    rc = dw_drive_medium(d, &medium);
    if (rc) {
        cli_error(dw_drive_last_error(d), rc);
        goto out;
    }
    /* A blank disc has no TOC: show the medium all the same. */
    const struct dw_disc *disc =
        medium.status == DW_STATUS_BLANK ? NULL : dw_drive_disc(d);
    if (!disc && medium.status != DW_STATUS_BLANK) {
        cli_error(dw_drive_last_error(d), DW_EIO);
        goto out;
    }
    cli_warnings(cli, dw_drive_warnings(d));
    if (cli->json) {
        char *j = dw_info_to_json(&info, &medium, disc);
        if (j)
            puts(j);
        free(j);
    } else {
        if (info.kind == DW_DRIVE_MMC)
            printf("drive:    %s  %s %s %s\n", cli_safe(info.address), cli_safe(info.vendor),
                   cli_safe(info.model), cli_safe(info.firmware));
        else
            printf("image:    %s (%s)\n", cli_safe(info.address), info.backend);
        printf("medium:   %s, %s\n", medium.profile_name, dw_disc_status_name(medium.status));
        if (medium.is_cd)
            printf("capacity: %lld sectors\n", (long long)medium.capacity_sectors);
        else
            printf("capacity: %lld sectors (%lld bytes)\n", (long long)medium.capacity_sectors,
                   (long long)medium.capacity_sectors * medium.user_sector_bytes);
        if (disc) {
            printf("sessions: %d   tracks: %d\n\n", disc->session_count, disc->track_count);
            dw_disc_write_text(disc, stdout);
            if (disc->session_count > 1)
                print_session_volumes(d, disc);
        } else {
            printf("blank: no sessions, no tracks\n");
        }
    }
    status = EXIT_OK;
out:
    dw_drive_free(d);
    return status;
}
