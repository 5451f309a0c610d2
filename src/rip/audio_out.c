/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio outputs of a rip (--format flac, --format wav): one file per audio
 * track cut from the finished bin, and a cue sheet that references them.
 *
 * Layout: EAC's "non-compliant" (gaps appended) sheet, which whipper also
 * writes: a track's file runs from its INDEX 01 to the next track's INDEX
 * 01, so the next track's pregap (INDEX 00) is the end of this file.  A
 * hidden track before track 1 that is not digital silence becomes file
 * 00 (INDEX 00 of track 1 in the sheet); a silent one becomes a PREGAP.
 * Data tracks are left out (a CD-Extra's audio session is the album).
 *
 * FLAC: libFLAC's stream encoder (level 5), 16-bit stereo 44.1 kHz, with
 * Vorbis comments (TITLE, ARTIST, ALBUM, ALBUMARTIST, TRACKNUMBER,
 * TRACKTOTAL, ISRC, CATALOGNUMBER, MUSICBRAINZ_DISCID; the AccurateRip
 * results as CUETools/EAC name them: ACCURATERIPDISCID, ACCURATERIPCRC,
 * ACCURATERIPCOUNT, ACCURATERIPRESULT; the CTDB ones: CTDBTRACKCONFIDENCE,
 * CTDBDISCCONFIDENCE) and a CUESHEET block (FLAC format, METADATA_BLOCK_
 * CUESHEET: the track, its indexes and the next track's INDEX 00 when its
 * pregap ends the file).  WAV: libsndfile, RIFF WAVE PCM 16 with a LIST
 * INFO chunk (title, artist, album, track number).
 *
 * Every file is written as NAME.part and renamed with the rip's other
 * outputs (dw__rip_pending_add); the bin they are cut from is removed when
 * the set is renamed into place (rip.c, rip_commit). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>
#include <sndfile.h>
#include "discwright/report.h"
#include "discwright/sector.h"
#include "discwright/version.h"
#include "disc/disc_int.h"
#include "errors_int.h"
#include "rip/rip_int.h"
#include "rip/rip_report.h"

#define NAME_MAX_BYTES 200      /* a track file's name before its extension */
#define CHUNK_SECTORS 64
#define SAMPLES_PER_SECTOR 588  /* stereo samples in 2352 bytes */
#define DEFAULT_PATTERN "%n - %t"

struct audio_file {
    int number;          /* track number; 0 for the hidden track */
    int disc_index;      /* index into r->disc->tracks (track 1's for 0) */
    int32_t first_lba, end_lba; /* the file's sectors */
    char path[4200];
};

struct dw__audio_out {
    bool flac;
    int file_count;                         /* track files, HTOA not counted */
    struct audio_file files[DW_MAX_TRACKS]; /* in disc order */
    struct audio_file htoa;                 /* path set when the disc has one */
    int htoa_disc_index;
    bool htoa_file;                         /* written (not silent) */
    int32_t htoa_silence_sectors;           /* written as PREGAP when silent */
    int last_audio;                         /* number of the last audio track */
};

bool dw__rip_format_audio(enum dw_rip_format f)
{
    return f == DW_RIP_FLAC || f == DW_RIP_WAV;
}

bool dw__rip_name_is_pattern(const struct dw_rip_opts *opts)
{
    return dw__rip_format_audio(opts->format) && opts->name && strchr(opts->name, '%');
}

/* Append text to a file name being built, as data: '/' and control
 * characters become '_', and '"' (which a cue's FILE line cannot hold)
 * '\''. */
static void put_field(char *out, size_t out_bytes, size_t *used, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c && *used + 1 < out_bytes; c++)
        out[(*used)++] = (*c < 0x20 || *c == 0x7f || *c == '/') ? '_'
                         : *c == '"'                              ? '\''
                                                                  : (char)*c;
    out[*used] = '\0';
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    s[max] = '\0';
}

/* Expand pattern for track t (NULL: the hidden track, number 00) into a
 * file name: %n two-digit number, %t title ("Track NN" / "Hidden Track"),
 * %a artist (the track's performer, else the album's, else "Unknown
 * Artist"), %A album title ("Unknown Album"), %% a '%'.  Text from the
 * disc is data: no '/', no control characters, not valid UTF-8 -> '_' for
 * bytes >= 0x80, no leading '.', at most NAME_MAX_BYTES.  Returns 0 or
 * DW_EINVAL for an unknown %-code. */
