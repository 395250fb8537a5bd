/*
 * leakcheck fuzz CASE [--time S] [-j N] [-o DIR] [--corpus DIR] ... - a leak
 * fuzzing campaign that keeps going past its findings.
 *
 * It runs the leak fuzzer (build-fuzz/fuzz_scenario, found or built) on
 * CASE's fuzz(data) for S seconds of wall time in N processes. Each new
 * leak stops the process that found it (libFuzzer saves the input); this
 * command reads the leak's signature from the report (campaign.h), adds it
 * to DIR/.leakcheck-fuzz/signatures.txt, which every fuzzer process reads
 * at start and re-reads at each candidate, so the same leak met again is a
 * repeat (counted, not reported), then shrinks the input for a bounded
 * time with the fuzzer's minimizer restricted to that signature
 * (LEAKCHECK_FUZZ_WANT), writes it to DIR as a case (`leakcheck repro`),
 * checks that `leakcheck run` judges that case a leak (a case it does not
 * is dropped, and said so) and starts the process again on the same
 * corpus. One campaign yields one case per distinct leak it met.
 *
 * Work files live in DIR/.leakcheck-fuzz/ (a dot folder: `leakcheck run
 * DIR` never takes it): the corpus unless --corpus names one, artifacts,
 * logs, signatures.txt.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "clock.h"
#include "commands.h"
#include "opts.h"
#include "spawn.h"
#include "errors.h"
#include "lc_limits.h"

#ifndef LC_SOURCE_DIR
#define LC_SOURCE_DIR ""
#endif

/* Fuzzer processes at once: the machine's cores are the real bound. */
#define JOBS_MAX 16
/* A slot whose fuzzer dies this many times before it ran START_INPUTS
 * inputs (a case that cannot start, a seed that crashes) stops; one that
 * crashed while fuzzing (a crash or a timeout is a finding of its own,
 * not a leak) starts again, up to CRASHES_MAX times. */
#define RESTARTS_MAX 5
#define START_INPUTS 16
#define CRASHES_MAX 100
/* After the deadline, how long a process may take to finish the input it
 * judges (the oracle's long run stops at 30 s) before it is killed. */
#define GRACE_S 40.0
/* Default bound of the minimizer per finding. */
#define MINIMIZE_S_DEFAULT 10.0
/* Known cases passed to the fuzzer (LEAKCHECK_FUZZ_KNOWN_CASES). */
#define KNOWN_MAX 64
/* A line of the fuzzer's output kept for parsing. */
#define OUT_LINE_MAX 4096

static const char usage[] =
    "usage: leakcheck fuzz CASE [--time S] [-j N] [-o DIR] [--corpus DIR]\n"
    "                      [--known PATH]... [--fuzzer PATH]\n"
    "                      [--minimize-time S] [--fail-on-leak]\n"
    "\n"
    "Fuzz CASE's fuzz(data) with the leak fuzzer for S seconds and write a\n"
    "regression case (expect=leak) to DIR for every distinct leak found,\n"
    "its input minimized; repeats of a leak already found are counted.\n"
    "\n"
    "options:\n"
    "  --time S           wall seconds of fuzzing (default 60)\n"
    "  -j, --jobs N       fuzzer processes (default 1)\n"
    "  -o, --output DIR   where the cases go (default fuzz-<case>/)\n"
    "  --corpus DIR       working corpus, kept (default DIR/.leakcheck-fuzz/"
    "corpus)\n"
    "  --known PATH       known findings: a case `leakcheck repro` wrote for\n"
    "                     CASE, a folder of them (cases/), or a file of\n"
    "                     signature lines; repeatable\n"
    "  --fuzzer PATH      the leak fuzzer (default: $LEAKCHECK_FUZZER, or\n"
    "                     build-fuzz/fuzz_scenario, built when missing)\n"
    "  --minimize-time S  bound of the minimizer per finding (default 10;\n"
    "                     0: no minimizing)\n"
    "  --fail-on-leak     exit 1 when a new leak or another finding was "
    "made\n"
    "\n"
    "exit status: 0 the campaign ran (findings are in the summary and DIR),\n"
    "1 --fail-on-leak and something was found, 2 bad command line, no\n"
    "fuzzer, unusable CASE or DIR.\n";

struct args {
    const char *case_path, *out_dir, *corpus, *fuzzer;
    const char *known[KNOWN_MAX];
    int nknown;
    double time_s, minimize_s;
    int jobs;
    bool fail_on_leak;
};

/* A finding this campaign reported. */
struct finding {
    char sig[LC_SIG_TEXT_MAX];
    char case_out[LC_PATH_MAX]; /* the case written, "" when none */
    char note[256];             /* why none, or what the input is */
};

/* A fuzzer process and what it said. */
struct slot {
    pid_t pid; /* 0 when not running */
    int fd;    /* its stdout and stderr */
    FILE *log; /* everything it said */
    char line[OUT_LINE_MAX];
    size_t len;
    char sig[LC_SIG_TEXT_MAX]; /* a new signature it reported */
    char artifact[LC_PATH_MAX];
    char error[256];              /* the first ERROR/SUMMARY line of a crash */
    char native[LC_SIG_TEXT_MAX]; /* LeakSanitizer's first leak's frames */
    int lsan_state; /* 0 none, 1 in a "Direct leak" stack, 2 done */
    unsigned long rep[LC_SIGSET_MAX]; /* repeats this process reported,
                                         per signature of seen */
    unsigned long execs;              /* inputs of finished runs */
    unsigned long cur;                /* inputs of the running one */
    int restarts;                     /* deaths before START_INPUTS inputs */
    int crashes;                      /* deaths after */
    bool done;
};

