/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the rip's sector map (NAME.map), saved beside a
 * BIN/CUE rip as it goes so that an interrupted rip resumes and a second
 * drive fills what the first could not read.
 *
 * The map is JSON (json-c), rewritten atomically (NAME.map.part, then
 * rename) at most once a second while sectors become final and at the end:
 *
 *   {"map": "discwright rip map", "version": 1,
 *    "toc": "<TOC fingerprint>", "bin_first_lba": 0, "bin_end_lba": 230000,
 *    "image": "NAME.bin" or "NAME.bin.part", "complete": false,
 *    "final_lba": 123456,          every sector of the bin below it is final
 *    "mode": "secure", "read_offset_samples": 6, "drive": "VENDOR MODEL",
 *    "bad":    [{"first_lba", "last_lba", "sectors", "state", "detail"}],
 *    "reread": [{"first_lba", "last_lba", "sectors"}]}
 *
 * Sector states: at or above final_lba "untried"; below it "read" unless a
 * range says otherwise: "confirmed" (re-read until reads agreed: the
 * reread list minus the bad list) or one of the bad states
 * ("unreadable", "c2-unconfirmed", "paranoia-skip", "paranoia-edge",
 * "edc-ecc", "jitter-unconfirmed": no read of it was proven to start where
 * it should).  Data sectors outside the bad list passed EDC/ECC.  Positions
 * are LBAs after read offset correction, so maps of two drives with
 * different offsets line up.  Memory and file size follow the damage, not
 * the disc. */
#ifndef DW_RIPMAP_H
#define DW_RIPMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "report/report_int.h"

struct dw__rip;

struct dw__ripmap {
    char toc[4096];          /* fingerprint of the TOC the bin is cut by */
    int32_t bin_first_lba, bin_end_lba;
    int32_t final_lba;       /* sectors of the bin below it are final */
    bool complete;           /* the bin was committed (NAME.bin, not .part) */
    char mode[16];
    struct dw__lba_ranges bad, reread;
};

/* The TOC fingerprint of disc: track numbers, modes, first LBAs and
 * lead-outs as text, into out (out_bytes >= 64; truncated maps never
 * compare equal by accident because the length is part of the text). */
void dw__ripmap_toc(const struct dw_disc *disc, char *out, size_t out_bytes);

/* Read the map at path.  Returns 0, DW_ENOENT (no map), DW_EPARSE with err
 * naming the file (not a map, a broken one, or one over 64 MiB), DW_EIO or
 * DW_ENOMEM.  *m is zeroed first; dw__ripmap_release frees it. */
int dw__ripmap_load(const char *path, struct dw__ripmap *m, struct dw_error_detail *err);

/* The same for a map's text: bytes bytes at text (no NUL needed), path
 * only naming it in messages.  Every number is bounded before it is used:
 * bin_first_lba <= final_lba <= bin_end_lba, all within +-2^30; each "bad"
 * and "reread" range an integer first_lba..last_lba inside the bin and
 * below final_lba; "detail" an int32; the text one JSON object (trailing
 * blanks allowed).  Returns 0, DW_EPARSE or DW_ENOMEM. */
int dw__ripmap_parse(const char *text, size_t bytes, const char *path,
                     struct dw__ripmap *m, struct dw_error_detail *err);
void dw__ripmap_release(struct dw__ripmap *m);

/* Save r's map: final_lba, r->bad and r->reread below it, complete.
 * Flushes and fdatasyncs the image first so the map never claims bytes the
 * disk has not got.  force=false saves at most once a second. */
int dw__ripmap_save(struct dw__rip *r, int32_t final_lba, bool complete, bool force);

/* The bad states (see above), in a fixed order; the index of a bad range's
 * detail among them, and its state word. */
#define DW__RIPMAP_BAD_STATES 6
extern const char *const dw__ripmap_bad_state_names[DW__RIPMAP_BAD_STATES];
int dw__ripmap_bad_state_index(int32_t detail);
const char *dw__ripmap_bad_state(int32_t detail);

#endif
