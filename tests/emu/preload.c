/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: the LD_PRELOAD half of the MMC drive emulator.
 *
 * Makes a device node that does not exist (default /dev/sr0) look like a
 * Linux sr drive to the process it is preloaded into, and routes every
 * command to an in-process drive model (emu.h).  Unmodified libcdio (which
 * uses the kernel's CDROM ioctls, CDROM_SEND_PACKET and read()) and libburn
 * (which uses SG_IO) then talk to the model as if it were hardware.
 *
 * What is intercepted, for the emulated path or an fd opened on it only;
 * everything else goes to the real function untouched:
 *  - both stat ABIs (stat ... statx and the pre-2.33 __xstat family: Debian's
 *    libburn imports those), access, realpath, readlink: the path is a block
 *    device, major 11 like sr, mode 0660;
 *  - open/openat and their 64 and _2 (fortify) variants: a real fd from
 *    memfd_create() stands for the drive, so fd numbers, dup and close
 *    behave; O_EXCL is honoured between opens in this process, a blocking
 *    open needs a medium (ENOMEDIUM) and cannot be for writing (EROFS), as
 *    in the kernel's cdrom_open();
 *  - close, dup*, fcntl (locks always succeed within one process; F_GETFL
 *    reports the flags of the open), flock;
 *  - read/pread/lseek: 2048-byte user data through READ(10), EIO on a
 *    CHECK CONDITION, EOF at the READ CAPACITY size; write -> EIO; fopen
 *    gives a stream over those (fopencookie);
 *  - ioctl: SG_IO and CDROM_SEND_PACKET go to the model as they are; the
 *    kernel's CDROM ioctls are translated into the CDBs drivers/cdrom/
 *    cdrom.c and drivers/scsi/sr*.c send, and their replies decoded the way
 *    those do (see each handler); SCSI/SG housekeeping ioctls answered as
 *    the block layer answers them on an sr node; anything else -> ENOTTY.
 *
 * Configuration (environment, read once):
 *   DW_EMU_DEVICE    comma-separated device paths (default /dev/sr0)
 *   DW_EMU_CONFIG    dw_emu_new() configuration of the first drive
 *   DW_EMU_CONFIG_N  configuration of drive N (0-based; N=0 overrides
 *                    DW_EMU_CONFIG)
 *   DW_EMU_TRACE=1   print every intercepted ioctl, CDB and outcome to stderr
 * A model is created on the first open of its path and shared by all
 * threads; commands are serialised by a mutex per drive.
 *
 * Early calls: the real functions are resolved with dlsym(RTLD_NEXT) by a
 * constructor, or on first use by a call that comes before it, and the
 * environment is read under pthread_once by the first call that names a
 * path, neither of which calls back into this file, so calls made while
 * the process starts (by another library's constructor, or libasan's) are
 * safe.
 *
 * Not intercepted: glibc-internal calls (realpath's own lstat, ...), raw
 * syscall(), static binaries, mmap of the fd, readdir of /dev (the node is
 * not listed), the SG_IO command allow-list the kernel applies to
 * read-only opens without CAP_SYS_RAWIO.
 * 64-bit Linux only (struct stat and stat64 share one layout there).
 */
/* This file defines open/open64, stat/stat64, ... side by side: it must see
 * the plain (non-redirected) declarations. */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>

#include "emu.h"
#include "drive/transport.h"

_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "64-bit Linux only");

#define EMU_MAX_DRIVES 8
#define EMU_MAX_FDS 256
#define EMU_SR_MAJOR 11       /* SCSI CD-ROM (Documentation/admin-guide/devices.txt) */
#define EMU_SECTOR_BYTES 2048 /* sr logical block size */
#define EMU_READ_CHUNK_SECTORS 32          /* READ(10) transfer for read() */
#define EMU_MAX_TRANSFER_BYTES (16u << 20) /* larger SG_IO transfers: EIO */
#define EMU_SG_VERSION 30527               /* block layer's sg_version_num */
#define EMU_SG_RESERVED_BYTES (128 * 1024) /* SG_GET_RESERVED_SIZE */
#define EMU_SG_TIMEOUT_TICKS 6000          /* SG_GET_TIMEOUT: 60 s in USER_HZ */
#define EMU_SG_DEFAULT_TIMEOUT_MS 60000    /* BLK_DEFAULT_SG_TIMEOUT: SG_IO timeout 0 */
#define EMU_USER_HZ 100                    /* CDROM_SEND_PACKET timeouts are clock ticks */
#define EMU_SR_TIMEOUT_MS 30000            /* sr's IOCTL_TIMEOUT and SR_TIMEOUT */
#define EMU_DID_TIME_OUT 0x03              /* host_status of a timed-out command */
#define EMU_SR_RETRIES 10                  /* sr_do_ioctl's UNIT ATTENTION retries */
#define EMU_TUR_RETRIES 3                  /* scsi_test_unit_ready's */
/* The sr capability set before MODE SENSE page 2Ah masks it (sr.c
 * sr_dops.capability), less what the cdrom layer masks for a plain drive. */
#define EMU_SR_CAPABILITY                                                                \
    (CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED | CDC_MULTI_SESSION |  \
     CDC_MCN | CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO | CDC_RESET | CDC_DRIVE_STATUS |       \
     CDC_CD_R | CDC_CD_RW | CDC_DVD | CDC_DVD_R | CDC_DVD_RAM | CDC_GENERIC_PACKET)
/* cdrom.c register_cdrom(): sr drives start with these options (lockdoor=1,
 * autoclose=1, check_media_type=0). */
#define EMU_DEFAULT_OPTIONS (CDO_USE_FFLAGS | CDO_AUTO_CLOSE | CDO_LOCK)

/* Prototypes of the glibc entry points the headers do not declare (old
 * stat ABI, fortify variants), so the definitions below have one. */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t bytes, size_t buf_bytes);
ssize_t __pread_chk(int fd, void *buf, size_t bytes, off_t offset, size_t buf_bytes);
ssize_t __pread64_chk(int fd, void *buf, size_t bytes, off64_t offset, size_t buf_bytes);
char *__realpath_chk(const char *path, char *resolved, size_t resolved_bytes);

/* ---- the real functions ------------------------------------------------ */

