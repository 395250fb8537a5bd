#include "runcases.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "buf.h"
#include "case.h"
#include "clock.h"
#include "commands.h"
#include "discover.h"
#include "errors.h"
#include "job.h"
#include "hash.h"
#include "journal.h"
#include "opts.h"

const char lc_run_options_help[] =
    "options:\n"
    "  --format @FORMATS@   report format (default text)\n"
    "  -o, --output FILE          write the report to FILE (default stdout)\n"
    "  -j, --jobs N               cases at once (default: number of cores)\n"
    "  --timeout SECONDS          override every case's timeout\n"
    "  --time SECONDS             override every case's time bound\n"
    "  --iterations N             override every case's iteration bound\n"
    "  --warmup N                 override every case's warm-up iterations\n"
    "  --no-explain               run: verdicts only, no explain pass\n"
    "  --explain-dir DIR          write each holder graph as DIR/<case>.dot\n"
    "                             (and .svg with Graphviz); none by default\n"
    "  --explain-iterations N     iterations between the explain snapshots\n"
    "                             (default 100; a suite's test: as many as\n"
    "                             fit 1 s of CPU traced, at least 25)\n"
    "  --depth N                  frames per allocation site (default 8)\n"
    "  -q, --quiet                no progress on the terminal\n"
    "  -v, --verbose              text: the explanation of every leak, not\n"
    "                             only of the cases that failed\n"
    "  --journal FILE             write each case's JSON object to FILE as a\n"
    "                             line as soon as it ends (leakcheck report\n"
    "                             renders it)\n"
    "  --memory MIB               override every case's memory cap (MiB, or\n"
    "                             512M, 2G; default 3/4 of the machine's\n"
    "                             memory shared by the -j workers)\n"
    "  --baseline FILE            known leaks: a previous JSON report or\n"
    "                             journal, or a list of ids and case paths;\n"
    "                             a known leak does not fail, a new one does\n"
    "  --shard K/N                run only the K-th of N disjoint shards (by "
    "a\n"
    "                             hash of each case's path); leakcheck "
    "report\n"
    "                             joins the shards' JSON reports\n"
    "\n"
    "SIGINT, SIGTERM and SIGHUP stop every worker, write the report of what\n"
    "was done, and exit 130, 143 and 129.\n";

