/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the AccurateRip database client (src/checksum/ardb.c):
 * fetching over HTTP from a server of our own on 127.0.0.1 (tests/http)
 * that serves the published responses under their database paths
 * (whipper's dBAR-002 and libarcstk's dBAR-015, ../shared/fixtures), the
 * cache (responses, remembered 404s and their age), --offline with and
 * without a cache, and every way the database can be unavailable: other
 * HTTP statuses, a closed port, a server that never answers, a truncated
 * response, a response for another disc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/ardb.h"
#include "discwright/errors.h"
#include "httpd.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define WHIPPER_FILE DW_FIXTURES_DIR "/whipper/whipper/test/dBAR-002-0000f21c-00027ef8-05021002.bin"
#define ARCSTK_DIR DW_FIXTURES_DIR "/libarcstk/test/data"
#define ARCSTK_FILE ARCSTK_DIR "/dBAR-015-001b9178-014be24e-b40d2d0f.bin"

/* Database paths of the two responses (discid.h: id1's last three hex
 * digits, last first). */
#define WHIPPER_PATH "c/1/2/dBAR-002-0000f21c-00027ef8-05021002.bin"
#define ARCSTK_PATH "8/7/1/dBAR-015-001b9178-014be24e-b40d2d0f.bin"
#define MISSING_PATH "0/0/0/dBAR-003-00001000-00002000-03000003.bin"

static char root[64];       /* served directory */
static char url[128];       /* http://127.0.0.1:PORT/accuraterip/ */
static char host[64];       /* http://127.0.0.1:PORT/ */
static struct dw_test_httpd *server;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0777);
            *p = '/';
        }
    mkdir(buf, 0777);
}

/* Put `bytes` of data at ROOT/accuraterip/PATH. */
static void serve_bytes(const char *path, const void *data, size_t bytes)
{
    char file[4096], dir[4096];
    snprintf(file, sizeof(file), "%s/accuraterip/%s", root, path);
    snprintf(dir, sizeof(dir), "%s", file);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    FILE *fp = fopen(file, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, bytes, fp), bytes);
    assert_int_equal(fclose(fp), 0);
}

static void serve_file(const char *path, const char *fixture)
{
    size_t n;
    uint8_t *d = slurp(fixture, &n);
    serve_bytes(path, d, n);
    free(d);
}

static void unserve(const char *path)
{
    char file[4096];
    snprintf(file, sizeof(file), "%s/accuraterip/%s", root, path);
    unlink(file);
}

/* A fresh empty cache directory for one test. */
static void new_cache(char *dir, size_t bytes)
{
    snprintf(dir, bytes, "/tmp/dw-test-ardb-cache-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void rm_rf(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_bad_paths(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "dBAR-002-0000f21c-00027ef8-05021002.bin",
        "c/1/2/dBAR-002-0000f21c-00027ef8-05021002.BIN",
        "c/1/f/dBAR-002-0000f21c-00027ef8-05021002.bin", /* digits not id1's */
        "../../etc/passwd", "c/1/2/dBAR-002-0000f21c-00027ef8-05021002.bin/..",
        "c/1/2/dBAR-000-0000f21c-00027ef8-05021002.bin", /* no tracks */
        "C/1/F/dBAR-002-0000F21C-00027EF8-05021002.bin"};
    struct dw_ardb_opts opts = {.base_url = url, .cache_dir = ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct dw_ardb_result res;
        assert_int_equal(dw_ardb_lookup(bad[i], &opts, &res), DW_EINVAL);
        assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
        assert_non_null(strstr(res.message, "not an AccurateRip response name"));
    }
    struct dw_ardb_result res;
    assert_int_equal(dw_ardb_lookup(NULL, &opts, &res), DW_EINVAL);
    struct dw_ardb_opts ftp = {.base_url = "ftp://127.0.0.1/x/", .cache_dir = ""};
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &ftp, &res), DW_EINVAL);
    struct dw_ardb_opts flags = {.base_url = url, .cache_dir = "", .flags = 0x80};
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &flags, &res), DW_EINVAL);
}