/* The campaign. */
struct campaign {
    struct args a;
    char case_abs[PATH_MAX], stem[256], name[256];
    char work[LC_PATH_MAX], corpus[LC_PATH_MAX], artifacts[LC_PATH_MAX];
    char sigfile[LC_PATH_MAX], seeds[LC_PATH_MAX], dict[LC_PATH_MAX];
    char options[LC_PATH_MAX], known_cases[KNOWN_MAX * 256];
    char fuzzer[PATH_MAX], self[PATH_MAX];
    long max_len, timeout;
    struct lc_sigset seen; /* every signature met: known and new */
    struct finding *found;
    size_t nfound;
    unsigned long other;  /* crashes, timeouts, out-of-memory */
    char other_text[512]; /* the first of them */
    long cov, ft, corp;   /* libFuzzer's last figures */
    double t0, deadline;
    double extended; /* seconds the deadline moved for findings */
    bool tty;
    bool lsan_off; /* LeakSanitizer off in the fuzzer: after a finding */
    struct slot slot[JOBS_MAX];
};

static volatile sig_atomic_t interrupted;

/* snprintf for paths and lines into fixed buffers: a longer text is cut
 * (a path that long fails where it is used, with its name shown). Returns
 * whether it fitted. */
static bool pathf(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool pathf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < cap;
}

static void on_signal(int sig)
{
    interrupted = sig;
}

static int fail(int code, const char *fmt, const char *a)
{
    fprintf(stderr, "leakcheck fuzz: ");
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    return code;
}

static bool is_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int mkdirs(const char *path)
{
    char tmp[LC_PATH_MAX];

    pathf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        {"time", required_argument, NULL, 't'},
        {"jobs", required_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"corpus", required_argument, NULL, 'c'},
        {"known", required_argument, NULL, 'k'},
        {"fuzzer", required_argument, NULL, 'F'},
        {"minimize-time", required_argument, NULL, 'm'},
        {"fail-on-leak", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    long jobs = 1;

    memset(a, 0, sizeof(*a));
    a->time_s = 60;
    a->minimize_s = MINIMIZE_S_DEFAULT;
    a->jobs = 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j:o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't':
            rc = lc_opt_seconds("--time", optarg, true, LC_FUZZ_SECONDS_MAX,
                                &a->time_s);
            break;
        case 'm':
            rc = lc_opt_seconds("--minimize-time", optarg, true,
                                LC_FUZZ_SECONDS_MAX, &a->minimize_s);
            break;
        case 'j':
            rc = lc_opt_long("-j", optarg, 1, JOBS_MAX, &jobs);
            a->jobs = (int)jobs;
            break;
        case 'o':
            a->out_dir = optarg;
            break;
        case 'c':
            a->corpus = optarg;
            break;
        case 'k':
            if (a->nknown >= KNOWN_MAX)
                rc = lc_usage_error("more than %d --known", KNOWN_MAX);
            else
                a->known[a->nknown++] = optarg;
            break;
        case 'F':
            a->fuzzer = optarg;
            break;
        case 'L':
            a->fail_on_leak = true;
            break;
        default:
            return lc_opt_help(opt, usage);
        }
        if (rc)
            return rc;
    }
    if ((rc = lc_opt_operands(argc, 1, usage)) < 0)
        return rc;
    a->case_path = argv[optind];
    return 0;
}

/* ---- finding the fuzzer ------------------------------------------------ */

