/*
 * bench_hooks - time a Python workload with or without the counting hooks.
 *
 *   bench_hooks --hooks|--no-hooks [--workload NAME] [--iterations N]
 *               [--warmup N] [--rounds R]
 *   bench_hooks --list
 *
 * Starts the interpreter through lc_embed_start() (pymalloc, with or without
 * the allocator hooks of alloc.h), loads the chosen workload as a case whose
 * run() is the kind of thing a case's run() does - object, list and dict
 * churn, string formatting and joining, a small class with attributes, a
 * json round trip - and calls it through lc_script_call(), the worker's own
 * path. It warms up, then times R rounds of N calls and prints one line:
 *
 *   workload=churn hooks=on iterations=2500 rounds=5 ns_per_iter=19187.4
 *   cpu_ns_per_iter=19010.2
 *
 * (one line) ns_per_iter is the wall time per call, cpu_ns_per_iter this
 * thread's CPU time per call, each the median over the rounds.
 *
 * The calls are made in bench_timed_loop(), a function kept out of line (and
 * out of GCC's cloning) so that callgrind's
 * --toggle-collect=bench_timed_loop counts the calls and nothing else.
 * hook_overhead.sh compares two such processes; one process measures one
 * side only, because the hooks are installed once, before the interpreter
 * starts, and never removed.
 *
 * Exit status: 0 measured; 1 the interpreter or the workload failed;
 * 2 bad command line.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embed.h"
#include "errors.h"
#include "lc_limits.h"

/* Most timed rounds per process: the samples sit in fixed arrays, filled
 * without allocating while the interpreter runs. A median of more than a
 * few rounds belongs in separate processes (hook_overhead.sh). */
#define BENCH_ROUNDS_MAX 31

/* Most calls per round: far above what any round needs (a round is meant
 * to last some tens of milliseconds), low enough that a typo is caught. */
#define BENCH_ITERATIONS_MAX 100000000L

/* Out of line, and, under GCC, not cloned or analysed across calls either:
 * a .constprop copy would carry another symbol name and escape
 * --toggle-collect. */
#if defined(__GNUC__) && !defined(__clang__)
#define BENCH_OUT_OF_LINE __attribute__((noipa, used))
#else
#define BENCH_OUT_OF_LINE __attribute__((noinline, used))
#endif

/* Each workload is a zero-argument function of the source below, made the
 * case's run(); it returns a small int, so the call keeps nothing alive. */
struct workload {
    const char *name;     /* --workload NAME */
    const char *function; /* its function in workload_src */
    long iterations;      /* default calls per round: about 50 ms here */
    const char *about;    /* one line for --list */
};

static const struct workload workloads[] = {
    {"churn", "bench_churn", 2500,
     "lists, tuples, dicts and sets built, sorted, dropped"},
    {"strings", "bench_strings", 1800,
     "f-strings, %-formatting, join, split, replace"},
    {"objects", "bench_objects", 1400,
     "a small class: instances, attributes, methods"},
    {"json", "bench_json", 4000,
     "json.dumps and json.loads of a nested document"},
    {"native", "bench_native", 3000,
     "malloc-heavy: blocks over 512 B, zlib and hashlib (libc's malloc)"},
};

