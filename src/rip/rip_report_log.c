/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip's human log: every line of NAME.log comes from here, written as
 * the rip goes (so a failed rip leaves its log as evidence) from the typed
 * report model (rip_report.h) or from a note the pipeline makes
 * (dw__rip_log).  Each line also goes to the caller's log callback.  Text
 * is escaped on its way out (dw_text_escape): a CD-TEXT title, a file name
 * or a drive's answer cannot add lines or terminal controls. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/report.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/rip_report.h"

void dw__rip_bad_reason(int32_t detail, char *out, size_t out_bytes)
{
    if (detail >= 0x10000)
        snprintf(out, out_bytes, "unreadable, sense %X/%02X/%02X", detail >> 16,
                 (detail >> 8) & 0xff, detail & 0xff);
    else if (detail == DW__BAD_PARANOIA_SKIP)
        snprintf(out, out_bytes, "unreadable: no read delivered it (libcdio-paranoia filled it in)");
    else if (detail == DW__BAD_SECURE_UNCONFIRMED)
        snprintf(out, out_bytes, "unconfirmed: no two clean re-reads agreed");
    else if (detail == DW__BAD_JITTER_UNCONFIRMED)
        snprintf(out, out_bytes, "jitter-unconfirmed: no read was proven to start where it "
                                 "should");
    else if (detail == DW__BAD_PARANOIA_EDGE)
        snprintf(out, out_bytes, "next to unreadable sectors (libcdio-paranoia may have "
                                 "altered it)");
    else if (detail < 0)
        snprintf(out, out_bytes, "unreadable, %s", dw_strerror(detail));
    else
        snprintf(out, out_bytes, "%s", dw_sector_verdict_name((enum dw_sector_verdict)detail));
}

/* One line into the log file only (no callback), escaped. */
static void file_line(struct dw__rip *r, const char *text)
{
    if (!r->log.fp)
        return;
    dw__fputs_escaped(text, r->log.fp);
    fputc('\n', r->log.fp);
}

