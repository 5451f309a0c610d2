/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip report model's lifetime and the public accessors of rip.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rip/rip_report.h"

struct dw_rip_report *dw__rip_report_new(void)
{
    struct dw_rip_report *rep = calloc(1, sizeof(*rep));
    if (!rep)
        return NULL;
    rep->verdict = DW_RIP_VERDICT_FAILED;
    rep->exit_status = 1;
    rep->read_offset.overread[0] = rep->read_offset.overread[1] = -1;
    return rep;
}

struct dw_rip_report *dw_rip_report_for_error(const struct dw_rip_opts *opts,
                                              const struct dw_error_detail *err)
{
    struct dw_rip_report *rep = dw__rip_report_new();
    if (!rep)
        return NULL;
    if (opts && opts->command_line && !(rep->command_line = strdup(opts->command_line))) {
        dw_rip_report_free(rep);
        return NULL;
    }
    dw__utc_now(rep->started);
    memcpy(rep->finished, rep->started, sizeof(rep->finished));
    snprintf(rep->verdict_text, sizeof(rep->verdict_text), "failed");
    snprintf(rep->error, sizeof(rep->error), "%s",
             err && err->message[0] ? err->message : dw_strerror(err ? err->code : DW_EIO));
    return rep;
}

int dw__rip_report_set_output(struct dw_rip_report *rep, enum dw__rr_output_kind kind,
                              const char *path)
{
    if ((unsigned)kind >= DW__RR_OUT_KINDS)
        return DW_EINVAL;
    char *copy = NULL;
    if (path && !(copy = strdup(path)))
        return DW_ENOMEM;
    free(rep->outputs[kind]);
    rep->outputs[kind] = copy;
    return 0;
}

struct dw__rr_track *dw__rip_report_add_track(struct dw_rip_report *rep,
                                              const struct dw_track *t, int32_t first_lba,
                                              int32_t sectors)
{
    if (rep->track_count == rep->track_cap) {
        int cap = rep->track_cap ? rep->track_cap * 2 : 8;
        struct dw__rr_track *n = realloc(rep->tracks, (size_t)cap * sizeof(*n));
        if (!n)
            return NULL;
        rep->tracks = n;
        rep->track_cap = cap;
    }
    struct dw__rr_track *tr = &rep->tracks[rep->track_count++];
    memset(tr, 0, sizeof(*tr));
    tr->number = t->number;
    tr->mode = t->mode;
    tr->first_lba = first_lba;
    tr->sectors = sectors;
    return tr;
}

static void ctdb_release(struct dw__rr_ctdb *c)
{
    for (int i = 0; i < c->entry_count; i++) {
        free(c->entries[i].toc);
        free(c->entries[i].hasparity);
        free(c->entries[i].track_matches);
    }
    free(c->entries);
}

void dw_rip_report_free(struct dw_rip_report *rep)
{
    if (!rep)
        return;
    free(rep->command_line);
    dw_disc_free(rep->toc);
    dw_disc_free(rep->layout);
    free(rep->profile_name);
    free(rep->profile_file);
    free(rep->read_offset.zero_filled);
    free(rep->qscan.result);
    free(rep->resume.map);
    for (int i = 0; i < rep->track_count; i++)
        free(rep->tracks[i].file);
    free(rep->tracks);
    free(rep->audio);
    free(rep->accuraterip.tracks);
    ctdb_release(&rep->ctdb);
    for (int i = 0; i < rep->toc_session_count; i++)
        free(rep->toc_sessions[i]);
    free(rep->toc_sessions);
    dw__ranges_release(&rep->subchannel.unreadable);
    dw__ranges_release(&rep->reread);
    dw__ranges_release(&rep->bad);
    dw__ranges_release(&rep->ecc_repaired);
    for (int i = 0; i < DW__RR_OUT_KINDS; i++)
        free(rep->outputs[i]);
    free(rep->json);
    free(rep);
}

const char *dw_rip_report_json(struct dw_rip_report *rep)
{
    if (!rep)
        return NULL;
    if (!rep->json)
        rep->json = dw__rip_report_to_json(rep);
    return rep->json;
}

enum dw_rip_verdict dw_rip_report_verdict(const struct dw_rip_report *rep)
{
    return rep ? rep->verdict : DW_RIP_VERDICT_FAILED;
}

int dw_rip_report_exit_status(const struct dw_rip_report *rep)
{
    return rep ? rep->exit_status : 1;
}

