/*
 * test_pyproject.c - [tool.leakcheck] found as pytest finds its rootdir,
 * read into option words and overrides, and applied to tests and cases.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "pyproject.h"

static const struct option opts[] = {
    {"time", required_argument, NULL, 'T'},
    {"no-explain", no_argument, NULL, 'n'},
    {"baseline", required_argument, NULL, 'B'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static char root[256];

static void make_root(void)
{
    snprintf(root, sizeof(root), "/tmp/lc-pyproject-XXXXXX");
    cr_assert(mkdtemp(root));
}

static void drop_root(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *rel, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    cr_assert(f = fopen(path, "w"), "%s", path);
    fputs(text, f);
    fclose(f);
}

TestSuite(pyproject, .init = make_root, .fini = drop_root);

Test(pyproject, found_upwards_from_the_paths_common_folder)
{
    struct lc_pyproject pp;
    char err[1024] = "", sub[300], arg[400], want[300];
    char *paths[1] = {arg};

    write_file(
        "pyproject.toml",
        "[project]\nname = 'x'\n[tool.leakcheck]\ntime = 5\n"
        "no_explain = true\nbaseline = \"known.txt\"\n"
        "[[tool.leakcheck.overrides]]\ntests = ['test_a.py::test_c*']\n"
        "expect = 'leak'\ntime = 30\n"
        "[[tool.leakcheck.overrides]]\ntests = \"test_a.py::test_gone\"\n"
        "skip = true\nsignals = ['py_blocks', 'fds']\n");
    snprintf(sub, sizeof(sub), "%s/tests", root);
    cr_assert_eq(mkdir(sub, 0777), 0);
    write_file("tests/test_a.py", "");
    snprintf(arg, sizeof(arg), "%s/test_a.py::test_cache", sub);
    cr_assert_eq(lc_pyproject_load(paths, 1, opts, &pp, err, sizeof(err)), 0,
                 "%s", err);
    snprintf(want, sizeof(want), "%s/pyproject.toml", root);
    cr_assert_str_eq(pp.path, want);
    cr_assert_eq(pp.nwords, 5);
    {
        const char *w = pp.words.data;
        char known[400];

        snprintf(known, sizeof(known), "%s/known.txt", root);
        cr_assert_str_eq(w, "--time");
        cr_assert_str_eq(w += strlen(w) + 1, "5");
        cr_assert_str_eq(w += strlen(w) + 1, "--no-explain");
        cr_assert_str_eq(w += strlen(w) + 1, "--baseline");
        cr_assert_str_eq(w += strlen(w) + 1, known, "relative to the file");
    }
    cr_assert_eq(pp.novr, 2);
    {
        struct lc_case c;
        struct lc_result r = {0};

        lc_case_init(&c, arg);
        snprintf(c.id, sizeof(c.id), "test_a.py::test_cache_grows");
        lc_pyproject_apply(&pp, &c, &r);
        cr_assert_eq(c.expect, LC_EXPECT_LEAK);
        cr_assert_float_eq(c.time_s, 30.0, 1e-9);
        cr_assert_neq(r.magic, LC_RESULT_MAGIC, "not skipped");
        snprintf(c.id, sizeof(c.id), "test_a.py::test_gone");
        lc_pyproject_apply(&pp, &c, &r);
        cr_assert_eq(r.verdict, LC_VERDICT_SKIPPED);
        cr_assert(strstr(r.message, "pyproject.toml:"), "%s", r.message);
        cr_assert_eq(c.signals, (1u << LC_SIG_PY_BLOCKS) | (1u << LC_SIG_FDS));
    }
    lc_pyproject_release(&pp);
}

Test(pyproject, a_file_without_the_table_is_passed_over)
{
    struct lc_pyproject pp;
    char err[1024] = "";
    char *paths[1] = {root};

    write_file("pyproject.toml", "[tool.pytest.ini_options]\nx = 1\n");
    cr_assert_eq(lc_pyproject_load(paths, 1, opts, &pp, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert(strcmp(pp.path, root) != 0 && !strstr(pp.path, root), "%s",
              pp.path);
    lc_pyproject_release(&pp);
}

Test(pyproject, unknown_keys_and_tables_are_errors_naming_file_line_key)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"[tool.leakcheck]\ntimee = 5\n", ":2: unknown key 'timee'"},
        {"[tool.leakcheck]\nhelp = true\n", ":2: unknown key 'help'"},
        {"[tool.leakcheck]\nno-explain = 1\n", ":2: no-explain: want true"},
        {"[[tool.leakcheck.overrides]]\ntests = ['x']\nexepct = 'leak'\n",
         ":3: in [[tool.leakcheck.overrides]]: unknown key 'exepct'"},
        {"[[tool.leakcheck.overrides]]\nexpect = 'leaky'\n",
         ":2: in [[tool.leakcheck.overrides]]: expect = leaky"},
        {"[tool.leakcheck.override]\n", ":1: unknown table"},
        {"[tool.leakcheck]\ntime = \n", ":2: expected a value"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct lc_pyproject pp;
        char err[1024] = "", want[600];
        char *paths[1] = {root};

        write_file("pyproject.toml", bad[i].text);
        cr_assert_eq(lc_pyproject_load(paths, 1, opts, &pp, err, sizeof(err)),
                     -LC_EINPUT, "%s", bad[i].text);
        snprintf(want, sizeof(want), "%s/pyproject.toml%s", root, bad[i].want);
        cr_assert(strncmp(err, want, strlen(want)) == 0,
                  "got '%s', want '%s...'", err, want);
        lc_pyproject_release(&pp);
    }
}
