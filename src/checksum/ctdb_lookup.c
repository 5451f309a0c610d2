/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CUETools database client: the XML answer (libxml2), matching, and
 * the lookup through the cache shared with the AccurateRip client
 * (checksum/dbfetch.h).  Definitions and sources in discwright/ctdb.h. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "checksum/dbfetch.h"
#include "checksum/discid_int.h"
#include "discwright/ctdb.h"
#include "discwright/errors.h"

_Static_assert(DW_CTDB_NOT_FOUND_TTL_SECONDS == DW__DBFETCH_NOT_FOUND_TTL_SECONDS,
               "ctdb.h documents the cache's time for a 404");
_Static_assert((int)DW_CTDB_FOUND == (int)DW__DBFETCH_FOUND &&
                   (int)DW_CTDB_NOT_FOUND == (int)DW__DBFETCH_ABSENT &&
                   (int)DW_CTDB_UNAVAILABLE == (int)DW__DBFETCH_UNAVAILABLE,
               "the statuses map one to one");

/* ------------------------------------------------------------------ */
/* The XML answer                                                       */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* libxml2 reports errors through this instead of printing them. */
#if LIBXML_VERSION >= 21200
static void xml_quiet(void *user, const xmlError *error)
#else
static void xml_quiet(void *user, xmlErrorPtr error)
#endif
{
    (void)user;
    (void)error;
}

/* Unsigned decimal or hex text (no sign, no spaces, 1..max_digits digits)
 * into *v.  Returns false when it is anything else. */
static bool parse_number(const char *s, int base, int max_digits, unsigned long long *v)
{
    unsigned long long x = 0;
    int n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        int d = c >= '0' && c <= '9'                 ? c - '0'
                : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
        if (d < 0 || n >= max_digits)
            return false;
        x = x * (unsigned)base + (unsigned)d;
    }
    if (n == 0)
        return false;
    *v = x;
    return true;
}

static void entry_release(struct dw_ctdb_entry *e)
{
    free((char *)e->hasparity);
    free((char *)e->toc);
    free((uint32_t *)e->track_crc32);
}

/* "hex hex hex ..." into a new array.  Returns 0, DW_EPARSE or DW_ENOMEM. */
static int parse_track_crcs(const char *s, struct dw_ctdb_entry *e)
{
    uint32_t *crc = NULL;
    int n = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        char word[16];
        size_t len = strcspn(p, " \t\r\n");
        unsigned long long v;
        if (len >= sizeof(word) || n >= DW_MAX_TRACKS)
            goto bad;
        memcpy(word, p, len);
        word[len] = '\0';
        if (!parse_number(word, 16, 8, &v))
            goto bad;
        if (!crc && !(crc = malloc(DW_MAX_TRACKS * sizeof(*crc))))
            return DW_ENOMEM;
        crc[n++] = (uint32_t)v;
        p += len;
    }
    e->track_crc32 = crc;
    e->track_count = n;
    return 0;
bad:
    free(crc);
    return DW_EPARSE;
}

/* The value of node's attribute name (in no namespace) as a new string
 * in *out, NULL when it has none.  Read from the parsed tree directly
 * rather than with xmlGetProp, whose result needs libxml2's xmlFree (a
 * variable, which the emulator's preload library could not leave
 * unresolved; CMakeLists.txt).  Returns 0, DW_EPARSE (a value with an
 * entity reference left in it) or DW_ENOMEM. */
static int attr_value(xmlNodePtr node, const char *name, char **out)
{
    *out = NULL;
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (a->ns || strcmp((const char *)a->name, name) != 0)
            continue;
        size_t len = 0;
        for (xmlNodePtr t = a->children; t; t = t->next) {
            if (t->type != XML_TEXT_NODE || !t->content)
                return DW_EPARSE;
            len += strlen((const char *)t->content);
        }
        char *v = malloc(len + 1);
        if (!v)
            return DW_ENOMEM;
        len = 0;
        for (xmlNodePtr t = a->children; t; t = t->next) {
            size_t n = strlen((const char *)t->content);
            memcpy(v + len, t->content, n);
            len += n;
        }
        v[len] = '\0';
        *out = v;
        return 0;
    }
    return 0;
}

/* The entry attributes read, in this order. */
enum {
    A_CRC,
    A_CONF,
    A_ID,
    A_NPAR,
    A_STRIDE,
    A_TRACKS,
    A_PARITY,
    A_SYNDROME,
    A_HASPARITY,
    A_TOC,
    A_COUNT
};
static const char *const attr_names[A_COUNT] = {
    "crc32",     "confidence", "id",       "npar",      "stride",
    "trackcrcs", "parity",     "syndrome", "hasparity", "toc"};