static bool find_program(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");

    while (path && *path) {
        size_t n = strcspn(path, ":");

        pathf(out, cap, "%.*s/%s", (int)n, path, name);
        if (access(out, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* The fuzzer: --fuzzer, $LEAKCHECK_FUZZER, build-fuzz/ here, beside this
 * program, or in the source tree; built there when clang is at hand. */
static int locate_fuzzer(struct campaign *c)
{
    char cand[5][PATH_MAX], dir[PATH_MAX], cc[PATH_MAX], script[PATH_MAX];
    char log[PATH_MAX], out_env[PATH_MAX + 8], cc_env[PATH_MAX + 8];
    char work_env[PATH_MAX + 16];
    const char *env = getenv("LEAKCHECK_FUZZER");
    char *slash;
    int n = 0;

    if (c->a.fuzzer || (env && *env)) {
        const char *p = c->a.fuzzer ? c->a.fuzzer : env;

        if (access(p, X_OK) != 0)
            return fail(-LC_EUSAGE, "the leak fuzzer %s cannot be run", p);
        pathf(c->fuzzer, sizeof(c->fuzzer), "%s", p);
        return 0;
    }
    pathf(dir, sizeof(dir), "%s", c->self);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    pathf(cand[n++], PATH_MAX, "build-fuzz/fuzz_scenario");
    pathf(cand[n++], PATH_MAX, "%s/fuzz_scenario", dir);
    pathf(cand[n++], PATH_MAX, "%s/fuzz/fuzz_scenario", dir); /* tests */
    pathf(cand[n++], PATH_MAX, "%s/../build-fuzz/fuzz_scenario", dir);
    if (*LC_SOURCE_DIR)
        pathf(cand[n++], PATH_MAX, "%s/build-fuzz/fuzz_scenario",
              LC_SOURCE_DIR);
    for (int i = 0; i < n; i++) {
        if (access(cand[i], X_OK) == 0 && realpath(cand[i], c->fuzzer))
            return 0;
    }
    /* Build it, as `make fuzz` does. */
    pathf(script, sizeof(script), "%s/ci/build-fuzz.sh", LC_SOURCE_DIR);
    if (!*LC_SOURCE_DIR || !is_file(script))
        return fail(-LC_EUSAGE,
                    "no leak fuzzer (build-fuzz/fuzz_scenario) and no source "
                    "tree to build one from%s: run `make fuzz` in the "
                    "source tree, or pass --fuzzer PATH",
                    "");
    if (!find_program("clang-14", cc, sizeof(cc)) &&
        !find_program("clang", cc, sizeof(cc)))
        return fail(-LC_EUSAGE,
                    "no leak fuzzer built, and no clang to build it: the "
                    "leak fuzzer needs clang with libFuzzer and "
                    "AddressSanitizer (Debian: apt-get install clang-14 "
                    "libclang-rt-14-dev llvm-14, or ci/install-deps.sh), "
                    "then `make fuzz`; or pass --fuzzer PATH%s",
                    "");
    pathf(out_env, sizeof(out_env), "OUT=%s/build-fuzz", LC_SOURCE_DIR);
    pathf(work_env, sizeof(work_env), "WORK=%s/build-fuzz/work",
          LC_SOURCE_DIR);
    pathf(cc_env, sizeof(cc_env), "CC=%s", cc);
    pathf(log, sizeof(log), "%s/build-fuzz.log", c->work);
    fprintf(stderr,
            "leakcheck fuzz: building the leak fuzzer into %s/build-fuzz "
            "with %s (log: %s)\n",
            LC_SOURCE_DIR, cc, log);
    {
        char *argv[] = {"bash", script, NULL};
        char *envs[] = {out_env, work_env, cc_env, NULL};

        if (lc_spawn_wait(argv, envs, log) != 0)
            return fail(-LC_EUSAGE,
                        "building the leak fuzzer failed; see %s (clang "
                        "needs libclang-rt-14-dev for libFuzzer)",
                        log);
    }
    pathf(cand[0], PATH_MAX, "%s/build-fuzz/fuzz_scenario", LC_SOURCE_DIR);
    if (!realpath(cand[0], c->fuzzer))
        return fail(-LC_EUSAGE, "the build made no %s", cand[0]);
    return 0;
}

/* ---- set-up ------------------------------------------------------------ */

/* max_len and timeout from a corpus/<target>.options file. */
static void read_options(struct campaign *c)
{
    char line[256];
    FILE *f = fopen(c->options, "r");

    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        long v;

        if (sscanf(line, " max_len = %ld", &v) == 1)
            c->max_len = v;
        else if (sscanf(line, " timeout = %ld", &v) == 1)
            c->timeout = v;
    }
    fclose(f);
}

/* Whether the file at path is a case `leakcheck repro` wrote for the case
 * named base: its loader names base. */
static bool repro_of(const char *path, const char *base)
{
    char buf[8192], want[300];
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    pathf(want, sizeof(want), "%s\")", base);
    return strstr(buf, "\nDATA = ") && strstr(buf, want);
}

static void add_known_case(struct campaign *c, const char *path)
{
    char abs[PATH_MAX];
    size_t len = strlen(c->known_cases);

    if (!realpath(path, abs) || len + strlen(abs) + 2 > sizeof(c->known_cases))
        return;
    pathf(c->known_cases + len, sizeof(c->known_cases) - len, "%s%s",
          len ? ":" : "", abs);
}

/* --known: signature files join signatures.txt, regression cases of this
 * case (or folders of them) go to the fuzzer to judge at start. */
static int load_known(struct campaign *c)
{
    const char *base = strrchr(c->case_abs, '/') + 1;

    for (int i = 0; i < c->a.nknown; i++) {
        const char *k = c->a.known[i];
        size_t len = strlen(k);

        if (is_dir(k)) {
            DIR *d = opendir(k);
            struct dirent *e;
            char p[LC_PATH_MAX];

            if (!d)
                return fail(-LC_EUSAGE, "--known %s: cannot list it", k);
            while ((e = readdir(d))) {
                size_t n = strlen(e->d_name);

                if (n < 4 || strcmp(e->d_name + n - 3, ".py") != 0)
                    continue;
                pathf(p, sizeof(p), "%s/%s", k, e->d_name);
                if (repro_of(p, base))
                    add_known_case(c, p);
            }
            closedir(d);
        } else if (len > 3 && strcmp(k + len - 3, ".py") == 0) {
            if (!repro_of(k, base))
                return fail(-LC_EUSAGE,
                            "--known %s: not a case `leakcheck repro` "
                            "wrote for this case",
                            k);
            add_known_case(c, k);
        } else {
            struct lc_sigset s;

            if (lc_sigset_init(&s) < 0)
                return -LC_ENOMEM;
            if (lc_sigset_load(&s, k) <= 0) {
                lc_sigset_release(&s);
                return fail(-LC_EUSAGE, "--known %s: no signature lines in it",
                            k);
            }
            for (size_t j = 0; j < s.n; j++)
                if (lc_sigset_find(&c->seen, s.text[j]) < 0) {
                    lc_sigset_add(&c->seen, s.text[j]);
                    lc_sig_append(c->sigfile, s.text[j]);
                }
            lc_sigset_release(&s);
        }
    }
    return 0;
}

static int setup(struct campaign *c)
{
    char tmp[PATH_MAX], root[PATH_MAX], *slash;
    ssize_t n;

    if (!realpath(c->a.case_path, c->case_abs) || !is_file(c->case_abs))
        return fail(-LC_EUSAGE, "%s: no such case file", c->a.case_path);
    n = readlink("/proc/self/exe", c->self, sizeof(c->self) - 1);
    if (n <= 0)
        return fail(-LC_EUSAGE, "cannot find this program%s", "");
    c->self[n] = '\0';
    pathf(c->stem, sizeof(c->stem), "%s", strrchr(c->case_abs, '/') + 1);
    if (strlen(c->stem) > 3 &&
        strcmp(c->stem + strlen(c->stem) - 3, ".py") == 0)
        c->stem[strlen(c->stem) - 3] = '\0';
    pathf(c->name, sizeof(c->name), "%s",
          strncmp(c->stem, "fuzz_", 5) == 0 && c->stem[5] ? c->stem + 5
                                                          : c->stem);
    if (!c->a.out_dir) {
        static char def[300];

        pathf(def, sizeof(def), "fuzz-%s", c->name);
        c->a.out_dir = def;
    }
    pathf(c->work, sizeof(c->work), "%s/.leakcheck-fuzz", c->a.out_dir);
    pathf(c->artifacts, sizeof(c->artifacts), "%s/artifacts", c->work);
    pathf(c->sigfile, sizeof(c->sigfile), "%s/signatures.txt", c->work);
    if (c->a.corpus)
        pathf(c->corpus, sizeof(c->corpus), "%s", c->a.corpus);
    else
        pathf(c->corpus, sizeof(c->corpus), "%s/corpus", c->work);
    pathf(tmp, sizeof(tmp), "%s/logs", c->work);
    if (mkdirs(c->artifacts) || mkdirs(c->corpus) || mkdirs(tmp))
        return fail(-LC_EUSAGE, "cannot make the folders under %s",
                    c->a.out_dir);
    /* A new campaign starts with the known findings only. */
    unlink(c->sigfile);
    /* Seeds, dictionary, options: corpus/fuzz_scenario_<name>* beside the
     * case's folder, as the repository keeps them (corpus/README.md). */
    pathf(root, sizeof(root), "%s", c->case_abs);
    slash = strrchr(root, '/');
    *slash = '\0';
    slash = strrchr(root, '/');
    if (slash)
        *slash = '\0';
    pathf(c->seeds, sizeof(c->seeds), "%s/corpus/fuzz_scenario_%s", root,
          c->name);
    pathf(c->dict, sizeof(c->dict), "%s.dict", c->seeds);
    pathf(c->options, sizeof(c->options), "%s.options", c->seeds);
    c->max_len = 0;
    c->timeout = 120;
    read_options(c);
    if (lc_sigset_init(&c->seen) < 0)
        return -LC_ENOMEM;
    c->found = calloc(LC_SIGSET_MAX, sizeof(*c->found));
    if (!c->found)
        return -LC_ENOMEM;
    return load_known(c);
}

/* ---- the fuzzer processes ---------------------------------------------- */

/* In a fuzzer process: a malloc of more than 64 MiB returns NULL (Python
 * raises MemoryError, an outcome) instead of stopping the run as
 * libFuzzer's out-of-memory: a length field of a parser (marshal's,
 * pickle's) read as 12 GB is a rejected input, not a finding, and one
 * read as 900 MB costs ASan a tenth of a second per input (marshal: 274
 * exec/s with a 1 GiB bound, 1414 with 64 MiB). The user's
 * ASAN_OPTIONS come first, ours win. */
static void set_asan_options(bool lsan_off)
{
    char opts[1024];
    const char *user = getenv("ASAN_OPTIONS");

    pathf(opts, sizeof(opts),
          "%s%sallocator_may_return_null=1:max_allocation_size_mb=64%s",
          user ? user : "", user && *user ? ":" : "",
          lsan_off ? ":detect_leaks=0" : "");
    setenv("ASAN_OPTIONS", opts, 1);
}

static int start_slot(struct campaign *c, int k)
{
    struct slot *s = &c->slot[k];
    char a_time[32], a_len[32], a_to[32], a_art[LC_PATH_MAX + 32];
    char a_dict[LC_PATH_MAX + 8], logp[LC_PATH_MAX];
    char *argv[16];
    int n = 0, p[2];
    double left = c->deadline - lc_clock_now();

    if (left < 1)
        return -1;
    pathf(logp, sizeof(logp), "%s/logs/job%d.log", c->work, k);
    if (!s->log)
        s->log = fopen(logp, "w");
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pathf(a_time, sizeof(a_time), "-max_total_time=%ld", (long)left);
    pathf(a_to, sizeof(a_to), "-timeout=%ld", c->timeout);
    pathf(a_art, sizeof(a_art), "-artifact_prefix=%s/", c->artifacts);
    argv[n++] = c->fuzzer;
    argv[n++] = a_time;
    argv[n++] = a_to;
    argv[n++] = a_art;
    argv[n++] = "-print_final_stats=1";
    argv[n++] = "-malloc_limit_mb=2048"; /* above ASan's 64 MiB: see above */
    if (c->lsan_off)
        argv[n++] = "-detect_leaks=0";
    if (c->max_len > 0) {
        pathf(a_len, sizeof(a_len), "-max_len=%ld", c->max_len);
        argv[n++] = a_len;
    }
    if (is_file(c->dict)) {
        pathf(a_dict, sizeof(a_dict), "-dict=%s", c->dict);
        argv[n++] = a_dict;
    }
    argv[n++] = c->corpus;
    if (is_dir(c->seeds))
        argv[n++] = c->seeds;
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid < 0) {
        s->pid = 0;
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (s->pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        setenv("LEAKCHECK_CASE", c->case_abs, 1);
        setenv("LEAKCHECK_FUZZ_KNOWN", c->sigfile, 1);
        if (*c->known_cases)
            setenv("LEAKCHECK_FUZZ_KNOWN_CASES", c->known_cases, 1);
        unsetenv("LEAKCHECK_FUZZ_WANT");
        set_asan_options(c->lsan_off);
        execv(c->fuzzer, argv);
        fprintf(stderr, "leakcheck fuzz: cannot run %s: %s\n", c->fuzzer,
                strerror(errno));
        _exit(127);
    }
    close(p[1]);
    s->fd = p[0];
    fcntl(s->fd, F_SETFL, O_NONBLOCK);
    s->len = 0;
    s->sig[0] = s->artifact[0] = s->error[0] = s->native[0] = '\0';
    s->lsan_state = 0;
    memset(s->rep, 0, sizeof(s->rep));
    s->cur = 0;
    return 0;
}

static long field(const char *line, const char *key)
{
    const char *p = strstr(line, key);

    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Allocator frames of a LeakSanitizer stack: ours, CPython's, libc's. */
static bool allocator_frame(const char *fn, size_t n)
{
    static const char *const prefixes[] = {"malloc",
                                           "calloc",
                                           "realloc",
                                           "take_block",
                                           "raw_",
                                           "mem_",
                                           "obj_",
                                           "PyMem_",
                                           "_PyMem_",
                                           "PyObject_Malloc",
                                           "PyObject_Calloc",
                                           "PyObject_Realloc",
                                           "_PyObject_",
                                           "__interceptor_",
                                           "operator new"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (n >= strlen(prefixes[i]) &&
            strncmp(fn, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* "FUNC FILE:LINE" of a LeakSanitizer stack line: the first three
 * functions past the allocator name a native leak. */
static void native_frame(struct slot *s, const char *fn)
{
    size_t n = strcspn(fn, " "), len = strlen(s->native);
    int frames = 0;

    for (const char *p = s->native; *p; p++)
        frames += *p == ',';
    if (allocator_frame(fn, n) || (len && frames >= 2))
        return;
    if (len + n + 2 < sizeof(s->native))
        pathf(s->native + len, sizeof(s->native) - len, "%s%.*s",
              len ? "," : "", (int)n, fn);
}

/* One line the fuzzer printed. */
static void parse_line(struct campaign *c, struct slot *s, const char *line)
{
    const char *p;
    long v;

    if (line[0] == '#' && (v = strtol(line + 1, NULL, 10)) > 0) {
        s->cur = (unsigned long)v;
        if ((v = field(line, "cov: ")) >= 0 && v > c->cov)
            c->cov = v;
        if ((v = field(line, "ft: ")) >= 0 && v > c->ft)
            c->ft = v;
        if ((v = field(line, "corp: ")) >= 0)
            c->corp = v;
    } else if (strncmp(line, "fuzz_scenario: known: ", 22) == 0) {
        /* A known case's signature, judged at start-up: into the file, so
         * that later processes need not judge it again. */
        if (lc_sigset_find(&c->seen, line + 22) < 0 &&
            lc_sigset_add(&c->seen, line + 22) >= 0)
            lc_sig_append(c->sigfile, line + 22);
    } else if (strncmp(line, LC_SIG_PREFIX, strlen(LC_SIG_PREFIX)) == 0) {
        pathf(s->sig, sizeof(s->sig), "%s", line + strlen(LC_SIG_PREFIX));
    } else if (strncmp(line, LC_SIG_REPEAT_PREFIX,
                       strlen(LC_SIG_REPEAT_PREFIX)) == 0) {
        char id[9];
        unsigned long n = 0;
        long i;

        /* The process's count so far: what is new since its last line
         * adds to the campaign's. */
        sscanf(line + strlen(LC_SIG_REPEAT_PREFIX), "%8s %lu", id, &n);
        if ((i = lc_sigset_find_id(&c->seen, id)) >= 0 && n > s->rep[i]) {
            c->seen.seen[i] += n - s->rep[i];
            s->rep[i] = n;
        }
    } else if (s->lsan_state < 2 && (strstr(line, "Direct leak of") ||
                                     (s->lsan_state == 1 && !*line))) {
        s->lsan_state = s->lsan_state == 0 ? 1 : 2;
    } else if (s->lsan_state == 1 && (p = strstr(line, " in ")) != NULL &&
               strstr(line, "    #")) {
        native_frame(s, p + 4);
    } else if ((p = strstr(line, "Test unit written to ")) != NULL) {
        pathf(s->artifact, sizeof(s->artifact), "%s",
              p + strlen("Test unit written to "));
    } else if (!s->error[0] && (strstr(line, "ERROR: ") ||
                                strstr(line, "Fatal Python error") ||
                                strstr(line, "fuzz_scenario: "))) {
        pathf(s->error, sizeof(s->error), "%s", line);
    } else if (strncmp(line, "stat::number_of_executed_units:", 31) == 0) {
        s->cur = strtoul(line + 31, NULL, 10);
    }
}

/* Read what is there; false at end of file. */
static bool drain(struct campaign *c, struct slot *s)
{
    char buf[8192];

    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return true; /* EAGAIN */
        if (n == 0)
            return false;
        if (s->log)
            fwrite(buf, 1, (size_t)n, s->log);
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || buf[i] == '\r') {
                s->line[s->len] = '\0';
                if (s->len)
                    parse_line(c, s, s->line);
                s->len = 0;
            } else if (s->len + 1 < sizeof(s->line)) {
                s->line[s->len++] = buf[i];
            }
        }
    }
}

/* ---- a finding --------------------------------------------------------- */

/* Run this program with args; its exit status, output to log. */
static int self_run(struct campaign *c, char *const args[], const char *log)
{
    char *argv[12];
    int n = 0;

    argv[n++] = c->self;
    for (; *args && n < 11; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    return lc_spawn_wait(argv, NULL, log);
}

/* The fuzzer's minimizer on artifact, for the leak of id only, for at
 * most minimize_s seconds. True when out holds a smaller leaking input. */
static bool minimize(struct campaign *c, const char *id, const char *artifact,
                     const char *out)
{
    char a_time[32], a_dest[LC_PATH_MAX + 32], log[LC_PATH_MAX];
    char want_env[32], case_env[PATH_MAX + 16], a_art[LC_PATH_MAX + 32];
    struct stat a, b;
    pid_t pid;
    int status;
    double t_end = lc_clock_now() + c->a.minimize_s;

    if (c->a.minimize_s <= 0)
        return false;
    unlink(out);
    /* Per step of libFuzzer's minimizing loop; the loop as a whole is
     * killed at minimize_s, and the smallest input so far is kept. */
    pathf(a_time, sizeof(a_time), "-max_total_time=%ld",
          (long)(c->a.minimize_s < 4 ? 2 : c->a.minimize_s / 2));
    pathf(a_dest, sizeof(a_dest), "-exact_artifact_path=%s", out);
    pathf(log, sizeof(log), "%s/logs/minimize-%s.log", c->work, id);
    pathf(want_env, sizeof(want_env), "LEAKCHECK_FUZZ_WANT=%s", id);
    /* Its steps' own crash files go with the artifacts, not here. */
    pathf(a_art, sizeof(a_art), "-artifact_prefix=%s/min-", c->artifacts);
    pathf(case_env, sizeof(case_env), "LEAKCHECK_CASE=%s", c->case_abs);
    pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char *argv[] = {c->fuzzer,        "-minimize_crash=1",
                        "-runs=1000000",  a_time,
                        a_dest,           a_art,
                        (char *)artifact, NULL};

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        setpgid(0, 0);
        putenv(want_env);
        putenv(case_env);
        set_asan_options(true);
        unsetenv("LEAKCHECK_FUZZ_KNOWN");
        unsetenv("LEAKCHECK_FUZZ_KNOWN_CASES");
        execv(c->fuzzer, argv);
        _exit(127);
    }
    /* Bounded: the minimizer runs children of its own, a process group. */
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid || (r < 0 && errno != EINTR))
            break;
        if (lc_clock_now() > t_end || interrupted) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        usleep(50 * 1000);
    }
    return stat(out, &b) == 0 && stat(artifact, &a) == 0 &&
           b.st_size < a.st_size;
}

/* The signature the minimizer printed last for the leak of id (its
 * smallest input's: what that input keeps), into out; false when none. */
static bool minimized_sig(const struct campaign *c, const char *id, char *out,
                          size_t cap)
{
    char path[LC_PATH_MAX], line[OUT_LINE_MAX], have[9];
    size_t plen = strlen(LC_SIG_PREFIX);
    bool found = false;
    FILE *f;

    pathf(path, sizeof(path), "%s/logs/minimize-%s.log", c->work, id);
    f = fopen(path, "r");
    if (!f)
        return false;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, LC_SIG_PREFIX, plen) != 0)
            continue;
        lc_sig_id(line + plen, have);
        if (strcmp(have, id) == 0 && pathf(out, cap, "%s", line + plen))
            found = true;
    }
    fclose(f);
    return found;
}

