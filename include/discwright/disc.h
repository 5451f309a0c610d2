/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: the disc model.
 *
 * What a disc is, independent of where it came from: sessions, tracks,
 * indexes (INDEX 00 = pregap), control flags, ISRC, MCN, CD-TEXT and the
 * lead-out.  A plain value: readers fill it, writers (cue, report) read it,
 * and callers may build one.  Allocate with dw_disc_new, free with
 * dw_disc_free.  All positions are LBAs (MSF 00:02:00 = LBA 0).
 */
#ifndef DISCWRIGHT_DISC_H
#define DISCWRIGHT_DISC_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_MAX_TRACKS 99
#define DW_MAX_INDEXES 100   /* INDEX 00 .. 99 */
#define DW_MAX_SESSIONS 99
#define DW_CDTEXT_BYTES 161  /* 160 characters + NUL */

/* Q-channel CONTROL bits (IEC 60908 17.5.2; MMC-6 Table 6.1.2 "ADR/CONTROL"). */
#define DW_CTL_PRE 0x1   /* pre-emphasis (audio) */
#define DW_CTL_DCP 0x2   /* digital copy permitted */
#define DW_CTL_DATA 0x4  /* data track */
#define DW_CTL_4CH 0x8   /* four-channel audio */

/* Track modes as cue sheets name them (CDRWin). */
enum dw_track_mode {
    DW_MODE_AUDIO = 0,    /* CD-DA, 2352 bytes of PCM */
    DW_MODE_MODE1,        /* Mode 1 (ECMA-130 cl. 14.3) */
    DW_MODE_MODE2,        /* Mode 2 formless, 2336 bytes */
    DW_MODE_MODE2_XA      /* Mode 2 XA, Form 1 and/or Form 2 sectors */
};

/* Where an index or CD-TEXT field is unknown. */
#define DW_LBA_NONE INT32_MIN

struct dw_cdtext {
    char title[DW_CDTEXT_BYTES];
    char performer[DW_CDTEXT_BYTES];
    char songwriter[DW_CDTEXT_BYTES];
    char composer[DW_CDTEXT_BYTES];
    char arranger[DW_CDTEXT_BYTES];
    char message[DW_CDTEXT_BYTES];
};

struct dw_track {
    int number;                 /* track number, 1..99 */
    int session;                /* session number, 1.. */
    enum dw_track_mode mode;
    unsigned control;           /* DW_CTL_* bits */
    /* index_lba[0] is INDEX 00 (start of the pregap) or DW_LBA_NONE when
     * the track has no pregap; index_lba[1] is INDEX 01, the track start
     * the TOC reports; index_lba[2..index_count-1] are further indexes. */
    int32_t index_lba[DW_MAX_INDEXES];
    int index_count;            /* highest index number + 1 (>= 2) */
    int32_t end_lba;            /* first LBA after the track (next track's
                                   pregap, or the session lead-out) */
    int32_t pregap_silence_sectors; /* cue PREGAP: sectors not in the image */
    int32_t postgap_silence_sectors;/* cue POSTGAP: sectors not in the image */
    char isrc[13];              /* 12 characters or "" */
    struct dw_cdtext cdtext;
};

struct dw_session {
    int number;                 /* 1.. */
    int first_track, last_track;/* track numbers */
    int32_t leadout_lba;        /* first LBA of this session's lead-out */
};

struct dw_disc {
    int track_count;
    struct dw_track tracks[DW_MAX_TRACKS];   /* in disc order */
    int session_count;
    struct dw_session sessions[DW_MAX_SESSIONS];
    int32_t leadout_lba;        /* lead-out of the last session */
    char mcn[14];               /* 13 digits or "" */
    struct dw_cdtext cdtext;    /* album-level CD-TEXT */
    bool has_cdtext;
};

/* New empty disc (no tracks, leadout DW_LBA_NONE); the caller frees it with
 * dw_disc_free.  Returns NULL when out of memory. */
DW_API struct dw_disc *dw_disc_new(void);

/* Free a disc; NULL is a no-op. */
DW_API void dw_disc_free(struct dw_disc *disc);

/* Copy *src into a new disc the caller frees; NULL when out of memory. */
DW_API struct dw_disc *dw_disc_clone(const struct dw_disc *src);

/* Track by number, or NULL.  Points into disc; not to be freed. */
DW_API const struct dw_track *dw_disc_track(const struct dw_disc *disc, int number);

/* First LBA of the track including its pregap (INDEX 00 if any, else 01). */
DW_API int32_t dw_track_first_lba(const struct dw_track *t);

/* Sectors from INDEX 01 to end_lba. */
DW_API int32_t dw_track_length_sectors(const struct dw_track *t);

/* Sectors of the INDEX 00 pregap (0 without one). */
DW_API int32_t dw_track_pregap_sectors(const struct dw_track *t);

