/*
 * bench_refs - the cost of one reading of the refs signal (src/probe/refs.h).
 *
 *   bench_refs [--readings N] [MODULE...]
 *
 * Starts the interpreter as the worker does (pymalloc, counting hooks),
 * imports the modules named (default: test.test_json test.test_ctypes,
 * from Debian's libpython3.11-testsuite), collects, then takes N readings
 * (default 50) and prints one line:
 *
 *   objects=123456 refs=7890123 first_ms=4.1 median_ms=3.2 max_ms=3.9
 *   collect_ms=3.5 stable=1 py_blocks_moved=0 heap_moved=0
 *
 * first_ms includes mapping the visited set (and any regrowth), median_ms
 * and max_ms are over the later readings; collect_ms is the median of N
 * full collections (what every sample point already pays); stable says
 * every reading gave the same sum; py_blocks_moved and heap_moved are how
 * far Python's live blocks and mallinfo2's in-use bytes moved across all
 * readings (both must be 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "embed.h"
#include "probes.h"
#include "refs.h"

#define MAX_READINGS 10000

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static double ms[MAX_READINGS], cms[MAX_READINGS];
    struct lc_embed_opts eo = {.hooks = true};
    struct lc_alloc_counts a0, a1;
    char err[4096], code[512];
    int n = 50, first_mod = 1, stable = 1;
    long long h0, h1;
    int64_t r0, r;
    double t, first;

    if (argc > 2 && strcmp(argv[1], "--readings") == 0) {
        n = atoi(argv[2]);
        first_mod = 3;
    }
    if (n < 2 || n > MAX_READINGS) {
        fprintf(stderr, "bench_refs: --readings 2..%d\n", MAX_READINGS);
        return 2;
    }
    if (lc_embed_start(&eo, err, sizeof(err))) {
        fprintf(stderr, "bench_refs: %s\n", err);
        return 1;
    }
    for (int i = first_mod; i < argc || (argc <= first_mod && i == first_mod);
         i++) {
        const char *mods =
            argc > first_mod ? argv[i] : "test.test_json, test.test_ctypes";

        snprintf(code, sizeof(code), "import %s\n", mods);
        if (lc_embed_exec(code, err, sizeof(err))) {
            fprintf(stderr, "bench_refs: %s\n", err);
            return 1;
        }
    }
    lc_embed_collect();

    t = now_ms();
    r0 = lc_refs_total();
    first = now_ms() - t;
    lc_alloc_read(&a0);
    h0 = lc_probes_heap_in_use();
    for (int i = 0; i < n; i++) {
        t = now_ms();
        r = lc_refs_total();
        ms[i] = now_ms() - t;
        if (r != r0)
            stable = 0;
    }
    h1 = lc_probes_heap_in_use();
    lc_alloc_read(&a1);
    for (int i = 0; i < n; i++) {
        t = now_ms();
        lc_embed_collect();
        cms[i] = now_ms() - t;
    }
    qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
    qsort(cms, (size_t)n, sizeof(cms[0]), cmp_double);
    printf("objects=%lld refs=%lld first_ms=%.2f median_ms=%.2f max_ms=%.2f "
           "collect_ms=%.2f stable=%d py_blocks_moved=%lld heap_moved=%lld\n",
           (long long)lc_refs_last_objects(), (long long)r0, first, ms[n / 2],
           ms[n - 1], cms[n / 2], stable,
           (long long)(lc_alloc_blocks(&a1) - lc_alloc_blocks(&a0)), h1 - h0);
    return 0;
}
