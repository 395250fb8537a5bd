/*
 * leakcheck explain [options] CASE - judge one case and explain it,
 * whatever its verdict: what grew, where it was allocated, who holds it.
 */
#include <stdio.h>

#include "commands.h"
#include "runcases.h"

static const char usage[] =
    "usage: leakcheck explain [options] CASE\n"
    "\n"
    "Judge one case and explain what grows, whatever the verdict: the types\n"
    "that grew, where they were allocated, and the chain of references that\n"
    "holds them. The holder graph goes to --explain-dir (default .).\n"
    "\n";

int lc_cmd_explain(int argc, char **argv)
{
    struct lc_run_args a;
    int rc = lc_run_args_parse(argc, argv, usage, &a);

    if (rc)
        return rc > 0 ? 0 : rc;
    if (a.npaths == 0)
        return lc_usage_error("explain: no case file given");
    if (a.npaths != 1)
        return lc_usage_error("explain: give exactly one case file");
    if (!a.explain_dir)
        a.explain_dir = ".";
    return lc_run_cases(&a, LC_EXPLAIN_JUDGED);
}
