/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: the build layer (include/discwright/build.h).
 *
 * Trees made in a temporary directory; the libisofs tree behind a
 * struct dw_build is inspected through build_int.h (graft points, escapes,
 * clashes, reproducible times), images are written and burned to stdio:
 * files, and the MD5 read-back is shown to catch a changed sector.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build_int.h"
#include "discwright/build.h"
#include "discwright/burn.h"
#include "discwright/checksum.h"

static char tmpdir[256];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *path_in(const char *leaf)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ & 3];
    snprintf(p, 512, "%s/%s", tmpdir, leaf);
    return p;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/dw-build-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    mkdir(path_in("src"), 0755);
    mkdir(path_in("src/sub"), 0755);
    mkdir(path_in("other"), 0755);
    write_file(path_in("src/a.txt"), "alpha\n");
    write_file(path_in("src/sub/b.txt"), "beta\n");
    write_file(path_in("other/a.txt"), "another alpha\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static IsoNode *node_at(struct dw_build *b, const char *path)
{
    IsoNode *n = NULL;
    return iso_tree_path_to_node(b->image, path, &n) == 1 ? n : NULL;
}

static void test_graft_points_and_escapes(void **state)
{
    (void)state;
    char g1[600], g2[600];
    snprintf(g1, sizeof(g1), "/docs/deep=%s", path_in("src/sub"));
    snprintf(g2, sizeof(g2), "/x\\=y=%s", path_in("src/a.txt"));
    const char *srcs[] = {path_in("src"), g1, g2};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw_build_new(srcs, 3, NULL, &b, &err), 0);
    assert_non_null(node_at(b, "/a.txt"));
    assert_non_null(node_at(b, "/sub/b.txt"));
    assert_non_null(node_at(b, "/docs/deep/b.txt"));
    IsoNode *x = node_at(b, "/x=y");
    assert_non_null(x);
    assert_true(ISO_NODE_IS_FILE(x));
    struct dw_build_result res;
    assert_int_equal(dw_build_write_iso(b, path_in("g.iso"), NULL, &res, &err), 0);
    assert_int_equal(res.files, 4);
    assert_int_equal(res.directories, 4); /* /, /sub, /docs, /docs/deep */
    assert_int_equal(res.image_bytes % 2048, 0);
    /* A tree is written once. */
    assert_int_equal(dw_build_write_iso(b, path_in("g2.iso"), NULL, NULL, &err),
                     DW_EINVAL);
    dw_build_free(b);
}

static void test_clash_is_refused(void **state)
{
    (void)state;
    const char *srcs[] = {path_in("src"), path_in("other")};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw_build_new(srcs, 2, NULL, &b, &err), DW_EEXIST);
    assert_null(b);
    assert_non_null(strstr(err.message, "'/a.txt'"));
}

static void test_bad_options(void **state)
{
    (void)state;
    const char *srcs[] = {path_in("src")};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    struct dw_build_opts o = {.flags = 0x8000u};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), DW_EINVAL);
    o = (struct dw_build_opts){.flags = DW_BUILD_ZISOFS | DW_BUILD_NO_ROCKRIDGE};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), DW_EINVAL);
    o = (struct dw_build_opts){.volid = "THIS_VOLUME_ID_IS_LONGER_THAN_32_CHARS"};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), DW_EINVAL);
    o = (struct dw_build_opts){.boot_bios = "/nonexistent.bin"};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), DW_ENOENT);
    const char *rel[] = {"relative=x"};
    assert_int_equal(dw_build_new(rel, 1, NULL, &b, &err), DW_EINVAL);
    const char *missing[] = {path_in("nonexistent")};
    assert_int_equal(dw_build_new(missing, 1, NULL, &b, &err), DW_ENOENT);
    assert_null(b);
}

static void test_fixed_time(void **state)
{
    (void)state;
    char g[600];
    snprintf(g, sizeof(g), "/made/here=%s", path_in("src/sub"));
    const char *srcs[] = {g};
    struct dw_build_opts o = {.flags = DW_BUILD_FIXED_TIME,
                              .source_date_epoch = 1234567890};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), 0);
    /* The root and the folder made for the graft point get the epoch; a
     * file keeps its mtime, its atime and ctime become that mtime. */
    assert_int_equal(iso_node_get_mtime(node_at(b, "/")), 1234567890);
    assert_int_equal(iso_node_get_mtime(node_at(b, "/made")), 1234567890);
    IsoNode *f = node_at(b, "/made/here/b.txt");
    assert_non_null(f);
    struct stat st;
    assert_int_equal(stat(path_in("src/sub/b.txt"), &st), 0);
    assert_int_equal(iso_node_get_mtime(f), st.st_mtime);
    assert_int_equal(iso_node_get_atime(f), st.st_mtime);
    assert_int_equal(iso_node_get_ctime(f), st.st_mtime);
    dw_build_free(b);
}

