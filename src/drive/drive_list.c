/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Enumerate optical drives: libburn's bus scan and libcdio's device list,
 * merged by device path, each drive then asked through the mmc backend
 * (INQUIRY, TEST UNIT READY) for its ids and whether a medium is loaded.
 *
 * Order matters: burn_drive_scan() leaves the drives it found open with
 * O_EXCL until burn_drive_info_free(), so libburn is done and shut down
 * (burn_finish) before the mmc backend opens anything.
 *
 * libburn state is process-wide: burn_finish() shuts the library down for
 * the whole process and burn_msgs_set_severities() changes what every user
 * of it sees.  The scan holds dw__libburn_lock (drive_int.h) from
 * burn_initialize to burn_finish, as the burn layer does for a whole job,
 * so a listing made while another thread burns waits for the burn. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cdio/cdio.h>
#include <libburn/libburn.h>
#include "drive/drive_int.h"

#define LIST_SCAN_POLL_MS 50
#define LIST_SCAN_MAX_MS 30000 /* burn_drive_scan normally needs a second or two */

struct found {
    char path[512]; /* canonical path (symlinks resolved); the size
                       of dw_drive_info.address */
    char vendor[9], model[17], firmware[5];
    bool from_burn; /* ids came from libburn */
};

struct found_list {
    struct found *items;
    int count, cap;
};

/* The path a device is known by: /dev/cdrom and /dev/sr0 are one drive. */
static void canonical_path(const char *path, char out[PATH_MAX])
{
    char resolved[PATH_MAX];

    if (realpath(path, resolved))
        snprintf(out, PATH_MAX, "%s", resolved);
    else
        snprintf(out, PATH_MAX, "%s", path);
}

/* Copy an id from libburn, trimming the blanks of the INQUIRY field. */
static void copy_id(char *dst, size_t dst_bytes, const char *src)
{
    size_t start = 0, end = strnlen(src, dst_bytes - 1), n;

    while (start < end && src[start] == ' ')
        start++;
    while (end > start && src[end - 1] == ' ')
        end--;
    n = end - start;
    memcpy(dst, src + start, n);
    dst[n] = '\0';
}

/* Find path in the list or add it: 0 with *f set, 0 with *f NULL for a
 * path too long to report, DW_ENOMEM. */
