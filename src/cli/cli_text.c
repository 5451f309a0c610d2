/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text for the terminal (cli.h, cli_safe). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "discwright/report.h"

#define SAFE_SLOTS 8
#define SAFE_BYTES 4096

const char *cli_safe(const char *s)
{
    static _Thread_local char slots[SAFE_SLOTS][SAFE_BYTES];
    static _Thread_local unsigned next;
    char *out = slots[next++ % SAFE_SLOTS];
    if (!s)
        return "";
    if (dw_text_escape(s, out, SAFE_BYTES) >= SAFE_BYTES)
        memcpy(out + SAFE_BYTES - 4, "...", 4);
    return out;
}

void cli_warnings(const struct cli *cli, const char *lines)
{
    if (cli->quiet || !lines)
        return;
    for (const char *w = lines; *w;) {
        const char *nl = strchr(w, '\n');
        size_t len = nl ? (size_t)(nl - w) : strlen(w);
        char line[2048];
        snprintf(line, sizeof(line), "%.*s", (int)len, w);
        fprintf(stderr, "discwright: warning: %s\n", cli_safe(line));
        w += len + (nl ? 1 : 0);
    }
}