/* A new leak: record it, minimize, write the case, check it. */
static void take_finding(struct campaign *c, struct slot *s)
{
    struct finding *f;
    char id[9], min[LC_PATH_MAX + 8], log[LC_PATH_MAX];
    char finding[LC_SIG_TEXT_MAX];
    const char *input = s->artifact;
    struct stat st_a, st_i;
    bool minimized;

    if (lc_sigset_find(&c->seen, s->sig) >= 0)
        return; /* two processes met it at once */
    if (c->nfound >= LC_SIGSET_MAX || lc_sigset_add(&c->seen, s->sig) < 0)
        return;
    lc_sig_append(c->sigfile, s->sig);
    f = &c->found[c->nfound++];
    pathf(f->sig, sizeof(f->sig), "%s", s->sig);
    lc_sig_id(s->sig, id);
    if (c->tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "leakcheck fuzz: new leak %s after %.0f s: %s\n", id,
            lc_clock_now() - c->t0, s->sig);
    pathf(min, sizeof(min), "%s.min", s->artifact);
    minimized =
        !strstr(s->sig, " native=") && minimize(c, id, s->artifact, min);
    if (minimized)
        input = min;
    /* The case tells what its own input keeps. */
    if (!minimized || !minimized_sig(c, id, finding, sizeof(finding)))
        pathf(finding, sizeof(finding), "%s", s->sig);
    pathf(f->case_out, sizeof(f->case_out), "%s/%s_%s.py", c->a.out_dir,
          c->name, id);
    pathf(log, sizeof(log), "%s/logs/case-%s.log", c->work, id);
    for (int attempt = 0; attempt < 2; attempt++) {
        char *repro[] = {"repro",     c->case_abs, (char *)input,
                         "-o",        f->case_out, "--force",
                         "--finding", finding,     NULL};
        char *run[] = {"run", f->case_out, NULL};

        stat(s->artifact, &st_a);
        stat(input, &st_i);
        if (self_run(c, repro, log) != 0) {
            pathf(f->note, sizeof(f->note), "leakcheck repro failed (see %s)",
                  log);
        } else if (self_run(c, run, log) == 0) {
            pathf(f->note, sizeof(f->note), "%lld-byte input%s",
                  (long long)st_i.st_size, input == min ? ", minimized" : "");
            if (input == min) {
                char extra[64];

                pathf(extra, sizeof(extra), " from %lld",
                      (long long)st_a.st_size);
                strncat(f->note, extra, sizeof(f->note) - strlen(f->note) - 1);
            }
            return;
        } else {
            pathf(f->note, sizeof(f->note),
                  "not judged a leak by `leakcheck run`: no case "
                  "written (input kept: %s; see %s)",
                  s->artifact, log);
        }
        unlink(f->case_out);
        if (input != min)
            break;
        input = s->artifact; /* the minimized input may have lost it */
        pathf(finding, sizeof(finding), "%s", s->sig);
    }
    f->case_out[0] = '\0';
}