/* True for data tracks (control bit 2 set or a data mode). */
DW_API bool dw_track_is_data(const struct dw_track *t);

/* Cue-sheet name of a track's mode at a raw sector size:
 * "AUDIO", "MODE1/2352", "MODE2/2352", "MODE1/2048", ...; static. */
DW_API const char *dw_track_mode_cue_name(enum dw_track_mode mode, int sector_bytes);

/* Fill the derived fields after readers set the indexes: end_lba of each
 * track (from the next track's first LBA or its session's lead-out), the
 * session table when session_count is 0, and checks the layout.
 * Returns 0 or DW_EPARSE when indexes go backwards or a track is empty;
 * then msg (may be NULL, msg_bytes long) says which track. */
DW_API int dw_disc_finish(struct dw_disc *disc, char *msg, size_t msg_bytes);

/* Options for writing a cue sheet. */
struct dw_cue_write_opts {
    const char *bin_name;       /* FILE name written in the cue */
    int32_t bin_first_lba;      /* LBA stored at byte 0 of the bin */
    /* LBAs that are in the disc but not in the bin (session gaps): the
     * writer subtracts gap_sectors from positions at or after gap_lba.
     * Arrays of gap_count entries, may be NULL when gap_count is 0. */
    const int32_t *gap_lba;
    const int32_t *gap_sectors;
    int gap_count;
    unsigned flags;             /* must be 0 */
    /* May be NULL: receives how many things the disc holds that a cue sheet
     * cannot: control characters in CD-TEXT (each written as '?'), an MCN
     * or ISRC that is not valid (dw_mcn_valid, dw_isrc_valid: left out). */
    int *replaced;
};

/* Write disc as a CDRWin cue sheet to out: CATALOG, CD-TEXT (TITLE,
 * PERFORMER, SONGWRITER), REM SESSION for multi-session discs, FILE, TRACK
 * (AUDIO, MODE1/2352, MODE2/2352), FLAGS (DCP, 4CH, PRE), ISRC, INDEX
 * 00..99, all positions relative to the bin.  Text from the disc is data:
 * a cue line can hold neither a quote nor a control character, so '"'
 * becomes '\'' and control characters (U+0000-U+001F, DEL) '?', and an
 * invalid MCN or ISRC is left out (opts->replaced counts them), so no
 * CD-TEXT can add a line (a FILE, a TRACK) to the sheet.  Returns 0,
 * DW_EINVAL for a disc that has no tracks, or DW_EIO when writing fails. */
DW_API int dw_cue_write(const struct dw_disc *disc, const struct dw_cue_write_opts *opts,
                        FILE *out);

/* The disc's CD-TEXT as raw packs (IEC 61866, language block 0, ISO 8859-1;
 * what READ TOC/PMA/ATIP format 0101b returns after its 4-byte header, and
 * what a CDRWin/cdrecord .cdt file holds): for each of TITLE, PERFORMER,
 * SONGWRITER, COMPOSER, ARRANGER and MESSAGE (pack types 80h-85h) that is
 * set for the album or any track, the album's text and every track's in
 * track order, each ended by a NUL, 12 bytes a pack; then three size
 * information packs (8Fh); every pack with its CRC.  UTF-8 text is turned
 * into ISO 8859-1 ('?' for characters beyond it).  Track numbers must
 * follow each other.  On success *packs is a buffer of *pack_bytes bytes (a
 * multiple of 18) that the caller frees with free(), or NULL and 0 when the
 * disc has no CD-TEXT.  Returns 0, DW_EINVAL (no tracks, or track numbers
 * with holes), DW_ERANGE (more text than the 256 packs of a block hold) or
 * DW_ENOMEM. */
DW_API int dw_cdtext_encode(const struct dw_disc *disc, uint8_t **packs, size_t *pack_bytes);

/* Options for writing a CloneCD control file. */
struct dw_ccd_write_opts {
    int32_t img_first_lba;      /* LBA stored at byte 0 of the .img (0 for a rip) */
    unsigned flags;             /* must be 0 */
};

/* Write disc as a CloneCD control file (.ccd, Version 3, CRLF line ends) to
 * out, for an .img of raw 2352-byte sectors (every track from its first
 * sector to its end, session gaps left out, as the rip's bin) and a .sub of
 * 96 de-interleaved P-W bytes per sector: [Disc] (TocEntries, Sessions,
 * CDTextLength, CATALOG), [CDText] (dw_cdtext_encode's packs), [Session N]
 * (PreGapMode), [Entry N] (the full TOC: A0h, A1h, A2h and the tracks of
 * each session, with PMSF and PLBA) and [TRACK N] (MODE 0/1/2, ISRC, INDEX
 * n=LBA).  Returns 0, DW_EINVAL (no tracks, flags) or DW_EIO. */
