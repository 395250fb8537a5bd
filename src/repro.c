#include "repro.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "errors.h"
#include "lc_limits.h"

/* Bytes of a literal's content per source line. */
#define LITERAL_LINE 64

/* How much of an artifact's name goes into a default file name. */
#define NAME_PART_MAX 40

static const char usage[] =
    "usage: leakcheck repro CASE ARTIFACT [-o OUT] [--minimize] [--force]\n"
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
    "\n"
    "exit status: 0 written, 1 minimizing or writing failed, 2 bad command\n"
    "line, unreadable CASE or ARTIFACT, or OUT exists.\n";

static int fail(int status, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "leakcheck repro: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return status;
}

/* ---- the case text ----------------------------------------------------- */

/* Text inside a `# leakcheck: source="..."` value: the header parser
 * takes \" and \\ escapes; control bytes would end or break the line. */
static void put_header_text(FILE *f, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else
            fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
    }
}

/* Text inside a docstring: printable ASCII only, so any path reads back
 * as it was typed, and no quote or backslash can end or bend the string. */
static void put_doc_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\\' || c == '"')
            fprintf(f, "\\%c", c);
        else
            fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
    }
}

/* One chunk of a bytes literal's content, escaped. */
static void put_escaped(FILE *f, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];

        if (c == '\\' || c == '"')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

