/*
 * fuzz_scenario - the leak fuzzer. libFuzzer mutates the input of a case's
 * fuzz(data); a leak oracle built on the exact counting hooks (alloc.h)
 * stops on an input that makes Python memory grow on every call.
 *
 *   LEAKCHECK_CASE=cases/fuzz_magic_header.py build-fuzz/fuzz_scenario \
 *       -max_total_time=60 WORK_CORPUS/ corpus/fuzz_scenario_magic_header/
 *
 * Input layout: none of our own; the bytes are fuzz(data)'s argument as
 * they come. The case comes from LEAKCHECK_CASE, or, for a copy of this
 * program named fuzz_scenario_<name> (one fuzz target per case, as
 * ci/build-fuzz.sh installs them), from cases/fuzz_<name>.py beside it.
 *
 * Start-up (LLVMFuzzerInitialize): the interpreter starts once, never
 * finalized, with the counting hooks on and, under AddressSanitizer, the
 * malloc allocator, so LeakSanitizer sees every Python block and reports
 * nothing false at exit (PLATFORM.md). The case is loaded and its setup()
 * runs once; teardown() never runs (the process just ends).
 *
 * The oracle, per input. A Python exception from fuzz() is an expected
 * outcome, never a finding: memory is judged the same either way. The
 * oracle's calls clear it without formatting it (pycov.h says why); only a
 * report formats the exception, with one more call through embed.h.
 *
 *   1. fast path: read the hooks, call fuzz(data) once with the Python
 *      coverage tracer on (pycov.h), read again. No block and no byte
 *      stayed: clean. Most inputs end here, at the cost of one call.
 *   2. settle: growth there may be a first-call cache fill or garbage
 *      waiting for the collector. Clear the type cache, collect the young
 *      generations (only when the collector is on: a case that turned it
 *      off leaks its cycles for real), read, call once more, settle again,
 *      read. Nothing stayed: clean. Not a full collection: it would empty
 *      the freelists, and refilling them would make the next input grow
 *      (measured: every input of a JSON round trip then looked like growth,
 *      638 exec/s; with young collections 24 of 605,000 inputs got past
 *      the fast path).
 *   3. every call: six more calls, each followed by a full collection
 *      (when the collector is on) and a reading, as the runner reads.
 *      Unless the live blocks (or the live bytes) grew on every one of
 *      them: clean. (Garbage that an automatic collection promoted to the
 *      old generation during a call survives the young collections of
 *      stage 2; the full ones here free it.)
 *   4. long run: the runner's own adaptive plan (trend.h) over up to
 *      LEAKCHECK_FUZZ_HORIZON calls (default 256), every signal read at
 *      each sample point after a full collection, as the runner reads.
 *      Growth that keeps going through the horizon is a leak; a structure
 *      that fills and stops is clean.
 *
 *   sparse check: a leak of one call in k keeps nothing on most first
 *      calls, so stage 1 would drop it. An input that stage 2 or 3
 *      dropped (it grew once), that walked Python code no input walked
 *      before (lc_pycov_novel: what libFuzzer keeps in its corpus), or
 *      one in SPARSE_SAMPLE of the others (by a hash of its bytes), gets
 *      SPARSE_BATCH calls between two readings after young collections
 *      (as stage 2 reads: a full collection would make the next input's
 *      freelist refill look like growth); growth there needs
 *      SPARSE_CONFIRM more batches that each grow, read after full
 *      collections, then goes on to the signature and stage 4 like any
 *      other. Catches k up to SPARSE_BATCH. Its cost on clean inputs:
 *      bench/fuzz_bench.sh part 4.
 *
 * Before stage 4, a leak gets its signature (campaign.h, fuzzsig.h): the
 * signals that grew, the types whose count grew and the allocation site
 * that kept the most blocks (a repeat on the same Python path is known
 * without it: path_cache below). A signature already known
 * (LEAKCHECK_FUZZ_KNOWN, a file re-read at each candidate;
 * LEAKCHECK_FUZZ_KNOWN_CASES, regression cases whose inputs are judged at
 * start-up) is a repeat: counted
 * ("==leakcheck== REPEAT: <id> <count>" at counts 1, 2, 4, ...), not
 * judged again, and the input returns as clean, so one process keeps
 * fuzzing past a leak it has already reported. `leakcheck fuzz` drives
 * campaigns that way (src/cmd/fuzz.c).
 *
 * A new leak confirmed prints a report on stderr (case, signals and
 * growth per call, the collector's state, what fuzz() raised, the input
 * in hex, the signature line "==leakcheck== SIGNATURE: ...") and calls
 * abort(): libFuzzer saves the input (crash-<sha1>), and
 * `leakcheck repro CASE ARTIFACT` turns it into a regression case. With
 * LEAKCHECK_FUZZ_WANT=<id> only the leak of that signature is a finding
 * (any other is a repeat): what the minimizer of a finding runs with, so
 * that it shrinks the input without sliding to another leak; the sparse
 * check is then made on every input.
 *
 * Only the first call of an input is traced, so the coverage libFuzzer
 * sees is the coverage of one call, and the oracle's extra calls run at
 * full speed.
 *
 * For benchmarks and experiments (bench/fuzz_bench.sh):
 *   LEAKCHECK_FUZZ_ORACLE=0   no oracle: one traced call per input, nothing
 *                             checked (the baseline of exec/s)
 *   LEAKCHECK_FUZZ_PYCOV=0    no Python coverage feed (the magic wall)
 *   LEAKCHECK_FUZZ_HORIZON=N  stage 4's horizon, 16 to 4096 calls
 *   LEAKCHECK_FUZZ_STATS=1    at exit, how many inputs each stage judged
 *   LEAKCHECK_FUZZ_SPARSE=0   no sparse check (today's oracle before it)
 *   LEAKCHECK_FUZZ_CSITE=0    no C site in signatures (fuzzsig.h): a leak
 *                             made in an extension is named by its Python
 *                             types and frames, as before issue 23
 *   LEAKCHECK_FUZZ_SPARSE_SAMPLE=N  sample one in N inputs (0: only those
 *                             with new coverage or growth once)
 *
 * Signals other than live Python blocks and bytes (descriptors, threads)
 * are judged in the long run only: an input that leaks a descriptor and
 * keeps no Python object is not looked at. The native heap probe is not
 * used (it needs glibc's thread cache off, and ASan has its own heap).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "campaign.h"
#include "embed.h"
#include "fuzz_common.h"
#include "fuzzsig.h"
#include "lc_limits.h"
#include "measure.h"
#include "plan.h"
#include "pycov.h"
#include "signals.h"
#include "session.h"

/* Calls of stage 3 that must each grow. Six in a row is 1 in 64 for a
 * coin-flip noise, and still cheap next to stage 4. */
