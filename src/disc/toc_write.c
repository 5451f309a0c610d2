/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cdrdao TOC file writer: a rip's bin described for cdrdao(1) ("TOC
 * FILES" in its manual page), so that `cdrdao write` can burn it back.
 *
 *   CD_DA | CD_ROM | CD_ROM_XA        by the tracks of the session
 *   CATALOG "mcn"
 *   CD_TEXT { LANGUAGE_MAP { 0 : EN } LANGUAGE 0 { TITLE ... } }  (session 1)
 *   FIRST_TRACK_NO n                  sessions after the first
 *   TRACK AUDIO | MODE1_RAW | MODE2_RAW
 *     [NO] COPY, [NO] PRE_EMPHASIS, TWO_/FOUR_CHANNEL_AUDIO (audio), ISRC
 *     CD_TEXT { LANGUAGE 0 { ... } }
 *     FILE "bin" SWAP #offset 0 length    audio: the bin holds little-endian
 *                                         samples, cdrdao expects big-endian
 *     DATAFILE "bin" #offset length       data: raw 2352-byte sectors
 *     START mm:ss:ff                      the pregap (INDEX 00) before INDEX 01
 *     INDEX mm:ss:ff                      INDEX 02.., from INDEX 01
 * A CD-TEXT item used anywhere is written for the disc and for every track
 * ("" where it is empty), as the packs carry it.  Strings are ISO 8859-1
 * (the CD-TEXT character set), with '"', '\' and bytes outside printable
 * ASCII written as \ooo octal escapes, which cdrdao's lexer reads.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "discwright/version.h"
#include "disc/disc_int.h"

#define SESSION_PREGAP_SECTORS 150 /* the pregap every session starts with */

/* Frames from the start of the bin to lba (session gaps left out). */
static int64_t bin_frames(const struct dw_toc_write_opts *o, int32_t lba)
{
    int64_t pos = (int64_t)lba - o->bin_first_lba;
    for (int i = 0; i < o->gap_count; i++)
        if (lba >= o->gap_lba[i])
            pos -= o->gap_sectors[i];
    return pos;
}

static void put_msf(FILE *out, int64_t frames)
{
    fprintf(out, "%02d:%02d:%02d", (int)(frames / (60 * 75)), (int)(frames / 75 % 60),
            (int)(frames % 75));
}

