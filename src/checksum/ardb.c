/* The AccurateRip database client: cache first, then one HTTP GET through
 * libcurl with time-outs; see discwright/ardb.h for the rules. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "discwright/ardb.h"
#include "discwright/errors.h"

/* ------------------------------------------------------------------ */
/* The response path                                                    */

struct ar_name {
    int tracks;
    uint32_t id1, id2, cddb;
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool parse_hex32(const char *p, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return false;
        x = x << 4 | (uint32_t)d;
    }
    *v = x;
    return true;
}

/* "d/d/d/dBAR-NNN-XXXXXXXX-XXXXXXXX-XXXXXXXX.bin", the three directory
 * digits being id1's last three hex digits, last first (discid.h). */
static bool parse_ar_path(const char *path, struct ar_name *n)
{
    /* x, h: a lowercase hex digit; 9: a decimal digit; the rest as is. */
    static const char shape[] = "x/x/x/dBAR-999-hhhhhhhh-hhhhhhhh-hhhhhhhh.bin";
    if (!path || strlen(path) != sizeof(shape) - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        char c = path[i];
        bool ok = shape[i] == 'x' || shape[i] == 'h' ? hex_digit(c) >= 0
                  : shape[i] == '9'                  ? c >= '0' && c <= '9'
                                                     : c == shape[i];
        if (!ok)
            return false;
    }
    n->tracks = (path[11] - '0') * 100 + (path[12] - '0') * 10 + (path[13] - '0');
    if (!parse_hex32(path + 15, &n->id1) || !parse_hex32(path + 24, &n->id2) ||
        !parse_hex32(path + 33, &n->cddb) || n->tracks < 1)
        return false;
    return hex_digit(path[0]) == (int)(n->id1 & 0xf) &&
           hex_digit(path[2]) == (int)(n->id1 >> 4 & 0xf) &&
           hex_digit(path[4]) == (int)(n->id1 >> 8 & 0xf);
}

/* ------------------------------------------------------------------ */
/* The cache                                                            */

int dw_ardb_cache_dir(const struct dw_ardb_opts *opts, char *out, size_t out_bytes)
{
    int n;
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    out[0] = '\0';
    if (opts && opts->cache_dir) {
        n = snprintf(out, out_bytes, "%s", opts->cache_dir);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            n = snprintf(out, out_bytes, "%s/discwright/accuraterip", xdg);
        else if (home && home[0])
            n = snprintf(out, out_bytes, "%s/.cache/discwright/accuraterip", home);
        else
            return 0;
    }
    if (n < 0 || (size_t)n >= out_bytes) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}

