/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: the CUETools database (CTDB): the disc CRC, the lookup over
 * HTTP with a local cache, and matching a rip against its entries.
 *
 * Definitions, as CUETools computes them (CUETools.AccurateRip/
 * AccurateRip.cs CTDBCRC and CDRepair.cs, CUETools.CTDB/CUEToolsDB.cs,
 * CUETools.CDImage/CDImage.cs; cross-checked with riprip's chk.rs and the
 * cdtoc crate, which verify against the live database):
 *
 *  - The audio is the disc's audio tracks back to back, from the first
 *    audio track's INDEX 01 to the audio lead-out (the hidden track before
 *    track 1 is not part of it), PCM as it comes off the disc (16-bit
 *    little-endian, left then right, 4 bytes a stereo sample).
 *  - N, the disc length that fixes the end, is the audio length CUETools
 *    keeps (CDImageLayout.AudioLength * 588): the samples above plus, when
 *    the first audio track is track 1, the hidden track before it (track
 *    1's INDEX 01 LBA * 588).
 *  - The disc CRC is the plain CRC-32 (zlib / ISO-HDLC: reflected
 *    polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF) of the
 *    PCM bytes of that audio, leaving out its first 5880 samples (10
 *    sectors, the parity stride) and its last 5880 + (N mod 5880) samples.
 *  - The per-track CRCs the database keeps ("trackcrcs") are the same CRC
 *    over each track, a track running from its INDEX 01 to the next audio
 *    track's INDEX 01 (the next pregap counts to it) or the audio lead-out,
 *    with the same two exclusions applied to the first and last track: so
 *    for tracks 2..A-1 the plain CRC-32 of the track's samples (EAC's copy
 *    CRC of such a track), not for the first and last.
 *  - The lookup asks DW_CTDB_DEFAULT_URL "lookup2.php?version=3&ctdb=1&
 *    fuzzy=1&metadata=none&toc=TOC" (TOC as dw_ctdb_toc makes it) and gets
 *    XML: <ctdb xmlns="http://db.cuetools.net/ns/mmd-1.0#"> with one
 *    <entry crc32= confidence= id= npar= stride= hasparity= toc=
 *    trackcrcs= .../> per submitted pressing or layout; no entry means the
 *    disc is not in the database (so does HTTP 404).
 *
 * Not done here: CTDB's Reed-Solomon parity (npar 16-bit symbols per
 * 5880-sample stride over GF(2^16)), which lets CUETools find a rip's
 * offset against an entry and repair a few damaged samples.  npar, stride
 * and hasparity are parsed and reported, but a rip that differs from
 * every entry is only reported as not matching, neither repaired nor
 * searched at other offsets.  Nothing is ever submitted.
 */
#ifndef DISCWRIGHT_CTDB_H
#define DISCWRIGHT_CTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The parity stride: samples left out at the start; the end leaves out
 * this many plus (N mod this many). */
#define DW_CTDB_STRIDE_SAMPLES 5880

/* ------------------------------------------------------------------ */
/* The disc CRC and the track CRCs                                      */

/* The layout a CTDB checksum needs.  A plain value the caller may fill
 * (or dw_ctdb_layout_from_disc fills). */
struct dw_ctdb_layout {
    int track_count; /* audio tracks, 1..DW_MAX_TRACKS */
    /* Stereo samples of each audio track in disc order, from its INDEX 01
     * to the next audio track's INDEX 01 or the audio lead-out (sectors *
     * 588).  Their sum is what is fed. */
    uint64_t track_samples[DW_MAX_TRACKS];
    /* Samples before the first track's INDEX 01 that count towards N but
     * are neither fed nor checksummed: the hidden track (track 1's INDEX 01
     * LBA * 588) when the first audio track is track 1, else 0. */
    uint64_t leading_samples;
};

/* The layout of disc's audio tracks: each from INDEX 01 to the next
 * track's INDEX 01 when that is an audio track of the same session, else
 * to its end_lba (the session lead-out: on a CD-Extra disc the end of the
 * audio session); data tracks are left out.  The same tracks as the rip's
 * AccurateRip checksums.  Returns 0, or DW_EINVAL for NULL arguments, a
 * disc without audio tracks or with unset or backward LBAs. */