static void *resolve(void **slot, const char *name)
{
    void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

    if (!fn) {
        fn = dlsym(RTLD_NEXT, name);
        __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

#define REAL_SLOT(fn) static void *real_slot_##fn
#define REAL(fn) ((__typeof__(&fn))resolve(&real_slot_##fn, #fn))

/* Every real function this file calls, as X(name). */
#define REAL_FUNCTIONS(X) \
    X(stat) \
    X(stat64) \
    X(lstat) \
    X(lstat64) \
    X(fstat) \
    X(fstat64) \
    X(fstatat) \
    X(fstatat64) \
    X(statx) \
    X(open) \
    X(open64) \
    X(openat) \
    X(openat64) \
    X(__open_2) \
    X(__open64_2) \
    X(__openat_2) \
    X(__openat64_2) \
    X(close) \
    X(dup) \
    X(dup2) \
    X(dup3) \
    X(fcntl) \
    X(fcntl64) \
    X(flock) \
    X(read) \
    X(__read_chk) \
    X(pread) \
    X(pread64) \
    X(__pread_chk) \
    X(__pread64_chk) \
    X(write) \
    X(pwrite) \
    X(pwrite64) \
    X(lseek) \
    X(lseek64) \
    X(ioctl) \
    X(access) \
    X(faccessat) \
    X(euidaccess) \
    X(eaccess) \
    X(realpath) \
    X(__realpath_chk) \
    X(canonicalize_file_name) \
    X(readlink) \
    X(fopen) \
    X(fopen64) \
    X(readlinkat)
#define REAL_SLOT_DEFINE(fn) REAL_SLOT(fn);
REAL_FUNCTIONS(REAL_SLOT_DEFINE)

/* All of them resolved as the library loads (calls made before that
 * still resolve on first use): a ThreadSanitizer report symbolizes its
 * stacks by opening /proc/self/exe through our open(), and a first
 * dlsym() there frees dlerror state inside TSan's allocator while it
 * holds that allocator's lock (a self-deadlock seen in `discwright
 * drives` under TSan). */
#define REAL_RESOLVE(fn) resolve(&real_slot_##fn, #fn);
__attribute__((constructor)) static void resolve_all(void)
{
    REAL_FUNCTIONS(REAL_RESOLVE)
}

/* The compiler may drop NULL checks on arguments glibc declares nonnull;
 * callers can still pass NULL (and expect EFAULT from the real call). */
static const void *launder(const void *p)
{
    __asm__("" : "+r"(p));
    return p;
}

/* ---- configuration and drives ------------------------------------------ */

struct emu_drive {
    char *path;
    char *config;
    int index;
    unsigned minor;       /* st_rdev minor: N of /dev/srN, else the index */
    pthread_mutex_t lock; /* the model and the fields below */
    bool created;         /* dw_emu_new was tried */
    struct dw_emu *emu;   /* NULL: creation failed or torn down */
    int use_count;        /* open file descriptions */
    int excl_count;       /* of them opened with O_EXCL */
    bool keeplocked;      /* CDROM_LOCKDOOR */
    int options;          /* CDO_* */
    unsigned capability;  /* CDC_*: sr's set masked by MODE SENSE 2Ah */
    int reserved_bytes;   /* SG_SET_RESERVED_SIZE */
    int last_present;     /* medium presence seen by CDROM_MEDIA_CHANGED, -1 unknown */
};

static struct emu_drive g_drives[EMU_MAX_DRIVES];
static int g_drive_count;
static bool g_trace;
static struct timespec g_time; /* st_[amc]tim of the nodes */
static pthread_once_t g_config_once = PTHREAD_ONCE_INIT;

static void config_init(void)
{
    const char *list = getenv("DW_EMU_DEVICE");
    const char *trace = getenv("DW_EMU_TRACE");
    char *copy, *save = NULL;

    g_trace = trace && trace[0] && strcmp(trace, "0") != 0;
    clock_gettime(CLOCK_REALTIME, &g_time);
    copy = strdup(list && list[0] ? list : "/dev/sr0");
    if (!copy)
        return;
    for (char *tok = strtok_r(copy, ",", &save); tok && g_drive_count < EMU_MAX_DRIVES;
         tok = strtok_r(NULL, ",", &save)) {
        struct emu_drive *d = &g_drives[g_drive_count];
        char name[32];
        const char *config, *digits = NULL;

        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        snprintf(name, sizeof(name), "DW_EMU_CONFIG_%d", g_drive_count);
        config = getenv(name);
        if (!config && g_drive_count == 0)
            config = getenv("DW_EMU_CONFIG");
        d->path = strdup(tok);
        d->config = strdup(config ? config : "");
        if (!d->path || !d->config) {
            free(d->path);
            free(d->config);
            break;
        }
        d->index = g_drive_count;
        if (strncmp(tok, "/dev/sr", 7) == 0)
            digits = tok + 7;
        else if (strncmp(tok, "/dev/scd", 8) == 0)
            digits = tok + 8;
        d->minor = (unsigned)g_drive_count;
        if (digits && *digits && strspn(digits, "0123456789") == strlen(digits))
            d->minor = (unsigned)strtoul(digits, NULL, 10);
        pthread_mutex_init(&d->lock, NULL);
        d->options = EMU_DEFAULT_OPTIONS;
        d->capability = EMU_SR_CAPABILITY;
        d->reserved_bytes = EMU_SG_RESERVED_BYTES;
        d->last_present = -1;
        g_drive_count++;
    }
    free(copy);
}

static struct emu_drive *drive_by_path(const char *path)
{
    path = launder(path);
    if (!path)
        return NULL;
    pthread_once(&g_config_once, config_init);
    for (int i = 0; i < g_drive_count; i++)
        if (strcmp(g_drives[i].path, path) == 0)
            return &g_drives[i];
    return NULL;
}

/* A path relative to dirfd names the drive only when it is absolute. */
static struct emu_drive *drive_by_at_path(int dirfd, const char *path)
{
    (void)dirfd;
    path = launder(path);
    if (!path || path[0] != '/')
        return NULL;
    return drive_by_path(path);
}

/* ---- tracing ------------------------------------------------------------ */

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n, saved = errno;

    if (!g_trace)
        return;
    memcpy(line, "dwemu: ", 7);
    va_start(ap, fmt);
    n = vsnprintf(line + 7, sizeof(line) - 8, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    n += 7;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (REAL(write)(2, line, (size_t)n) < 0) {
        /* nothing to do: tracing is best effort */
    }
    errno = saved;
}

/* The command's name for the trace: discwright's table (SPC-4, MMC-6). */
static const char *opcode_name(uint8_t op)
{
    return dw__scsi_opcode_name(op);
}

/* ---- running commands ---------------------------------------------------- */

/* The kernel waiting for a command the drive never answers: ms
 * milliseconds of the caller's thread (the emulated kernel's timeout, not
 * a sleep in a test), resumed after signals as the kernel's wait is. */
static void kernel_wait_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* SCSI CDB length by opcode group (the kernel's COMMAND_SIZE). */
static size_t cdb_bytes(uint8_t op)
{
    static const uint8_t size[8] = {6, 10, 10, 12, 16, 12, 10, 10};
    return size[op >> 5];
}

static void sense_of(const struct dw_emu_result *res, int *key, int *asc, int *ascq)
{
    *key = *asc = *ascq = 0;
    if (res->status != 2 || res->sense_bytes < 14)
        return;
    *key = res->sense[2] & 0x0f;
    *asc = res->sense[12];
    *ascq = res->sense[13];
}

/* Create the model on first use (caller holds d->lock), then ask it for
 * MODE SENSE(10) page 2Ah the way sr.c get_capabilities() does. */
static void drive_create_locked(struct emu_drive *d)
{
    char msg[512] = "";
    uint8_t cdb[10] = {0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 128, 0};
    uint8_t page[128];
    struct dw_emu_result res;

    if (d->created)
        return;
    d->created = true;
    d->emu = dw_emu_new(d->config, msg, sizeof(msg));
    if (!d->emu) {
        char line[768];
        int n = snprintf(line, sizeof(line),
                         "dwemu: cannot emulate '%s' (config \"%s\"): %s\n", d->path,
                         d->config, msg[0] ? msg : "dw_emu_new failed");
        if (n > 0 && REAL(write)(2, line, strlen(line)) < 0) {
            /* best effort */
        }
        return;
    }
    trace("%s: created, config \"%s\"", d->path, d->config);
    memset(page, 0, sizeof(page));
    dw_emu_exec(d->emu, cdb, sizeof(cdb), page, sizeof(page), DW_EMU_READ, &res);
    if (res.status == 0 && res.data_bytes >= 8) {
        size_t n = 8 + ((size_t)page[6] << 8 | page[7]); /* header + block descriptors */
        if (n + 7 <= res.data_bytes && (page[n] & 0x3f) == 0x2a) {
            const uint8_t *p = page + n;
            if (!(p[3] & 0x01))
                d->capability &= ~(unsigned)CDC_CD_R;
            if (!(p[3] & 0x02))
                d->capability &= ~(unsigned)CDC_CD_RW;
            if (!(p[2] & 0x08))
                d->capability &= ~(unsigned)CDC_DVD;
            if (!(p[3] & 0x20))
                d->capability &= ~(unsigned)CDC_DVD_RAM;
            if (!(p[3] & 0x10))
                d->capability &= ~(unsigned)CDC_DVD_R;
            if (!(p[6] & 0x08))
                d->capability &= ~(unsigned)CDC_OPEN_TRAY;
        }
    } else {
        /* sr.c: "scsi3-mmc drive" unknown, assume the least. */
        d->capability &= ~(unsigned)(CDC_CD_R | CDC_CD_RW | CDC_DVD_R | CDC_DVD |
                                     CDC_DVD_RAM | CDC_SELECT_SPEED);
    }
}

/* Trace one command and its outcome; timeout_ms > 0 is shown (the
 * timeout the caller gave the kernel, SG_IO and CDROM_SEND_PACKET). */
static void trace_command(struct emu_drive *d, const char *via, const uint8_t *cdb,
                          size_t cdb_len, size_t data_len, enum dw_emu_dir dir,
                          unsigned timeout_ms, const struct dw_emu_result *res)
{
    char hex[16 * 3 + 1], outcome[80], timeout[40] = "";
    const char *dir_name = dir == DW_EMU_READ    ? "in"
                           : dir == DW_EMU_WRITE ? "out"
                                                 : "none";
    size_t n = cdb_len > 16 ? 16 : cdb_len;

    for (size_t i = 0; i < n; i++)
        snprintf(hex + 3 * i, 4, "%02x ", cdb[i]);
    hex[n ? 3 * n - 1 : 0] = '\0';
    if (res->hung) {
        snprintf(outcome, sizeof(outcome), "no answer (hang fault)");
    } else if (res->status == 0) {
        snprintf(outcome, sizeof(outcome), "GOOD, %zu bytes", res->data_bytes);
    } else {
        int key, asc, ascq;
        sense_of(res, &key, &asc, &ascq);
        snprintf(outcome, sizeof(outcome), "CHECK CONDITION %x/%02x/%02x", key, asc, ascq);
    }
    if (timeout_ms)
        snprintf(timeout, sizeof(timeout), ", timeout %u ms", timeout_ms);
    trace("%s %s %s [%s] %s %zu -> %s%s", d->path, via, opcode_name(cdb[0]), hex, dir_name,
          data_len, outcome, timeout);
}

/* Run one CDB through the model, with the timeout the caller set (0: the
 * kernel's own command).  Returns res->status. */
static int drive_exec_timed(struct emu_drive *d, const char *via, const uint8_t *cdb,
                            size_t cdb_len, void *data, size_t data_len, enum dw_emu_dir dir,
                            unsigned timeout_ms, struct dw_emu_result *res)
{
    memset(res, 0, sizeof(*res));
    if (data_len == 0)
        dir = DW_EMU_NONE;
    pthread_mutex_lock(&d->lock);
    if (d->emu) {
        dw_emu_exec(d->emu, cdb, cdb_len, data, data_len, dir, res);
    } else {
        /* torn down at exit: answer like a drive that went away */
        res->status = 2;
        res->sense[0] = 0x70;
        res->sense[2] = 0x02;
        res->sense[7] = 10;
        res->sense[12] = 0x3a;
        res->sense_bytes = 18;
        res->residual_bytes = data_len;
    }
    pthread_mutex_unlock(&d->lock);
    if (g_trace)
        trace_command(d, via, cdb, cdb_len, data_len, dir, timeout_ms, res);
    return res->status;
}

static int drive_exec(struct emu_drive *d, const char *via, const uint8_t *cdb,
                      size_t cdb_len, void *data, size_t data_len, enum dw_emu_dir dir,
                      struct dw_emu_result *res)
{
    return drive_exec_timed(d, via, cdb, cdb_len, data, data_len, dir, 0, res);
}

/* A command the kernel sends on its own behalf, with sr_do_ioctl()'s error
 * mapping and retries: 0, -ENOMEDIUM (NOT READY, or UNIT ATTENTION that
 * does not go away), -EOPNOTSUPP (invalid opcode), -EIO (also after sr's
 * 30 s timeout when the drive does not answer). */
static int sr_command(struct emu_drive *d, const uint8_t *cdb, void *buf, size_t len,
                      enum dw_emu_dir dir)
{
    struct dw_emu_result res;

    for (int retries = 0;; retries++) {
        int key, asc, ascq;

        if (buf && dir == DW_EMU_READ)
            memset(buf, 0, len);
        if (drive_exec(d, "kernel", cdb, cdb_bytes(cdb[0]), buf, len, dir, &res) == 0)
            return 0;
        if (res.hung) {
            kernel_wait_ms(EMU_SR_TIMEOUT_MS);
            return -EIO;
        }
        if (res.status != 2)
            return -EIO;
        sense_of(&res, &key, &asc, &ascq);
        switch (key) {
        case 0x6: /* UNIT ATTENTION: "disc change detected" */
            if (retries < EMU_SR_RETRIES)
                continue;
            return -ENOMEDIUM;
        case 0x2: /* NOT READY */
            if (asc == 0x04 && ascq == 0x01 && retries < EMU_SR_RETRIES) {
                struct timespec ts = {0, 20 * 1000 * 1000}; /* the kernel waits 2 s */
                nanosleep(&ts, NULL);
                continue;
            }
            return -ENOMEDIUM;
        case 0x5:
            return asc == 0x20 && ascq == 0x00 ? -EOPNOTSUPP : -EIO;
        default:
            return -EIO;
        }
    }
}

/* ---- fd table ------------------------------------------------------------ */

/* One open file description on an emulated drive (shared by dup'ed fds). */
struct emu_ofd {
    struct emu_drive *drive;
    int flags; /* as given to open */
    bool excl;
    int refs; /* fds in the table */
};

struct emu_fd {
    int fd;
    struct emu_ofd *ofd;
    dev_t dev; /* of the memfd: a stale entry (fd closed behind our back) */
    ino_t ino; /* is noticed when the number is reused for another file */
};

static pthread_mutex_t g_fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct emu_fd g_fds[EMU_MAX_FDS];
static int g_fd_count; /* read without the lock as a fast "no fake fds" test */

static void ofd_release(struct emu_ofd *o);

/* Remove fd from the table (caller holds g_fd_lock); returns the ofd whose
 * reference the caller must drop, or NULL. */
static struct emu_ofd *fd_remove_locked(int fd)
{
    for (int i = 0; i < g_fd_count; i++)
        if (g_fds[i].fd == fd) {
            struct emu_ofd *o = g_fds[i].ofd;
            g_fds[i] = g_fds[g_fd_count - 1];
            __atomic_store_n(&g_fd_count, g_fd_count - 1, __ATOMIC_RELEASE);
            return o;
        }
    return NULL;
}

static void fd_forget(int fd)
{
    struct emu_ofd *o;

    if (__atomic_load_n(&g_fd_count, __ATOMIC_ACQUIRE) == 0)
        return;
    pthread_mutex_lock(&g_fd_lock);
    o = fd_remove_locked(fd);
    pthread_mutex_unlock(&g_fd_lock);
    if (o)
        ofd_release(o);
}

/* Add fd for o, taking a reference.  -1 with errno EMFILE when full. */
static int fd_add(int fd, struct emu_ofd *o)
{
    struct stat st;
    struct emu_ofd *old;

    if (REAL(fstat)(fd, &st) != 0)
        return -1;
    pthread_mutex_lock(&g_fd_lock);
    old = fd_remove_locked(fd);
    if (g_fd_count == EMU_MAX_FDS) {
        pthread_mutex_unlock(&g_fd_lock);
        if (old)
            ofd_release(old);
        errno = EMFILE;
        return -1;
    }
    g_fds[g_fd_count].fd = fd;
    g_fds[g_fd_count].ofd = o;
    g_fds[g_fd_count].dev = st.st_dev;
    g_fds[g_fd_count].ino = st.st_ino;
    o->refs++;
    __atomic_store_n(&g_fd_count, g_fd_count + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&g_fd_lock);
    if (old)
        ofd_release(old);
    return 0;
}

/* The open file description behind fd, or NULL for an fd that is not an
 * emulated drive.  The caller holds a reference until ofd_release. */
static struct emu_ofd *fd_lookup(int fd)
{
    struct emu_ofd *o = NULL;
    dev_t dev = 0;
    ino_t ino = 0;
    struct stat st;

    if (fd < 0 || __atomic_load_n(&g_fd_count, __ATOMIC_ACQUIRE) == 0)
        return NULL;
    pthread_mutex_lock(&g_fd_lock);
    for (int i = 0; i < g_fd_count; i++)
        if (g_fds[i].fd == fd) {
            o = g_fds[i].ofd;
            dev = g_fds[i].dev;
            ino = g_fds[i].ino;
            o->refs++;
            break;
        }
    pthread_mutex_unlock(&g_fd_lock);
    if (!o)
        return NULL;
    if (REAL(fstat)(fd, &st) != 0 || st.st_dev != dev || st.st_ino != ino) {
        /* closed behind our back (fclose, close_range, ...): forget it */
        fd_forget(fd);
        ofd_release(o);
        return NULL;
    }
    return o;
}

/* ---- the kernel's cdrom layer ---------------------------------------------- */

/* sr.c sr_drive_status(): TEST UNIT READY, then GET EVENT STATUS
 * NOTIFICATION (cdrom_get_media_event), then the sense of the TUR. */
static int drive_status(struct emu_drive *d)
{
    static const uint8_t tur[6] = {0x00, 0, 0, 0, 0, 0};
    static const uint8_t gesn[10] = {0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0};
    struct dw_emu_result res;
    uint8_t buf[8];
    int key = 0, asc = 0, ascq = 0;

    for (int i = 0; i < EMU_TUR_RETRIES; i++) {
        if (drive_exec(d, "kernel", tur, sizeof(tur), NULL, 0, DW_EMU_NONE, &res) == 0)
            return CDS_DISC_OK;
        sense_of(&res, &key, &asc, &ascq);
        if (key != 0x6)
            break;
    }
    if (key == 0x2 && asc == 0x04 && ascq == 0x01)
        return CDS_DRIVE_NOT_READY;
    memset(buf, 0, sizeof(buf));
    if (drive_exec(d, "kernel", gesn, sizeof(gesn), buf, sizeof(buf), DW_EMU_READ,
                   &res) == 0 &&
        res.data_bytes >= 8 && ((buf[0] << 8) | buf[1]) >= 4 && !(buf[2] & 0x80) &&
        (buf[2] & 0x07) == 0x04) {
        if (buf[5] & 0x02)
            return CDS_DISC_OK;
        return (buf[5] & 0x01) ? CDS_TRAY_OPEN : CDS_NO_DISC;
    }
    if (asc == 0x3a)
        return CDS_NO_DISC;
    return CDS_TRAY_OPEN;
}

/* sr_read_tochdr(): READ TOC format 0, 12 bytes. */
static int read_tochdr(struct emu_drive *d, struct cdrom_tochdr *h)
{
    uint8_t cdb[10] = {0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0};
    uint8_t buf[12];
    int rc = sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ);

    if (rc == 0) {
        h->cdth_trk0 = buf[2];
        h->cdth_trk1 = buf[3];
    }
    return rc;
}

/* The cdrom layer's sanitize_format(): convert an address between MSF and
 * LBA (LBA = MSF - 2 s). */
static void sanitize_format(union cdrom_addr *addr, uint8_t *format, uint8_t requested)
{
    if (*format == requested)
        return;
    if (requested == CDROM_LBA) {
        addr->lba = (int)addr->msf.frame +
                    75 * ((int)addr->msf.second - 2 + 60 * (int)addr->msf.minute);
    } else {
        int lba = addr->lba + CD_MSF_OFFSET;
        addr->msf.frame = (uint8_t)(lba % 75);
        lba /= 75;
        addr->msf.second = (uint8_t)(lba % 60);
        addr->msf.minute = (uint8_t)(lba / 60);
    }
    *format = requested;
}

/* cdrom_ioctl_read_tocentry() + sr_read_tocentry(): the drive is always
 * asked in MSF (READ TOC format 0, MSF bit, 12 bytes) and the answer
 * converted to what the caller asked for. */
static int read_tocentry(struct emu_drive *d, struct cdrom_tocentry *e)
{
    uint8_t requested = e->cdte_format;
    uint8_t cdb[10] = {0x43, 0x02, 0, 0, 0, 0, e->cdte_track, 0, 12, 0};
    uint8_t buf[12];
    int rc;

    if (requested != CDROM_MSF && requested != CDROM_LBA)
        return -EINVAL;
    rc = sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ);
    if (rc)
        return rc;
    e->cdte_ctrl = buf[5] & 0x0f;
    e->cdte_adr = buf[5] >> 4;
    e->cdte_datamode = (e->cdte_ctrl & CDROM_DATA_TRACK) ? 1 : 0;
    e->cdte_addr.msf.minute = buf[9];
    e->cdte_addr.msf.second = buf[10];
    e->cdte_addr.msf.frame = buf[11];
    e->cdte_format = CDROM_MSF;
    sanitize_format(&e->cdte_addr, &e->cdte_format, requested);
    return 0;
}

/* cdrom_ioctl_disc_status() over cdrom_count_tracks(): sr leaves
 * cdte_format at CDROM_MSF, so data tracks never count as XA or CD-i. */
static int disc_status(struct emu_drive *d)
{
    struct cdrom_tochdr h;
    int audio = 0, data = 0, rc = read_tochdr(d, &h);

    if (rc)
        return rc == -ENOMEDIUM ? CDS_NO_DISC : CDS_NO_INFO;
    for (int t = h.cdth_trk0; t <= h.cdth_trk1; t++) {
        struct cdrom_tocentry e;
        memset(&e, 0, sizeof(e));
        e.cdte_track = (uint8_t)t;
        e.cdte_format = CDROM_MSF;
        if (read_tocentry(d, &e))
            return CDS_NO_INFO;
        if (e.cdte_ctrl & CDROM_DATA_TRACK)
            data++;
        else
            audio++;
    }
    if (audio > 0)
        return data ? CDS_MIXED : CDS_AUDIO;
    if (data > 0)
        return CDS_DATA_1;
    return CDS_NO_INFO;
}

/* sr_vendor.c sr_cd_check() for an MMC drive (VENDOR_SCSI3): READ TOC
 * with the session format in the obsolete control-byte field (byte 9 =
 * 40h), the start of the last session's first track, 0 on a single-session
 * disc or any error.  sr_is_xa() is off by default (xa_test=0), so xa_flag
 * is just "more than one session". */
static int multisession(struct emu_drive *d, struct cdrom_multisession *ms)
{
    uint8_t requested = ms->addr_format;
    uint8_t cdb[10] = {0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40};
    uint8_t buf[12];
    int sector = 0;

    if (requested != CDROM_MSF && requested != CDROM_LBA)
        return -EINVAL;
    if (sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ) == 0 &&
        ((buf[0] << 8) | buf[1]) >= 0x0a && buf[6] > 1)
        sector = (int)((uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
                       (uint32_t)buf[10] << 8 | buf[11]);
    ms->addr.lba = sector;
    ms->xa_flag = sector > 0;
    ms->addr_format = CDROM_LBA;
    sanitize_format(&ms->addr, &ms->addr_format, requested);
    return 0;
}

/* sr_get_mcn(): READ SUB-CHANNEL, SubQ, format 02h, 24 bytes; the 13
 * digits at byte 9 are copied whether MCVal is set or not. */
static int get_mcn(struct emu_drive *d, struct cdrom_mcn *mcn)
{
    uint8_t cdb[10] = {0x42, 0, 0x40, 0x02, 0, 0, 0, 0, 24, 0};
    uint8_t buf[24];
    int rc = sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ);

    if (rc)
        return rc;
    memcpy(mcn->medium_catalog_number, buf + 9, sizeof(mcn->medium_catalog_number) - 1);
    mcn->medium_catalog_number[sizeof(mcn->medium_catalog_number) - 1] = 0;
    return 0;
}

