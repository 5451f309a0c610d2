/* discwright drives: list optical drives (libcdio and libburn). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "discwright/drive.h"

static const char usage[] =
    "usage: discwright drives [--json]\n"
    "List optical drives found by libcdio and libburn: address, vendor, model,\n"
    "firmware, and whether a medium is loaded.\n"
    "exit status: 0 (also when no drive is found), 1 on failure, 2 usage\n";

int cmd_drives(struct cli *cli, int argc, char **argv)
{
    struct dw_drive_info *list = NULL;
    int count = 0;
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-q") && strcmp(argv[i], "--quiet") && strcmp(argv[i], "--json")) {
            cli_errorf("drives takes no argument '%s'", argv[i]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    int rc = dw_drive_list(&list, &count);
    if (rc) {
        cli_errorf("cannot list drives: %s", dw_strerror(rc));
        return EXIT_FAILURE_;
    }
    if (cli->json) {
        json_object *a = json_object_new_array();
        for (int i = 0; i < count; i++) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "address", json_object_new_string(list[i].address));
            json_object_object_add(o, "vendor", json_object_new_string(list[i].vendor));
            json_object_object_add(o, "model", json_object_new_string(list[i].model));
            json_object_object_add(o, "firmware", json_object_new_string(list[i].firmware));
            json_object_object_add(o, "medium_loaded",
                                   json_object_new_boolean(list[i].medium_loaded));
            json_object_array_add(a, o);
        }
        puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(a);
    } else if (count == 0) {
        printf("no optical drives found\n");
    } else {
        printf("%-14s %-8s %-16s %-5s %s\n", "address", "vendor", "model", "fw", "medium");
        for (int i = 0; i < count; i++)
            printf("%-14s %-8s %-16s %-5s %s\n", list[i].address, list[i].vendor,
                   list[i].model, list[i].firmware, list[i].medium_loaded ? "loaded" : "none");
    }
    free(list);
    return EXIT_OK;
}
