/*
 * leakcheck - run leak-test cases and report which memory keeps growing.
 *
 *   leakcheck run [options] PATH...     files or folders of cases
 *   leakcheck explain [options] CASE    what grows, where, who holds it
 *   leakcheck repro CASE ARTIFACT       a fuzzer finding as a new case
 *
 * Exit status: 0 every case got its expected verdict; 1 at least one did not;
 * 2 the command line or a case file is unusable. See README.md.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "errors.h"
#include "explain.h"
#include "report.h"
#include "repro.h"
#include "runner.h"

static const char usage[] =
    "usage: leakcheck run [options] PATH...\n"
    "       leakcheck explain [options] CASE\n"
    "       leakcheck repro CASE ARTIFACT [-o OUT] [--minimize] ...\n"
    "\n"
    "run: run each case (a .py file, or every .py file under a folder,\n"
    "skipping names that start with '_' or '.') in a process of its own, and\n"
    "report its verdict: leak, clean, error, crash or timeout. Every leak is\n"
    "explained (what grew, where it was allocated, who holds it).\n"
    "explain: judge one case and explain what grows, whatever the verdict.\n"
    "repro: turn a leak fuzzer finding for CASE into a new case file that\n"
    "replays it (expect=leak); `leakcheck repro --help` for its options.\n"
    "\n"
    "options:\n"
    "  --format text|json|junit   report format (default text)\n"
    "  -o, --output FILE          write the report to FILE (default stdout)\n"
    "  -j, --jobs N               cases at once (default: number of cores)\n"
    "  --timeout SECONDS          override every case's timeout\n"
    "  --time SECONDS             override every case's time bound\n"
    "  --iterations N             override every case's iteration bound\n"
    "  --warmup N                 override every case's warm-up iterations\n"
    "  --no-explain               run: verdicts only, no explain pass\n"
    "  --explain-dir DIR          write each holder graph as DIR/<case>.dot\n"
    "                             (and .svg with Graphviz); explain: default .\n"
    "  --explain-iterations N     iterations between the explain snapshots\n"
    "                             (default 100)\n"
    "  --depth N                  frames per allocation site (default 8)\n"
    "  -q, --quiet                no progress on the terminal\n"
    "\n"
    "exit status: 0 every case got its expected verdict, 1 at least one did\n"
    "not, 2 bad command line or unusable case file.\n";

struct cases {
    struct lc_case *v;
    size_t n, cap;
};

struct progress {
    const struct lc_case *cases;
    const struct lc_result *results;
    size_t n, done;
    FILE *text; /* stream for per-case lines as they finish, or NULL */
    bool tty;   /* show a progress line on stderr */
};

static int die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "leakcheck: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(leakcheck --help for usage)\n");
    return 2;
}

static int add_case(struct cases *cs, const char *path)
{
    if (cs->n == LC_CASES_MAX) {
        fprintf(stderr, "leakcheck: more than %d cases\n", LC_CASES_MAX);
        return -LC_ETOOBIG;
    }
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 64;
        struct lc_case *v = realloc(cs->v, cap * sizeof(*v));

        if (!v)
            return -LC_ENOMEM;
        cs->v = v;
        cs->cap = cap;
    }
    lc_case_init(&cs->v[cs->n++], path);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_case_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '_' && name[0] != '.' && n > 3 &&
           strcmp(name + n - 3, ".py") == 0;
}

/* Add path, or every case under it in name order. */
static int collect(struct cases *cs, const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "leakcheck: %s: %s\n", path, strerror(errno));
        return -LC_EIO;
    }
    if (!S_ISDIR(st.st_mode))
        return add_case(cs, path);
    d = opendir(path);
    if (!d) {
        fprintf(stderr, "leakcheck: %s: %s\n", path, strerror(errno));
        return -LC_EIO;
    }
    while ((e = readdir(d))) {
        char full[LC_PATH_MAX];
        struct stat est;

        if (e->d_name[0] == '.' || e->d_name[0] == '_')
            continue;
        if (snprintf(full, sizeof(full), "%s%s%s", path,
                     path[strlen(path) - 1] == '/' ? "" : "/",
                     e->d_name) >= (int)sizeof(full))
            continue;
        if (stat(full, &est) < 0 ||
            (!S_ISDIR(est.st_mode) && !is_case_name(e->d_name)))
            continue;
        if (n == cap) {
            char **v = realloc(names, (cap = cap ? cap * 2 : 64) *
                                          sizeof(*v));
            if (!v) {
                rc = -LC_ENOMEM;
                goto out_free;
            }
            names = v;
        }
        names[n] = strdup(full);
        if (!names[n]) {
            rc = -LC_ENOMEM;
            goto out_free;
        }
        n++;
    }
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = collect(cs, names[i]);
out_free:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

