/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A signed log's check as JSON (report.h, dw_log_check_to_json). */
#include "discwright/report.h"
#include "report/report_int.h"

#define add json_object_object_add

static const char *verdict_name(enum dw_log_verdict v)
{
    return v == DW_LOG_GOOD ? "good" : v == DW_LOG_MODIFIED ? "modified" : "unsigned";
}

static json_object *str_or_null(const char *s)
{
    return s && s[0] ? json_object_new_string(s) : NULL;
}

char *dw_log_check_to_json(const char *log_path, const struct dw_log_check *check,
                           int exit_status)
{
    json_object *o;
    if (!check || !(o = json_object_new_object()))
        return NULL;
    add(o, "command", json_object_new_string("checklog"));
    add(o, "log", log_path ? json_object_new_string(log_path) : NULL);
    add(o, "verdict", json_object_new_string(verdict_name(check->verdict)));
    add(o, "signed_sha256", str_or_null(check->signed_sha256));
    add(o, "actual_sha256", json_object_new_string(check->actual_sha256));
    add(o, "signed_bytes", json_object_new_int64(check->signed_bytes));
    add(o, "trailing_bytes", json_object_new_int64(check->trailing_bytes));
    add(o, "reason", str_or_null(check->reason));
    add(o, "exit_status", json_object_new_int(exit_status));
    return dw__json_text(o);
}
