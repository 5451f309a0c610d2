/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drive list as JSON (report.h, dw_drive_list_to_json). */
#include "discwright/report.h"
#include "report/report_int.h"

#define add json_object_object_add

char *dw_drive_list_to_json(const struct dw_drive_info *list, int count)
{
    json_object *a;
    if (count < 0 || (count && !list) || !(a = json_object_new_array()))
        return NULL;
    for (int i = 0; i < count; i++) {
        json_object *o = json_object_new_object();
        add(o, "address", json_object_new_string(list[i].address));
        add(o, "vendor", json_object_new_string(list[i].vendor));
        add(o, "model", json_object_new_string(list[i].model));
        add(o, "firmware", json_object_new_string(list[i].firmware));
        add(o, "medium_loaded", json_object_new_boolean(list[i].medium_loaded));
        json_object_array_add(a, o);
    }
    return dw__json_text(a);
}