static void file_linef(struct dw__rip *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void file_linef(struct dw__rip *r, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    file_line(r, line);
}

void dw__rip_log(struct dw__rip *r, enum dw_log_level level, const char *fmt, ...)
{
    char line[1024], safe[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    dw_text_escape(line, safe, sizeof(safe));
    if (r->log.fp)
        fprintf(r->log.fp, "%s%s\n",
                level == DW_LOG_WARN ? "warning: " : level == DW_LOG_ERROR ? "error: " : "", safe);
    if (r->cb && r->cb->log)
        r->cb->log(level, safe, r->cb->user);
}

/* The disc layout table (dw_disc_write_text), each line escaped. */
static void disc_table(struct dw__rip *r, const struct dw_disc *disc)
{
    char *text = NULL;
    size_t bytes = 0;
    FILE *mem = open_memstream(&text, &bytes);
    if (!mem)
        return;
    dw_disc_write_text(disc, mem);
    if (fclose(mem) == 0 && text) {
        for (char *line = text, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            else
                *nl = '\0';
            file_line(r, line);
            if (!nl[1])
                break;
        }
    }
    free(text);
}

void dw__riplog_header(struct dw__rip *r, const char *drive_warnings)
{
    const struct dw_rip_report *rep = r->rep;
    const struct dw_drive_info *info = &rep->source;
    const struct dw_medium_info *m = &rep->medium;
    file_linef(r, "discwright %s rip log", DW_VERSION_STRING);
    if (rep->command_line)
        file_linef(r, "command: %s", rep->command_line);
    file_linef(r, "started: %s", rep->started);
    file_line(r, "");
    file_linef(r, "source: %s (%s %s %s, %s)", info->address, info->vendor, info->model,
               info->firmware, info->backend);
    file_linef(r, "medium: %s, %s, %lld sectors, %d session(s)", m->profile_name,
               dw_disc_status_name(m->status), (long long)m->capacity_sectors, m->session_count);
    if (rep->profile_name)
        file_linef(r, "profile: %s (%s)", rep->profile_name,
                   rep->profile_file ? rep->profile_file : "no file");
    file_linef(r, "format: %s   audio read mode: %s   data re-reads: %d", rep->iso ? "iso" : "bincue",
               dw__rip_mode_name(rep->mode), rep->data_retries);
    file_line(r, "");
    file_line(r, "TOC:");
    disc_table(r, rep->toc);
    file_line(r, "");
    for (const char *w = drive_warnings ? drive_warnings : ""; *w;) {
        const char *nl = strchr(w, '\n');
        int len = nl ? (int)(nl - w) : (int)strlen(w);
        dw__rip_log(r, DW_LOG_WARN, "%.*s", len, w);
        w += len + (nl ? 1 : 0);
    }
}

void dw__riplog_layout(struct dw__rip *r)
{
    file_line(r, "");
    file_line(r, "layout after the Q sub-channel scan:");
    disc_table(r, r->rep->layout);
    file_line(r, "");
}

void dw__riplog_drive_profile(struct dw__rip *r, int load_rc, const char *load_error)
{
    const struct dw__rr_drive_profile *d = &r->rep->drive_profile;
    const struct dw_drive_info *info = &r->rep->source;
    if (!d->found) {
        if (load_rc == DW_ENOENT)
            dw__rip_log(r, DW_LOG_INFO,
                        "drive profile: none for %s %s (run 'discwright drives --probe --save' "
                        "once: secure mode then knows its C2 and cache)",
                        info->vendor, info->model);
        else
            dw__rip_log(r, DW_LOG_WARN, "drive profile: %s; going on without it", load_error);
        return;
    }
    const struct dw_drive_profile *p = &d->profile;
    char cache[64];
    if (p->cache_sectors >= 0)
        snprintf(cache, sizeof(cache), "%s %d sectors", dw_cache_estimate_name(p->cache),
                 p->cache_sectors);
    else
        snprintf(cache, sizeof(cache), "%s", dw_cache_estimate_name(p->cache));
    dw__rip_log(r, DW_LOG_INFO,
                "drive profile: %s (probed %s): C2 %s, cache %s, accurate stream %s; "
                "cache-defeating reads go %d sectors away",
                p->source, p->probe_date, dw_probe_state_name(p->c2), cache,
                dw_probe_state_name(p->accurate_stream), d->cache_defeat_sectors);
}

void dw__riplog_read_offset(struct dw__rip *r)
{
    const struct dw__rr_read_offset *ro = &r->rep->read_offset;
    if (!strcmp(ro->source, "none"))
        dw__rip_log(r, DW_LOG_INFO, "read offset correction: none (%s)", ro->detail);
    else
        dw__rip_log(r, DW_LOG_INFO, "read offset correction: %+d samples (from the %s: %s)",
                    ro->samples, !strcmp(ro->source, "option") ? "command line" : "drive table",
                    ro->detail);
}

void dw__riplog_zero_fill(struct dw__rip *r)
{
    const struct dw__rr_read_offset *ro = &r->rep->read_offset;
    for (int i = 0; i < ro->zero_filled_count; i++) {
        const struct dw__rr_zero_fill *z = &ro->zero_filled[i];
        char where[32] = "";
        if (z->track)
            snprintf(where, sizeof(where), " (track %02d)", z->track);
        dw__rip_log(r, DW_LOG_INFO,
                    "read offset: %lld samples from sample %lld of LBA %lld%s were "
                    "zero-filled: they lie in the %s, %s",
                    (long long)z->samples, (long long)(z->first_sample - z->lba * 588),
                    (long long)z->lba, where, z->source,
                    !strcmp(z->source, "data track") ? "which holds no audio"
                                                     : "which the drive does not read");
    }
    for (int e = 0; e < 2; e++)
        if (ro->overread[e] > 0)
            dw__rip_log(r, DW_LOG_INFO,
                        "read offset: the drive reads into the %s (overread): those samples "
                        "are the disc's",
                        e == 0 ? "lead-in" : "lead-out");
}

static void qscan_track_lines(struct dw__rip *r, const struct dw_qscan_track *qt,
                              const struct dw_track *t)
{
    char was[48] = "";
    if (qt->pregap != DW_QSCAN_NOT_SEARCHED) {
        int32_t start = t->index_lba[0] == DW_LBA_NONE ? t->index_lba[1] : t->index_lba[0];
        if (qt->toc_pregap_lba != t->index_lba[0])
            snprintf(was, sizeof(was), " (the TOC: %s)",
                     qt->toc_pregap_lba == DW_LBA_NONE ? "none" : "another");
        if (qt->pregap == DW_QSCAN_UNCERTAIN)
            dw__rip_log(r, DW_LOG_WARN,
                        "track %02d: the start of the pregap is uncertain: Q frames %d-%d did "
                        "not read good; INDEX 00 taken at LBA %d, the first frame seen in it",
                        qt->number, start - qt->uncertain_sectors, start - 1, start);
        else if (t->index_lba[0] != DW_LBA_NONE)
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: pregap INDEX 00 at LBA %d (%d sectors)%s",
                        qt->number, t->index_lba[0], dw_track_pregap_sectors(t), was);
        else
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: no pregap%s", qt->number, was);
    }
    for (int k = 2; k < t->index_count; k++)
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: INDEX %02d at LBA %d", qt->number, k,
                    t->index_lba[k]);
    if (qt->indexes_uncertain)
        dw__rip_log(r, DW_LOG_WARN,
                    "track %02d: Q shows more indexes than could be placed for certain",
                    qt->number);
    if (qt->isrc_from_q && t->isrc[0])
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: ISRC %s (%d Q frame%s)%s", qt->number, t->isrc,
                    qt->isrc_votes, qt->isrc_votes == 1 ? "" : "s",
                    qt->toc_isrc[0] && strcmp(qt->toc_isrc, t->isrc)
                        ? " (READ SUB-CHANNEL said otherwise)"
                        : "");
    else if (qt->isrc_from_q && qt->toc_isrc[0])
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: no ISRC in %d Q frames (READ SUB-CHANNEL said %s)",
                    qt->number, qt->isrc_frames_read, qt->toc_isrc);
    else if (!qt->isrc_from_q && t->isrc[0])
        dw__rip_log(r, DW_LOG_INFO,
                    "  track %02d: ISRC %s from READ SUB-CHANNEL (not seen in %d Q frames)",
                    qt->number, t->isrc, qt->isrc_frames_read);
    if ((t->control & DW_CTL_PRE) && qt->pre_emphasis_votes)
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: pre-emphasis (Q CONTROL in %d of %d frames)",
                    qt->number, qt->pre_emphasis_votes,
                    qt->pre_emphasis_votes + qt->no_pre_emphasis_votes);
}

