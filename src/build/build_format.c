/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Media management: formatting DVD+RW, DVD-RW (to restricted overwrite),
 * BD-RE and BD-R (defect management) through libburn's burn_disc_format
 * (MMC-6 6.5 FORMAT UNIT, 6.24 READ FORMAT CAPACITIES).  libburn is held
 * under the library's libburn lock from burn_initialize to burn_finish, as
 * every user of it in the library does (drive/drive_int.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libburn/libburn.h>
#include "discwright/build.h"
#include "drive/drive_int.h"
#include "errors_int.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* libburn's queued messages to the log; the worst FAILURE-class text is
 * kept for the error. */
static void drain(const struct dw_callbacks *cb, char *worst, size_t worst_bytes)
{
    char text[BURN_MSGS_MESSAGE_LEN], sev[80];
    int code, os_errno;
    while (burn_msgs_obtain("ALL", &code, text, &os_errno, sev) == 1) {
        bool bad =
            !strcmp(sev, "SORRY") || !strcmp(sev, "FAILURE") || !strcmp(sev, "FATAL");
        if (bad && worst)
            snprintf(worst, worst_bytes, "%.300s", text);
        if (cb && cb->log && (bad || !strcmp(sev, "WARNING") || !strcmp(sev, "NOTE"))) {
            char line[BURN_MSGS_MESSAGE_LEN + 32];
            snprintf(line, sizeof(line), "libburn: %s", text);
            cb->log(bad ? DW_LOG_ERROR : DW_LOG_INFO, line, cb->user);
        }
    }
}

static bool formattable(int profile)
{
    return profile == 0x13 || profile == 0x14 || profile == 0x1A || profile == 0x41 ||
           profile == 0x43;
}

/* The size FORMAT UNIT would give the medium, from READ FORMAT CAPACITIES
 * (MMC-6 6.24): the largest formattable capacity descriptor of the format
 * type the format below asks libburn for (DVD+RW 26h; BD-RE 00h with
 * spare areas, 31h without; DVD-RW 00h full, 15h quick; BD-R 00h),
 * else the current/maximum capacity descriptor's size (max_bytes).  The
 * largest, so that a probe never refuses what the format would hold. */
static int64_t probe_bytes(struct burn_drive *d, int profile, unsigned flags, int num,
                           int64_t max_bytes)
{
    int want = profile == 0x1A                                   ? 0x26
               : profile == 0x43 && (flags & DW_FORMAT_NO_SPARE) ? 0x31
                                                                 : 0x00;
    int64_t best = 0;
    for (int i = 0; i < num; i++) {
        int type = 0;
        off_t bytes = 0;
        unsigned tdp = 0;
        if (burn_disc_get_format_descr(d, i, &type, &bytes, &tdp) != 1)
            continue;
        if ((type == want || (profile == 0x14 && type == 0x15)) && (int64_t)bytes > best)
            best = (int64_t)bytes;
    }
    return best > 0 ? best : max_bytes;
}

/* long function: libburn's format protocol in its order (initialize, grab,
 * status, profile, formats, format, poll, re-read) with one release path. */
int dw_build_format(const char *drive_address, unsigned flags,
                    const struct dw_callbacks *cb, struct dw_format_result *res,
                    struct dw_error_detail *err)
{
    struct dw_format_result local;
    struct burn_drive_info *infos = NULL;
    struct burn_drive *d = NULL;
    char adr[BURN_DRIVE_ADR_LEN], worst[400] = "";
    int rc = 0;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!res)
        res = &local;
    memset(res, 0, sizeof(*res));
    if (!drive_address || (flags & ~(DW_FORMAT_NO_SPARE | DW_FORMAT_FORCE |
                                     DW_FORMAT_IF_NEEDED | DW_FORMAT_PROBE)))
        return dw__set_error(err, DW_EINVAL,
                             "dw_build_format: no drive or unknown flags");
    bool if_needed = flags & DW_FORMAT_IF_NEEDED;
    if (!strncmp(drive_address, "stdio:", 6) && if_needed)
        return 0;
    if (!strncmp(drive_address, "stdio:", 6))
        return dw__set_error(
            err, DW_EMEDIUM,
            "'%s' is a file, which needs no formatting: burn to it directly",
            drive_address);
    if (strlen(drive_address) >= sizeof(adr))
        return dw__set_error(err, DW_EINVAL, "the drive address '%s' is too long",
                             drive_address);
    dw__libburn_lock();
    if (!burn_initialize()) {
        dw__libburn_unlock();
        return dw__set_error(err, DW_ELIB, "libburn did not start");
    }
    burn_msgs_set_severities("ALL", "NEVER", "discwright: ");
    char in[BURN_DRIVE_ADR_LEN];
    snprintf(in, sizeof(in), "%s", drive_address);
    if (burn_drive_convert_fs_adr(in, adr) != 1)
        snprintf(adr, sizeof(adr), "%s", drive_address);
    if (burn_drive_scan_and_grab(&infos, adr, 1) != 1 || !infos || !infos[0].drive) {
        drain(cb, worst, sizeof(worst));
        rc = dw__set_error(err, DW_ENODRIVE,
                           "cannot use the drive at '%s'%s%s: check the name "
                           "and that no other program uses it",
                           drive_address, worst[0] ? ": " : "", worst);
        goto out;
    }
    d = infos[0].drive;
    enum burn_disc_status st;
    while ((st = burn_disc_get_status(d)) == BURN_DISC_UNREADY)
        sleep_ms(100);
    if (if_needed && st == BURN_DISC_EMPTY)
        goto out; /* the burn says it */
    if (st == BURN_DISC_EMPTY) {
        rc = dw__set_error(err, DW_ENOMEDIUM,
                           "no medium in '%s': insert the disc to format", drive_address);
        goto out;
    }
    if (burn_disc_get_profile(d, &res->profile, res->profile_name) != 1)
        res->profile = 0;
    if (if_needed && res->profile != 0x1A && res->profile != 0x43)
        goto out;
    if (!formattable(res->profile)) {
        rc = dw__set_error(
            err, DW_EMEDIUM,
            "the medium in '%s' (%s) cannot be formatted: only DVD+RW, DVD-RW, "
            "BD-RE and BD-R can (a CD-RW is blanked with "
            "'discwright blank')",
            drive_address, res->profile_name[0] ? res->profile_name : "unknown");
        goto out;
    }
    int fstatus = 0, num = 0;
    off_t size = 0;
    unsigned bl_sas = 0;
    if (burn_disc_get_formats(d, &fstatus, &size, &bl_sas, &num) == 1 &&
        (fstatus == BURN_FORMAT_IS_FORMATTED ||
         (if_needed && fstatus != BURN_FORMAT_IS_UNFORMATTED)) &&
        res->profile != 0x14 && !(flags & DW_FORMAT_FORCE)) {
        res->already_formatted = true;
        res->formatted_bytes = (int64_t)size;
        goto out;
    }
    if (flags & DW_FORMAT_PROBE) {
        res->would_format = true;
        res->formatted_bytes = probe_bytes(d, res->profile, flags, num, (int64_t)size);
        goto out;
    }
    /* Default size (libburn picks the format type: DVD+RW 26h, DVD-RW
     * restricted overwrite, BD-RE 00h/30h/31h, BD-R SRM+POW off). */
    int fflag = 3 << 1;
    if (flags & DW_FORMAT_NO_SPARE)
        fflag |= (1 << 5) | (1 << 6);
    if (flags & DW_FORMAT_FORCE)
        fflag |= 1 << 4;
    if (cb && cb->log) {
        char line[320];
        snprintf(line, sizeof(line), "formatting the unformatted %s in '%.100s' first",
                 res->profile_name, drive_address);
        if (if_needed)
            cb->log(DW_LOG_INFO, line, cb->user);
    }
    burn_disc_format(d, 0, fflag);
    struct burn_progress prog;
    struct dw_progress p = {
        .phase = "format", .total_sectors = 65536, .buffer_fill_percent = -1};
    while (burn_drive_get_status(d, &prog) != BURN_DRIVE_IDLE) {
        drain(cb, worst, sizeof(worst));
        if (cb && cb->progress && prog.sectors > 0) {
            p.done_sectors = (int64_t)prog.sector * 65536 / prog.sectors;
            (void)cb->progress(&p, cb->user); /* FORMAT UNIT cannot be stopped safely */
        }
        sleep_ms(100);
    }
    drain(cb, worst, sizeof(worst));
    if (burn_drive_wrote_well(d) != 1) {
        rc = dw__set_error(err, DW_EWRITE, "formatting the %s in '%s' failed%s%s",
                           res->profile_name, drive_address, worst[0] ? ": " : "", worst);
        goto out;
    }
    while (burn_disc_get_status(d) == BURN_DISC_UNREADY)
        sleep_ms(100);
    burn_disc_get_profile(d, &res->profile, res->profile_name);
    if (burn_disc_get_formats(d, &fstatus, &size, &bl_sas, &num) == 1)
        res->formatted_bytes = (int64_t)size;
    res->formatted_now = true;
    if (fstatus != BURN_FORMAT_IS_FORMATTED && res->profile != 0x13)
        rc = dw__set_error(
            err, DW_EWRITE,
            "the %s in '%s' still reports itself unformatted after FORMAT UNIT: "
            "try again, or another disc",
            res->profile_name, drive_address);
out:
    if (d)
        burn_drive_release(d, 0);
    if (infos)
        burn_drive_info_free(infos);
    drain(NULL, NULL, 0);
    burn_finish();
    dw__libburn_unlock();
    return rc;
}