#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static const char workload_src[] =
    "import hashlib\n"
    "import json\n"
    "import zlib\n"
    "\n"
    "def bench_churn():\n"
    "    rows = [[i, i * 2, (i, str(i))] for i in range(64)]\n"
    "    index = {i: row for i, row in enumerate(rows)}\n"
    "    keys = sorted(index, reverse=True)\n"
    "    picked = {}\n"
    "    for k in keys[:32]:\n"
    "        picked[k] = index[k][2]\n"
    "    seen = set(keys)\n"
    "    pairs = list(zip(keys, rows))\n"
    "    return len(picked) + len(seen) + len(pairs)\n"
    "\n"
    "def bench_strings():\n"
    "    parts = [f'{i:04d}:{i * 0.5:.2f}' for i in range(48)]\n"
    "    line = ','.join(parts)\n"
    "    fields = line.split(',')\n"
    "    head = '%s-%d-%r' % (fields[3], len(fields), fields[-1])\n"
    "    tail = ' '.join(reversed(fields)).replace('0', 'o')\n"
    "    return len(head.upper()) + len(tail) + len(str(fields[7:9]))\n"
    "\n"
    "class Point:\n"
    "    def __init__(self, x, y):\n"
    "        self.x = x\n"
    "        self.y = y\n"
    "        self.tags = {'kind': 'point'}\n"
    "\n"
    "    def moved(self, dx):\n"
    "        return Point(self.x + dx, self.y)\n"
    "\n"
    "    def __repr__(self):\n"
    "        return f'Point({self.x}, {self.y})'\n"
    "\n"
    "def bench_objects():\n"
    "    points = [Point(i, -i) for i in range(48)]\n"
    "    total = 0\n"
    "    for p in points:\n"
    "        q = p.moved(1)\n"
    "        q.label = 'p%d' % q.x\n"
    "        total += q.x + q.y + len(q.tags)\n"
    "    return total + len(repr(points[-1]))\n"
    "\n"
    "_doc = {\n"
    "    'id': 1234, 'name': 'leakcheck', 'ok': True, 'ratio': 0.25,\n"
    "    'tags': ['alloc', 'trend', 'report'],\n"
    "    'values': list(range(24)),\n"
    "    'nested': {'x': 1.5, 'y': [True, False, None], 'z': 'text' * 4},\n"
    "    'rows': [{'i': i, 'name': 'row%d' % i} for i in range(6)],\n"
    "}\n"
    "\n"
    "def bench_native():\n"
    "    blobs = [bytes(600 + i) for i in range(16)]\n"
    "    packed = zlib.compress(b''.join(blobs), 1)\n"
    "    digest = hashlib.sha256(packed).digest()\n"
    "    return len(zlib.decompress(packed)) + len(digest)\n"
    "\n"
    "def bench_json():\n"
    "    text = json.dumps(_doc)\n"
    "    back = json.loads(text)\n"
    "    return len(text) + len(back)\n";

static const char usage[] =
    "usage: bench_hooks --hooks|--no-hooks [--workload NAME]\n"
    "                   [--iterations N] [--warmup N] [--rounds R]\n"
    "       bench_hooks --list\n"
    "\n"
    "Time R rounds of N calls of a Python workload in an interpreter started\n"
    "with (--hooks) or without (--no-hooks) leakcheck's counting allocator\n"
    "hooks, and print the median wall and CPU time per call.\n"
    "\n"
    "options:\n"
    "  --workload NAME   which workload (default churn; --list shows them)\n"
    "  --iterations N    calls per round (default: per workload, ~50 ms)\n"
    "  --warmup N        untimed calls first (default N / 4, at least 100)\n"
    "  --rounds R        timed rounds (default 5, at most 31)\n";

static struct lc_script *script; /* the workload, loaded as a case */
static char err[LC_MSG_MAX];     /* a failed call's traceback */

/* n calls of run(), as the worker makes them. Returns 0, or the error. */
BENCH_OUT_OF_LINE static int call_n(long n)
{
    for (long i = 0; i < n; i++) {
        int rc = lc_script_call(script, LC_ENTRY_RUN, err, sizeof(err));

        if (rc)
            return rc;
    }
    return 0;
}

/* The measured loop, and nothing else: callgrind counts everything this
 * function does (and only that), so timing, printing and the warm-up
 * (which calls call_n() directly) stay outside. */
int bench_timed_loop(long n);

BENCH_OUT_OF_LINE int bench_timed_loop(long n)
{
    int rc = call_n(n);

    /* A real call, not a tail jump: callgrind would see this function
     * left at the jump and stop counting. */
    __asm__ volatile("" : : : "memory");
    return rc;
}

/* Nanoseconds on clock `id`: CLOCK_MONOTONIC for wall time,
 * CLOCK_THREAD_CPUTIME_ID for the time this thread was on a CPU. */
