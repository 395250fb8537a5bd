/*
 * test_embed.c - the embedding door: the interpreter we start, how a case's
 * exceptions come back, the fuzz entry, and the Python line coverage fed to
 * libFuzzer (pycov.h).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "embed.h"
#include "errors.h"
#include "pycov.h"

static char err[8192];
static char path[] = "/tmp/lc-test-embed-XXXXXX.py";

static void start(void)
{
    struct lc_embed_opts o = {.hooks = true};

    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
}

/* Write a case file and load it. */
static struct lc_script *load(const char *src)
{
    struct lc_script *s = NULL;
    int fd = mkstemps(path, 3);
    FILE *f;

    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    fputs(src, f);
    fclose(f);
    cr_assert_eq(lc_script_load(path, &s, err, sizeof(err)), 0, "%s", err);
    return s;
}

static void fini(void)
{
    if (strchr(path, 'X') == NULL)
        unlink(path);
}

Test(embed, the_interpreter_is_debians_whatever_python3_is_on_path,
     .init = start)
{
    cr_assert_str_eq(lc_embed_executable(), "/usr/bin/python3.11");
    cr_assert_eq(lc_embed_exec("import sys\n"
                               "assert sys.prefix == '/usr', sys.prefix\n"
                               "assert sys.version_info[:2] == (3, 11)\n"
                               "assert '/usr/lib/python3.11' in sys.path\n",
                               err, sizeof(err)),
                 0, "%s", err);
}

Test(embed, a_second_start_is_refused, .init = start)
{
    struct lc_embed_opts o = {.hooks = true};

    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), -LC_EINTERP);
}

Test(embed, an_exception_in_run_comes_back_with_its_traceback, .init = start,
     .fini = fini)
{
    struct lc_script *s = load("def helper():\n"
                               "    raise KeyError('lost key')\n"
                               "def run():\n"
                               "    helper()\n");

    cr_assert_eq(lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_assert_neq(strstr(err, "Traceback"), NULL, "%s", err);
    cr_assert_neq(strstr(err, "in helper"), NULL, "%s", err);
    cr_assert_neq(strstr(err, "KeyError: 'lost key'"), NULL, "%s", err);
    lc_script_free(s);
}

Test(embed, sys_exit_in_a_case_never_exits_the_process, .init = start,
     .fini = fini)
{
    struct lc_script *s = load("import sys\ndef run():\n    sys.exit(7)\n");

    cr_assert_eq(lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_assert_neq(strstr(err, "SystemExit: 7"), NULL, "%s", err);
    lc_script_free(s);
}

Test(embed, a_case_without_run_is_refused, .init = start, .fini = fini)
{
    struct lc_script *s = NULL;
    int fd = mkstemps(path, 3);

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "x = 1\n", 6), 6);
    close(fd);
    cr_assert_eq(lc_script_load(path, &s, err, sizeof(err)), -LC_ENORUN);
    cr_assert_neq(strstr(err, "no run()"), NULL, "%s", err);
    cr_assert_null(s);
}

Test(embed, fuzz_gets_the_bytes_and_its_exceptions_are_outcomes, .init = start,
     .fini = fini)
{
    struct lc_script *s = load("seen = []\n"
                               "def run():\n    pass\n"
                               "def fuzz(data):\n"
                               "    seen.append(data)\n"
                               "    if data.startswith(b'bad'):\n"
                               "        raise ValueError('rejected')\n");

    cr_assert(lc_script_has(s, LC_ENTRY_FUZZ));
    cr_assert_eq(
        lc_script_fuzz(s, (const unsigned char *)"ok\0z", 4, err, sizeof(err)),
        0);
    cr_assert_eq(
        lc_script_fuzz(s, (const unsigned char *)"bad", 3, err, sizeof(err)),
        -LC_EPYTHON);
    cr_assert_neq(strstr(err, "ValueError: rejected"), NULL, "%s", err);
    err[0] = '\0';
    /* Quiet: the exception is cleared, nothing formatted. */
    cr_assert_eq(lc_script_fuzz(s, (const unsigned char *)"bad", 3, NULL, 0),
                 -LC_EPYTHON);
    cr_assert_eq(lc_embed_exec("import sys\n"
                               "m = sys.modules['__leakcheck_case__']\n"
                               "assert m.seen[0] == b'ok\\x00z', m.seen\n"
                               "assert len(m.seen) == 3\n"
                               "assert sys.exc_info()[0] is None\n",
                               err, sizeof(err)),
                 0, "%s", err);
    lc_script_free(s);
}

