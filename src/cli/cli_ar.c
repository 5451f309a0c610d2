/* The AccurateRip and read offset options (cli_ar.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "cli/cli_ar.h"

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

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static int int_of(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : 0;
}

void cli_ar_summary(const char *report_json, char *out, size_t out_bytes)
{
    json_object *root = report_json ? json_tokener_parse(report_json) : NULL, *ar, *disc;
    out[0] = '\0';
    if (!root || !json_object_object_get_ex(root, "accuraterip", &ar) || !str_of(ar, "status")) {
        json_object_put(root);
        return;
    }
    const char *status = str_of(ar, "status"), *message = str_of(ar, "message");
    if (json_object_object_get_ex(ar, "disc", &disc)) {
        int accurate = int_of(disc, "accurate"), tracks = int_of(disc, "tracks");
        if (accurate == tracks)
            snprintf(out, out_bytes, "%s, %d of %d tracks, disc confidence %d", status,
                     accurate, tracks, int_of(disc, "confidence"));
        else
            snprintf(out, out_bytes, "%s, %d of %d tracks accurate", status, accurate, tracks);
    } else {
        snprintf(out, out_bytes, "%s%s%.200s", status, message ? ": " : "",
                 message ? message : "");
    }
    json_object_put(root);
}