void dw__riplog_qscan(struct dw__rip *r)
{
    const struct dw__rr_qscan *qs = &r->rep->qscan;
    if (!qs->ran) {
        if (qs->skipped[0])
            dw__rip_log(r, DW_LOG_INFO, "Q sub-channel scan: skipped (%s)", qs->skipped);
        else
            dw__rip_log(r, DW_LOG_WARN, "no Q sub-channel scan: %s; the layout is the TOC's",
                        qs->error);
        return;
    }
    const struct dw_qscan_result *q = qs->result;
    const struct dw_disc *disc = r->rep->layout;
    dw__rip_log(r, DW_LOG_INFO,
                "Q sub-channel scan (%s): %lld Q frames in %lld reads, %lld with a bad CRC, "
                "%lld unreadable, %.1f s",
                q->q_source, (long long)q->q_frames, (long long)q->read_requests,
                (long long)q->bad_crc_frames, (long long)q->unreadable_frames, q->seconds);
    if (q->stopped)
        dw__rip_log(r, DW_LOG_WARN,
                    "the Q sub-channel scan stopped early (%s): what it did not reach keeps "
                    "the TOC's layout",
                    q->stop_reason);
    const struct dw_track *t1 = &disc->tracks[0];
    if (t1->index_lba[0] != DW_LBA_NONE && t1->index_lba[0] <= 0 && t1->index_lba[1] > 0)
        dw__rip_log(r, DW_LOG_INFO,
                    "  hidden track before track %02d: LBA 0-%d (%d sectors), ripped as its "
                    "INDEX 00",
                    t1->number, t1->index_lba[1] - 1, t1->index_lba[1]);
    for (int i = 0; i < q->track_count && i < disc->track_count; i++)
        qscan_track_lines(r, &q->tracks[i], &disc->tracks[i]);
    if (q->mcn_from_q && disc->mcn[0])
        dw__rip_log(r, DW_LOG_INFO, "  MCN %s (%d Q frame%s)%s", disc->mcn, q->mcn_votes,
                    q->mcn_votes == 1 ? "" : "s",
                    q->toc_mcn[0] && strcmp(q->toc_mcn, disc->mcn)
                        ? " (READ SUB-CHANNEL said otherwise)"
                        : "");
    else if (!q->mcn_from_q && disc->mcn[0])
        dw__rip_log(r, DW_LOG_INFO, "  MCN %s from READ SUB-CHANNEL (not seen in Q)", disc->mcn);
}

