/*
 * leakcheck run [options] PATH... - judge every case under the paths.
 */
#include <stdio.h>

#include "commands.h"
#include "runcases.h"

static const char usage[] =
    "usage: leakcheck run [options] PATH...\n"
    "\n"
    "Run each case (a .py file, or every .py file under a folder, skipping\n"
    "names that start with '_' or '.') in a process of its own, and report\n"
    "its verdict: leak, clean, error, crash or timeout. Every leak is\n"
    "explained (what grew, where it was allocated, who holds it).\n"
    "\n";

int lc_cmd_run(int argc, char **argv)
{
    struct lc_run_args a;
    int rc = lc_run_args_parse(argc, argv, usage, &a);

    if (rc)
        return rc > 0 ? 0 : rc;
    if (a.npaths == 0)
        return lc_usage_error("run: no case file or folder given");
    return lc_run_cases(&a, LC_EXPLAIN_LEAKS);
}