static void put_string(FILE *out, const char *text)
{
    unsigned char latin1[4 * DW_CDTEXT_BYTES];
    size_t n = dw__latin1_of(text, latin1, sizeof(latin1));
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = latin1[i];
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
            fprintf(out, "\\%03o", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static const struct {
    const char *name;
    size_t offset;
} cdtext_items[] = {
    {"TITLE", offsetof(struct dw_cdtext, title)},
    {"PERFORMER", offsetof(struct dw_cdtext, performer)},
    {"SONGWRITER", offsetof(struct dw_cdtext, songwriter)},
    {"COMPOSER", offsetof(struct dw_cdtext, composer)},
    {"ARRANGER", offsetof(struct dw_cdtext, arranger)},
    {"MESSAGE", offsetof(struct dw_cdtext, message)},
};
#define CDTEXT_ITEMS (sizeof(cdtext_items) / sizeof(cdtext_items[0]))

static const char *item_of(const struct dw_cdtext *ct, size_t k)
{
    return (const char *)ct + cdtext_items[k].offset;
}

static void put_cdtext(FILE *out, const char *indent, const struct dw_cdtext *ct,
                       const bool used[CDTEXT_ITEMS], bool with_map)
{
    fprintf(out, "%sCD_TEXT {\n", indent);
    if (with_map)
        fprintf(out, "%s  LANGUAGE_MAP {\n%s    0 : EN\n%s  }\n", indent, indent, indent);
    fprintf(out, "%s  LANGUAGE 0 {\n", indent);
    for (size_t k = 0; k < CDTEXT_ITEMS; k++) {
        if (!used[k])
            continue;
        fprintf(out, "%s    %s ", indent, cdtext_items[k].name);
        put_string(out, item_of(ct, k));
        fputc('\n', out);
    }
    fprintf(out, "%s  }\n%s}\n", indent, indent);
}

int dw_toc_write(const struct dw_disc *disc, const struct dw_toc_write_opts *opts,
                 FILE *out)
{
    bool used[CDTEXT_ITEMS] = {false}, any_text = false, data = false, xa = false;
    int first = -1, end = -1, sessions = 0, last_session = 0;

    if (!disc || !opts || !out || !opts->bin_name || disc->track_count <= 0 ||
        opts->flags || opts->session < 0)
        return DW_EINVAL;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->session != last_session) {
            last_session = t->session;
            sessions++;
        }
        if (opts->session ? t->session != opts->session : false)
            continue;
        if (first < 0)
            first = i;
        end = i + 1;
        data = data || dw_track_is_data(t);
        xa = xa || t->mode == DW_MODE_MODE2 || t->mode == DW_MODE_MODE2_XA;
    }
    if (first < 0 || (opts->session == 0 && sessions > 1))
        return DW_EINVAL;
    bool first_session = disc->tracks[first].session == disc->tracks[0].session;
    if (first_session) {
        for (size_t k = 0; k < CDTEXT_ITEMS; k++) {
            used[k] = item_of(&disc->cdtext, k)[0] != '\0';
            for (int i = 0; i < disc->track_count && !used[k]; i++)
                used[k] = item_of(&disc->tracks[i].cdtext, k)[0] != '\0';
            any_text = any_text || used[k];
        }
    }

    fprintf(out, "// discwright %s: \"%s\" for cdrdao", DW_VERSION_STRING,
            opts->bin_name);
    if (sessions > 1)
        fprintf(out, " (session %d of %d)", disc->tracks[first].session, sessions);
    fprintf(out, "\n%s\n", xa ? "CD_ROM_XA" : data ? "CD_ROM" : "CD_DA");
    if (dw_mcn_valid(disc->mcn)) {
        fputs("CATALOG ", out);
        put_string(out, disc->mcn);
        fputc('\n', out);
    }
    if (disc->tracks[first].number != 1)
        fprintf(out, "FIRST_TRACK_NO %d\n", disc->tracks[first].number);
    if (any_text)
        put_cdtext(out, "", &disc->cdtext, used, true);

    for (int i = first; i < end; i++) {
        const struct dw_track *t = &disc->tracks[i];
        bool audio = !dw_track_is_data(t);
        int32_t start = dw_track_first_lba(t);
        if (start < opts->bin_first_lba)
            start = opts->bin_first_lba;
        /* The first track of a later session: the recorder writes the
         * session's 150-sector pregap itself. */
        if (i == first && !first_session) {
            int32_t keep = t->index_lba[1] - start - SESSION_PREGAP_SECTORS;
            start = t->index_lba[1] - (keep > 0 ? keep : 0);
        }
        int64_t offset = bin_frames(opts, start) * DW_SECTOR_RAW_BYTES;
        int32_t sectors = t->end_lba - start;

        fprintf(out, "\n// track %02d\nTRACK %s\n", t->number,
                audio                                                  ? "AUDIO"
                : t->mode == DW_MODE_MODE1 || t->mode == DW_MODE_AUDIO ? "MODE1_RAW"
                                                                       : "MODE2_RAW");
        fprintf(out, "%sCOPY\n", t->control & DW_CTL_DCP ? "" : "NO ");
        if (audio) {
            fprintf(out, "%sPRE_EMPHASIS\n", t->control & DW_CTL_PRE ? "" : "NO ");
            fprintf(out, "%s_CHANNEL_AUDIO\n", t->control & DW_CTL_4CH ? "FOUR" : "TWO");
        }
        if (dw_isrc_valid(t->isrc)) {
            fputs("ISRC ", out);
            put_string(out, t->isrc);
            fputc('\n', out);
        }
        if (any_text)
            put_cdtext(out, "", &t->cdtext, used, false);
        if (audio) {
            fprintf(out, "FILE ");
            put_string(out, opts->bin_name);
            fprintf(out, " SWAP #%lld 0 ", (long long)offset);
        } else {
            fprintf(out, "DATAFILE ");
            put_string(out, opts->bin_name);
            fprintf(out, " #%lld ", (long long)offset);
        }
        put_msf(out, sectors);
        fputc('\n', out);
        if (t->index_lba[1] > start) {
            fputs("START ", out);
            put_msf(out, t->index_lba[1] - start);
            fputc('\n', out);
        }
        for (int k = 2; k < t->index_count && k < DW_MAX_INDEXES; k++) {
            if (t->index_lba[k] == DW_LBA_NONE)
                continue;
            fputs("INDEX ", out);
            put_msf(out, t->index_lba[k] - t->index_lba[1]);
            fputc('\n', out);
        }
    }
    return ferror(out) ? DW_EIO : 0;
}
