/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Progress line and log printing for the library callbacks. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"

volatile int cli_interrupted;
static bool line_drawn;
static double last_draw_s;
static double start_s;
static int64_t start_done;
static const char *start_phase;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* the program has no util.h: public headers only */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
    cli_interrupted = sig;
}

void cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int draw(const struct dw_progress *p, void *user)
{
    struct cli *cli = user;
    if (cli_interrupted)
        return 1;
    if (cli->quiet || !isatty(STDERR_FILENO))
        return 0;
    double t = now_s();
    bool final = p->total_sectors && p->done_sectors >= p->total_sectors;
    if (!final && t - last_draw_s < 0.2)
        return 0; /* at most 5 lines a second */
    last_draw_s = t;
    if (!start_phase || strcmp(start_phase, p->phase) != 0 || p->done_sectors < start_done) {
        start_phase = p->phase;
        start_s = t;
        start_done = p->done_sectors;
    }
    double elapsed = t - start_s;
    double rate = elapsed > 0.2 ? (double)(p->done_sectors - start_done) / elapsed : 0;
    double speed_x = p->media_1x_bytes_per_s
                         ? rate * p->sector_bytes / (double)p->media_1x_bytes_per_s
                         : rate / 75.0;
    char eta[32] = "--:--";
    if (rate > 0 && p->total_sectors > p->done_sectors) {
        long s = (long)((double)(p->total_sectors - p->done_sectors) / rate);
        snprintf(eta, sizeof(eta), "%ld:%02ld", s / 60, s % 60);
    }
    int pct = p->total_sectors ? (int)(100 * p->done_sectors / p->total_sectors) : 0;
    if (!strcmp(p->phase, "blank")) { /* libburn counts steps, not sectors */
        fprintf(stderr, "\rblank  %3d%%   ", pct);
        line_drawn = true;
        return 0;
    }
    fprintf(stderr, "\r%-6s", p->phase);
    if (p->track)
        fprintf(stderr, " track %02d", p->track);
    fprintf(stderr, "  %lld/%lld sectors %3d%%  %5.1fx  ETA %s  errors %lld",
            (long long)p->done_sectors, (long long)p->total_sectors, pct, speed_x, eta,
            (long long)p->errors);
    if (p->buffer_fill_percent >= 0)
        fprintf(stderr, "  buffer %3d%%", p->buffer_fill_percent);
    fputs("   ", stderr);
    line_drawn = true;
    return 0;
}

void cli_progress_done(void)
{
    if (line_drawn)
        fputc('\n', stderr);
    line_drawn = false;
    start_phase = NULL;
}

static void log_line(enum dw_log_level level, const char *line, void *user)
{
    struct cli *cli = user;
    if (level < DW_LOG_WARN)
        return;
    if (cli->quiet && level < DW_LOG_ERROR)
        return;
    cli_progress_done();
    fprintf(stderr, "discwright: %s%s\n", level == DW_LOG_WARN ? "warning: " : "", cli_safe(line));
}

void cli_callbacks(struct cli *cli, struct dw_callbacks *cb)
{
    cb->progress = draw;
    cb->log = log_line;
    cb->user = cli;
}

void cli_errorf(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    cli_progress_done();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "discwright: %s\n", cli_safe(msg));
}

void cli_error(const struct dw_error_detail *e, int code)
{
    if (e && e->message[0])
        cli_errorf("%s", e->message);
    else
        cli_errorf("%s", dw_strerror(code));
}

int cli_exit_for(int code)
{
    return code == 0 ? EXIT_OK : EXIT_FAILURE_;
}