static int list_add(struct found_list *list, const char *path, struct found **f)
{
    char canon[PATH_MAX];
    size_t len;

    *f = NULL;
    canonical_path(path, canon);
    len = strlen(canon);
    if (len >= sizeof(list->items[0].path))
        return 0;
    for (int i = 0; i < list->count; i++)
        if (strcmp(list->items[i].path, canon) == 0) {
            *f = &list->items[i];
            return 0;
        }
    if (list->count == list->cap) {
        int cap = list->cap ? list->cap * 2 : 8;
        struct found *grown = realloc(list->items, (size_t)cap * sizeof(*grown));
        if (!grown)
            return DW_ENOMEM;
        list->items = grown;
        list->cap = cap;
    }
    *f = &list->items[list->count++];
    memset(*f, 0, sizeof(**f));
    memcpy((*f)->path, canon, len + 1);
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Drives libburn finds (it probes /dev/sr* with SG_IO).  Nothing is
 * printed: libburn messages are neither queued nor printed during the
 * scan.  Returns DW_ENOMEM or 0 (a failed scan just finds nothing). */
static int scan_libburn(struct found_list *list)
{
    struct burn_drive_info *infos = NULL;
    unsigned int n = 0;
    int ret, rc = 0;
    unsigned waited_ms = 0;

    static char never[] = "NEVER", print_id[] = "discwright : ";

    dw__libburn_lock();
    if (!burn_initialize()) {
        dw__libburn_unlock();
        return 0;
    }
    burn_msgs_set_severities(never, never, print_id);
    while ((ret = burn_drive_scan(&infos, &n)) == 0 && waited_ms < LIST_SCAN_MAX_MS) {
        sleep_ms(LIST_SCAN_POLL_MS);
        waited_ms += LIST_SCAN_POLL_MS;
    }
    if (ret > 0 && infos) {
        for (unsigned int i = 0; i < n && !rc; i++) {
            char adr[BURN_DRIVE_ADR_LEN];
            struct found *f;
            if (burn_drive_d_get_adr(infos[i].drive, adr) <= 0 || !adr[0])
                continue;
            rc = list_add(list, adr, &f);
            if (rc || !f)
                continue;
            copy_id(f->vendor, sizeof(f->vendor), infos[i].vendor);
            copy_id(f->model, sizeof(f->model), infos[i].product);
            copy_id(f->firmware, sizeof(f->firmware), infos[i].revision);
            f->from_burn = true;
        }
    }
    if (infos)
        burn_drive_info_free(infos);
    burn_finish();
    dw__libburn_unlock();
    return rc;
}

/* Drives libcdio lists (on Linux /dev/cdrom, /dev/dvd, mounted iso9660
 * devices and /dev/sr0..27 that answer CDROM_GET_CAPABILITY). */
static int scan_libcdio(struct found_list *list)
{
#ifdef __linux__
    char **devices = cdio_get_devices(DRIVER_LINUX);
#else
    char **devices = cdio_get_devices(DRIVER_DEVICE);
#endif
    int rc = 0;

    for (char **p = devices; p && *p && !rc; p++) {
        struct found *f;
        rc = list_add(list, *p, &f);
    }
    cdio_free_device_list(devices);
    return rc;
}

static int by_address(const void *a, const void *b)
{
    const struct dw_drive_info *x = a, *y = b;
    return strverscmp(x->address, y->address);
}

int dw_drive_list(struct dw_drive_info **out, int *count)
{
    struct found_list list = {NULL, 0, 0};
    struct dw_drive_info *infos = NULL;
    int n = 0, rc;

    if (!out || !count)
        return DW_EINVAL;
    *out = NULL;
    *count = 0;
    rc = scan_libburn(&list);
    if (!rc)
        rc = scan_libcdio(&list);
    if (rc)
        goto out;
    if (list.count == 0)
        goto out;
    infos = calloc((size_t)list.count, sizeof(*infos));
    if (!infos) {
        rc = DW_ENOMEM;
        goto out;
    }
    for (int i = 0; i < list.count; i++) {
        const struct found *f = &list.items[i];
        struct dw_drive_info *info = &infos[n];
        struct dw_drive probe;
        struct dw_error_detail err;
        int open_rc;

        memset(&probe, 0, sizeof(probe));
        probe.last_error.lba = DW_NO_LBA;
        open_rc = dw__drive_open_mmc(&probe, f->path, &err);
        if (open_rc == DW_ENODRIVE || open_rc == DW_ENOENT)
            continue; /* not an optical drive after all, or gone */
        info->kind = DW_DRIVE_MMC;
        snprintf(info->address, sizeof(info->address), "%s", f->path);
        snprintf(info->backend, sizeof(info->backend), "mmc");
        snprintf(info->vendor, sizeof(info->vendor), "%s", f->vendor);
        snprintf(info->model, sizeof(info->model), "%s", f->model);
        snprintf(info->firmware, sizeof(info->firmware), "%s", f->firmware);
        if (open_rc == 0) {
            struct dw_drive_info probed;
            memset(&probed, 0, sizeof(probed));
            if (probe.ops->info(&probe, &probed) == 0) {
                if (!f->from_burn || !info->vendor[0]) {
                    snprintf(info->vendor, sizeof(info->vendor), "%s", probed.vendor);
                    snprintf(info->model, sizeof(info->model), "%s", probed.model);
                    snprintf(info->firmware, sizeof(info->firmware), "%s",
                             probed.firmware);
                }
                info->medium_loaded = probed.medium_loaded;
            }
            probe.ops->close(&probe);
        }
        free(probe.warnings);
        n++;
    }
    if (n == 0) {
        free(infos);
        infos = NULL;
    } else {
        qsort(infos, (size_t)n, sizeof(*infos), by_address);
    }
out:
    free(list.items);
    if (rc) {
        free(infos);
        return rc;
    }
    *out = infos;
    *count = n;
    return 0;
}
