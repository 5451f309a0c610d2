/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Burn layer: a libburn source that reads its input in large blocks and
 * hands them out in the sector-sized pieces libburn's writer asks for.
 *
 * For a stdio: target (a file, a block device, a pipe), which cannot run
 * out of data the way a drive's buffer can, this replaces libburn's FIFO
 * (burn_fifo_source_new).  That FIFO's reader and writer threads share no
 * lock and no condition: each waits for the other in 50 ms sleeps
 * (libburn/file.c fifo_sleep), so a writer that empties the FIFO faster
 * than one sleep, as a file in the page cache does, waits ~50 ms for every
 * FIFO-full (4 MiB: 500 MB took 8 s, cdrskin's own select()-driven FIFO
 * 3.5 s).  Here the read happens in libburn's writer thread when the
 * block is used up: no second thread, no sleep, one read(2) per block
 * instead of one per 2048-byte sector; the kernel's read-ahead and
 * write-back overlap the two files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libburn/libburn.h>

#include "burn/burn_int.h"

struct block_source {
    struct burn_source *inner; /* our own reference */
    unsigned char *block;      /* block_bytes */
    int block_bytes;
    int filled, used; /* bytes of block read from inner, handed out */
    int error;        /* inner's read failed: returned to every later read */
    bool end;         /* inner said end of data */
};

static int inner_read(struct burn_source *inner, unsigned char *buf, int size)
{
    if (inner->version > 0 && inner->read_xt != NULL)
        return inner->read_xt(inner, buf, size);
    return inner->read(inner, buf, size);
}

/* Fill the block from inner: loop over short reads until it is full or
 * inner ends (0) or fails (< 0, kept in b->error). */
static void refill(struct block_source *b)
{
    b->filled = b->used = 0;
    while (b->filled < b->block_bytes && !b->end) {
        int n = inner_read(b->inner, b->block + b->filled, b->block_bytes - b->filled);
        if (n < 0) {
            b->error = n;
            return;
        }
        if (n == 0)
            b->end = true;
        else
            b->filled += n < b->block_bytes - b->filled ? n : b->block_bytes - b->filled;
    }
}

/* read_xt: size bytes into buf, fewer only at the end of inner's data;
 * 0 at the end; inner's negative return on a read error (what was read
 * before the error is handed out first). */
static int block_read(struct burn_source *src, unsigned char *buf, int size)
{
    struct block_source *b = src->data;
    int got = 0;
    while (got < size) {
        if (b->used == b->filled) {
            if (b->error != 0 || b->end)
                break;
            refill(b);
            if (b->filled == 0)
                continue; /* the loop ends on error or end */
        }
        int n = b->filled - b->used < size - got ? b->filled - b->used : size - got;
        memcpy(buf + got, b->block + b->used, (size_t)n);
        b->used += n;
        got += n;
    }
    if (got == 0 && b->error != 0)
        return b->error;
    return got;
}

static off_t block_get_size(struct burn_source *src)
{
    struct block_source *b = src->data;
    return b->inner->get_size(b->inner);
}

static int block_set_size(struct burn_source *src, off_t size)
{
    struct block_source *b = src->data;
    return b->inner->set_size != NULL ? b->inner->set_size(b->inner, size) : 0;
}

static int block_cancel(struct burn_source *src)
{
    struct block_source *b = src->data;
    return b->inner->version > 0 && b->inner->cancel != NULL ? b->inner->cancel(b->inner) : 1;
}

static void block_free(struct burn_source *src)
{
    struct block_source *b = src->data;
    burn_source_free(b->inner);
    free(b->block);
    free(b);
}

struct burn_source *dw__burn_block_source_new(struct burn_source *inner, int block_bytes)
{
    struct block_source *b = NULL;
    struct burn_source *src = NULL;
    if (inner == NULL || block_bytes <= 0) {
        errno = EINVAL;
        return NULL;
    }
    b = calloc(1, sizeof *b);
    if (b == NULL)
        goto fail;
    b->block = malloc((size_t)block_bytes);
    src = calloc(1, sizeof *src); /* burn_source_free frees it with free() */
    if (b->block == NULL || src == NULL)
        goto fail;
    b->block_bytes = block_bytes;
    b->inner = inner;
    inner->refcount++; /* as burn_fifo_source_new does: inner outlives us */
    src->refcount = 1;
    src->version = 1;
    src->read = NULL;
    src->read_sub = NULL;
    src->read_xt = block_read;
    src->get_size = block_get_size;
    src->set_size = block_set_size;
    src->cancel = block_cancel;
    src->free_data = block_free;
    src->data = b;
    return src;
fail:
    if (b != NULL)
        free(b->block);
    free(b);
    free(src);
    errno = ENOMEM;
    return NULL;
}
