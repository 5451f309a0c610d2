/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A database answer through a cache and one HTTP GET (dbfetch.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdbool.h>
#include "checksum/curl_dl.h"
#include "checksum/dbfetch.h"
#include "discwright/ardb.h"
#include "discwright/errors.h"
#include "discwright/version.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Settings                                                             */

int dw__dbfetch_cache_dir(const char *opt_dir, const char *leaf, char *out,
                          size_t out_bytes)
{
    int n;
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    out[0] = '\0';
    if (opt_dir) {
        n = snprintf(out, out_bytes, "%s", opt_dir);
    } else {
        int rc = dw__xdg_dir("cache", leaf, out, out_bytes);
        return rc == DW_ENOENT ? 0 : rc;
    }
    if (n < 0 || (size_t)n >= out_bytes) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}

/* f->url and f->cache_path (into dir, the cache directory) from the
 * settings.  Returns 0 or DW_EINVAL with f->message set. */
static int prepare(struct dw__dbfetch *f, char *dir, size_t dir_bytes)
{
    const char *base = f->opt_url;
    if (!base) {
        const char *env = getenv(f->env_name);
        base = env && env[0] ? env : f->default_url;
    }
    /* The URL is the database root (a directory: "/" added when missing)
     * with the query resolved against it, through libcurl's URL API. */
    char root[2048], *url = NULL, *scheme = NULL;
    size_t base_len = strlen(base);
    int n = snprintf(root, sizeof(root), "%s%s", base,
                     base_len && base[base_len - 1] == '/' ? "" : "/");
    const struct dw__curl *C = dw__curl_get(f->message, f->message_bytes);
    if (!C)
        return DW_ELIB;
    CURLU *u = C->url();
    bool ok = u && n > 0 && (size_t)n < sizeof(root) &&
              C->url_set(u, CURLUPART_URL, root, 0) == CURLUE_OK &&
              C->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
    if (!ok) {
        C->free(scheme);
        C->url_cleanup(u);
        snprintf(f->message, f->message_bytes,
                 "the %s URL '%.300s' is not an http:// or https:// URL", f->what, base);
        return DW_EINVAL;
    }
    ok = C->url_set(u, CURLUPART_URL, f->url_tail, 0) == CURLUE_OK &&
         C->url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK &&
         strlen(url) < f->url_bytes;
    if (ok)
        memcpy(f->url, url, strlen(url) + 1);
    C->free(scheme);
    C->free(url);
    C->url_cleanup(u);
    if (!ok) {
        f->url[0] = '\0';
        snprintf(f->message, f->message_bytes, "the %s URL is too long or malformed", f->what);
        return DW_EINVAL;
    }
    if (dw__dbfetch_cache_dir(f->opt_cache_dir, f->cache_leaf, dir, dir_bytes) ||
        (dir[0] && snprintf(f->cache_path, f->cache_path_bytes, "%s/%s", dir,
                            f->cache_name) >= (int)f->cache_path_bytes)) {
        f->cache_path[0] = '\0';
        snprintf(f->message, f->message_bytes, "the cache directory name is too long");
        return DW_EINVAL;
    }
    if (f->connect_ms <= 0)
        f->connect_ms = f->default_connect_ms;
    if (f->total_ms <= 0)
        f->total_ms = f->default_total_ms;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The cache                                                            */

static int read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *bytes)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = -1;
    if (!fp)
        return -1;
    buf = malloc(max_bytes + 1);
    if (buf) {
        len = fread(buf, 1, max_bytes + 1, fp);
        if (!ferror(fp) && len <= max_bytes)
            rc = 0;
    }
    fclose(fp);
    if (rc) {
        free(buf);
        return -1;
    }
    *data = buf;
    *bytes = len;
    return 0;
}

/* Write data to path through a temporary file renamed into place, so a
 * reader never sees half a file.  Returns 0 or an errno value. */
static int write_file_atomic(const char *path, const void *data, size_t bytes)
{
    char tmp[4096 + 8];
    int e = 0;
    if (dw__mkdir_parents(path, NULL) != 0)
        return errno ? errno : EIO;
    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
        return ENAMETOOLONG;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return errno;
    const uint8_t *p = data;
    size_t left = bytes;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e = w < 0 ? errno : EIO;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    return e;
}

/* A fresh "not in the database" marker: younger than the TTL (and not
 * from the future, which a clock set back would make of an old one). */
