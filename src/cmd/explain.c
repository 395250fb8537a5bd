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
    return lc_run_command(argc, argv, usage, true, ".", LC_EXPLAIN_JUDGED);
}