/* What the progress callbacks see. */
struct progress {
    const struct lc_case *cases;
    const struct lc_result *results;
    size_t n, done;
    FILE *text;    /* stream for per-case lines as they finish, or NULL */
    FILE *journal; /* a JSON line per case as it finishes, or NULL */
    bool journal_failed;
    bool tty; /* show a progress line on stderr */
};

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
    {"verbose", no_argument, NULL, 'v'},
    {"journal", required_argument, NULL, 'J'},
    {"shard", required_argument, NULL, 'S'},
    {"memory", required_argument, NULL, 'M'},
    {"baseline", required_argument, NULL, 'B'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* K/N with 1 <= K <= N <= LC_SHARDS_MAX. */
static int parse_shard(const char *arg, struct lc_run_args *a)
{
    char *end;
    long k, n;

    errno = 0;
    k = strtol(arg, &end, 10);
    if (*end != '/' || end == arg)
        return lc_usage_error("--shard %s: want K/N, e.g. 2/3", arg);
    n = strtol(end + 1, &end, 10);
    if (*end || errno || n < 1 || n > LC_SHARDS_MAX || k < 1 || k > n)
        return lc_usage_error("--shard %s: want K/N with 1 <= K <= N <= %d",
                              arg, LC_SHARDS_MAX);
    a->shard = (int)k;
    a->shards = (int)n;
    return 0;
}

/* A case's shard depends on nothing but its path. */
static bool in_shard(const struct lc_run_args *a, const char *path)
{
    return a->shards == 0 || lc_hash_fnv1a(path) % (uint32_t)a->shards ==
                                 (uint32_t)(a->shard - 1);
}

/* One option; 0 or -LC_EUSAGE. */
static int take_option(int opt, const char *arg, struct lc_run_args *a)
{
    long v = 0;
    int rc = 0;

    switch (opt) {
    case 'f':
        if (lc_format_lookup(arg) < 0)
            return lc_usage_error("unknown format '%s' (%s)", arg,
                                  LC_FORMAT_CHOICES);
        a->fmt = (enum lc_format)lc_format_lookup(arg);
        return 0;
    case 'o':
        a->output = arg;
        return 0;
    case 'j':
        rc = lc_opt_long("-j", arg, 1, LC_JOBS_MAX, &v);
        a->jobs = (int)v;
        return rc;
    case 't':
        return lc_opt_seconds("--timeout", arg, false, LC_RUN_SECONDS_MAX,
                              &a->timeout_s);
    case 'T':
        return lc_opt_seconds("--time", arg, false, LC_RUN_SECONDS_MAX,
                              &a->time_s);
    case 'i':
        return lc_opt_long("--iterations", arg, LC_MIN_ITERATIONS,
                           LC_ITERATIONS_MAX, &a->iterations);
    case 'w':
        return lc_opt_long("--warmup", arg, 0, LC_ITERATIONS_MAX, &a->warmup);
    case 'n':
        a->no_explain = true;
        return 0;
    case 'd':
        a->explain_dir = arg;
        return 0;
    case 'e':
        return lc_opt_long("--explain-iterations", arg, 1, LC_ITERATIONS_MAX,
                           &a->explain_iterations);
    case 'D':
        rc = lc_opt_long("--depth", arg, 1, 100, &v);
        a->depth = (int)v;
        return rc;
    case 'q':
        a->quiet = true;
        return 0;
    case 'v':
        a->verbose = true;
        return 0;
    case 'J':
        a->journal = arg;
        return 0;
    case 'S':
        return parse_shard(arg, a);
    case 'B':
        a->baseline = arg;
        return 0;
    case 'M':
        if (lc_case_parse_memory(arg, &a->memory_mib) < 0)
            return lc_usage_error("--memory %s: must be MiB (or with M or G) "
                                  "from %d to %d",
                                  arg, LC_MEMORY_MIN_MIB, LC_MEMORY_MAX_MIB);
        return 0;
    }
    return lc_usage_error("bad option");
}

static int parse_argv(int argc, char **argv, const char *usage,
                      struct lc_run_args *a)
{
    int opt, rc;

    memset(a, 0, sizeof(*a));
    a->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    a->warmup = -1;
    a->explain_iterations = 0; /* explain's default (entry.py) */
    a->depth = LC_EXPLAIN_DEFAULT_DEPTH;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:qvh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            lc_help_print(stdout, usage);
            lc_help_print(stdout, lc_run_options_help);
            return 1;
        }
        if ((rc = take_option(opt, optarg, a)) < 0)
            return rc;
    }
    a->paths = argv + optind;
    a->npaths = argc - optind;
    return 0;
}

int lc_run_args_parse(int argc, char **argv, const char *usage,
                      struct lc_run_args *a)
{
    static struct lc_pyproject project; /* for the process's life */
    static char **with; /* argv with the file's options first, likewise */
    char err[LC_PATH_MAX + 1024];
    const char *w;
    int rc = parse_argv(argc, argv, usage, a);

    if (rc)
        return rc;
    lc_pyproject_release(&project);
    if (lc_pyproject_load(a->paths, a->npaths, longopts, &project, err,
                          sizeof(err)) < 0) {
        fprintf(stderr, "leakcheck: %s\n", err);
        return -LC_EINPUT;
    }
    a->project = &project;
    if (project.nwords == 0)
        return 0;
    free(with);
    if (!(with = calloc(project.nwords + (size_t)argc + 1, sizeof(*with))))
        return -LC_ENOMEM;
    with[0] = argv[0];
    w = project.words.data;
    for (size_t i = 0; i < project.nwords; i++, w += strlen(w) + 1)
        with[i + 1] = (char *)w;
    memcpy(with + 1 + project.nwords, argv + 1,
           (size_t)(argc - 1) * sizeof(*argv));
    rc = parse_argv(argc + (int)project.nwords, with, usage, a);
    if (rc < 0)
        fprintf(stderr,
                "leakcheck: (with the defaults of [tool.leakcheck] "
                "in %s)\n",
                project.path);
    a->project = &project;
    return rc;
}

