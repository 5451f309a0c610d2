/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: output formats of `convert` (and `rip --format`).
 *
 * A sink writes one image format from a disc model and its sectors given in
 * LBA order.  It writes every file as NAME.part and renames them only in
 * commit, so an interrupted conversion leaves no output that looks
 * complete; abort removes the .part files. */
#ifndef DW_CONVERT_SINK_H
#define DW_CONVERT_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/errors.h"

struct dw__sink;

struct dw__sink_opts {
    const char *codec;   /* format-specific codec choice ("cdlz", "cdzl", "cdfl",
                            "zlib", ...); NULL: the format's default */
    int level;           /* compression level; -1: the format's default */
    bool have_sub;       /* put() receives the source's own P-W; else sub is
                            the P-W synthesised from the layout */
    unsigned threads;    /* worker threads the sink may use; 0: one per core */
};

struct dw__sink_ops {
    const char *name;    /* as given to --format: "chd", "cso", "bincue", ... */
    const char *summary; /* one line for --help */
    /* Start writing dst_path (the path the user gave with -o; formats with
     * several files derive their names from it).  disc: the layout (not
     * owned, lives until commit/abort).  *out owned by the sink until
     * commit or abort.  Errors: DW_E* with err->message. */
    int (*open)(struct dw__sink **out, const char *dst_path, const struct dw_disc *disc,
                const struct dw__sink_opts *opts, struct dw_error_detail *err);
    /* `sectors` consecutive sectors from `lba` (disc LBA, from the first
     * track's pregap at -150 or 0 as the format stores it; calls come in
     * increasing LBA order with no gaps): raw holds 2352 bytes per sector
     * (audio as little-endian 16-bit stereo, data with sync and header),
     * sub 96 bytes of interleaved P-W per sector (as MMC READ CD raw P-W),
     * never NULL. */
    int (*put)(struct dw__sink *s, int32_t lba, const uint8_t *raw, const uint8_t *sub,
               int32_t sectors, struct dw_error_detail *err);
    /* Finish: flush, fsync, rename every .part to its name.  Frees s. */
    int (*commit)(struct dw__sink *s, struct dw_error_detail *err);
    /* Remove every .part, free s.  Never fails. */
    void (*abort)(struct dw__sink *s);
};

#endif
