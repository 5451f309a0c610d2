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

/* Per session of disc: the first track's and the first data track's LBA
 * (DW_LBA_NONE: none) and the ISO 9660 volume id of that data track
 * (dw_drive_volume_id; has_volume false when it has none). */
struct session_volume {
    int32_t start, data;
    bool has_volume;
    char id[33];
};

static void find_volumes(struct dw_drive *d, const struct dw_disc *disc,
                         struct session_volume *v)
{
    for (int s = 0; s < disc->session_count; s++) {
        const struct dw_session *ss = &disc->sessions[s];
        v[s].start = v[s].data = DW_LBA_NONE;
        v[s].has_volume = false;
        v[s].id[0] = '\0';
        for (int i = 0; i < disc->track_count; i++) {
            const struct dw_track *t = &disc->tracks[i];
            if (t->session != ss->number)
                continue;
            if (v[s].start == DW_LBA_NONE)
                v[s].start = t->index_lba[1];
            if (v[s].data == DW_LBA_NONE && dw_track_is_data(t))
                v[s].data = t->index_lba[1];
        }
        if (v[s].data != DW_LBA_NONE)
            v[s].has_volume = dw_drive_volume_id(d, v[s].data, v[s].id) == 0;
    }
}

/* A multi-session disc: each session's start, length and, for a data
 * session, its ISO 9660 volume id; a single-session data disc: one line
 * "volume:" (after the TOC, which scripts compare: see toc_of in
 * tests/emu/preload_lib.sh). */
static void print_volumes(const struct dw_disc *disc, const struct session_volume *v)
{
    if (disc->session_count == 1 && v[0].data != DW_LBA_NONE) {
        if (v[0].has_volume)
            printf("volume:   '%s'\n", cli_safe(v[0].id));
        else
            printf("volume:   no ISO 9660 volume\n");
    }
    for (int s = 0; disc->session_count > 1 && s < disc->session_count; s++) {
        const struct dw_session *ss = &disc->sessions[s];
        if (v[s].start == DW_LBA_NONE)
            continue;
        printf("%s  session %d: start LBA %d, %d sectors", s == 0 ? "\n" : "", ss->number,
               v[s].start, ss->leadout_lba - v[s].start);
        if (v[s].has_volume)
            printf(", ISO 9660 volume '%s'\n", cli_safe(v[s].id));
        else
            printf(v[s].data != DW_LBA_NONE ? ", no ISO 9660 volume\n" : ", audio\n");
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
    struct session_volume volumes[DW_MAX_SESSIONS];
    const char *volume_ids[DW_MAX_SESSIONS];
    if (disc) {
        find_volumes(d, disc, volumes);
        for (int s = 0; s < disc->session_count; s++)
            volume_ids[s] = volumes[s].has_volume ? volumes[s].id : NULL;
    }
    if (cli->json) {
        char *j = dw_info_to_json_volumes(&info, &medium, disc, disc ? volume_ids : NULL);
        if (j)
            puts(j);
        else
            cli_errorf("out of memory: no JSON report");
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
            print_volumes(disc, volumes);
        } else {
            printf("blank: no sessions, no tracks\n");
        }
    }
    status = EXIT_OK;
out:
    dw_drive_free(d);
    return status;
}