#define CONFIRM_CALLS 6

/* Stage 4: the runner's plan (lc_plan_opts_default), with a shorter
 * horizon: the fuzzer judges thousands of inputs, the runner one case. */
#define HORIZON_DEFAULT 256
#define HORIZON_MAX 4096

/* Stage 4 stops after this long and decides on its last judgement, as the
 * runner does at its time bound. */
#define CONFIRM_TIME_S 30.0

/* Calls of fuzz(b"") at start-up, before the first input. */
#define WARMUP_CALLS 4

/* Input bytes shown in the report; libFuzzer saves all of them. */
#define REPORT_HEX_MAX 512

/* The sparse check: calls per batch (the largest k of a leak of one call
 * in k it catches), batches that must grow after the first, and one in
 * how many first-call-clean inputs without new coverage it samples. */
#define SPARSE_BATCH 8
#define SPARSE_CONFIRM 3
#define SPARSE_SAMPLE 32

enum stage {
    STAGE_FAST,
    STAGE_SETTLE,
    STAGE_EVERY,
    STAGE_SPARSE,
    STAGE_REPEAT,
    STAGE_LONG,
    STAGE_LEAK,
    STAGE_COUNT
};

static const char *const stage_names[STAGE_COUNT] = {
    "fast path", "settle",   "every call", "sparse",
    "repeat",    "long run", "leak"};

static struct lc_script *script;
static char case_path[LC_PATH_MAX];
static bool oracle = true;
static bool pycov = true;
static bool sparse = true;
static long sparse_sample = SPARSE_SAMPLE; /* LEAKCHECK_FUZZ_SPARSE_SAMPLE */
static unsigned long sparse_tick;  /* inputs the sampler has passed over */
static unsigned long novel_inputs; /* first-call-clean inputs with new
                                      Python coverage */