int64_t dw_rip_report_count(const struct dw_rip_report *rep, enum dw_rip_count what)
{
    if (!rep)
        return 0;
    switch (what) {
    case DW_RIP_SECTORS_READ:
        return rep->sectors_read;
    case DW_RIP_SECTORS_REREAD:
        return rep->reread.sectors;
    case DW_RIP_SECTORS_BAD:
        return rep->bad.sectors;
    case DW_RIP_SECTORS_KEPT:
        return rep->sectors_kept;
    case DW_RIP_PARANOIA_EVENTS:
        return rep->paranoia_events;
    case DW_RIP_AUDIO_TRACKS:
        return rep->audio_tracks;
    case DW_RIP_AUDIO_TRACKS_CONFIRMED:
        return rep->audio_tracks_confirmed;
    case DW_RIP_TRACKS:
        return rep->track_count;
    }
    return 0;
}

const char *dw_rip_report_output(const struct dw_rip_report *rep, enum dw_rip_output which)
{
    static const enum dw__rr_output_kind kinds[] = {
        [DW_RIP_OUT_IMAGE] = DW__RR_OUT_IMAGE, [DW_RIP_OUT_CUE] = DW__RR_OUT_CUE,
        [DW_RIP_OUT_LOG] = DW__RR_OUT_LOG,     [DW_RIP_OUT_REPORT] = DW__RR_OUT_REPORT,
        [DW_RIP_OUT_IMG] = DW__RR_OUT_IMG,     [DW_RIP_OUT_SUB] = DW__RR_OUT_SUB,
        [DW_RIP_OUT_CCD] = DW__RR_OUT_CCD,     [DW_RIP_OUT_TOC] = DW__RR_OUT_TOC,
        [DW_RIP_OUT_CDT] = DW__RR_OUT_CDT,     [DW_RIP_OUT_HTOA] = DW__RR_OUT_HTOA,
        [DW_RIP_OUT_MAP] = DW__RR_OUT_MAP};
    if (!rep || (unsigned)which >= sizeof(kinds) / sizeof(kinds[0]))
        return NULL;
    return rep->outputs[kinds[which]];
}

const char *dw_rip_report_log_sha256(const struct dw_rip_report *rep)
{
    return rep ? rep->log_sha256 : "";
}

const char *dw_rip_report_error(const struct dw_rip_report *rep)
{
    return rep ? rep->error : "";
}

const char *dw_rip_report_database(const struct dw_rip_report *rep, enum dw_rip_database db,
                                   const char **note, int *tracks, int *tracks_confirmed,
                                   unsigned *disc_confidence)
{
    const char *status = NULL, *message = "";
    int n = 0, ok = 0;
    unsigned conf = 0;
    if (rep && db == DW_RIP_DB_ACCURATERIP && rep->accuraterip.present) {
        const struct dw__rr_accuraterip *a = &rep->accuraterip;
        status = a->status;
        message = a->message;
        n = a->have_disc ? a->disc_tracks : 0;
        ok = a->disc_accurate;
        conf = a->disc_confidence;
    } else if (rep && db == DW_RIP_DB_CTDB && rep->ctdb.present) {
        const struct dw__rr_ctdb *c = &rep->ctdb;
        status = c->status;
        message = c->message;
        n = c->have_crc ? c->ours.track_count : 0;
        if (c->compared) {
            ok = c->disc_match.tracks_matched;
            conf = c->disc_match.matched ? c->disc_match.confidence : 0;
        }
    }
    if (note)
        *note = message;
    if (tracks)
        *tracks = n;
    if (tracks_confirmed)
        *tracks_confirmed = ok;
    if (disc_confidence)
        *disc_confidence = conf;
    return status;
}

int dw_rip_report_track(const struct dw_rip_report *rep, int i, int *number, int32_t *first_lba,
                        int32_t *sectors, int64_t *sectors_bad, struct dw_digests *digests)
{
    if (!rep || i < 0 || i >= rep->track_count)
        return DW_ERANGE;
    const struct dw__rr_track *t = &rep->tracks[i];
    if (number)
        *number = t->number;
    if (first_lba)
        *first_lba = t->first_lba;
    if (sectors)
        *sectors = t->sectors;
    if (sectors_bad)
        *sectors_bad = t->sectors_bad;
    if (digests)
        *digests = t->digests;
    return 0;
}
