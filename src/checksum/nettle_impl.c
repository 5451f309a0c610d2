/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which SHA-1/SHA-256 code nettle runs here, asked of nettle itself.
 *
 * Debian builds nettle "fat": at load time it picks each compression
 * function for the CPU (honouring NETTLE_FAT_OVERRIDE) and stores it in a
 * private pointer; the exported nettle_sha1_compress and
 * _nettle_sha256_compress are one indirect jump through that pointer
 * (x86-64 "jmp *disp32(%rip)", FF 25).  nettle has no call that names its
 * choice, so we follow that jump (and a PLT's, when our own executable
 * holds the function's address) and compare where it lands with the
 * candidates nettle exports, _nettle_sha1_compress_sha_ni and friends.
 * Anything else we find there (another layout, another architecture)
 * answers "" rather than a guess. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <nettle/sha1.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "checksum/nettle_impl.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *sha1_impl = "", *sha256_impl = "";

#if defined(__x86_64__)
/* Where an indirect jump at p (endbr64 and bnd prefixes allowed) goes;
 * NULL when p does not start with one. */
static const void *jump_target(const uint8_t *p)
{
    static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};
    if (!memcmp(p, endbr64, 4))
        p += 4;
    if (p[0] == 0xf2) /* bnd */
        p++;
    if (p[0] != 0xff || p[1] != 0x25)
        return NULL;
    int32_t disp;
    memcpy(&disp, p + 2, 4);
    const void *const *slot = (const void *const *)(p + 6 + disp);
    return *slot;
}

static const char *impl_of(const void *fn, const char *prefix)
{
    static const char *const names[] = {"sha_ni", "x86_64", "c"};
    char sym[64];
    const void *cand[3];
    for (int i = 0; i < 3; i++) {
        strcpy(sym, prefix);
        strcat(sym, names[i]);
        cand[i] = dlsym(RTLD_DEFAULT, sym);
    }
    /* At most: a PLT entry, nettle's exported function, the chosen code. */
    for (int hop = 0; fn && hop < 3; hop++) {
        for (int i = 0; i < 3; i++)
            if (cand[i] && fn == cand[i])
                return names[i];
        fn = jump_target(fn);
    }
    return "";
}
#endif

static void ask_nettle(void)
{
#if defined(__x86_64__)
    sha1_impl =
        impl_of((const void *)(uintptr_t)&nettle_sha1_compress, "_nettle_sha1_compress_");
    sha256_impl = impl_of(dlsym(RTLD_DEFAULT, "_nettle_sha256_compress"),
                          "_nettle_sha256_compress_");
#endif
}

const char *dw__nettle_sha_impl(int alg)
{
    pthread_once(&once, ask_nettle);
    return alg == 256 ? sha256_impl : sha1_impl;
}

bool dw__nettle_sha_ni(void)
{
    const char *impl = dw__nettle_sha_impl(1);
    if (impl[0])
        return !strcmp(impl, "sha_ni");
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return (b >> 29) & 1;
#endif
    return false;
}
