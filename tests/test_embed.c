/*
 * test_embed.c - the embedding door: the interpreter we start, how a case's
 * exceptions come back, the fuzz entry, and the Python line coverage fed to
 * libFuzzer (pycov.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

Test(embed, fuzz_gets_the_bytes_and_its_exceptions_are_outcomes,
     .init = start, .fini = fini)
{
    struct lc_script *s = load("seen = []\n"
                               "def run():\n    pass\n"
                               "def fuzz(data):\n"
                               "    seen.append(data)\n"
                               "    if data.startswith(b'bad'):\n"
                               "        raise ValueError('rejected')\n");

    cr_assert(lc_script_has(s, LC_ENTRY_FUZZ));
    cr_assert_eq(lc_script_fuzz(s, (const unsigned char *)"ok\0z", 4, err,
                                sizeof(err)),
                 0);
    cr_assert_eq(lc_script_fuzz(s, (const unsigned char *)"bad", 3, err,
                                sizeof(err)),
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
    cr_assert_gt(magic, other, "the longer branch hits more edges (%zu vs "
                 "%zu)", magic, other);
    lc_script_free(s);
}