static int expand_name(const char *pattern, const struct dw_disc *disc,
                       const struct dw_track *t, int number, char *out, size_t out_bytes,
                       struct dw_error_detail *err)
{
    char num[8], title[64];
    size_t used = 0;
    out[0] = '\0';
    snprintf(num, sizeof(num), "%02d", number);
    for (const char *p = pattern; *p; p++) {
        if (*p != '%') {
            char one[2] = {*p, '\0'};
            put_field(out, out_bytes, &used, one);
            continue;
        }
        const char *v = NULL;
        switch (*++p) {
        case 'n': v = num; break;
        case 't':
            if (t && t->cdtext.title[0])
                v = t->cdtext.title;
            else if (t) {
                snprintf(title, sizeof(title), "Track %02d", number);
                v = title;
            } else {
                v = "Hidden Track";
            }
            break;
        case 'a':
            v = t && t->cdtext.performer[0] ? t->cdtext.performer
                : disc->cdtext.performer[0] ? disc->cdtext.performer
                                            : "Unknown Artist";
            break;
        case 'A': v = disc->cdtext.title[0] ? disc->cdtext.title : "Unknown Album"; break;
        case '%': v = "%"; break;
        default: {
            char safe[256];
            dw_text_escape(pattern, safe, sizeof(safe));
            return dw__set_error(err, DW_EINVAL,
                                 "--name '%s' has an unknown %%-code: use %%n (number), %%t "
                                 "(title), %%a (artist), %%A (album) or %%%%",
                                 safe);
        }
        }
        put_field(out, out_bytes, &used, v);
    }
    if (!dw_text_is_clean(out))
        for (char *c = out; *c; c++)
            if ((unsigned char)*c >= 0x80)
                *c = '_';
    if (out[0] == '.')
        out[0] = '_';
    cut_utf8(out, NAME_MAX_BYTES);
    if (!out[0])
        snprintf(out, out_bytes, "%s", num);
    return 0;
}

/* The track after disc index k whose pregap ends k's file: the next track,
 * audio and in the same session.  -1 when none. */
static int next_joined(const struct dw_disc *disc, int k)
{
    if (k + 1 >= disc->track_count)
        return -1;
    const struct dw_track *t = &disc->tracks[k], *n = &disc->tracks[k + 1];
    if (dw_track_is_data(n) || n->session != t->session || dw_track_first_lba(n) != t->end_lba)
        return -1;
    return k + 1;
}

static int file_path(struct dw__rip *r, const char *stem, const char *ext, char *out,
                     size_t out_bytes)
{
    int n = snprintf(out, out_bytes, "%s/%s%s", r->opts->output_dir, stem, ext);
    if (n < 0 || (size_t)n >= out_bytes)
        return dw__set_error(r->err, DW_EINVAL, "output path too long for '%s%s'", stem, ext);
    return 0;
}

int dw__rip_audio_check(struct dw__rip *r)
{
    if (!dw__rip_format_audio(r->opts->format))
        return 0;
    const struct dw_disc *disc = r->disc;
    const char *pattern = dw__rip_name_is_pattern(r->opts) ? r->opts->name : DEFAULT_PATTERN;
    const char *ext = r->opts->format == DW_RIP_FLAC ? ".flac" : ".wav";
    char stem[1024];
    int rc;
    if (r->opts->flags & (DW_RIP_TOC | DW_RIP_SUBCHANNEL))
        return dw__set_error(r->err, DW_EINVAL,
                             "--toc and --subchannel describe a BIN/CUE image, which --format "
                             "%s does not keep: rip with --format bincue for them",
                             r->opts->format == DW_RIP_FLAC ? "flac" : "wav");
    struct dw__audio_out *a = calloc(1, sizeof(*a));
    if (!a)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    r->audio = a;
    a->flac = r->opts->format == DW_RIP_FLAC;
    for (int k = 0; k < disc->track_count; k++) {
        const struct dw_track *t = &disc->tracks[k];
        if (dw_track_is_data(t)) {
            dw__rip_log(r, DW_LOG_WARN,
                        "track %02d is a data track and is not in the %s files: rip the disc "
                        "with --format bincue to keep it",
                        t->number, a->flac ? "FLAC" : "WAV");
            continue;
        }
        struct audio_file *f = &a->files[a->file_count++];
        f->number = t->number;
        f->disc_index = k;
        f->first_lba = t->index_lba[1];
        int nx = next_joined(disc, k);
        f->end_lba = nx >= 0 ? disc->tracks[nx].index_lba[1] : t->end_lba;
        a->last_audio = t->number;
        if ((rc = expand_name(pattern, disc, t, t->number, stem, sizeof(stem), r->err)) ||
            (rc = file_path(r, stem, ext, f->path, sizeof(f->path))))
            return rc;
    }
    if (a->file_count == 0)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "the disc in '%s' has no audio track: rip it with --format bincue "
                             "or iso",
                             r->source);
    /* The hidden track: sectors of the first track's pregap that the bin
     * holds (it starts at LBA 0 at the earliest). */
    const struct dw_track *t1 = &disc->tracks[0];
    int32_t bin_first = dw_track_first_lba(t1) < 0 ? 0 : dw_track_first_lba(t1);
    if (a->files[0].disc_index == 0 && t1->index_lba[1] > bin_first) {
        a->htoa.number = 0;
        a->htoa.disc_index = 0;
        a->htoa.first_lba = bin_first;
        a->htoa.end_lba = t1->index_lba[1];
        if ((rc = expand_name(pattern, disc, NULL, 0, stem, sizeof(stem), r->err)) ||
            (rc = file_path(r, stem, ext, a->htoa.path, sizeof(a->htoa.path))))
            return rc;
    }
    /* Two tracks with one name (a pattern without %n), or a file that is
     * already there (an earlier rip: --overwrite replaces it). */
    for (int i = -1; i < a->file_count; i++) {
        const char *p = i < 0 ? a->htoa.path : a->files[i].path;
        struct stat st;
        if (!p[0])
            continue;
        for (int j = i + 1; j < a->file_count; j++)
            if (!strcmp(p, a->files[j].path))
                return dw__set_error(r->err, DW_EINVAL,
                                     "two tracks would be written as '%s': put %%n in --name",
                                     p);
        if (!(r->opts->flags & DW_RIP_OVERWRITE) && lstat(p, &st) == 0)
            return dw__set_error(r->err, DW_EEXIST,
                                 "'%s' already exists: add --overwrite to replace it, or choose "
                                 "another --name or -o",
                                 p);
    }
    return 0;
}

