/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-scsi DEVICE: send CDBs through discwright's MMC backend
 * (dw__mmc_exec: the transport, its timeouts, the trace) and print what
 * came back, for the integration tests (it_transport.sh): the data-out
 * commands a writer sends (MODE SELECT(10), WRITE(10), SEND OPC
 * INFORMATION, SYNCHRONIZE CACHE, CLOSE TRACK/SESSION) have no command of
 * their own yet.  Commands come on stdin, one a line:
 *   none HEX...            a command without data
 *   out HEX... @FILE       data-out: FILE's bytes (at most 1 MiB)
 *   in N HEX... [>FILE]    data-in: N bytes asked, what came saved to FILE
 * optionally followed by timeout=MS (else the opcode's default); HEX are
 * the CDB bytes, '#' starts a comment.  For each command one line on
 * stdout:
 *   NAME result=OK|DW_E... bytes=ASKED/MOVED sense=K/ASC/ASCQ|- timed_out=0|1
 * MOVED is "?" when the transport cannot tell.  Exit 0 when every line
 * was sent (whatever the drives answered), 1 when the drive does not
 * open, 2 for a line that cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/drive.h"
#include "discwright/errors.h"
#include "drive/drive_int.h"
#include "drive/transport.h"

#define MAX_DATA_BYTES (1u << 20)

/* Read the data of "@FILE" into a malloc'd buffer; NULL on failure. */
static uint8_t *load(const char *path, size_t *bytes)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(MAX_DATA_BYTES);

    *bytes = 0;
    if (!f || !buf) {
        if (f)
            fclose(f);
        free(buf);
        return NULL;
    }
    *bytes = fread(buf, 1, MAX_DATA_BYTES, f);
    fclose(f);
    return buf;
}

/* Send one parsed line; print its outcome.  Returns 0, or 2 for bad input. */
static int send_line(struct dw_drive *d, char *line)
{
    enum dw__mmc_dir dir;
    uint8_t cdb[16];
    size_t cdb_bytes = 0, bytes = 0;
    unsigned timeout_ms = 0;
    const char *save = NULL;
    uint8_t *buf = NULL;
    struct dw__mmc_status st;
    char *tok = strtok(line, " \t\n");

    if (!strcmp(tok, "none")) {
        dir = DW_MMC_DIR_NONE;
    } else if (!strcmp(tok, "in")) {
        char *end;
        dir = DW_MMC_DIR_FROM_DEV;
        tok = strtok(NULL, " \t\n");
        if (!tok)
            return 2;
        bytes = strtoul(tok, &end, 10);
        if (*end || bytes == 0 || bytes > MAX_DATA_BYTES || !(buf = malloc(bytes)))
            return 2;
    } else if (!strcmp(tok, "out")) {
        dir = DW_MMC_DIR_TO_DEV;
    } else {
        return 2;
    }
    while ((tok = strtok(NULL, " \t\n")) != NULL) {
        char *end;
        unsigned long v;
        if (tok[0] == '@' && dir == DW_MMC_DIR_TO_DEV) {
            free(buf);
            if (!(buf = load(tok + 1, &bytes)))
                return 2;
        } else if (tok[0] == '>' && dir == DW_MMC_DIR_FROM_DEV) {
            save = tok + 1;
        } else if (!strncmp(tok, "timeout=", 8)) {
            timeout_ms = (unsigned)strtoul(tok + 8, NULL, 10);
        } else if (strlen(tok) == 2 && cdb_bytes < sizeof(cdb) &&
                   (v = strtoul(tok, &end, 16), *end == '\0')) {
            cdb[cdb_bytes++] = (uint8_t)v;
        } else {
            free(buf);
            return 2;
        }
    }
    if (cdb_bytes == 0 || (dir != DW_MMC_DIR_NONE && !buf)) {
        free(buf);
        return 2;
    }
    dw__mmc_exec(d, cdb, cdb_bytes, dir, buf, bytes, timeout_ms, &st);
    printf("%s result=%s bytes=%zu/", dw__scsi_opcode_name(cdb[0]),
           st.code ? dw_err_name(st.code) : "OK", bytes);
    if (st.bytes_known)
        printf("%zu", st.bytes_transferred);
    else
        printf("?");
    if (st.have_sense)
        printf(" sense=%X/%02X/%02X", (unsigned)st.key, (unsigned)st.asc & 0xFF,
               (unsigned)st.ascq & 0xFF);
    else
        printf(" sense=-");
    printf(" timed_out=%d\n", st.timed_out ? 1 : 0);
    if (save && dir == DW_MMC_DIR_FROM_DEV) {
        FILE *f = fopen(save, "wb");
        if (f) {
            fwrite(buf, 1, st.bytes_transferred, f);
            fclose(f);
        }
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    char line[1024];
    int rc = 0, lineno = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: dw-scsi DEVICE < commands\n");
        return 2;
    }
    if (dw_drive_open(argv[1], 0, &d, &err)) {
        fprintf(stderr, "dw-scsi: %s\n", err.message);
        return 1;
    }
    while (!rc && fgets(line, sizeof(line), stdin)) {
        char *hash = strchr(line, '#');
        lineno++;
        if (hash)
            *hash = '\0';
        if (strspn(line, " \t\n") == strlen(line))
            continue;
        rc = send_line(d, line);
        if (rc)
            fprintf(stderr, "dw-scsi: cannot read line %d\n", lineno);
        fflush(stdout);
    }
    dw_drive_free(d);
    return rc;
}