void dw__riplog_resume(struct dw__rip *r)
{
    const struct dw__rr_resume *rs = &r->rep->resume;
    dw__rip_log(r, DW_LOG_INFO,
                "resuming from '%s' (the earlier rip: %s, %s): %lld sectors below LBA %d are "
                "kept, %lld bad ones among them are read again%s",
                rs->map, rs->earlier_complete ? "complete" : "interrupted",
                rs->earlier_mode[0] ? rs->earlier_mode : "?", (long long)rs->sectors_kept,
                rs->final_lba, (long long)rs->bad_sectors_read_again,
                rs->final_lba < r->bin_end_lba ? ", the rest is read from there on" : "");
}

void dw__riplog_track_start(struct dw__rip *r, const struct dw__rr_track *tr)
{
    const char *how = "";
    if (tr->paranoia)
        how = ", through libcdio-paranoia";
    else if (tr->secure)
        how = tr->test_and_copy ? ", test and copy" : ", secure";
    dw__rip_log(r, DW_LOG_INFO, "track %02d: %s, LBA %d-%d (%d sectors)%s", tr->number,
                dw_track_mode_name(tr->mode), tr->first_lba, tr->first_lba + tr->sectors - 1,
                tr->sectors, how);
}

void dw__riplog_track_done(struct dw__rip *r, const struct dw__rr_track *tr)
{
    const struct dw_digests *d = &tr->digests;
    if (tr->file) {
        dw__rip_log(r, DW_LOG_INFO, "track %02d -> %s: %d sectors  CRC32 %08x  MD5 %s  SHA1 %s",
                    tr->number, tr->file, tr->sectors, d->crc32, d->md5, d->sha1);
        return;
    }
    if (tr->secure && tr->test_and_copy)
        dw__rip_log(r, DW_LOG_INFO, "track %02d: test CRC %08x, copy CRC %08x: %s", tr->number,
                    (unsigned)tr->secure_stats.test_crc32, (unsigned)d->crc32,
                    tr->secure_stats.test_crc32 == d->crc32
                        ? "match"
                        : "differ (the sectors that differed were read again until "
                          "two reads agreed; the copy holds those)");
    dw__rip_log(r, DW_LOG_INFO,
                "track %02d: CRC32 %08x  MD5 %s  SHA1 %s  re-read %lld  bad %lld  (%.1f s)",
                tr->number, d->crc32, d->md5, d->sha1, (long long)tr->sectors_reread,
                (long long)tr->sectors_bad, tr->seconds);
}