/* mmc_ioctl_cdrom_subchannel() + cdrom_read_subchannel(): READ SUB-CHANNEL
 * format 01h (current position), 16 bytes, always in MSF. */
static int read_subchannel(struct emu_drive *d, struct cdrom_subchnl *q)
{
    uint8_t requested = q->cdsc_format, back;
    uint8_t cdb[10] = {0x42, 0x02, 0x40, 0x01, 0, 0, 0, 0, 16, 0};
    uint8_t buf[16];
    int rc;

    if (requested != CDROM_MSF && requested != CDROM_LBA)
        return -EINVAL;
    rc = sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ);
    if (rc)
        return rc;
    q->cdsc_audiostatus = buf[1];
    q->cdsc_adr = buf[5] >> 4;
    q->cdsc_ctrl = buf[5] & 0x0f;
    q->cdsc_trk = buf[6];
    q->cdsc_ind = buf[7];
    q->cdsc_absaddr.msf.minute = buf[9];
    q->cdsc_absaddr.msf.second = buf[10];
    q->cdsc_absaddr.msf.frame = buf[11];
    q->cdsc_reladdr.msf.minute = buf[13];
    q->cdsc_reladdr.msf.second = buf[14];
    q->cdsc_reladdr.msf.frame = buf[15];
    q->cdsc_format = CDROM_MSF;
    back = CDROM_MSF;
    sanitize_format(&q->cdsc_absaddr, &back, requested);
    sanitize_format(&q->cdsc_reladdr, &q->cdsc_format, requested);
    return 0;
}