void dw__rip_audio_release(struct dw__rip *r)
{
    free(r->audio);
    r->audio = NULL;
}

/* Byte offset in the bin of LBA lba (session gaps are not in the bin). */
static int64_t bin_offset(const struct dw__rip *r, int32_t lba)
{
    int64_t sectors = 0;
    for (int i = 0; i < r->disc->track_count; i++) {
        const struct dw_track *t = &r->disc->tracks[i];
        int32_t first = dw_track_first_lba(t), end = t->end_lba;
        first = first < r->bin_first_lba ? r->bin_first_lba : first;
        if (lba < first)
            break;
        if (lba < end)
            return (sectors + (lba - first)) * DW_SECTOR_RAW_BYTES;
        sectors += end - first;
    }
    return sectors * DW_SECTOR_RAW_BYTES;
}

/* ------------------------------------------------------------------ */
/* FLAC                                                                */

/* Where the encoder writes: the .part file, and the errno of a failed
 * write (a full disk) for the message. */
struct flac_sink {
    FILE *fp;
    int write_errno;
};

static FLAC__StreamEncoderWriteStatus flac_write(const FLAC__StreamEncoder *enc,
                                                 const FLAC__byte buffer[], size_t bytes,
                                                 uint32_t samples, uint32_t frame, void *data)
{
    struct flac_sink *s = data;
    (void)enc, (void)samples, (void)frame;
    if (fwrite(buffer, 1, bytes, s->fp) == bytes)
        return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
    s->write_errno = errno ? errno : EIO;
    return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
}

static FLAC__StreamEncoderSeekStatus flac_seek(const FLAC__StreamEncoder *enc,
                                               FLAC__uint64 offset, void *data)
{
    struct flac_sink *s = data;
    (void)enc;
    /* A seek flushes the stream's buffer: a full disk shows here. */
    if (fseeko(s->fp, (off_t)offset, SEEK_SET) == 0)
        return FLAC__STREAM_ENCODER_SEEK_STATUS_OK;
    if (!s->write_errno)
        s->write_errno = errno ? errno : EIO;
    return FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;
}

static FLAC__StreamEncoderTellStatus flac_tell(const FLAC__StreamEncoder *enc,
                                               FLAC__uint64 *offset, void *data)
{
    struct flac_sink *s = data;
    (void)enc;
    off_t o = ftello(s->fp);
    if (o < 0)
        return FLAC__STREAM_ENCODER_TELL_STATUS_ERROR;
    *offset = (FLAC__uint64)o;
    return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
}

/* Add NAME=value to a Vorbis comment block (nothing for an empty value).
 * Text from the disc is data: a value that is not clean UTF-8 (control
 * characters, invalid bytes) goes in as dw_text_escape writes it. */
