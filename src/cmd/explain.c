/*
 * leakcheck explain [options] CASE|TEST_ID - judge one case, or the tests
 * of one test id, and explain them, whatever the verdict: what grew, where
 * it was allocated, who holds it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "runcases.h"
#include "suitecmd.h"

static const char usage[] =
    "usage: leakcheck explain [options] CASE | TEST_ID\n"
    "\n"
    "Judge one case and explain what grows, whatever the verdict: the types\n"
    "that grew, where they were allocated, and the chain of references that\n"
    "holds them, printed as text. TEST_ID is a test of a suite instead: a\n"
    "pytest node id (path/test_x.py::test_name, path::Class::test) or a\n"
    "unittest id (pkg.module.Class.test), judged and explained as\n"
    "`leakcheck pytest` and `leakcheck unittest` do. No file is written\n"
    "unless --explain-dir names a folder for the holder graph (DOT, and SVG\n"
    "with Graphviz) or -o a file for the report.\n"
    "\n";

/* Whether c is a character of a Python dotted name. */
static bool name_char(char c)
{
    return c == '_' || c == '.' || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The suite kind a test id belongs to, or -1 when the operand is a case
 * file (or nothing we know: run's own message then says so). A path that
 * exists is a case; "::" makes a pytest node id; a dotted name with no
 * file of that name, a unittest id. */
static int test_kind(const char *operand)
{
    struct stat st;
    const char *p = operand;

    if (stat(operand, &st) == 0)
        return -1;
    if (strstr(operand, "::"))
        return LC_SUITE_PYTEST;
    for (; *p && name_char(*p); p++)
        ;
    if (*p == '\0' && strchr(operand, '.') && operand[0] != '.' &&
        !(p - operand > 3 && strcmp(p - 3, ".py") == 0))
        return LC_SUITE_UNITTEST;
    return -1;
}

int lc_cmd_explain(int argc, char **argv)
{
    struct lc_run_args a;
    int rc = lc_run_args_parse(argc, argv, usage, &a), kind;

    if (rc)
        return rc > 0 ? 0 : rc;
    /* argv is in getopt's order now: options first, then the operands. */
    if (a.npaths == 1 && (kind = test_kind(a.paths[0])) >= 0)
        return lc_suite_command(argc, argv, (enum lc_suite_kind)kind, usage,
                                LC_EXPLAIN_JUDGED);
    return lc_run_command(argc, argv, usage, true, NULL, LC_EXPLAIN_JUDGED);
}
