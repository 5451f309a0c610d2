/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libcurl loaded on first use (curl_dl.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "checksum/curl_dl.h"

#ifndef DW_CURL_SONAME
#define DW_CURL_SONAME "libcurl-gnutls.so.4"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct dw__curl api;
static bool loaded;
static char why[512];

/* dlsym's void * into a function pointer: POSIX (XSH dlsym) guarantees
 * the conversion; the memcpy keeps ISO C's -Wpedantic quiet. */
#define LOAD(field, name)                                                                     \
    do {                                                                                      \
        void *sym = dlsym(h, name);                                                           \
        if (!sym) {                                                                           \
            snprintf(why, sizeof(why), "libcurl '%s' has no %s: install libcurl3-gnutls",     \
                     soname, name);                                                           \
            dlclose(h);                                                                       \
            return;                                                                           \
        }                                                                                     \
        memcpy(&api.field, &sym, sizeof(sym));                                                \
    } while (0)

static void load(void)
{
    static const char *const names[] = {DW_CURL_SONAME, "libcurl.so.4", "libcurl-gnutls.so.4"};
    void *h = NULL;
    const char *soname = NULL;
    for (size_t i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++) {
        soname = names[i];
        h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!h && i == 0) {
            const char *e = dlerror();
            snprintf(why, sizeof(why), "cannot load libcurl (%s): install libcurl3-gnutls",
                     e ? e : DW_CURL_SONAME);
        }
    }
    if (!h)
        return;
    LOAD(global_init, "curl_global_init");
    LOAD(easy_init, "curl_easy_init");
    LOAD(easy_setopt, "curl_easy_setopt");
    LOAD(easy_perform, "curl_easy_perform");
    LOAD(easy_getinfo, "curl_easy_getinfo");
    LOAD(easy_cleanup, "curl_easy_cleanup");
    LOAD(easy_strerror, "curl_easy_strerror");
    LOAD(multi_init, "curl_multi_init");
    LOAD(multi_add_handle, "curl_multi_add_handle");
    LOAD(multi_remove_handle, "curl_multi_remove_handle");
    LOAD(multi_perform, "curl_multi_perform");
    LOAD(multi_poll, "curl_multi_poll");
    LOAD(multi_info_read, "curl_multi_info_read");
    LOAD(multi_cleanup, "curl_multi_cleanup");
    LOAD(url, "curl_url");
    LOAD(url_set, "curl_url_set");
    LOAD(url_get, "curl_url_get");
    LOAD(url_cleanup, "curl_url_cleanup");
    LOAD(free, "curl_free");
    LOAD(version, "curl_version");
    loaded = true; /* the handle stays open: the table points into it */
}

const struct dw__curl *dw__curl_get(char *msg, size_t msg_bytes)
{
    pthread_once(&once, load);
    if (loaded)
        return &api;
    if (msg && msg_bytes)
        snprintf(msg, msg_bytes, "%s", why);
    return NULL;
}