static const char *known_path;     /* LEAKCHECK_FUZZ_KNOWN */
static char want[16];              /* LEAKCHECK_FUZZ_WANT: an id, or "" */
static struct lc_sigset known;     /* signatures already reported */

/* Repeats are the common case once a leak is known (a parser that leaks
 * on every input): naming each one again would cost two censuses and a
 * tracemalloc pass per input. An input whose first call took the same
 * Python path (lc_pycov_path) as one already named, with the same signals
 * growing by as many blocks per call, is taken for the same leak. Two
 * leaks of one C function behind one Python line share that path; their
 * signatures (Python frames) would share the line too. */
#define PATH_CACHE 1024
static struct {
    uint64_t path; /* lc_pycov_path of the first call, 0: empty slot */
    unsigned signals;
    int64_t growth; /* blocks the last confirmation call kept; -1 sparse */
    long sig;       /* index in known */
} path_cache[PATH_CACHE];
static uint64_t cur_path; /* this input's */
static long horizon = HORIZON_DEFAULT;
static unsigned long ended[STAGE_COUNT]; /* inputs judged at each stage */

/* Stage 4's loop and storage, allocated once at start-up: nothing is
 * allocated between two readings. */
static struct lc_measure long_run_m;

/* Error text: of start-up, and of the one exception a report shows;
 * LC_MSG_MAX like a result's message. */
static char err[LC_MSG_MAX];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_scenario: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(1);
}

/* LEAKCHECK_CASE, or cases/fuzz_<name>.py beside a program named
 * fuzz_scenario_<name>. */
static void find_case(const char *argv0)
{
    const char *env = getenv("LEAKCHECK_CASE");
    const char *base, *slash;
    static const char prefix[] = "fuzz_scenario_";

    if (env && *env) {
        if (snprintf(case_path, sizeof(case_path), "%s", env) >=
            (int)sizeof(case_path))
            die("LEAKCHECK_CASE is too long", NULL);
        return;
    }
    slash = argv0 ? strrchr(argv0, '/') : NULL;
    base = slash ? slash + 1 : argv0;
    if (!base || strncmp(base, prefix, strlen(prefix)) != 0 ||
        !base[strlen(prefix)])
        die("no case to fuzz",
            "set LEAKCHECK_CASE to a case file that defines fuzz(data), "
            "or run a copy named fuzz_scenario_<name> next to "
            "cases/fuzz_<name>.py");
    if (snprintf(case_path, sizeof(case_path), "%.*scases/fuzz_%s.py",
                 slash ? (int)(slash - argv0 + 1) : 0, argv0,
                 base + strlen(prefix)) >= (int)sizeof(case_path))
        die("case path too long", argv0);
}

static long env_long(const char *name, long dflt, long lo, long hi)
{
    const char *v = getenv(name);
    char *end;
    long x;

    if (!v || !*v)
        return dflt;
    x = strtol(v, &end, 10);
    if (*end || x < lo || x > hi) {
        fprintf(stderr, "fuzz_scenario: %s=%s: want %ld to %ld\n", name, v, lo,
                hi);
        exit(1);
    }
    return x;
}

static void print_stats(void)
{
    unsigned long total = 0;

    for (int s = 0; s < STAGE_COUNT; s++)
        total += ended[s];
    fprintf(stderr,
            "fuzz_scenario: %lu inputs (%lu with new coverage, %lu "
            "sampled);",
            total, novel_inputs, sparse_tick);
    for (int s = 0; s < STAGE_COUNT; s++)
        fprintf(stderr, " %s %lu%s", stage_names[s], ended[s],
                s + 1 < STAGE_COUNT ? "," : "\n");
}

/* How often each known leak was met again, for `leakcheck fuzz`. */
static void print_repeats(void)
{
    char id[9];

    for (size_t i = 0; i < known.n; i++) {
        if (!known.seen[i])
            continue;
        lc_sig_id(known.text[i], id);
        fprintf(stderr, "%s%s %lu\n", LC_SIG_REPEAT_PREFIX, id, known.seen[i]);
    }
}

