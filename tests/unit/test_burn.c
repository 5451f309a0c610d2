/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: the burn layer, on libburn's stdio: pseudo-drives.
 *
 * Real images (../shared/fixtures) are burned to files in a temporary
 * directory and compared byte for byte; the checks that a file target
 * cannot provoke (a full medium, the speed of a real medium) go through
 * the pure helpers in burn_int.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "dw_test.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>

#include "discwright/burn.h"
#include "burn/burn_int.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define GRUB_ISO DW_FIXTURES_DIR "/debian-grub-rescue-pc/grub-rescue-cdrom.iso"
#define IPXE_ISO DW_FIXTURES_DIR "/debian-ipxe/ipxe.iso"

static char tmpdir[256];
static bool have_fixtures;

/* ---- helpers ---- */

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* A 512 MiB sparse image for the abort tests: big enough that libburn is
 * still writing when the first progress report (or the signal) arrives,
 * even on a loaded machine under AddressSanitizer; free on disk. */
static const char *big_image(void)
{
    static char path[512];
    if (!path[0]) {
        path_in_tmp(path, sizeof path, "big-sparse.iso");
        FILE *fp = fopen(path, "wb");
        if (!fp || ftruncate(fileno(fp), (off_t)512 * 1024 * 1024) != 0)
            path[0] = '\0';
        if (fp)
            fclose(fp);
    }
    return path;
}

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Compare the first n bytes of two files; true if equal. */
static bool same_prefix(const char *a, const char *b, long long n)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    char ba[65536], bb[65536];
    bool same = fa != NULL && fb != NULL;

    while (same && n > 0) {
        size_t want = n < (long long)sizeof ba ? (size_t)n : sizeof ba;
        size_t ra = fread(ba, 1, want, fa), rb = fread(bb, 1, want, fb);

        if (ra != want || rb != want || memcmp(ba, bb, want) != 0)
            same = false;
        n -= (long long)want;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}

static bool same_file(const char *a, const char *b)
{
    long long sa = file_size(a), sb = file_size(b);

    return sa >= 0 && sa == sb && same_prefix(a, b, sa);
}

static void write_file(const char *path, const void *data, size_t len, size_t times)
{
    FILE *f = fopen(path, "wb");
    size_t i;

    assert_non_null(f);
    for (i = 0; i < times; i++)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

#define SKIP_WITHOUT_FIXTURES()                                                  \
    do {                                                                         \
        if (!have_fixtures)                                                      \
            skip();                                                              \
    } while (0)

struct progress_log {
    int calls;
    int stop_at_call;       /* return 1 on this call (1-based); 0 = never */
    int signal_at_call;     /* kill(getpid(), SIGINT) on this call */
    bool bad;               /* done > total, or done going backwards */
    int64_t last_done, total;
    int log_lines;
    bool fill_reported;     /* a buffer fill other than -1 (no FIFO) */
};

static int on_progress(const struct dw_progress *p, void *user)
{
    struct progress_log *pl = user;

    pl->calls++;
    if (strcmp(p->phase, "burn") != 0 || p->done_sectors > p->total_sectors ||
        p->done_sectors < pl->last_done || p->sector_bytes != 2048 ||
        p->buffer_fill_percent < -1 || p->buffer_fill_percent > 100 ||
        p->media_1x_bytes_per_s != 1385000 /* stdio: counts as DVD */ || p->track != 1)
        pl->bad = true;
    if (p->buffer_fill_percent != -1)
        pl->fill_reported = true;
    pl->last_done = p->done_sectors;
    pl->total = p->total_sectors;
    if (pl->signal_at_call != 0 && pl->calls == pl->signal_at_call)
        kill(getpid(), SIGINT);
    return pl->stop_at_call != 0 && pl->calls >= pl->stop_at_call;
}

static void on_log(enum dw_log_level level, const char *line, void *user)
{
    struct progress_log *pl = user;

    (void)level;
    assert_non_null(line);
    pl->log_lines++;
}

/* ---- burns to stdio: files ---- */

static void burn_and_compare(const char *image)
{
    struct dw_burn_result res;
    struct dw_error_detail err;
    struct progress_log pl = {0};
    struct dw_callbacks cb = {on_progress, on_log, &pl};
    char target[512], part[520], adr[520];
    long long size = file_size(image);
    int rc;

    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "burned.iso");
    snprintf(part, sizeof part, "%s.part", target);
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);

    rc = dw_burn_iso(image, adr, NULL, &cb, &res, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(err.code, 0);

    /* exactly the image, no padding (libburn writes no tail to stdio:) */
    assert_true(same_file(image, target));
    assert_false(exists(part));

    assert_int_equal(res.image_bytes, size);
    assert_int_equal(res.written_bytes, size);
    assert_int_equal(res.profile, 0xffff);
    assert_string_equal(res.profile_name, "stdio file");
    assert_string_equal(res.write_type, "TAO");
    assert_int_equal(res.start_lba, 0);
    assert_string_equal(res.drive_address, adr);
    assert_false(res.dummy);
    assert_int_equal(res.speed_kbps, 0);

    assert_true(pl.calls >= 1);
    assert_false(pl.bad);
    assert_int_equal(pl.total, size / 2048);
    assert_int_equal(pl.last_done, size / 2048); /* the final report */
    assert_false(pl.fill_reported); /* stdio: goes through no FIFO (block_source.c) */
    assert_true(pl.log_lines >= 1);
    unlink(target);
}

