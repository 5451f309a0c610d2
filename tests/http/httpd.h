/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A tiny HTTP/1.0 server on 127.0.0.1 for tests (test infrastructure only;
 * discwright never links it).  It serves the files under a root directory
 * from one thread, one connection at a time:
 *
 *   GET /PATH              the file ROOT/PATH: 200 with its bytes, or 404
 *   GET /status/NNN/...    status NNN with an empty body
 *   GET /hang/...          reads the request and never answers (until the
 *                          client closes or the server stops), for client
 *                          time-out and stop tests; logged when the hang
 *                          starts ("GET /hang/... hanging"), so a test can
 *                          wait for that line
 *
 * Anything else (other methods, "..", requests over 8 KiB) gets 400.
 * Every wait is bounded: a client that sends nothing is dropped after 5 s,
 * a hang ends when the client closes, the server stops, or after 60 s. */
#ifndef DW_TEST_HTTPD_H
#define DW_TEST_HTTPD_H

struct dw_test_httpd;

/* Start serving root on 127.0.0.1 at an ephemeral port (*port).  log may
 * be NULL; else each request is written to it as "METHOD PATH STATUS"
 * when answered, "METHOD PATH hanging" when a hang starts.
 * Returns 0 or -1 (errno set). */
int dw_test_httpd_start(const char *root, void *log /* FILE * */, struct dw_test_httpd **out,
                        int *port);

/* Requests answered (or hung) so far. */
int dw_test_httpd_requests(struct dw_test_httpd *h);

/* Stop the thread and free; NULL is a no-op. */
void dw_test_httpd_stop(struct dw_test_httpd *h);

#endif
