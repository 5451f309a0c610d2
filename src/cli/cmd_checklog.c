/* discwright checklog LOG: check the SHA-256 signature a rip log ends with. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "discwright/report.h"

static const char usage[] =
    "usage: discwright checklog LOG [--json]\n"
    "Check that a rip log is as discwright wrote it: its last line holds the\n"
    "SHA-256 of every byte above it, which this recomputes (as does\n"
    "\"sed '$d' LOG | sha256sum\").  A checksum, not a secret key: it shows the\n"
    "log was not edited after the fact, not who wrote it.\n"
    "  -q, --quiet   print nothing; the exit status tells\n"
    "      --json    print the result as JSON\n"
    "exit status: 0 signature good, 1 no signature or LOG cannot be read,\n"
    "2 usage, 4 log modified (the text does not match its signature)\n";

static const char *verdict_name(enum dw_log_verdict v)
{
    return v == DW_LOG_GOOD ? "good" : v == DW_LOG_MODIFIED ? "modified" : "unsigned";
}

int cmd_checklog(struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    struct dw_log_check check;
    struct dw_error_detail err;

    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet") ||
            !strcmp(argv[i], "--json"))
            continue;
        if ((argv[i][0] == '-' && argv[i][1]) || path) {
            cli_errorf(path ? "more than one LOG given" : "unknown option '%s'", argv[i]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
        path = argv[i];
    }
    if (!path) {
        cli_errorf("no LOG given");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    int rc = dw_log_verify(path, &check, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    int status = check.verdict == DW_LOG_GOOD       ? EXIT_OK
                 : check.verdict == DW_LOG_MODIFIED ? EXIT_MISMATCH
                                                    : EXIT_FAILURE_;
    if (cli->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "command", json_object_new_string("checklog"));
        json_object_object_add(o, "log", json_object_new_string(path));
        json_object_object_add(o, "verdict",
                               json_object_new_string(verdict_name(check.verdict)));
        json_object_object_add(
            o, "signed_sha256",
            check.signed_sha256[0] ? json_object_new_string(check.signed_sha256) : NULL);
        json_object_object_add(o, "actual_sha256",
                               json_object_new_string(check.actual_sha256));
        json_object_object_add(o, "signed_bytes",
                               json_object_new_int64(check.signed_bytes));
        json_object_object_add(o, "trailing_bytes",
                               json_object_new_int64(check.trailing_bytes));
        json_object_object_add(
            o, "reason", check.reason[0] ? json_object_new_string(check.reason) : NULL);
        json_object_object_add(o, "exit_status", json_object_new_int(status));
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    } else if (!cli->quiet) {
        if (check.verdict == DW_LOG_GOOD)
            printf("%s: signature good (SHA-256 %s of %lld bytes)\n", path,
                   check.actual_sha256, (long long)check.signed_bytes);
        else if (check.verdict == DW_LOG_MODIFIED)
            printf("%s: log modified: %s\n", path, check.reason);
        else
            printf("%s: no signature: %s; it was not written by a discwright rip, or was "
                   "cut "
                   "short\n",
                   path, check.reason);
    }
    return status;
}