static void test_burn_grub_rescue(void **state)
{
    (void)state;
    burn_and_compare(GRUB_ISO);
}

static void test_burn_ipxe(void **state)
{
    (void)state;
    burn_and_compare(IPXE_ISO);
}

/* A relative stdio: path and a speed: both accepted (speed has no effect
 * on a file, but is converted and reported). */
static void test_burn_relative_path_with_speed(void **state)
{
    struct dw_burn_opts opts = {.speed_x = 4};
    struct dw_burn_result res;
    struct dw_error_detail err;
    char cwd[1024], target[512];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    unlink("relative.iso");
    assert_int_equal(dw_burn_iso(IPXE_ISO, "stdio:relative.iso", &opts, NULL, &res, &err), 0);
    assert_int_equal(chdir(cwd), 0);
    path_in_tmp(target, sizeof target, "relative.iso");
    assert_true(same_file(IPXE_ISO, target));
    assert_int_equal(res.speed_kbps, 4 * 1385); /* stdio counts as DVD */
    unlink(target);
}

/* An existing file is overwritten from byte 0 like an overwritable medium
 * and not truncated (cdrskin behaves the same).  It holds no image, so this
 * needs DW_BURN_OVERWRITE; without it the burn is refused and the file
 * left alone. */
static void test_burn_over_existing_larger_file(void **state)
{
    static const char junk[4096] = {'j'};
    struct dw_burn_result res;
    struct dw_error_detail err;
    char target[512], adr[520];
    long long isize = file_size(IPXE_ISO);

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "existing.iso");
    snprintf(adr, sizeof adr, "stdio:%s", target);
    write_file(target, junk, sizeof junk, (size_t)(isize / 4096) + 100);

    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, NULL, NULL, &res, &err), DW_EEXIST);
    assert_non_null(strstr(err.message, "holds no disc image"));
    assert_int_equal(file_size(target), (isize / 4096 + 100) * 4096);
    struct dw_burn_opts over = {.flags = DW_BURN_OVERWRITE};
    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, &over, NULL, &res, &err), 0);
    assert_int_equal(res.written_bytes, isize);
    assert_int_equal(file_size(target), isize + 100 * 4096);
    assert_true(same_prefix(IPXE_ISO, target, isize));
    unlink(target);
}

/* A stale <target>.part from an earlier interrupted run is replaced. */
static void test_burn_replaces_stale_part(void **state)
{
    char target[512], part[520], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "stale.iso");
    snprintf(part, sizeof part, "%s.part", target);
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);
    write_file(part, "leftover", 8, 1);
    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, NULL, NULL, NULL, NULL), 0);
    assert_true(same_file(IPXE_ISO, target));
    assert_false(exists(part));
    unlink(target);
}

