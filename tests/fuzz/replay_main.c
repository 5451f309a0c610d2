/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays a fuzz target's corpus (and matching third-party fixtures) as an
 * ordinary test, so every CI run feeds the parsers hostile input without a
 * fuzzing engine.  Usage: fuzz_X_replay CORPUS_DIR [FIXTURES_DIR]
 * The target defines dw_fuzz_fixture_ext (".cue", ".toc", ...): fixture
 * files with that ending are replayed too, recursively. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *dw_fuzz_fixture_ext;

static int replayed;

static void run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return;
    uint8_t *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, fp) : 0;
    fclose(fp);
    if (buf) {
        LLVMFuzzerTestOneInput(buf, n);
        replayed++;
    }
    free(buf);
}

static void walk(const char *dir, const char *ext, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d || depth > 8) {
        if (d)
            closedir(d);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path, ext, depth + 1);
        } else if (S_ISREG(st.st_mode) && st.st_size < (1 << 20)) {
            size_t a = strlen(de->d_name), b = ext ? strlen(ext) : 0;
            if (!ext || (a > b && strcasecmp(de->d_name + a - b, ext) == 0))
                run_file(path);
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [FIXTURES_DIR]\n", argv[0]);
        return 2;
    }
    walk(argv[1], NULL, 0);
    int corpus = replayed;
    if (argc > 2)
        walk(argv[2], dw_fuzz_fixture_ext, 0);
    printf("replayed %d corpus inputs and %d fixtures without a crash\n", corpus,
           replayed - corpus);
    return corpus > 0 ? 0 : 1;
}
