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
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "discover.h"
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

/* Corpus folders hold inputs: every file, no subfolder. */
static bool is_input(const char *name, bool is_dir)
{
    (void)name;
    return !is_dir;
}

/* Every input under path (a file or a folder), in name order. */
static int run_path(const char *path, unsigned long *ran)
{
    struct lc_buf list;
    char err[LC_PATH_MAX + 64];
    int rc;

    lc_buf_init(&list, REPLAY_FILES_MAX * sizeof(char *));
    rc = lc_discover(path, is_input, &list, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "replay: %s\n", err);
    for (size_t i = 0; rc == 0 && i < lc_discover_count(&list); i++)
        if (run_file(lc_discover_path(&list, i), ran) < 0)
            rc = -1;
    lc_discover_free(&list);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long ran = 0;
    int failed = 0, paths = 0;

    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        paths++;
        if (run_path(argv[i], &ran) < 0)
            failed = 1;
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