/* Simulation on stdio: libburn creates, opens, lseeks and closes the file
 * but writes nothing (libburn.h, burn_write_opts_set_simulate).  We write
 * through <target>.part, which is removed: no file is left behind.  libburn
 * still counts the bytes it pretended to write. */
static void test_dummy_new_target_leaves_nothing(void **state)
{
    struct dw_burn_opts opts = {.dummy = true};
    struct dw_burn_result res;
    struct dw_error_detail err;
    struct progress_log pl = {0};
    struct dw_callbacks cb = {on_progress, NULL, &pl};
    char target[512], part[520], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "dummy.iso");
    snprintf(part, sizeof part, "%s.part", target);
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);

    assert_int_equal(dw_burn_iso(GRUB_ISO, adr, &opts, &cb, &res, &err), 0);
    assert_true(res.dummy);
    assert_false(exists(target));
    assert_false(exists(part));
    assert_int_equal(res.written_bytes, file_size(GRUB_ISO));
    assert_true(pl.calls >= 1);
    assert_false(pl.bad);
}

static void test_dummy_existing_target_unchanged(void **state)
{
    struct dw_burn_opts opts = {.dummy = true, .flags = DW_BURN_OVERWRITE};
    char target[512], adr[520];
    static const char text[] = "not an image\n";
    char buf[64] = {0};
    FILE *f;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "dummy-existing.iso");
    snprintf(adr, sizeof adr, "stdio:%s", target);
    write_file(target, text, sizeof text - 1, 1);

    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, &opts, NULL, NULL, NULL), 0);
    assert_int_equal(file_size(target), (long long)(sizeof text - 1));
    f = fopen(target, "rb");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf, f), sizeof text - 1);
    fclose(f);
    assert_string_equal(buf, text);
    unlink(target);
}

/* ---- stopping ---- */

static void test_abort_by_callback_new_target(void **state)
{
    struct dw_burn_result res;
    struct dw_error_detail err;
    struct progress_log pl = {.stop_at_call = 1};
    struct dw_callbacks cb = {on_progress, NULL, &pl};
    char target[512], part[520], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "aborted.iso");
    snprintf(part, sizeof part, "%s.part", target);
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);

    assert_int_equal(dw_burn_iso(big_image(), adr, NULL, &cb, &res, &err), DW_EABORTED);
    assert_int_equal(err.code, DW_EABORTED);
    assert_non_null(strstr(err.message, "stopped on request"));
    assert_non_null(strstr(err.message, "nothing was left behind"));
    /* no file that looks complete, and no partial one either */
    assert_false(exists(target));
    assert_false(exists(part));
    assert_true(res.written_bytes <= res.image_bytes);
}

static void test_abort_by_callback_existing_target(void **state)
{
    struct dw_error_detail err;
    struct progress_log pl = {.stop_at_call = 1};
    struct dw_callbacks cb = {on_progress, NULL, &pl};
    char target[512], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "aborted-existing.iso");
    snprintf(adr, sizeof adr, "stdio:%s", target);
    write_file(target, "x", 1, 1);

    struct dw_burn_opts over = {.flags = DW_BURN_OVERWRITE};
    assert_int_equal(dw_burn_iso(big_image(), adr, &over, &cb, NULL, &err), DW_EABORTED);
    assert_non_null(strstr(err.message, "incomplete"));
    assert_non_null(strstr(err.message, target));
    unlink(target);
}

/* Right after a cancelled burn, the next one works: libburn reports the
 * drive idle about 0.5 s before its writer thread ends, and a burn started
 * in that window used to be refused ("A drive operation is still going
 * on"). */
static void test_burn_right_after_abort(void **state)
{
    struct progress_log pl = {.stop_at_call = 1};
    struct dw_callbacks cb = {on_progress, NULL, &pl};
    struct dw_error_detail err;
    char target[512], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    path_in_tmp(target, sizeof target, "again.iso");
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);
    assert_int_equal(dw_burn_iso(big_image(), adr, NULL, &cb, NULL, &err), DW_EABORTED);
    assert_false(exists(target));
    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, NULL, NULL, NULL, &err), 0);
    assert_true(same_file(IPXE_ISO, target));
    unlink(target);
}