static bool fresh_not_found_marker(const char *marker)
{
    struct stat st;
    if (stat(marker, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    time_t now = time(NULL);
    return st.st_mtime <= now + 60 &&
           now - st.st_mtime < DW__DBFETCH_NOT_FOUND_TTL_SECONDS;
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    const struct dw__curl *C = dw__curl_get(NULL, 0);
    curl_init_rc = C ? C->global_init(CURL_GLOBAL_DEFAULT) : CURLE_FAILED_INIT;
}

struct body {
    uint8_t *data;
    size_t bytes, cap, max_bytes;
    bool too_big;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct body *b = user;
    size_t n = size * nmemb;
    if (b->bytes + n > b->max_bytes) {
        b->too_big = true;
        return 0; /* stops the transfer (CURLE_WRITE_ERROR) */
    }
    if (b->bytes + n > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->bytes + n)
            cap *= 2;
        uint8_t *p = realloc(b->data, cap);
        if (!p)
            return 0;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->bytes, ptr, n);
    b->bytes += n;
    return n;
}

/* Run the transfer of h, asking f->stop every DW_LOOKUP_STOP_POLL_MS (the
 * multi interface, so that a server that never answers cannot hold a stop
 * request up until a time-out).  Returns the transfer's result, or
 * CURLE_ABORTED_BY_CALLBACK with *stopped set. */
static CURLcode perform(const struct dw__curl *C, CURL *h, const struct dw__dbfetch *f,
                        bool *stopped)
{
    CURLcode cc = CURLE_OK;
    *stopped = false;
    if (!f->stop)
        return C->easy_perform(h);
    CURLM *m = C->multi_init();
    if (!m)
        return CURLE_OUT_OF_MEMORY;
    if (C->multi_add_handle(m, h) != CURLM_OK) {
        C->multi_cleanup(m);
        return CURLE_FAILED_INIT;
    }
    for (int running = 1; running;) {
        CURLMcode mc = C->multi_perform(m, &running);
        if (mc == CURLM_OK && running && f->stop(f->stop_user)) {
            *stopped = true;
            cc = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (mc == CURLM_OK && running)
            mc = C->multi_poll(m, NULL, 0, DW_LOOKUP_STOP_POLL_MS, NULL);
        if (mc != CURLM_OK) {
            cc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
        }
    }
    if (!*stopped && cc == CURLE_OK) {
        int queued;
        CURLMsg *msg;
        while ((msg = C->multi_info_read(m, &queued)))
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
                cc = msg->data.result;
    }
    C->multi_remove_handle(m, h);
    C->multi_cleanup(m);
    return cc;
}

/* GET f->url into *body.  Returns 0 with *status the HTTP status, or DW_EIO /
 * DW_ENOMEM / DW_EABORTED with msg set. */
static int http_get(const struct dw__dbfetch *f, long connect_ms, long total_ms,
                    struct body *body, long *status, char *msg, size_t msg_bytes)
{
    const char *url = f->url;
    bool stopped;
    char errbuf[CURL_ERROR_SIZE] = "";
    int rc = 0;
    *status = 0;
    const struct dw__curl *C = dw__curl_get(msg, msg_bytes);
    if (!C)
        return DW_ELIB;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        snprintf(msg, msg_bytes, "libcurl could not start: %s",
                 C->easy_strerror(curl_init_rc));
        return DW_EIO;
    }
    CURL *h = C->easy_init();
    if (!h) {
        snprintf(msg, msg_bytes, "libcurl could not start");
        return DW_ENOMEM;
    }
    C->easy_setopt(h, CURLOPT_URL, url);
    C->easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for DNS time-outs */
    C->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    C->easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
    C->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    C->easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    C->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    C->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    C->easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    C->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS,
                     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    C->easy_setopt(h, CURLOPT_USERAGENT, "discwright/" DW_VERSION_STRING);
    C->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    C->easy_setopt(h, CURLOPT_WRITEDATA, body);
    C->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode cc = perform(C, h, f, &stopped);
    C->easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    if (stopped) {
        snprintf(msg, msg_bytes, "the %s lookup of '%.300s' was stopped", f->what, url);
        rc = DW_EABORTED;
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(msg, msg_bytes,
                 "no answer from '%.300s' in time (time-outs: %.3g s to connect, "
                 "%.3g s in all)",
                 url, connect_ms / 1000.0, total_ms / 1000.0);
        rc = DW_EIO;
    } else if (cc == CURLE_WRITE_ERROR && body->too_big) {
        snprintf(msg, msg_bytes, "the answer from '%.300s' is larger than %zu bytes", url,
                 body->max_bytes);
        rc = DW_EIO;
    } else if (cc != CURLE_OK) {
        snprintf(msg, msg_bytes, "cannot fetch '%.300s': %.150s", url,
                 errbuf[0] ? errbuf : C->easy_strerror(cc));
        rc = cc == CURLE_OUT_OF_MEMORY ? DW_ENOMEM : DW_EIO;
    }
    C->easy_cleanup(h);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The lookup                                                           */

static void note(struct dw__dbfetch *f, const char *fmt, const char *arg, int e)
{
    size_t used = strlen(f->message);
    snprintf(f->message + used, f->message_bytes - used, fmt, used ? "; " : "", arg,
             strerror(e));
}

int dw__dbfetch_run(struct dw__dbfetch *f)
{
    char marker[4096 + 8], dir[4096];
    uint8_t *data = NULL;
    size_t bytes = 0;
    struct body body = {.max_bytes = f->max_bytes};
    int rc = 0;
    f->message[0] = f->url[0] = f->cache_path[0] = '\0';
    f->status = DW__DBFETCH_UNAVAILABLE;
    f->origin = "none";
    f->http_status = 0;
    if ((rc = prepare(f, dir, sizeof(dir))) != 0)
        return rc;
    snprintf(marker, sizeof(marker), "%s.404", f->cache_path);

    /* The cache. */
    if (f->cache_path[0]) {
        if (read_file(f->cache_path, f->max_bytes, &data, &bytes) == 0) {
            rc = f->parse(f->user, data, bytes, "the cached file", f->message,
                          f->message_bytes);
            free(data);
            data = NULL;
            if (rc == 0 || rc == DW__DBFETCH_NOT_FOUND) {
                f->status = rc == 0 ? DW__DBFETCH_FOUND : DW__DBFETCH_ABSENT;
                f->origin = "cache";
                return 0;
            }
            if (rc == DW_ENOMEM || f->offline)
                return rc;
            /* A damaged cached file: fetch it again below. */
            unlink(f->cache_path);
            f->message[0] = '\0';
            rc = 0;
        }
        if (fresh_not_found_marker(marker)) {
            f->status = DW__DBFETCH_ABSENT;
            f->origin = "cache";
            return 0;
        }
    }
    if (f->offline) {
        if (f->cache_path[0])
            snprintf(f->message, f->message_bytes,
                     "offline, and '%.300s' is not in the cache '%.300s'", f->name, dir);
        else
            snprintf(f->message, f->message_bytes, "offline, and there is no cache");
        return DW_EUNSUPPORTED;
    }

    /* The network. */
    if (f->stop && f->stop(f->stop_user)) {
        snprintf(f->message, f->message_bytes, "the %s lookup of '%.300s' was stopped",
                 f->what, f->url);
        return DW_EABORTED;
    }
    rc = http_get(f, f->connect_ms, f->total_ms, &body, &f->http_status, f->message,
                  f->message_bytes);
    if (rc)
        goto out;
    if (f->http_status == 200) {
        rc = f->parse(f->user, body.data, body.bytes, "the answer", f->message,
                      f->message_bytes);
        if (rc != 0 && rc != DW__DBFETCH_NOT_FOUND)
            goto out;
    } else if (f->http_status != 404) {
        snprintf(f->message, f->message_bytes, "HTTP status %ld from '%.300s'",
                 f->http_status, f->url);
        rc = DW_EIO;
        goto out;
    }
    f->origin = "network";
    if (f->http_status == 404 || rc == DW__DBFETCH_NOT_FOUND) {
        rc = 0;
        f->status = DW__DBFETCH_ABSENT;
        if (f->cache_path[0]) {
            int e = write_file_atomic(marker, "404\n", 4);
            if (e)
                note(f, "%scannot remember the answer in '%s': %s", marker, e);
        }
        goto out;
    }
    f->status = DW__DBFETCH_FOUND;
    if (f->cache_path[0]) {
        int e = write_file_atomic(f->cache_path, body.data, body.bytes);
        if (e)
            note(f, "%scannot store the response in '%s': %s", f->cache_path, e);
        else
            unlink(marker);
    }
out:
    free(body.data);
    if (rc)
        f->status = DW__DBFETCH_UNAVAILABLE;
    return rc;
}
