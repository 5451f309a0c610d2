/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: the AccurateRip database over HTTP, with a local cache.
 *
 * A disc's AccurateRip response is one file, named by the disc ids
 * (dw_disc_ids_compute's ar_path, "a/5/d/dBAR-012-....bin"), under the
 * database root http://www.accuraterip.com/accuraterip/.  dw_ardb_lookup
 * fetches it with libcurl (HTTP GET; connect and total time-outs so that a
 * dead network never holds up a rip), keeps the raw file in a cache
 * directory under the same relative path, and parses it
 * (dw_ar_response_parse in accuraterip.h).
 *
 * HTTP 404 means the disc is not in the database: an answer, not an error.
 * The cache remembers such an answer for DW_ARDB_NOT_FOUND_TTL_SECONDS (a
 * marker file NAME.404 beside where NAME would be); a cached response is
 * used as it is until it is deleted.  Everything else that goes wrong
 * (no network, time-out, another HTTP status, a response that does not
 * parse or names another disc) makes the database "unavailable" with a
 * message saying why.
 */
#ifndef DISCWRIGHT_ARDB_H
#define DISCWRIGHT_ARDB_H

#include "discwright/accuraterip.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public database root; DW_ACCURATERIP_URL in the environment
 * replaces it when the options do not name one. */
#define DW_ARDB_DEFAULT_URL "http://www.accuraterip.com/accuraterip/"
#define DW_ARDB_CONNECT_TIMEOUT_MS 10000
#define DW_ARDB_TIMEOUT_MS 30000
/* A cached "not in the database" answer is trusted for one day. */
#define DW_ARDB_NOT_FOUND_TTL_SECONDS 86400
/* A response larger than this is refused (a real one is a few KiB). */
#define DW_ARDB_MAX_RESPONSE_BYTES (1024 * 1024)

/* Flags of struct dw_ardb_opts. */
#define DW_ARDB_OFFLINE 0x1u  /* cache only: never touch the network */

struct dw_ardb_opts {
    /* Database root URL (http:// or https://), the response path is
     * appended (a '/' is put between when missing).  NULL: the
     * environment's DW_ACCURATERIP_URL when set and not empty, else
     * DW_ARDB_DEFAULT_URL. */
    const char *base_url;
    /* Cache directory.  NULL: $XDG_CACHE_HOME/discwright/accuraterip, or
     * $HOME/.cache/discwright/accuraterip when XDG_CACHE_HOME is unset;
     * "" : no cache at all.  Created (with parents) when a file is
     * stored. */
    const char *cache_dir;
    long connect_timeout_ms;    /* 0: DW_ARDB_CONNECT_TIMEOUT_MS */
    long timeout_ms;            /* whole transfer; 0: DW_ARDB_TIMEOUT_MS */
    unsigned flags;             /* DW_ARDB_* above; others must be 0 */
    /* Asked before the network is and then at least every
     * DW_LOOKUP_STOP_POLL_MS while it is (connecting, waiting, receiving),
     * from the calling thread: non-zero stops the lookup there, which then
     * fails with DW_EABORTED (nothing is cached).  NULL: the lookup runs
     * to its answer or its time-outs. */
    int (*stop)(void *stop_user);
    void *stop_user;
};

/* How often a lookup asks its stop function while the network is busy. */
#define DW_LOOKUP_STOP_POLL_MS 100

enum dw_ardb_status {
    DW_ARDB_FOUND = 0,          /* response in ->response */
    DW_ARDB_NOT_FOUND,          /* the database has no entry for the disc */
    DW_ARDB_UNAVAILABLE         /* no answer: ->message says why */
};

/* What a lookup found.  Release with dw_ardb_result_release. */
struct dw_ardb_result {
    enum dw_ardb_status status;
    /* DW_ARDB_FOUND: the parsed response, owned by the result. */
    struct dw_ar_response *response;
    char url[1024];             /* the URL asked (or that would be asked) */
    char cache_path[4096];      /* the cached file's path, "" without a cache */
    /* Where the answer came from: "network", "cache" or "none"; static. */
    const char *origin;
    long http_status;           /* last HTTP status seen, 0 if none */
    /* Why the database was unavailable; for the other statuses notes such
     * as a cache that could not be written ("" when none). */
    char message[512];
};

/* Look up the AccurateRip response for ar_path (a database-relative path
 * as dw_disc_ids_compute makes it: "{d}/{d}/{d}/dBAR-NNN-XXXXXXXX-
 * XXXXXXXX-XXXXXXXX.bin"; anything else is refused so that it cannot
 * name a file outside the cache).  The cache is asked first; the network
 * only when the cache has neither the response nor a fresh "not found"
 * marker, and never with DW_ARDB_OFFLINE.  A response fetched is stored
 * in the cache only when it parses and its blocks carry the disc ids of
 * its name.  opts may be NULL (defaults).  *out is always filled.
 * Returns 0 when the database answered (DW_ARDB_FOUND or
 * DW_ARDB_NOT_FOUND, from the network or the cache), otherwise a DW_E*
 * code with out->status DW_ARDB_UNAVAILABLE and out->message set:
 * DW_EINVAL (bad path, URL or flags), DW_EUNSUPPORTED (offline and not
 * in the cache), DW_EIO (network failure, time-out, other HTTP status),
 * DW_EPARSE (a response that does not parse or is for another disc),
 * DW_EABORTED (opts->stop asked to stop), DW_ENOMEM. */
DW_API int dw_ardb_lookup(const char *ar_path, const struct dw_ardb_opts *opts,
                          struct dw_ardb_result *out);

/* Free what a result owns (the response) and zero it; NULL is a no-op. */
DW_API void dw_ardb_result_release(struct dw_ardb_result *r);

/* The cache directory opts selects (see struct dw_ardb_opts) into out;
 * "" when caching is off or neither XDG_CACHE_HOME nor HOME is set.
 * Returns 0 or DW_EINVAL when it does not fit. */
DW_API int dw_ardb_cache_dir(const struct dw_ardb_opts *opts, char *out, size_t out_bytes);

#ifdef __cplusplus
}
#endif
#endif
