/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: checksums of image data.
 *
 * CRC-32 (zlib, ISO-HDLC / IEEE 802.3, as EAC's "copy CRC" and cue tools
 * report it), MD5 (RFC 1321), SHA-1 (FIPS 180-4) and SHA-256 (FIPS 180-4,
 * through nettle), computed together in one pass over streamed data.
 */
#ifndef DISCWRIGHT_CHECKSUM_H
#define DISCWRIGHT_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_HASH_CRC32 0x1u
#define DW_HASH_MD5 0x2u
#define DW_HASH_SHA1 0x4u
#define DW_HASH_SHA256 0x8u
#define DW_HASH_ALL 0xFu

struct dw_hash;

struct dw_digests {
    unsigned which;        /* DW_HASH_* bits that were computed */
    uint64_t bytes;        /* bytes hashed */
    uint32_t crc32;
    char md5[33];          /* lowercase hex, "" when not computed */
    char sha1[41];
    char sha256[65];
};

/* New hash state computing the DW_HASH_* bits in `which`; the caller frees
 * it with dw_hash_free.  NULL when out of memory or which is 0.
 *
 * Threads: one struct dw_hash is used by one thread at a time.  When it
 * computes MD5 and another digest and more than one thread is allowed
 * (dw_hash_set_threads), its digests are spread over the caller's thread
 * and worker threads (dearest first, each where the least work is: on
 * two threads MD5 on the worker), started at the first 256 KiB and fed
 * through one 2 MiB ring; dw_hash_update then returns once its bytes are
 * copied there and the caller's digests are done, and dw_hash_final waits
 * for the workers.  The digests are the same either way. */
DW_API struct dw_hash *dw_hash_new(unsigned which);

/* Add bytes (any length, may be 0). */
DW_API void dw_hash_update(struct dw_hash *h, const void *data, size_t bytes);

/* Finish into *out; the state then restarts empty for reuse. */
DW_API void dw_hash_final(struct dw_hash *h, struct dw_digests *out);

/* Free (stopping its worker thread, if any); NULL is a no-op. */
DW_API void dw_hash_free(struct dw_hash *h);

/* How many threads a hash may use, for the whole process: 1 keeps every
 * digest on the caller's thread (the single-thread code), N lets a hash
 * (and a rip's, convert's or verify's per-track and whole-image digests)
 * use up to N - 1 worker threads beside the caller's, at most 4; 0 (the
 * default) allows one fewer than the CPUs online.  Takes effect for hashes made
 * afterwards; call it before starting jobs (it is atomic, but a job
 * already running keeps its hashes as they were made). */
DW_API void dw_hash_set_threads(unsigned threads);

/* Digests of a whole file (streamed in 1 MiB blocks).  Returns 0, or
 * DW_ENOENT / DW_EIO. */
DW_API int dw_hash_file(const char *path, unsigned which, struct dw_digests *out);

#ifdef __cplusplus
}
#endif
#endif