DW_API int dw_ccd_write(const struct dw_disc *disc, const struct dw_ccd_write_opts *opts,
                        FILE *out);

/* Options for writing a cdrdao TOC file. */
struct dw_toc_write_opts {
    const char *bin_name;       /* file name written in FILE/DATAFILE */
    int32_t bin_first_lba;      /* LBA stored at byte 0 of the bin */
    const int32_t *gap_lba;     /* session gaps not in the bin, as in */
    const int32_t *gap_sectors; /* dw_cue_write_opts */
    int gap_count;
    int session;                /* 0: the disc must have one session; N: write
                                   the tracks of session N only */
    unsigned flags;             /* must be 0 */
};

/* Write disc (or one session of it) as a cdrdao TOC file to out, describing
 * the bin of raw 2352-byte sectors: CD_DA, CD_ROM or CD_ROM_XA, CATALOG,
 * CD_TEXT (language 0, in the first session's file), FIRST_TRACK_NO for a
 * later session, and per track TRACK AUDIO / MODE1_RAW / MODE2_RAW, COPY,
 * PRE_EMPHASIS, FOUR_CHANNEL_AUDIO, ISRC, CD_TEXT, FILE "bin" SWAP (audio,
 * the bin being little-endian) or DATAFILE "bin" with the byte offset and
 * length, START for an INDEX 00 pregap in the bin, and INDEX 02 and up.  The
 * pregap of the first track of a later session is left to the recorder,
 * which writes 150 sectors of it (more than 150 in the bin stay as START).
 * cdrdao(1), "TOC FILES".  Returns 0, DW_EINVAL (no tracks, no such
 * session, session 0 of a multi-session disc, flags) or DW_EIO. */
DW_API int dw_toc_write(const struct dw_disc *disc, const struct dw_toc_write_opts *opts,
                        FILE *out);

/* ---- identifiers read from discs -----------------------------------------
 * A disc's MCN and ISRCs come from its Q sub-channel or from an image and
 * may hold anything; writers (cue, cdrdao TOC, CloneCD) write only valid
 * ones and leave the others out. */

/* True for a valid MCN: 13 ASCII digits (IEC 60908 17.5.2, the UPC/EAN). */
DW_API bool dw_mcn_valid(const char *mcn);

/* True for a valid ISRC as the disc model keeps it: 12 characters, the
 * country (2) and owner (3) codes in A-Z and 0-9, year (2) and designation
 * (5) digits (ISO 3901; IEC 60908 17.5.3). */
DW_API bool dw_isrc_valid(const char *isrc);

/* ---- the sub-channel a layout carries (src/disc/qsynth.c, pwsynth.c) ---- */

/* Where dw_disc_synth_q puts ADR 2 and ADR 3 frames: at LBAs whose value
 * modulo 100 is this (IEC 60908 asks for each at least once in 100
 * frames).  MCN frames go anywhere in the program area of a disc that has
 * an MCN, ISRC frames at INDEX 01 or later of a track that has an ISRC. */
#define DW_SYNTH_Q_MCN_PHASE 30
#define DW_SYNTH_Q_ISRC_PHASE 70

/* The Q frame (12 bytes with CRC, dw_q_encode) that a pressed disc with
 * this layout carries at lba: ADR 1 with TNO, INDEX (00 from INDEX 00 to
 * INDEX 01, and LBA -150..-1 before track 1), relative time (counting up
 * from INDEX 01; in a pregap down to 00:00:00 on its last frame) and
 * absolute time; the lead-out (up to 6750 sectors after a session's
 * lead-out) as TNO AAh, INDEX 01; CONTROL from the track (its control bits,
 * plus the data bit for data tracks); ADR 2 and 3 frames as
 * DW_SYNTH_Q_*_PHASE says.  The disc must have passed dw_disc_finish.
 * Returns 0, DW_ERANGE before LBA -150 or past the last lead-out area,
 * DW_EREAD in the lead-in between sessions. */
DW_API int dw_disc_synth_q(const struct dw_disc *disc, int32_t lba, uint8_t q[12]);

/* The raw P-W sub-channel (96 bytes, interleaved as READ CD sub-channel
 * selection 001b returns it: bit 7 of each byte P, bit 6 Q ... bit 0 W)
 * that a pressed disc with this layout carries at lba: Q from
 * dw_disc_synth_q; P set on every frame of a pregap (INDEX 00, and LBA
 * -150..-1 before track 1) and, in a lead-out, on its first frame and then
 * at 2 Hz from 2 s on (on for frames 0-18 and 38-56 of each second); R-W
 * zero (no CD+G).  Errors as dw_disc_synth_q (pw is then zero). */
DW_API int dw_disc_synth_pw(const struct dw_disc *disc, int32_t lba, uint8_t pw[96]);

#ifdef __cplusplus
}
#endif
#endif
