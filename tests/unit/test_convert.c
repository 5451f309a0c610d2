/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of convert's sink table (src/convert/sinks.c) and the sinks of
 * raw images (sink_raw.c): names and extensions, the files each format
 * writes, and each sink driven through open/put/commit/abort in a
 * temporary directory: bytes where they belong, chunks that cross track
 * boundaries, nothing but final names after commit, nothing at all after
 * abort, an out-of-order put, a commit before the end, and the discs a
 * format cannot hold. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "dw_test.h"
#include "convert/convert_int.h"
#include "discwright/convert.h"
#include "discwright/sector.h"

/* ---- helpers ---------------------------------------------------------- */

/* A disc of `n` tracks; modes[i] and lengths[i] in sectors, track 1 at
 * LBA 0; session[i] numbers (1 or 2; a second session starts 11400
 * sectors after the first one's end, as on a CD-Extra). */
static struct dw_disc *make_disc(int n, const enum dw_track_mode *modes, const int32_t *lengths,
                                 const int *session)
{
    struct dw_disc *d = dw_disc_new();
    int32_t lba = 0;
    assert_non_null(d);
    for (int i = 0; i < n; i++) {
        struct dw_track *t = &d->tracks[i];
        if (i == 0 || session[i] != session[i - 1]) {
            if (i > 0) {
                d->sessions[d->session_count - 1].leadout_lba = lba;
                lba += 11400;
            }
            d->sessions[d->session_count++] =
                (struct dw_session){.number = session[i], .first_track = i + 1};
        }
        d->sessions[d->session_count - 1].last_track = i + 1;
        t->number = i + 1;
        t->session = session[i];
        t->mode = modes[i];
        t->control = modes[i] == DW_MODE_AUDIO ? 0 : DW_CTL_DATA;
        t->index_lba[0] = DW_LBA_NONE;
        t->index_lba[1] = lba;
        t->index_count = 2;
        lba += lengths[i];
    }
    d->sessions[d->session_count - 1].leadout_lba = lba;
    d->track_count = n;
    d->leadout_lba = lba;
    char msg[256];
    assert_int_equal(dw_disc_finish(d, msg, sizeof(msg)), 0);
    return d;
}

/* Raw sector i of a test stream: Mode 1 for data tracks, a byte pattern
 * for audio, all told apart by LBA. */
static void make_sector(const struct dw_disc *d, int32_t lba, uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    bool data = false;
    for (int i = 0; i < d->track_count; i++)
        if (lba >= dw_track_first_lba(&d->tracks[i]) && lba < d->tracks[i].end_lba)
            data = dw_track_is_data(&d->tracks[i]);
    if (data) {
        uint8_t user[DW_SECTOR_USER_BYTES];
        for (int k = 0; k < DW_SECTOR_USER_BYTES; k++)
            user[k] = (uint8_t)(lba * 7 + k);
        dw_sector_encode_mode1(raw, lba, user);
    } else {
        for (int k = 0; k < DW_SECTOR_RAW_BYTES; k++)
            raw[k] = (uint8_t)(lba * 13 + k * 3);
    }
}

static void make_sub(int32_t lba, uint8_t sub[DW_SUBCHANNEL_BYTES])
{
    for (int k = 0; k < DW_SUBCHANNEL_BYTES; k++)
        sub[k] = (uint8_t)(lba + k * 5);
}

/* Put every sector of d's tracks (session gaps left out) in chunks of
 * `chunk` sectors that do not stop at track ends. */
static int put_all(const struct dw__sink_ops *ops, struct dw__sink *s, const struct dw_disc *d,
                   int32_t chunk, struct dw_error_detail *err)
{
    uint8_t *raw = malloc((size_t)chunk * DW_SECTOR_RAW_BYTES);
    uint8_t *sub = malloc((size_t)chunk * DW_SUBCHANNEL_BYTES);
    int rc = 0;
    assert_non_null(raw);
    assert_non_null(sub);
    for (int i = 0; i < d->track_count && !rc; i++) {
        const struct dw_track *t = &d->tracks[i];
        int32_t lba = dw_track_first_lba(t);
        /* Join runs across track ends within one session. */
        if (i > 0 && d->tracks[i - 1].end_lba == lba)
            continue;
        int32_t end = t->end_lba;
        for (int k = i + 1; k < d->track_count && dw_track_first_lba(&d->tracks[k]) == end; k++)
            end = d->tracks[k].end_lba;
        while (lba < end && !rc) {
            int32_t n = end - lba < chunk ? end - lba : chunk;
            for (int32_t k = 0; k < n; k++) {
                make_sector(d, lba + k, raw + (size_t)k * DW_SECTOR_RAW_BYTES);
                make_sub(lba + k, sub + (size_t)k * DW_SUBCHANNEL_BYTES);
            }
            rc = ops->put(s, lba, raw, sub, n, err);
            lba += n;
        }
    }
    free(raw);
    free(sub);
    return rc;
}

