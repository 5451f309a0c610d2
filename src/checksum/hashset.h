/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the track and image digests of a rip, convert or
 * verify, each computed once per byte and spread over two threads. */
#ifndef DW_CHECKSUM_HASHSET_H
#define DW_CHECKSUM_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/checksum.h"

/* The digests of a stream of tracks: per track (`track_which`, DW_HASH_*
 * bits) and of the whole image (`image_which`), fed once.
 *
 * - CRC-32 runs once per byte, over the track (dw__crc32_update); the image
 *   CRC-32 is the track CRCs joined with crc32_combine.
 * - An image digest that the tracks compute too is not computed during
 *   the first track: at its end the image state is a copy of the track's
 *   (so on a one-track disc the image MD5/SHA-1 cost nothing).
 * - Each digest of each stream (track MD5, track SHA-1, image SHA-256,
 *   ...) is a unit given to one lane: the caller's thread or one of up to
 *   4 worker threads (dw_hash_set_threads N allows N - 1).  At the start
 *   and at each track end the units are placed by their measured CPU per
 *   sector, dearest first, each on the lane with the least work so far
 *   (the caller's lane starts with its own share: CRC-32, AccurateRip,
 *   I/O).  The workers hash copies of the bytes from one bounded ring
 *   (8 slots of 256 KiB, 2 MiB at any disc size) that all of them read,
 *   and each track end and the final wait until they have caught up.  The
 *   digests are those of the single-thread code, byte for byte.
 *
 * A track starts at dw__hashset_new and after each dw__hashset_track_end.
 * One set is used by one thread at a time.  NULL when out of memory or
 * when image_which and track_which are both 0. */
struct dw__hashset;

struct dw__hashset *dw__hashset_new(unsigned image_which, unsigned track_which);

/* Add bytes (any length, may be 0) to the current track and the image. */
void dw__hashset_update(struct dw__hashset *s, const void *data, size_t bytes);

/* End the current track: its digests into *track (track_which); the next
 * bytes start the next track. */
void dw__hashset_track_end(struct dw__hashset *s, struct dw_digests *track);

/* The image digests (image_which) of every byte fed since new or the last
 * final, the bytes of a track not ended included; the set then restarts
 * empty (a new image, a new first track). */
void dw__hashset_final(struct dw__hashset *s, struct dw_digests *image);

/* Stop the worker and free; NULL is a no-op. */
void dw__hashset_free(struct dw__hashset *s);

/* CRC-32 (ISO-HDLC, zlib's crc32: reflected 0x04C11DB7, init and final
 * xor 0xFFFFFFFF) of `bytes` bytes at p, continued from crc: 0 to start,
 * a previous result to go on, as zlib's crc32_z(crc, p, bytes).  ISA-L's
 * crc32_gzip_refl does the work (folding with PCLMULQDQ, VPCLMULQDQ where
 * the CPU has it, chosen at run time): several times zlib 1.2.13's tables.
 * p may be NULL when bytes is 0.  Thread-safe. */
uint32_t dw__crc32_update(uint32_t crc, const void *p, size_t bytes);

/* The CRC-32 (zlib's) of A then B from crc_a, crc_b and B's length, as
 * zlib's crc32_combine, for any 64-bit length (zlib's z_off_t may be 32
 * bits wide). */
uint32_t dw__crc32_join(uint32_t crc_a, uint32_t crc_b, uint64_t bytes_b);

/* hash.c: how many worker threads a hash made now may use
 * (dw_hash_set_threads: N allows N - 1; 0, automatic, one fewer than the
 * CPUs online), and the lowercase hex of n bytes into out[2n + 1]. */
unsigned dw__hash_workers(void);
void dw__hash_hex(const uint8_t *d, size_t n, char *out);

#endif
