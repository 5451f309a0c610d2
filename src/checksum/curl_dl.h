/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: libcurl, loaded (dlopen) by the first caller that
 * needs it: a database lookup, or --version's line of library versions.
 * Linked at start, libcurl maps the TLS, Kerberos, LDAP, SASL and SSH
 * libraries it depends on into every process; their resident pages were
 * 6.4 MiB of the 14.6 MiB that `discwright --version` took, in rips and
 * burns that look nothing up (issue 14's 32 MiB peak).  The names are
 * those of <curl/curl.h>, called through this table. */
#ifndef DW_CURL_DL_H
#define DW_CURL_DL_H

#include <stddef.h>
#include <curl/curl.h>

struct dw__curl {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode code);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[], unsigned n, int timeout_ms,
                            int *ret);
    CURLMsg *(*multi_info_read)(CURLM *m, int *queued);
    CURLMcode (*multi_cleanup)(CURLM *m);
    CURLU *(*url)(void);
    CURLUcode (*url_set)(CURLU *u, CURLUPart part, const char *content, unsigned flags);
    CURLUcode (*url_get)(CURLU *u, CURLUPart part, char **out, unsigned flags);
    void (*url_cleanup)(CURLU *u);
    void (*free)(void *p);
    char *(*version)(void);
};

/* libcurl's functions, loaded once (any thread; the first call loads, the
 * others wait for it).  The library is the one discwright was built
 * against (DW_CURL_SONAME, from its SONAME at configure time), then
 * libcurl.so.4 and libcurl-gnutls.so.4 (the same ABI).  Returns the table,
 * which stays valid for the life of the process, or NULL with why (the
 * dynamic loader's message and the Debian package to install) in msg,
 * msg_bytes long. */
const struct dw__curl *dw__curl_get(char *msg, size_t msg_bytes);

#endif