DW_API int dw_ctdb_layout_from_disc(const struct dw_disc *disc,
                                    struct dw_ctdb_layout *out);

/* Streaming state of the CTDB CRCs of one disc; opaque, bounded memory
 * (a few hundred bytes however long the disc), any chunk sizes. */
struct dw_ctdb_calc;

/* New state for the audio of layout.  flags must be 0.  On success *out
 * is a new state the caller frees with dw_ctdb_calc_free.
 * Errors: DW_EINVAL for NULL arguments, flags, a track count outside
 * 1..DW_MAX_TRACKS, a first track shorter than 5880 samples, a last track
 * shorter than what its end leaves out, or a disc whose CRC would cover no
 * sample at all; DW_ENOMEM. */
DW_API int dw_ctdb_calc_new(const struct dw_ctdb_layout *layout, unsigned flags,
                            struct dw_ctdb_calc **out);

/* Feed the next `bytes` bytes of the audio (the tracks back to back; any
 * length, may be 0 or cut inside a sample).  Cost: one table CRC step per
 * byte (zlib's crc32), twice for bytes inside a track's range.
 * Errors: DW_ERANGE when the data would run past the layout's samples
 * (nothing of this call is consumed then); DW_EINVAL for NULL c or NULL
 * pcm with bytes > 0. */
DW_API int dw_ctdb_calc_update(struct dw_ctdb_calc *c, const void *pcm, size_t bytes);

/* The CRCs of a disc (or of what was fed so far). */
struct dw_ctdb_checksums {
    uint32_t crc32; /* the disc CRC */
    int track_count;
    uint32_t track_crc32[DW_MAX_TRACKS]; /* track_crc32[i]: audio track i + 1 */
    uint64_t samples;                    /* whole stereo samples fed */
    uint64_t skip_first_samples;         /* left out at the start: 5880 */
    uint64_t skip_last_samples;          /* left out at the end: 5880 + (N mod 5880) */
};

/* Read the CRCs into *out (the state is not changed).  Returns 0, or
 * DW_ETRUNC when fewer bytes than the layout's were fed (*out then holds
 * the CRCs of what was fed); DW_EINVAL for NULL arguments. */
DW_API int dw_ctdb_calc_final(const struct dw_ctdb_calc *c,
                              struct dw_ctdb_checksums *out);

/* Free; NULL is a no-op. */
DW_API void dw_ctdb_calc_free(struct dw_ctdb_calc *c);

/* ------------------------------------------------------------------ */
/* Database responses                                                   */

/* One entry of a response: one pressing (or layout) as submitted. */
struct dw_ctdb_entry {
    uint32_t crc32;      /* the entry's disc CRC */
    unsigned confidence; /* submissions that agreed */
    long long id;        /* database id, 0 when absent */
    int npar;            /* parity symbols per stride, 0 when absent */
    int stride;          /* parity stride in samples (5880), 0 when absent */
    /* URL (or server path) of the full parity file; NULL when the entry has
     * none.  Owned by the response. */
    const char *hasparity;
    bool has_inline_parity; /* a parity= or syndrome= attribute came with it */
    /* The entry's TOC (dw_ctdb_toc's form) or NULL; owned by the response.
     * With fuzzy lookups it may differ from the disc's. */
    const char *toc;
    int track_count;             /* CRCs in track_crc32; 0 without trackcrcs */
    const uint32_t *track_crc32; /* owned by the response */
};

/* A parsed lookup answer: a read-only value owned by the library. */
struct dw_ctdb_response {
    int entry_count; /* >= 0; 0: the disc is not in the database */
    struct dw_ctdb_entry *entries;
};

/* Parse the XML of a lookup answer (libxml2, no network access, no DTD,
 * no entity expansion, never printing).  The root must be <ctdb>; each
 * <entry> child needs crc32 (hex) and confidence (decimal); id, npar,
 * stride (decimal), hasparity, toc, trackcrcs (hex CRCs separated by
 * spaces), parity and syndrome are optional; other elements (metadata)
 * and attributes are ignored.  On success *out is a new response the
 * caller frees with dw_ctdb_response_free.
 * Errors: DW_EPARSE for input that is not well-formed XML, another root,
 * an entry without crc32 or confidence or with a value that does not
 * parse; DW_EINVAL for NULL out or NULL data with bytes > 0; DW_ENOMEM. */