/* A bytes literal, one b"..." per source line inside parentheses. */
static void put_bytes_literal(FILE *f, const unsigned char *p, size_t n)
{
    if (n == 0) {
        fputs("b\"\"", f);
        return;
    }
    fputs("(\n", f);
    for (size_t i = 0; i < n; i += LITERAL_LINE) {
        fputs("    b\"", f);
        put_escaped(f, p + i, n - i < LITERAL_LINE ? n - i : LITERAL_LINE);
        fputs("\"\n", f);
    }
    fputs(")", f);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

int lc_repro_write_case(FILE *f, const struct lc_repro_case *rc)
{
    const char *case_base = base_name(rc->case_path);

    fputs("# leakcheck: expect=leak\n", f);
    fputs("# leakcheck: source=\"leak fuzzer: ", f);
    put_header_text(f, case_base, 120);
    fputs(", artifact ", f);
    put_header_text(f, rc->artifact, 120);
    fputs(", ", f);
    put_header_text(f, rc->date, 16);
    fputs("\"\n", f);

    fputs("\"\"\"Replays an input that made fuzz(data) of ", f);
    put_doc_text(f, case_base);
    fputs(" leak.\n\n", f);
    fputs("Case:     ", f);
    put_doc_text(f, rc->case_path);
    fputs("\nArtifact: ", f);
    put_doc_text(f, rc->artifact);
    if (rc->original_size)
        fprintf(f, " (%zu bytes, minimized to %zu)", rc->original_size,
                rc->size);
    else
        fprintf(f, " (%zu bytes)", rc->size);
    fputs("\nFound:    ", f);
    put_doc_text(f, rc->date);
    fputs(
        " by the leak fuzzer (build-fuzz/fuzz_scenario),\n"
        "          made a case by `leakcheck repro`\n"
        "\n"
        "The fuzzer's leak oracle saw memory grow on every call of fuzz()\n"
        "with this input. run() feeds the same bytes to the original case's\n"
        "fuzz(), loaded from its file, once per iteration; setup() and\n"
        "teardown() are the original's. An exception from fuzz() is an\n"
        "expected outcome here, as it was for the fuzzer. When the leak is\n"
        "fixed, flip expect=leak to expect=clean.\n"
        "\"\"\"\n"
        "\n"
        "import importlib.util\n"
        "import os\n"
        "import sys\n"
        "\n"
        "CASE = os.path.join(os.path.dirname(os.path.abspath(__file__)),\n"
        "                    os.fsdecode(b\"",
        f);
    put_escaped(f, (const unsigned char *)rc->case_rel, strlen(rc->case_rel));
    fputs("\"))\n\nDATA = ", f);
    put_bytes_literal(f, rc->data, rc->size);
    fputs("\n"
          "\n"
          "\n"
          "def _load(path):\n"
          "    name = \"_leakcheck_fuzzed_\" + "
          "os.path.splitext(os.path.basename(path))[0]\n"
          "    folder = os.path.dirname(path)\n"
          "    if folder not in sys.path:\n"
          "        sys.path.insert(0, folder)\n"
          "    spec = importlib.util.spec_from_file_location(name, path)\n"
          "    module = importlib.util.module_from_spec(spec)\n"
          "    sys.modules[name] = module\n"
          "    spec.loader.exec_module(module)\n"
          "    return module\n"
          "\n"
          "\n"
          "fuzzed = _load(CASE)\n"
          "\n"
          "\n"
          "def setup():\n"
          "    if hasattr(fuzzed, \"setup\"):\n"
          "        fuzzed.setup()\n"
          "\n"
          "\n"
          "def run():\n"
          "    try:\n"
          "        fuzzed.fuzz(DATA)\n"
          "    except Exception:\n"
          "        pass\n"
          "\n"
          "\n"
          "def teardown():\n"
          "    if hasattr(fuzzed, \"teardown\"):\n"
          "        fuzzed.teardown()\n",
          f);
    return ferror(f) ? -LC_EIO : 0;
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
    const char *cbase = base_name(case_path), *abase = base_name(artifact);
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
    char runs_arg[32], dest_arg[LC_PATH_MAX + 32];
    pid_t pid;
    int status;

    snprintf(runs_arg, sizeof(runs_arg), "-runs=%ld", runs);
    if (snprintf(dest_arg, sizeof(dest_arg), "-exact_artifact_path=%s",
                 dest) >= (int)sizeof(dest_arg))
        return fail(-1, "%s%s: path too long", dest, "");
    fprintf(stderr,
            "leakcheck repro: minimizing: LEAKCHECK_CASE=%s %s "
            "-minimize_crash=1 %s %s %s\n",
            case_path, fuzzer, runs_arg, dest_arg, artifact);
    pid = fork();
    if (pid < 0)
        return fail(-1, "cannot start %s: %s", fuzzer, strerror(errno));
    if (pid == 0) {
        char *args[] = {(char *)fuzzer, "-minimize_crash=1", runs_arg,
                        dest_arg,       (char *)artifact,    NULL};

        setenv("LEAKCHECK_CASE", case_path, 1);
        execv(fuzzer, args);
        fprintf(stderr, "leakcheck repro: cannot run %s: %s\n", fuzzer,
                strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return fail(-1, "waiting for %s: %s", fuzzer, strerror(errno));
    if (access(dest, R_OK) != 0) {
        char how[32];

        snprintf(how, sizeof(how), "%s %d",
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return fail(-1,
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

int lc_repro_command(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"minimize", no_argument, NULL, 'm'},
        {"fuzzer", required_argument, NULL, 'F'},
        {"runs", required_argument, NULL, 'r'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out_opt = NULL, *fuzzer = getenv("LEAKCHECK_FUZZER");
    const char *case_path, *artifact, *input_path;
    char out[LC_PATH_MAX], out_copy[LC_PATH_MAX], out_dir[PATH_MAX];
    char case_real[PATH_MAX], rel[LC_PATH_MAX], date[32];
    char tmpdir[] = "/tmp/leakcheck-repro-XXXXXX";
    char minimized[sizeof(tmpdir) + 16];
    char err[LC_LINE_MAX + LC_PATH_MAX];
    bool do_minimize = false, force = false, made_tmpdir = false;
    long runs = LC_REPRO_MINIMIZE_RUNS;
    unsigned char *data = NULL;
    size_t size = 0;
    struct lc_case c;
    struct lc_repro_case rc = {0};
    struct stat st;
    int opt, status = 2, r;

    if (!fuzzer || !*fuzzer)
        fuzzer = "build-fuzz/fuzz_scenario";
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            out_opt = optarg;
            break;
        case 'm':
            do_minimize = true;
            break;
        case 'F':
            fuzzer = optarg;
            break;
        case 'r': {
            char *end;

            errno = 0;
            runs = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || runs < 1 || runs > 10000000)
                return fail(2, "--runs %s: want 1 to 10000000%s", optarg, "");
            break;
        }
        case 'f':
            force = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 2) {
        fputs(usage, stderr);
        return 2;
    }
    case_path = argv[optind];
    artifact = argv[optind + 1];

    /* The case must be a usable case file. */
    r = lc_case_parse(&c, case_path, err, sizeof(err));
    if (r)
        return fail(2, "%s%s", err, "");
    if (!realpath(case_path, case_real))
        return fail(2, "%s: %s", case_path, strerror(errno));
    if (stat(artifact, &st) != 0)
        return fail(2, "%s: %s", artifact, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(2, "%s: %s", artifact, "not a regular file");

    if (out_opt) {
        if (snprintf(out, sizeof(out), "%s", out_opt) >= (int)sizeof(out))
            return fail(2, "%s%s: path too long", out_opt, "");
    } else if (default_out(out, sizeof(out), case_path, artifact)) {
        return fail(2, "%s%s: path too long", case_path, "");
    }
    if (!force && access(out, F_OK) == 0)
        return fail(2, "%s exists%s (--force to overwrite)", out, "");
    snprintf(out_copy, sizeof(out_copy), "%s", out);
    if (!realpath(dirname(out_copy), out_dir))
        return fail(2, "%s: %s", out, strerror(errno));
    if (relative_path(rel, sizeof(rel), out_dir, case_real))
        return fail(2, "%s%s: path too long", case_real, "");

    input_path = artifact;
    if (do_minimize) {
        if (!mkdtemp(tmpdir))
            return fail(1, "%s: %s", tmpdir, strerror(errno));
        made_tmpdir = true;
        snprintf(minimized, sizeof(minimized), "%s/input", tmpdir);
        if (minimize(fuzzer, case_path, artifact, minimized, runs) < 0) {
            status = 1;
            goto out_rmtmp;
        }
        input_path = minimized;
    }
    r = read_bounded(input_path, LC_REPRO_INPUT_MAX, &data, &size);
    if (r) {
        fail(2, "%s: %s", input_path,
             r == -LC_ETOOBIG ? "larger than 1 MiB (try --minimize)"
                              : strerror(errno));
        goto out_rmtmp;
    }
    today(date, sizeof(date));
    rc.case_path = case_path;
    rc.case_rel = rel;
    rc.artifact = base_name(artifact);
    rc.original_size = do_minimize ? (size_t)st.st_size : 0;
    rc.date = date;
    rc.data = data;
    rc.size = size;
    if (write_atomically(out, &rc)) {
        fail(1, "cannot write %s: %s", out, strerror(errno));
        status = 1;
        goto out_free;
    }
    printf("leakcheck repro: wrote %s (a %zu-byte input from %s)\n"
           "check it: leakcheck run %s\n",
           out, size, base_name(artifact), out);
    status = 0;
out_free:
    free(data);
out_rmtmp:
    if (made_tmpdir) {
        unlink(minimized);
        rmdir(tmpdir);
    }
    return status;
}