static bool tag(FLAC__StreamMetadata *vc, const char *name, const char *value)
{
    FLAC__StreamMetadata_VorbisComment_Entry e;
    char safe[4 * 161];
    if (!value || !value[0])
        return true;
    if (!dw_text_is_clean(value)) {
        dw_text_escape(value, safe, sizeof(safe));
        value = safe;
    }
    if (!FLAC__metadata_object_vorbiscomment_entry_from_name_value_pair(&e, name, value))
        return false;
    return FLAC__metadata_object_vorbiscomment_append_comment(vc, e, false);
}

/* The AccurateRip and CTDB results of audio track `number` as tags. */
static bool tag_accuracy(struct dw__rip *r, FLAC__StreamMetadata *vc, int number)
{
    const struct dw_rip_report *rep = r->rep;
    char text[256];
    bool ok = true;
    if (rep->have_ids) {
        snprintf(text, sizeof(text), "%03d-%08" PRIx32 "-%08" PRIx32 "-%08" PRIx32,
                 rep->ids.audio_tracks, rep->ids.ar_id1, rep->ids.ar_id2, rep->ids.cddb_id);
        ok = ok && tag(vc, "ACCURATERIPDISCID", text) &&
             tag(vc, "MUSICBRAINZ_DISCID", rep->ids.musicbrainz_id);
    }
    for (int i = 0; i < rep->audio_count; i++) {
        const struct dw__rr_audio *au = &rep->audio[i];
        if (au->number != number || !au->complete)
            continue;
        snprintf(text, sizeof(text), "%08" PRIX32, au->ar.v2);
        ok = ok && tag(vc, "ACCURATERIPCRC", text);
    }
    const struct dw__rr_accuraterip *ar = &rep->accuraterip;
    for (int i = 0; ar->present && i < ar->track_count; i++) {
        const struct dw__rr_ar_track *t = &ar->tracks[i];
        if (t->number != number)
            continue;
        const char *state = t->state == DW__RR_ACCURATE       ? "accurate"
                            : t->state == DW__RR_NOT_ACCURATE ? "not accurate"
                                                              : "not in database";
        if (t->state == DW__RR_ACCURATE)
            snprintf(text, sizeof(text), "AccurateRip: %s (confidence %u of %u)", state,
                     t->match.confidence, t->match.submissions);
        else
            snprintf(text, sizeof(text), "AccurateRip: %s", state);
        ok = ok && tag(vc, "ACCURATERIPRESULT", text);
        snprintf(text, sizeof(text), "%u", t->state == DW__RR_ACCURATE ? t->match.confidence : 0);
        ok = ok && tag(vc, "ACCURATERIPCOUNT", text);
    }
    const struct dw__rr_ctdb *c = &rep->ctdb;
    if (c->present && c->compared) {
        for (int i = 0; i < r->ar_count && i < DW_MAX_TRACKS; i++) {
            if (r->ar[i].number != number)
                continue;
            snprintf(text, sizeof(text), "%u/%u", c->track_match[i].confidence,
                     c->track_match[i].submissions);
            ok = ok && tag(vc, "CTDBTRACKCONFIDENCE", text);
        }
        snprintf(text, sizeof(text), "%u/%u", c->disc_match.confidence,
                 c->disc_match.submissions);
        ok = ok && tag(vc, "CTDBDISCCONFIDENCE", text);
    }
    return ok;
}

static FLAC__StreamMetadata *flac_tags(struct dw__rip *r, const struct audio_file *f)
{
    const struct dw_disc *disc = r->disc;
    const struct dw_track *t = f->number ? &disc->tracks[f->disc_index] : NULL;
    FLAC__StreamMetadata *vc = FLAC__metadata_object_new(FLAC__METADATA_TYPE_VORBIS_COMMENT);
    char num[8], total[8];
    if (!vc)
        return NULL;
    snprintf(num, sizeof(num), "%d", f->number);
    snprintf(total, sizeof(total), "%d", r->audio->last_audio);
    const char *artist = t && t->cdtext.performer[0] ? t->cdtext.performer
                                                     : disc->cdtext.performer;
    bool ok = tag(vc, "TITLE", t ? t->cdtext.title : "Hidden Track") &&
              tag(vc, "ARTIST", artist) && tag(vc, "ALBUM", disc->cdtext.title) &&
              tag(vc, "ALBUMARTIST", disc->cdtext.performer) &&
              tag(vc, "TRACKNUMBER", num) && tag(vc, "TRACKTOTAL", total) &&
              tag(vc, "ISRC", t && dw_isrc_valid(t->isrc) ? t->isrc : NULL) &&
              tag(vc, "CATALOGNUMBER", dw_mcn_valid(disc->mcn) ? disc->mcn : NULL) &&
              (!t || tag_accuracy(r, vc, f->number));
    if (!ok) {
        FLAC__metadata_object_delete(vc);
        return NULL;
    }
    return vc;
}