static double clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of v[0..n-1], n >= 1; sorts v. */
static double median(double *v, long n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
    return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

static const struct workload *find_workload(const char *name)
{
    for (size_t i = 0; i < N_WORKLOADS; i++)
        if (strcmp(workloads[i].name, name) == 0)
            return &workloads[i];
    return NULL;
}

static bool parse_count(const char *s, long max, long *out)
{
    char *end;
    long v;

    v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

static int die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "bench_hooks: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

/* Time `rounds` rounds of `n` calls, in ns per call: wall[r] by the
 * clock, cpu[r] on this thread's CPU time (which leaves out the time other
 * processes had the CPU). Returns 0, or the error of run(). */
static int measure(long warmup, long n, long rounds, double *wall, double *cpu)
{
    int rc = call_n(warmup);

    if (rc)
        return rc;
    for (long r = 0; r < rounds; r++) {
        double w0 = clock_ns(CLOCK_MONOTONIC);
        double c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

        rc = bench_timed_loop(n);
        if (rc)
            return rc;
        cpu[r] = (clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / (double)n;
        wall[r] = (clock_ns(CLOCK_MONOTONIC) - w0) / (double)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"hooks", no_argument, NULL, 'H'},
        {"no-hooks", no_argument, NULL, 'N'},
        {"workload", required_argument, NULL, 'w'},
        {"iterations", required_argument, NULL, 'n'},
        {"warmup", required_argument, NULL, 'W'},
        {"rounds", required_argument, NULL, 'r'},
        {"list", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct lc_embed_opts opts = {.hooks = false, .malloc_allocator = false};
    const struct workload *w = &workloads[0];
    double wall[BENCH_ROUNDS_MAX], cpu[BENCH_ROUNDS_MAX];
    char path[] = "/tmp/bench-hooks-XXXXXX.py";
    FILE *f;
    int fd;
    long n = 0, warmup = -1, rounds = 5;
    bool side_given = false;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'H':
        case 'N':
            opts.hooks = opt == 'H';
            side_given = true;
            break;
        case 'w':
            w = find_workload(optarg);
            if (!w)
                return die_usage("unknown workload '%s'", optarg);
            break;
        case 'n':
            if (!parse_count(optarg, BENCH_ITERATIONS_MAX, &n))
                return die_usage("bad --iterations '%s'", optarg);
            break;
        case 'W':
            if (strcmp(optarg, "0") == 0)
                warmup = 0;
            else if (!parse_count(optarg, BENCH_ITERATIONS_MAX, &warmup))
                return die_usage("bad --warmup '%s'", optarg);
            break;
        case 'r':
            if (!parse_count(optarg, BENCH_ROUNDS_MAX, &rounds))
                return die_usage("bad --rounds '%s'", optarg);
            break;
        case 'l':
            for (size_t i = 0; i < N_WORKLOADS; i++)
                printf("%-8s %s\n", workloads[i].name, workloads[i].about);
            return 0;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind < argc)
        return die_usage("unexpected argument '%s'", argv[optind]);
    if (!side_given)
        return die_usage("%s", "say --hooks or --no-hooks");
    if (n == 0)
        n = w->iterations;
    if (warmup < 0)
        warmup = n / 4 > 100 ? n / 4 : 100;

    /* The workload as a case file, loaded the way the worker loads one. */
    fd = mkstemps(path, 3);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        perror("bench_hooks: workload file");
        return 1;
    }
    fprintf(f, "%s\nrun = %s\n", workload_src, w->function);
    fclose(f);
    rc = lc_embed_start(&opts, err, sizeof(err));
    if (rc == 0)
        rc = lc_script_load(path, &script, err, sizeof(err));
    unlink(path);
    if (rc == 0)
        rc = measure(warmup, n, rounds, wall, cpu);
    if (rc < 0) {
        fprintf(stderr, "bench_hooks: workload %s: %s\n%s\n", w->name,
                lc_strerror(rc), err);
        return 1;
    }

    printf("workload=%s hooks=%s iterations=%ld rounds=%ld ns_per_iter=%.1f "
           "cpu_ns_per_iter=%.1f\n",
           w->name, opts.hooks ? "on" : "off", n, rounds, median(wall, rounds),
           median(cpu, rounds));
    /* The interpreter is never finalized (embed.h): exit straight away. */
    fflush(stdout);
    return 0;
}
