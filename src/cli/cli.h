/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: shared helpers of the subcommands. */
#ifndef DW_CLI_H
#define DW_CLI_H

#include <stdbool.h>
#include "discwright/drive.h"
#include "discwright/errors.h"
#include "discwright/progress.h"

/* Exit codes (docs/discwright.md): stable. */
#define EXIT_OK 0
#define EXIT_FAILURE_ 1
#define EXIT_USAGE 2
#define EXIT_BAD_SECTORS 3
#define EXIT_MISMATCH 4
#define EXIT_UNCONFIRMED 5

struct cli {
    bool quiet;        /* -q: no progress, no info lines */
    bool json;         /* --json: machine-readable report on stdout */
    bool raw;          /* --raw: a file without an ISO 9660/UDF volume descriptor
                          opens as plain 2048-byte sectors (DW_DRIVE_OPEN_RAW_ISO) */
    unsigned threads;  /* --threads N (0: automatic), for the jobs' options */
    const char *argv0;
    char command_line[4096];
};

typedef int (*cli_cmd_fn)(struct cli *cli, int argc, char **argv);

int cmd_drives(struct cli *cli, int argc, char **argv);
int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_rip(struct cli *cli, int argc, char **argv);
int cmd_offset(struct cli *cli, int argc, char **argv);
int cmd_burn(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_convert(struct cli *cli, int argc, char **argv);
int cmd_blank(struct cli *cli, int argc, char **argv);
int cmd_checklog(struct cli *cli, int argc, char **argv);
int cmd_mkiso(struct cli *cli, int argc, char **argv);
int cmd_format(struct cli *cli, int argc, char **argv);

/* Run a verify and print its summary; with --json also its JSON report,
 * unless report_out is not NULL: then *report_out gets the report (NULL
 * when none was made), which the caller frees with dw_verify_report_free.
 * Returns the exit status.  src/cli/cmd_verify.c */
struct dw_verify_report;
int cli_verify_run(struct cli *cli, const char *source, const char *image, int32_t lba,
                   int retries, struct dw_verify_report **report_out);
/* The same with every option of the verify (opts->command_line is set
 * here). */
struct dw_verify_opts;
int cli_verify_run_opts(struct cli *cli, const char *source, const char *image,
                        const struct dw_verify_opts *opts,
                        struct dw_verify_report **report_out);

/* rip --format for the formats of convert other than bincue and iso
 * (src/cli/cli_ripconvert.c): whether format is one; the work directory
 * the BIN/CUE rip goes to (OUTDIR/discwright-rip.work, OUTDIR made) into
 * out, 0 or -1 with a message; and the conversion of the finished rip into
 * OUTDIR, which returns the exit status (the rip's status when it
 * succeeds). */
struct dw_rip_report;
bool cli_rip_convert_format(const char *format);
int cli_rip_work_dir(const char *outdir, char *out, size_t out_bytes);
int cli_rip_convert(struct cli *cli, const struct dw_rip_report *rep, const char *outdir,
                    const char *work, const char *format, bool overwrite, int status);

/* s escaped for the terminal (dw_text_escape: control characters and bytes
 * that are not UTF-8 become \xNN) in one of 8 rotating static buffers of
 * 4 KiB a thread: valid until eight more calls; longer text ends in "...".
 * Every text from a disc, an image, a drive or a file name goes through it
 * before it is printed.  NULL gives "".  src/cli/cli_text.c */
const char *cli_safe(const char *s);

/* Print warning lines ("\n"-separated, as dw_drive_warnings gives them) on
 * stderr, each escaped; nothing with -q. */
void cli_warnings(const struct cli *cli, const char *lines);

/* The dw_drive_open flags the command line asks for (--raw). */
#define CLI_OPEN_FLAGS(cli) ((cli)->raw ? DW_DRIVE_OPEN_RAW_ISO : 0u)

/* Print "discwright: <message>" to stderr for an error detail / code. */
void cli_error(const struct dw_error_detail *e, int code);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit code for a library error: usage-like errors are 1 too; the map
 * lives here so every command agrees. */
int cli_exit_for(int code);

/* Callbacks that draw a progress line on stderr when it is a terminal and
 * not -q (at most 5 times a second), and print warnings/errors. */
void cli_callbacks(struct cli *cli, struct dw_callbacks *cb);
/* End the progress line (newline) if one was drawn. */
void cli_progress_done(void);

/* The signal number (SIGINT/SIGTERM) that arrived while a job ran, else 0;
 * progress callbacks then ask the library to stop, and main() re-raises it
 * once the command has cleaned up, so the shell sees the signal (exit
 * status 130 or 143). */
extern volatile int cli_interrupted;
void cli_install_signals(void);


#endif
