/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: which SHA-1/SHA-256 code nettle runs here. */
#ifndef DW_CHECKSUM_NETTLE_IMPL_H
#define DW_CHECKSUM_NETTLE_IMPL_H

#include <stdbool.h>

/* The compression function nettle's SHA-1 (alg 1) or SHA-256 (alg 256)
 * calls in this process, as nettle itself chose it: "sha_ni" (the CPU's
 * SHA instructions), "x86_64" (nettle's assembly without them), "c", or
 * "" when that cannot be told (not x86-64, or not a fat nettle of the
 * layout described in nettle_impl.c).  A static string; thread-safe. */
const char *dw__nettle_sha_impl(int alg);

/* Whether SHA-1 runs on the SHA instructions here (as above; when nettle
 * cannot be asked, whether CPUID leaf 7 says the CPU has them). */
bool dw__nettle_sha_ni(void);

#endif