static int sigint_count;

static void test_sigint_handler(int signum)
{
    (void)signum;
    sigint_count++;
}

/* SIGINT during the burn cancels it cleanly; the caller's own handler is
 * back in place afterwards. */
static void test_abort_by_sigint(void **state)
{
    struct dw_error_detail err;
    struct progress_log pl = {.signal_at_call = 1};
    struct dw_callbacks cb = {on_progress, NULL, &pl};
    struct sigaction sa, now;
    char target[512], part[520], adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = test_sigint_handler;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGINT, &sa, NULL), 0);

    path_in_tmp(target, sizeof target, "sigint.iso");
    snprintf(part, sizeof part, "%s.part", target);
    snprintf(adr, sizeof adr, "stdio:%s", target);
    unlink(target);
    assert_int_equal(dw_burn_iso(big_image(), adr, NULL, &cb, NULL, &err), DW_EABORTED);
    assert_non_null(strstr(err.message, "interrupted by"));
    assert_false(exists(target));
    assert_false(exists(part));

    assert_int_equal(sigaction(SIGINT, NULL, &now), 0);
    assert_ptr_equal(now.sa_handler, test_sigint_handler);
    assert_int_equal(sigint_count, 0); /* the burn took it, not us */
    signal(SIGINT, SIG_DFL);
}

/* ---- refusals before anything is written ---- */

static void test_image_not_whole_sectors(void **state)
{
    static const char data[3000] = {0};
    struct dw_error_detail err;
    char image[512], target[512], adr[520];

    (void)state;
    path_in_tmp(image, sizeof image, "odd.iso");
    path_in_tmp(target, sizeof target, "odd-out.iso");
    snprintf(adr, sizeof adr, "stdio:%s", target);
    write_file(image, data, sizeof data, 1);

    assert_int_equal(dw_burn_iso(image, adr, NULL, NULL, NULL, &err), DW_EINVAL);
    assert_int_equal(err.code, DW_EINVAL);
    assert_non_null(strstr(err.message, "is 3000 bytes, not a whole number of 2048-byte sectors"));
    assert_non_null(strstr(err.message, image));
    assert_false(exists(target));
    unlink(image);
}

static void test_image_empty(void **state)
{
    struct dw_error_detail err;
    char image[512];

    (void)state;
    path_in_tmp(image, sizeof image, "empty.iso");
    write_file(image, "", 0, 0);
    assert_int_equal(dw_burn_iso(image, "stdio:/dev/null", NULL, NULL, NULL, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "is empty"));
    unlink(image);
}

static void test_image_missing(void **state)
{
    struct dw_error_detail err;
    char image[512];

    (void)state;
    path_in_tmp(image, sizeof image, "no-such.iso");
    assert_int_equal(dw_burn_iso(image, "stdio:/dev/null", NULL, NULL, NULL, &err), DW_ENOENT);
    assert_non_null(strstr(err.message, image));
}

static void test_image_is_directory(void **state)
{
    struct dw_error_detail err;

    (void)state;
    assert_int_equal(dw_burn_iso(tmpdir, "stdio:/dev/null", NULL, NULL, NULL, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "is a directory"));
}

static void test_target_directory_missing(void **state)
{
    struct dw_error_detail err;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_int_equal(dw_burn_iso(IPXE_ISO, "stdio:/nonexistent-dir/x.iso", NULL, NULL, NULL,
                                 &err),
                     DW_ENOENT);
    assert_non_null(strstr(err.message, "'/nonexistent-dir'"));
    assert_non_null(strstr(err.message, "does not exist"));
    assert_false(exists("/nonexistent-dir"));
}

static void test_target_is_directory(void **state)
{
    struct dw_error_detail err;
    char adr[520];

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    snprintf(adr, sizeof adr, "stdio:%s", tmpdir);
    assert_int_equal(dw_burn_iso(IPXE_ISO, adr, NULL, NULL, NULL, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "is a directory"));
}