static char tmp[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "%s/dwconv.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    DIR *dir = opendir(tmp);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        char p[600];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", tmp, e->d_name);
        unlink(p);
    }
    if (dir)
        closedir(dir);
    rmdir(tmp);
    return 0;
}

static int count_files(const char *suffix)
{
    DIR *dir = opendir(tmp);
    int n = 0;
    size_t sl = strlen(suffix);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] != '.' && l >= sl && !strcmp(e->d_name + l - sl, suffix))
            n++;
    }
    if (dir)
        closedir(dir);
    return n;
}

static long file_bytes(const char *name)
{
    char p[600];
    struct stat st;
    snprintf(p, sizeof(p), "%s/%s", tmp, name);
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* Bytes [offset, offset + n) of a file in tmp, malloc'd. */
static uint8_t *file_part(const char *name, long offset, size_t n)
{
    char p[600];
    snprintf(p, sizeof(p), "%s/%s", tmp, name);
    FILE *f = fopen(p, "rb");
    uint8_t *buf = malloc(n);
    assert_non_null(f);
    assert_non_null(buf);
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, n, f), n);
    fclose(f);
    return buf;
}

static const enum dw_track_mode MIXED[] = {DW_MODE_MODE1, DW_MODE_AUDIO, DW_MODE_AUDIO};
static const int32_t MIXED_LEN[] = {10, 7, 5};
static const int ONE_SESSION[] = {1, 1, 1};

/* ---- the table -------------------------------------------------------- */

static void test_table(void **state)
{
    (void)state;
    const char *names[] = {"bincue", "split", "iso", "ccd", "toc"};
    for (size_t i = 0; i < 5; i++) {
        const struct dw__sink_entry *e = dw__sink_by_name(names[i]);
        assert_non_null(e);
        assert_non_null(e->ops);
        assert_string_equal(e->ops->name, names[i]);
        assert_non_null(e->ops->summary);
        const char *n;
        assert_int_equal(dw_convert_format((int)i, &n, NULL), 0);
        assert_string_equal(n, names[i]);
    }
    /* chd and cso are known by name even in a build without their sink. */
    assert_non_null(dw__sink_by_name("chd"));
    assert_non_null(dw__sink_by_name("cso"));
    assert_null(dw__sink_by_name("bin"));
    assert_null(dw__sink_by_name(NULL));
    assert_ptr_equal(dw__sink_by_extension("a/b.cue")->ops, &dw__sink_bincue);
    assert_ptr_equal(dw__sink_by_extension("B.CUE")->ops, &dw__sink_bincue);
    assert_ptr_equal(dw__sink_by_extension("x.iso")->ops, &dw__sink_iso);
    assert_ptr_equal(dw__sink_by_extension("x.ccd")->ops, &dw__sink_ccd);
    assert_ptr_equal(dw__sink_by_extension("x.toc")->ops, &dw__sink_toc);
    assert_string_equal(dw__sink_by_extension("x.chd")->ext, ".chd");
    assert_null(dw__sink_by_extension("x.bin"));
    assert_null(dw__sink_by_extension("dir.cue/noext"));
    assert_null(dw__sink_by_extension(".cue")); /* a hidden file's name, no extension */
    char list[128];
    dw__sink_names(list, sizeof(list));
    assert_non_null(strstr(list, "bincue, split, iso, ccd, toc"));
    assert_int_equal(dw_convert_format(99, NULL, NULL), DW_ERANGE);
}

