/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reports' JSON text (report_int.h, dw__json_text): one way every
 * serializer turns its object into the text it hands out. */
#include <stdlib.h>
#include <string.h>
#include "discwright/version.h"
#include "report/report_int.h"

char *dw__json_text(json_object *o)
{
    if (!o)
        return NULL;
    const char *text = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = text ? strdup(text) : NULL;
    json_object_put(o);
    return copy;
}

void dw__json_report_head(json_object *o, const char *schema, int schema_version,
                          const char *command)
{
    json_object_object_add(o, "tool",
                           json_object_new_string("discwright " DW_VERSION_STRING));
    json_object_object_add(o, "schema", json_object_new_string(schema));
    json_object_object_add(o, "schema_version", json_object_new_int(schema_version));
    json_object_object_add(o, "command", json_object_new_string(command));
}