/* Whether path i was found already, by another operand (`cases/
 * cases/x.py`): each case runs once. */
static bool listed_before(const struct lc_buf *paths, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(lc_discover_path(paths, k), lc_discover_path(paths, i)) ==
            0)
            return true;
    return false;
}

/* Every case under the operands (of this shard), headers not read yet.
 * Returns 1 when a path was unusable (reported; the usable ones still
 * run), 0, or an error. */
static int find_cases(const struct lc_run_args *a, struct lc_buf *cases)
{
    struct lc_buf paths;
    char err[4 * LC_PATH_MAX];
    int rc = 0, unusable = 0;

    lc_buf_init(&paths, LC_CASES_MAX * sizeof(char *));
    for (int i = 0; i < a->npaths && rc == 0; i++) {
        rc = lc_discover(a->paths[i], lc_discover_case, &paths, err,
                         sizeof(err));
        if (rc < 0)
            lc_discover_print(stderr, "leakcheck: ", err);
        if (rc == -LC_EINPUT)
            unusable = 1, rc = 0;
    }
    for (size_t i = 0; rc == 0 && i < lc_discover_count(&paths); i++) {
        struct lc_case *c;

        if (!in_shard(a, lc_discover_path(&paths, i)) ||
            listed_before(&paths, i))
            continue;
        c = lc_buf_grow(cases, sizeof(*c));
        if (!c) {
            rc = -LC_ENOMEM;
            break;
        }
        lc_case_init(c, lc_discover_path(&paths, i));
    }
    lc_discover_free(&paths);
    if (rc == 0 && cases->len == 0 && a->shards == 0) {
        if (!unusable)
            fprintf(stderr, "leakcheck: no cases found (a case is a .py "
                            "file whose name does not start with '_')\n");
        rc = -LC_EINPUT;
    }
    return rc < 0 ? rc : unusable;
}

/* A worker's memory cap when the case sets none: 3/4 of the machine's
 * memory shared by the workers that run at once, so that even every one
 * of them growing into its cap leaves the machine standing. */
static long default_memory(int jobs)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    long mib =
        pages > 0 && page > 0
            ? (long)((unsigned long long)pages * (unsigned long long)page /
                     (1024 * 1024) * 3 / 4 / (unsigned)(jobs > 0 ? jobs : 1))
            : 4096;

    return mib < LC_MEMORY_MIN_MIB ? LC_MEMORY_MIN_MIB : mib;
}

/* Read every header, in C, before anything runs; apply the overrides. An
 * unusable header makes its case an error, and the run -LC_EHEADER, but
 * the others still run. */
static int read_headers(const struct lc_run_args *a, struct lc_case *cases,
                        struct lc_result *results, size_t n)
{
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        struct lc_case *c = &cases[i];
        struct lc_result *r = &results[i];
        char path[LC_PATH_MAX];

        snprintf(path, sizeof(path), "%s", c->path);
        if (lc_case_parse(c, path, r->message, sizeof(r->message))) {
            fprintf(stderr, "leakcheck: %s\n", r->message);
            r->magic = LC_RESULT_MAGIC;
            r->verdict = LC_VERDICT_ERROR;
            r->phase = LC_PHASE_HEADER;
            rc = -LC_EHEADER;
        }
        if (a->timeout_s > 0)
            c->timeout_s = a->timeout_s;
        if (a->time_s > 0)
            c->time_s = a->time_s;
        if (a->iterations > 0)
            c->iterations = a->iterations;
        if (a->warmup >= 0)
            c->warmup = a->warmup;
        if (a->memory_mib > 0)
            c->memory_mib = a->memory_mib;
        if (c->memory_mib == 0)
            c->memory_mib = default_memory(a->jobs);
    }
    return rc;
}

int lc_run_baseline(const struct lc_run_args *a, struct lc_case *cases,
                    size_t n)
{
    struct lc_baseline b;
    char err[LC_PATH_MAX + 256];
    int rc;

    if (!a->baseline)
        return 0;
    rc = lc_baseline_read(a->baseline, &b, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "leakcheck: --baseline %s\n", err);
    else
        lc_baseline_mark(&b, cases, n);
    lc_baseline_release(&b);
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
    if (p->journal &&
        lc_journal_write(p->journal, &p->cases[i], &p->results[i]) < 0)
        p->journal_failed = true;
}