enum verdict { V_CLEAN, V_REPEAT, V_LEAK };
static bool call(const uint8_t *data, size_t size);
static enum verdict check(const uint8_t *data, size_t size, bool learn);

/* Regression cases of this case, given as known findings: the leak of
 * each one's input is judged now and its signature joins the known set. */
static void learn_known_cases(const char *list)
{
    char path[LC_PATH_MAX];

    while (list && *list) {
        size_t n = strcspn(list, ":");
        uint8_t *data;
        size_t size;

        snprintf(path, sizeof(path), "%.*s", (int)n, list);
        list += n + (list[n] == ':');
        if (!*path)
            continue;
        if (lc_fuzzsig_case_input(path, &data, &size, err, sizeof(err))) {
            fprintf(stderr, "fuzz_scenario: known case skipped: %s\n", err);
            continue;
        }
        /* Its own first-call fills, and reading it (ast) left garbage: a
         * full collection, as at start-up. */
        call(data, size);
        call(data, size);
        lc_measure_settle();
        if (check(data, size, true) != V_LEAK)
            fprintf(stderr,
                    "fuzz_scenario: known case %s: its input does not leak "
                    "here\n",
                    path);
        free(data);
    }
}

/* LeakSanitizer (libFuzzer checks for leaks during the run, and at exit):
 * 3.11's tracemalloc keeps a traceback or so per start/stop cycle of the
 * signature helper (fuzzsig.h), 40 bytes each, never freed. Not the
 * fuzzed code's leak: suppressed by the function that makes it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:traceback_new\n";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* No faulthandler: libFuzzer installs its signal handlers only where
     * none is, and without them a finding's input is never saved. */
    struct lc_embed_opts eo = {.hooks = true,
                               .malloc_allocator = LC_FUZZ_ASAN,
                               .no_faulthandler = true};
    enum lc_phase phase;

    find_case(*argc > 0 ? (*argv)[0] : NULL);
    oracle = env_long("LEAKCHECK_FUZZ_ORACLE", 1, 0, 1) != 0;
    pycov = env_long("LEAKCHECK_FUZZ_PYCOV", 1, 0, 1) != 0;
    horizon = env_long("LEAKCHECK_FUZZ_HORIZON", HORIZON_DEFAULT,
                       2 * LC_PLAN_FIRST_HORIZON, HORIZON_MAX);
    sparse = env_long("LEAKCHECK_FUZZ_SPARSE", 1, 0, 1) != 0;
    sparse_sample =
        env_long("LEAKCHECK_FUZZ_SPARSE_SAMPLE", SPARSE_SAMPLE, 0, 1 << 20);
    if (env_long("LEAKCHECK_FUZZ_STATS", 0, 0, 1))
        atexit(print_stats);
    known_path = getenv("LEAKCHECK_FUZZ_KNOWN");
    if (known_path && !*known_path)
        known_path = NULL;
    if (getenv("LEAKCHECK_FUZZ_WANT"))
        lc_sig_id(getenv("LEAKCHECK_FUZZ_WANT"), want);
    if (lc_sigset_init(&known) < 0)
        die("out of memory", NULL);
    if (known_path && lc_sigset_load(&known, known_path) < 0)
        die(known_path, "cannot read the known signatures");
    atexit(print_repeats);

    if (lc_measure_init(&long_run_m, horizon) < 0)
        die("out of memory", NULL);
    if (lc_session_open(&eo, case_path, -1, &script, &phase, err, sizeof(err)))
        die(phase == LC_PHASE_SETUP ? "setup() raised" : case_path, err);
    if (!lc_script_has(script, LC_ENTRY_FUZZ))
        die(case_path, "the case defines no fuzz(data) function");
    if (lc_fuzzsig_init(script, err, sizeof(err)))
        die("the signature helper", err);
    lc_fuzzsig_csite(env_long("LEAKCHECK_FUZZ_CSITE", 1, 0, 1) != 0);
    /* Warm-up and a full collection: without them the first input of a
     * process was misjudged (cases/magic_header_fuzzer_finding.py's input,
     * one block per call, read as clean in stage 2 and in the sparse
     * check when it came first, and as a leak after any other input;
     * the full collection is what mattered), so a finding replayed alone -
     * by the minimizer, or as a known case - looked clean. The empty input
     * is what libFuzzer runs first anyway. */
    for (int i = 0; i < WARMUP_CALLS; i++) {
        if (pycov)
            lc_pycov_begin();
        call((const uint8_t *)"", 0);
        if (pycov)
            lc_pycov_end();
    }
    lc_measure_settle();
    learn_known_cases(getenv("LEAKCHECK_FUZZ_KNOWN_CASES"));
    return 0;
}