static int parse_entry(xmlNodePtr node, struct dw_ctdb_entry *e)
{
    char *v[A_COUNT] = {0};
    unsigned long long x;
    int rc = DW_ENOMEM;
    memset(e, 0, sizeof(*e));
    for (int i = 0; i < A_COUNT; i++)
        if ((rc = attr_value(node, attr_names[i], &v[i])) != 0)
            goto out;
    rc = DW_EPARSE;
    if (!v[A_CRC] || !parse_number(v[A_CRC], 16, 8, &x))
        goto out;
    e->crc32 = (uint32_t)x;
    if (!v[A_CONF] || !parse_number(v[A_CONF], 10, 9, &x))
        goto out;
    e->confidence = (unsigned)x;
    if (v[A_ID]) {
        if (!parse_number(v[A_ID], 10, 18, &x))
            goto out;
        e->id = (long long)x;
    }
    if (v[A_NPAR]) {
        if (!parse_number(v[A_NPAR], 10, 5, &x))
            goto out;
        e->npar = (int)x;
    }
    if (v[A_STRIDE]) {
        if (!parse_number(v[A_STRIDE], 10, 9, &x))
            goto out;
        e->stride = (int)x;
    }
    if (v[A_TRACKS] && (rc = parse_track_crcs(v[A_TRACKS], e)) != 0)
        goto out;
    e->has_inline_parity =
        (v[A_PARITY] && v[A_PARITY][0]) || (v[A_SYNDROME] && v[A_SYNDROME][0]);
    /* The strings kept move into the entry. */
    if (v[A_HASPARITY] && v[A_HASPARITY][0]) {
        e->hasparity = v[A_HASPARITY];
        v[A_HASPARITY] = NULL;
    }
    if (v[A_TOC] && v[A_TOC][0]) {
        e->toc = v[A_TOC];
        v[A_TOC] = NULL;
    }
    rc = 0;
out:
    for (int i = 0; i < A_COUNT; i++)
        free(v[i]);
    if (rc) {
        entry_release(e);
        memset(e, 0, sizeof(*e));
    }
    return rc;
}

void dw_ctdb_response_free(struct dw_ctdb_response *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->entry_count; i++)
        entry_release(&r->entries[i]);
    free(r->entries);
    free(r);
}

int dw_ctdb_response_parse(const void *data, size_t bytes, struct dw_ctdb_response **out)
{
    xmlParserCtxtPtr ctx = NULL;
    xmlDocPtr doc = NULL;
    struct dw_ctdb_response *r = NULL;
    int rc = DW_EPARSE;
    if (!out || (!data && bytes))
        return DW_EINVAL;
    *out = NULL;
    if (bytes == 0 || bytes > INT_MAX)
        return DW_EPARSE;
    pthread_once(&xml_once, xml_init);
    ctx = xmlNewParserCtxt();
    if (!ctx)
        return DW_ENOMEM;
    /* Never print (the library does not): errors go to xml_quiet. */
    if (ctx->sax)
        ctx->sax->serror = xml_quiet;
    /* No network, no DTD loading, no entity substitution (XML_PARSE_NOENT
     * is left out), libxml2's size limits kept (no XML_PARSE_HUGE). */
    doc = xmlCtxtReadMemory(ctx, data, (int)bytes, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !ctx->wellFormed)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "ctdb") != 0)
        goto out;
    int n = 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "entry"))
            n++;
    rc = DW_ENOMEM;
    if (!(r = calloc(1, sizeof(*r))) ||
        (n && !(r->entries = calloc((size_t)n, sizeof(*r->entries)))))
        goto out;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "entry") != 0)
            continue;
        if ((rc = parse_entry(c, &r->entries[r->entry_count])) != 0)
            goto out;
        r->entry_count++;
    }
    rc = 0;
    *out = r;
    r = NULL;
out:
    dw_ctdb_response_free(r);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctx);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Matching                                                             */