static void test_existing_output(void **state)
{
    (void)state;
    char src[512];
    snprintf(src, sizeof(src), "%s", path_in("src")); /* path_in's buffers rotate */
    const char *srcs[] = {src};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    write_file(path_in("keep.iso"), "mine\n");
    assert_int_equal(dw_build_new(srcs, 1, NULL, &b, &err), 0);
    assert_int_equal(dw_build_write_iso(b, path_in("keep.iso"), NULL, NULL, &err),
                     DW_EEXIST);
    dw_build_free(b);
    struct stat st;
    assert_int_equal(stat(path_in("keep.iso"), &st), 0);
    assert_int_equal(st.st_size, 5);
    assert_int_not_equal(access(path_in("keep.iso.part"), F_OK), 0);
    struct dw_build_opts o = {.flags = DW_BUILD_OVERWRITE};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), 0);
    assert_int_equal(dw_build_write_iso(b, path_in("keep.iso"), NULL, NULL, &err), 0);
    dw_build_free(b);
    assert_int_equal(stat(path_in("keep.iso"), &st), 0);
    assert_true(st.st_size > 32768);
}

static int stop_at_once(const struct dw_progress *p, void *user)
{
    (void)p;
    (void)user;
    return 1;
}

static void test_stop_leaves_nothing(void **state)
{
    (void)state;
    const char *srcs[] = {path_in("src")};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    struct dw_callbacks cb = {.progress = stop_at_once};
    assert_int_equal(dw_build_new(srcs, 1, NULL, &b, &err), 0);
    assert_int_equal(dw_build_write_iso(b, path_in("stopped.iso"), &cb, NULL, &err),
                     DW_EABORTED);
    dw_build_free(b);
    assert_int_not_equal(access(path_in("stopped.iso"), F_OK), 0);
    assert_int_not_equal(access(path_in("stopped.iso.part"), F_OK), 0);
}

/* Burn to stdio:, then read back: the MD5 of the stream matches the file;
 * one changed byte in the file is a mismatch. */