static void test_paths(void **state)
{
    (void)state;
    char *p;
    p = dw__sink_main_path(dw__sink_by_name("bincue"), "a/b.bin");
    assert_string_equal(p, "a/b.cue");
    free(p);
    p = dw__sink_main_path(dw__sink_by_name("iso"), "a/b");
    assert_string_equal(p, "a/b.iso");
    free(p);
    p = dw__sink_main_path(dw__sink_by_name("ccd"), "a.d/c");
    assert_string_equal(p, "a.d/c.ccd");
    free(p);
    p = dw__sink_main_path(dw__sink_by_name("toc"), "x.tar");
    assert_string_equal(p, "x.tar.toc");
    free(p);
    p = dw__sink_main_path(dw__sink_by_name("split"), "D.ISO");
    assert_string_equal(p, "D.cue");
    free(p);
    p = dw__sink_base("dir/n.cue");
    assert_string_equal(p, "dir/n");
    free(p);

    struct dw_disc *d = make_disc(3, MIXED, MIXED_LEN, ONE_SESSION);
    char name[64];
    assert_true(dw__sink_split_name("B", d, 1, name, sizeof(name)));
    assert_string_equal(name, "B (Track 02).bin");
    assert_false(dw__sink_split_name("B", d, 1, name, 8));
    d->track_count = 1;
    assert_true(dw__sink_split_name("B", d, 0, name, sizeof(name)));
    assert_string_equal(name, "B.bin");
    dw_disc_free(d);
}

struct names {
    char v[8][128];
    int n;
};

static int collect(const char *path, void *user)
{
    struct names *ns = user;
    snprintf(ns->v[ns->n++], sizeof(ns->v[0]), "%s", path);
    return 0;
}

static void test_each_output(void **state)
{
    (void)state;
    struct dw_disc *d = make_disc(3, MIXED, MIXED_LEN, ONE_SESSION);
    struct names ns = {0};
    assert_int_equal(dw__sink_each_output(dw__sink_by_name("split"), "o/x.cue", d, collect, &ns),
                     0);
    assert_int_equal(ns.n, 4);
    assert_string_equal(ns.v[0], "o/x.cue");
    assert_string_equal(ns.v[3], "o/x (Track 03).bin");
    ns.n = 0;
    dw__sink_each_output(dw__sink_by_name("ccd"), "x.ccd", d, collect, &ns);
    assert_int_equal(ns.n, 3);
    assert_string_equal(ns.v[1], "x.img");
    assert_string_equal(ns.v[2], "x.sub");
    ns.n = 0;
    dw__sink_each_output(dw__sink_by_name("toc"), "x.toc", d, collect, &ns);
    assert_int_equal(ns.n, 2);
    assert_string_equal(ns.v[1], "x.bin");
    ns.n = 0;
    dw__sink_each_output(dw__sink_by_name("iso"), "x.iso", d, collect, &ns);
    assert_int_equal(ns.n, 1);
    dw_disc_free(d);
}

/* ---- the sinks ---------------------------------------------------------- */

static void test_bincue_and_gaps(void **state)
{
    (void)state;
    static const enum dw_track_mode m[] = {DW_MODE_AUDIO, DW_MODE_AUDIO, DW_MODE_MODE1};
    static const int32_t len[] = {20, 15, 30};
    static const int sess[] = {1, 1, 2};
    struct dw_disc *d = make_disc(3, m, len, sess);
    struct dw__sink *s;
    struct dw_error_detail err = {0};
    char dst[300];
    snprintf(dst, sizeof(dst), "%s/x.cue", tmp);
    assert_int_equal(dw__sink_bincue.open(&s, dst, d, &(struct dw__sink_opts){.level = -1}, &err),
                     0);
    assert_int_equal(put_all(&dw__sink_bincue, s, d, 8, &err), 0);
    assert_int_equal(count_files(".part"), 1);
    assert_int_equal(count_files(".cue"), 0); /* nothing final before commit */
    assert_int_equal(dw__sink_bincue.commit(s, &err), 0);
    assert_int_equal(count_files(".part"), 0);
    /* The session gap is not in the bin; the cue says where session 2 is. */
    assert_int_equal(file_bytes("x.bin"), 65L * DW_SECTOR_RAW_BYTES);
    uint8_t want[DW_SECTOR_RAW_BYTES];
    make_sector(d, d->tracks[2].index_lba[1], want);
    uint8_t *got = file_part("x.bin", 35L * DW_SECTOR_RAW_BYTES, DW_SECTOR_RAW_BYTES);
    assert_memory_equal(got, want, DW_SECTOR_RAW_BYTES);
    free(got);
    uint8_t *cue = file_part("x.cue", 0, (size_t)file_bytes("x.cue"));
    char *text = strndup((char *)cue, (size_t)file_bytes("x.cue"));
    assert_non_null(strstr(text, "FILE \"x.bin\" BINARY"));
    assert_non_null(strstr(text, "REM SESSION 02"));
    assert_non_null(strstr(text, "TRACK 03 MODE1/2352\n    INDEX 01 00:00:35"));
    free(text);
    free(cue);
    dw_disc_free(d);
}