static int64_t py_blocks(const struct lc_alloc_counts *c)
{
    return lc_alloc_blocks(c);
}

static int64_t py_bytes(const struct lc_alloc_counts *c)
{
    return lc_alloc_bytes(c);
}

/* One call of fuzz(data); true when it returned, false when it raised (an
 * outcome, cleared without formatting: embed.h says why). */
static bool call(const uint8_t *data, size_t size)
{
    return lc_script_fuzz(script, data, size, NULL, 0) == 0;
}

/* Before a reading of stage 2: the type cache emptied, the young
 * garbage collected (unless the case turned the collector off: its cycles
 * are a real leak). Not a full collection, which would empty the freelists
 * and make the next input's refill look like growth (embed.h). */
static void settle(void)
{
    lc_embed_clear_internal_caches();
    if (lc_embed_gc_enabled())
        lc_embed_collect_young();
}

static void settled_read(struct lc_alloc_counts *out)
{
    settle();
    lc_alloc_read(out);
}

static bool grew(const struct lc_alloc_counts *a,
                 const struct lc_alloc_counts *b)
{
    return py_blocks(b) > py_blocks(a) || py_bytes(b) > py_bytes(a);
}

/* Stage 4's iteration: one call with the input; what it raised is an
 * outcome, not an error. */
struct input {
    const uint8_t *data;
    size_t size;
};

static int call_input(void *ctx)
{
    const struct input *in = ctx;

    call(in->data, in->size);
    return 0;
}

/* Stage 4: the runner's adaptive plan over every signal but the native
 * heap, with the fuzzer's horizon. */
static bool long_run(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    struct lc_plan_opts o;

    lc_plan_opts_default(&o, horizon, LC_SIG_FUZZ);
    lc_measure_run(&long_run_m, &o, call_input, &in, CONFIRM_TIME_S);
    return long_run_m.plan.leak;
}

static void put_rate(double v)
{
    if (v == (double)(long long)v)
        fprintf(stderr, "%+lld", (long long)v);
    else
        fprintf(stderr, "%+.3g", v);
}

/* The last line of a traceback: the exception itself. */
static const char *last_line(const char *text, int *len)
{
    const char *end = text + strlen(text), *start;

    while (end > text && end[-1] == '\n')
        end--;
    start = end;
    while (start > text && start[-1] != '\n')
        start--;
    *len = (int)(end - start);
    return start;
}

static void report(const uint8_t *data, size_t size, bool raised,
                   const int64_t (*every)[2], const struct lc_plan *plan,
                   const char *sig)
{
    fprintf(stderr,
            "\n==leakcheck== LEAK: fuzz(data) of %s keeps memory %s with "
            "this input\n",
            case_path,
            every ? "on every call" : "(not on every call: a sparse leak)");
    fprintf(stderr,
            "==leakcheck== growth per call over %ld calls:", plan->judged_at);
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        if (!(plan->leaking & (1u << s)))
            continue;
        fprintf(stderr, " %s ", lc_signal_name(s));
        put_rate(plan->last[s].per_iter);
        fprintf(stderr, " %s/call", lc_signal_unit(s));
    }
    fprintf(stderr, " (%s)\n", lc_plan_reason_name(plan->reason));
    if (every) {
        fprintf(stderr,
                "==leakcheck== first %d confirmation calls, py_blocks:",
                CONFIRM_CALLS);
        for (int i = 0; i < CONFIRM_CALLS; i++)
            fprintf(stderr, " %+lld", (long long)every[i][0]);
        fprintf(stderr, "; py_bytes:");
        for (int i = 0; i < CONFIRM_CALLS; i++)
            fprintf(stderr, " %+lld", (long long)every[i][1]);
    } else {
        fprintf(stderr,
                "==leakcheck== confirmed by %d batches of %d calls that "
                "each grew",
                SPARSE_CONFIRM + 1, SPARSE_BATCH);
    }
    fprintf(stderr, "\n==leakcheck== collector: %s\n",
            lc_embed_gc_enabled()
                ? "on (collected before every reading)"
                : "off, turned off by the case (its cycles count)");
    /* One more call, through embed.h, for the exception's text. */
    if (raised && lc_script_fuzz(script, data, size, err, sizeof(err))) {
        int n;
        const char *line = last_line(err, &n);

        fprintf(stderr,
                "==leakcheck== fuzz() raised (an expected outcome): "
                "%.*s\n",
                n > 200 ? 200 : n, line);
    } else {
        fprintf(stderr, "==leakcheck== fuzz() returned normally\n");
    }
    fprintf(stderr, "==leakcheck== input (%zu bytes):", size);
    for (size_t i = 0; i < size && i < REPORT_HEX_MAX; i++)
        fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", data[i]);
    if (size > REPORT_HEX_MAX)
        fprintf(stderr, "\n  ... (%zu more bytes)", size - REPORT_HEX_MAX);
    fprintf(stderr, "\n%s%s", LC_SIG_PREFIX, sig);
    fprintf(stderr,
            "\n==leakcheck== libFuzzer saves the input below (crash-...); "
            "make it a case:\n"
            "==leakcheck==   leakcheck repro %s ARTIFACT\n\n",
            case_path);
}