Test(embed, line_coverage_tells_python_paths_apart, .init = start,
     .fini = fini)
{
    /* A byte compared in Python: libFuzzer sees the two paths only through
     * the coverage the tracer feeds it. */
    struct lc_script *s = load("def run():\n    pass\n"
                               "def fuzz(data):\n"
                               "    if data[:1] == b'L':\n"
                               "        x = 1\n"
                               "        y = 2\n"
                               "    else:\n"
                               "        x = 3\n");
    size_t other, magic;

    lc_pycov_reset();
    cr_assert_eq(lc_pycov_edges(), 0u);
    lc_script_fuzz(s, (const unsigned char *)"A", 1, NULL, 0);
    cr_assert_eq(lc_pycov_edges(), 0u, "the tracer is off until begin");

    lc_pycov_begin();
    lc_script_fuzz(s, (const unsigned char *)"A", 1, NULL, 0);
    lc_pycov_end();
    other = lc_pycov_edges();
    cr_assert_gt(other, 0u);
    cr_assert_gt(lc_pycov_events(), 0u);

    lc_pycov_reset();
    lc_pycov_begin();
    lc_script_fuzz(s, (const unsigned char *)"L", 1, NULL, 0);
    lc_pycov_end();
    magic = lc_pycov_edges();
    cr_assert_gt(magic, other,
                 "the longer branch hits more edges (%zu vs "
                 "%zu)",
                 magic, other);
    lc_script_free(s);
}

/* The locale facts a case sees, one line: file system encoding, stdout's
 * and stderr's encoding and errors, the preferred encoding, UTF-8 mode.
 * stdout is /dev/null and stderr a pipe, as in a worker. */
#define LOCALE_PROBE                                                          \
    "import sys, locale\n"                                                    \
    "print(sys.getfilesystemencoding(), sys.stdout.encoding,"                 \
    " sys.stdout.errors, sys.stderr.encoding, sys.stderr.errors,"             \
    " locale.getpreferredencoding(), sys.flags.utf8_mode, file=sys.stderr)"

/* Run this test program again as a child, with env as its only
 * environment, stdout on /dev/null and stderr into a pipe; argv[1] says
 * what it does. Returns what it wrote to stderr. */