/* ---- progress and summary ---------------------------------------------- */

static unsigned long total_execs(const struct campaign *c)
{
    unsigned long n = 0;

    for (int k = 0; k < c->a.jobs; k++)
        n += c->slot[k].execs + c->slot[k].cur;
    return n;
}

static unsigned long total_repeats(const struct campaign *c)
{
    unsigned long n = 0;

    for (size_t i = 0; i < c->seen.n; i++)
        n += c->seen.seen[i];
    return n;
}

static void progress(const struct campaign *c)
{
    double t = lc_clock_now() - c->t0;
    unsigned long n = total_execs(c);

    fprintf(stderr,
            "\r\033[K%4.0fs  %lu execs (%.0f/s)  cov %ld ft %ld corpus %ld  "
            "leaks %zu (repeats %lu)  other %lu",
            t, n, t > 0 ? (double)n / t : 0.0, c->cov, c->ft, c->corp,
            c->nfound, total_repeats(c), c->other);
}

static void summary(const struct campaign *c)
{
    double t = lc_clock_now() - c->t0;
    unsigned long n = total_execs(c);
    size_t written = 0;

    if (c->tty)
        fputs("\r\033[K", stderr);
    printf("leakcheck fuzz: %s, %.0f s, %d job%s: %lu inputs (%.0f/s), "
           "coverage %ld edges, %ld features\n",
           c->a.case_path, t, c->a.jobs, c->a.jobs == 1 ? "" : "s", n,
           t > 0 ? (double)n / t : 0.0, c->cov, c->ft);
    for (size_t i = 0; i < c->nfound; i++)
        written += c->found[i].case_out[0] != '\0';
    printf("%zu new leak%s, %zu case%s written to %s/\n", c->nfound,
           c->nfound == 1 ? "" : "s", written, written == 1 ? "" : "s",
           c->a.out_dir);
    for (size_t i = 0; i < c->nfound; i++) {
        const struct finding *f = &c->found[i];
        long k = lc_sigset_find(&c->seen, f->sig);

        printf("  %s\n    %s (%s), met again %lu time%s\n", f->sig,
               f->case_out[0] ? f->case_out : "no case", f->note,
               k >= 0 ? c->seen.seen[k] : 0,
               k >= 0 && c->seen.seen[k] == 1 ? "" : "s");
    }
    for (size_t i = 0; i < c->seen.n; i++) {
        bool mine = false;

        for (size_t j = 0; j < c->nfound; j++)
            mine = mine || lc_sig_same(c->found[j].sig, c->seen.text[i]);
        if (!mine)
            printf("  known: %s, met %lu time%s\n", c->seen.text[i],
                   c->seen.seen[i], c->seen.seen[i] == 1 ? "" : "s");
    }
    if (c->other)
        printf("%lu other finding%s (not leaks), the first: %s\n", c->other,
               c->other == 1 ? "" : "s", c->other_text);
    printf("work files: %s/ (corpus %s, logs, artifacts)\n", c->work,
           c->corpus);
}