int dw_ctdb_match(const struct dw_ctdb_response *resp,
                  const struct dw_ctdb_checksums *ours, const char *toc,
                  struct dw_ctdb_entry_match *per_entry,
                  struct dw_ctdb_track_match *per_track, struct dw_ctdb_disc_match *disc)
{
    if (!resp || !ours || ours->track_count < 1 || ours->track_count > DW_MAX_TRACKS ||
        (resp->entry_count > 0 && !resp->entries))
        return DW_EINVAL;
    struct dw_ctdb_disc_match d = {.best_entry = -1};
    struct dw_ctdb_track_match t[DW_MAX_TRACKS];
    memset(t, 0, sizeof(t));
    for (int i = 0; i < resp->entry_count; i++) {
        const struct dw_ctdb_entry *e = &resp->entries[i];
        struct dw_ctdb_entry_match m = {0};
        m.disc = e->crc32 == ours->crc32;
        m.toc = !toc || !e->toc || !strcmp(e->toc, toc);
        bool tracks_usable =
            m.toc && e->track_count == ours->track_count && e->track_crc32;
        d.submissions += e->confidence;
        if (m.disc) {
            d.matched = true;
            d.confidence += e->confidence;
            d.entries_matched++;
            if (d.best_entry < 0 ||
                e->confidence > resp->entries[d.best_entry].confidence)
                d.best_entry = i;
        }
        for (int k = 0; k < ours->track_count; k++) {
            bool same = tracks_usable && e->track_crc32[k] != 0 &&
                        e->track_crc32[k] == ours->track_crc32[k];
            if (same)
                m.tracks_matched++;
            if (tracks_usable || m.disc)
                t[k].submissions += e->confidence;
            if (same || m.disc)
                t[k].confidence += e->confidence;
        }
        if (per_entry)
            per_entry[i] = m;
    }
    for (int k = 0; k < ours->track_count; k++) {
        t[k].matched = t[k].confidence > 0;
        if (t[k].matched)
            d.tracks_matched++;
    }
    if (per_track)
        memcpy(per_track, t, (size_t)ours->track_count * sizeof(*t));
    if (disc)
        *disc = d;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The lookup                                                           */

/* "N:N:-N:...:N": digits, ':' between, '-' before a number; at least one
 * track and the lead-out. */
static bool toc_ok(const char *toc)
{
    if (!toc || !toc[0] || strlen(toc) >= DW_CTDB_TOC_BYTES)
        return false;
    int fields = 0;
    for (const char *p = toc;;) {
        if (*p == '-')
            p++;
        size_t digits = strspn(p, "0123456789");
        if (digits == 0 || digits > 9)
            return false;
        p += digits;
        fields++;
        if (*p == '\0')
            break;
        if (*p++ != ':')
            return false;
    }
    return fields >= 2;
}

int dw_ctdb_cache_dir(const struct dw_ctdb_opts *opts, char *out, size_t out_bytes)
{
    return dw__dbfetch_cache_dir(opts ? opts->cache_dir : NULL, "ctdb", out, out_bytes);
}

void dw_ctdb_result_release(struct dw_ctdb_result *r)
{
    if (!r)
        return;
    dw_ctdb_response_free(r->response);
    memset(r, 0, sizeof(*r));
}

/* The dbfetch parser: an answer with entries into out->response; one
 * without says "not in the database". */
static int ctdb_parse(void *user, const uint8_t *data, size_t bytes, const char *what,
                      char *msg, size_t msg_bytes)
{
    struct dw_ctdb_result *out = user;
    struct dw_ctdb_response *r = NULL;
    int rc = dw_ctdb_response_parse(data, bytes, &r);
    if (rc == DW_ENOMEM) {
        snprintf(msg, msg_bytes, "out of memory");
        return rc;
    }
    if (rc) {
        snprintf(msg, msg_bytes,
                 "%s is not a CTDB response (%zu bytes that do not parse as its XML)",
                 what, bytes);
        return DW_EPARSE;
    }
    if (r->entry_count == 0) {
        dw_ctdb_response_free(r);
        return DW__DBFETCH_NOT_FOUND;
    }
    out->response = r;
    return 0;
}

int dw_ctdb_lookup(const char *toc, const struct dw_ctdb_opts *opts,
                   struct dw_ctdb_result *out)
{
    char tail[sizeof(DW_CTDB_QUERY) + DW_CTDB_TOC_BYTES], key[DW_SHA1_ID_BYTES], name[64];
    if (!out)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    out->status = DW_CTDB_UNAVAILABLE;
    out->origin = "none";
    if (!toc_ok(toc)) {
        snprintf(out->message, sizeof(out->message), "'%.300s' is not a CTDB lookup TOC",
                 toc ? toc : "(null)");
        return DW_EINVAL;
    }
    if (opts && (opts->flags & ~DW_CTDB_OFFLINE)) {
        snprintf(out->message, sizeof(out->message), "unknown lookup flags");
        return DW_EINVAL;
    }
    snprintf(tail, sizeof(tail), DW_CTDB_QUERY "%s", toc);
    /* The cache key: the TOC text hashed (a TOC is too long for a name). */
    dw__discid_sha1_b64(toc, strlen(toc), key);
    snprintf(name, sizeof(name), "toc-%s.xml", key);
    struct dw__dbfetch f = {
        .what = "CTDB",
        .opt_url = opts ? opts->base_url : NULL,
        .env_name = "DW_CTDB_URL",
        .default_url = DW_CTDB_DEFAULT_URL,
        .url_tail = tail,
        .opt_cache_dir = opts ? opts->cache_dir : NULL,
        .cache_leaf = "ctdb",
        .cache_name = name,
        .name = toc,
        .offline = opts && (opts->flags & DW_CTDB_OFFLINE),
        .connect_ms = opts ? opts->connect_timeout_ms : 0,
        .total_ms = opts ? opts->timeout_ms : 0,
        .stop = opts ? opts->stop : NULL,
        .stop_user = opts ? opts->stop_user : NULL,
        .default_connect_ms = DW_CTDB_CONNECT_TIMEOUT_MS,
        .default_total_ms = DW_CTDB_TIMEOUT_MS,
        .max_bytes = DW_CTDB_MAX_RESPONSE_BYTES,
        .parse = ctdb_parse,
        .user = out,
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
    out->status = (enum dw_ctdb_status)f.status;
    if (out->status != DW_CTDB_FOUND) {
        dw_ctdb_response_free(out->response);
        out->response = NULL;
    }
    return rc;
}