/* Add an index at sample offset to the last track of a cue sheet block. */
static bool cue_index(FLAC__StreamMetadata *cs, int number, int64_t offset_samples)
{
    unsigned tn = cs->data.cue_sheet.num_tracks - 1;
    FLAC__StreamMetadata_CueSheet_Index idx = {.offset = (FLAC__uint64)offset_samples,
                                               .number = (FLAC__byte)number};
    return FLAC__metadata_object_cuesheet_track_insert_index(
        cs, tn, cs->data.cue_sheet.tracks[tn].num_indices, idx);
}

static bool cue_track(FLAC__StreamMetadata *cs, int number, int64_t offset_samples,
                      const struct dw_track *t)
{
    FLAC__StreamMetadata_CueSheet_Track tr = {.offset = (FLAC__uint64)offset_samples,
                                              .number = (FLAC__byte)number};
    if (t) {
        tr.type = 0; /* audio */
        tr.pre_emphasis = (t->control & DW_CTL_PRE) ? 1 : 0;
        if (dw_isrc_valid(t->isrc))
            memcpy(tr.isrc, t->isrc, 12);
    }
    return FLAC__metadata_object_cuesheet_insert_track(cs, cs->data.cue_sheet.num_tracks, &tr,
                                                       true);
}

/* The file's CUESHEET block: its track (INDEX 01 at 0 and any further
 * indexes; the hidden track file: track 1's INDEX 00 at 0), the next
 * track's INDEX 00 where its pregap ends the file, and the lead-out (170)
 * at the file's end.  Positions in samples from the file's start. */
static FLAC__StreamMetadata *flac_cuesheet(struct dw__rip *r, const struct audio_file *f)
{
    const struct dw_disc *disc = r->disc;
    FLAC__StreamMetadata *cs = FLAC__metadata_object_new(FLAC__METADATA_TYPE_CUESHEET);
    if (!cs)
        return NULL;
    cs->data.cue_sheet.is_cd = true;
    cs->data.cue_sheet.lead_in = 2 * 44100;
    if (dw_mcn_valid(disc->mcn))
        memcpy(cs->data.cue_sheet.media_catalog_number, disc->mcn, 13);
    const struct dw_track *t = &disc->tracks[f->disc_index];
    bool ok;
    if (f->number == 0) {
        ok = cue_track(cs, t->number, 0, t) && cue_index(cs, 0, 0);
    } else {
        ok = cue_track(cs, t->number, 0, t) && cue_index(cs, 1, 0);
        for (int j = 2; ok && j < t->index_count; j++)
            if (t->index_lba[j] != DW_LBA_NONE)
                ok = cue_index(cs, j,
                               (int64_t)(t->index_lba[j] - f->first_lba) * SAMPLES_PER_SECTOR);
        int nx = next_joined(disc, f->disc_index);
        if (ok && nx >= 0 && disc->tracks[nx].index_lba[0] != DW_LBA_NONE &&
            disc->tracks[nx].index_lba[0] < f->end_lba) {
            int64_t at = (int64_t)(disc->tracks[nx].index_lba[0] - f->first_lba) *
                         SAMPLES_PER_SECTOR;
            ok = cue_track(cs, disc->tracks[nx].number, at, &disc->tracks[nx]) &&
                 cue_index(cs, 0, 0);
        }
    }
    ok = ok && cue_track(cs, 170,
                         (int64_t)(f->end_lba - f->first_lba) * SAMPLES_PER_SECTOR, NULL);
    const char *why = NULL;
    if (!ok || !FLAC__format_cuesheet_is_legal(&cs->data.cue_sheet, true, &why)) {
        if (why)
            dw__rip_log(r, DW_LOG_WARN, "no CUESHEET block in '%s': %s", f->path, why);
        FLAC__metadata_object_delete(cs);
        return NULL;
    }
    return cs;
}

/* ------------------------------------------------------------------ */
/* Writing one file                                                    */

struct writer {
    FLAC__StreamEncoder *enc;
    struct flac_sink sink;
    SNDFILE *snd;
    int32_t *pcm32;
    short *pcm16;
};

