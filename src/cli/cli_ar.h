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

/* The entries of a struct option array. */
#define CLI_AR_LONGOPTS                                                                     \
    {"offset", required_argument, NULL, CLI_AR_OPT_OFFSET},                                 \
        {"accuraterip-url", required_argument, NULL, CLI_AR_OPT_URL},                       \
        {"cache-dir", required_argument, NULL, CLI_AR_OPT_CACHE_DIR},                       \
        {"offline", no_argument, NULL, CLI_AR_OPT_OFFLINE},                                 \
    {                                                                                       \
        "no-accuraterip", no_argument, NULL, CLI_AR_OPT_NO_LOOKUP                           \
    }

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

/* Usage lines of the options, for 'rip' and 'offset'. */
#define CLI_AR_USAGE_LOOKUP                                                                 \
    "      --accuraterip-url URL\n"                                                          \
    "                         AccurateRip database root (default:\n"                      \
    "                         $DW_ACCURATERIP_URL, else\n"                                   \
    "                         " DW_ARDB_DEFAULT_URL ")\n"                                     \
    "      --cache-dir DIR    cache of database answers (default:\n"                         \
    "                         $XDG_CACHE_HOME/discwright/accuraterip)\n"                     \
    "      --offline          use the cache only, never the network\n"
#define CLI_AR_USAGE_RIP                                                                    \
    "      --offset N         drives: read offset correction in samples\n"                 \
    "                         (AccurateRip's sign, -44100..44100); overrides the\n"          \
    "                         drive table\n"                                                 \
    "      --no-accuraterip   do not ask the AccurateRip database, nor CTDB\n"                \
    "                         ($DW_CTDB_URL, else " DW_CTDB_DEFAULT_URL ";\n"                   \
    "                         --cache-dir and --offline apply to it too)\n" CLI_AR_USAGE_LOOKUP

#endif
