/*
 * leakcheck repro CASE ARTIFACT [-o OUT] [--minimize] [--force]
 * [--finding LINE] - a leak fuzzer finding as a regression case (repro.h
 * says what the case holds).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "commands.h"
#include "errors.h"
#include "lc_limits.h"
#include "opts.h"
#include "repro.h"
#include "spawn.h"

/* How much of an artifact's name goes into a default file name. */
#define NAME_PART_MAX 40

static const char usage[] =
    "usage: leakcheck repro CASE ARTIFACT [-o OUT] [--minimize] [--force]\n"
    "                       [--finding LINE]\n"
    "\n"
    "Turn an input the leak fuzzer saved for CASE (build-fuzz/fuzz_scenario\n"
    "with LEAKCHECK_CASE=CASE) into a new case, expect=leak, whose run()\n"
    "feeds that input to CASE's fuzz(data).\n"
    "\n"
    "options:\n"
    "  -o, --output OUT   the new case file (default: beside CASE, named\n"
    "                     <case>_<artifact>.py)\n"
    "  --minimize         first shrink the input with the fuzzer's\n"
    "                     -minimize_crash=1 (it must still leak)\n"
    "  --fuzzer PATH      the fuzzer for --minimize (default:\n"
    "                     $LEAKCHECK_FUZZER or build-fuzz/fuzz_scenario)\n"
    "  --runs N           minimizer runs (default 2000)\n"
    "  --force            overwrite OUT if it exists\n"
    "  --finding LINE     the finding's signature line (leakcheck fuzz\n"
    "                     passes it): the docstring tells it, and the C\n"
    "                     function that leaks and what it keeps\n"
    "\n"
    "exit status: 0 written, 1 the minimizer left no leaking input, 2 bad\n"
    "command line, unreadable CASE or ARTIFACT, OUT exists, or the write\n"
    "failed.\n";

/* Print "leakcheck repro: ..." and return code. */
static int fail(int code, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "leakcheck repro: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return code;
}

/* ---- the command ------------------------------------------------------- */

/* Read a whole file of at most max bytes into a malloc'ed buffer. */
static int read_bounded(const char *path, size_t max, unsigned char **out,
                        size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char *buf;
    size_t n = 0;

    if (fd < 0)
        return -LC_EIO;
    buf = malloc(max + 1);
    if (!buf) {
        close(fd);
        return -LC_ENOMEM;
    }
    for (;;) {
        ssize_t k = read(fd, buf + n, max + 1 - n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(buf);
            close(fd);
            return -LC_EIO;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max) {
            free(buf);
            close(fd);
            return -LC_ETOOBIG;
        }
    }
    close(fd);
    *out = buf;
    *len = n;
    return 0;
}