/* mkdir -p of the directory part of path. */
static int make_parents(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *bytes)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = -1;
    if (!fp)
        return -1;
    buf = malloc(DW_ARDB_MAX_RESPONSE_BYTES + 1);
    if (buf) {
        len = fread(buf, 1, DW_ARDB_MAX_RESPONSE_BYTES + 1, fp);
        if (!ferror(fp) && len <= DW_ARDB_MAX_RESPONSE_BYTES)
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
    if (make_parents(path) != 0)
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
    return st.st_mtime <= now + 60 && now - st.st_mtime < DW_ARDB_NOT_FOUND_TTL_SECONDS;
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct body {
    uint8_t *data;
    size_t bytes, cap;
    bool too_big;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct body *b = user;
    size_t n = size * nmemb;
    if (b->bytes + n > DW_ARDB_MAX_RESPONSE_BYTES) {
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

/* GET url into *body.  Returns 0 with *status the HTTP status, or DW_EIO /
 * DW_ENOMEM with msg set. */
static int http_get(const char *url, long connect_ms, long total_ms, struct body *body,
                    long *status, char *msg, size_t msg_bytes)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    int rc = 0;
    *status = 0;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        snprintf(msg, msg_bytes, "libcurl could not start: %s", curl_easy_strerror(curl_init_rc));
        return DW_EIO;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(msg, msg_bytes, "libcurl could not start");
        return DW_ENOMEM;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for DNS time-outs */
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_USERAGENT, "discwright/" DW_VERSION_STRING);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(msg, msg_bytes, "no answer from '%.300s' in time (time-outs: %.3g s to connect, "
                 "%.3g s in all)", url, connect_ms / 1000.0, total_ms / 1000.0);
        rc = DW_EIO;
    } else if (cc == CURLE_WRITE_ERROR && body->too_big) {
        snprintf(msg, msg_bytes, "the answer from '%.300s' is larger than %d bytes", url,
                 DW_ARDB_MAX_RESPONSE_BYTES);
        rc = DW_EIO;
    } else if (cc != CURLE_OK) {
        snprintf(msg, msg_bytes, "cannot fetch '%.300s': %.150s", url,
                 errbuf[0] ? errbuf : curl_easy_strerror(cc));
        rc = cc == CURLE_OUT_OF_MEMORY ? DW_ENOMEM : DW_EIO;
    }
    curl_easy_cleanup(h);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Lookup                                                               */

/* Parse data and check that every block names the disc of the path. */
static int parse_checked(const uint8_t *data, size_t bytes, const struct ar_name *n,
                         struct dw_ar_response **out, char *msg, size_t msg_bytes,
                         const char *what)
{
    int rc = dw_ar_response_parse(data, bytes, out);
    if (rc == DW_ENOMEM) {
        snprintf(msg, msg_bytes, "out of memory");
        return rc;
    }
    if (rc) {
        snprintf(msg, msg_bytes, "%s is not an AccurateRip response (%zu bytes that do not parse)",
                 what, bytes);
        return DW_EPARSE;
    }
    for (int b = 0; b < (*out)->block_count; b++) {
        const struct dw_ar_block *blk = &(*out)->blocks[b];
        if (blk->id1 != n->id1 || blk->id2 != n->id2 || blk->cddb_id != n->cddb) {
            snprintf(msg, msg_bytes,
                     "%s is for another disc: its block %d names %08x-%08x-%08x, not "
                     "%08x-%08x-%08x",
                     what, b + 1, (unsigned)blk->id1, (unsigned)blk->id2,
                     (unsigned)blk->cddb_id, (unsigned)n->id1, (unsigned)n->id2,
                     (unsigned)n->cddb);
            dw_ar_response_free(*out);
            *out = NULL;
            return DW_EPARSE;
        }
    }
    return 0;
}

static void note(struct dw_ardb_result *out, const char *fmt, const char *arg, int e)
{
    size_t used = strlen(out->message);
    snprintf(out->message + used, sizeof(out->message) - used, fmt, used ? "; " : "", arg,
             strerror(e));
}

void dw_ardb_result_release(struct dw_ardb_result *r)
{
    if (!r)
        return;
    dw_ar_response_free(r->response);
    memset(r, 0, sizeof(*r));
}

int dw_ardb_lookup(const char *ar_path, const struct dw_ardb_opts *opts,
                   struct dw_ardb_result *out)
{
    struct ar_name name;
    char dir[4096];
    char marker[4096 + 8];
    uint8_t *data = NULL;
    size_t bytes = 0;
    struct body body = {0};
    int rc = 0;
    if (!out)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    out->status = DW_ARDB_UNAVAILABLE;
    out->origin = "none";
    if (!parse_ar_path(ar_path, &name)) {
        snprintf(out->message, sizeof(out->message),
                 "'%s' is not an AccurateRip response name", ar_path ? ar_path : "(null)");
        return DW_EINVAL;
    }
    if (opts && (opts->flags & ~DW_ARDB_OFFLINE)) {
        snprintf(out->message, sizeof(out->message), "unknown lookup flags");
        return DW_EINVAL;
    }
    bool offline = opts && (opts->flags & DW_ARDB_OFFLINE);
    long connect_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
                                                          : DW_ARDB_CONNECT_TIMEOUT_MS;
    long total_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DW_ARDB_TIMEOUT_MS;
    const char *base = opts ? opts->base_url : NULL;
    if (!base) {
        base = getenv("DW_ACCURATERIP_URL");
        if (!base || !base[0])
            base = DW_ARDB_DEFAULT_URL;
    }
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        snprintf(out->message, sizeof(out->message),
                 "the AccurateRip URL '%s' is neither http:// nor https://", base);
        return DW_EINVAL;
    }
    size_t base_len = strlen(base);
    int n = snprintf(out->url, sizeof(out->url), "%s%s%s", base,
                     base_len && base[base_len - 1] == '/' ? "" : "/", ar_path);
    if (n < 0 || (size_t)n >= sizeof(out->url)) {
        out->url[0] = '\0';
        snprintf(out->message, sizeof(out->message), "the AccurateRip URL is too long");
        return DW_EINVAL;
    }
    if (dw_ardb_cache_dir(opts, dir, sizeof(dir)) ||
        (dir[0] && snprintf(out->cache_path, sizeof(out->cache_path), "%s/%s", dir, ar_path) >=
                       (int)sizeof(out->cache_path))) {
        snprintf(out->message, sizeof(out->message), "the cache directory name is too long");
        return DW_EINVAL;
    }
    snprintf(marker, sizeof(marker), "%s.404", out->cache_path);

    /* The cache. */
    if (out->cache_path[0]) {
        if (read_file(out->cache_path, &data, &bytes) == 0) {
            rc = parse_checked(data, bytes, &name, &out->response, out->message,
                               sizeof(out->message), "the cached file");
            free(data);
            data = NULL;
            if (rc == 0) {
                out->status = DW_ARDB_FOUND;
                out->origin = "cache";
                return 0;
            }
            if (rc == DW_ENOMEM || offline)
                return rc;
            /* A damaged cached file: fetch it again below. */
            unlink(out->cache_path);
            out->message[0] = '\0';
            rc = 0;
        }
        if (fresh_not_found_marker(marker)) {
            out->status = DW_ARDB_NOT_FOUND;
            out->origin = "cache";
            return 0;
        }
    }
    if (offline) {
        if (out->cache_path[0])
            snprintf(out->message, sizeof(out->message),
                     "offline, and '%s' is not in the cache '%.300s'", ar_path, dir);
        else
            snprintf(out->message, sizeof(out->message), "offline, and there is no cache");
        return DW_EUNSUPPORTED;
    }

    /* The network. */
    rc = http_get(out->url, connect_ms, total_ms, &body, &out->http_status, out->message,
                  sizeof(out->message));
    if (rc)
        goto out;
    if (out->http_status == 404) {
        out->status = DW_ARDB_NOT_FOUND;
        out->origin = "network";
        if (out->cache_path[0]) {
            int e = write_file_atomic(marker, "404\n", 4);
            if (e)
                note(out, "%scannot remember the answer in '%s': %s", marker, e);
        }
        goto out;
    }
    if (out->http_status != 200) {
        snprintf(out->message, sizeof(out->message), "HTTP status %ld from '%.300s'",
                 out->http_status, out->url);
        rc = DW_EIO;
        goto out;
    }
    rc = parse_checked(body.data, body.bytes, &name, &out->response, out->message,
                       sizeof(out->message), "the answer");
    if (rc)
        goto out;
    out->status = DW_ARDB_FOUND;
    out->origin = "network";
    if (out->cache_path[0]) {
        int e = write_file_atomic(out->cache_path, body.data, body.bytes);
        if (e)
            note(out, "%scannot store the response in '%s': %s", out->cache_path, e);
        else
            unlink(marker);
    }
out:
    free(body.data);
    if (rc)
        out->status = DW_ARDB_UNAVAILABLE;
    return rc;
}