static int writer_open(struct dw__rip *r, const struct audio_file *f, FILE *fp,
                       uint64_t samples, struct writer *w, FLAC__StreamMetadata **meta)
{
    const struct dw_disc *disc = r->disc;
    const struct dw_track *t = f->number ? &disc->tracks[f->disc_index] : NULL;
    if (r->audio->flac) {
        int n = 0;
        if (!(meta[0] = flac_tags(r, f)))
            return dw__set_error(r->err, DW_ENOMEM, "out of memory");
        n = 1;
        if ((meta[1] = flac_cuesheet(r, f)))
            n = 2;
        w->sink.fp = fp;
        w->enc = FLAC__stream_encoder_new();
        if (!w->enc || !FLAC__stream_encoder_set_channels(w->enc, 2) ||
            !FLAC__stream_encoder_set_bits_per_sample(w->enc, 16) ||
            !FLAC__stream_encoder_set_sample_rate(w->enc, 44100) ||
            !FLAC__stream_encoder_set_compression_level(w->enc, 5) ||
            !FLAC__stream_encoder_set_total_samples_estimate(w->enc, samples) ||
            !FLAC__stream_encoder_set_metadata(w->enc, meta, (unsigned)n))
            return dw__set_error(r->err, DW_ENOMEM, "cannot set up the FLAC encoder");
        FLAC__StreamEncoderInitStatus st = FLAC__stream_encoder_init_stream(
            w->enc, flac_write, flac_seek, flac_tell, NULL, &w->sink);
        if (st != FLAC__STREAM_ENCODER_INIT_STATUS_OK)
            return dw__set_error(r->err, DW_EIO, "cannot start the FLAC encoder for '%s': %s",
                                 f->path, FLAC__StreamEncoderInitStatusString[st]);
        return 0;
    }
    SF_INFO info = {.samplerate = 44100, .channels = 2,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    if (fflush(fp) != 0 || !(w->snd = sf_open_fd(fileno(fp), SFM_WRITE, &info, SF_FALSE)))
        return dw__set_error(r->err, DW_EIO, "cannot write '%s': %s", f->path,
                             sf_strerror(NULL));
    char num[8];
    snprintf(num, sizeof(num), "%d", f->number);
    const char *artist = t && t->cdtext.performer[0] ? t->cdtext.performer
                                                     : disc->cdtext.performer;
    /* RIFF INFO strings; libsndfile refuses none of these for WAV. */
    if (t && t->cdtext.title[0])
        sf_set_string(w->snd, SF_STR_TITLE, t->cdtext.title);
    if (artist[0])
        sf_set_string(w->snd, SF_STR_ARTIST, artist);
    if (disc->cdtext.title[0])
        sf_set_string(w->snd, SF_STR_ALBUM, disc->cdtext.title);
    sf_set_string(w->snd, SF_STR_TRACKNUMBER, num);
    sf_set_string(w->snd, SF_STR_SOFTWARE, "discwright " DW_VERSION_STRING);
    return 0;
}

/* Feed `sectors` sectors of 16-bit little-endian stereo from buf. */
static int writer_feed(struct dw__rip *r, const struct audio_file *f, struct writer *w,
                       const uint8_t *buf, int32_t sectors)
{
    size_t values = (size_t)sectors * SAMPLES_PER_SECTOR * 2;
    if (w->enc) {
        for (size_t i = 0; i < values; i++)
            w->pcm32[i] = (int16_t)(uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8);
        if (!FLAC__stream_encoder_process_interleaved(w->enc, w->pcm32,
                                                      (uint32_t)(values / 2))) {
            if (w->sink.write_errno)
                return dw__set_error_errno(r->err, w->sink.write_errno, "cannot write '%s'",
                                           f->path);
            return dw__set_error(
                r->err, DW_EIO, "cannot write '%s': %s", f->path,
                FLAC__StreamEncoderStateString[FLAC__stream_encoder_get_state(w->enc)]);
        }
        return 0;
    }
    for (size_t i = 0; i < values; i++)
        w->pcm16[i] = (short)(int16_t)(uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8);
    if (sf_write_short(w->snd, w->pcm16, (sf_count_t)values) != (sf_count_t)values)
        return dw__set_error(r->err, DW_EIO, "cannot write '%s': %s", f->path,
                             sf_strerror(w->snd));
    return 0;
}

/* Finish the encoding (FLAC: STREAMINFO rewritten with the MD5); 0 or
 * DW_EIO. */
static int writer_close(struct dw__rip *r, const struct audio_file *f, struct writer *w, int rc)
{
    if (w->enc) {
        if (!FLAC__stream_encoder_finish(w->enc) && !rc)
            rc = w->sink.write_errno
                     ? dw__set_error_errno(r->err, w->sink.write_errno, "cannot write '%s'",
                                           f->path)
                     : dw__set_error(r->err, DW_EIO, "cannot finish '%s'", f->path);
        FLAC__stream_encoder_delete(w->enc);
    }
    if (w->snd && sf_close(w->snd) != 0 && !rc)
        rc = dw__set_error(r->err, DW_EIO, "cannot finish '%s'", f->path);
    return rc;
}

/* Cut [f->first_lba, f->end_lba) from the bin into f->path (as .part,
 * pending the set's rename). */
static int write_file(struct dw__rip *r, FILE *bin, const struct audio_file *f, uint8_t *buf,
                      int32_t *pcm32, short *pcm16)
{
    struct dw__outfile of = {0};
    struct writer w = {.pcm32 = pcm32, .pcm16 = pcm16};
    FLAC__StreamMetadata *meta[2] = {NULL, NULL};
    int32_t sectors = f->end_lba - f->first_lba;
    int rc = dw__outfile_open(&of, f->path, r->err);
    if (rc)
        return rc;
    rc = writer_open(r, f, of.fp, (uint64_t)sectors * SAMPLES_PER_SECTOR, &w, meta);
    if (!rc && fseeko(bin, (off_t)bin_offset(r, f->first_lba), SEEK_SET) != 0)
        rc = dw__set_error_errno(r->err, errno, "cannot read back '%s'", dw__rip_image_now(r));
    for (int32_t done = 0; !rc && done < sectors;) {
        int32_t n = sectors - done < CHUNK_SECTORS ? sectors - done : CHUNK_SECTORS;
        if (fread(buf, DW_SECTOR_RAW_BYTES, (size_t)n, bin) != (size_t)n)
            rc = dw__set_error(r->err, DW_EIO, "cannot read back '%s': it is shorter than the rip",
                               dw__rip_image_now(r));
        else
            rc = writer_feed(r, f, &w, buf, n);
        done += n;
    }
    rc = writer_close(r, f, &w, rc);
    for (int i = 0; i < 2; i++)
        if (meta[i])
            FLAC__metadata_object_delete(meta[i]);
    if (!rc)
        rc = dw__outfile_check(&of, r->err);
    if (!rc)
        rc = dw__rip_pending_add(r, &of);
    if (rc) {
        dw__outfile_abort(&of);
        return rc;
    }
    for (int i = 0; i < r->rep->track_count; i++) {
        struct dw__rr_track *tr = &r->rep->tracks[i];
        if (tr->number == f->number && !tr->file && !(tr->file = strdup(f->path)))
            return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    }
    dw__rip_log(r, DW_LOG_INFO, "track %02d: '%s' (%" PRId32 " sectors, %s)", f->number,
                f->path, sectors, r->audio->flac ? "FLAC" : "WAV");
    return 0;
}

/* ------------------------------------------------------------------ */
/* The cue sheet                                                       */

static void cue_file(FILE *out, const char *path)
{
    const char *base = strrchr(path, '/');
    fputs("FILE \"", out);
    for (const char *c = base ? base + 1 : path; *c; c++)
        fputc(*c == '"' ? '\'' : *c, out);
    fputs("\" WAVE\n", out);
}

static void cue_track_head(FILE *out, const struct dw_track *t, int *replaced)
{
    fprintf(out, "  TRACK %02d AUDIO\n", t->number);
    dw__cue_put_cdtext(out, "    ", &t->cdtext, replaced);
    if (t->control & DW_CTL_DCP || t->control & DW_CTL_4CH || t->control & DW_CTL_PRE)
        fprintf(out, "    FLAGS%s%s%s\n", t->control & DW_CTL_DCP ? " DCP" : "",
                t->control & DW_CTL_4CH ? " 4CH" : "", t->control & DW_CTL_PRE ? " PRE" : "");
    if (dw_isrc_valid(t->isrc))
        fprintf(out, "    ISRC %s\n", t->isrc);
    else if (t->isrc[0])
        ++*replaced;
}

static void cue_index_line(FILE *out, int number, int32_t frames)
{
    char msf[9];
    dw_msf_format(frames, msf);
    fprintf(out, "    INDEX %02d %s\n", number, msf);
}

static int write_sheet(struct dw__rip *r)
{
    const struct dw_disc *disc = r->disc;
    struct dw__audio_out *a = r->audio;
    struct dw__outfile cue = {0};
    int replaced = 0;
    int rc = dw__outfile_open(&cue, r->cue_path, r->err);
    if (rc)
        return rc;
    FILE *out = cue.fp;
    fprintf(out, "REM COMMENT \"discwright %s\"\n", DW_VERSION_STRING);
    if (r->rep->have_ids)
        fprintf(out, "REM DISCID %08" PRIX32 "\n", r->rep->ids.cddb_id);
    if (dw_mcn_valid(disc->mcn))
        fprintf(out, "CATALOG %s\n", disc->mcn);
    else if (disc->mcn[0])
        replaced++;
    dw__cue_put_cdtext(out, "", &disc->cdtext, &replaced);
    for (int i = 0; i < a->file_count; i++) {
        const struct audio_file *f = &a->files[i];
        const struct dw_track *t = &disc->tracks[f->disc_index];
        const struct audio_file *prev = i > 0 ? &a->files[i - 1] : NULL;
        bool gap_in_prev = prev && next_joined(disc, prev->disc_index) == f->disc_index &&
                           t->index_lba[0] != DW_LBA_NONE;
        if (i == 0 && a->htoa_file) {
            cue_file(out, a->htoa.path);
            cue_track_head(out, t, &replaced);
            cue_index_line(out, 0, 0);
            cue_file(out, f->path);
        } else if (gap_in_prev) {
            cue_track_head(out, t, &replaced);
            cue_index_line(out, 0, t->index_lba[0] - prev->first_lba);
            cue_file(out, f->path);
        } else {
            cue_file(out, f->path);
            cue_track_head(out, t, &replaced);
            /* A silent hidden track, or the pregap of a track after a data
             * track (in no audio file): silence the reader generates. */
            int32_t pregap = f->disc_index == 0 ? a->htoa_silence_sectors
                             : t->index_lba[0] != DW_LBA_NONE
                                 ? t->index_lba[1] - t->index_lba[0]
                                 : 0;
            if (pregap > 0) {
                char msf[9];
                dw_msf_format(pregap, msf);
                fprintf(out, "    PREGAP %s\n", msf);
            }
        }
        cue_index_line(out, 1, 0);
        for (int j = 2; j < t->index_count; j++)
            if (t->index_lba[j] != DW_LBA_NONE)
                cue_index_line(out, j, t->index_lba[j] - f->first_lba);
    }
    rc = ferror(out) ? dw__set_error(r->err, DW_EIO, "cannot write '%s'", r->cue_path)
                     : dw__outfile_check(&cue, r->err);
    if (!rc)
        rc = dw__rip_pending_add(r, &cue);
    if (rc) {
        dw__outfile_abort(&cue);
        return rc;
    }
    if (replaced)
        dw__rip_log(r, DW_LOG_WARN,
                    "the cue sheet cannot hold %d character%s or value%s of the disc's text "
                    "(control characters in CD-TEXT became '?', an invalid MCN or ISRC was "
                    "left out); the report keeps the text as read",
                    replaced, replaced == 1 ? "" : "s", replaced == 1 ? "" : "s");
    if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_CUE, r->cue_path)))
        return dw__set_error(r->err, rc, "out of memory");
    return 0;
}

