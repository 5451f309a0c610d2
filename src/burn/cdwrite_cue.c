/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cue sheet of SEND CUE SHEET (MMC-6 6.33) and the lead-in CD-TEXT
 * sub-channel of a session-at-once CD write, built from the disc model
 * alone (pure; see cdwrite.h). */
#include <stdlib.h>
#include <string.h>
#include "burn/cdwrite.h"
#include "discwright/errors.h"

#define ENTRY_BYTES 8

struct cue_buf {
    uint8_t *bytes;
    size_t used, cap;
};

/* Append one 8-byte entry; false without memory. */
static bool put_entry(struct cue_buf *b, const uint8_t e[ENTRY_BYTES])
{
    if (b->used + ENTRY_BYTES > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64 * ENTRY_BYTES;
        uint8_t *grown = realloc(b->bytes, cap);
        if (!grown)
            return false;
        b->bytes = grown;
        b->cap = cap;
    }
    memcpy(b->bytes + b->used, e, ENTRY_BYTES);
    b->used += ENTRY_BYTES;
    return true;
}

/* An ADR 1 entry at lba (absolute M:S:F = lba + 150, binary). */
static bool put_point(struct cue_buf *b, unsigned ctl, uint8_t tno, uint8_t index,
                      uint8_t form, int32_t lba)
{
    int32_t a = lba + 150;
    uint8_t e[ENTRY_BYTES] = {(uint8_t)((ctl & 0x0F) << 4 | 0x01), tno, index, form, 0,
                              (uint8_t)(a / (60 * 75)), (uint8_t)(a / 75 % 60),
                              (uint8_t)(a % 75)};
    return put_entry(b, e);
}

static uint8_t track_form(const struct dw_track *t)
{
    switch (t->mode) {
    case DW_MODE_AUDIO:
        return DW__CUE_FORM_AUDIO;
    case DW_MODE_MODE1:
        return DW__CUE_FORM_MODE1_RAW;
    default:
        return DW__CUE_FORM_MODE2_RAW;
    }
}

/* Form of drive-generated sectors of the track's kind (lead-in, lead-out). */
static uint8_t generated_form(const struct dw_track *t)
{
    switch (t->mode) {
    case DW_MODE_AUDIO:
        return DW__CUE_FORM_AUDIO_GEN;
    case DW_MODE_MODE1:
        return DW__CUE_FORM_MODE1_GEN;
    default:
        return DW__CUE_FORM_MODE2_GEN;
    }
}

/* The MCN (ADR 2) or an ISRC (ADR 3) over two entries: 7 + 6 characters
 * (MCN) or TNO and 6 + 6 characters (ISRC), ASCII. */
static bool put_code(struct cue_buf *b, unsigned ctl, unsigned adr, uint8_t tno,
                     const char *text)
{
    uint8_t e1[ENTRY_BYTES] = {0}, e2[ENTRY_BYTES] = {0};
    e1[0] = e2[0] = (uint8_t)((ctl & 0x0F) << 4 | adr);
    if (adr == 2) {
        memcpy(e1 + 1, text, 7);
        memcpy(e2 + 1, text + 7, 6);
    } else {
        e1[1] = e2[1] = tno;
        memcpy(e1 + 2, text, 6);
        memcpy(e2 + 2, text + 6, 6);
    }
    return put_entry(b, e1) && put_entry(b, e2);
}

/* Track t's entries: ISRC, INDEX 00 (pregap), 01, 02+.  The first track
 * of a session always has a pregap: from LBA -150 in the first session,
 * 150 sectors at least in a later one. */
static bool put_track(struct cue_buf *b, const struct dw_track *t, bool first)
{
    unsigned ctl = t->control & 0x0F;
    uint8_t form = track_form(t);
    int32_t pregap = first ? dw__cdwrite_session_start(t) : t->index_lba[0];

    if (t->isrc[0] && !put_code(b, ctl, 3, (uint8_t)t->number, t->isrc))
        return false;
    if (pregap != DW_LBA_NONE && pregap < t->index_lba[1] &&
        !put_point(b, ctl, (uint8_t)t->number, 0, form, pregap))
        return false;
    for (int i = 1; i < t->index_count && i < DW_MAX_INDEXES; i++) {
        if (t->index_lba[i] == DW_LBA_NONE)
            continue;
        if (!put_point(b, ctl, (uint8_t)t->number, (uint8_t)i, form, t->index_lba[i]))
            return false;
    }
    return true;
}

int32_t dw__cdwrite_session_start(const struct dw_track *first)
{
    if (first->session == 1 || first->number == 1)
        return -150;
    if (first->index_lba[0] != DW_LBA_NONE && first->index_lba[0] <= first->index_lba[1] - 150)
        return first->index_lba[0];
    return first->index_lba[1] - 150;
}

int dw__cdwrite_cue_sheet(const struct dw_disc *disc, int session, bool cdtext,
                          uint8_t **out, size_t *out_bytes)
{
    struct cue_buf b = {0};
    const struct dw_track *first = NULL, *last = NULL;
    int rc = DW_ENOMEM;

    *out = NULL;
    *out_bytes = 0;
    if (!disc || session < 1 || session > disc->session_count)
        return DW_EINVAL;
    for (int i = 0; i < disc->track_count; i++) {
        if (disc->tracks[i].session != session)
            continue;
        if (!first)
            first = &disc->tracks[i];
        last = &disc->tracks[i];
    }
    if (!first)
        return DW_EINVAL;
    {
        uint8_t leadin[ENTRY_BYTES] = {(uint8_t)((first->control & 0x0F) << 4 | 0x01), 0, 0,
                                       (uint8_t)(generated_form(first) |
                                                 (cdtext ? DW__CUE_FORM_SUB : 0)),
                                       0, 0, 0, 0};
        if (!put_entry(&b, leadin))
            goto out;
    }
    if (session == 1 && disc->mcn[0] && !put_code(&b, first->control, 2, 0, disc->mcn))
        goto out;
    for (const struct dw_track *t = first; t <= last; t++)
        if (!put_track(&b, t, t == first))
            goto out;
    if (!put_point(&b, last->control, 0xAA, 1, generated_form(last),
                   disc->sessions[session - 1].leadout_lba))
        goto out;
    *out = b.bytes;
    *out_bytes = b.used;
    b.bytes = NULL;
    rc = 0;
out:
    free(b.bytes);
    return rc;
}

size_t dw__cdwrite_leadin_sub(const uint8_t *packs, size_t pack_count, size_t first,
                              uint8_t sub[96])
{
    size_t k = first;
    for (int n = 0; n < 4; n++, k++) {
        const uint8_t *p = packs + (k % pack_count) * 18;
        uint8_t *s = sub + 24 * n;
        for (int g = 0; g < 6; g++) {
            const uint8_t *x = p + 3 * g;
            s[4 * g] = (uint8_t)(x[0] >> 2);
            s[4 * g + 1] = (uint8_t)((x[0] & 0x03) << 4 | x[1] >> 4);
            s[4 * g + 2] = (uint8_t)((x[1] & 0x0F) << 2 | x[2] >> 6);
            s[4 * g + 3] = (uint8_t)(x[2] & 0x3F);
        }
    }
    return k % pack_count;
}
