/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test HTTP server (httpd.h). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "httpd.h"

struct dw_test_httpd {
    char root[4096];
    FILE *log;
    int listen_fd;
    pthread_t thread;
    atomic_int stop;
    atomic_int requests;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void send_all(int fd, const void *data, size_t bytes)
{
    const char *p = data;
    while (bytes > 0) {
        ssize_t n = send(fd, p, bytes, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        bytes -= (size_t)n;
    }
}

static void reply(int fd, int status, const char *reason, const void *body, size_t bytes)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.0 %d %s\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason, bytes);
    send_all(fd, head, (size_t)n);
    if (bytes)
        send_all(fd, body, bytes);
}

/* Read the request head (up to the blank line) within 5 s. */
static int read_head(struct dw_test_httpd *h, int fd, char *buf, size_t cap)
{
    size_t len = 0;
    double until = now_s() + 5;
    while (len + 1 < cap && !atomic_load(&h->stop) && now_s() < until) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            return 0;
    }
    return -1;
}

static void serve(struct dw_test_httpd *h, int fd)
{
    char req[8192], method[16], path[4096];
    int status = 400;
    if (read_head(h, fd, req, sizeof(req)) != 0 ||
        sscanf(req, "%15s %4095s", method, path) != 2) {
        reply(fd, 400, "Bad Request", NULL, 0);
        close(fd);
        return;
    }
    atomic_fetch_add(&h->requests, 1);
    if (strcmp(method, "GET") != 0 || path[0] != '/' || strstr(path, "..")) {
        reply(fd, 400, "Bad Request", NULL, 0);
    } else if (!strncmp(path, "/hang/", 6)) {
        status = 0;
        /* Said now, not when it ends: a test waits for this line. */
        if (h->log) {
            fprintf(h->log, "%s %s hanging\n", method, path);
            fflush(h->log);
        }
        /* Until the client gives up (closes), the server stops, or 60 s. */
        double until = now_s() + 60;
        while (!atomic_load(&h->stop) && now_s() < until) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            char c;
            if (poll(&p, 1, 50) > 0 && recv(fd, &c, 1, 0) <= 0)
                break;
        }
    } else if (!strncmp(path, "/status/", 8)) {
        status = atoi(path + 8);
        reply(fd, status, "Test", NULL, 0);
    } else {
        char file[8192];
        snprintf(file, sizeof(file), "%s%s", h->root, path);
        FILE *fp = fopen(file, "rb");
        char *body = NULL;
        long n = -1;
        if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
            fseek(fp, 0, SEEK_SET) == 0 && (body = malloc((size_t)n + 1)) &&
            fread(body, 1, (size_t)n, fp) == (size_t)n) {
            status = 200;
            reply(fd, 200, "OK", body, (size_t)n);
        } else {
            status = 404;
            reply(fd, 404, "Not Found", "not found\n", 10);
        }
        free(body);
        if (fp)
            fclose(fp);
    }
    if (h->log && status) {
        fprintf(h->log, "%s %s %d\n", method, path, status);
        fflush(h->log);
    }
    close(fd);
}

static void *run(void *arg)
{
    struct dw_test_httpd *h = arg;
    while (!atomic_load(&h->stop)) {
        struct pollfd p = {.fd = h->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(h->listen_fd, NULL, NULL);
        if (fd >= 0)
            serve(h, fd);
    }
    return NULL;
}

int dw_test_httpd_start(const char *root, void *log, struct dw_test_httpd **out, int *port)
{
    struct dw_test_httpd *h = calloc(1, sizeof(*h));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t alen = sizeof(a);
    if (!h)
        return -1;
    snprintf(h->root, sizeof(h->root), "%s", root);
    h->log = log;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    h->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->listen_fd < 0 || bind(h->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(h->listen_fd, 16) != 0 ||
        getsockname(h->listen_fd, (struct sockaddr *)&a, &alen) != 0 ||
        pthread_create(&h->thread, NULL, run, h) != 0) {
        int e = errno;
        if (h->listen_fd >= 0)
            close(h->listen_fd);
        free(h);
        errno = e;
        return -1;
    }
    *port = ntohs(a.sin_port);
    *out = h;
    return 0;
}

int dw_test_httpd_requests(struct dw_test_httpd *h)
{
    return atomic_load(&h->requests);
}

void dw_test_httpd_stop(struct dw_test_httpd *h)
{
    if (!h)
        return;
    atomic_store(&h->stop, 1);
    pthread_join(h->thread, NULL);
    close(h->listen_fd);
    free(h);
}