/* cdrom_read_block(): READ CD of one or more blocks, expected sector type
 * 'format', the fields chosen by the block size as the kernel does. */
static int read_cd_block(struct emu_drive *d, int lba, int blocks, int format,
                         int block_bytes, uint8_t *buf)
{
    uint8_t cdb[12] = {0xbe,
                       (uint8_t)(format << 2),
                       (uint8_t)(lba >> 24),
                       (uint8_t)(lba >> 16),
                       (uint8_t)(lba >> 8),
                       (uint8_t)lba,
                       (uint8_t)(blocks >> 16),
                       (uint8_t)(blocks >> 8),
                       (uint8_t)blocks,
                       0x10,
                       0,
                       0};

    switch (block_bytes) {
    case CD_FRAMESIZE_RAW0:
        cdb[9] = 0x58;
        break; /* sub-header, user data, EDC/ECC */
    case CD_FRAMESIZE_RAW1:
        cdb[9] = 0x78;
        break; /* + header */
    case CD_FRAMESIZE_RAW:
        cdb[9] = 0xf8;
        break; /* everything */
    default:
        cdb[9] = 0x10;
        break; /* user data */
    }
    return sr_command(d, cdb, buf, (size_t)blocks * (size_t)block_bytes, DW_EMU_READ);
}

/* mmc_ioctl_cdrom_read_data(): CDROMREADMODE1/MODE2/RAW read one block at
 * the MSF in the argument into the same buffer. */
static int read_data_ioctl(struct emu_drive *d, void *arg, int block_bytes, int format)
{
    struct cdrom_msf *msf = arg;
    uint8_t buf[CD_FRAMESIZE_RAW];
    int lba, rc;

    lba = ((int)msf->cdmsf_min0 * CD_SECS + msf->cdmsf_sec0) * CD_FRAMES +
          msf->cdmsf_frame0 - CD_MSF_OFFSET;
    if (lba < 0)
        return -EINVAL;
    rc = read_cd_block(d, lba, 1, format, block_bytes, buf);
    if (rc == 0)
        memcpy(arg, buf, (size_t)block_bytes);
    return rc;
}

/* mmc_ioctl_cdrom_read_audio(): up to 75 frames of CD-DA, READ CD with
 * expected sector type CD-DA and the 2352-byte field selection. */
static int read_audio_ioctl(struct emu_drive *d, struct cdrom_read_audio *ra)
{
    int lba, rc = 0;
    uint8_t *buf;

    if (ra->addr_format == CDROM_MSF)
        lba = ((int)ra->addr.msf.minute * CD_SECS + ra->addr.msf.second) * CD_FRAMES +
              ra->addr.msf.frame - CD_MSF_OFFSET;
    else if (ra->addr_format == CDROM_LBA)
        lba = ra->addr.lba;
    else
        return -EINVAL;
    if (lba < 0 || ra->nframes <= 0 || ra->nframes > CD_FRAMES)
        return -EINVAL;
    buf = malloc((size_t)ra->nframes * CD_FRAMESIZE_RAW);
    if (!buf)
        return -ENOMEM;
    rc = read_cd_block(d, lba, ra->nframes, 1, CD_FRAMESIZE_RAW, buf);
    if (rc == 0)
        memcpy(ra->buf, buf, (size_t)ra->nframes * CD_FRAMESIZE_RAW);
    free(buf);
    return rc;
}

/* dvd_read_struct(): READ DISC STRUCTURE for the structure types the
 * kernel knows, unpacked into the dvd_struct union as it does. */
static int dvd_read_struct(struct emu_drive *d, dvd_struct *s)
{
    uint8_t cdb[12] = {0xad, 0, 0, 0, 0, 0, 0, s->type, 0, 0, 0, 0};
    uint8_t *buf = NULL;
    size_t bytes;
    int rc, len;

    switch (s->type) {
    case DVD_STRUCT_PHYSICAL:
    case DVD_STRUCT_COPYRIGHT:
        if (s->physical.layer_num >= DVD_LAYERS)
            return -EINVAL;
        cdb[6] = s->physical.layer_num;
        bytes = s->type == DVD_STRUCT_PHYSICAL ? 4 + 4 * 20 : 8;
        break;
    case DVD_STRUCT_DISCKEY:
        cdb[10] = (uint8_t)(s->disckey.agid << 6);
        bytes = 4 + sizeof(s->disckey.value);
        break;
    case DVD_STRUCT_BCA:
        bytes = 4 + 188;
        break;
    case DVD_STRUCT_MANUFACT:
        bytes = 4 + sizeof(s->manufact.value);
        break;
    default:
        return -EINVAL;
    }
    cdb[8] = (uint8_t)(bytes >> 8);
    cdb[9] = (uint8_t)bytes;
    buf = calloc(1, bytes);
    if (!buf)
        return -ENOMEM;
    rc = sr_command(d, cdb, buf, bytes, DW_EMU_READ);
    if (rc)
        goto out;
    switch (s->type) {
    case DVD_STRUCT_PHYSICAL: {
        const uint8_t *base = buf + 4;
        struct dvd_layer *layer = &s->physical.layer[s->physical.layer_num];
        memset(s->physical.layer, 0, sizeof(s->physical.layer));
        layer->book_version = base[0] & 0x0f;
        layer->book_type = base[0] >> 4;
        layer->min_rate = base[1] & 0x0f;
        layer->disc_size = base[1] >> 4;
        layer->layer_type = base[2] & 0x0f;
        layer->track_path = (base[2] >> 4) & 1;
        layer->nlayers = (base[2] >> 5) & 3;
        layer->track_density = base[3] & 0x0f;
        layer->linear_density = base[3] >> 4;
        layer->start_sector = (uint32_t)base[5] << 16 | (uint32_t)base[6] << 8 | base[7];
        layer->end_sector = (uint32_t)base[9] << 16 | (uint32_t)base[10] << 8 | base[11];
        layer->end_sector_l0 =
            (uint32_t)base[13] << 16 | (uint32_t)base[14] << 8 | base[15];
        layer->bca = base[16] >> 7;
        break;
    }
    case DVD_STRUCT_COPYRIGHT:
        s->copyright.cpst = buf[4];
        s->copyright.rmi = buf[5];
        break;
    case DVD_STRUCT_DISCKEY:
        memcpy(s->disckey.value, buf + 4, sizeof(s->disckey.value));
        break;
    case DVD_STRUCT_BCA:
        len = buf[0] << 8 | buf[1];
        if (len < 12 || len > 188) {
            rc = -EIO;
            goto out;
        }
        s->bca.len = len;
        memcpy(s->bca.value, buf + 4, (size_t)len);
        break;
    case DVD_STRUCT_MANUFACT:
        len = buf[0] << 8 | buf[1];
        if (len > (int)sizeof(s->manufact.value))
            len = (int)sizeof(s->manufact.value);
        s->manufact.len = len;
        memcpy(s->manufact.value, buf + 4, (size_t)len);
        break;
    }
out:
    free(buf);
    return rc;
}

/* cdrom_ioctl_media_changed() over sr_check_events(): a UNIT ATTENTION on
 * TEST UNIT READY, a media event from GET EVENT STATUS NOTIFICATION, or a
 * change of presence since the last call. */
static int media_changed(struct emu_drive *d)
{
    static const uint8_t tur[6] = {0x00, 0, 0, 0, 0, 0};
    static const uint8_t gesn[10] = {0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0};
    struct dw_emu_result res;
    uint8_t buf[8];
    int key, asc, ascq, present, changed = 0;

    drive_exec(d, "kernel", tur, sizeof(tur), NULL, 0, DW_EMU_NONE, &res);
    sense_of(&res, &key, &asc, &ascq);
    if (key == 0x6 && asc == 0x28)
        changed = 1;
    memset(buf, 0, sizeof(buf));
    if (drive_exec(d, "kernel", gesn, sizeof(gesn), buf, sizeof(buf), DW_EMU_READ,
                   &res) == 0 &&
        res.data_bytes >= 6 && (buf[2] & 0x07) == 0x04) {
        int event = buf[4] & 0x0f;
        if (event == 2 || event == 3) /* NewMedia, MediaRemoval */
            changed = 1;
    }
    pthread_mutex_lock(&d->lock);
    present = d->emu && dw_emu_medium_present(d->emu);
    if (d->last_present >= 0 && d->last_present != present)
        changed = 1;
    d->last_present = present;
    pthread_mutex_unlock(&d->lock);
    return changed;
}

/* START STOP UNIT as scsi_send_start_stop() and sr_tray_move() send it. */
static int start_stop(struct emu_drive *d, uint8_t byte1, uint8_t byte4)
{
    uint8_t cdb[6] = {0x1b, byte1, 0, 0, byte4, 0};
    return sr_command(d, cdb, NULL, 0, DW_EMU_NONE);
}

/* sr_lock_door() -> scsi_set_medium_removal(): PREVENT ALLOW MEDIUM
 * REMOVAL. */
static int lock_door(struct emu_drive *d, bool lock)
{
    uint8_t cdb[6] = {0x1e, 0, 0, 0, lock ? 1 : 0, 0};
    return sr_command(d, cdb, NULL, 0, DW_EMU_NONE);
}

/* READ CAPACITY: the size of the block device in 2048-byte sectors, 0
 * without a medium (the kernel sets the capacity to 0 then). */
