/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AccurateRip database client: cache first, then one HTTP GET through
 * libcurl with time-outs (checksum/dbfetch.h, shared with the CTDB
 * client); see discwright/ardb.h for the rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checksum/dbfetch.h"
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
    return dw__dbfetch_cache_dir(opts ? opts->cache_dir : NULL, "accuraterip", out, out_bytes);
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

void dw_ardb_result_release(struct dw_ardb_result *r)
{
    if (!r)
        return;
    dw_ar_response_free(r->response);
    memset(r, 0, sizeof(*r));
}

/* The dbfetch parser: the response into out->response, checked against
 * the disc of its name. */
_Static_assert(DW_ARDB_NOT_FOUND_TTL_SECONDS == DW__DBFETCH_NOT_FOUND_TTL_SECONDS,
               "ardb.h documents the cache's time for a 404");
_Static_assert((int)DW_ARDB_FOUND == (int)DW__DBFETCH_FOUND &&
                   (int)DW_ARDB_NOT_FOUND == (int)DW__DBFETCH_ABSENT &&
                   (int)DW_ARDB_UNAVAILABLE == (int)DW__DBFETCH_UNAVAILABLE,
               "the statuses map one to one");

struct ar_fetch {
    const struct ar_name *name;
    struct dw_ardb_result *out;
};

static int ar_parse(void *user, const uint8_t *data, size_t bytes, const char *what, char *msg,
                    size_t msg_bytes)
{
    struct ar_fetch *a = user;
    return parse_checked(data, bytes, a->name, &a->out->response, msg, msg_bytes, what);
}

int dw_ardb_lookup(const char *ar_path, const struct dw_ardb_opts *opts,
                   struct dw_ardb_result *out)
{
    struct ar_name name;
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
    struct ar_fetch a = {&name, out};
    struct dw__dbfetch f = {
        .what = "AccurateRip",
        .opt_url = opts ? opts->base_url : NULL,
        .env_name = "DW_ACCURATERIP_URL",
        .default_url = DW_ARDB_DEFAULT_URL,
        .url_tail = ar_path,
        .opt_cache_dir = opts ? opts->cache_dir : NULL,
        .cache_leaf = "accuraterip",
        .cache_name = ar_path,
        .name = ar_path,
        .offline = opts && (opts->flags & DW_ARDB_OFFLINE),
        .connect_ms = opts ? opts->connect_timeout_ms : 0,
        .total_ms = opts ? opts->timeout_ms : 0,
        .stop = opts ? opts->stop : NULL,
        .stop_user = opts ? opts->stop_user : NULL,
        .default_connect_ms = DW_ARDB_CONNECT_TIMEOUT_MS,
        .default_total_ms = DW_ARDB_TIMEOUT_MS,
        .max_bytes = DW_ARDB_MAX_RESPONSE_BYTES,
        .parse = ar_parse,
        .user = &a,
        .url = out->url,
        .url_bytes = sizeof(out->url),
        .cache_path = out->cache_path,
        .cache_path_bytes = sizeof(out->cache_path),
        .message = out->message,
        .message_bytes = sizeof(out->message),
    };
    int rc = dw__dbfetch_run(&f);
    out->origin = f.origin;
    out->http_status = f.http_status;
    out->status = (enum dw_ardb_status)f.status;
    if (out->status != DW_ARDB_FOUND) {
        dw_ar_response_free(out->response);
        out->response = NULL;
    }
    return rc;
}