/* Letters, digits and '_' of s, others as '_', at most max of them. */
static void name_part(char *dst, size_t cap, const char *s, size_t max)
{
    size_t n = 0;

    for (; *s && n < max && n + 1 < cap; s++) {
        char c = *s;

        dst[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9')
                       ? c
                       : '_';
    }
    dst[n] = '\0';
}

/* <case folder>/<case stem>_<artifact>.py; a crash-<sha1> artifact gives
 * crash_<first 8 hex digits>. A leading "fuzz_" of the stem is dropped:
 * cases/fuzz_*.py are the fuzzable cases, and the new case is not one. */
static int default_out(char *out, size_t cap, const char *case_path,
                       const char *artifact)
{
    const char *cbase = lc_repro_base_name(case_path),
               *abase = lc_repro_base_name(artifact);
    size_t dirlen = (size_t)(cbase - case_path), stemlen = strlen(cbase);
    char apart[NAME_PART_MAX + 1];
    const char *dash = strchr(abase, '-');

    if (stemlen > 3 && strcmp(cbase + stemlen - 3, ".py") == 0)
        stemlen -= 3;
    if (stemlen > 5 && strncmp(cbase, "fuzz_", 5) == 0) {
        cbase += 5;
        stemlen -= 5;
    }
    if (dash && strlen(dash + 1) == 40) { /* libFuzzer's kind-<sha1> */
        char kind[16];

        name_part(kind, sizeof(kind), abase,
                  (size_t)(dash - abase) < 15 ? (size_t)(dash - abase) : 15);
        snprintf(apart, sizeof(apart), "%s_%.8s", kind, dash + 1);
    } else {
        name_part(apart, sizeof(apart), abase, NAME_PART_MAX);
    }
    if (snprintf(out, cap, "%.*s%.*s_%s.py", (int)dirlen, case_path,
                 (int)stemlen, cbase, apart) >= (int)cap)
        return -LC_ETOOBIG;
    return 0;
}

/* to, relative to the folder from; both absolute and resolved. */
static int relative_path(char *out, size_t cap, const char *from,
                         const char *to)
{
    size_t common = 0, n = 0;

    /* The longest common prefix ending at a folder boundary. */
    for (size_t i = 0;; i++) {
        if (from[i] == '\0' && (to[i] == '/' || to[i] == '\0')) {
            common = i;
            break;
        }
        if (from[i] != to[i])
            break;
        if (from[i] == '/')
            common = i;
    }
    if (strcmp(from, "/") == 0) /* everything is below the root */
        return snprintf(out, cap, "%s", to + 1) >= (int)cap ? -LC_ETOOBIG : 0;
    out[0] = '\0';
    for (const char *p = from + common; *p; p++) {
        if (*p == '/') {
            if (n + 3 >= cap)
                return -LC_ETOOBIG;
            memcpy(out + n, "../", 4);
            n += 3;
        }
    }
    if (snprintf(out + n, cap - n, "%s", to + common + 1) >= (int)(cap - n))
        return -LC_ETOOBIG;
    return 0;
}

/* Run the fuzzer's crash minimizer; the smallest leaking input lands in
 * dest. Returns 0 or -1 with a message printed. */
static int minimize(const char *fuzzer, const char *case_path,
                    const char *artifact, const char *dest, long runs)
{
    char runs_arg[32], dest_arg[LC_PATH_MAX + 32], case_env[LC_PATH_MAX + 16];
    char *args[] = {(char *)fuzzer, "-minimize_crash=1", runs_arg,
                    dest_arg,       (char *)artifact,    NULL};
    char *env[] = {case_env, NULL};
    int status;

    snprintf(runs_arg, sizeof(runs_arg), "-runs=%ld", runs);
    if (snprintf(case_env, sizeof(case_env), "LEAKCHECK_CASE=%s", case_path) >=
        (int)sizeof(case_env))
        return fail(-LC_EFAILED, "%s%s: path too long", case_path, "");
    if (snprintf(dest_arg, sizeof(dest_arg), "-exact_artifact_path=%s",
                 dest) >= (int)sizeof(dest_arg))
        return fail(-LC_EFAILED, "%s%s: path too long", dest, "");
    fprintf(stderr,
            "leakcheck repro: minimizing: LEAKCHECK_CASE=%s %s "
            "-minimize_crash=1 %s %s %s\n",
            case_path, fuzzer, runs_arg, dest_arg, artifact);
    status = lc_spawn_wait(args, env, NULL);
    if (status < 0)
        return fail(-LC_EFAILED, "cannot run %s: %s", fuzzer, strerror(errno));
    if (access(dest, R_OK) != 0) {
        char how[32];

        snprintf(how, sizeof(how), "%s %d",
                 status < 128 ? "exit status" : "signal",
                 status < 128 ? status : status - 128);
        return fail(-LC_EFAILED,
                    "the minimizer left no input (%s); does the artifact "
                    "still leak with %s?",
                    how, fuzzer);
    }
    return 0;
}

static void today(char *out, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;

    if (!gmtime_r(&now, &tm) || !strftime(out, cap, "%Y-%m-%d", &tm))
        snprintf(out, cap, "unknown date");
}

/* Write the text to a temporary file beside out, then rename it over. */
static int write_atomically(const char *out, const struct lc_repro_case *rc)
{
    char tmp[LC_PATH_MAX + 16];
    FILE *f;
    int fd, rc_write;

    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out) >= (int)sizeof(tmp))
        return -LC_ETOOBIG;
    fd = mkstemp(tmp);
    if (fd < 0)
        return -LC_EIO;
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return -LC_EIO;
    }
    fchmod(fd, 0644);
    rc_write = lc_repro_write_case(f, rc);
    if (fclose(f) != 0 || rc_write != 0 || rename(tmp, out) != 0) {
        unlink(tmp);
        return -LC_EIO;
    }
    return 0;
}

/* What the command line asked for. */
struct repro_args {
    const char *case_path, *artifact, *out_opt, *fuzzer, *finding;
    bool minimize, force;
    long runs;
};

static int parse_args(int argc, char **argv, struct repro_args *a)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"minimize", no_argument, NULL, 'm'},
        {"fuzzer", required_argument, NULL, 'F'},
        {"runs", required_argument, NULL, 'r'},
        {"force", no_argument, NULL, 'f'},
        {"finding", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;

    memset(a, 0, sizeof(*a));
    a->fuzzer = getenv("LEAKCHECK_FUZZER");
    if (!a->fuzzer || !*a->fuzzer)
        a->fuzzer = "build-fuzz/fuzz_scenario";
    a->runs = LC_REPRO_MINIMIZE_RUNS;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            a->out_opt = optarg;
            break;
        case 'm':
            a->minimize = true;
            break;
        case 'F':
            a->fuzzer = optarg;
            break;
        case 'r':
            rc = lc_opt_long("--runs", optarg, 1, 10000000, &a->runs);
            if (rc)
                return rc;
            break;
        case 'f':
            a->force = true;
            break;
        case 'g':
            a->finding = optarg;
            break;
        default:
            return lc_opt_help(opt, usage);
        }
    }
    if ((rc = lc_opt_operands(argc, 2, usage)) < 0)
        return rc;
    a->case_path = argv[optind];
    a->artifact = argv[optind + 1];
    return 0;
}