DW_API int dw_ctdb_response_parse(const void *data, size_t bytes,
                                  struct dw_ctdb_response **out);

/* Free a response; NULL is a no-op. */
DW_API void dw_ctdb_response_free(struct dw_ctdb_response *r);

/* How one entry compares with our CRCs. */
struct dw_ctdb_entry_match {
    bool disc;          /* its crc32 is our disc CRC */
    bool toc;           /* its toc is ours (or it names none) */
    int tracks_matched; /* its track CRCs equal to ours (0 unless
                           it has as many as we have and toc) */
};

/* How one of our tracks compares. */
struct dw_ctdb_track_match {
    bool matched; /* confidence > 0 */
    /* Sum of the confidences of the entries that confirm the track: its
     * CRC in their trackcrcs, or their disc CRC equal to ours (the disc CRC
     * covers every sample of every track but the left-out edges, which
     * the first and last track CRCs leave out as well). */
    unsigned confidence;
    /* Sum of the confidences of the entries that speak about the track:
     * those with our TOC and as many track CRCs as we have tracks, and
     * those whose disc CRC is ours. */
    unsigned submissions;
};

struct dw_ctdb_disc_match {
    bool matched;         /* some entry's disc CRC is ours */
    unsigned confidence;  /* sum of the confidences of those entries */
    unsigned submissions; /* sum of every entry's confidence */
    int entries_matched;
    int best_entry;     /* the matching entry with the highest
                           confidence (first on a tie), -1 */
    int tracks_matched; /* our tracks with matched set */
};

/* Compare our CRCs with a response.  toc is ours (dw_ctdb_toc) or NULL
 * (then every entry counts as having our TOC).  Track CRCs of 0 in an
 * entry mean "none" and never match.  per_entry (resp->entry_count
 * entries), per_track (ours->track_count entries) and disc may each be
 * NULL.  Returns 0, or DW_EINVAL for NULL resp or ours or an ours with a
 * track count outside 1..DW_MAX_TRACKS. */
DW_API int dw_ctdb_match(const struct dw_ctdb_response *resp,
                         const struct dw_ctdb_checksums *ours, const char *toc,
                         struct dw_ctdb_entry_match *per_entry,
                         struct dw_ctdb_track_match *per_track,
                         struct dw_ctdb_disc_match *disc);

/* ------------------------------------------------------------------ */
/* The lookup                                                           */

/* The public database root; DW_CTDB_URL in the environment replaces it
 * when the options do not name one.  The query is appended. */
#define DW_CTDB_DEFAULT_URL "http://db.cuetools.net/"
#define DW_CTDB_QUERY "lookup2.php?version=3&ctdb=1&fuzzy=1&metadata=none&toc="
#define DW_CTDB_CONNECT_TIMEOUT_MS 10000
#define DW_CTDB_TIMEOUT_MS 30000
/* A cached "not in the database" answer is trusted for one day. */
#define DW_CTDB_NOT_FOUND_TTL_SECONDS 86400
/* A response larger than this is refused (a real one is a few KiB). */
#define DW_CTDB_MAX_RESPONSE_BYTES (1024 * 1024)
/* Enough for the TOC of any disc (99 tracks) + NUL. */
#define DW_CTDB_TOC_BYTES 1024

/* The lookup TOC of disc, CUETools' CDImageLayout.ToString(): for every
 * track in disc order its INDEX 01 LBA (without the 150), data tracks
 * prefixed with '-', each followed by ':', then the disc's lead-out LBA;
 * e.g. "0:700:1350:2250", or "0:15047:...:194782:-220352:332850" for a
 * CD-Extra disc.  Writes it NUL-terminated into out.  Returns 0, or
 * DW_EINVAL for NULL arguments, a disc without tracks or lead-out, unset
 * or negative LBAs, or out_bytes too small (DW_CTDB_TOC_BYTES always
 * suffices). */
DW_API int dw_ctdb_toc(const struct dw_disc *disc, char *out, size_t out_bytes);