static int64_t capacity_sectors(struct emu_drive *d)
{
    uint8_t cdb[10] = {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t buf[8];

    if (sr_command(d, cdb, buf, sizeof(buf), DW_EMU_READ))
        return 0;
    return (int64_t)((uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
                     (uint32_t)buf[2] << 8 | buf[3]) +
           1;
}

/* ---- SG_IO and CDROM_SEND_PACKET ----------------------------------------- */

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
    return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* The block layer's sg_io() on an sr node. */
static int sg_io(struct emu_drive *d, struct sg_io_hdr *h)
{
    /* The request's timeout: hdr->timeout ms, 0 for the default. */
    unsigned wait_ms = h->timeout ? h->timeout : EMU_SG_DEFAULT_TIMEOUT_MS;
    enum dw_emu_dir dir = DW_EMU_NONE;
    struct dw_emu_result res;
    struct timespec t0, t1;
    uint8_t cdb[16];

    if (h->interface_id != 'S')
        return -EINVAL;
    if (h->iovec_count > 0)
        return -EINVAL; /* scatter lists: not needed by any user so far */
    if (h->cmd_len < 1 || h->cmd_len > sizeof(cdb) || !h->cmdp)
        return -EINVAL;
    if (h->dxfer_len > EMU_MAX_TRANSFER_BYTES)
        return -EIO;
    if (h->dxfer_len) {
        switch (h->dxfer_direction) {
        case SG_DXFER_TO_DEV:
            dir = DW_EMU_WRITE;
            break;
        case SG_DXFER_FROM_DEV:
        case SG_DXFER_TO_FROM_DEV:
            dir = DW_EMU_READ;
            break;
        default:
            return -EINVAL;
        }
        if (!h->dxferp)
            return -EFAULT;
    }
    memcpy(cdb, h->cmdp, h->cmd_len);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    drive_exec_timed(d, "SG_IO", cdb, h->cmd_len, h->dxferp, h->dxfer_len, dir, wait_ms,
                     &res);
    if (res.hung) {
        /* sg_io(): the request times out after hdr->timeout ms (0: the
         * default), the error handler aborts it, and the ioctl returns 0
         * with host_status DID_TIME_OUT, no status, no sense, no data. */
        kernel_wait_ms(wait_ms);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        trace("%s SG_IO %s: no answer within %u ms: host_status DID_TIME_OUT", d->path,
              opcode_name(cdb[0]), wait_ms);
        h->status = h->masked_status = h->msg_status = 0;
        h->host_status = EMU_DID_TIME_OUT;
        h->driver_status = 0;
        h->sb_len_wr = 0;
        h->resid = (int)h->dxfer_len;
        h->duration = (unsigned int)ms_between(&t0, &t1);
        h->info = SG_INFO_CHECK;
        return 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    h->status = (unsigned char)res.status;
    h->masked_status = (unsigned char)(res.status >> 1);
    h->msg_status = 0;
    h->host_status = 0;
    h->driver_status = res.status == 2 ? 0x08 : 0; /* DRIVER_SENSE */
    h->sb_len_wr = 0;
    if (res.status == 2 && h->sbp && h->mx_sb_len) {
        size_t n = res.sense_bytes < h->mx_sb_len ? res.sense_bytes : h->mx_sb_len;
        memcpy(h->sbp, res.sense, n);
        h->sb_len_wr = (unsigned char)n;
    }
    h->resid = (int)(h->dxfer_len - res.data_bytes);
    h->duration = (unsigned int)ms_between(&t0, &t1);
    h->info =
        (res.status || h->host_status || h->driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
    return 0;
}

/* scsi_cdrom_send_packet(): CDROM_SEND_PACKET is SG_IO with the 12-byte
 * packet; any status other than GOOD is -EIO, stored in stat as well, and
 * buflen comes back as the residual. */
static int send_packet(struct emu_drive *d, struct cdrom_generic_command *cgc)
{
    /* cgc.timeout is in clock ticks (USER_HZ); 0 takes the SG_IO default. */
    unsigned wait_ms = cgc->timeout > 0 ? (unsigned)cgc->timeout * (1000 / EMU_USER_HZ)
                                        : EMU_SG_DEFAULT_TIMEOUT_MS;
    enum dw_emu_dir dir = DW_EMU_NONE;
    struct dw_emu_result res;
    uint8_t cdb[CDROM_PACKET_SIZE];

    if (cgc->buflen) {
        switch (cgc->data_direction) {
        case CGC_DATA_WRITE:
            dir = DW_EMU_WRITE;
            break;
        case CGC_DATA_READ:
            dir = DW_EMU_READ;
            break;
        default:
            return -EINVAL; /* NONE or UNKNOWN with data */
        }
        if (!cgc->buffer)
            return -EFAULT;
        if (cgc->buflen > EMU_MAX_TRANSFER_BYTES)
            return -EIO;
    } else if (cgc->data_direction > CGC_DATA_NONE) {
        return -EINVAL;
    }
    memcpy(cdb, cgc->cmd, sizeof(cdb));
    drive_exec_timed(d, "CDROM_SEND_PACKET", cdb, sizeof(cdb), cgc->buffer, cgc->buflen,
                     dir, wait_ms, &res);
    if (res.hung) {
        /* The same timeout as SG_IO, but scsi_cdrom_send_packet() looks
         * only at the status byte, which a timed-out command has not got:
         * the call "succeeds" with nothing transferred. */
        kernel_wait_ms(wait_ms);
        trace("%s CDROM_SEND_PACKET %s: no answer within %u ms: reported as done", d->path,
              opcode_name(cdb[0]), wait_ms);
        cgc->stat = 0;
        return 0; /* buflen stays: all of it is residual */
    }
    if (res.status == 2 && cgc->sense) {
        size_t n = res.sense_bytes < sizeof(struct request_sense)
                       ? res.sense_bytes
                       : sizeof(struct request_sense);
        memcpy(cgc->sense, res.sense, n);
    }
    cgc->buflen = (unsigned int)(cgc->buflen - res.data_bytes);
    cgc->stat = res.status ? -EIO : 0;
    return cgc->stat;
}

/* ---- ioctl --------------------------------------------------------------- */

static const char *ioctl_name(unsigned long req)
{
    switch (req) {
    case SG_IO:
        return "SG_IO";
    case CDROM_SEND_PACKET:
        return "CDROM_SEND_PACKET";
    case SG_GET_SCSI_ID:
        return "SG_GET_SCSI_ID";
    case SG_GET_VERSION_NUM:
        return "SG_GET_VERSION_NUM";
    case SG_EMULATED_HOST:
        return "SG_EMULATED_HOST";
    case SG_GET_RESERVED_SIZE:
        return "SG_GET_RESERVED_SIZE";
    case SG_SET_RESERVED_SIZE:
        return "SG_SET_RESERVED_SIZE";
    case SG_GET_TIMEOUT:
        return "SG_GET_TIMEOUT";
    case SG_SET_TIMEOUT:
        return "SG_SET_TIMEOUT";
    case SCSI_IOCTL_GET_IDLUN:
        return "SCSI_IOCTL_GET_IDLUN";
    case SCSI_IOCTL_GET_BUS_NUMBER:
        return "SCSI_IOCTL_GET_BUS_NUMBER";
    case HDIO_GET_IDENTITY:
        return "HDIO_GET_IDENTITY";
    case CDROM_GET_CAPABILITY:
        return "CDROM_GET_CAPABILITY";
    case CDROM_DRIVE_STATUS:
        return "CDROM_DRIVE_STATUS";
    case CDROM_DISC_STATUS:
        return "CDROM_DISC_STATUS";
    case CDROM_MEDIA_CHANGED:
        return "CDROM_MEDIA_CHANGED";
    case CDROMREADTOCHDR:
        return "CDROMREADTOCHDR";
    case CDROMREADTOCENTRY:
        return "CDROMREADTOCENTRY";
    case CDROMMULTISESSION:
        return "CDROMMULTISESSION";
    case CDROM_GET_MCN:
        return "CDROM_GET_MCN";
    case CDROMSUBCHNL:
        return "CDROMSUBCHNL";
    case DVD_READ_STRUCT:
        return "DVD_READ_STRUCT";
    case CDROMREADMODE1:
        return "CDROMREADMODE1";
    case CDROMREADMODE2:
        return "CDROMREADMODE2";
    case CDROMREADRAW:
        return "CDROMREADRAW";
    case CDROMREADAUDIO:
        return "CDROMREADAUDIO";
    case CDROM_SELECT_SPEED:
        return "CDROM_SELECT_SPEED";
    case CDROMEJECT:
        return "CDROMEJECT";
    case CDROMCLOSETRAY:
        return "CDROMCLOSETRAY";
    case CDROM_LOCKDOOR:
        return "CDROM_LOCKDOOR";
    case CDROMSTART:
        return "CDROMSTART";
    case CDROMSTOP:
        return "CDROMSTOP";
    case CDROM_SET_OPTIONS:
        return "CDROM_SET_OPTIONS";
    case CDROM_CLEAR_OPTIONS:
        return "CDROM_CLEAR_OPTIONS";
    case BLKGETSIZE:
        return "BLKGETSIZE";
    case BLKGETSIZE64:
        return "BLKGETSIZE64";
    case BLKSSZGET:
        return "BLKSSZGET";
    default:
        return NULL;
    }
}

/* One ioctl on an emulated drive: the result (>= 0) or -errno.
 * long function: one short case per ioctl the kernel answers on an sr
 * node, so the whole table reads in one place (the work is in the
 * handlers above). */
static int drive_ioctl(struct emu_ofd *o, unsigned long req, void *arg)
{
    struct emu_drive *d = o->drive;
    uintptr_t value = (uintptr_t)arg; /* for the ioctls that take an integer */

    switch (req) {
    case SG_IO:
        return arg ? sg_io(d, arg) : -EFAULT;
    case CDROM_SEND_PACKET:
        return arg ? send_packet(d, arg) : -EFAULT;

    /* Block layer SCSI housekeeping (scsi_ioctl.c). */
    case SG_GET_SCSI_ID: /* sg nodes only: on sr, as libburn expects */
        return -EINVAL;
    case SG_GET_VERSION_NUM:
        if (!arg)
            return -EFAULT;
        *(int *)arg = EMU_SG_VERSION;
        return 0;
    case SG_EMULATED_HOST:
        if (!arg)
            return -EFAULT;
        *(int *)arg = 0;
        return 0;
    case SG_GET_RESERVED_SIZE:
        if (!arg)
            return -EFAULT;
        *(int *)arg = d->reserved_bytes;
        return 0;
    case SG_SET_RESERVED_SIZE:
        if (!arg)
            return -EFAULT;
        if (*(int *)arg < 0)
            return -EINVAL;
        d->reserved_bytes =
            *(int *)arg < EMU_SG_RESERVED_BYTES ? *(int *)arg : EMU_SG_RESERVED_BYTES;
        return 0;
    case SG_GET_TIMEOUT:
        return EMU_SG_TIMEOUT_TICKS;
    case SG_SET_TIMEOUT:
        if (!arg)
            return -EFAULT;
        return *(int *)arg < 0 ? -EIO : 0;
    case SCSI_IOCTL_GET_IDLUN: { /* host N (one per drive), channel 0, id 0, lun 0 */
        int *idlun = arg;
        if (!arg)
            return -EFAULT;
        idlun[0] = (d->index & 0xff) << 24;
        idlun[1] = d->index;
        return 0;
    }
    case SCSI_IOCTL_GET_BUS_NUMBER:
        if (!arg)
            return -EFAULT;
        *(int *)arg = d->index;
        return 0;
    case HDIO_GET_IDENTITY: /* succeeding would send libburn down its ATA path */
        return -EINVAL;

    /* Block device geometry. */
    case BLKGETSIZE:
        if (!arg)
            return -EFAULT;
        *(unsigned long *)arg =
            (unsigned long)(capacity_sectors(d) * (EMU_SECTOR_BYTES / 512));
        return 0;
    case BLKGETSIZE64:
        if (!arg)
            return -EFAULT;
        *(uint64_t *)arg = (uint64_t)capacity_sectors(d) * EMU_SECTOR_BYTES;
        return 0;
    case BLKSSZGET:
        if (!arg)
            return -EFAULT;
        *(int *)arg = EMU_SECTOR_BYTES;
        return 0;

    /* The cdrom layer (cdrom.c) and sr. */
    case CDROM_GET_CAPABILITY:
        return (int)d->capability;
    case CDROM_DRIVE_STATUS:
        return drive_status(d);
    case CDROM_DISC_STATUS:
        return disc_status(d);
    case CDROM_MEDIA_CHANGED:
        return media_changed(d);
    case CDROMREADTOCHDR:
        return arg ? read_tochdr(d, arg) : -EFAULT;
    case CDROMREADTOCENTRY:
        return arg ? read_tocentry(d, arg) : -EFAULT;
    case CDROMMULTISESSION:
        return arg ? multisession(d, arg) : -EFAULT;
    case CDROM_GET_MCN:
        return arg ? get_mcn(d, arg) : -EFAULT;
    case CDROMSUBCHNL:
        return arg ? read_subchannel(d, arg) : -EFAULT;
    case DVD_READ_STRUCT:
        if (!(d->capability & CDC_DVD))
            return -ENOSYS;
        return arg ? dvd_read_struct(d, arg) : -EFAULT;
    case CDROMREADMODE1:
        return arg ? read_data_ioctl(d, arg, CD_FRAMESIZE, 2) : -EFAULT;
    case CDROMREADMODE2:
        return arg ? read_data_ioctl(d, arg, CD_FRAMESIZE_RAW0, 0) : -EFAULT;
    case CDROMREADRAW:
        return arg ? read_data_ioctl(d, arg, CD_FRAMESIZE_RAW, 0) : -EFAULT;
    case CDROMREADAUDIO:
        return arg ? read_audio_ioctl(d, arg) : -EFAULT;
    case CDROM_SELECT_SPEED: { /* sr_select_speed(): SET CD SPEED in kB/s */
        unsigned long speed = value > 0xffff / 177 ? 0xffff / 177 : value;
        uint8_t cdb[12] = {0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        speed = speed == 0 ? 0xffff : speed * 177;
        cdb[2] = (uint8_t)(speed >> 8);
        cdb[3] = (uint8_t)speed;
        return sr_command(d, cdb, NULL, 0, DW_EMU_NONE) ? -EIO : 0;
    }
    case CDROMEJECT: /* straight to scsi_send_start_stop(): LoEj, stop */
        return start_stop(d, 0, 0x02) ? -EIO : 0;
    case CDROMCLOSETRAY: /* LoEj, start */
        return start_stop(d, 0, 0x03) ? -EIO : 0;
    case CDROMSTART: /* mmc_ioctl_cdrom_start_stop(): Immed */
        return start_stop(d, 1, 1);
    case CDROMSTOP:
        return start_stop(d, 1, 0);
    case CDROM_LOCKDOOR: {
        int users;
        pthread_mutex_lock(&d->lock);
        d->keeplocked = value != 0;
        users = d->use_count;
        pthread_mutex_unlock(&d->lock);
        if (users != 1 && !value && geteuid() != 0)
            return -EBUSY;
        return lock_door(d, value != 0) ? -EIO : 0;
    }
    case CDROM_SET_OPTIONS: {
        int options;
        if ((value == CDO_LOCK && !(d->capability & CDC_LOCK)) ||
            (value != CDO_USE_FFLAGS && value != CDO_CHECK_TYPE && value != CDO_LOCK &&
             value != 0 && (d->capability & value) != value))
            return -ENOSYS;
        pthread_mutex_lock(&d->lock);
        d->options |= (int)value;
        options = d->options;
        pthread_mutex_unlock(&d->lock);
        return options;
    }
    case CDROM_CLEAR_OPTIONS: {
        int options;
        pthread_mutex_lock(&d->lock);
        d->options &= ~(int)value;
        options = d->options;
        pthread_mutex_unlock(&d->lock);
        return options;
    }
    default:
        return -ENOTTY;
    }
}

int ioctl(int fd, unsigned long req, ...)
{
    struct emu_ofd *o;
    va_list ap;
    void *arg;
    int rc;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    o = fd_lookup(fd);
    if (!o)
        return REAL(ioctl)(fd, req, arg);
    rc = drive_ioctl(o, req, arg);
    if (g_trace && ((req != SG_IO && req != CDROM_SEND_PACKET) || rc < 0)) {
        const char *name = ioctl_name(req);
        if (name)
            trace("%s ioctl(%d, %s) -> %d%s%s", o->drive->path, fd, name,
                  rc < 0 ? -1 : rc, rc < 0 ? " " : "", rc < 0 ? strerror(-rc) : "");
        else
            trace("%s ioctl(%d, 0x%lx) -> -1 %s", o->drive->path, fd, req, strerror(-rc));
    }
    ofd_release(o);
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return rc;
}

/* ---- open and close -------------------------------------------------------- */

static void flags_text(int flags, char *out, size_t out_bytes)
{
    int acc = flags & O_ACCMODE;
    snprintf(out, out_bytes, "%s%s%s%s",
             acc == O_RDONLY   ? "O_RDONLY"
             : acc == O_WRONLY ? "O_WRONLY"
                               : "O_RDWR",
             (flags & O_EXCL) ? "|O_EXCL" : "", (flags & O_NONBLOCK) ? "|O_NONBLOCK" : "",
             (flags & O_CLOEXEC) ? "|O_CLOEXEC" : "");
}

/* cdrom_open(): with O_NONBLOCK just open; otherwise the drive must hold a
 * medium (closing the tray first if it is open and CDO_AUTO_CLOSE), cannot
 * be opened for writing (no random-writable media here), and the door is
 * locked while open (CDO_LOCK). */
static int open_for_data(struct emu_drive *d, int flags)
{
    int status = drive_status(d);

    if (status == CDS_TRAY_OPEN && (d->options & CDO_AUTO_CLOSE) &&
        (d->capability & CDC_CLOSE_TRAY)) {
        start_stop(d, 0, 0x03);
        status = drive_status(d);
    }
    if (status != CDS_DISC_OK)
        return -ENOMEDIUM;
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EROFS;
    if ((d->options & CDO_LOCK) && (d->capability & CDC_LOCK))
        lock_door(d, true);
    return 0;
}

static int emu_open(struct emu_drive *d, int flags)
{
    struct emu_ofd *o = NULL;
    char name[64], how[64];
    int fd = -1, rc = 0;
    bool counted = false;

    flags_text(flags, how, sizeof(how));
    if ((flags & O_CREAT) && (flags & O_EXCL)) {
        rc = -EEXIST;
        goto out;
    }
    if (flags & O_DIRECTORY) {
        rc = -ENOTDIR;
        goto out;
    }
    pthread_mutex_lock(&d->lock);
    drive_create_locked(d);
    if (!d->emu) {
        rc = -ENXIO;
    } else if ((flags & O_EXCL) && d->excl_count > 0) {
        rc = -EBUSY;
    } else {
        d->use_count++;
        if (flags & O_EXCL)
            d->excl_count++;
        counted = true;
    }
    pthread_mutex_unlock(&d->lock);
    if (rc)
        goto out;
    if (!(flags & O_NONBLOCK) || !(d->options & CDO_USE_FFLAGS)) {
        rc = open_for_data(d, flags);
        if (rc)
            goto out;
    }
    o = calloc(1, sizeof(*o));
    if (!o) {
        rc = -ENOMEM;
        goto out;
    }
    o->drive = d;
    o->flags = flags;
    o->excl = (flags & O_EXCL) != 0;
    snprintf(name, sizeof(name), "dwemu:%s", d->path);
    fd = (int)syscall(SYS_memfd_create, name, (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0u);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    if (fd_add(fd, o) != 0) {
        rc = -errno;
        REAL(close)(fd);
        fd = -1;
        goto out;
    }
    counted = false; /* the table owns the counts now */
    o = NULL;
out:
    if (counted) {
        pthread_mutex_lock(&d->lock);
        d->use_count--;
        if (flags & O_EXCL)
            d->excl_count--;
        pthread_mutex_unlock(&d->lock);
    }
    free(o);
    if (rc) {
        trace("open(%s, %s) -> -1 %s", d->path, how, strerror(-rc));
        errno = -rc;
        return -1;
    }
    trace("open(%s, %s) -> %d", d->path, how, fd);
    return fd;
}

/* Drop one reference; the last one closes the open file description as
 * cdrom_release() does (the door is unlocked when the last user goes). */
static void ofd_release(struct emu_ofd *o)
{
    struct emu_drive *d = o->drive;
    bool last_user = false, unlock = false, locked = false;
    int refs;

    pthread_mutex_lock(&g_fd_lock);
    refs = --o->refs;
    pthread_mutex_unlock(&g_fd_lock);
    if (refs > 0)
        return;
    pthread_mutex_lock(&d->lock);
    if (o->excl)
        d->excl_count--;
    d->use_count--;
    last_user = d->use_count == 0;
    unlock = last_user && d->emu && (d->capability & CDC_LOCK) && !d->keeplocked;
    /* Whether the program left medium removal prevented, before the
     * kernel's unlock at the last close hides it. */
    locked = last_user && d->emu && dw_emu_locked(d->emu);
    pthread_mutex_unlock(&d->lock);
    if (unlock)
        lock_door(d, false);
    trace("%s: closed%s", d->path,
          !last_user ? ""
          : locked   ? " (last user; the tray was left locked)"
                     : " (last user; the tray was not locked)");
    free(o);
}

static int open_common(const char *path, int flags, mode_t mode,
                       int (*real_fn)(const char *, int, ...))
{
    struct emu_drive *d = drive_by_path(path);

    if (d)
        return emu_open(d, flags);
    return real_fn(path, flags, mode);
}

static mode_t open_mode(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return (mode_t)va_arg(ap, int);
    return 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    return open_common(path, flags, mode, REAL(open));
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    return open_common(path, flags, mode, REAL(open64));
}

int __open_2(const char *path, int flags)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? emu_open(d, flags) : REAL(__open_2)(path, flags);
}

int __open64_2(const char *path, int flags)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? emu_open(d, flags) : REAL(__open64_2)(path, flags);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    struct emu_drive *d = drive_by_at_path(dirfd, path);
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    return d ? emu_open(d, flags) : REAL(openat)(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    struct emu_drive *d = drive_by_at_path(dirfd, path);
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    return d ? emu_open(d, flags) : REAL(openat64)(dirfd, path, flags, mode);
}

int __openat_2(int dirfd, const char *path, int flags)
{
    struct emu_drive *d = drive_by_at_path(dirfd, path);
    return d ? emu_open(d, flags) : REAL(__openat_2)(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
    struct emu_drive *d = drive_by_at_path(dirfd, path);
    return d ? emu_open(d, flags) : REAL(__openat64_2)(dirfd, path, flags);
}

int close(int fd)
{
    fd_forget(fd);
    return REAL(close)(fd);
}

/* Track newfd as a copy of oldfd's open file description (after a
 * successful dup*). */
static int track_dup(int oldfd, int newfd)
{
    struct emu_ofd *o;

    if (newfd < 0)
        return newfd;
    fd_forget(newfd); /* dup2/dup3 closed whatever newfd was */
    o = fd_lookup(oldfd);
    if (o) {
        if (fd_add(newfd, o) != 0) {
            int saved = errno;
            ofd_release(o);
            REAL(close)(newfd);
            errno = saved;
            return -1;
        }
        ofd_release(o);
    }
    return newfd;
}

int dup(int fd)
{
    return track_dup(fd, REAL(dup)(fd));
}

int dup2(int oldfd, int newfd)
{
    if (oldfd == newfd)
        return REAL(dup2)(oldfd, newfd);
    return track_dup(oldfd, REAL(dup2)(oldfd, newfd));
}

int dup3(int oldfd, int newfd, int flags)
{
    return track_dup(oldfd, REAL(dup3)(oldfd, newfd, flags));
}

/* fcntl on an emulated fd: record locks always succeed within one process
 * (as POSIX locks do) and report no conflict; F_GETFL reports the flags of
 * the open (F_SETFL updates them); everything else acts on the memfd. */
static int fcntl_common(int fd, int cmd, void *arg, int (*real_fn)(int, int, ...))
{
    struct emu_ofd *o = NULL;
    int rc;

    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return track_dup(fd, real_fn(fd, cmd, arg));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
    case F_GETFL:
    case F_SETFL:
        o = fd_lookup(fd);
        break;
    default:
        break;
    }
    if (!o)
        return real_fn(fd, cmd, arg);
    if (cmd == F_SETFL) {
        const int settable = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;
        rc = real_fn(fd, cmd, arg);
        if (rc == 0)
            o->flags = (o->flags & ~settable) | ((int)(intptr_t)arg & settable);
    } else if (cmd == F_GETFL) {
        rc = o->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    } else if (!arg) {
        errno = EFAULT;
        rc = -1;
    } else {
        struct flock *lk = arg;
        if (cmd == F_GETLK || cmd == F_OFD_GETLK)
            lk->l_type = F_UNLCK;
        trace("%s fcntl(%d, %s) -> 0", o->drive->path, fd,
              cmd == F_GETLK || cmd == F_OFD_GETLK ? "F_GETLK" : "F_SETLK");
        rc = 0;
    }
    ofd_release(o);
    return rc;
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common(fd, cmd, arg, REAL(fcntl));
}

int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common(fd, cmd, arg, REAL(fcntl64) ? REAL(fcntl64) : REAL(fcntl));
}

int flock(int fd, int operation)
{
    struct emu_ofd *o = fd_lookup(fd);

    if (!o)
        return REAL(flock)(fd, operation);
    ofd_release(o);
    return 0;
}

/* ---- data: read, lseek, write ---------------------------------------------- */

/* read() on the block device: user data through READ(10), EOF at the
 * capacity, EIO when the first sector cannot be read, a short count when a
 * later one cannot. */
static ssize_t emu_pread(struct emu_ofd *o, void *buf, size_t bytes, int64_t offset)
{
    struct emu_drive *d = o->drive;
    uint8_t *chunk;
    size_t done = 0;
    int64_t size;

    if ((o->flags & O_ACCMODE) == O_WRONLY) {
        errno = EBADF;
        return -1;
    }
    if (offset < 0) {
        errno = EINVAL;
        return -1;
    }
    size = capacity_sectors(d) * EMU_SECTOR_BYTES;
    if (bytes == 0 || offset >= size)
        return 0;
    if ((int64_t)bytes > size - offset)
        bytes = (size_t)(size - offset);
    chunk = malloc(EMU_READ_CHUNK_SECTORS * EMU_SECTOR_BYTES);
    if (!chunk) {
        errno = ENOMEM;
        return -1;
    }
    while (done < bytes) {
        int64_t at = offset + (int64_t)done;
        uint32_t lba = (uint32_t)(at / EMU_SECTOR_BYTES);
        size_t skip = (size_t)(at % EMU_SECTOR_BYTES);
        size_t want = bytes - done,
               sectors = (skip + want + EMU_SECTOR_BYTES - 1) / EMU_SECTOR_BYTES;
        uint8_t cdb[10] = {0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        size_t got;
        int rc;

        if (sectors > EMU_READ_CHUNK_SECTORS)
            sectors = EMU_READ_CHUNK_SECTORS;
        cdb[2] = (uint8_t)(lba >> 24);
        cdb[3] = (uint8_t)(lba >> 16);
        cdb[4] = (uint8_t)(lba >> 8);
        cdb[5] = (uint8_t)lba;
        cdb[8] = (uint8_t)sectors;
        rc = sr_command(d, cdb, chunk, sectors * EMU_SECTOR_BYTES, DW_EMU_READ);
        if (rc) {
            if (done == 0) {
                free(chunk);
                errno = EIO;
                return -1;
            }
            break;
        }
        got = sectors * EMU_SECTOR_BYTES - skip;
        if (got > want)
            got = want;
        memcpy((uint8_t *)buf + done, chunk + skip, got);
        done += got;
    }
    free(chunk);
    return (ssize_t)done;
}

static ssize_t emu_read(struct emu_ofd *o, int fd, void *buf, size_t bytes)
{
    off_t at = REAL(lseek)(fd, 0, SEEK_CUR);
    ssize_t n;

    if (at < 0)
        return -1;
    n = emu_pread(o, buf, bytes, at);
    if (n > 0)
        REAL(lseek)(fd, at + n, SEEK_SET);
    trace("%s read(%d, %zu bytes at %lld) -> %zd", o->drive->path, fd, bytes,
          (long long)at, n);
    return n;
}

ssize_t read(int fd, void *buf, size_t bytes)
{
    struct emu_ofd *o = fd_lookup(fd);
    ssize_t n;

    if (!o)
        return REAL(read)(fd, buf, bytes);
    n = emu_read(o, fd, buf, bytes);
    ofd_release(o);
    return n;
}

ssize_t __read_chk(int fd, void *buf, size_t bytes, size_t buf_bytes)
{
    struct emu_ofd *o;
    ssize_t n;

    if (bytes > buf_bytes)
        abort(); /* __chk_fail */
    o = fd_lookup(fd);
    if (!o)
        return REAL(__read_chk)(fd, buf, bytes, buf_bytes);
    n = emu_read(o, fd, buf, bytes);
    ofd_release(o);
    return n;
}

static ssize_t pread_common(int fd, void *buf, size_t bytes, int64_t offset,
                            bool *handled)
{
    struct emu_ofd *o = fd_lookup(fd);
    ssize_t n;

    *handled = o != NULL;
    if (!o)
        return 0;
    n = emu_pread(o, buf, bytes, offset);
    trace("%s pread(%d, %zu bytes at %lld) -> %zd", o->drive->path, fd, bytes,
          (long long)offset, n);
    ofd_release(o);
    return n;
}

ssize_t pread(int fd, void *buf, size_t bytes, off_t offset)
{
    bool handled;
    ssize_t n = pread_common(fd, buf, bytes, offset, &handled);
    return handled ? n : REAL(pread)(fd, buf, bytes, offset);
}

ssize_t pread64(int fd, void *buf, size_t bytes, off64_t offset)
{
    bool handled;
    ssize_t n = pread_common(fd, buf, bytes, offset, &handled);
    return handled ? n : REAL(pread64)(fd, buf, bytes, offset);
}

ssize_t __pread_chk(int fd, void *buf, size_t bytes, off_t offset, size_t buf_bytes)
{
    bool handled;
    ssize_t n;

    if (bytes > buf_bytes)
        abort();
    n = pread_common(fd, buf, bytes, offset, &handled);
    return handled ? n : REAL(__pread_chk)(fd, buf, bytes, offset, buf_bytes);
}

ssize_t __pread64_chk(int fd, void *buf, size_t bytes, off64_t offset, size_t buf_bytes)
{
    bool handled;
    ssize_t n;

    if (bytes > buf_bytes)
        abort();
    n = pread_common(fd, buf, bytes, offset, &handled);
    return handled ? n : REAL(__pread64_chk)(fd, buf, bytes, offset, buf_bytes);
}

/* Writing the block device of a read-only drive: the sr driver fails the
 * request (a CD/DVD/BD is written with MMC commands, not write()). */
static bool write_refused(int fd)
{
    struct emu_ofd *o = fd_lookup(fd);

    if (!o)
        return false;
    trace("%s write(%d) -> -1 EIO", o->drive->path, fd);
    ofd_release(o);
    errno = EIO;
    return true;
}

ssize_t write(int fd, const void *buf, size_t bytes)
{
    return write_refused(fd) ? -1 : REAL(write)(fd, buf, bytes);
}

ssize_t pwrite(int fd, const void *buf, size_t bytes, off_t offset)
{
    return write_refused(fd) ? -1 : REAL(pwrite)(fd, buf, bytes, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t bytes, off64_t offset)
{
    return write_refused(fd) ? -1 : REAL(pwrite64)(fd, buf, bytes, offset);
}

/* The memfd keeps the file offset (shared by dup'ed fds, as on a real
 * device); SEEK_END, SEEK_DATA and SEEK_HOLE need the medium's size. */
static off_t lseek_common(int fd, int64_t offset, int whence, bool *handled)
{
    struct emu_ofd *o;
    int64_t size, to;
    off_t rc;

    *handled = false;
    if (whence != SEEK_END && whence != SEEK_DATA && whence != SEEK_HOLE)
        return 0;
    o = fd_lookup(fd);
    if (!o)
        return 0;
    *handled = true;
    size = capacity_sectors(o->drive) * EMU_SECTOR_BYTES;
    if (whence == SEEK_END)
        to = size + offset;
    else if (offset >= size)
        to = -1;
    else
        to = whence == SEEK_DATA ? offset : size;
    if (to < 0) {
        errno = whence == SEEK_END ? EINVAL : ENXIO;
        rc = -1;
    } else {
        rc = REAL(lseek)(fd, (off_t)to, SEEK_SET);
    }
    ofd_release(o);
    return rc;
}

off_t lseek(int fd, off_t offset, int whence)
{
    bool handled;
    off_t rc = lseek_common(fd, offset, whence, &handled);
    return handled ? rc : REAL(lseek)(fd, offset, whence);
}

off64_t lseek64(int fd, off64_t offset, int whence)
{
    bool handled;
    off_t rc = lseek_common(fd, offset, whence, &handled);
    return handled ? rc : REAL(lseek64)(fd, offset, whence);
}

/* ---- stat ---------------------------------------------------------------- */

/* The node as devtmpfs shows an sr device: root's, group-accessible (the
 * caller's group stands in for "cdrom"). */
#define FILL_STAT(st, d)                                                                 \
    do {                                                                                 \
        memset((st), 0, sizeof(*(st)));                                                  \
        (st)->st_dev = makedev(0, 5);                                                    \
        (st)->st_ino = 0x5a00 + (ino_t)(d)->index;                                       \
        (st)->st_mode = S_IFBLK | 0660;                                                  \
        (st)->st_nlink = 1;                                                              \
        (st)->st_uid = 0;                                                                \
        (st)->st_gid = getegid();                                                        \
        (st)->st_rdev = makedev(EMU_SR_MAJOR, (d)->minor);                               \
        (st)->st_blksize = 4096;                                                         \
        (st)->st_atim = g_time;                                                          \
        (st)->st_mtim = g_time;                                                          \
        (st)->st_ctim = g_time;                                                          \
    } while (0)

static struct emu_drive *drive_by_fd(int fd)
{
    struct emu_ofd *o = fd_lookup(fd);
    struct emu_drive *d;

    if (!o)
        return NULL;
    d = o->drive;
    ofd_release(o);
    return d;
}

int stat(const char *path, struct stat *st)
{
    struct emu_drive *d = drive_by_path(path);
    if (!d)
        return REAL(stat)(path, st);
    FILL_STAT(st, d);
    return 0;
}

int stat64(const char *path, struct stat64 *st)
{
    struct emu_drive *d = drive_by_path(path);
    if (!d)
        return REAL(stat64)(path, st);
    FILL_STAT(st, d);
    return 0;
}

int lstat(const char *path, struct stat *st)
{
    struct emu_drive *d = drive_by_path(path);
    if (!d)
        return REAL(lstat)(path, st);
    FILL_STAT(st, d);
    return 0;
}

int lstat64(const char *path, struct stat64 *st)
{
    struct emu_drive *d = drive_by_path(path);
    if (!d)
        return REAL(lstat64)(path, st);
    FILL_STAT(st, d);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    struct emu_drive *d = drive_by_fd(fd);
    if (!d)
        return REAL(fstat)(fd, st);
    FILL_STAT(st, d);
    return 0;
}

int fstat64(int fd, struct stat64 *st)
{
    struct emu_drive *d = drive_by_fd(fd);
    if (!d)
        return REAL(fstat64)(fd, st);
    FILL_STAT(st, d);
    return 0;
}

static struct emu_drive *drive_by_at(int dirfd, const char *path, int flags)
{
    const char *p = launder(path);

    if ((flags & AT_EMPTY_PATH) && (!p || !p[0]))
        return drive_by_fd(dirfd);
    return drive_by_at_path(dirfd, p);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    struct emu_drive *d = drive_by_at(dirfd, path, flags);
    if (!d)
        return REAL(fstatat)(dirfd, path, st, flags);
    FILL_STAT(st, d);
    return 0;
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
    struct emu_drive *d = drive_by_at(dirfd, path, flags);
    if (!d)
        return REAL(fstatat64)(dirfd, path, st, flags);
    FILL_STAT(st, d);
    return 0;
}

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
    struct emu_drive *d = drive_by_at(dirfd, path, flags);
    struct stat st;

    if (!d)
        return REAL(statx)(dirfd, path, flags, mask, stx);
    FILL_STAT(&st, d);
    memset(stx, 0, sizeof(*stx));
    stx->stx_mask = STATX_BASIC_STATS;
    stx->stx_blksize = (uint32_t)st.st_blksize;
    stx->stx_nlink = (uint32_t)st.st_nlink;
    stx->stx_uid = st.st_uid;
    stx->stx_gid = st.st_gid;
    stx->stx_mode = (uint16_t)st.st_mode;
    stx->stx_ino = st.st_ino;
    stx->stx_atime.tv_sec = g_time.tv_sec;
    stx->stx_atime.tv_nsec = (uint32_t)g_time.tv_nsec;
    stx->stx_mtime = stx->stx_atime;
    stx->stx_ctime = stx->stx_atime;
    stx->stx_rdev_major = major(st.st_rdev);
    stx->stx_rdev_minor = minor(st.st_rdev);
    stx->stx_dev_major = major(st.st_dev);
    stx->stx_dev_minor = minor(st.st_dev);
    return 0;
}

/* The pre-2.33 ABI: on 64-bit Linux every version number glibc accepts
 * uses struct stat, so the new entry points serve them. */
int __xstat(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return stat(path, st);
}

int __xstat64(int ver, const char *path, struct stat64 *st)
{
    (void)ver;
    return stat64(path, st);
}

int __lxstat(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return lstat(path, st);
}

int __lxstat64(int ver, const char *path, struct stat64 *st)
{
    (void)ver;
    return lstat64(path, st);
}

int __fxstat(int ver, int fd, struct stat *st)
{
    (void)ver;
    return fstat(fd, st);
}

int __fxstat64(int ver, int fd, struct stat64 *st)
{
    (void)ver;
    return fstat64(fd, st);
}

int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
    (void)ver;
    return fstatat(dirfd, path, st, flags);
}

int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
    (void)ver;
    return fstatat64(dirfd, path, st, flags);
}

/* ---- other path calls ------------------------------------------------------ */

static int access_result(int mode)
{
    if (mode & X_OK) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

int access(const char *path, int mode)
{
    return drive_by_path(path) ? access_result(mode) : REAL(access)(path, mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
    return drive_by_at_path(dirfd, path) ? access_result(mode)
                                         : REAL(faccessat)(dirfd, path, mode, flags);
}

int euidaccess(const char *path, int mode)
{
    return drive_by_path(path) ? access_result(mode) : REAL(euidaccess)(path, mode);
}

int eaccess(const char *path, int mode)
{
    return drive_by_path(path) ? access_result(mode) : REAL(eaccess)(path, mode);
}

static char *resolved_copy(const struct emu_drive *d, char *resolved)
{
    if (resolved) {
        snprintf(resolved, PATH_MAX, "%s", d->path);
        return resolved;
    }
    return strdup(d->path);
}

char *realpath(const char *path, char *resolved)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? resolved_copy(d, resolved) : REAL(realpath)(path, resolved);
}

char *__realpath_chk(const char *path, char *resolved, size_t resolved_bytes)
{
    struct emu_drive *d = drive_by_path(path);

    if (!d)
        return REAL(__realpath_chk)(path, resolved, resolved_bytes);
    if (resolved && resolved_bytes < PATH_MAX)
        abort(); /* __chk_fail */
    return resolved_copy(d, resolved);
}

char *canonicalize_file_name(const char *path)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? strdup(d->path) : REAL(canonicalize_file_name)(path);
}

ssize_t readlink(const char *path, char *buf, size_t bytes)
{
    if (drive_by_path(path)) {
        errno = EINVAL; /* not a symbolic link */
        return -1;
    }
    return REAL(readlink)(path, buf, bytes);
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t bytes)
{
    if (drive_by_at_path(dirfd, path)) {
        errno = EINVAL;
        return -1;
    }
    return REAL(readlinkat)(dirfd, path, buf, bytes);
}

/* ---- stdio ------------------------------------------------------------------ */

/* fopen() reads through glibc's internal read(), which no preload can
 * reach: an emulated path gets a stream whose cookie functions call the
 * intercepted read/write/lseek/close on the fd instead (md5sum, od, ...). */
static ssize_t cookie_read(void *cookie, char *buf, size_t bytes)
{
    return read((int)(intptr_t)cookie, buf, bytes);
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t bytes)
{
    return write((int)(intptr_t)cookie, buf, bytes);
}

static int cookie_seek(void *cookie, off64_t *offset, int whence)
{
    off_t at = lseek((int)(intptr_t)cookie, (off_t)*offset, whence);

    if (at < 0)
        return -1;
    *offset = at;
    return 0;
}

static int cookie_close(void *cookie)
{
    return close((int)(intptr_t)cookie);
}

static FILE *emu_fopen(struct emu_drive *d, const char *mode)
{
    static const cookie_io_functions_t io = {cookie_read, cookie_write, cookie_seek,
                                             cookie_close};
    int flags = O_RDONLY, fd;
    FILE *f;

    switch (mode[0]) {
    case 'r':
        flags = O_RDONLY;
        break;
    case 'w':
    case 'a':
        flags = O_WRONLY | O_CREAT;
        break;
    default:
        errno = EINVAL;
        return NULL;
    }
    for (const char *m = mode + 1; *m && *m != ','; m++) {
        if (*m == '+')
            flags = (flags & ~O_ACCMODE) | O_RDWR;
        else if (*m == 'e')
            flags |= O_CLOEXEC;
        else if (*m == 'x')
            flags |= O_EXCL;
    }
    fd = emu_open(d, flags & ~O_CREAT);
    if (fd < 0)
        return NULL;
    f = fopencookie((void *)(intptr_t)fd, mode, io);
    if (!f) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? emu_fopen(d, mode) : REAL(fopen)(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    struct emu_drive *d = drive_by_path(path);
    return d ? emu_fopen(d, mode) : REAL(fopen64)(path, mode);
}

/* ---- teardown -------------------------------------------------------------- */

/* Free the models at exit so a model that keeps its medium in a state file
 * writes it, and leak checkers stay quiet.  Commands that arrive later
 * (other destructors) find no medium. */
__attribute__((destructor)) static void emu_teardown(void)
{
    for (int i = 0; i < g_drive_count; i++) {
        struct emu_drive *d = &g_drives[i];
        pthread_mutex_lock(&d->lock);
        dw_emu_free(d->emu);
        d->emu = NULL;
        pthread_mutex_unlock(&d->lock);
    }
}