static void on_start(void *ctx, size_t i)
{
    struct progress *p = ctx;

    if (p->tty)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", p->done, p->n,
                p->cases[i].path);
}

static void on_done(void *ctx, size_t i)
{
    struct progress *p = ctx;

    p->done++;
    if (p->tty)
        fputs("\r\033[K", stderr);
    if (p->text) {
        lc_report_text_case(p->text, &p->cases[i], &p->results[i]);
        fflush(p->text);
    }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_long_arg(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* run and explain: the same options, the same runner. */
static int cmd_run(int argc, char **argv, bool explain_cmd)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'},
        {"time", required_argument, NULL, 'T'},
        {"iterations", required_argument, NULL, 'i'},
        {"warmup", required_argument, NULL, 'w'},
        {"no-explain", no_argument, NULL, 'n'},
        {"explain-dir", required_argument, NULL, 'd'},
        {"explain-iterations", required_argument, NULL, 'e'},
        {"depth", required_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum lc_format fmt = LC_FORMAT_TEXT;
    const char *output = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN), iterations = 0, warmup = -1;
    long explain_iterations = LC_EXPLAIN_DEFAULT_ITERATIONS;
    long depth = LC_EXPLAIN_DEFAULT_DEPTH;
    double timeout = 0, time_bound = 0;
    bool quiet = false, unusable = false, no_explain = false;
    struct cases cs = {0};
    struct lc_result *results = NULL;
    struct progress prog = {0};
    struct lc_runner_opts ro = {0};
    char self[LC_PATH_MAX];
    FILE *out = stdout;
    double t0;
    int opt, rc = 2;
    ssize_t len;

    ro.explain_opts.dot_path = explain_cmd ? "." : NULL;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (lc_report_format_lookup(optarg) < 0)
                return die_usage("unknown format '%s' (text, json, junit)",
                                 optarg);
            fmt = (enum lc_format)lc_report_format_lookup(optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'j':
            if (!parse_long_arg(optarg, 1, LC_JOBS_MAX, &jobs))
                return die_usage("-j %s: must be a number of jobs, 1 to 64",
                                 optarg);
            break;
        case 't':
        case 'T': {
            char *end;
            double v = strtod(optarg, &end);

            if (*optarg == '\0' || *end != '\0' || !(v > 0) || v > 86400)
                return die_usage(opt == 't' ? "--timeout %s: must be "
                                              "seconds in (0, 86400]"
                                            : "--time %s: must be seconds "
                                              "in (0, 86400]",
                                 optarg);
            *(opt == 't' ? &timeout : &time_bound) = v;
            break;
        }
        case 'i':
            if (!parse_long_arg(optarg, LC_MIN_ITERATIONS, LC_ITERATIONS_MAX,
                                &iterations))
                return die_usage("--iterations %s: must be 8 to 100000",
                                 optarg);
            break;
        case 'w':
            if (!parse_long_arg(optarg, 0, LC_ITERATIONS_MAX, &warmup))
                return die_usage("--warmup %s: must be 0 to 100000", optarg);
            break;
        case 'n':
            no_explain = true;
            break;
        case 'd':
            ro.explain_opts.dot_path = optarg;
            break;
        case 'e':
            if (!parse_long_arg(optarg, 1, LC_ITERATIONS_MAX,
                                &explain_iterations))
                return die_usage("--explain-iterations %s: must be 1 to "
                                 "100000",
                                 optarg);
            break;
        case 'D':
            if (!parse_long_arg(optarg, 1, 100, &depth))
                return die_usage("--depth %s: must be 1 to 100", optarg);
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return die_usage("%s", "bad option");
        }
    }
    if (optind >= argc)
        return die_usage("%s", explain_cmd ? "explain: no case file given"
                                           : "run: no case file or folder "
                                             "given");
    if (explain_cmd && argc - optind != 1)
        return die_usage("%s", "explain: give exactly one case file");
    for (int i = optind; i < argc; i++)
        if (collect(&cs, argv[i]) < 0)
            goto out_free;
    if (cs.n == 0) {
        fprintf(stderr, "leakcheck: no cases found (a case is a .py file "
                        "whose name does not start with '_')\n");
        goto out_free;
    }

    results = calloc(cs.n, sizeof(*results));
    if (!results)
        goto out_free;
    /* Headers are read here, in C, before anything runs. An unusable one
     * makes its case an error and the run exit 2, but the others still run. */
    for (size_t i = 0; i < cs.n; i++) {
        char path[LC_PATH_MAX];
        struct lc_result *r = &results[i];

        snprintf(path, sizeof(path), "%s", cs.v[i].path);
        if (lc_case_parse(&cs.v[i], path, r->message, sizeof(r->message))) {
            fprintf(stderr, "leakcheck: %s\n", r->message);
            r->magic = LC_RESULT_MAGIC;
            r->verdict = LC_VERDICT_ERROR;
            snprintf(r->phase, sizeof(r->phase), "header");
            unusable = true;
        }
        if (timeout > 0)
            cs.v[i].timeout_s = timeout;
        if (time_bound > 0)
            cs.v[i].time_s = time_bound;
        if (iterations > 0)
            cs.v[i].iterations = iterations;
        if (warmup >= 0)
            cs.v[i].warmup = warmup;
    }

    if (ro.explain_opts.dot_path && !no_explain &&
        mkdir(ro.explain_opts.dot_path, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "leakcheck: --explain-dir %s: %s\n",
                ro.explain_opts.dot_path, strerror(errno));
        goto out_free;
    }
    if (output) {
        out = fopen(output, "w");
        if (!out) {
            fprintf(stderr, "leakcheck: %s: %s\n", output, strerror(errno));
            goto out_free;
        }
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len < 0) {
        fprintf(stderr, "leakcheck: cannot find my own program: %s\n",
                strerror(errno));
        goto out_close;
    }
    self[len] = '\0';

    prog.cases = cs.v;
    prog.results = results;
    prog.n = cs.n;
    prog.tty = !quiet && isatty(2);
    /* Text lines appear as cases finish; on a terminal as progress too. */
    prog.text = fmt == LC_FORMAT_TEXT ? out : NULL;
    ro.jobs = (int)jobs;
    ro.self_exe = self;
    ro.explain = explain_cmd  ? LC_EXPLAIN_JUDGED
                 : no_explain ? LC_EXPLAIN_NONE
                              : LC_EXPLAIN_LEAKS;
    ro.explain_opts.iterations = explain_iterations;
    ro.explain_opts.depth = (int)depth;
    ro.explain_timeout_s = LC_EXPLAIN_TIMEOUT_S;
    ro.on_start = on_start;
    ro.on_done = on_done;
    ro.ctx = &prog;

    t0 = now_s();
    if (lc_runner_run(cs.v, results, cs.n, &ro) < 0) {
        fprintf(stderr, "leakcheck: the runner failed: %s\n",
                strerror(errno));
        goto out_close;
    }
    {
        struct lc_summary sum;

        lc_report_summarize(cs.v, results, cs.n, now_s() - t0, &sum);
        if (fmt == LC_FORMAT_TEXT)
            lc_report_text_summary(out, &sum);
        else if (lc_report_write(out, fmt, cs.v, results, cs.n,
                                 sum.elapsed_s) < 0)
            fprintf(stderr, "leakcheck: cannot write the report\n");
        if (output && fmt != LC_FORMAT_TEXT)
            lc_report_text_summary(stderr, &sum);
        rc = unusable ? 2 : sum.ok == sum.cases ? 0 : 1;
    }
out_close:
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "leakcheck: %s: %s\n", output, strerror(errno));
        rc = 2;
    }
out_free:
    for (size_t i = 0; results && i < cs.n; i++) {
        free(results[i].explain_json);
        free(results[i].explain_text);
    }
    free(results);
    free(cs.v);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "__worker") == 0)
        return lc_runner_worker_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "__explain") == 0)
        return lc_explain_worker_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "repro") == 0)
        return lc_repro_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1, false);
    if (argc >= 2 && strcmp(argv[1], "explain") == 0)
        return cmd_run(argc - 1, argv + 1, true);
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 2)
        return die_usage("%s", "no command given");
    return die_usage("unknown command '%s'", argv[1]);
}
