/* The reports' JSON text (report_int.h, dw__json_text): one way every
 * serializer turns its object into the text it hands out. */
#include <stdlib.h>
#include <string.h>
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