int dw__rip_audio_write(struct dw__rip *r)
{
    struct dw__audio_out *a = r->audio;
    if (!a)
        return 0;
    const struct dw__rr_htoa *h = &r->rep->htoa;
    int rc = 0;
    uint8_t *buf = malloc((size_t)CHUNK_SECTORS * DW_SECTOR_RAW_BYTES);
    int32_t *pcm32 = malloc((size_t)CHUNK_SECTORS * SAMPLES_PER_SECTOR * 2 * sizeof(int32_t));
    short *pcm16 = malloc((size_t)CHUNK_SECTORS * SAMPLES_PER_SECTOR * 2 * sizeof(short));
    FILE *bin = fopen(dw__rip_image_now(r), "rb");
    if (!buf || !pcm32 || !pcm16) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (!bin) {
        rc = dw__set_error_errno(r->err, errno, "cannot read back '%s'", dw__rip_image_now(r));
        goto out;
    }
    if (a->htoa.path[0] && h->present && h->exists) {
        /* subout.c read the hidden track back and told whether it is silent. */
        a->htoa.first_lba = h->first_lba;
        a->htoa.end_lba = h->first_lba + h->sectors;
        a->htoa_file = !h->silent;
        if (!a->htoa_file)
            a->htoa_silence_sectors = a->htoa.end_lba - a->htoa.first_lba;
        else if (!(rc = write_file(r, bin, &a->htoa, buf, pcm32, pcm16)) &&
                 !r->rep->outputs[DW__RR_OUT_HTOA]) {
            /* The report's "htoa" names the file (unless --htoa-file's
             * NAME-htoa.wav is there too). */
            r->rep->htoa.file_wanted = true;
            if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_HTOA, a->htoa.path)))
                rc = dw__set_error(r->err, rc, "out of memory");
        }
    }
    for (int i = 0; !rc && i < a->file_count; i++)
        rc = write_file(r, bin, &a->files[i], buf, pcm32, pcm16);
    if (!rc)
        rc = write_sheet(r);
    /* The bin is no output of this format: rip_commit removes it. */
    if (!rc)
        dw__rip_report_set_output(r->rep, DW__RR_OUT_IMAGE, NULL);
out:
    if (bin)
        fclose(bin);
    free(buf);
    free(pcm32);
    free(pcm16);
    return rc;
}