static void test_target_stdio_empty(void **state)
{
    struct dw_error_detail err;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_int_equal(dw_burn_iso(IPXE_ISO, "stdio:", NULL, NULL, NULL, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "names no file"));
}

static void test_no_drive(void **state)
{
    struct dw_burn_result res;
    struct dw_error_detail err;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_int_equal(dw_burn_iso(IPXE_ISO, "/dev/sr-nothing", NULL, NULL, &res, &err),
                     DW_ENODRIVE);
    assert_non_null(strstr(err.message, "no drive at '/dev/sr-nothing'"));
    assert_non_null(strstr(err.message, "discwright drives"));
    assert_string_equal(res.drive_address, "/dev/sr-nothing");
}

/* A device path that is not a drive: libburn's own reason is passed on. */
static void test_not_a_drive(void **state)
{
    struct dw_error_detail err;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_int_equal(dw_burn_iso(IPXE_ISO, "/dev/null", NULL, NULL, NULL, &err), DW_ENODRIVE);
    assert_non_null(strstr(err.message, "no drive at '/dev/null'"));
    assert_non_null(strstr(err.message, "libburn:"));
}

/* A plain file path given as drive: hint at stdio:. */
static void test_file_given_as_drive(void **state)
{
    struct dw_error_detail err;

    (void)state;
    SKIP_WITHOUT_FIXTURES();
    assert_int_equal(dw_burn_iso(IPXE_ISO, IPXE_ISO, NULL, NULL, NULL, &err), DW_ENODRIVE);
    assert_non_null(strstr(err.message, "'stdio:"));
}

static void test_bad_options(void **state)
{
    struct dw_burn_opts flags = {.flags = 0x100}, negative = {.speed_x = -1}, nan = {.speed_x = NAN};
    struct dw_error_detail err;

    (void)state;
    assert_int_equal(dw_burn_iso("x.iso", "stdio:/dev/null", &flags, NULL, NULL, &err),
                     DW_EINVAL);
    assert_non_null(strstr(err.message, "flags"));
    assert_int_equal(dw_burn_iso("x.iso", "stdio:/dev/null", &negative, NULL, NULL, &err),
                     DW_EINVAL);
    assert_int_equal(dw_burn_iso("x.iso", "stdio:/dev/null", &nan, NULL, NULL, &err),
                     DW_EINVAL);
    assert_int_equal(dw_burn_iso(NULL, "stdio:/dev/null", NULL, NULL, NULL, &err), DW_EINVAL);
    assert_int_equal(dw_burn_iso("x.iso", NULL, NULL, NULL, NULL, NULL), DW_EINVAL);
}

/* ---- blank ---- */

static void test_blank_refuses_files_and_missing_drives(void **state)
{
    struct dw_error_detail err;

    (void)state;
    assert_int_equal(dw_burn_blank("stdio:/tmp/x.iso", true, NULL, &err), DW_EMEDIUM);
    assert_non_null(strstr(err.message, "cannot be blanked"));
    assert_int_equal(dw_burn_blank("/dev/sr-nothing", true, NULL, &err), DW_ENODRIVE);
    assert_int_equal(dw_burn_blank(NULL, false, NULL, NULL), DW_EINVAL);
}

/* ---- pure helpers ---- */

