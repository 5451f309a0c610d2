/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CloneCD control file (.ccd) writer: the layout of a rip's .img/.sub pair.
 *
 * An INI-style text with CRLF line ends, as CloneCD writes it:
 *   [CloneCD] Version=3
 *   [Disc] TocEntries, Sessions, DataTracksScrambled=0, CDTextLength (bytes
 *          of CD-TEXT packs), CATALOG (the MCN, when there is one)
 *   [CDText] Entries=N and "Entry i=" with the first 16 bytes of pack i in
 *          hex (the CRC is left out, as CloneCD does), when there is CD-TEXT
 *   [Session N] PreGapMode (0 audio, 1 Mode 1, 2 Mode 2: the mode of the
 *          session's first track), PreGapSubC=0
 *   [Entry N] the full TOC (READ TOC/PMA/ATIP format 0010b, MMC-6; points
 *          of IEC 60908 17.5.1): per session POINT A0h (PMIN first track,
 *          PSEC disc type 00h/20h), A1h (PMIN last track), A2h (PMSF the
 *          lead-out), then one point per track (PMSF its INDEX 01).  Each has
 *          Session, Point (hex), ADR=0x01, Control (hex), TrackNo=0, the
 *          lead-in time of the entry (AMin/ASec/AFrame 0, ALBA -150: not
 *          known from a rip), Zero=0, PMin/PSec/PFrame (decimal) and PLBA
 *          ((PMin * 60 + PSec) * 75 + PFrame - 150).
 *   [TRACK N] MODE (0 audio, 1 Mode 1, 2 Mode 2), ISRC, INDEX n=LBA.
 * The .img holds the sectors of the rip's bin: every track from its first
 * sector to its end, without the gaps between sessions.  Readers (libmirage
 * among them) place each track in the .img by adding up track lengths and
 * take the part before INDEX 1 as its pregap, counting from INDEX 0 (or
 * from 0 when INDEX 0 is missing), so INDEX 0 is written wherever the
 * track's data in the .img does not start at INDEX 1, and for the first
 * track of each session unless it starts at LBA 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"

#define CRLF "\r\n"

static int ccd_mode(const struct dw_track *t)
{
    switch (t->mode) {
    case DW_MODE_AUDIO:
        return dw_track_is_data(t) ? 1 : 0;
    case DW_MODE_MODE1:
        return 1;
    default:
        return 2;
    }
}

static unsigned ccd_control(const struct dw_track *t)
{
    return (t->control & 0xF) | (dw_track_is_data(t) ? DW_CTL_DATA : 0);
}

struct entry_writer {
    FILE *out;
    int n;
};

static void put_entry(struct entry_writer *w, int session, unsigned point,
                      unsigned control, unsigned pmin, unsigned psec, unsigned pframe)
{
    long plba = ((long)pmin * 60 + psec) * 75 + pframe - DW_MSF_LBA_OFFSET;
    fprintf(w->out,
            "[Entry %d]" CRLF "Session=%d" CRLF "Point=0x%02x" CRLF "ADR=0x01" CRLF
            "Control=0x%02x" CRLF "TrackNo=0" CRLF "AMin=0" CRLF "ASec=0" CRLF
            "AFrame=0" CRLF "ALBA=-150" CRLF "Zero=0" CRLF "PMin=%u" CRLF "PSec=%u" CRLF
            "PFrame=%u" CRLF "PLBA=%ld" CRLF,
            w->n++, session, point, control, pmin, psec, pframe, plba);
}

static void put_lba_entry(struct entry_writer *w, int session, unsigned point,
                          unsigned control, int32_t lba)
{
    unsigned m, s, f;
    dw_lba_to_msf(lba, &m, &s, &f);
    put_entry(w, session, point, control, m, s, f);
}

static int session_count(const struct dw_disc *disc)
{
    int n = 0, last = 0;
    for (int i = 0; i < disc->track_count; i++)
        if (disc->tracks[i].session != last) {
            last = disc->tracks[i].session;
            n++;
        }
    return n;
}

static int32_t session_leadout(const struct dw_disc *disc, int session)
{
    for (int s = 0; s < disc->session_count; s++)
        if (disc->sessions[s].number == session)
            return disc->sessions[s].leadout_lba;
    return disc->leadout_lba;
}

int dw_ccd_write(const struct dw_disc *disc, const struct dw_ccd_write_opts *opts,
                 FILE *out)
{
    uint8_t *packs = NULL;
    size_t pack_bytes = 0;
    int rc;

    if (!disc || !opts || !out || disc->track_count <= 0 || opts->flags)
        return DW_EINVAL;
    rc = dw_cdtext_encode(disc, &packs, &pack_bytes);
    if (rc == DW_ERANGE) {
        pack_bytes = 0; /* too much text for one block: left out */
    } else if (rc) {
        return rc;
    }
    int sessions = session_count(disc);
    int entries = 3 * sessions + disc->track_count;

    fputs("[CloneCD]" CRLF "Version=3" CRLF "[Disc]" CRLF, out);
    fprintf(out,
            "TocEntries=%d" CRLF "Sessions=%d" CRLF "DataTracksScrambled=0" CRLF
            "CDTextLength=%zu" CRLF,
            entries, sessions, pack_bytes);
    if (dw_mcn_valid(disc->mcn))
        fprintf(out, "CATALOG=%s" CRLF, disc->mcn);
    if (pack_bytes) {
        fprintf(out, "[CDText]" CRLF "Entries=%zu" CRLF, pack_bytes / 18);
        for (size_t i = 0; i < pack_bytes / 18; i++) {
            fprintf(out, "Entry %zu=", i);
            for (int b = 0; b < 16; b++)
                fprintf(out, "%02x%s", packs[i * 18 + (size_t)b], b < 15 ? " " : CRLF);
        }
    }
    free(packs);

    /* Sessions, in disc order. */
    int last = 0;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->session == last)
            continue;
        last = t->session;
        fprintf(out, "[Session %d]" CRLF "PreGapMode=%d" CRLF "PreGapSubC=0" CRLF,
                t->session, ccd_mode(t));
    }

    /* The full TOC: per session A0h, A1h, A2h, then its tracks. */
    struct entry_writer w = {out, 0};
    for (int i = 0; i < disc->track_count;) {
        int session = disc->tracks[i].session, j = i;
        bool xa = false;
        while (j < disc->track_count && disc->tracks[j].session == session) {
            xa = xa || disc->tracks[j].mode == DW_MODE_MODE2 ||
                 disc->tracks[j].mode == DW_MODE_MODE2_XA;
            j++;
        }
        const struct dw_track *first = &disc->tracks[i], *lastt = &disc->tracks[j - 1];
        put_entry(&w, session, 0xA0, ccd_control(first), (unsigned)first->number,
                  xa ? 0x20 : 0, 0);
        put_entry(&w, session, 0xA1, ccd_control(lastt), (unsigned)lastt->number, 0, 0);
        put_lba_entry(&w, session, 0xA2, ccd_control(lastt),
                      session_leadout(disc, session));
        for (int k = i; k < j; k++)
            put_lba_entry(&w, session, (unsigned)disc->tracks[k].number,
                          ccd_control(&disc->tracks[k]), disc->tracks[k].index_lba[1]);
        i = j;
    }

    /* The tracks. */
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        bool session_first = i == 0 || disc->tracks[i - 1].session != t->session;
        int32_t img_first = dw_track_first_lba(t);
        if (img_first < opts->img_first_lba)
            img_first = opts->img_first_lba;
        fprintf(out, "[TRACK %d]" CRLF "MODE=%d" CRLF, t->number, ccd_mode(t));
        if (dw_isrc_valid(t->isrc))
            fprintf(out, "ISRC=%s" CRLF, t->isrc);
        if (img_first < t->index_lba[1] || (session_first && t->index_lba[1] != 0))
            fprintf(out, "INDEX 0=%d" CRLF, (int)img_first);
        fprintf(out, "INDEX 1=%d" CRLF, (int)t->index_lba[1]);
        for (int k = 2; k < t->index_count && k < DW_MAX_INDEXES; k++)
            if (t->index_lba[k] != DW_LBA_NONE)
                fprintf(out, "INDEX %d=%d" CRLF, k, (int)t->index_lba[k]);
    }
    return ferror(out) ? DW_EIO : 0;
}
