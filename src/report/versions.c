/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The versions of the linked libraries (discwright/version.h). */
#include <cdio/paranoia/cdda.h>
#include <cdio/paranoia/paranoia.h>
#include <cdio/version.h>
#include <json-c/json_c_version.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>
#include <libxml/parser.h>
#include <nettle/version.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "discwright/errors.h"
#include "discwright/version.h"
#include "checksum/curl_dl.h"
#include "checksum/nettle_impl.h"

/* Append a formatted word to out at *used; false when it does not fit. */
static bool append(char *out, size_t out_bytes, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool append(char *out, size_t out_bytes, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, out_bytes - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= out_bytes - *used)
        return false;
    *used += (size_t)n;
    return true;
}

/* How nettle hashes SHA-1 and SHA-256 here, as nettle chose it at load
 * time (checksum/nettle_impl.c follows its dispatch): "+sha_ni" when both
 * run on the CPU's SHA instructions, "+sha1:IMPL,sha256:IMPL" otherwise
 * (IMPL "x86_64" is nettle's assembly without them), and, where nettle's
 * choice cannot be read, "+cpu_sha" or "+cpu_no_sha" from CPUID leaf 7
 * (EBX bit 29: what the CPU offers, not what nettle took). */
static void nettle_sha_path(char *out, size_t out_bytes)
{
    const char *s1 = dw__nettle_sha_impl(1), *s256 = dw__nettle_sha_impl(256);
    out[0] = '\0';
    if (s1[0] && s256[0]) {
        if (!strcmp(s1, "sha_ni") && !strcmp(s256, "sha_ni"))
            snprintf(out, out_bytes, "+sha_ni");
        else
            snprintf(out, out_bytes, "+sha1:%s,sha256:%s", s1, s256);
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
        snprintf(out, out_bytes, "%s", (b >> 29) & 1 ? "+cpu_sha" : "+cpu_no_sha");
#endif
}

/* Length of the version word of s: libcdio's strings go on with the
 * host triplet ("2.1.0 x86_64-pc-linux-gnu"). */
static int word_bytes(const char *s)
{
    return (int)strcspn(s, " ");
}

int dw_version_libraries(char *out, size_t out_bytes)
{
    int burn_major, burn_minor, burn_micro, iso_major, iso_minor, iso_micro;
    size_t used = 0;
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    burn_version(&burn_major, &burn_minor, &burn_micro);
    iso_lib_version(&iso_major, &iso_minor, &iso_micro);
    /* libxml2 says its version as a number, MAJOR*10000 + MINOR*100 + PATCH. */
    long xml = strtol(xmlParserVersion, NULL, 10);
    /* libcurl is loaded here when nothing has loaded it yet (curl_dl.h). */
    const struct dw__curl *C = dw__curl_get(NULL, 0);
    const char *curl_text = C ? C->version() : "libcurl/(not loadable)";
    const char *cdio = cdio_version_string, *cdda = cdio_cddap_version(),
               *paranoia = cdio_paranoia_version();
    char sha[48];
    nettle_sha_path(sha, sizeof(sha));
    bool fits =
        append(out, out_bytes, &used, "libdiscwright/%s libcdio/%.*s libcdio_cdda/%.*s",
               dw_version(), word_bytes(cdio), cdio, word_bytes(cdda), cdda) &&
        append(out, out_bytes, &used, " libcdio_paranoia/%.*s libburn/%d.%d.%d libisofs/%d.%d.%d",
               word_bytes(paranoia), paranoia, burn_major, burn_minor, burn_micro, iso_major,
               iso_minor, iso_micro) &&
        append(out, out_bytes, &used, " zlib/%s nettle/%d.%d%s json-c/%s %s libxml2/%ld.%ld.%ld",
               zlibVersion(), nettle_version_major(), nettle_version_minor(), sha,
               json_c_version(), curl_text, xml / 10000, xml / 100 % 100, xml % 100);
    if (!fits) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}