static void test_capacity_check(void **state)
{
    struct dw_error_detail err;

    (void)state;
    memset(&err, 0, sizeof err);
    assert_int_equal(dw__burn_check_capacity(2481, 2481LL * 2048, "a.iso", "/dev/sr0", &err), 0);
    assert_int_equal(dw__burn_check_capacity(2481, 2481LL * 2048 + 2047, "a.iso", "/dev/sr0", &err), 0);
    assert_int_equal(err.code, 0);

    assert_int_equal(dw__burn_check_capacity(2482, 2481LL * 2048 + 2047, "a.iso", "/dev/sr0", &err),
                     DW_ENOSPC);
    assert_int_equal(err.code, DW_ENOSPC);
    assert_string_equal(err.message, "'a.iso' needs 2482 sectors but the medium in '/dev/sr0' "
                                     "has only 2481 free: use a larger disc");

    /* a DVD image on a CD: 4.7 GB vs 700 MB */
    assert_int_equal(dw__burn_check_capacity(2295104, 737280000LL, "dvd.iso", "/dev/sr1", &err),
                     DW_ENOSPC);
    assert_non_null(strstr(err.message, "needs 2295104 sectors"));
    assert_non_null(strstr(err.message, "only 360000 free"));

    assert_int_equal(dw__burn_check_capacity(1, 0, "a.iso", "stdio:/mnt/f.iso", &err), DW_ENOSPC);
    assert_non_null(strstr(err.message, "file system of 'stdio:/mnt/f.iso' has only 0 free"));
    assert_int_equal(dw__burn_check_capacity(1, -5, "a.iso", "/dev/sr0", NULL), DW_ENOSPC);
}

static void test_speed_conversion(void **state)
{
    (void)state;
    assert_int_equal(dw__burn_speed_kbps(0x09, 0), 0);
    assert_int_equal(dw__burn_speed_kbps(0x09, -3), 0);
    assert_int_equal(dw__burn_speed_kbps(0x09, NAN), 0);
    assert_int_equal(dw__burn_speed_kbps(0x09, 1), 177);  /* 176.4 rounded up */
    assert_int_equal(dw__burn_speed_kbps(0x0a, 4), 706);  /* libburn.h's example */
    assert_int_equal(dw__burn_speed_kbps(0x09, 48), 8468); /* 8467.2 */
    assert_int_equal(dw__burn_speed_kbps(0x1b, 1), 1385);
    assert_int_equal(dw__burn_speed_kbps(0x11, 16), 22160);
    assert_int_equal(dw__burn_speed_kbps(0x2b, 2.4), 3324);
    assert_int_equal(dw__burn_speed_kbps(0x41, 1), 4496); /* 4495.5: libburn's 4496 */
    assert_int_equal(dw__burn_speed_kbps(0x43, 2), 8991);
    assert_int_equal(dw__burn_speed_kbps(0xffff, 1), 1385);
    assert_int_equal(dw__burn_speed_kbps(0x09, 1e12), 2147483647);

    assert_int_equal(dw__burn_1x_bytes_per_s(0x08), 176400);
    assert_int_equal(dw__burn_1x_bytes_per_s(0x12), 1385000);
    assert_int_equal(dw__burn_1x_bytes_per_s(0x40), 4495500);
}

static void test_overwritable_profiles(void **state)
{
    (void)state;
    assert_true(dw__burn_profile_overwritable(0x12, 1));
    assert_true(dw__burn_profile_overwritable(0x13, 1));
    assert_true(dw__burn_profile_overwritable(0x1a, 1));
    assert_true(dw__burn_profile_overwritable(0x43, 1));
    assert_true(dw__burn_profile_overwritable(0xffff, 2));
    assert_false(dw__burn_profile_overwritable(0xffff, 3)); /* pipe: like blank DVD-R */
    assert_false(dw__burn_profile_overwritable(0x09, 1));
    assert_false(dw__burn_profile_overwritable(0x0a, 1)); /* CD-RW: blank first */
    assert_false(dw__burn_profile_overwritable(0x14, 1));
    assert_false(dw__burn_profile_overwritable(0x1b, 1));
    assert_false(dw__burn_profile_overwritable(0x41, 1));
}

static void test_write_type_names(void **state)
{
    (void)state;
    assert_string_equal(dw__burn_write_type_name(BURN_WRITE_TAO), "TAO");
    assert_string_equal(dw__burn_write_type_name(BURN_WRITE_SAO), "SAO");
    assert_string_equal(dw__burn_write_type_name(BURN_WRITE_RAW), "RAW");
    assert_string_equal(dw__burn_write_type_name(BURN_WRITE_NONE), "NONE");
}

/* ---- main ---- */