static void test_split(void **state)
{
    (void)state;
    struct dw_disc *d = make_disc(3, MIXED, MIXED_LEN, ONE_SESSION);
    d->tracks[1].index_lba[0] = 8; /* a 2-sector pregap of track 2 ... */
    d->tracks[2].index_lba[2] = 20; /* ... and an INDEX 02 in track 3 */
    d->tracks[2].index_count = 3;
    char msg[128];
    assert_int_equal(dw_disc_finish(d, msg, sizeof(msg)), 0);
    struct dw__sink *s;
    struct dw_error_detail err = {0};
    char dst[300];
    snprintf(dst, sizeof(dst), "%s/r.cue", tmp);
    assert_int_equal(dw__sink_split.open(&s, dst, d, &(struct dw__sink_opts){.level = -1}, &err),
                     0);
    assert_int_equal(put_all(&dw__sink_split, s, d, 3, &err), 0); /* chunks cross tracks */
    assert_int_equal(dw__sink_split.commit(s, &err), 0);
    assert_int_equal(count_files(".part"), 0);
    assert_int_equal(file_bytes("r (Track 01).bin"), 8L * DW_SECTOR_RAW_BYTES);
    assert_int_equal(file_bytes("r (Track 02).bin"), 9L * DW_SECTOR_RAW_BYTES);
    assert_int_equal(file_bytes("r (Track 03).bin"), 5L * DW_SECTOR_RAW_BYTES);
    /* Track 2's file starts with its pregap (LBA 8). */
    uint8_t want[DW_SECTOR_RAW_BYTES];
    make_sector(d, 8, want);
    uint8_t *got = file_part("r (Track 02).bin", 0, DW_SECTOR_RAW_BYTES);
    assert_memory_equal(got, want, DW_SECTOR_RAW_BYTES);
    free(got);
    long n = file_bytes("r.cue");
    uint8_t *cue = file_part("r.cue", 0, (size_t)n);
    char *text = strndup((char *)cue, (size_t)n);
    assert_non_null(strstr(text, "FILE \"r (Track 02).bin\" BINARY\n  TRACK 02 AUDIO\n"
                                 "    INDEX 00 00:00:00\n    INDEX 01 00:00:02\n"));
    assert_non_null(strstr(text, "FILE \"r (Track 03).bin\" BINARY\n  TRACK 03 AUDIO\n"
                                 "    INDEX 01 00:00:00\n    INDEX 02 00:00:03\n"));
    free(text);
    free(cue);
    dw_disc_free(d);
}

static void test_ccd_sub(void **state)
{
    (void)state;
    struct dw_disc *d = make_disc(3, MIXED, MIXED_LEN, ONE_SESSION);
    struct dw__sink *s;
    struct dw_error_detail err = {0};
    char dst[300];
    snprintf(dst, sizeof(dst), "%s/c.ccd", tmp);
    assert_int_equal(dw__sink_ccd.open(&s, dst, d, &(struct dw__sink_opts){.have_sub = true},
                                       &err),
                     0);
    assert_int_equal(put_all(&dw__sink_ccd, s, d, 4, &err), 0);
    assert_int_equal(dw__sink_ccd.commit(s, &err), 0);
    assert_int_equal(file_bytes("c.img"), 22L * DW_SECTOR_RAW_BYTES);
    assert_int_equal(file_bytes("c.sub"), 22L * DW_SUBCHANNEL_BYTES);
    /* The .sub holds each sector's P-W de-interleaved, as CloneCD does. */
    uint8_t pw[DW_SUBCHANNEL_BYTES], want[DW_SUBCHANNEL_BYTES];
    make_sub(13, pw);
    dw_subchannel_deinterleave(pw, want);
    uint8_t *got = file_part("c.sub", 13L * DW_SUBCHANNEL_BYTES, DW_SUBCHANNEL_BYTES);
    assert_memory_equal(got, want, DW_SUBCHANNEL_BYTES);
    free(got);
    assert_true(file_bytes("c.ccd") > 0);
    dw_disc_free(d);
}