void dw__riplog_image(struct dw__rip *r)
{
    const struct dw_digests *d = &r->rep->image_digests;
    /* --format flac/wav: the bin is read back into the track files and
     * not kept (audio_out.c); its digests are those of the whole disc. */
    dw__rip_log(r, DW_LOG_INFO, "image %s%s: %llu bytes  CRC32 %08x  MD5 %s  SHA1 %s",
                r->image_path, r->audio ? " (cut into the track files, not kept)" : "",
                (unsigned long long)d->bytes, d->crc32, d->md5, d->sha1);
}

void dw__riplog_audio(struct dw__rip *r)
{
    const struct dw_rip_report *rep = r->rep;
    for (int i = 0; i < rep->audio_count; i++) {
        const struct dw__rr_audio *a = &rep->audio[i];
        char f450[9] = "-";
        if (!a->complete)
            continue;
        if (a->ar.has_frame450)
            snprintf(f450, sizeof(f450), "%08x", a->ar.frame450);
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: AccurateRip v1 %08x  v2 %08x  frame-450 %s  copy CRC %08X  "
                    "CRC without nulls %08X",
                    a->number, a->ar.v1, a->ar.v2, f450, a->eac_copy_crc,
                    a->eac_crc_without_nulls);
    }
    if (rep->have_ids) {
        char url[DW_MB_URL_BYTES];
        dw__rip_log(r, DW_LOG_INFO, "disc ids: CDDB %08x  MusicBrainz %s  AccurateRip %s",
                    rep->ids.cddb_id, rep->ids.musicbrainz_id, rep->ids.ar_path);
        if (dw_disc_musicbrainz_url(r->disc, url, sizeof(url)) == 0)
            dw__rip_log(r, DW_LOG_INFO, "MusicBrainz submission: %s", url);
    }
}

static void pressings_text(const struct dw__rr_ar_track *t, char *text, size_t text_bytes)
{
    size_t used = 0;
    text[0] = '\0';
    for (int i = 0; i < t->pressing_count; i++) {
        int32_t s = t->pressings[i].offset_samples;
        unsigned c = t->pressings[i].confidence;
        int n = s ? snprintf(text + used, text_bytes - used,
                             "%smatches pressing at offset %+d (frame 450, confidence %u)",
                             used ? ", " : "", (int)s, c)
                  : snprintf(text + used, text_bytes - used,
                             "%sframe 450 matches without a shift (confidence %u): the "
                             "difference lies elsewhere in the track",
                             used ? ", " : "", c);
        if (n > 0 && (size_t)n < text_bytes - used)
            used += (size_t)n;
    }
}

void dw__riplog_accuraterip(struct dw__rip *r)
{
    const struct dw__rr_accuraterip *a = &r->rep->accuraterip;
    if (!a->path[0]) {
        dw__rip_log(r, DW_LOG_WARN, "AccurateRip: skipped: no disc ids for this layout");
        return;
    }
    if (!a->asked) {
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: not asked (--no-accuraterip)");
        return;
    }
    if (!strcmp(a->status, "unavailable") && !a->have_disc) {
        if (a->blocks == 0) /* the lookup itself failed (not out of memory later) */
            dw__rip_log(r, DW_LOG_WARN,
                        "AccurateRip unavailable: %s; the rip goes on unconfirmed", a->message);
        return;
    }
    if (!a->have_disc) {
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s is not in the database (%s%s)", a->path,
                    a->origin, a->origin && !strcmp(a->origin, "cache") ? "d answer" : "");
        return;
    }
    dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s (%d pressing block%s, from the %s)", a->path,
                a->blocks, a->blocks == 1 ? "" : "s", a->origin);
    for (int i = 0; i < a->track_count; i++) {
        const struct dw__rr_ar_track *t = &a->tracks[i];
        const struct dw_ar_track_match *m = &t->match;
        char line[768], ev[384];
        if (t->state == DW__RR_NOT_IN_DB) {
            snprintf(line, sizeof(line), "not in database (no entry for slot %d)", t->slot);
        } else if (t->state == DW__RR_ACCURATE) {
            snprintf(line, sizeof(line), "accurate (%s), confidence %u of %u",
                     m->kind == DW_AR_MATCH_V2 ? "v2" : "v1", m->confidence, m->submissions);
        } else {
            pressings_text(t, ev, sizeof(ev));
            snprintf(line, sizeof(line), "not accurate (%u submission%s)%s%s", m->submissions,
                     m->submissions == 1 ? "" : "s", ev[0] ? "; " : "", ev);
        }
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: %s", t->number, line);
    }
    if (a->disc_accurate == a->disc_tracks)
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s: %d of %d tracks, disc confidence %u",
                    a->status, a->disc_accurate, a->disc_tracks, a->disc_confidence);
    else
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s: %d of %d tracks", a->status,
                    a->disc_accurate, a->disc_tracks);
    if (a->message[0])
        dw__rip_log(r, DW_LOG_WARN, "AccurateRip: %s", a->message);
}

