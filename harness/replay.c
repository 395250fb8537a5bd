/*
 * replay - run a fuzz target without libFuzzer: feed it every file of the
 * folders (and every file) named on the command line, in name order.
 *
 *   replay_fuzz_trend corpus/fuzz_trend/
 *   LEAKCHECK_CASE=cases/fuzz_magic_header.py \
 *       replay_fuzz_scenario corpus/fuzz_scenario_magic_header/
 *
 * Linked with one harness/fuzz_<target>.c and compiled by the ordinary
 * compiler (no -fsanitize=fuzzer), so every target builds in the normal
 * build and its seeds run in `make test` (CTest): a target that no longer
 * builds, or that crashes or reports a leak on one of its own seeds, fails
 * the test run. The curl-fuzzer replay driver is the model.
 *
 * LLVMFuzzerInitialize runs first when the target defines it. Options
 * starting with '-' are passed to it (as libFuzzer would) and otherwise
 * ignored, so a libFuzzer command line replays as is.
 *
 * Exit status: 0 when every input ran; 1 when a file could not be read or
 * no input was found at all (an empty corpus is rot too). A finding aborts,
 * as under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "lc_limits.h"

/* Optional in a target: a weak reference is NULL when it is not defined. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Files per folder; a corpus folder is seeds, not a fuzzing run's output. */
#define REPLAY_FILES_MAX 100000

static int run_file(const char *path, unsigned long *ran)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    size_t n;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* One byte more than the targets take, so a longer file still reaches
     * the target's own bound and is rejected there. */
    buf = malloc(LC_FUZZ_INPUT_MAX + 1);
    if (!buf) {
        fclose(f);
        fprintf(stderr, "replay: out of memory\n");
        return -1;
    }
    n = fread(buf, 1, LC_FUZZ_INPUT_MAX + 1, f);
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        rc = -1;
    } else {
        /* An exact-size copy, so ASan catches a read past the input as
         * it would under libFuzzer. */
        unsigned char *exact = malloc(n ? n : 1);

        if (!exact) {
            rc = -1;
        } else {
            memcpy(exact, buf, n);
            LLVMFuzzerTestOneInput(exact, n);
            free(exact);
            (*ran)++;
        }
    }
    free(buf);
    fclose(f);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned long *ran)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        char path[LC_PATH_MAX];
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
                (int)sizeof(path) ||
            stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == REPLAY_FILES_MAX) {
            fprintf(stderr, "replay: %s: more than %d files\n", dir,
                    REPLAY_FILES_MAX);
            rc = -1;
            break;
        }
        if (n == cap) {
            char **v = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*v));

            if (!v) {
                rc = -1;
                break;
            }
            names = v;
        }
        if (!(names[n] = strdup(path))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0) {
        qsort(names, n, sizeof(*names), cmp_str);
        for (size_t i = 0; i < n; i++)
            if (run_file(names[i], ran) < 0)
                rc = -1;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long ran = 0;
    int failed = 0, paths = 0;

    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;

        if (argv[i][0] == '-')
            continue;
        paths++;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
        } else if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &ran) < 0
                                       : run_file(argv[i], &ran) < 0) {
            failed = 1;
        }
    }
    if (paths == 0) {
        fprintf(stderr, "usage: %s [-flag=value...] FILE|FOLDER...\n",
                argv[0]);
        return 1;
    }
    printf("replay: %lu inputs ran%s\n", ran, failed ? ", some failed" : "");
    if (ran == 0) {
        fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    return failed;
}
