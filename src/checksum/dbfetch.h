/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: one database answer (AccurateRip, CTDB) fetched
 * through a cache (src/checksum/dbfetch.c), shared by ardb.c and
 * ctdb_lookup.c.
 *
 * The rules, the same for every database: the cache is asked first; the
 * network only when the cache has neither the answer nor a fresh "not in
 * the database" marker (NAME.404 beside where NAME would be, trusted for
 * DW__DBFETCH_NOT_FOUND_TTL_SECONDS), and never offline.  One HTTP GET
 * with libcurl (http/https only, connect and total time-outs, at most
 * max_bytes).  HTTP 404, or a body the parser calls "not in the
 * database", leaves a marker; a body is stored only when it parses.  A
 * damaged cached file is fetched again (offline it is an error). */
#ifndef DW_CHECKSUM_DBFETCH_H
#define DW_CHECKSUM_DBFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DW__DBFETCH_NOT_FOUND_TTL_SECONDS 86400

/* What a parser returns for a body that is a valid "not in the database"
 * answer (CTDB's empty <ctdb/>). */
#define DW__DBFETCH_NOT_FOUND 1

enum dw__dbfetch_status {
    DW__DBFETCH_FOUND = 0,
    DW__DBFETCH_ABSENT, /* the database has nothing for it */
    DW__DBFETCH_UNAVAILABLE
};

/* Parse bytes (data, bytes) into the caller's result (user).  what is
 * "the cached file" or "the answer", for messages.  Returns 0 (an answer
 * kept in user), DW__DBFETCH_NOT_FOUND, or a DW_E* code with msg set
 * (DW_EPARSE, DW_ENOMEM); on failure user holds nothing to free. */
typedef int (*dw__dbfetch_parse_fn)(void *user, const uint8_t *data, size_t bytes,
                                    const char *what, char *msg, size_t msg_bytes);

struct dw__dbfetch {
    /* In. */
    const char *what; /* "AccurateRip" or "CTDB", for messages */
    /* The database root: opt_url, else $env_name when set and not empty,
     * else default_url; url_tail is appended (after a '/' when the root
     * does not end in one). */
    const char *opt_url, *env_name, *default_url, *url_tail;
    /* The cache: opt_cache_dir ("" none), else the default directory
     * named by cache_leaf (dw__dbfetch_cache_dir); the answer is
     * cache_name under it. */
    const char *opt_cache_dir, *cache_leaf, *cache_name;
    const char *name; /* what is asked, for messages */
    bool offline;
    long connect_ms, total_ms; /* 0: the defaults below */
    long default_connect_ms, default_total_ms;
    size_t max_bytes;
    dw__dbfetch_parse_fn parse;
    void *user;
    /* Asked before the network is and at least every
     * DW_LOOKUP_STOP_POLL_MS while the transfer runs; non-zero stops the
     * run with DW_EABORTED.  NULL: never. */
    int (*stop)(void *stop_user);
    void *stop_user;
    /* Out (set by dw__dbfetch_run), into the caller's buffers. */
    char *url; /* url_bytes: the URL asked */
    size_t url_bytes;
    char *cache_path; /* cache_path_bytes: the cached file, "" */
    size_t cache_path_bytes;
    char *message; /* message_bytes */
    size_t message_bytes;
    enum dw__dbfetch_status status;
    const char *origin; /* "network", "cache" or "none"; static */
    long http_status;
};

/* Run f.  Returns 0 when the database answered (FOUND or ABSENT),
 * otherwise DW_EINVAL (a root that is not http:// or https://, a URL or
 * cache path too long), DW_EUNSUPPORTED (offline, not cached), DW_EIO
 * (network, time-out, other HTTP status), DW_EPARSE, DW_EABORTED (f->stop
 * said so), DW_ENOMEM, DW_ELIB (libcurl, loaded by the first lookup,
 * could not be: checksum/curl_dl.h) with f->message set and f->status
 * UNAVAILABLE.
 * Cache write failures are notes in f->message with an answer. */
int dw__dbfetch_run(struct dw__dbfetch *f);

/* The cache directory: opt_dir when not NULL ("" for none), else
 * $XDG_CACHE_HOME/discwright/LEAF, else $HOME/.cache/discwright/LEAF, else
 * "".  Returns 0 or DW_EINVAL (out NULL or too small). */
int dw__dbfetch_cache_dir(const char *opt_dir, const char *leaf, char *out,
                          size_t out_bytes);

#endif