static void ctdb_track_lines(struct dw__rip *r)
{
    const struct dw__rr_ctdb *c = &r->rep->ctdb;
    for (int i = 0; c->compared && i < c->ours.track_count && i < r->rep->audio_count; i++) {
        const struct dw_ctdb_track_match *m = &c->track_match[i];
        int number = r->rep->audio[i].number;
        unsigned crc = (unsigned)c->ours.track_crc32[i];
        if (m->matched)
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, accurate, confidence %u "
                        "of %u", number, crc, m->confidence, m->submissions);
        else if (m->submissions)
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, not accurate (%u "
                        "submission%s)", number, crc, m->submissions,
                        m->submissions == 1 ? "" : "s");
        else
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, not in database (no "
                        "track CRCs for this layout)", number, crc);
    }
}

void dw__riplog_ctdb(struct dw__rip *r, bool quiet_skip)
{
    const struct dw__rr_ctdb *c = &r->rep->ctdb;
    unsigned crc = (unsigned)c->ours.crc32;
    if (!c->have_crc) {
        dw__rip_log(r, quiet_skip ? DW_LOG_INFO : DW_LOG_WARN, "CTDB: skipped: %s", c->message);
        return;
    }
    if (!c->asked) {
        if (!strcmp(c->message, "--no-accuraterip"))
            dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, not asked (--no-accuraterip)",
                        crc);
        else
            dw__rip_log(r, DW_LOG_WARN,
                        "CTDB: disc CRC %08x, skipped: no lookup TOC for this layout", crc);
        return;
    }
    bool unavailable = !strcmp(c->status, "unavailable");
    if (unavailable && c->have_tracks)
        dw__rip_log(r, DW_LOG_WARN,
                    "CTDB: disc CRC %08x, unavailable: %s; the rip goes on unconfirmed", crc,
                    c->message);
    else if (!strcmp(c->status, "not in database"))
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, not present in the database (%s%s)",
                    crc, c->origin, c->origin && !strcmp(c->origin, "cache") ? "d answer" : "");
    else if (c->compared && c->disc_match.matched)
        dw__rip_log(r, DW_LOG_INFO,
                    "CTDB: disc CRC %08x, found (confidence %u of %u submission%s, from the %s)",
                    crc, c->disc_match.confidence, c->disc_match.submissions,
                    c->disc_match.submissions == 1 ? "" : "s", c->origin);
    else if (c->compared)
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, no match (%u submission%s in %d "
                    "entr%s, from the %s)", crc, c->disc_match.submissions,
                    c->disc_match.submissions == 1 ? "" : "s", c->entry_count_answered,
                    c->entry_count_answered == 1 ? "y" : "ies", c->origin);
    ctdb_track_lines(r);
    if (c->message[0] && !unavailable)
        dw__rip_log(r, DW_LOG_WARN, "CTDB: %s", c->message);
}

