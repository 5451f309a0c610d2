/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: the AccurateRip and read offset options shared by
 * 'rip' and 'offset' (src/cli/cli_ar.c). */
#ifndef DW_CLI_AR_H
#define DW_CLI_AR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/ardb.h"
#include "discwright/ctdb.h"
#include "discwright/rip.h"

/* getopt_long codes of the options (outside the range of characters). */
#define CLI_AR_OPT_OFFSET 0x1001
#define CLI_AR_OPT_URL 0x1002
#define CLI_AR_OPT_CACHE_DIR 0x1003
#define CLI_AR_OPT_OFFLINE 0x1004
#define CLI_AR_OPT_NO_LOOKUP 0x1005

/* The options as option tables (cli_opts.h): the database lookup ones
 * (--accuraterip-url, --cache-dir, --offline) that 'rip' and 'offset'
 * take, and the read offset and lookup switch of 'rip' (--offset,
 * --no-accuraterip). */
#include "cli/cli_opts.h"
extern const struct cli_opt cli_ar_lookup_opts[];
extern const struct cli_opt cli_ar_rip_opts[];

/* Largest --offset accepted, in samples (one second). */
#define CLI_AR_MAX_OFFSET 44100

struct cli_ar {
    struct dw_ardb_opts ardb;   /* base_url, cache_dir, flags */
    bool no_lookup;             /* --no-accuraterip */
    bool have_offset;           /* --offset given */
    int32_t offset_samples;
};

/* Take one of the options above (code from getopt_long, arg its
 * argument).  Returns 0, or -1 after printing why the value is bad. */
int cli_ar_option(struct cli_ar *a, int code, const char *arg);

/* Put what the options say into rip options (opts keeps a pointer to
 * a->ardb: a must outlive the rip). */
void cli_ar_apply(struct cli_ar *a, struct dw_rip_opts *opts);

/* The rip summary's AccurateRip line from its report ("" when the rip did
 * not ask AccurateRip; rep may be NULL). */
void cli_ar_summary(const struct dw_rip_report *rep, char *out, size_t out_bytes);

#endif