/* ---- the command ------------------------------------------------------- */

/* A process ended: a new leak, the end of its time, or something else. */
/* --time is fuzzing time: what a finding took t seconds to minimize and
 * check is given back, up to --time once more in all. */
static void give_back(struct campaign *c, double t)
{
    if (c->extended + t > c->a.time_s)
        t = c->a.time_s - c->extended;
    if (t > 0) {
        c->extended += t;
        c->deadline += t;
    }
}

static void slot_ended(struct campaign *c, int k, int status)
{
    struct slot *s = &c->slot[k];
    unsigned long ran = s->cur;

    s->execs += s->cur;
    s->cur = 0;
    s->pid = 0;
    close(s->fd);
    if (s->sig[0] && s->artifact[0]) {
        double t = lc_clock_now();

        c->lsan_off = true; /* its repeats may be LeakSanitizer's too */
        take_finding(c, s);
        give_back(c, lc_clock_now() - t);
    } else if (s->native[0] && s->artifact[0] &&
               strstr(s->artifact, "/leak-")) {
        /* LeakSanitizer stopped it: native memory lost (or a Python
         * object no pointer reaches). A case only if `leakcheck run`
         * judges it a leak; from here on LeakSanitizer is off: our oracle
         * judges leaks, and repeats of this one would stop every run. */
        char body[LC_SIG_TEXT_MAX + 16];
        double t = lc_clock_now();

        pathf(body, sizeof(body), "native=%s", s->native);
        lc_sig_format(s->sig, sizeof(s->sig), 0, body);
        c->lsan_off = true;
        take_finding(c, s);
        give_back(c, lc_clock_now() - t);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        s->done = true; /* its time is up */
    } else if (lc_clock_now() < c->deadline && !interrupted) {
        c->other++;
        if (!c->other_text[0])
            pathf(c->other_text, sizeof(c->other_text), "%s%s%s",
                  s->error[0] ? s->error : "the fuzzer died",
                  s->artifact[0] ? ", input " : "", s->artifact);
        if (ran < START_INPUTS ? ++s->restarts >= RESTARTS_MAX
                               : ++s->crashes >= CRASHES_MAX) {
            s->done = true;
            fprintf(stderr,
                    "%sleakcheck fuzz: job %d stopped after %d failures; "
                    "the last: %s\n",
                    c->tty ? "\r\033[K" : "", k, s->restarts + s->crashes,
                    s->error[0] ? s->error : "(see its log)");
        }
    } else {
        s->done = true;
    }
    /* Known cases were judged by the first processes; their signatures are
     * in the file now. */
    c->known_cases[0] = '\0';
    if (!s->done && !interrupted && start_slot(c, k) < 0)
        s->done = true;
}

