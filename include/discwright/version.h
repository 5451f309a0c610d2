/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: version and export macro.
 *
 * Threads (the rule for the whole library): a handle (struct dw_drive, a
 * report, ...) is used by one thread at a time; different handles are
 * independent and may be used from different threads at once.  Callbacks
 * (struct dw_callbacks) run on the thread that made the call.  Finished
 * reports are immutable: any number of threads may read one.
 *
 * Process-wide state, said at each call that touches it: libburn's
 * (dw_drive_list's bus scan and every call of burn.h take one
 * process-wide lock around it, so they wait for each other), and the
 * signal handlers burn.h installs while libburn writes. */
#ifndef DISCWRIGHT_VERSION_H
#define DISCWRIGHT_VERSION_H

#include <stddef.h>

#define DW_VERSION_MAJOR 0
#define DW_VERSION_MINOR 2
#define DW_VERSION_PATCH 0
#define DW_VERSION_STRING "0.2.0"

#if defined(DW_BUILDING_LIBRARY) && defined(__GNUC__)
#define DW_API __attribute__((visibility("default")))
#else
#define DW_API
#endif

/* Version string of the library actually linked ("0.2.0"); static. */
DW_API const char *dw_version(void);

/* The versions of the libraries linked into this process, as they report
 * themselves at run time (not the headers built against), on one line of
 * blank-separated NAME/VERSION words in the style of `curl -V`:
 *
 *   libdiscwright/0.1.0 libcdio/2.1.0 libcdio_cdda/10.2+2.0.0
 *   libcdio_paranoia/10.2+2.0.0 libburn/1.5.4 libisofs/1.5.4 zlib/1.2.13
 *   nettle/3.8 json-c/0.16 libcurl/7.88.1 GnuTLS/3.7.9 ... libxml2/2.9.14
 *
 * libcurl's words are curl_version()'s: libcurl and the TLS, compression
 * and other backends it was built with (libcurl is loaded on first use, so
 * this call loads it when no lookup has; "libcurl/(not loadable)" when it
 * cannot be).  Into out (out_bytes bytes,
 * NUL-terminated).  Thread-safe.  Returns 0, or DW_EINVAL for a NULL out
 * or when the line does not fit (out is then ""; 1024 bytes are enough). */
DW_API int dw_version_libraries(char *out, size_t out_bytes);

#endif