static void test_fetch_and_cache(void **state)
{
    (void)state;
    char cache[64], cached[4096];
    new_cache(cache, sizeof(cache));
    serve_file(WHIPPER_PATH, WHIPPER_FILE);
    struct dw_ardb_opts opts = {.base_url = url, .cache_dir = cache};
    struct dw_ardb_result res;
    int before = dw_test_httpd_requests(server);

    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.http_status, 200);
    assert_string_equal(res.message, "");
    assert_int_equal(dw_test_httpd_requests(server), before + 1);
    /* The response as the fixtures README describes it. */
    assert_int_equal(res.response->block_count, 2);
    assert_int_equal(res.response->blocks[0].track_count, 2);
    assert_int_equal(res.response->blocks[0].tracks[0].confidence, 12);
    assert_int_equal(res.response->blocks[0].tracks[0].crc, 0x284fc705);
    assert_int_equal(res.response->blocks[0].tracks[1].confidence, 20);
    assert_int_equal(res.response->blocks[0].tracks[1].crc, 0x9cc1f32e);
    assert_int_equal(res.response->blocks[1].tracks[0].crc, 0xdc77f9ab);
    assert_int_equal(res.response->blocks[1].tracks[1].crc, 0xdd97d2c3);
    char want_url[256];
    snprintf(want_url, sizeof(want_url), "%s%s", url, WHIPPER_PATH);
    assert_string_equal(res.url, want_url);
    snprintf(cached, sizeof(cached), "%s/%s", cache, WHIPPER_PATH);
    assert_string_equal(res.cache_path, cached);
    dw_ardb_result_release(&res);
    assert_null(res.response);

    /* The raw file is in the cache under its database path. */
    size_t a, b;
    uint8_t *x = slurp(cached, &a), *y = slurp(WHIPPER_FILE, &b);
    assert_int_equal(a, b);
    assert_memory_equal(x, y, a);
    free(x);
    free(y);

    /* Asked again: from the cache, with the server gone quiet. */
    unserve(WHIPPER_PATH);
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_string_equal(res.origin, "cache");
    assert_int_equal(res.response->block_count, 2);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);
    dw_ardb_result_release(&res);

    /* Offline: the cache answers. */
    opts.flags = DW_ARDB_OFFLINE;
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_string_equal(res.origin, "cache");
    dw_ardb_result_release(&res);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);
    rm_rf(cache);
}