static void campaign_loop(struct campaign *c)
{
    double last = 0;

    for (int k = 0; k < c->a.jobs; k++)
        if (start_slot(c, k) < 0)
            c->slot[k].done = true;
    for (;;) {
        struct pollfd pf[JOBS_MAX];
        int map[JOBS_MAX], n = 0, running = 0;

        for (int k = 0; k < c->a.jobs; k++) {
            if (!c->slot[k].pid)
                continue;
            pf[n].fd = c->slot[k].fd;
            pf[n].events = POLLIN;
            map[n++] = k;
            running++;
        }
        if (!running)
            break;
        poll(pf, (nfds_t)n, 250);
        for (int i = 0; i < n; i++) {
            struct slot *s = &c->slot[map[i]];
            int status;

            if (!drain(c, s) || (pf[i].revents & (POLLHUP | POLLERR))) {
                while (drain(c, s) && waitpid(s->pid, &status, WNOHANG) == 0)
                    usleep(10 * 1000);
                drain(c, s);
                if (waitpid(s->pid, &status, 0) == s->pid)
                    slot_ended(c, map[i], status);
            }
        }
        if (interrupted || lc_clock_now() > c->deadline + GRACE_S) {
            for (int k = 0; k < c->a.jobs; k++)
                if (c->slot[k].pid)
                    kill(c->slot[k].pid, SIGKILL);
        }
        if (c->tty && lc_clock_now() - last >= 1.0) {
            progress(c);
            last = lc_clock_now();
        }
    }
}