static void test_iso(void **state)
{
    (void)state;
    struct dw_disc *mixed = make_disc(3, MIXED, MIXED_LEN, ONE_SESSION);
    struct dw__sink *s = NULL;
    struct dw_error_detail err = {0};
    char dst[300];
    snprintf(dst, sizeof(dst), "%s/i.iso", tmp);
    assert_int_equal(dw__sink_iso.open(&s, dst, mixed, &(struct dw__sink_opts){0}, &err),
                     DW_EUNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(err.message, "--track N"));
    assert_int_equal(count_files(""), 0);

    static const enum dw_track_mode m1[] = {DW_MODE_MODE1};
    static const int32_t len[] = {12};
    static const int one[] = {1};
    struct dw_disc *d = make_disc(1, m1, len, one);
    assert_int_equal(dw__sink_iso.open(&s, dst, d, &(struct dw__sink_opts){0}, &err), 0);
    assert_int_equal(put_all(&dw__sink_iso, s, d, 5, &err), 0);
    assert_int_equal(dw__sink_iso.commit(s, &err), 0);
    assert_int_equal(file_bytes("i.iso"), 12L * DW_SECTOR_USER_BYTES);
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    make_sector(d, 7, raw);
    uint8_t *got = file_part("i.iso", 7L * DW_SECTOR_USER_BYTES, DW_SECTOR_USER_BYTES);
    assert_memory_equal(got, raw + DW_OFF_MODE1_DATA, DW_SECTOR_USER_BYTES);
    free(got);

    /* A Mode 2 Form 2 sector has no 2048-byte user data: refused, removed. */
    unlink(dst);
    assert_int_equal(dw__sink_iso.open(&s, dst, d, &(struct dw__sink_opts){0}, &err), 0);
    uint8_t sub[DW_SUBCHANNEL_BYTES] = {0}, data[2324] = {0};
    static const uint8_t form2[4] = {0, 0, 0x20, 0};
    dw_sector_encode_mode2(raw, 0, 2, form2, data);
    assert_int_equal(dw__sink_iso.put(s, 0, raw, sub, 1, &err), DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "Form 2"));
    dw__sink_iso.abort(s);
    assert_int_equal(count_files(""), 0);
    dw_disc_free(d);
    dw_disc_free(mixed);
}

static void test_refusals(void **state)
{
    (void)state;
    static const enum dw_track_mode m[] = {DW_MODE_AUDIO, DW_MODE_MODE1};
    static const int32_t len[] = {10, 10};
    static const int two[] = {1, 2};
    struct dw_disc *d = make_disc(2, m, len, two);
    struct dw__sink *s = NULL;
    struct dw_error_detail err = {0};
    char dst[300];
    snprintf(dst, sizeof(dst), "%s/t.toc", tmp);
    assert_int_equal(dw__sink_toc.open(&s, dst, d, &(struct dw__sink_opts){0}, &err),
                     DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "one session"));
    assert_int_equal(count_files(""), 0);

    /* Out of order: refused; abort leaves nothing. */
    snprintf(dst, sizeof(dst), "%s/o.cue", tmp);
    assert_int_equal(dw__sink_bincue.open(&s, dst, d, &(struct dw__sink_opts){0}, &err), 0);
    uint8_t raw[2 * DW_SECTOR_RAW_BYTES] = {0}, sub[2 * DW_SUBCHANNEL_BYTES] = {0};
    assert_int_equal(dw__sink_bincue.put(s, 0, raw, sub, 2, &err), 0);
    assert_int_equal(dw__sink_bincue.put(s, 1, raw, sub, 2, &err), DW_EINVAL);
    dw__sink_bincue.abort(s);
    assert_int_equal(count_files(""), 0);

    /* A commit before the disc's end: refused, nothing final, no .part. */
    assert_int_equal(dw__sink_split.open(&s, dst, d, &(struct dw__sink_opts){0}, &err), 0);
    assert_int_equal(dw__sink_split.put(s, 0, raw, sub, 2, &err), 0);
    assert_int_equal(dw__sink_split.commit(s, &err), DW_ETRUNC);
    assert_int_equal(count_files(""), 0);
    dw_disc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_each_output),
        cmocka_unit_test_setup_teardown(test_bincue_and_gaps, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_split, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_ccd_sub, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_iso, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_refusals, setup_dir, teardown_dir),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