/* Where the new case goes, and the fuzzed case relative to it. The case
 * must be usable, the artifact a regular file, OUT new unless --force. */
static int resolve(const struct repro_args *a, char *out, char *rel,
                   struct stat *st)
{
    char out_copy[LC_PATH_MAX], out_dir[PATH_MAX], case_real[PATH_MAX];
    char err[LC_LINE_MAX + LC_PATH_MAX];
    struct lc_case c;

    if (lc_case_parse(&c, a->case_path, err, sizeof(err)))
        return fail(-LC_EINPUT, "%s%s", err, "");
    if (!realpath(a->case_path, case_real))
        return fail(-LC_EINPUT, "%s: %s", a->case_path, strerror(errno));
    if (stat(a->artifact, st) != 0)
        return fail(-LC_EINPUT, "%s: %s", a->artifact, strerror(errno));
    if (!S_ISREG(st->st_mode))
        return fail(-LC_EINPUT, "%s: %s", a->artifact, "not a regular file");
    if (a->out_opt) {
        if (snprintf(out, LC_PATH_MAX, "%s", a->out_opt) >= LC_PATH_MAX)
            return fail(-LC_EUSAGE, "%s%s: path too long", a->out_opt, "");
    } else if (default_out(out, LC_PATH_MAX, a->case_path, a->artifact)) {
        return fail(-LC_EUSAGE, "%s%s: path too long", a->case_path, "");
    }
    if (!a->force && access(out, F_OK) == 0)
        return fail(-LC_EUSAGE, "%s exists%s (--force to overwrite)", out, "");
    snprintf(out_copy, sizeof(out_copy), "%s", out);
    if (!realpath(dirname(out_copy), out_dir))
        return fail(-LC_EUSAGE, "%s: %s", out, strerror(errno));
    if (relative_path(rel, LC_PATH_MAX, out_dir, case_real))
        return fail(-LC_EUSAGE, "%s%s: path too long", case_real, "");
    return 0;
}

/* Read the input (minimized first when asked) and write the case. */
static int write_case(const struct repro_args *a, const char *out,
                      const char *rel, const struct stat *st,
                      const char *input_path)
{
    struct lc_repro_case rc = {0};
    unsigned char *data = NULL;
    char date[32];
    size_t size = 0;
    int r = read_bounded(input_path, LC_REPRO_INPUT_MAX, &data, &size);

    if (r)
        return fail(-LC_EINPUT, "%s: %s", input_path,
                    r == -LC_ETOOBIG ? "larger than 1 MiB (try --minimize)"
                                     : strerror(errno));
    today(date, sizeof(date));
    rc.case_path = a->case_path;
    rc.case_rel = rel;
    rc.artifact = lc_repro_base_name(a->artifact);
    rc.original_size = a->minimize ? (size_t)st->st_size : 0;
    rc.date = date;
    rc.data = data;
    rc.size = size;
    rc.finding = a->finding;
    r = write_atomically(out, &rc);
    free(data);
    if (r)
        return fail(-LC_EIO, "cannot write %s: %s", out, strerror(errno));
    printf("leakcheck repro: wrote %s (a %zu-byte input from %s)\n"
           "check it: leakcheck run %s\n",
           out, size, lc_repro_base_name(a->artifact), out);
    return 0;
}

int lc_cmd_repro(int argc, char **argv)
{
    char out[LC_PATH_MAX], rel[LC_PATH_MAX];
    char tmpdir[] = "/tmp/leakcheck-repro-XXXXXX";
    char minimized[sizeof(tmpdir) + 16];
    struct repro_args a;
    struct stat st;
    int rc = parse_args(argc, argv, &a);

    if (rc)
        return rc > 0 ? 0 : rc;
    if ((rc = resolve(&a, out, rel, &st)) < 0)
        return rc;
    if (!a.minimize)
        return write_case(&a, out, rel, &st, a.artifact);
    if (!mkdtemp(tmpdir))
        return fail(-LC_EIO, "%s: %s", tmpdir, strerror(errno));
    snprintf(minimized, sizeof(minimized), "%s/input", tmpdir);
    rc = minimize(a.fuzzer, a.case_path, a.artifact, minimized, a.runs);
    if (rc == 0)
        rc = write_case(&a, out, rel, &st, minimized);
    unlink(minimized);
    rmdir(tmpdir);
    return rc;
}