/* The sparse check: batches of calls between full-collection readings.
 * True when the first batch and SPARSE_CONFIRM more each grew; *signals
 * says in what (1 blocks, 2 bytes). */
static bool sparse_check(const uint8_t *data, size_t size, unsigned *signals)
{
    struct lc_alloc_counts a, b;
    unsigned blocks = 1, bytes = 2;

    /* The first batch is read as stage 2 reads, after young collections:
     * a full one would empty the freelists, and their refill by the next
     * input would send it here too. Those that grew are read as stage 3
     * reads, after full collections. */
    settled_read(&b);
    for (int j = 0; j <= SPARSE_CONFIRM; j++) {
        a = b;
        for (int i = 0; i < SPARSE_BATCH; i++)
            call(data, size);
        if (j == 0) {
            settled_read(&b);
        } else {
            lc_measure_settle();
            lc_alloc_read(&b);
        }
        if (j == 0 && grew(&a, &b)) { /* from here on, full collections */
            lc_measure_settle();
            lc_alloc_read(&b);
        }
        if (py_blocks(&b) <= py_blocks(&a))
            blocks = 0;
        if (py_bytes(&b) <= py_bytes(&a))
            bytes = 0;
        if (!blocks && !bytes)
            return false;
    }
    *signals = blocks | bytes;
    return true;
}

/* One in SPARSE_SAMPLE of the inputs with nothing new: by a hash of the
 * bytes, so that the same input is always sampled or never (libFuzzer
 * replays inputs, and its minimizer must see a finding again). */
static bool sampled(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    sparse_tick++;
    return sparse_sample > 0 && h % (uint32_t)sparse_sample == 0;
}

/* A leak that grew in every call or batch: name it, and unless its name
 * is known, judge it as the runner would. learn (start-up, known cases):
 * a leak's signature joins the known set instead of being reported. */