/* Flags of struct dw_ctdb_opts. */
#define DW_CTDB_OFFLINE 0x1u /* cache only: never touch the network */

struct dw_ctdb_opts {
    /* Database root URL (http:// or https://); DW_CTDB_QUERY and the TOC
     * are appended (a '/' is put between when missing).  NULL: the
     * environment's DW_CTDB_URL when set and not empty, else
     * DW_CTDB_DEFAULT_URL. */
    const char *base_url;
    /* Cache directory.  NULL: $XDG_CACHE_HOME/discwright/ctdb, or
     * $HOME/.cache/discwright/ctdb when XDG_CACHE_HOME is unset; "": no
     * cache at all.  Created (with parents) when a file is stored. */
    const char *cache_dir;
    long connect_timeout_ms; /* 0: DW_CTDB_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* whole transfer; 0: DW_CTDB_TIMEOUT_MS */
    unsigned flags;          /* DW_CTDB_* above; others must be 0 */
    /* As in struct dw_ardb_opts (discwright/ardb.h): asked at least every
     * DW_LOOKUP_STOP_POLL_MS while the network is busy; non-zero stops the
     * lookup with DW_EABORTED.  NULL: never. */
    int (*stop)(void *stop_user);
    void *stop_user;
};

enum dw_ctdb_status {
    DW_CTDB_FOUND = 0,  /* response in ->response (>= 1 entry) */
    DW_CTDB_NOT_FOUND,  /* the database has no entry for the disc */
    DW_CTDB_UNAVAILABLE /* no answer: ->message says why */
};

/* What a lookup found.  Release with dw_ctdb_result_release. */
struct dw_ctdb_result {
    enum dw_ctdb_status status;
    /* DW_CTDB_FOUND: the parsed response, owned by the result. */
    struct dw_ctdb_response *response;
    char url[2048]; /* the URL asked (or that would be asked) */
    /* The cached file's path ("" without a cache): DIR/toc-ID.xml where ID
     * is the SHA-1 of the TOC text in MusicBrainz-style Base64. */
    char cache_path[4096];
    const char *origin; /* "network", "cache" or "none"; static */
    long http_status;   /* last HTTP status seen, 0 if none */
    /* Why the database was unavailable; for the other statuses notes such
     * as a cache that could not be written ("" when none). */
    char message[512];
};

/* Look up toc (dw_ctdb_toc's form; anything else is refused) with the
 * rules of the AccurateRip client (discwright/ardb.h): the cache first,
 * the network only when the cache has neither the response nor a fresh
 * "not found" marker (NAME.404), never with DW_CTDB_OFFLINE; HTTP 404 and
 * an answer without entries both mean "not in the database" and are
 * remembered for DW_CTDB_NOT_FOUND_TTL_SECONDS; an answer is stored only
 * when it parses.  opts may be NULL (defaults).  *out is always filled.
 * Returns 0 when the database answered (DW_CTDB_FOUND or
 * DW_CTDB_NOT_FOUND), otherwise a DW_E* code with out->status
 * DW_CTDB_UNAVAILABLE and out->message set: DW_EINVAL (bad TOC, URL or
 * flags), DW_EUNSUPPORTED (offline and not in the cache), DW_EIO (network
 * failure, time-out, other HTTP status), DW_EPARSE (an answer that is not
 * CTDB's XML), DW_EABORTED (opts->stop asked to stop), DW_ENOMEM. */
DW_API int dw_ctdb_lookup(const char *toc, const struct dw_ctdb_opts *opts,
                          struct dw_ctdb_result *out);

/* Free what a result owns (the response) and zero it; NULL is a no-op. */
DW_API void dw_ctdb_result_release(struct dw_ctdb_result *r);

/* The cache directory opts selects (see struct dw_ctdb_opts) into out;
 * "" when caching is off or neither XDG_CACHE_HOME nor HOME is set.
 * Returns 0 or DW_EINVAL when it does not fit. */
DW_API int dw_ctdb_cache_dir(const struct dw_ctdb_opts *opts, char *out,
                             size_t out_bytes);

#ifdef __cplusplus
}
#endif
#endif
