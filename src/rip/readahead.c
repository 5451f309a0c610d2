/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Read-ahead ring of a rip's sequential loops (readahead.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include "discwright/errors.h"
#include "rip/readahead.h"

struct dw__readahead {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct dw__readahead_slot slots[DW__READAHEAD_SLOTS];
    int head;      /* the next slot the reader fills */
    int tail;      /* the next slot the caller takes */
    int filled;    /* slots filled and not yet given back */
    bool holding;  /* the caller holds the slot before tail */
    bool done;     /* the reader has stopped */
    atomic_bool stop;
    int32_t next_lba, end, transfer, slot_sectors;
    size_t sector_bytes;
    dw__readahead_fn fn;
    void *ctx;
};

bool dw__readahead_wanted(unsigned threads)
{
    if (threads == 0)
        return sysconf(_SC_NPROCESSORS_ONLN) > 1;
    return threads > 1;
}

static void *reader_main(void *arg)
{
    struct dw__readahead *ra = arg;
    pthread_mutex_lock(&ra->mu);
    while (!atomic_load(&ra->stop) && ra->next_lba < ra->end) {
        /* One slot is always left to the caller's hold. */
        while (ra->filled + (ra->holding ? 1 : 0) >= DW__READAHEAD_SLOTS &&
               !atomic_load(&ra->stop))
            pthread_cond_wait(&ra->cv, &ra->mu);
        if (atomic_load(&ra->stop))
            break;
        struct dw__readahead_slot *s = &ra->slots[ra->head];
        int32_t lba = ra->next_lba, n = 0;
        int rc = 0;
        pthread_mutex_unlock(&ra->mu);
        s->fail_lba = lba;
        while (n < ra->slot_sectors && lba + n < ra->end && !atomic_load(&ra->stop)) {
            int32_t k = ra->end - (lba + n) < ra->transfer ? ra->end - (lba + n) : ra->transfer;
            rc = ra->fn(ra->ctx, lba + n, k, s->buf, n);
            s->fail_lba = lba + n;
            n += k;
            if (rc)
                break;
        }
        pthread_mutex_lock(&ra->mu);
        if (n == 0)
            break; /* stopped before reading anything */
        s->lba = lba;
        s->n = n;
        s->rc = rc;
        ra->next_lba = lba + n;
        ra->head = (ra->head + 1) % DW__READAHEAD_SLOTS;
        ra->filled++;
        pthread_cond_broadcast(&ra->cv);
        if (rc)
            break; /* the rest is the caller's, after this transfer */
    }
    ra->done = true;
    pthread_cond_broadcast(&ra->cv);
    pthread_mutex_unlock(&ra->mu);
    return NULL;
}

int dw__readahead_start(struct dw__readahead **out, dw__readahead_fn fn, void *ctx,
                        int32_t first, int32_t end, int32_t transfer, size_t sector_bytes)
{
    *out = NULL;
    if (transfer < 1)
        transfer = 1;
    struct dw__readahead *ra = calloc(1, sizeof(*ra));
    if (!ra)
        return DW_ENOMEM;
    int32_t per_slot = (int32_t)(DW__READAHEAD_BYTES / DW__READAHEAD_SLOTS / sector_bytes);
    ra->slot_sectors = per_slot > transfer ? per_slot / transfer * transfer : transfer;
    ra->transfer = transfer;
    ra->sector_bytes = sector_bytes;
    ra->next_lba = first;
    ra->end = end;
    ra->fn = fn;
    ra->ctx = ctx;
    for (int i = 0; i < DW__READAHEAD_SLOTS; i++)
        if (!(ra->slots[i].buf = malloc((size_t)ra->slot_sectors * sector_bytes))) {
            for (int k = 0; k < i; k++)
                free(ra->slots[k].buf);
            free(ra);
            return DW_ENOMEM;
        }
    pthread_mutex_init(&ra->mu, NULL);
    pthread_cond_init(&ra->cv, NULL);
    if (pthread_create(&ra->thread, NULL, reader_main, ra) != 0) {
        pthread_mutex_destroy(&ra->mu);
        pthread_cond_destroy(&ra->cv);
        for (int i = 0; i < DW__READAHEAD_SLOTS; i++)
            free(ra->slots[i].buf);
        free(ra);
        return DW_ELIB;
    }
    *out = ra;
    return 0;
}

const struct dw__readahead_slot *dw__readahead_next(struct dw__readahead *ra)
{
    const struct dw__readahead_slot *s = NULL;
    pthread_mutex_lock(&ra->mu);
    if (ra->holding) { /* the slot taken last goes back to the reader */
        ra->holding = false;
        pthread_cond_broadcast(&ra->cv);
    }
    while (ra->filled == 0 && !ra->done)
        pthread_cond_wait(&ra->cv, &ra->mu);
    if (ra->filled > 0) {
        s = &ra->slots[ra->tail];
        ra->tail = (ra->tail + 1) % DW__READAHEAD_SLOTS;
        ra->filled--;
        ra->holding = true;
    }
    pthread_mutex_unlock(&ra->mu);
    return s;
}

void dw__readahead_free(struct dw__readahead *ra)
{
    if (!ra)
        return;
    pthread_mutex_lock(&ra->mu);
    atomic_store(&ra->stop, true);
    pthread_cond_broadcast(&ra->cv);
    pthread_mutex_unlock(&ra->mu);
    pthread_join(ra->thread, NULL);
    pthread_mutex_destroy(&ra->mu);
    pthread_cond_destroy(&ra->cv);
    for (int i = 0; i < DW__READAHEAD_SLOTS; i++)
        free(ra->slots[i].buf);
    free(ra);
}
