/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AccurateRip and read offset options (cli_ar.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_ar.h"
#include "cli/cli_opts.h"

const struct cli_opt cli_ar_rip_opts[] = {
    {"offset", 0, CLI_AR_OPT_OFFSET, "N",
     "drives: read offset correction in samples (AccurateRip's sign, -44100..44100); "
     "overrides the drive table",
     CLI_COMPLETE_NONE, NULL},
    {"no-accuraterip", 0, CLI_AR_OPT_NO_LOOKUP, NULL,
     "do not ask the AccurateRip database, nor CTDB ($DW_CTDB_URL, else "
     DW_CTDB_DEFAULT_URL "; --cache-dir and --offline apply to it too)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_opt cli_ar_lookup_opts[] = {
    {"accuraterip-url", 0, CLI_AR_OPT_URL, "URL",
     "AccurateRip database root (default: $DW_ACCURATERIP_URL, else " DW_ARDB_DEFAULT_URL ")",
     CLI_COMPLETE_NONE, NULL},
    {"cache-dir", 0, CLI_AR_OPT_CACHE_DIR, "DIR",
     "cache of database answers (default: $XDG_CACHE_HOME/discwright/accuraterip)",
     CLI_COMPLETE_DIR, NULL},
    {"offline", 0, CLI_AR_OPT_OFFLINE, NULL, "use the cache only, never the network",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

int cli_ar_option(struct cli_ar *a, int code, const char *arg)
{
    switch (code) {
    case CLI_AR_OPT_OFFSET: {
        char *end;
        long v = strtol(arg, &end, 10);
        if (!arg[0] || *end || v < -CLI_AR_MAX_OFFSET || v > CLI_AR_MAX_OFFSET) {
            cli_errorf("--offset needs a number of samples from %d to %d, not '%s'",
                       -CLI_AR_MAX_OFFSET, CLI_AR_MAX_OFFSET, arg);
            return -1;
        }
        a->have_offset = true;
        a->offset_samples = (int32_t)v;
        return 0;
    }
    case CLI_AR_OPT_URL:
        if (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0) {
            cli_errorf("--accuraterip-url needs an http:// or https:// URL, not '%s'", arg);
            return -1;
        }
        a->ardb.base_url = arg;
        return 0;
    case CLI_AR_OPT_CACHE_DIR:
        a->ardb.cache_dir = arg;
        return 0;
    case CLI_AR_OPT_OFFLINE:
        a->ardb.flags |= DW_ARDB_OFFLINE;
        return 0;
    case CLI_AR_OPT_NO_LOOKUP:
        a->no_lookup = true;
        return 0;
    default:
        return -1;
    }
}

void cli_ar_apply(struct cli_ar *a, struct dw_rip_opts *opts)
{
    opts->accuraterip = &a->ardb;
    if (a->no_lookup)
        opts->flags |= DW_RIP_NO_ACCURATERIP;
    if (a->have_offset) {
        opts->flags |= DW_RIP_READ_OFFSET;
        opts->read_offset_samples = a->offset_samples;
    }
}

void cli_ar_summary(const struct dw_rip_report *rep, char *out, size_t out_bytes)
{
    const char *note = "";
    int tracks = 0, accurate = 0;
    unsigned confidence = 0;
    const char *status = dw_rip_report_database(rep, DW_RIP_DB_ACCURATERIP, &note, &tracks,
                                                &accurate, &confidence);
    out[0] = '\0';
    if (!status)
        return;
    if (tracks > 0) {
        if (accurate == tracks)
            snprintf(out, out_bytes, "%s, %d of %d tracks, disc confidence %u", status,
                     accurate, tracks, confidence);
        else
            snprintf(out, out_bytes, "%s, %d of %d tracks accurate", status, accurate, tracks);
    } else {
        snprintf(out, out_bytes, "%s%s%.200s", status, note[0] ? ": " : "", cli_safe(note));
    }
}
