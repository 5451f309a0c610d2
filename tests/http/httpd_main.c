/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-test-httpd ROOT PORTFILE [SECONDS]: the test HTTP server (httpd.h) as
 * a program for the shell tests.  Serves ROOT on 127.0.0.1, writes the
 * port to PORTFILE (renamed into place, so a reader sees it whole), logs
 * each request on stdout, and stops by itself after SECONDS (default 300),
 * when its parent goes away, or on SIGTERM/SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "httpd.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: dw-test-httpd ROOT PORTFILE [SECONDS]\n");
        return 2;
    }
    long seconds = argc == 4 ? strtol(argv[3], NULL, 10) : 300;
    if (seconds <= 0 || seconds > 3600)
        seconds = 300;
    struct dw_test_httpd *h;
    int port;
    pid_t parent = getppid();
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (dw_test_httpd_start(argv[1], stdout, &h, &port) != 0) {
        perror("dw-test-httpd");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
    FILE *fp = fopen(tmp, "w");
    if (!fp || fprintf(fp, "%d\n", port) < 0 || fclose(fp) != 0 || rename(tmp, argv[2]) != 0) {
        perror("dw-test-httpd: port file");
        dw_test_httpd_stop(h);
        return 1;
    }
    time_t until = time(NULL) + seconds;
    while (!stop && time(NULL) < until && getppid() == parent) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    dw_test_httpd_stop(h);
    return 0;
}