static int group_setup(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/dw-test-burn-XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the stdio: targets' block reader (block_source.c) ---- */

/* An inner source of `bytes` bytes of a pattern, handing out at most
 * `most` bytes a call and failing with -1 after `fail_after` bytes (-1 =
 * never); it counts its calls, the largest request and its frees. */
struct fake_inner {
    int64_t bytes, pos, fail_after;
    int most, calls, largest_ask, cancels;
    int *frees;
};

static unsigned char pattern_byte(int64_t at)
{
    return (unsigned char)((at * 131 + at / 2048) & 0xff);
}

static int fake_read(struct burn_source *src, unsigned char *buf, int size)
{
    struct fake_inner *f = src->data;
    f->calls++;
    if (size > f->largest_ask)
        f->largest_ask = size;
    if (f->fail_after >= 0 && f->pos >= f->fail_after)
        return -1;
    int64_t left = f->bytes - f->pos;
    if (f->fail_after >= 0 && f->fail_after - f->pos < left)
        left = f->fail_after - f->pos;
    int n = size < f->most ? size : f->most;
    if (n > left)
        n = (int)left;
    for (int i = 0; i < n; i++)
        buf[i] = pattern_byte(f->pos + i);
    f->pos += n;
    return n;
}

static off_t fake_size(struct burn_source *src)
{
    return (off_t)((struct fake_inner *)src->data)->bytes;
}

static int fake_set_size(struct burn_source *src, off_t size)
{
    ((struct fake_inner *)src->data)->bytes = (int64_t)size;
    return 1;
}

static int fake_cancel(struct burn_source *src)
{
    ((struct fake_inner *)src->data)->cancels++;
    return 1;
}

static void fake_free(struct burn_source *src)
{
    struct fake_inner *f = src->data;
    (*f->frees)++;
}

static struct burn_source *fake_source(struct fake_inner *f)
{
    struct burn_source *src = calloc(1, sizeof *src);
    assert_non_null(src);
    src->refcount = 1;
    src->version = 1;
    src->read_xt = fake_read;
    src->get_size = fake_size;
    src->set_size = fake_set_size;
    src->cancel = fake_cancel;
    src->free_data = fake_free;
    src->data = f;
    return src;
}

/* Every byte arrives once and in order through 2048-byte requests (and an
 * odd one), whatever short reads the inner source makes; the inner source
 * is asked for whole blocks, not sectors; size, set_size and cancel are
 * the inner source's; it lives until both references are dropped. */
static void test_block_source_hands_out_every_byte(void **state)
{
    int frees = 0;
    struct fake_inner f = {.bytes = 3 * 65536 + 5000, .fail_after = -1, .most = 777,
                           .frees = &frees};
    struct burn_source *inner = fake_source(&f);
    unsigned char buf[4096];
    int64_t at = 0;
    int n;

    (void)state;
    struct burn_source *b = dw__burn_block_source_new(inner, 65536);
    assert_non_null(b);
    assert_int_equal(inner->refcount, 2);
    burn_source_free(inner); /* ours; the block reader keeps its own */
    assert_int_equal(frees, 0);
    assert_int_equal(b->version, 1);
    assert_int_equal((int64_t)b->get_size(b), f.bytes);
    assert_int_equal(b->set_size(b, (off_t)f.bytes), 1);
    assert_int_equal(b->cancel(b), 1);
    assert_int_equal(f.cancels, 1);
    /* one odd-sized request first, then sectors as libburn asks */
    n = b->read_xt(b, buf, 1000);
    assert_int_equal(n, 1000);
    for (int i = 0; i < n; i++)
        assert_int_equal(buf[i], pattern_byte(at + i));
    at += n;
    while ((n = b->read_xt(b, buf, 2048)) > 0) {
        assert_true(n == 2048 || at + n == f.bytes);
        for (int i = 0; i < n; i++)
            assert_int_equal(buf[i], pattern_byte(at + i));
        at += n;
    }
    assert_int_equal(n, 0);
    assert_int_equal(at, f.bytes);
    assert_int_equal(b->read_xt(b, buf, 2048), 0); /* the end stays the end */
    assert_int_equal(f.largest_ask, 65536);
    /* 777-byte pieces up to each block's end, then the one that says 0:
     * no call beyond what filling the blocks takes */
    assert_int_equal(f.calls, 3 * ((65536 + 776) / 777) + (5000 + 776) / 777 + 1);
    burn_source_free(b);
    assert_int_equal(frees, 1);
}

/* A read error of the inner source: what came before it is handed out,
 * then the error, and it stays. */
static void test_block_source_read_error(void **state)
{
    int frees = 0;
    struct fake_inner f = {.bytes = 1 << 20, .fail_after = 10000, .most = 1 << 20,
                           .frees = &frees};
    struct burn_source *inner = fake_source(&f);
    unsigned char buf[2048];
    int64_t at = 0;
    int n;

    (void)state;
    struct burn_source *b = dw__burn_block_source_new(inner, 65536);
    assert_non_null(b);
    burn_source_free(inner);
    while ((n = b->read_xt(b, buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++)
            assert_int_equal(buf[i], pattern_byte(at + i));
        at += n;
    }
    assert_int_equal(at, 10000);
    assert_int_equal(n, -1);
    assert_int_equal(b->read_xt(b, buf, sizeof buf), -1);
    burn_source_free(b);
    assert_int_equal(frees, 1);
}

static void test_block_source_bad_arguments(void **state)
{
    int frees = 0;
    struct fake_inner f = {.bytes = 10, .fail_after = -1, .most = 10, .frees = &frees};
    struct burn_source *inner = fake_source(&f);

    (void)state;
    errno = 0;
    assert_null(dw__burn_block_source_new(NULL, 65536));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(dw__burn_block_source_new(inner, 0));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(inner->refcount, 1); /* no reference taken */
    burn_source_free(inner);
    assert_int_equal(frees, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burn_grub_rescue),
        cmocka_unit_test(test_burn_ipxe),
        cmocka_unit_test(test_burn_relative_path_with_speed),
        cmocka_unit_test(test_burn_over_existing_larger_file),
        cmocka_unit_test(test_burn_replaces_stale_part),
        cmocka_unit_test(test_dummy_new_target_leaves_nothing),
        cmocka_unit_test(test_dummy_existing_target_unchanged),
        cmocka_unit_test(test_abort_by_callback_new_target),
        cmocka_unit_test(test_abort_by_callback_existing_target),
        cmocka_unit_test(test_abort_by_sigint),
        cmocka_unit_test(test_burn_right_after_abort),
        cmocka_unit_test(test_image_not_whole_sectors),
        cmocka_unit_test(test_image_empty),
        cmocka_unit_test(test_image_missing),
        cmocka_unit_test(test_image_is_directory),
        cmocka_unit_test(test_target_directory_missing),
        cmocka_unit_test(test_target_is_directory),
        cmocka_unit_test(test_target_stdio_empty),
        cmocka_unit_test(test_no_drive),
        cmocka_unit_test(test_not_a_drive),
        cmocka_unit_test(test_file_given_as_drive),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_blank_refuses_files_and_missing_drives),
        cmocka_unit_test(test_capacity_check),
        cmocka_unit_test(test_speed_conversion),
        cmocka_unit_test(test_overwritable_profiles),
        cmocka_unit_test(test_write_type_names),
        cmocka_unit_test(test_block_source_hands_out_every_byte),
        cmocka_unit_test(test_block_source_read_error),
        cmocka_unit_test(test_block_source_bad_arguments),
    };
    int failed;

    have_fixtures = access(GRUB_ISO, R_OK) == 0 && access(IPXE_ISO, R_OK) == 0;
    if (!have_fixtures)
        fprintf(stderr, "test_burn: fixtures missing (%s, %s): the burns are skipped\n",
                GRUB_ISO, IPXE_ISO);
    failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    if (!have_fixtures)
        return dw_test_no_fixtures(failed, "the bootable ISOs of ../shared/fixtures");
    return failed == 0 ? 0 : 1;
}
