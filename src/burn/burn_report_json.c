/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON of a burn ("discwright-burn-report") and of a blank: the one
 * place that writes them (burn.h, dw_burn_result_to_json and
 * dw_burn_blank_result_to_json). */
#include <string.h>
#include "discwright/burn.h"
#include "discwright/verify.h"
#include "report/report_int.h"

#define add json_object_object_add

#define BURN_REPORT_SCHEMA "discwright-burn-report"
#define BURN_REPORT_SCHEMA_VERSION 1

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *burn_json(const char *image_path, const struct dw_burn_result *r,
                              const char *error)
{
    json_object *b = json_object_new_object();
    add(b, "image", str_or_null(image_path));
    add(b, "drive", json_object_new_string(r->drive_address));
    add(b, "profile", json_object_new_int(r->profile));
    add(b, "profile_name", json_object_new_string(r->profile_name));
    add(b, "write_type", json_object_new_string(r->write_type));
    add(b, "start_lba", json_object_new_int(r->start_lba));
    add(b, "image_bytes", json_object_new_int64(r->image_bytes));
    add(b, "written_bytes", json_object_new_int64(r->written_bytes));
    add(b, "dummy", json_object_new_boolean(r->dummy));
    add(b, "writer", json_object_new_string(r->writer));
    add(b, "sessions", json_object_new_int(r->sessions));
    add(b, "tracks", json_object_new_int(r->tracks));
    add(b, "write_offset_samples", json_object_new_int(r->write_offset_samples));
    add(b, "write_offset_source",
        r->write_offset_source[0] ? json_object_new_string(r->write_offset_source) : NULL);
    if (!strcmp(r->write_offset_source, "profile"))
        add(b, "write_offset_profile", json_object_new_string(r->write_offset_profile));
    add(b, "error", str_or_null(error));
    return b;
}

char *dw_burn_result_to_json(const char *image_path, const struct dw_burn_result *result,
                             const char *error, const struct dw_verify_report *verify,
                             int exit_status)
{
    json_object *o;
    if (!result || !(o = json_object_new_object()))
        return NULL;
    add(o, "schema", json_object_new_string(BURN_REPORT_SCHEMA));
    add(o, "schema_version", json_object_new_int(BURN_REPORT_SCHEMA_VERSION));
    add(o, "burn", burn_json(image_path, result, error));
    if (verify) {
        /* The verify's own serializer wrote it; parsed back to nest it. */
        const char *text = dw_verify_report_json(verify);
        add(o, "verify", text ? json_tokener_parse(text) : NULL);
    }
    add(o, "exit_status", json_object_new_int(exit_status));
    return dw__json_text(o);
}

char *dw_burn_blank_result_to_json(const char *drive_address, bool fast,
                                   const char *error, int exit_status)
{
    json_object *o = json_object_new_object(), *b = json_object_new_object();
    if (!o || !b) {
        json_object_put(o);
        json_object_put(b);
        return NULL;
    }
    add(b, "drive", str_or_null(drive_address));
    add(b, "fast", json_object_new_boolean(fast));
    add(b, "error", str_or_null(error));
    add(o, "blank", b);
    add(o, "exit_status", json_object_new_int(exit_status));
    return dw__json_text(o);
}
