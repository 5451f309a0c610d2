/* Text for the terminal (cli.h, cli_safe). */
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