static enum verdict judge(const uint8_t *data, size_t size, bool raised,
                          const int64_t (*every)[2], unsigned signals,
                          bool learn)
{
    char rest[LC_SIG_TEXT_MAX], sig[LC_SIG_TEXT_MAX], id[9];
    size_t slot = (size_t)(cur_path % PATH_CACHE);
    int64_t growth = every ? every[CONFIRM_CALLS - 1][0] : -1;
    long k;

    if (!learn && !*want && cur_path && path_cache[slot].path == cur_path &&
        path_cache[slot].signals == signals &&
        path_cache[slot].growth == growth) {
        unsigned long n = ++known.seen[path_cache[slot].sig];

        if (!(n & (n - 1))) {
            lc_sig_id(known.text[path_cache[slot].sig], id);
            fprintf(stderr, "%s%s %lu\n", LC_SIG_REPEAT_PREFIX, id, n);
        }
        ended[STAGE_REPEAT]++;
        return V_REPEAT;
    }
    lc_fuzzsig_compute(data, size,
                       every ? LC_FUZZSIG_CALLS / 2 : LC_FUZZSIG_CALLS, rest,
                       sizeof(rest));
    lc_sig_format(sig, sizeof(sig), signals, rest);
    lc_sig_id(sig, id);
    if (known_path && !learn)
        lc_sigset_load(&known, known_path); /* another process's finds */
    k = lc_sigset_find(&known, sig);
    /* Minimizing (want): only that leak counts, known or not. */
    if (!learn && (*want ? strcmp(want, id) != 0 : k >= 0)) {
        unsigned long n = k >= 0 ? ++known.seen[k] : 0;

        if (k >= 0 && cur_path) {
            path_cache[slot].path = cur_path;
            path_cache[slot].signals = signals;
            path_cache[slot].growth = growth;
            path_cache[slot].sig = k;
        }

        if (n && !(n & (n - 1)))
            fprintf(stderr, "%s%s %lu\n", LC_SIG_REPEAT_PREFIX, id, n);
        ended[STAGE_REPEAT]++;
        return V_REPEAT;
    }
    if (!long_run(data, size)) {
        ended[STAGE_LONG]++;
        return V_CLEAN;
    }
    ended[STAGE_LEAK]++;
    if (learn) {
        lc_sigset_add(&known, sig);
        fprintf(stderr, "fuzz_scenario: known: %s\n", sig);
        return V_LEAK;
    }
    print_repeats();
    report(data, size, raised, every, &long_run_m.plan, sig);
    fflush(stderr);
    abort();
}

static enum verdict check(const uint8_t *data, size_t size, bool learn)
{
    struct lc_alloc_counts a, b;
    int64_t every[CONFIRM_CALLS][2];
    bool raised, novel = false;
    unsigned signals = 0;

    /* 1. fast path: one traced call. */
    lc_alloc_read(&a);
    if (pycov)
        lc_pycov_begin();
    raised = !call(data, size);
    if (pycov)
        lc_pycov_end();
    lc_alloc_read(&b);
    cur_path = pycov ? lc_pycov_path() : 0;
    if (!oracle) {
        ended[STAGE_FAST]++;
        return V_CLEAN;
    }
    if (!grew(&a, &b)) {
        if (sparse && pycov)
            novel = lc_pycov_novel();
        novel_inputs += novel;
        if (sparse && (learn || *want || novel || sampled(data, size)))
            goto sparse_path;
        ended[STAGE_FAST]++;
        return V_CLEAN;
    }

    /* 2. settle: a first-call fill, or garbage the collector will take. */
    settled_read(&a);
    call(data, size);
    settled_read(&b);
    if (!grew(&a, &b)) {
        if (sparse)
            goto sparse_path;
        ended[STAGE_SETTLE]++;
        return V_CLEAN;
    }

    /* 3. every call grows, in blocks or in bytes; read after full
     * collections from here on, as the runner reads. */
    {
        bool blocks_every = true, bytes_every = true;

        lc_measure_settle();
        lc_alloc_read(&b);
        for (int i = 0; i < CONFIRM_CALLS; i++) {
            a = b;
            raised = !call(data, size);
            lc_measure_settle();
            lc_alloc_read(&b);
            every[i][0] = py_blocks(&b) - py_blocks(&a);
            every[i][1] = py_bytes(&b) - py_bytes(&a);
            blocks_every = blocks_every && every[i][0] > 0;
            bytes_every = bytes_every && every[i][1] > 0;
            if (!blocks_every && !bytes_every) {
                if (sparse)
                    goto sparse_path;
                ended[STAGE_EVERY]++;
                return V_CLEAN;
            }
        }
        signals = (blocks_every ? 1u : 0u) | (bytes_every ? 2u : 0u);
    }

    /* The signature, then 4. growth that keeps going, judged as the
     * runner judges it. */
    return judge(data, size, raised, (const int64_t(*)[2])every, signals,
                 learn);

sparse_path:
    if (!sparse_check(data, size, &signals)) {
        ended[STAGE_SPARSE]++;
        return V_CLEAN;
    }
    return judge(data, size, raised, NULL, signals, learn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > LC_FUZZ_INPUT_MAX)
        return 0;
    check(data, size, false);
    return 0;
}