static void test_burn_and_readback(void **state)
{
    (void)state;
    const char *srcs[] = {path_in("src")};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    struct dw_burn_result res;
    char drive[600], md5[33];
    int64_t bytes = 0;
    snprintf(drive, sizeof(drive), "stdio:%s", path_in("burned.iso"));
    assert_int_equal(dw_build_new(srcs, 1, NULL, &b, &err), 0);
    assert_int_equal(dw_build_stream_md5(b, md5, &bytes), DW_EINVAL);
    int rc = dw_build_burn(b, drive, NULL, NULL, &res, &err);
    if (rc)
        fail_msg("burn: %s", err.message);
    assert_int_equal(dw_build_stream_md5(b, md5, &bytes), 0);
    assert_int_equal(bytes, res.image_bytes);
    assert_int_equal(strlen(md5), 32);
    dw_build_free(b);
    struct stat st;
    assert_int_equal(stat(path_in("burned.iso"), &st), 0);
    assert_int_equal(st.st_size, bytes);
    assert_int_equal(dw_build_readback(drive, 0, bytes / 2048, md5, NULL, &err), 0);
    /* Change one byte in the last sector. */
    FILE *f = fopen(path_in("burned.iso"), "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)bytes - 100, SEEK_SET), 0);
    fputc('!', f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(dw_build_readback(drive, 0, bytes / 2048, md5, NULL, &err),
                     DW_EMISMATCH);
    assert_non_null(strstr(err.message, "burn it again"));
}

/* dw_build_image_bytes gives, before any burn, the size the burn then
 * writes (the file's size), leaves the tree burnable, and refuses a tree
 * written already. */
static void test_image_bytes_before_burn(void **state)
{
    (void)state;
    const char *srcs[2] = {path_in("src"), NULL};
    char graft[600];
    snprintf(graft, sizeof(graft), "/more=%s", path_in("other"));
    srcs[1] = graft;
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    struct dw_burn_result res;
    char drive[600];
    int64_t sized = -1, again = -1;
    snprintf(drive, sizeof(drive), "stdio:%s", path_in("sized.iso"));
    assert_int_equal(dw_build_new(srcs, 2, NULL, &b, &err), 0);
    assert_int_equal(dw_build_image_bytes(b, &sized, &err), 0);
    assert_true(sized > 16 * 2048);
    assert_int_equal(sized % 2048, 0);
    assert_int_equal(dw_build_image_bytes(b, &again, &err), 0);
    assert_int_equal(again, sized);
    int rc = dw_build_burn(b, drive, NULL, NULL, &res, &err);
    if (rc)
        fail_msg("burn after sizing: %s", err.message);
    assert_int_equal(res.image_bytes, sized);
    struct stat st;
    assert_int_equal(stat(path_in("sized.iso"), &st), 0);
    assert_int_equal(st.st_size, sized);
    assert_int_equal(dw_build_image_bytes(b, &again, &err), DW_EINVAL);
    assert_int_equal(dw_build_image_bytes(NULL, &again, &err), DW_EINVAL);
    dw_build_free(b);
}

/* burn --append on a stdio: file: the first burn writes at LBA 0; the
 * second imports that tree, replaces /a.txt and grows the volume after its
 * end (32-sector aligned); a third import sees the grown tree: the new
 * /a.txt (its size) and the old /sub/b.txt, both from the medium. */
static void test_append_grows_stdio(void **state)
{
    (void)state;
    const char *first[] = {path_in("src")}, *second[] = {path_in("other")};
    const char *third[] = {path_in("src/sub")};
    struct dw_build *b = NULL;
    struct dw_build_append_info ai;
    struct dw_error_detail err;
    struct dw_burn_result res;
    char drive[600];
    uint32_t lba;
    snprintf(drive, sizeof(drive), "stdio:%s", path_in("grown.iso"));
    assert_int_equal(dw_build_new_append(first, 1, NULL, NULL, &b, &err), DW_EINVAL);
    assert_null(b);
    assert_int_equal(dw_build_new_append(first, 1, NULL, drive, &b, &err), 0);
    assert_int_equal(dw_build_append_info(b, &ai), 0);
    assert_false(ai.imported);
    assert_int_equal(ai.session_lba, 0);
    if (dw_build_burn(b, drive, NULL, NULL, &res, &err))
        fail_msg("first burn: %s", err.message);
    int64_t first_sectors = res.image_bytes / 2048;
    dw_build_free(b);

    assert_int_equal(dw_build_new_append(second, 1, NULL, drive, &b, &err), 0);
    assert_int_equal(dw_build_append_info(b, &ai), 0);
    assert_true(ai.imported && ai.grown);
    assert_int_equal(ai.import_lba, 0);
    assert_true(ai.session_lba >= first_sectors && ai.session_lba % 32 == 0);
    IsoNode *sub_b = node_at(b, "/sub/b.txt"), *a = node_at(b, "/a.txt");
    assert_non_null(sub_b);
    assert_non_null(a);
    assert_int_equal(iso_file_get_old_image_lba((IsoFile *)sub_b, &lba, 0), 1);
    assert_int_equal(iso_file_get_old_image_lba((IsoFile *)a, &lba, 0), 0); /* new */
    assert_int_equal(iso_file_get_size((IsoFile *)a), strlen("another alpha\n"));
    if (dw_build_burn(b, drive, NULL, NULL, &res, &err))
        fail_msg("second burn: %s", err.message);
    assert_int_equal(res.start_lba, ai.session_lba);
    int32_t second_lba = ai.session_lba;
    dw_build_free(b);

    /* /b.txt at the root this time: a new name, nothing replaced. */
    assert_int_equal(dw_build_new_append(third, 1, NULL, drive, &b, &err), 0);
    assert_int_equal(dw_build_append_info(b, &ai), 0);
    assert_true(ai.imported && ai.session_lba > second_lba);
    a = node_at(b, "/a.txt");
    assert_non_null(a);
    assert_int_equal(iso_file_get_old_image_lba((IsoFile *)a, &lba, 0), 1);
    assert_true((int32_t)lba >= second_lba); /* written by the second burn */
    assert_int_equal(iso_file_get_size((IsoFile *)a), strlen("another alpha\n"));
    assert_non_null(node_at(b, "/sub/b.txt"));
    assert_non_null(node_at(b, "/b.txt"));
    dw_build_free(b);
}

/* The whole content of path into *data (malloc'd); its size in bytes. */
static long read_all(const char *path, unsigned char **data)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    *data = malloc((size_t)size);
    assert_non_null(*data);
    assert_int_equal(fread(*data, 1, (size_t)size, f), (size_t)size);
    assert_int_equal(fclose(f), 0);
    return size;
}

struct seen {
    int64_t total_sectors, last_done, calls;
    bool backwards;
};

static int note_progress(const struct dw_progress *p, void *user)
{
    struct seen *s = user;
    if (p->done_sectors < s->last_done)
        s->backwards = true;
    s->total_sectors = p->total_sectors;
    s->last_done = p->done_sectors;
    s->calls++;
    return 0;
}

/* The image is read from libisofs in chunks of many blocks with the last
 * one cut to what is left: an image of several chunks and a part-chunk
 * (a 900,001-byte file) comes out whole, with progress to its last sector,
 * and equal byte for byte (SOURCE_DATE_EPOCH) to the same tree burned to
 * stdio:, hashed or not (DW_BUILD_NO_STREAM_MD5: no MD5, same bytes). */
static void test_image_whole_in_chunks(void **state)
{
    (void)state;
    mkdir(path_in("chunks"), 0755);
    FILE *f = fopen(path_in("chunks/big.bin"), "wb");
    assert_non_null(f);
    for (long i = 0; i < 900001; i++)
        fputc((int)((i * 7919) >> 3 & 0xff), f);
    assert_int_equal(fclose(f), 0);
    write_file(path_in("chunks/small.txt"), "small\n");
    char src[512], iso[512], burned[512], plain[512];
    snprintf(src, sizeof(src), "%s", path_in("chunks"));
    snprintf(iso, sizeof(iso), "%s", path_in("chunks.iso"));
    snprintf(burned, sizeof(burned), "stdio:%s", path_in("chunks-burned.iso"));
    snprintf(plain, sizeof(plain), "stdio:%s", path_in("chunks-plain.iso"));
    const char *srcs[] = {src};
    struct dw_build_opts o = {.flags = DW_BUILD_FIXED_TIME,
                              .source_date_epoch = 1700000000};
    struct dw_build *b = NULL;
    struct dw_error_detail err;
    struct dw_build_result res;
    struct seen seen = {0};
    struct dw_callbacks cb = {.progress = note_progress, .user = &seen};
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), 0);
    if (dw_build_write_iso(b, iso, &cb, &res, &err))
        fail_msg("write: %s", err.message);
    dw_build_free(b);
    unsigned char *a = NULL, *c = NULL;
    long size = read_all(iso, &a);
    assert_int_equal(size, res.image_bytes);
    assert_int_equal(size % 2048, 0);
    assert_true(size > 3 * 256 * 1024 && size % (256 * 1024) != 0);
    assert_false(seen.backwards);
    assert_true(seen.calls >= 3);
    assert_int_equal(seen.total_sectors, size / 2048);
    assert_int_equal(seen.last_done, size / 2048);
    /* The file's bytes are in the image (its data is one extent). */
    unsigned char first[64];
    for (int i = 0; i < 64; i++)
        first[i] = (unsigned char)((i * 7919) >> 3 & 0xff);
    bool found = false;
    for (long at = 0; at + 64 <= size && !found; at += 2048)
        found = !memcmp(a + at, first, 64);
    assert_true(found);

    /* Burned, with the stream's MD5: the same bytes, and that MD5. */
    struct dw_burn_result bres;
    char md5[33];
    int64_t bytes = 0;
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), 0);
    if (dw_build_burn(b, burned, NULL, NULL, &bres, &err))
        fail_msg("burn: %s", err.message);
    assert_int_equal(dw_build_stream_md5(b, md5, &bytes), 0);
    assert_int_equal(bytes, size);
    dw_build_free(b);
    assert_int_equal(read_all(burned + 6, &c), size);
    assert_memory_equal(a, c, (size_t)size);
    free(c);
    struct dw_hash *h = dw_hash_new(DW_HASH_MD5);
    assert_non_null(h);
    dw_hash_update(h, a, (size_t)size);
    struct dw_digests d;
    dw_hash_final(h, &d);
    dw_hash_free(h);
    assert_string_equal(md5, d.md5);

    /* Burned without it: the same bytes, no MD5. */
    o.flags |= DW_BUILD_NO_STREAM_MD5;
    assert_int_equal(dw_build_new(srcs, 1, &o, &b, &err), 0);
    if (dw_build_burn(b, plain, NULL, NULL, &bres, &err))
        fail_msg("burn: %s", err.message);
    assert_int_equal(dw_build_stream_md5(b, md5, &bytes), DW_EINVAL);
    dw_build_free(b);
    assert_int_equal(read_all(plain + 6, &c), size);
    assert_memory_equal(a, c, (size_t)size);
    free(c);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graft_points_and_escapes),
        cmocka_unit_test(test_clash_is_refused),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_fixed_time),
        cmocka_unit_test(test_existing_output),
        cmocka_unit_test(test_stop_leaves_nothing),
        cmocka_unit_test(test_burn_and_readback),
        cmocka_unit_test(test_image_bytes_before_burn),
        cmocka_unit_test(test_append_grows_stdio),
        cmocka_unit_test(test_image_whole_in_chunks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
