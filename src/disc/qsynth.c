/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Q sub-channel a disc with a given layout carries (ECMA-130 cl. 22.3,
 * IEC 60908 17.5): what image drives answer for READ CD sub-channel data,
 * and what the Q-scan tests rediscover layouts from. */
#include <string.h>
#include "discwright/errors.h"
#include "discwright/disc.h"
#include "discwright/sector.h"

#define LEADIN_PREGAP_SECTORS 150 /* LBA -150..-1 before track 1 */
#define LEADOUT_SECTORS 6750      /* lead-out of the first session (Orange Book) */

/* The session entry of a track's session, or NULL. */
static const struct dw_session *session_of(const struct dw_disc *disc, int number)
{
    for (int s = 0; s < disc->session_count; s++)
        if (disc->sessions[s].number == number)
            return &disc->sessions[s];
    return NULL;
}

int dw_disc_synth_q(const struct dw_disc *disc, int32_t lba, uint8_t q[12])
{
    const struct dw_track *t = NULL;
    struct dw_q f;
    int32_t phase = ((lba % 100) + 100) % 100;

    memset(q, 0, 12);
    if (!disc || disc->track_count <= 0 || lba < -LEADIN_PREGAP_SECTORS)
        return DW_ERANGE;
    /* The track holding lba: the last one whose first sector is not after
     * it (track 1 reaches back to LBA -150). */
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *u = &disc->tracks[i];
        int32_t first = i == 0 ? -LEADIN_PREGAP_SECTORS : dw_track_first_lba(u);
        if (first > lba)
            break;
        t = u;
    }
    if (!t)
        return DW_EREAD;

    memset(&f, 0, sizeof(f));
    f.control = t->control & 0xF;
    if (dw_track_is_data(t))
        f.control |= DW_CTL_DATA;
    f.abs_lba = lba;
    f.aframe = (int)((lba + DW_MSF_LBA_OFFSET) % DW_SECTORS_PER_SECOND);

    if (lba >= t->end_lba) {
        /* After the last track of a session: its lead-out, then the next
         * session's lead-in, which holds no Q of ours. */
        const struct dw_session *s = session_of(disc, t->session);
        int32_t leadout = s ? s->leadout_lba : disc->leadout_lba;
        bool last_session = !s || s == &disc->sessions[disc->session_count - 1];
        if (lba < leadout || lba >= leadout + LEADOUT_SECTORS)
            return last_session ? DW_ERANGE : DW_EREAD;
        f.adr = DW_Q_ADR_POSITION;
        f.tno = DW_Q_TNO_LEADOUT;
        f.index = 1;
        f.rel_frames = lba - leadout;
        return dw_q_encode(&f, q) ? DW_EINVAL : 0;
    }

    f.tno = t->number;
    if (lba < t->index_lba[1]) {
        f.index = 0;
        f.rel_frames = t->index_lba[1] - lba - 1;
    } else {
        f.index = 1;
        for (int k = 2; k < t->index_count && k < DW_MAX_INDEXES; k++)
            if (t->index_lba[k] != DW_LBA_NONE && t->index_lba[k] <= lba)
                f.index = k;
        f.rel_frames = lba - t->index_lba[1];
    }

    if (phase == DW_SYNTH_Q_MCN_PHASE && strlen(disc->mcn) == 13) {
        f.adr = DW_Q_ADR_MCN;
        memcpy(f.mcn, disc->mcn, sizeof(f.mcn));
        if (dw_q_encode(&f, q) == 0)
            return 0;
    } else if (phase == DW_SYNTH_Q_ISRC_PHASE && f.index >= 1 && strlen(t->isrc) == 12) {
        f.adr = DW_Q_ADR_ISRC;
        memcpy(f.isrc, t->isrc, sizeof(f.isrc));
        if (dw_q_encode(&f, q) == 0)
            return 0;
    }
    f.adr = DW_Q_ADR_POSITION; /* also when the MCN or ISRC cannot be encoded */
    return dw_q_encode(&f, q) ? DW_EINVAL : 0;
}