static void test_fifteen_tracks(void **state)
{
    (void)state;
    serve_file(ARCSTK_PATH, ARCSTK_FILE);
    /* No cache; the base URL without its trailing '/'. */
    char base[128];
    snprintf(base, sizeof(base), "%s", url);
    base[strlen(base) - 1] = '\0';
    struct dw_ardb_opts opts = {.base_url = base, .cache_dir = ""};
    struct dw_ardb_result res;
    assert_int_equal(dw_ardb_lookup(ARCSTK_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_string_equal(res.cache_path, "");
    assert_true(res.response->block_count >= 1);
    for (int i = 0; i < res.response->block_count; i++) {
        assert_int_equal(res.response->blocks[i].track_count, 15);
        assert_int_equal(res.response->blocks[i].id1, 0x001b9178);
        assert_int_equal(res.response->blocks[i].id2, 0x014be24e);
        assert_int_equal(res.response->blocks[i].cddb_id, 0xb40d2d0f);
    }
    char want_url[256];
    snprintf(want_url, sizeof(want_url), "%s%s", url, ARCSTK_PATH);
    assert_string_equal(res.url, want_url);
    dw_ardb_result_release(&res);
    unserve(ARCSTK_PATH);
}

static void test_not_found_remembered(void **state)
{
    (void)state;
    char cache[64], marker[4200];
    new_cache(cache, sizeof(cache));
    struct dw_ardb_opts opts = {.base_url = url, .cache_dir = cache};
    struct dw_ardb_result res;
    int before = dw_test_httpd_requests(server);

    assert_int_equal(dw_ardb_lookup(MISSING_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_NOT_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.http_status, 404);
    assert_null(res.response);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);
    snprintf(marker, sizeof(marker), "%s/%s.404", cache, MISSING_PATH);
    assert_true(exists(marker));
    snprintf(marker, sizeof(marker), "%s/%s", cache, MISSING_PATH);
    assert_false(exists(marker)); /* no response file for a 404 */
    dw_ardb_result_release(&res);

    /* Within a day: the cache answers, online or offline. */
    assert_int_equal(dw_ardb_lookup(MISSING_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_NOT_FOUND);
    assert_string_equal(res.origin, "cache");
    opts.flags = DW_ARDB_OFFLINE;
    assert_int_equal(dw_ardb_lookup(MISSING_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_NOT_FOUND);
    assert_string_equal(res.origin, "cache");
    assert_int_equal(dw_test_httpd_requests(server), before + 1);

    /* A day old: forgotten.  Offline there is then no answer; online the
     * server is asked again, and now it has the disc. */
    snprintf(marker, sizeof(marker), "%s/%s.404", cache, MISSING_PATH);
    time_t old = time(NULL) - DW_ARDB_NOT_FOUND_TTL_SECONDS - 60;
    struct utimbuf ut = {old, old};
    assert_int_equal(utime(marker, &ut), 0);
    assert_int_equal(dw_ardb_lookup(MISSING_PATH, &opts, &res), DW_EUNSUPPORTED);
    assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
    assert_non_null(strstr(res.message, "offline"));
    assert_int_equal(dw_test_httpd_requests(server), before + 1);

    /* A block naming this disc: 1 track, ids 00001000 00002000 03000003. */
    static const uint8_t block[] = {1,    0x00, 0x10, 0, 0, 0x00, 0x20, 0, 0, 0x03, 0, 0,
                                    0x03, 5,    0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0};
    serve_bytes(MISSING_PATH, block, sizeof(block));
    opts.flags = 0;
    assert_int_equal(dw_ardb_lookup(MISSING_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_string_equal(res.origin, "network");
    assert_int_equal(res.response->blocks[0].tracks[0].crc, 0x44332211);
    assert_false(exists(marker)); /* the old marker is gone */
    dw_ardb_result_release(&res);
    unserve(MISSING_PATH);
    rm_rf(cache);
}

static void test_offline_without_cache(void **state)
{
    (void)state;
    char cache[64];
    new_cache(cache, sizeof(cache));
    serve_file(WHIPPER_PATH, WHIPPER_FILE);
    int before = dw_test_httpd_requests(server);
    struct dw_ardb_result res;
    /* An empty cache. */
    struct dw_ardb_opts opts = {.base_url = url, .cache_dir = cache, .flags = DW_ARDB_OFFLINE};
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EUNSUPPORTED);
    assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
    assert_string_equal(res.origin, "none");
    assert_non_null(strstr(res.message, "not in the cache"));
    /* No cache at all. */
    opts.cache_dir = "";
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EUNSUPPORTED);
    assert_non_null(strstr(res.message, "no cache"));
    assert_int_equal(dw_test_httpd_requests(server), before);
    unserve(WHIPPER_PATH);
    rm_rf(cache);
}

static void test_unavailable(void **state)
{
    (void)state;
    char cache[64], base[160], cached[4200];
    new_cache(cache, sizeof(cache));
    struct dw_ardb_result res;

    /* Another HTTP status: unavailable, nothing cached. */
    snprintf(base, sizeof(base), "%sstatus/503/", host);
    struct dw_ardb_opts opts = {.base_url = base, .cache_dir = cache};
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EIO);
    assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
    assert_int_equal(res.http_status, 503);
    assert_non_null(strstr(res.message, "HTTP status 503"));
    snprintf(cached, sizeof(cached), "%s/%s", cache, WHIPPER_PATH);
    assert_false(exists(cached));
    snprintf(cached, sizeof(cached), "%s/%s.404", cache, WHIPPER_PATH);
    assert_false(exists(cached));

    /* A truncated response (libarcstk's bad-input copies) does not parse. */
    serve_file(ARCSTK_PATH, ARCSTK_DIR "/dBAR-015-001b9178-014be24e-b40d2d0f_T+5.bin");
    opts.base_url = url;
    assert_int_equal(dw_ardb_lookup(ARCSTK_PATH, &opts, &res), DW_EPARSE);
    assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
    assert_non_null(strstr(res.message, "not an AccurateRip response"));
    snprintf(cached, sizeof(cached), "%s/%s", cache, ARCSTK_PATH);
    assert_false(exists(cached));

    /* A response for another disc under this disc's name. */
    serve_file(ARCSTK_PATH, WHIPPER_FILE);
    assert_int_equal(dw_ardb_lookup(ARCSTK_PATH, &opts, &res), DW_EPARSE);
    assert_non_null(strstr(res.message, "another disc"));
    assert_false(exists(cached));
    unserve(ARCSTK_PATH);

    /* A closed port. */
    opts.base_url = "http://127.0.0.1:9/accuraterip/";
    double t0 = now_s();
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EIO);
    assert_true(now_s() - t0 < 5);
    assert_non_null(strstr(res.message, "cannot fetch"));

    /* A server that never answers: the total time-out ends it. */
    snprintf(base, sizeof(base), "%shang/", host);
    opts.base_url = base;
    opts.timeout_ms = 700;
    t0 = now_s();
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EIO);
    double took = now_s() - t0;
    assert_true(took >= 0.5 && took < 5);
    assert_non_null(strstr(res.message, "in time"));
    rm_rf(cache);
}

/* A stop function that says stop on its `after`th call. */
struct stopper {
    int calls, after;
};

static int stop_after(void *user)
{
    struct stopper *st = user;
    return ++st->calls >= st->after;
}

static void test_stop_request(void **state)
{
    (void)state;
    char cache[64], base[160], cached[4200];
    new_cache(cache, sizeof(cache));
    struct dw_ardb_result res;
    /* A server that never answers, and time-outs far beyond the test: only
     * the stop function can end the lookup. */
    snprintf(base, sizeof(base), "%shang/", host);
    struct stopper st = {0, 5};
    struct dw_ardb_opts opts = {.base_url = base, .cache_dir = cache,
                                .connect_timeout_ms = 600000, .timeout_ms = 600000,
                                .stop = stop_after, .stop_user = &st};
    int before = dw_test_httpd_requests(server);
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EABORTED);
    assert_int_equal(res.status, DW_ARDB_UNAVAILABLE);
    assert_null(res.response);
    assert_int_equal(st.calls, 5); /* asked again and again while it waited */
    assert_non_null(strstr(res.message, "was stopped"));
    assert_non_null(strstr(res.message, "hang/"));
    snprintf(cached, sizeof(cached), "%s/%s", cache, WHIPPER_PATH);
    assert_false(exists(cached));
    char marker[4300];
    snprintf(marker, sizeof(marker), "%s.404", cached);
    assert_false(exists(marker));
    /* The server saw the request hang (it stops hanging when we close). */
    for (int i = 0; i < 100 && dw_test_httpd_requests(server) == before; i++)
        usleep(10000);
    assert_int_equal(dw_test_httpd_requests(server), before + 1);

    /* A stop asked before anything: the network is not touched. */
    struct stopper now = {0, 1};
    opts.stop_user = &now;
    opts.base_url = url;
    serve_file(WHIPPER_PATH, WHIPPER_FILE);
    before = dw_test_httpd_requests(server);
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EABORTED);
    assert_int_equal(now.calls, 1);
    assert_non_null(strstr(res.message, "was stopped"));
    assert_int_equal(dw_test_httpd_requests(server), before);
    assert_false(exists(cached));

    /* A stop function that never says stop changes nothing. */
    struct stopper never = {0, 1 << 30};
    opts.stop_user = &never;
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    assert_true(never.calls >= 1);
    assert_true(exists(cached));
    dw_ardb_result_release(&res);
    unserve(WHIPPER_PATH);
    rm_rf(cache);
}