int lc_cmd_fuzz(int argc, char **argv)
{
    struct campaign *c = calloc(1, sizeof(*c));
    struct sigaction sa = {0};
    int rc;

    if (!c)
        return -LC_ENOMEM;
    rc = parse_args(argc, argv, &c->a);
    if (rc) {
        free(c);
        return rc > 0 ? 0 : rc;
    }
    if ((rc = setup(c)) < 0 || (rc = locate_fuzzer(c)) < 0)
        goto out;
    c->tty = isatty(2);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "leakcheck fuzz: %s for %.0f s with %s, %d job%s%s%s\n",
            c->a.case_path, c->a.time_s, c->fuzzer, c->a.jobs,
            c->a.jobs == 1 ? "" : "s",
            *c->known_cases ? ", known cases: " : "", c->known_cases);
    c->t0 = lc_clock_now();
    c->deadline = c->t0 + c->a.time_s;
    campaign_loop(c);
    summary(c);
    rc = 0;
    if (interrupted)
        rc = -LC_EINTR;
    else if (c->a.fail_on_leak && (c->nfound || c->other))
        rc = -LC_EFAILED;
out:
    for (int k = 0; k < JOBS_MAX; k++)
        if (c->slot[k].log)
            fclose(c->slot[k].log);
    lc_sigset_release(&c->seen);
    free(c->found);
    free(c);
    return rc;
}