/* Whether path is one of the cases: writing it would destroy the case
 * before it runs. */
static bool names_a_case(const char *path, const struct lc_case *cases,
                         size_t n)
{
    struct stat os, cs;

    if (!path || stat(path, &os) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (stat(cases[i].path, &cs) == 0 && cs.st_dev == os.st_dev &&
            cs.st_ino == os.st_ino)
            return true;
    return false;
}

/* The report file; stdout when none is given. */
static int open_output(const struct lc_run_args *a,
                       const struct lc_case *cases, size_t n, FILE **out)
{
    *out = stdout;
    if (names_a_case(a->output, cases, n))
        return lc_usage_error("-o %s names a case of this run", a->output);
    if (names_a_case(a->journal, cases, n))
        return lc_usage_error("--journal %s names a case of this run",
                              a->journal);
    if (!a->output)
        return 0;
    *out = fopen(a->output, "we"); /* never a worker's to write */
    if (!*out) {
        fprintf(stderr, "leakcheck: %s: %s\n", a->output, strerror(errno));
        return -LC_EIO;
    }
    return 0;
}

/* The runner's options for this run. */
static int runner_opts(const struct lc_run_args *a,
                       enum lc_explain_when explain, struct progress *prog,
                       struct lc_runner_opts *ro, char *self, size_t selflen)
{
    ssize_t len = readlink("/proc/self/exe", self, selflen - 1);

    if (len < 0) {
        fprintf(stderr, "leakcheck: cannot find my own program: %s\n",
                strerror(errno));
        return -LC_EIO;
    }
    self[len] = '\0';
    memset(ro, 0, sizeof(*ro));
    ro->jobs = a->jobs;
    ro->self_exe = self;
    ro->on_start = on_start;
    ro->on_done = on_done;
    ro->ctx = prog;
    return lc_run_explain_opts(a, explain, ro);
}

int lc_run_explain_opts(const struct lc_run_args *a,
                        enum lc_explain_when explain,
                        struct lc_runner_opts *ro)
{
    ro->explain = a->no_explain && explain == LC_EXPLAIN_LEAKS
                      ? LC_EXPLAIN_NONE
                      : explain;
    ro->explain_opts.iterations = a->explain_iterations;
    ro->explain_opts.depth = a->depth;
    ro->explain_opts.dot_path = a->explain_dir;
    ro->explain_timeout_s = LC_EXPLAIN_TIMEOUT_S;
    if (a->explain_dir && ro->explain != LC_EXPLAIN_NONE &&
        mkdir(a->explain_dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "leakcheck: --explain-dir %s: %s\n", a->explain_dir,
                strerror(errno));
        return -LC_EIO;
    }
    return 0;
}

int lc_run_report(const struct lc_run_args *a, FILE *out,
                  const struct lc_case *cases, const struct lc_result *results,
                  size_t n, double elapsed_s)
{
    struct lc_summary sum;
    int rc;

    lc_report_summarize(cases, results, n, elapsed_s, &sum);
    sum.interrupted = lc_runner_interrupted();
    if (a->fmt == LC_FORMAT_TEXT) {
        lc_report_text_summary(out, &sum);
        lc_report_text_explanations(out, cases, results, n, a->verbose);
        rc = fflush(out) == 0 && !ferror(out) ? 0 : -LC_EIO;
    } else {
        rc = lc_report_write_summary(out, a->fmt, cases, results, n, &sum);
    }
    if (out != stdout && fclose(out) != 0)
        rc = -LC_EIO;
    if (rc < 0) {
        fprintf(stderr, "leakcheck: cannot write the report to %s: %s\n",
                a->output ? a->output : "standard output", strerror(errno));
        return rc;
    }
    if (a->output && a->fmt != LC_FORMAT_TEXT)
        lc_report_text_summary(stderr, &sum);
    if (sum.interrupted)
        return -LC_EINTR;
    return sum.ok == sum.cases ? 0 : -LC_EFAILED;
}

int lc_run_cases(const struct lc_run_args *a, enum lc_explain_when explain)
{
    struct lc_buf list;
    struct lc_result *results = NULL;
    struct progress prog = {0};
    struct lc_runner_opts ro;
    char self[LC_PATH_MAX];
    FILE *out = NULL;
    size_t n = 0;
    double t0;
    int rc, header_rc;

    lc_buf_init(&list, LC_CASES_MAX * sizeof(struct lc_case));
    if ((rc = find_cases(a, &list)) < 0)
        goto out_free;
    n = list.len / sizeof(struct lc_case);
    results = calloc(n ? n : 1, sizeof(*results)); /* a shard may be empty */
    if (!results) {
        rc = -LC_ENOMEM;
        goto out_free;
    }
    prog = (struct progress){.cases = (struct lc_case *)(void *)list.data,
                             .results = results,
                             .n = n,
                             .tty = !a->quiet && isatty(2)};
    header_rc =
        read_headers(a, (struct lc_case *)(void *)list.data, results, n);
    if (!header_rc && rc > 0) /* find_cases: a path was unusable */
        header_rc = -LC_EINPUT;
    for (size_t i = 0; a->project && i < n; i++)
        if (results[i].magic != LC_RESULT_MAGIC) /* a header error stays */
            lc_pyproject_apply(a->project,
                               &((struct lc_case *)(void *)list.data)[i],
                               &results[i]);
    if ((rc = lc_run_baseline(a, (struct lc_case *)(void *)list.data, n)) <
            0 ||
        (rc = open_output(a, prog.cases, n, &out)) < 0 ||
        (rc = runner_opts(a, explain, &prog, &ro, self, sizeof(self))) < 0)
        goto out_close;
    /* Text lines appear as cases finish; on a terminal as progress too. */
    prog.text = a->fmt == LC_FORMAT_TEXT ? out : NULL;
    lc_report_set_color(prog.text && lc_report_color_wanted(out));
    if (a->journal && !(prog.journal = fopen(a->journal, "we"))) {
        fprintf(stderr, "leakcheck: --journal %s: %s\n", a->journal,
                strerror(errno));
        rc = -LC_EIO;
        goto out_close;
    }
    /* A line goes out in one write() (flushed per case): a kill leaves
     * whole lines, or the last one cut, which report leaves out. */
    if (prog.journal)
        setvbuf(prog.journal, NULL, _IOFBF, LC_JOURNAL_LINE_MAX);
    t0 = lc_clock_now();
    rc = lc_runner_run(prog.cases, results, n, &ro);
    if (rc < 0 && rc != -LC_EINTR) {
        fprintf(stderr, "leakcheck: the runner failed: %s\n", lc_strerror(rc));
        goto out_close;
    }
    rc = lc_run_report(a, out, prog.cases, results, n, lc_clock_now() - t0);
    out = NULL;
    if (rc == 0 || rc == -LC_EFAILED)
        rc = header_rc ? header_rc : rc;
    if (prog.journal_failed && rc != -LC_EINTR) {
        fprintf(stderr, "leakcheck: cannot write the journal %s\n",
                a->journal);
        rc = -LC_EIO;
    }
out_close:
    if (out && out != stdout)
        fclose(out);
    if (prog.journal)
        fclose(prog.journal);
out_free:
    for (size_t i = 0; results && i < n; i++) {
        free(results[i].explain_json);
        free(results[i].explain_text);
    }
    free(results);
    lc_buf_release(&list);
    return rc;
}

int lc_run_command(int argc, char **argv, const char *usage, bool one_case,
                   const char *default_dir, enum lc_explain_when explain)
{
    struct lc_run_args a;
    int rc = lc_run_args_parse(argc, argv, usage, &a);

    if (rc)
        return rc > 0 ? 0 : rc;
    if (a.npaths == 0)
        return lc_usage_error("%s: no case %s given", argv[0],
                              one_case ? "file" : "file or folder");
    if (one_case && a.npaths != 1)
        return lc_usage_error("%s: give exactly one case file", argv[0]);
    if (!a.explain_dir)
        a.explain_dir = default_dir;
    if (explain == LC_EXPLAIN_JUDGED)
        a.verbose = true; /* explain shows the explanation, whatever */
    return lc_run_cases(&a, explain);
}