static void probe_in_child(char *const argv[], char *const env[], char *out,
                           size_t outlen)
{
    int fds[2], status;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);

        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execve(argv[0], argv, env);
        _exit(127);
    }
    close(fds[1]);
    while (len + 1 < outlen &&
           (n = read(fds[0], out + len, outlen - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s: status %#x: %s", argv[0], status, out);
}

/* In a child of test_embed: start the interpreter as a worker does and
 * print the probe. */
static int embedded_probe(void)
{
    struct lc_embed_opts o = {.hooks = true};

    if (lc_embed_start(&o, err, sizeof(err)) ||
        lc_embed_exec(LOCALE_PROBE, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}

static char self[4096];

/* Criterion's main is its own; a child re-executed with this variable set
 * runs the probe before it. */
__attribute__((constructor)) static void maybe_probe(void)
{
    if (getenv("LC_TEST_EMBED_PROBE"))
        _exit(embedded_probe());
}

Test(embed, the_locale_is_the_one_python3_11_dash_I_gets)
{
    static char *const envs[][3] = {
        {"LANG=C.UTF-8", "LC_TEST_EMBED_PROBE=1", NULL},
        {"LANG=C", "LC_TEST_EMBED_PROBE=1", NULL},
        {"LC_TEST_EMBED_PROBE=1", NULL, NULL}, /* no LANG, no LC_* */
        {"LC_ALL=C", "LC_TEST_EMBED_PROBE=1", NULL},
    };
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    cr_assert_gt(n, 0);
    self[n] = '\0';
    for (size_t i = 0; i < sizeof(envs) / sizeof(*envs); i++) {
        char *ours_argv[] = {self, NULL};
        char *real_argv[] = {"/usr/bin/python3.11", "-I", "-c", LOCALE_PROBE,
                             NULL};
        char ours[512], real[512];

        probe_in_child(ours_argv, envs[i], ours, sizeof(ours));
        probe_in_child(real_argv, envs[i], real, sizeof(real));
        cr_expect_str_eq(ours, real, "%s: embedded %s python3.11 -I %s",
                         envs[i][0], ours, real);
        cr_log_info("%-22s %s", envs[i][0], ours);
    }
}

Test(embed, sigpipe_and_sigxfsz_are_ignored_as_python3_11_does, .init = start)
{
    struct sigaction sa;

    cr_assert_eq(sigaction(SIGPIPE, NULL, &sa), 0);
    cr_expect_eq(sa.sa_handler, SIG_IGN);
    cr_assert_eq(sigaction(SIGXFSZ, NULL, &sa), 0);
    cr_expect_eq(sa.sa_handler, SIG_IGN);
    cr_assert_eq(lc_embed_exec("import os, signal\n"
                               "assert signal.getsignal(signal.SIGPIPE) =="
                               " signal.SIG_IGN\n"
                               "r, w = os.pipe()\n"
                               "os.close(r)\n"
                               "try:\n"
                               "    os.write(w, b'x')\n"
                               "except BrokenPipeError:\n"
                               "    pass\n"
                               "else:\n"
                               "    raise AssertionError('no EPIPE')\n",
                               err, sizeof(err)),
                 0, "%s", err);
}

/* Loading src must fail with a message holding needle. */
static void refused(const char *src, const char *needle)
{
    struct lc_script *s = NULL;
    FILE *f;
    int fd = mkstemps(path, 3);

    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    fputs(src, f);
    fclose(f);
    cr_expect_eq(lc_script_load(path, &s, err, sizeof(err)), -LC_EPYTHON, "%s",
                 src);
    cr_expect_null(s);
    cr_expect_neq(strstr(err, needle), NULL, "%s-> %s", src, err);
    unlink(path);
    strcpy(path, "/tmp/lc-test-embed-XXXXXX.py");
}

Test(embed, coroutine_and_generator_entry_points_are_refused_at_load,
     .init = start)
{
    refused("async def run():\n    pass\n",
            "run is a coroutine function (async def)");
    refused("def run():\n    yield 1\n", "run is a generator function");
    refused("async def run():\n    yield 1\n",
            "run is an async generator function");
    refused("import types\n@types.coroutine\ndef run():\n    yield\n",
            "generator-based coroutine");
    refused("def run():\n    pass\nasync def setup():\n    pass\n",
            "setup is a coroutine function");
    refused("def run():\n    pass\ndef fuzz(data):\n    yield data\n",
            "fuzz is a generator function");
    refused("class C:\n    async def m(self):\n        pass\nrun = C().m\n",
            "run is a coroutine function"); /* a bound method */
    refused("run = 3\n", "run is not callable (it is a int)");
    refused("def run():\n    pass\nteardown = None\n",
            "teardown is not callable");
}

Test(embed, a_call_returning_a_coroutine_is_an_error_and_warns_nothing,
     .init = start, .fini = fini)
{
    struct lc_script *s = load("import functools\n"
                               "async def work():\n"
                               "    raise AssertionError('ran')\n"
                               "def gen():\n    yield 1\n"
                               "class Later:\n"
                               "    def __await__(self):\n        yield\n"
                               "class R:\n"
                               "    def __call__(self):\n"
                               "        return work()\n"
                               "run = R()\n"
                               "setup = functools.partial(gen)\n"
                               "teardown = lambda: Later()\n");
    FILE *cap = tmpfile();
    int saved = dup(2);
    char seen[4096] = "";

    cr_assert_not_null(cap);
    dup2(fileno(cap), 2);
    cr_expect_eq(lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_expect_neq(strstr(err, "run() returned a coroutine"), NULL, "%s", err);
    cr_expect_eq(lc_script_call(s, LC_ENTRY_SETUP, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_expect_neq(strstr(err, "setup() returned a generator"), NULL, "%s",
                  err);
    cr_expect_eq(lc_script_call(s, LC_ENTRY_TEARDOWN, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_expect_neq(strstr(err, "teardown() returned an awaitable"), NULL, "%s",
                  err);
    lc_embed_collect();
    cr_assert_eq(
        lc_embed_exec("import sys\nsys.stderr.flush()\n", err, sizeof(err)), 0,
        "%s", err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(cap);
    seen[fread(seen, 1, sizeof(seen) - 1, cap)] = '\0';
    fclose(cap);
    cr_expect_eq(strstr(seen, "never awaited"), NULL, "stderr: %s", seen);
    cr_expect_eq(strstr(seen, "RuntimeWarning"), NULL, "stderr: %s", seen);
    lc_script_free(s);
}

Test(embed, a_long_traceback_keeps_its_head_and_its_last_line, .init = start,
     .fini = fini)
{
    struct lc_script *s = load("def f(n):\n"
                               "    if n == 0:\n"
                               "        raise KeyError('x' * 300 + 'END')\n"
                               "    g(n)\n"
                               "def g(n):\n"
                               "    f(n - 1)\n"
                               "def run():\n    f(60)\n");
    char small[1024];
    const char *cut;

    cr_assert_eq(lc_script_call(s, LC_ENTRY_RUN, small, sizeof(small)),
                 -LC_EPYTHON);
    cr_expect_lt(strlen(small), sizeof(small));
    cr_expect_eq(strncmp(small, "Traceback (most recent call last):", 34), 0,
                 "%s", small);
    cut = strstr(small, " bytes cut ...]\n");
    cr_expect_neq(cut, NULL, "%s", small);
    cr_expect_neq(strstr(small, "\nKeyError: 'xxx"), NULL, "%s", small);
    cr_expect_neq(strstr(small, "xxxEND'\n"), NULL, "%s", small);
    lc_script_free(s);
}

Test(embed, a_lone_surrogate_in_a_message_is_shown_escaped, .init = start,
     .fini = fini)
{
    struct lc_script *s = load("def run():\n"
                               "    raise ValueError('bad \\udc80 text')\n");

    cr_assert_eq(lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err)),
                 -LC_EPYTHON);
    cr_expect_neq(strstr(err, "ValueError: bad \\udc80 text"), NULL, "%s",
                  err);
    cr_expect_eq(strstr(err, "could not be formatted"), NULL, "%s", err);
    lc_script_free(s);
}

/* PYTHONPATH is honoured, where python3.11 puts it (after the script's
 * folder, before the standard library); PYTHONMALLOC is not. */
Test(embed, pythonpath_is_honoured_and_the_rest_of_the_environment_not)
{
    struct lc_embed_opts o = {.hooks = true};

    setenv("PYTHONPATH", "/tmp/lc-a-path:/tmp/lc-b-path", 1);
    setenv("PYTHONMALLOC", "malloc", 1);
    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(
        lc_embed_exec("import sys\n"
                      "i = sys.path.index('/tmp/lc-a-path')\n"
                      "assert sys.path[i + 1] == '/tmp/lc-b-path', sys.path\n"
                      "assert i < sys.path.index('/usr/lib/python3.11'), "
                      "sys.path\n"
                      "assert sys._xoptions == {}\n",
                      err, sizeof(err)),
        0, "%s", err);
    cr_assert(lc_alloc_installed(), "the counting hooks, not PYTHONMALLOC");
}