void dw__riplog_htoa(struct dw__rip *r)
{
    const struct dw__rr_htoa *h = &r->rep->htoa;
    const char *file = r->rep->outputs[DW__RR_OUT_HTOA];
    if (!h->exists) {
        if (h->file_wanted)
            dw__rip_log(r, DW_LOG_INFO, "no hidden track before track 1: nothing written");
        return;
    }
    const char *silence = h->silent ? "all digital silence" : "not digital silence";
    if (h->file_wanted) {
        const char *base = file ? strrchr(file, '/') : NULL;
        dw__rip_log(r, DW_LOG_INFO,
                    "hidden track (HTOA): LBA %d-%d (%d sectors, %s, %s), written to %s",
                    h->first_lba, h->first_lba + h->sectors - 1, h->sectors, h->length, silence,
                    base ? base + 1 : file ? file : "");
    } else {
        dw__rip_log(r, DW_LOG_INFO,
                    "hidden track (HTOA): LBA %d-%d (%d sectors, %s, %s), in the bin as "
                    "INDEX 00 of track %02d",
                    h->first_lba, h->first_lba + h->sectors - 1, h->sectors, h->length, silence,
                    r->rep->layout->tracks[0].number);
    }
    if (h->sectors_bad)
        dw__rip_log(r, DW_LOG_WARN,
                    "%lld of the hidden track's %d sectors stayed bad: the drive could not "
                    "read them for certain (the bad: lines list them); %s what was read, "
                    "zeros where nothing did",
                    (long long)h->sectors_bad, h->sectors,
                    h->file_wanted ? "the bin and the .wav hold" : "the bin holds");
}

void dw__riplog_subchannel(struct dw__rip *r, const char *sub_name)
{
    const struct dw__rr_subchannel *s = &r->rep->subchannel;
    dw__rip_log(r, DW_LOG_INFO,
                "sub-channel pass (%s): %lld sectors, %lld unreadable (zero-filled), %lld Q "
                "frames with a bad CRC, %lld with another sector's time, %lld MCN and %lld "
                "ISRC frames (%.1f s)",
                s->source, (long long)s->sectors, (long long)s->unreadable.sectors,
                (long long)s->bad_q_crc_frames, (long long)s->misplaced_q_frames,
                (long long)s->mcn_frames, (long long)s->isrc_frames, s->seconds);
    for (int i = 0; i < s->unreadable.count; i++)
        dw__rip_log(r, DW_LOG_WARN, "sub-channel of LBA %d-%d did not read: zero-filled in %s",
                    s->unreadable.r[i].first_lba, s->unreadable.r[i].last_lba, sub_name);
}

void dw__riplog_summary(struct dw__rip *r)
{
    const struct dw_rip_report *rep = r->rep;
    file_line(r, "");
    file_linef(r, "sectors read: %lld   re-read: %lld   bad: %lld", (long long)rep->sectors_read,
               (long long)rep->reread.sectors, (long long)rep->bad.sectors);
    if (rep->resume.present)
        file_linef(r, "of them taken from the earlier run (%s): %lld", rep->resume.map,
                   (long long)rep->sectors_kept);
    for (int i = 0; i < rep->bad.count; i++) {
        char why[96];
        dw__rip_bad_reason(rep->bad.r[i].detail, why, sizeof(why));
        file_linef(r, "bad: LBA %d-%d (%d sectors): %s", rep->bad.r[i].first_lba,
                   rep->bad.r[i].last_lba, rep->bad.r[i].last_lba - rep->bad.r[i].first_lba + 1,
                   why);
    }
    for (int i = 0; i < rep->reread.count; i++)
        file_linef(r, "re-read: LBA %d-%d", rep->reread.r[i].first_lba, rep->reread.r[i].last_lba);
    for (int i = 0; i < rep->ecc_repaired.count; i++)
        file_linef(r, "repaired from ECC: LBA %d-%d", rep->ecc_repaired.r[i].first_lba,
                   rep->ecc_repaired.r[i].last_lba);
    file_linef(r, "verdict: %s%s%s (exit status %d)", rep->verdict_text, rep->error[0] ? ": " : "",
               rep->error, rep->exit_status);
    file_linef(r, "finished: %s", rep->finished);
}
