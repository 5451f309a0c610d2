/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: read-ahead for the sequential read loops of a rip
 * (burst BIN/CUE, --format iso).  A reader thread fills a bounded ring of
 * slots (at most DW__READAHEAD_BYTES in all) with consecutive sectors, one
 * drive transfer after the other on the same grid of transfers as the
 * single-thread loop, while the caller's thread checks, hashes and writes
 * the slots in order.
 *
 * The reader stops at the first transfer its read function does not call
 * good (a read error, a data sector that fails its check): that slot ends
 * with the transfer, and everything after it is left to the caller, who
 * handles it on its own thread exactly as the single-thread loop would
 * (dw__readahead_free first, so that only one thread uses the drive), then
 * starts a new read-ahead after it.  So errors, retries and their order
 * stay those of the single-thread loop. */
#ifndef DW_READAHEAD_H
#define DW_READAHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ring's size in bytes, all slots together. */
#define DW__READAHEAD_BYTES (8u * 1024u * 1024u)
/* How many slots it is cut into (each a whole number of transfers). */
#define DW__READAHEAD_SLOTS 8

/* Read n sectors (n <= the transfer size) at lba into slot + at *
 * sector_bytes, on the reader thread (`at`: the sectors of the slot before
 * them; a function may pack what it keeps of the slot's sectors closer, as
 * long as it stays within them).  Returns 0 when they are good, anything
 * else (a negative DW_E* code, or 1: read but not good) to stop the reader
 * there, with the transfer's sectors as read at slot + at * sector_bytes. */
typedef int (*dw__readahead_fn)(void *ctx, int32_t lba, int32_t n, uint8_t *slot, int32_t at);

/* A filled slot: sectors [lba, lba + n) in buf.  rc is 0, or the read
 * function's result for the slot's last transfer [fail_lba, lba + n),
 * after which the reader stopped. */
struct dw__readahead_slot {
    uint8_t *buf;
    int32_t lba, n;
    int rc;
    int32_t fail_lba;
};

struct dw__readahead;

/* Whether read-ahead should be used with `threads` (dw_rip_opts.threads:
 * 1 no, 0 when more than one CPU is online, 2 or more yes). */
bool dw__readahead_wanted(unsigned threads);

/* Start reading [first, end) in transfers of `transfer` sectors of
 * sector_bytes each, from first on (the transfer grid starts at first).
 * *out is freed with dw__readahead_free.  Returns 0, DW_ENOMEM, or DW_ELIB
 * when no thread could be started (the caller then reads on its own). */
int dw__readahead_start(struct dw__readahead **out, dw__readahead_fn fn, void *ctx,
                        int32_t first, int32_t end, int32_t transfer, size_t sector_bytes);

/* The next slot in LBA order, waiting for the reader; NULL when the reader
 * has stopped and every slot it filled was taken.  The slot stays the
 * caller's until dw__readahead_next is called again (or the ring freed). */
const struct dw__readahead_slot *dw__readahead_next(struct dw__readahead *ra);

/* Stop the reader (it finishes the transfer it is in), join it and free
 * everything; NULL is a no-op.  After it only the caller uses the drive. */
void dw__readahead_free(struct dw__readahead *ra);

#endif