static void test_damaged_cache_refetched(void **state)
{
    (void)state;
    char cache[64], cached[4200];
    new_cache(cache, sizeof(cache));
    serve_file(WHIPPER_PATH, WHIPPER_FILE);
    snprintf(cached, sizeof(cached), "%s/%s", cache, WHIPPER_PATH);
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s", cached);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    FILE *fp = fopen(cached, "wb");
    assert_non_null(fp);
    fputs("garbage", fp);
    fclose(fp);
    struct dw_ardb_result res;
    /* Offline, the damaged file is all there is. */
    struct dw_ardb_opts opts = {.base_url = url, .cache_dir = cache, .flags = DW_ARDB_OFFLINE};
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), DW_EPARSE);
    assert_non_null(strstr(res.message, "cached file"));
    /* Online it is fetched again and replaced. */
    opts.flags = 0;
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, &opts, &res), 0);
    assert_string_equal(res.origin, "network");
    dw_ardb_result_release(&res);
    size_t a, b;
    uint8_t *x = slurp(cached, &a), *y = slurp(WHIPPER_FILE, &b);
    assert_int_equal(a, b);
    assert_memory_equal(x, y, a);
    free(x);
    free(y);
    unserve(WHIPPER_PATH);
    rm_rf(cache);
}

static void test_defaults_from_environment(void **state)
{
    (void)state;
    char home[64], want[256];
    new_cache(home, sizeof(home));
    serve_file(WHIPPER_PATH, WHIPPER_FILE);
    setenv("DW_ACCURATERIP_URL", url, 1);
    setenv("XDG_CACHE_HOME", home, 1);
    char dir[4096];
    assert_int_equal(dw_ardb_cache_dir(NULL, dir, sizeof(dir)), 0);
    snprintf(want, sizeof(want), "%s/discwright/accuraterip", home);
    assert_string_equal(dir, want);
    struct dw_ardb_result res;
    assert_int_equal(dw_ardb_lookup(WHIPPER_PATH, NULL, &res), 0);
    assert_int_equal(res.status, DW_ARDB_FOUND);
    snprintf(want, sizeof(want), "%s/discwright/accuraterip/%s", home, WHIPPER_PATH);
    assert_string_equal(res.cache_path, want);
    assert_true(exists(want));
    dw_ardb_result_release(&res);
    /* Without XDG_CACHE_HOME: under HOME. */
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_int_equal(dw_ardb_cache_dir(NULL, dir, sizeof(dir)), 0);
    assert_string_equal(dir, "/home/someone/.cache/discwright/accuraterip");
    unsetenv("DW_ACCURATERIP_URL");
    unserve(WHIPPER_PATH);
    rm_rf(home);
}

static int setup(void **state)
{
    (void)state;
    int port;
    snprintf(root, sizeof(root), "/tmp/dw-test-ardb-root-XXXXXX");
    if (!mkdtemp(root) || dw_test_httpd_start(root, NULL, &server, &port) != 0)
        return -1;
    snprintf(host, sizeof(host), "http://127.0.0.1:%d/", port);
    snprintf(url, sizeof(url), "%saccuraterip/", host);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dw_test_httpd_stop(server);
    rm_rf(root);
    return 0;
}

int main(void)
{
    if (access(WHIPPER_FILE, R_OK) != 0 || access(ARCSTK_FILE, R_OK) != 0) {
        return dw_test_no_fixtures(0, "the whipper and libarcstk AccurateRip responses");
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_fetch_and_cache),
        cmocka_unit_test(test_fifteen_tracks),
        cmocka_unit_test(test_not_found_remembered),
        cmocka_unit_test(test_offline_without_cache),
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test(test_stop_request),
        cmocka_unit_test(test_damaged_cache_refetched),
        cmocka_unit_test(test_defaults_from_environment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
