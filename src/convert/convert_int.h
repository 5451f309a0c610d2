/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the table of output formats (sinks.c) and the sinks
 * of raw sector images written here (sink_raw.c: bincue, split, iso, ccd,
 * toc).  The sink interface itself is sink.h. */
#ifndef DW_CONVERT_INT_H
#define DW_CONVERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "convert/sink.h"

/* One output format: its sink and the extension of its main file (the one
 * -o names and the one opened again to verify). */
struct dw__sink_entry {
    const struct dw__sink_ops *ops;
    const char *ext;          /* ".cue", ".iso", ".ccd", ".toc", ".chd", ".cso" */
};

/* The sinks of sink_raw.c. */
extern const struct dw__sink_ops dw__sink_bincue;
extern const struct dw__sink_ops dw__sink_split;
extern const struct dw__sink_ops dw__sink_iso;
extern const struct dw__sink_ops dw__sink_ccd;
extern const struct dw__sink_ops dw__sink_toc;

/* Every format convert knows, in --help order, index 0 .. n-1; NULL past
 * the last.  Formats whose sink is not linked into this build (sink_chd.c,
 * sink_cso.c define dw__sink_chd and dw__sink_cso) have ops NULL. */
const struct dw__sink_entry *dw__sink_entry_at(int index);

/* The format named name ("bincue", ...), or NULL. */
const struct dw__sink_entry *dw__sink_by_name(const char *name);

/* The format whose main file ends in path's extension (case-insensitive:
 * ".cue" -> bincue, ".iso", ".ccd", ".toc", ".chd", ".cso"), or NULL. */
const struct dw__sink_entry *dw__sink_by_extension(const char *path);

/* "bincue, split, iso, ccd, toc, chd, cso" into out (the formats this
 * build writes). */
void dw__sink_names(char *out, size_t out_bytes);

/* The path of a format's main file for what -o said: dst with a known
 * image extension (.cue .bin .iso .ccd .img .sub .toc .chd .cso) replaced
 * by e->ext, or with e->ext appended.  A malloc'd string, NULL without
 * memory. */
char *dw__sink_main_path(const struct dw__sink_entry *e, const char *dst);

/* Call fn for every file the sink of e writes for main_path and disc (the
 * main file included), so that the caller can refuse existing outputs and
 * outputs that are inputs.  Stops at and returns fn's first non-zero. */
int dw__sink_each_output(const struct dw__sink_entry *e, const char *main_path,
                         const struct dw_disc *disc, int (*fn)(const char *path, void *user),
                         void *user);

/* The base of main_path (main_path without its extension), for derived
 * names; malloc'd or NULL. */
char *dw__sink_base(const char *main_path);

/* The name of track index i's file in the split format: "BASE (Track
 * NN).bin" (redump's style), or "BASE.bin" for a disc of one track.
 * Into out; false when it does not fit. */
bool dw__sink_split_name(const char *base, const struct dw_disc *disc, int i, char *out,
                         size_t out_bytes);

#endif
