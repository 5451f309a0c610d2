/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Burn layer: an image to a medium through libburn.
 *
 * libburn (libburn/libburn.h, 1.5.4) does the MMC-6 work: it grabs the
 * drive, chooses the write type (TAO/SAO, 4.x write features), sends the
 * data from its own writer thread and closes track and session.  This file
 * checks everything it can before the first byte is written (image shape,
 * target, medium status, write type, capacity), drives libburn's
 * asynchronous burn, turns its message queue into our error messages and
 * log lines, and always releases the drive.
 *
 * libburn keeps global state (burn_initialize ... burn_finish, one message
 * queue), so every public call here runs under the process-wide libburn
 * lock (dw__libburn_lock, shared with the drive list's bus scan).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libburn/libburn.h>

#include "discwright/burn.h"
#include "burn/burn_int.h"
#include "drive/drive_int.h"

/* libburn's API passes off_t; the library is built with 64-bit off_t. */
_Static_assert(sizeof(off_t) == 8, "build with _FILE_OFFSET_BITS=64");

#define STDIO_PREFIX "stdio:"
#define STDIO_PREFIX_LEN 6
#define POLL_MS 100
#define FIFO_CHUNKS 2048       /* 2048 x 2048 bytes = 4 MiB, cdrskin's default */
#define STDIO_BLOCK_BYTES (1 << 20) /* a stdio: target's reads (block_source.c) */
#define STATUS_WAIT_MS 30000   /* how long a medium may stay BURN_DISC_UNREADY */
#define BLANK_STEPS 0x10000    /* libburn's relative progress on blank */
#define THREAD_END_WAIT_MS 30000
/* libburn's message "Write thread on drive N ended" (libdax_msgs.h): the
 * last thing its writer thread says before it unlists itself. */
#define LIBBURN_MSG_WRITE_THREAD_ENDED 0x00020178


/* ------------------------------------------------------------------ */
/* Errors                                                               */

static int fail(struct dw_error_detail *err, int code, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct dw_error_detail *err, int code, int sys_errno, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    err->sys_errno = sys_errno;
    err->sense_key = -1;
    err->asc = -1;
    err->ascq = -1;
    err->lba = DW_NO_LBA;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

/* strerror with a lowercase first letter, for our lowercase messages. */
static const char *errno_text(int e, char *buf, size_t len)
{
    snprintf(buf, len, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static void copy_str(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* ------------------------------------------------------------------ */
/* Pure helpers (burn_int.h)                                            */

int dw__burn_check_capacity(int64_t image_sectors, int64_t free_bytes,
                            const char *image_path, const char *drive_address,
                            struct dw_error_detail *err)
{
    int64_t free_sectors = free_bytes > 0 ? free_bytes / DW__BURN_SECTOR_BYTES : 0;

    if (image_sectors <= free_sectors)
        return 0;
    if (strncmp(drive_address, STDIO_PREFIX, STDIO_PREFIX_LEN) == 0)
        return fail(err, DW_ENOSPC, ENOSPC,
                    "'%s' needs %lld sectors but the file system of '%s' has only "
                    "%lld free: free some space or write the image elsewhere",
                    image_path, (long long)image_sectors, drive_address,
                    (long long)free_sectors);
    return fail(err, DW_ENOSPC, ENOSPC,
                "'%s' needs %lld sectors but the medium in '%s' has only %lld free: "
                "use a larger disc",
                image_path, (long long)image_sectors, drive_address,
                (long long)free_sectors);
}

enum medium_family { FAMILY_CD, FAMILY_DVD, FAMILY_BD };

static enum medium_family profile_family(int profile)
{
    if (profile >= 0x08 && profile <= 0x0a)
        return FAMILY_CD;
    if (profile >= 0x40 && profile <= 0x43)
        return FAMILY_BD;
    return FAMILY_DVD; /* DVD profiles, stdio: files (libburn: like DVD-RAM) */
}

int64_t dw__burn_1x_bytes_per_s(int profile)
{
    switch (profile_family(profile)) {
    case FAMILY_CD:
        return 176400;
    case FAMILY_BD:
        return 4495500;
    default:
        return 1385000;
    }
}

int dw__burn_speed_kbps(int profile, double speed_x)
{
    /* 1x in units of 100 bytes/s, so that the products stay exact */
    double tenths = (double)dw__burn_1x_bytes_per_s(profile) / 100.0;
    double kb;
    long long k;

    if (!(speed_x > 0.0) || !isfinite(speed_x))
        return 0;
    kb = speed_x * tenths / 10.0;
    if (kb >= (double)INT_MAX)
        return INT_MAX;
    k = (long long)kb;
    if ((double)k < kb)
        k++; /* libburn.h: "Fractional speeds should be rounded up" */
    return (int)k;
}

bool dw__burn_profile_overwritable(int profile, int drive_role)
{
    switch (profile) {
    case 0x12: /* DVD-RAM */
    case 0x13: /* DVD-RW restricted overwrite */
    case 0x1a: /* DVD+RW */
    case 0x43: /* BD-RE */
        return true;
    case 0xffff: /* stdio: random access read-write or write-only */
        return drive_role == 2 || drive_role == 5;
    default:
        return false;
    }
}

const char *dw__burn_write_type_name(int write_type)
{
    switch (write_type) {
    case BURN_WRITE_TAO:
        return "TAO";
    case BURN_WRITE_SAO:
        return "SAO";
    case BURN_WRITE_RAW:
        return "RAW";
    case BURN_WRITE_PACKET:
        return "PACKET";
    default:
        return "NONE";
    }
}

/* ------------------------------------------------------------------ */
/* libburn session: init, messages, signals, drive                       */

struct burn_run {
    const struct dw_callbacks *cb;
    struct burn_drive_info *infos; /* from burn_drive_scan_and_grab */
    struct burn_drive *drive;      /* infos[0].drive while grabbed */
    bool libburn_up;
    /* the most severe libburn message (WARNING or worse) seen so far */
    int worst_sev;
    int worst_errno;
    char worst_text[320];
    int sev_warning;
    bool write_thread_ended;       /* LIBBURN_MSG_WRITE_THREAD_ENDED seen */
    /* signal handlers replaced while the drive is grabbed */
    bool signals_installed;
    struct sigaction old_actions[3];
};

static const int caught_signals[3] = {SIGINT, SIGTERM, SIGHUP};
static volatile sig_atomic_t signal_seen;

static void on_signal(int signum)
{
    signal_seen = signum;
}

static void signals_install(struct burn_run *run)
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* libburn's threads block signals; ours go on */
    signal_seen = 0;
    for (i = 0; i < sizeof caught_signals / sizeof caught_signals[0]; i++)
        sigaction(caught_signals[i], &sa, &run->old_actions[i]);
    run->signals_installed = true;
}

static void signals_restore(struct burn_run *run)
{
    size_t i;

    if (!run->signals_installed)
        return;
    for (i = 0; i < sizeof caught_signals / sizeof caught_signals[0]; i++)
        sigaction(caught_signals[i], &run->old_actions[i], NULL);
    run->signals_installed = false;
}

static void log_line(const struct burn_run *run, enum dw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_line(const struct burn_run *run, enum dw_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (run->cb == NULL || run->cb->log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    run->cb->log(level, line, run->cb->user);
}

/* Move libburn's queued messages to the log callback and remember the most
 * severe one (the first of the highest severity: later ones tend to be
 * consequences, such as "burn run failed"). */
static void drain_messages(struct burn_run *run)
{
    static char min_sev[] = "ALL";
    char text[BURN_MSGS_MESSAGE_LEN];
    char sev[80];
    int code, os_errno, sevno, sev_debug = 0;
    size_t len;
    enum dw_log_level level;

    if (!run->libburn_up)
        return;
    burn_text_to_sev("UPDATE", &sev_debug, 0);
    while (burn_msgs_obtain(min_sev, &code, text, &os_errno, sev) == 1) {
        len = strlen(text);
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
            text[--len] = '\0';
        sevno = 0;
        burn_text_to_sev(sev, &sevno, 0);
        if (sevno >= run->sev_warning)
            level = sevno > run->sev_warning ? DW_LOG_ERROR : DW_LOG_WARN;
        else if (sevno > sev_debug)
            level = DW_LOG_INFO;
        else
            level = DW_LOG_DEBUG;
        if (code == LIBBURN_MSG_WRITE_THREAD_ENDED)
            run->write_thread_ended = true;
        log_line(run, level, "libburn %s: %s", sev, text);
        if (sevno >= run->sev_warning && sevno > run->worst_sev) {
            run->worst_sev = sevno;
            run->worst_errno = os_errno;
            copy_str(run->worst_text, sizeof run->worst_text, text);
        }
    }
}

/* ": libburn says '...'" for a message, or "" if libburn said nothing. */
static const char *libburn_reason(const struct burn_run *run, char *buf, size_t len)
{
    if (run->worst_text[0] == '\0')
        return "";
    snprintf(buf, len, " (libburn: %s)", run->worst_text);
    return buf;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        if (signal_seen)
            break;
}

/* Lock, start libburn, make it queue (not print) its messages. */
static int run_begin(struct burn_run *run, const struct dw_callbacks *cb,
                     struct dw_error_detail *err)
{
    static char queue_sev[] = "ALL", print_sev[] = "NEVER", print_id[] = "discwright : ";

    memset(run, 0, sizeof *run);
    run->cb = cb;
    run->worst_sev = -1;
    dw__libburn_lock();
    if (!burn_initialize()) {
        dw__libburn_unlock();
        return fail(err, DW_ELIB, 0,
                    "cannot start libburn: check that the libburn library is "
                    "installed and matches the one discwright was built with");
    }
    run->libburn_up = true;
    /* libburn's default queue severity is "NEVER": errors would vanish */
    burn_msgs_set_severities(queue_sev, print_sev, print_id);
    burn_text_to_sev("WARNING", &run->sev_warning, 0);
    return 0;
}

/* Release the drive if grabbed (it is idle whenever we get here). */
static void run_release(struct burn_run *run, bool eject)
{
    if (run->drive != NULL) {
        burn_drive_release(run->drive, eject ? 1 : 0);
        run->drive = NULL;
    }
    if (run->infos != NULL) {
        burn_drive_info_free(run->infos);
        run->infos = NULL;
    }
}

/* Release the drive, stop libburn, restore signals, unlock.  libburn
 * objects (sources, tracks, write options) must be freed before. */
static void run_end(struct burn_run *run, bool eject)
{
    run_release(run, eject);
    signals_restore(run);
    if (run->libburn_up) {
        drain_messages(run);
        burn_finish();
        run->libburn_up = false;
        dw__libburn_unlock();
    }
}

/* Grab the drive at libburn address adr; user_address is for messages. */
static int run_grab(struct burn_run *run, char *adr, const char *user_address,
                    struct dw_error_detail *err)
{
    char why[400];
    int ret;

    ret = burn_drive_scan_and_grab(&run->infos, adr, 1);
    drain_messages(run);
    if (ret == 1 && run->infos != NULL && run->infos[0].drive != NULL) {
        run->drive = run->infos[0].drive;
        return 0;
    }
    if (run->infos != NULL) {
        burn_drive_info_free(run->infos);
        run->infos = NULL;
    }
    if (run->worst_errno == EBUSY || strstr(run->worst_text, "busy") != NULL)
        return fail(err, DW_EBUSY, EBUSY,
                    "the drive at '%s' is in use by another program: close it and "
                    "try again%s",
                    user_address, libburn_reason(run, why, sizeof why));
    if (run->worst_errno == EACCES || run->worst_errno == EPERM)
        return fail(err, DW_EACCES, run->worst_errno,
                    "no permission to use the drive at '%s': join the group that "
                    "owns it (often 'cdrom')%s",
                    user_address, libburn_reason(run, why, sizeof why));
    return fail(err, DW_ENODRIVE, run->worst_errno,
                "no drive at '%s': list drives with 'discwright drives'%s", user_address,
                libburn_reason(run, why, sizeof why));
}

/* Wait until libburn knows the medium status (burn_disc_get_status may
 * report BURN_DISC_UNREADY for a while after loading). */
static enum burn_disc_status medium_status(struct burn_run *run)
{
    enum burn_disc_status st;
    long waited = 0;

    while ((st = burn_disc_get_status(run->drive)) == BURN_DISC_UNREADY &&
           waited < STATUS_WAIT_MS && !signal_seen) {
        sleep_ms(POLL_MS);
        waited += POLL_MS;
    }
    return st;
}

/* Wait until libburn's writer thread is really gone.  On a cancelled or
 * failed burn libburn 1.5.4 reports BURN_DRIVE_IDLE about 0.5 s before its
 * writer thread ends (write.c sleeps on the failure path), and that thread
 * still frees the write options, queues a message and unlists itself: a
 * release, burn_finish or next burn_disc_write in that window races with
 * it ("A drive operation is still going on (want to write)").  Its last
 * message is the only sign of its end that the API shows. */
static void wait_write_thread(struct burn_run *run)
{
    long waited = 0;

    drain_messages(run);
    while (!run->write_thread_ended && waited < THREAD_END_WAIT_MS) {
        sleep_ms(POLL_MS / 5);
        waited += POLL_MS / 5;
        drain_messages(run);
    }
    sleep_ms(POLL_MS / 5); /* from that message to remove_worker() */
}

/* ------------------------------------------------------------------ */
/* Image and target                                                     */

static int check_image(const char *path, int64_t *bytes, struct dw_error_detail *err)
{
    struct stat st;
    char e[128];
    int fd;

    if (stat(path, &st) != 0) {
        int se = errno;

        return fail(err, dw_error_from_errno(se), se, "cannot open image '%s': %s", path,
                    errno_text(se, e, sizeof e));
    }
    if (S_ISDIR(st.st_mode))
        return fail(err, DW_EINVAL, EISDIR,
                    "'%s' is a directory, not an image: give the path of an .iso file",
                    path);
    if (!S_ISREG(st.st_mode))
        return fail(err, DW_EINVAL, 0,
                    "'%s' is not a regular file: burn an image file (copy a stream "
                    "into a file first)",
                    path);
    if (st.st_size == 0)
        return fail(err, DW_EINVAL, 0, "'%s' is empty: there is nothing to burn", path);
    if (st.st_size % DW__BURN_SECTOR_BYTES != 0)
        return fail(err, DW_EINVAL, 0,
                    "'%s' is %lld bytes, not a whole number of %d-byte sectors: "
                    "it is not an ISO image",
                    path, (long long)st.st_size, DW__BURN_SECTOR_BYTES);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int se = errno;

        return fail(err, dw_error_from_errno(se), se, "cannot read image '%s': %s", path,
                    errno_text(se, e, sizeof e));
    }
    close(fd);
    *bytes = (int64_t)st.st_size;
    return 0;
}

/* The directory part of path ("." for a bare name); len > 1. */
static void dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (slash == NULL) {
        copy_str(dir, len, ".");
        return;
    }
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= len)
        n = len - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
}

struct target {
    bool is_stdio;
    bool via_part;      /* new regular file: written as <path>.part, renamed */
    bool existing_file; /* an existing regular file overwritten in place */
    const char *path;   /* stdio: path (points into the caller's address) */
    char part_path[PATH_MAX];
    char adr[BURN_DRIVE_ADR_LEN]; /* what libburn gets */
};

/* Whether the file at path holds a disc image: an ISO 9660 ("CD001") or UDF
 * ("BEA01", "NSR02", "NSR03") volume descriptor at byte 32768 (ECMA-119
 * 8.1, ECMA-167 2/9.1). */
static bool holds_image(const char *path)
{
    char vd[6] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool got = pread(fd, vd, 5, 32768 + 1) == 5;
    close(fd);
    return got && (!memcmp(vd, "CD001", 5) || !memcmp(vd, "BEA01", 5) ||
                   !memcmp(vd, "NSR02", 5) || !memcmp(vd, "NSR03", 5));
}

static int check_stdio_target(struct target *t, const char *address, unsigned flags,
                              struct dw_error_detail *err)
{
    const char *path = address + STDIO_PREFIX_LEN;
    char dir[PATH_MAX], e[128];
    struct stat st;
    int n;

    t->is_stdio = true;
    t->path = path;
    if (path[0] == '\0')
        return fail(err, DW_EINVAL, 0,
                    "'%s' names no file: give one, e.g. 'stdio:/tmp/image.iso'", address);
    if (strlen(address) >= sizeof t->adr || strlen(path) + 6 >= sizeof t->part_path)
        return fail(err, DW_EINVAL, ENAMETOOLONG, "the path in '%s' is too long", address);
    copy_str(t->adr, sizeof t->adr, address);
    /* stdout and inherited descriptors: libburn's own business */
    if (strcmp(path, "-") == 0 || strncmp(path, "/dev/fd/", 8) == 0)
        return 0;

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(err, DW_EINVAL, EISDIR,
                        "'%s' is a directory: name a file in it, e.g. '%s/image.iso'",
                        address, address);
        if (access(path, W_OK) != 0) {
            int se = errno;

            return fail(err, dw_error_from_errno(se), se, "cannot write '%s': %s", path,
                        errno_text(se, e, sizeof e));
        }
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
            return fail(err, DW_EINVAL, 0,
                        "'%s' is not a regular file or a block device (it is a %s): a burn "
                        "cannot write an image there; name a file, e.g. 'stdio:/tmp/image.iso'",
                        path, S_ISCHR(st.st_mode)    ? "character device"
                              : S_ISFIFO(st.st_mode) ? "FIFO"
                              : S_ISSOCK(st.st_mode) ? "socket"
                                                     : "special file");
        if (S_ISREG(st.st_mode) && st.st_size > 0 && !(flags & DW_BURN_OVERWRITE) &&
            !holds_image(path))
            return fail(err, DW_EEXIST, EEXIST,
                        "'%s' exists and holds no disc image: burning would write over it; "
                        "add --overwrite if that is what you want, or name a new file",
                        path);
        t->existing_file = S_ISREG(st.st_mode);
        return 0;
    }
    if (errno != ENOENT) {
        int se = errno;

        return fail(err, dw_error_from_errno(se), se, "cannot write '%s': %s", path,
                    errno_text(se, e, sizeof e));
    }

    /* a new file: its directory must exist and be writable */
    dir_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0) {
        int se = errno;

        return fail(err, dw_error_from_errno(se), se,
                    "cannot create '%s': directory '%s' %s: create it or write elsewhere",
                    path, dir, se == ENOENT ? "does not exist" : errno_text(se, e, sizeof e));
    }
    if (!S_ISDIR(st.st_mode))
        return fail(err, DW_ENOENT, ENOTDIR,
                    "cannot create '%s': '%s' is not a directory", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return fail(err, DW_EACCES, EACCES,
                    "cannot create '%s': directory '%s' is not writable: write elsewhere "
                    "or fix its permissions",
                    path, dir);

    /* Written as <path>.part and renamed when complete (DESIGN: an
     * interrupted run never leaves a file that looks whole). */
    t->via_part = true;
    snprintf(t->part_path, sizeof t->part_path, "%s.part", path);
    n = snprintf(t->adr, sizeof t->adr, STDIO_PREFIX "%s", t->part_path);
    if (n < 0 || (size_t)n >= sizeof t->adr)
        return fail(err, DW_EINVAL, ENAMETOOLONG, "the path in '%s' is too long", address);
    if (lstat(t->part_path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return fail(err, DW_EINVAL, EEXIST,
                        "'%s' is in the way of the temporary file: remove it",
                        t->part_path);
        if (unlink(t->part_path) != 0) { /* a stale leftover of ours */
            int se = errno;

            return fail(err, dw_error_from_errno(se), se, "cannot remove the stale '%s': %s",
                        t->part_path, errno_text(se, e, sizeof e));
        }
    }
    return 0;
}

static int check_target(struct target *t, const char *address, unsigned flags,
                        struct dw_error_detail *err)
{
    struct stat st;

    memset(t, 0, sizeof *t);
    if (strncmp(address, STDIO_PREFIX, STDIO_PREFIX_LEN) == 0)
        return check_stdio_target(t, address, flags, err);

    /* A missing path is left to libburn to judge (the drive emulator makes
     * device files appear to libburn only); files and directories get a
     * hint at stdio:. */
    if (stat(address, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return fail(err, DW_ENODRIVE, 0,
                    "no drive at '%s': it is a %s; to write an image into a file, use "
                    "'stdio:%s'",
                    address, S_ISREG(st.st_mode) ? "file" : "directory", address);
    if (strlen(address) >= sizeof t->adr)
        return fail(err, DW_EINVAL, ENAMETOOLONG, "the drive address '%s' is too long",
                    address);
    /* symlinks such as /dev/cdrw and other names of the same drive */
    {
        char in[BURN_DRIVE_ADR_LEN];

        copy_str(in, sizeof in, address);
        if (burn_drive_convert_fs_adr(in, t->adr) != 1)
            copy_str(t->adr, sizeof t->adr, address);
    }
    return 0;
}

/* After the burn: put a new stdio: file in place, or remove the partial
 * one.  Returns 0 or an error (only when keep is true). */
static int finish_part_file(const struct target *t, bool keep, struct dw_error_detail *err)
{
    char dir[PATH_MAX], e[128];
    int fd, rc = 0;

    if (!t->via_part)
        return 0;
    if (!keep) {
        /* if this fails, the .part name still says the file is incomplete */
        (void)unlink(t->part_path);
        return 0;
    }
    fd = open(t->part_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int se = errno;

        rc = fail(err, dw_error_from_errno(se), se,
                  "cannot flush '%s' to disk: %s; the burned image stays in '%s'",
                  t->part_path, errno_text(se, e, sizeof e), t->part_path);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    close(fd);
    if (rename(t->part_path, t->path) != 0) {
        int se = errno;

        return fail(err, dw_error_from_errno(se), se,
                    "cannot rename '%s' to '%s': %s; the burned image stays in '%s'",
                    t->part_path, t->path, errno_text(se, e, sizeof e), t->part_path);
    }
    dir_of(t->path, dir, sizeof dir);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: the rename itself succeeded */
        close(fd);
    }
    return 0;
}

/* What happened to the target, for failure messages. */
static const char *target_after_failure(const struct target *t, bool dummy, char *buf,
                                        size_t len)
{
    if (dummy)
        return "";
    if (t->via_part)
        return "; nothing was left behind";
    if (t->existing_file) {
        snprintf(buf, len, "; '%s' now holds incomplete content: burn again or delete it",
                 t->path);
        return buf;
    }
    if (t->is_stdio)
        return "; the output is incomplete";
    return "; the disc may be unusable now";
}

/* ------------------------------------------------------------------ */
/* Burn                                                                 */

static void fill_drive_result(struct dw_burn_result *res, const struct burn_run *run)
{
    const struct burn_drive_info *info = &run->infos[0];

    memcpy(res->vendor, info->vendor, sizeof res->vendor - 1);
    res->vendor[sizeof res->vendor - 1] = '\0';
    memcpy(res->model, info->product, sizeof res->model - 1);
    res->model[sizeof res->model - 1] = '\0';
    memcpy(res->firmware, info->revision, sizeof res->firmware - 1);
    res->firmware[sizeof res->firmware - 1] = '\0';
}

static int report_progress(const struct dw_callbacks *cb, const char *phase,
                           int64_t done, int64_t total, int sector_bytes, int fill,
                           int64_t media_rate)
{
    struct dw_progress p;

    if (cb == NULL || cb->progress == NULL)
        return 0;
    memset(&p, 0, sizeof p);
    p.phase = phase;
    p.track = 1;
    p.done_sectors = done;
    p.total_sectors = total;
    p.sector_bytes = sector_bytes;
    p.buffer_fill_percent = fill;
    p.media_1x_bytes_per_s = media_rate;
    return cb->progress(&p, cb->user);
}

static int fifo_fill_percent(struct burn_source *fifo)
{
    int size = 0, free_bytes = 0, st;
    char *text = NULL;

    if (fifo == NULL) /* a stdio: target: no FIFO (track_source) */
        return -1;
    st = burn_fifo_inquire_status(fifo, &size, &free_bytes, &text);
    if (st < 0 || size <= 0)
        return -1;
    if (free_bytes < 0)
        free_bytes = 0;
    if (free_bytes > size)
        free_bytes = size;
    return (int)(((int64_t)(size - free_bytes) * 100) / size);
}

enum stop_reason { STOP_NONE, STOP_CALLER, STOP_SIGNAL };

/* The state of one burn job, shared by its phases (check > medium > layout
 * > write options > write > outcome). */
struct burn_job {
    const char *image_path, *cue_path, *drive_address;
    int64_t cue_bytes, cue_sectors, image_sectors;
    bool audio;
    const struct dw_burn_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_burn_result *result;
    struct dw_error_detail *err;
    struct burn_run run;
    struct target t;
    struct burn_source *file_src, *fifo;
    struct burn_source *block_src; /* a stdio: target's source instead of the FIFO */
    struct burn_source *given_src; /* dw_burn_source: the caller's stream, its
                                      reference owned by the job until layout */
    int64_t given_bytes;
    int32_t session_lba;    /* dw_burn_session: where the session starts, -1 */
    const void *head;       /* dw_burn_session on overwritable media: written */
    size_t head_bytes;      /* at LBA 0 after the session */
    struct burn_track *track;
    struct burn_session *session;
    struct burn_disc *disc;
    struct burn_write_opts *wopts;
    struct burn_multi_caps *caps;
    unsigned char *text_packs;
    int num_packs, role;
    int64_t media_rate;
    bool overwritable, began, burn_started;
    char why[400];
};

/* The medium: grabbed, and its status and profile fit the job (MMC-6 GET
 * CONFIGURATION, READ DISC INFORMATION). */
static int job_medium(struct burn_job *j)
{
    struct dw_burn_result *result = j->result;
    struct dw_error_detail *err = j->err;
    const char *drive_address = j->drive_address;
    int rc = run_grab(&j->run, j->t.adr, drive_address, err);
    if (rc != 0)
        return rc;
    fill_drive_result(result, &j->run);
    j->role = burn_drive_get_drive_role(j->run.drive);
    enum burn_disc_status dstatus = medium_status(&j->run);
    if (burn_disc_get_profile(j->run.drive, &result->profile, result->profile_name) != 1)
        result->profile = 0;
    j->overwritable = dw__burn_profile_overwritable(result->profile, j->role);
    drain_messages(&j->run);
    switch (dstatus) {
    case BURN_DISC_BLANK:
        break;
    case BURN_DISC_EMPTY:
        return fail(err, DW_ENOMEDIUM, ENOMEDIUM,
                    "no medium in '%s': insert a writable disc", drive_address);
    case BURN_DISC_FULL:
    case BURN_DISC_APPENDABLE:
        if (j->overwritable)
            break; /* DVD+RW, DVD-RAM, BD-RE, stdio files: overwrite from LBA 0 */
        if (dstatus == BURN_DISC_APPENDABLE && (j->opts->flags & DW_BURN_APPEND))
            break; /* a new session after the ones there */
        if (dstatus == BURN_DISC_FULL && (j->opts->flags & DW_BURN_APPEND))
            return fail(err, DW_EMEDIUM, 0,
                        "the disc in '%s' (%s) is closed: no session can be added to it; "
                        "use a blank disc",
                        drive_address, result->profile_name);
        if (dstatus == BURN_DISC_FULL)
            return fail(err, DW_EMEDIUM, 0,
                        "the disc in '%s' (%s) is closed or read-only and cannot be "
                        "written: use a blank or rewritable disc (blank a CD-RW or DVD-RW "
                        "with 'discwright blank')",
                        drive_address, result->profile_name);
        return fail(err, DW_EMEDIUM, 0,
                    "the disc in '%s' (%s) already holds a session, and an ISO image "
                    "is made to start at sector 0: add folders with --append to add a "
                    "session, or use a blank disc (or blank this one with 'discwright "
                    "blank' if it is rewritable)",
                    drive_address, result->profile_name);
    case BURN_DISC_UNSUITABLE:
        return fail(err, DW_EMEDIUM, 0,
                    "the medium in '%s' (%s) cannot be written by this drive: use a "
                    "blank CD-R/RW, DVD-R/RW, DVD+R/RW or BD-R/RE%s",
                    drive_address, result->profile_name[0] ? result->profile_name : "unknown",
                    libburn_reason(&j->run, j->why, sizeof j->why));
    default:
        return fail(err, DW_ELIB, 0,
                    "cannot tell the state of the medium in '%s': reload it and try "
                    "again%s",
                    drive_address, libburn_reason(&j->run, j->why, sizeof j->why));
    }
    if (j->audio && profile_family(result->profile) != FAMILY_CD)
        return fail(err, DW_EMEDIUM, 0,
                    "'%s' has audio tracks, which only a CD-R or CD-RW can hold, and '%s' "
                    "(%s) is not a CD: burn it to a CD-R or CD-RW",
                    j->image_path, drive_address,
                    result->profile_name[0] ? result->profile_name : "no CD");
    return 0;
}

/* The track's source, with a reference of its own to src.  A drive (libburn
 * role 1) gets libburn's FIFO of FIFO_CHUNKS sectors, filled by a thread
 * of its own, which keeps the drive's buffer fed (underrun protection).  A
 * stdio: target cannot underrun, and there the FIFO only costs time: its
 * two threads wait for each other in 50 ms sleeps, ~50 ms for every 4 MiB
 * a file target drains faster (issue 14: 10.5 s against cdrskin's 4.7 s);
 * it gets a block reader instead (block_source.c).  The cue path decides
 * the same in job_layout (no FIFO for burn_session_by_cue_file). */
static struct burn_source *track_source(struct burn_job *j, struct burn_source *src)
{
    if (j->role == 1)
        return j->fifo = burn_fifo_source_new(src, DW__BURN_SECTOR_BYTES, FIFO_CHUNKS, 1);
    return j->block_src = dw__burn_block_source_new(src, STDIO_BLOCK_BYTES);
}

/* The disc to write: the cue sheet's session as libburn reads it (tracks,
 * pregaps, ISRC, MCN, CD-TEXT), or one data track from the ISO file
 * through a FIFO (Mode 1 on CD, no offset, no tail padding). */
static int job_layout(struct burn_job *j)
{
    struct dw_error_detail *err = j->err;
    j->disc = burn_disc_create();
    j->session = burn_session_create();
    if (j->disc == NULL || j->session == NULL)
        return fail(err, DW_ENOMEM, ENOMEM, "out of memory setting up the burn of '%s'",
                    j->image_path);
    if (j->cue_path) {
        /* flag bit0: no CD-TEXT for data cues (libburn allows it only on
         * all-audio CDs and would otherwise refuse a stdio: target). */
        if (burn_session_by_cue_file(j->session, (char *)j->cue_path,
                                     j->role == 1 ? FIFO_CHUNKS * DW__BURN_SECTOR_BYTES : 0,
                                     &j->fifo,
                                     j->audio ? &j->text_packs : NULL, &j->num_packs,
                                     j->audio ? 0 : 1) <= 0 ||
            burn_disc_add_session(j->disc, j->session, BURN_POS_END) != 1) {
            drain_messages(&j->run);
            return fail(err, DW_ELIB, 0, "libburn refused the cue sheet of '%s'%s",
                        j->image_path, libburn_reason(&j->run, j->why, sizeof j->why));
        }
        return 0;
    }
    j->file_src = j->given_src ? j->given_src : burn_file_source_new(j->image_path, NULL);
    j->given_src = NULL;
    if (j->file_src == NULL) {
        drain_messages(&j->run);
        return fail(err, DW_EIO, 0, "cannot read image '%s'%s", j->image_path,
                    libburn_reason(&j->run, j->why, sizeof j->why));
    }
    struct burn_source *src = track_source(j, j->file_src);
    burn_source_free(j->file_src); /* the FIFO or block reader holds its own reference */
    j->file_src = NULL;
    j->track = burn_track_create();
    if (src == NULL || j->track == NULL)
        return fail(err, DW_ENOMEM, ENOMEM, "out of memory setting up the burn of '%s'",
                    j->image_path);
    burn_track_define_data(j->track, 0, 0, 1, BURN_MODE1);
    if (burn_track_set_source(j->track, src) != BURN_SOURCE_OK ||
        burn_session_add_track(j->session, j->track, BURN_POS_END) != 1 ||
        burn_disc_add_session(j->disc, j->session, BURN_POS_END) != 1) {
        drain_messages(&j->run);
        return fail(err, DW_ELIB, 0, "libburn refused the track for '%s'%s", j->image_path,
                    libburn_reason(&j->run, j->why, sizeof j->why));
    }
    return 0;
}

/* Write parameters (MMC-6 mode page 05h): OPC, underrun protection, single
 * session, simulation, CD-TEXT; the write type; the capacity; the start
 * LBA; the speed. */
static int job_write_options(struct burn_job *j)
{
    struct dw_burn_result *result = j->result;
    struct dw_error_detail *err = j->err;
    const struct dw_burn_opts *opts = j->opts;
    char reasons[BURN_REASONS_LEN];
    int lba = 0, nwa = 0, rc;
    j->wopts = burn_write_opts_new(j->run.drive);
    if (j->wopts == NULL)
        return fail(err, DW_ENOMEM, ENOMEM, "out of memory setting up the burn of '%s'",
                    j->image_path);
    burn_write_opts_set_perform_opc(j->wopts, 1);
    (void)burn_write_opts_set_underrun_proof(j->wopts, 1); /* 0 = drive lacks it */
    /* MMC-6 mode page 05h multi-session: 11b (another may follow) when
     * appending without closing on sequential media, else 00b (closed) */
    burn_write_opts_set_multi(j->wopts, (opts->flags & DW_BURN_APPEND) && !j->overwritable &&
                                            !(opts->flags & DW_BURN_CLOSE));
    if (burn_disc_get_multi_caps(j->run.drive, BURN_WRITE_NONE, &j->caps, 0) < 0)
        j->caps = NULL;
    if (opts->dummy && j->caps != NULL && !j->caps->might_simulate)
        return fail(err, DW_EUNSUPPORTED, 0,
                    "the medium in '%s' (%s) cannot simulate a burn: burn without the "
                    "dummy (simulate) option, or use a CD-R/RW or DVD-R/RW",
                    j->drive_address, result->profile_name);
    burn_write_opts_set_simulate(j->wopts, opts->dummy ? 1 : 0);
    if (j->text_packs != NULL && j->num_packs > 0 &&
        burn_write_opts_set_leadin_text(j->wopts, j->text_packs, j->num_packs, 0) <= 0) {
        drain_messages(&j->run);
        return fail(err, DW_ELIB, 0, "libburn refused the CD-TEXT of '%s'%s", j->image_path,
                    libburn_reason(&j->run, j->why, sizeof j->why));
    }
    if (j->overwritable && j->session_lba > 0 && (j->caps == NULL || !j->caps->start_adr))
        return fail(err, DW_EUNSUPPORTED, 0,
                    "the medium in '%s' (%s) cannot be written from LBA %d, so its volume "
                    "cannot grow: burn without --append to a blank disc",
                    j->drive_address, result->profile_name, j->session_lba);
    if (j->overwritable && j->caps != NULL && j->caps->start_adr)
        burn_write_opts_set_start_byte(j->wopts, j->session_lba > 0
                                                     ? (off_t)j->session_lba * 2048
                                                     : 0);
    reasons[0] = '\0';
    enum burn_write_types wt = burn_write_opts_auto_write_type(j->wopts, j->disc, reasons, 0);
    drain_messages(&j->run);
    if (wt == BURN_WRITE_NONE) {
        size_t len = strlen(reasons);
        while (len > 0 && (reasons[len - 1] == '\n' || reasons[len - 1] == ' '))
            reasons[--len] = '\0';
        return fail(err, DW_EMEDIUM, 0, "no write type fits '%s' on the medium in '%s' (%s): %s",
                    j->image_path, j->drive_address, result->profile_name,
                    reasons[0] ? reasons : "libburn gave no reason");
    }
    copy_str(result->write_type, sizeof result->write_type, dw__burn_write_type_name(wt));
    /* Capacity (READ DISC INFORMATION / READ FORMAT CAPACITIES; for stdio:
     * the file system's free space plus the file's own size) */
    off_t avail = burn_disc_available_space(j->run.drive, j->wopts);
    if (j->role != 3) { /* a pipe or character device has no capacity to check */
        rc = dw__burn_check_capacity(j->image_sectors, (int64_t)avail, j->image_path,
                                     j->drive_address, err);
        if (rc != 0)
            return rc;
    }
    /* Where the track starts: LBA 0 on overwritable media (start byte 0),
     * else the Next Writable Address (MMC-6 READ TRACK INFORMATION). */
    if (!j->overwritable && j->role == 1 &&
        burn_disc_track_lba_nwa(j->run.drive, j->wopts, 0, &lba, &nwa) == 1)
        result->start_lba = nwa;
    else
        result->start_lba = j->overwritable && j->session_lba > 0 ? j->session_lba : 0;
    if (j->session_lba >= 0 && result->start_lba != j->session_lba)
        return fail(err, DW_EMEDIUM, 0,
                    "the next session on the medium in '%s' starts at LBA %d, not at LBA "
                    "%d as the image was made for: the medium changed; try again",
                    j->drive_address, result->start_lba, j->session_lba);
    result->speed_kbps = dw__burn_speed_kbps(result->profile, opts->speed_x);
    burn_drive_set_speed(j->run.drive, 0 /* read: max */, result->speed_kbps /* write */);
    j->media_rate = profile_family(result->profile) == FAMILY_CD
                        ? 0
                        : dw__burn_1x_bytes_per_s(result->profile);
    return 0;
}

/* Start libburn's writer thread and poll it for progress until it ends,
 * cancelling on a signal or when the callback says stop.  *stop and
 * *stop_signal say why it stopped. */
static int job_write(struct burn_job *j, enum stop_reason *stop, int *stop_signal)
{
    struct dw_error_detail *err = j->err;
    struct burn_progress prog;
    int64_t done = 0;
    drain_messages(&j->run);
    log_line(&j->run, DW_LOG_INFO, "burning '%s' (%lld sectors) to '%s' (%s), %s%s",
             j->image_path, (long long)j->image_sectors, j->drive_address,
             j->result->profile_name, j->result->write_type,
             j->opts->dummy ? ", simulated" : "");
    /* A refused burn_disc_write returns without starting the thread and
     * leaves the drive idle. */
    if (signal_seen || burn_is_aborting(0) > 0)
        return fail(err, DW_EABORTED, 0,
                    "burn of '%s' to '%s' interrupted by %s before writing began",
                    j->image_path, j->drive_address,
                    signal_seen ? strsignal(signal_seen) : "a signal");
    j->run.write_thread_ended = false;
    j->burn_started = true;
    burn_disc_write(j->wopts, j->disc);
    if (burn_drive_get_status(j->run.drive, NULL) == BURN_DRIVE_IDLE) {
        drain_messages(&j->run);
        return fail(err, DW_ELIB, j->run.worst_errno,
                    "libburn refused to start burning '%s' to '%s'%s", j->image_path,
                    j->drive_address,
                    j->run.worst_text[0] ? libburn_reason(&j->run, j->why, sizeof j->why)
                                         : " (libburn gave no reason)");
    }
    while (burn_drive_get_status(j->run.drive, NULL) == BURN_DRIVE_SPAWNING)
        sleep_ms(POLL_MS / 2);
    for (;;) {
        enum burn_drive_status st = burn_drive_get_status(j->run.drive, &prog);
        if (st == BURN_DRIVE_IDLE)
            break;
        drain_messages(&j->run);
        if (*stop == STOP_NONE && (signal_seen || burn_is_aborting(0) > 0)) {
            *stop = STOP_SIGNAL;
            *stop_signal = signal_seen;
        }
        if (*stop == STOP_NONE) {
            if (st == BURN_DRIVE_WRITING && prog.sector > done)
                done = prog.sector < j->image_sectors ? prog.sector : j->image_sectors;
            if (report_progress(j->cb, "burn", done, j->image_sectors, DW__BURN_SECTOR_BYTES,
                                fifo_fill_percent(j->fifo), j->media_rate) != 0)
                *stop = STOP_CALLER;
        }
        if (*stop != STOP_NONE)
            burn_drive_cancel(j->run.drive); /* repeated: it acts only while writing */
        sleep_ms(POLL_MS);
    }
    wait_write_thread(&j->run);
    if (*stop == STOP_NONE && (signal_seen || burn_is_aborting(0) > 0)) {
        *stop = STOP_SIGNAL;
        *stop_signal = signal_seen;
    }
    return 0;
}

/* What the write came to: the bytes written and the error, if any. */
static int job_outcome(struct burn_job *j, enum stop_reason stop, int stop_signal)
{
    struct dw_burn_result *result = j->result;
    char after[PATH_MAX + 80];
    off_t read_bytes = 0, written_bytes = 0;
    bool wrote_well = burn_drive_wrote_well(j->run.drive) == 1;
    if (j->track != NULL) {
        burn_track_get_counters(j->track, &read_bytes, &written_bytes);
    } else {
        int ntracks = 0;
        struct burn_track **tracks = burn_session_get_tracks(j->session, &ntracks);
        for (int i = 0; i < ntracks; i++) {
            off_t r = 0, w = 0;
            burn_track_get_counters(tracks[i], &r, &w);
            read_bytes += r;
            written_bytes += w;
        }
    }
    result->written_bytes = (int64_t)written_bytes;
    int64_t done = result->written_bytes / (j->audio ? 2352 : DW__BURN_SECTOR_BYTES);
    if (done > j->image_sectors)
        done = j->image_sectors;
    (void)report_progress(j->cb, "burn", done, j->image_sectors, DW__BURN_SECTOR_BYTES,
                          fifo_fill_percent(j->fifo), j->media_rate);
    const char *left = target_after_failure(&j->t, j->opts->dummy, after, sizeof after);
    if (stop == STOP_CALLER)
        return fail(j->err, DW_EABORTED, 0,
                    "burn of '%s' to '%s' stopped on request after %lld of %lld sectors%s",
                    j->image_path, j->drive_address, (long long)done,
                    (long long)j->image_sectors, left);
    if (stop == STOP_SIGNAL)
        return fail(j->err, DW_EABORTED, 0,
                    "burn of '%s' to '%s' interrupted by %s after %lld of %lld sectors%s",
                    j->image_path, j->drive_address,
                    stop_signal ? strsignal(stop_signal) : "a signal", (long long)done,
                    (long long)j->image_sectors, left);
    if (!wrote_well)
        return fail(j->err, DW_EWRITE, j->run.worst_errno,
                    "burning '%s' to '%s' failed after %lld of %lld bytes%s%s", j->image_path,
                    j->drive_address, (long long)result->written_bytes,
                    (long long)result->image_bytes,
                    j->run.worst_text[0] ? libburn_reason(&j->run, j->why, sizeof j->why)
                                         : " (libburn gave no reason)",
                    left);
    if (result->written_bytes < result->image_bytes)
        return fail(j->err, DW_EWRITE, 0,
                    "burning '%s' to '%s' ended after %lld of %lld bytes although libburn "
                    "reported success%s",
                    j->image_path, j->drive_address, (long long)result->written_bytes,
                    (long long)result->image_bytes, left);
    return 0;
}

/* Release the drive and every libburn object; put a new stdio: file in
 * place after a good, real burn, else remove its .part. */
static int job_release(struct burn_job *j, int rc)
{
    if (j->began)
        run_release(&j->run, j->opts->eject && j->burn_started);
    if (j->caps != NULL)
        burn_disc_free_multi_caps(&j->caps);
    if (j->wopts != NULL)
        burn_write_opts_free(j->wopts);
    /* libburn objects are reference counted: drop ours */
    if (j->disc != NULL)
        burn_disc_free(j->disc);
    if (j->session != NULL)
        burn_session_free(j->session);
    if (j->track != NULL)
        burn_track_free(j->track);
    if (j->fifo != NULL)
        burn_source_free(j->fifo);
    if (j->block_src != NULL)
        burn_source_free(j->block_src);
    if (j->file_src != NULL)
        burn_source_free(j->file_src);
    free(j->text_packs);
    if (j->began) {
        run_end(&j->run, false); /* already released */
        int rc2 = finish_part_file(&j->t, rc == 0 && !j->opts->dummy, j->err);
        if (rc == 0)
            rc = rc2;
    }
    return rc;
}

/* The arguments, the image and the target, before libburn starts. */
static int job_check(struct burn_job *j)
{
    const struct dw_burn_opts *opts = j->opts;
    struct dw_burn_result *result = j->result;
    int rc;
    if (j->image_path == NULL || j->drive_address == NULL)
        return fail(j->err, DW_EINVAL, 0, "no image or no drive given to burn");
    copy_str(result->drive_address, sizeof result->drive_address, j->drive_address);
    result->dummy = opts->dummy;
    if (opts->flags & ~(DW_BURN_OVERWRITE | DW_BURN_WRITE_OFFSET | DW_BURN_APPEND | DW_BURN_CLOSE))
        return fail(j->err, DW_EINVAL, 0, "unknown burn flags 0x%x", opts->flags);
    if (opts->speed_x < 0.0 || !isfinite(opts->speed_x))
        return fail(j->err, DW_EINVAL, 0,
                    "write speed %g is not a speed: give a multiple of 1x, or 0 for "
                    "the maximum",
                    opts->speed_x);
    if (j->cue_path)
        result->image_bytes = j->cue_bytes;
    else if (j->given_src)
        result->image_bytes = j->given_bytes;
    else if ((rc = check_image(j->image_path, &result->image_bytes, j->err)) != 0)
        return rc;
    j->image_sectors = j->cue_path ? j->cue_sectors : result->image_bytes / DW__BURN_SECTOR_BYTES;
    return check_target(&j->t, j->drive_address, opts->flags, j->err);
}

/* Overwritable media, after the session: the volume descriptors of the
 * grown ISO at LBA 0 (MMC-6 WRITE(10) through burn_random_access_write,
 * synchronized: flag bit0), so that the medium mounts with the new tree. */
static int job_write_head(struct burn_job *j)
{
    if (burn_random_access_write(j->run.drive, 0, (char *)j->head, (off_t)j->head_bytes,
                                 1) != 1) {
        drain_messages(&j->run);
        return fail(j->err, DW_EWRITE, j->run.worst_errno,
                    "the session was written to '%s' but its volume descriptors at LBA 0 "
                    "were not%s: the medium still mounts with its previous tree; burn "
                    "again with --append",
                    j->drive_address, libburn_reason(&j->run, j->why, sizeof j->why));
    }
    log_line(&j->run, DW_LOG_INFO,
             "wrote the grown volume descriptors (%zu bytes) at LBA 0 of '%s'",
             j->head_bytes, j->drive_address);
    return 0;
}

/* Burn one job: an ISO file (cue_path NULL) as one Mode 1/DVD/BD data
 * track, or a cue sheet that libburn's burn_session_by_cue_file takes as it
 * is (AUDIO and MODE1/2048 tracks; cue_bytes and cue_sectors its data size,
 * audio true when it has audio tracks).  image_path names the image in messages. */
static int burn_job(const char *image_path, const char *cue_path, int64_t cue_bytes,
                    int64_t cue_sectors, bool audio, const char *drive_address,
                    const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                    struct dw_burn_result *result, struct dw_error_detail *err,
                    struct burn_source *given_src, const struct burn_job *session)
{
    static const struct dw_burn_opts defaults;
    struct dw_burn_result local_result;
    struct dw_error_detail local_err;
    struct burn_job j = {.image_path = image_path, .cue_path = cue_path,
                         .drive_address = drive_address, .cue_bytes = cue_bytes,
                         .cue_sectors = cue_sectors, .audio = audio,
                         .opts = opts ? opts : &defaults, .cb = cb,
                         .result = result ? result : &local_result,
                         .err = err ? err : &local_err, .given_src = given_src,
                         .given_bytes = cue_bytes, .session_lba = -1};
    if (session) {
        j.session_lba = session->session_lba;
        j.head = session->head;
        j.head_bytes = session->head_bytes;
    }
    enum stop_reason stop = STOP_NONE;
    int stop_signal = 0;
    memset(j.result, 0, sizeof *j.result);
    memset(j.err, 0, sizeof *j.err);
    j.err->sense_key = j.err->asc = j.err->ascq = -1;
    j.err->lba = DW_NO_LBA;
    int rc = job_check(&j);
    if (rc == 0)
        rc = run_begin(&j.run, cb, j.err);
    if (rc != 0) {
        if (j.given_src)
            burn_source_free(j.given_src);
        return rc;
    }
    j.began = true;
    signals_install(&j.run);
    if (!(rc = job_medium(&j)) && !(rc = job_layout(&j)) && !(rc = job_write_options(&j)) &&
        !(rc = job_write(&j, &stop, &stop_signal)))
        rc = job_outcome(&j, stop, stop_signal);
    if (rc == 0 && j.head && j.head_bytes && !j.opts->dummy)
        rc = job_write_head(&j);
    if (j.given_src) /* stopped before the layout took it */
        burn_source_free(j.given_src);
    return job_release(&j, rc);
}

int dw_burn_iso(const char *image_path, const char *drive_address,
                const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                struct dw_burn_result *result, struct dw_error_detail *err)
{
    return burn_job(image_path, NULL, 0, 0, false, drive_address, opts, cb, result, err, NULL,
                    NULL);
}

int dw_burn_source(struct burn_source *src, int64_t bytes, const char *name,
                   const char *drive_address, const struct dw_burn_opts *opts,
                   const struct dw_callbacks *cb, struct dw_burn_result *result,
                   struct dw_error_detail *err)
{
    if (src == NULL || bytes <= 0 || bytes % DW__BURN_SECTOR_BYTES) {
        if (src)
            burn_source_free(src);
        return fail(err, DW_EINVAL, 0, "no stream, or a stream of %lld bytes, given to burn",
                    (long long)bytes);
    }
    return burn_job(name, NULL, bytes, 0, false, drive_address, opts, cb, result, err, src,
                    NULL);
}

int dw_burn_session(struct burn_source *src, int64_t bytes, const char *name,
                    const char *drive_address, int32_t start_lba, const void *head,
                    size_t head_bytes, const struct dw_burn_opts *opts,
                    const struct dw_callbacks *cb, struct dw_burn_result *result,
                    struct dw_error_detail *err)
{
    struct burn_job session = {.session_lba = start_lba, .head = head,
                               .head_bytes = head_bytes};
    if (src == NULL || bytes <= 0 || bytes % DW__BURN_SECTOR_BYTES || start_lba < 0 ||
        opts == NULL || !(opts->flags & DW_BURN_APPEND) || head_bytes % 2048 ||
        head_bytes > 65536 || (head_bytes && !head)) {
        if (src)
            burn_source_free(src);
        return fail(err, DW_EINVAL, 0, "dw_burn_session: bad arguments");
    }
    return burn_job(name, NULL, bytes, 0, false, drive_address, opts, cb, result, err, src,
                    &session);
}

int dw_burn_medium_probe(const char *drive_address, struct dw_burn_medium *m,
                         struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct burn_run run;
    struct target t;
    struct burn_write_opts *wo = NULL;
    int rc, lba = 0, nwa = 0;
    if (err == NULL)
        err = &local_err;
    memset(err, 0, sizeof *err);
    err->lba = DW_NO_LBA;
    if (drive_address == NULL || m == NULL)
        return fail(err, DW_EINVAL, 0, "no drive given to probe");
    memset(m, 0, sizeof *m);
    m->next_lba = m->last_session_lba = -1;
    m->free_bytes = -1;
    /* An existing image file is a medium to grow, so no DW_BURN_OVERWRITE. */
    if ((rc = check_target(&t, drive_address, DW_BURN_OVERWRITE, err)) != 0)
        return rc;
    if (t.via_part) { /* a stdio: file not made yet: blank, grown in place */
        m->status = DW_BURN_MEDIUM_BLANK;
        m->profile = 0xffff;
        copy_str(m->profile_name, sizeof m->profile_name, "stdio file");
        m->overwritable = true;
        return 0;
    }
    if ((rc = run_begin(&run, NULL, err)) != 0)
        return rc;
    if ((rc = run_grab(&run, t.adr, drive_address, err)) != 0)
        goto out;
    enum burn_disc_status st = medium_status(&run);
    if (burn_disc_get_profile(run.drive, &m->profile, m->profile_name) != 1)
        m->profile = 0;
    m->overwritable = dw__burn_profile_overwritable(m->profile,
                                                    burn_drive_get_drive_role(run.drive));
    m->status = st == BURN_DISC_EMPTY        ? DW_BURN_MEDIUM_EMPTY
                : st == BURN_DISC_BLANK      ? DW_BURN_MEDIUM_BLANK
                : st == BURN_DISC_APPENDABLE ? DW_BURN_MEDIUM_APPENDABLE
                : st == BURN_DISC_FULL       ? DW_BURN_MEDIUM_CLOSED
                                             : DW_BURN_MEDIUM_OTHER;
    if (m->status == DW_BURN_MEDIUM_EMPTY || m->status == DW_BURN_MEDIUM_OTHER)
        goto out;
    if ((wo = burn_write_opts_new(run.drive)) == NULL) {
        rc = fail(err, DW_ENOMEM, ENOMEM, "out of memory probing '%s'", drive_address);
        goto out;
    }
    burn_write_opts_set_multi(wo, 1);
    /* what a data session is written with: TAO Mode 1 on CD */
    burn_write_opts_set_write_type(wo, BURN_WRITE_TAO, BURN_BLOCK_MODE1);
    off_t avail = burn_disc_available_space(run.drive, wo);
    m->free_bytes = (int64_t)avail;
    if (!m->overwritable && m->status != DW_BURN_MEDIUM_CLOSED &&
        burn_disc_track_lba_nwa(run.drive, wo, 0, &lba, &nwa) == 1)
        m->next_lba = nwa;
    if (!m->overwritable && m->status != DW_BURN_MEDIUM_BLANK &&
        burn_disc_get_msc1(run.drive, &lba) == 1)
        m->last_session_lba = lba;
    drain_messages(&run);
out:
    if (wo)
        burn_write_opts_free(wo);
    run_end(&run, false);
    return rc;
}

int dw__burn_cue_job(const char *image_path, const char *cue_path, int64_t bytes,
                     int64_t sectors, bool audio, const char *drive_address,
                     const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                     struct dw_burn_result *result, struct dw_error_detail *err)
{
    return burn_job(image_path, cue_path, bytes, sectors, audio, drive_address, opts, cb,
                    result, err, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Blank                                                                */

int dw_burn_blank(const char *drive_address, bool fast, const struct dw_callbacks *cb,
                  struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct burn_run run;
    struct burn_progress prog;
    struct target t;
    enum burn_disc_status dstatus;
    char profile_name[80] = "", why[400];
    int rc, profile = 0;
    bool began = false;

    if (err == NULL)
        err = &local_err;
    memset(err, 0, sizeof *err);
    err->sense_key = err->asc = err->ascq = -1;
    err->lba = DW_NO_LBA;
    if (drive_address == NULL)
        return fail(err, DW_EINVAL, 0, "no drive given to blank");
    if (strncmp(drive_address, STDIO_PREFIX, STDIO_PREFIX_LEN) == 0)
        return fail(err, DW_EMEDIUM, 0,
                    "'%s' is a file and cannot be blanked: delete it or burn over it",
                    drive_address);
    rc = check_target(&t, drive_address, 0, err);
    if (rc != 0)
        return rc;
    rc = run_begin(&run, cb, err);
    if (rc != 0)
        return rc;
    began = true;

    rc = run_grab(&run, t.adr, drive_address, err);
    if (rc != 0)
        goto out;
    dstatus = medium_status(&run);
    if (burn_disc_get_profile(run.drive, &profile, profile_name) != 1)
        profile = 0;
    drain_messages(&run);
    if (dstatus == BURN_DISC_EMPTY) {
        rc = fail(err, DW_ENOMEDIUM, ENOMEDIUM,
                  "no medium in '%s': insert a CD-RW or DVD-RW to blank", drive_address);
        goto out;
    }
    if (profile != 0x0a && profile != 0x13 && profile != 0x14) {
        rc = fail(err, DW_EMEDIUM, 0,
                  "the disc in '%s' is %s%s and cannot be blanked: only CD-RW and DVD-RW "
                  "can (DVD+RW, DVD-RAM and BD-RE are simply burned over)",
                  drive_address, profile_name[0] ? "a " : "of an unknown type",
                  profile_name);
        goto out;
    }
    if (dstatus == BURN_DISC_BLANK && profile != 0x13) {
        log_line(&run, DW_LOG_INFO, "the disc in '%s' (%s) is already blank",
                 drive_address, profile_name);
        rc = 0;
        goto out;
    }
    if (dstatus != BURN_DISC_FULL && dstatus != BURN_DISC_APPENDABLE &&
        dstatus != BURN_DISC_BLANK) {
        rc = fail(err, DW_EMEDIUM, 0,
                  "the disc in '%s' (%s) is in no state to be blanked: reload it and try "
                  "again%s",
                  drive_address, profile_name, libburn_reason(&run, why, sizeof why));
        goto out;
    }
    if (!burn_disc_erasable(run.drive)) {
        rc = fail(err, DW_EMEDIUM, 0,
                  "the drive at '%s' reports the %s as not erasable", drive_address,
                  profile_name);
        goto out;
    }

    log_line(&run, DW_LOG_INFO, "blanking the %s in '%s' (%s)", profile_name,
             drive_address, fast ? "fast" : "full");
    burn_disc_erase(run.drive, fast ? 1 : 0);
    while (burn_drive_get_status(run.drive, NULL) == BURN_DRIVE_SPAWNING)
        sleep_ms(POLL_MS / 2);
    /* MMC-6 BLANK cannot be interrupted safely: neither the callback's
     * return value nor a signal stops it. */
    while (burn_drive_get_status(run.drive, &prog) != BURN_DRIVE_IDLE) {
        int64_t steps = prog.sector < 0 ? 0 : prog.sector;

        drain_messages(&run);
        (void)report_progress(cb, "blank", steps > BLANK_STEPS ? BLANK_STEPS : steps,
                              BLANK_STEPS, 0, -1, 0);
        sleep_ms(POLL_MS);
    }
    sleep_ms(POLL_MS); /* libburn's erase thread unlists itself after IDLE */
    drain_messages(&run);
    if (burn_drive_wrote_well(run.drive) != 1) {
        rc = fail(err, DW_EWRITE, run.worst_errno,
                  "blanking the disc in '%s' failed%s: the disc may be unusable; try a "
                  "full blank",
                  drive_address,
                  run.worst_text[0] ? libburn_reason(&run, why, sizeof why)
                                    : " (libburn gave no reason)");
        goto out;
    }
    (void)report_progress(cb, "blank", BLANK_STEPS, BLANK_STEPS, 0, -1, 0);
    rc = 0;

out:
    if (began)
        run_end(&run, false);
    return rc;
}
