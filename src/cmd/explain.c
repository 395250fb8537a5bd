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
    "holds them, printed as text. No file is written unless --explain-dir\n"
    "names a folder for the holder graph (DOT, and SVG with Graphviz) or -o\n"
    "a file for the report.\n"
    "\n";

int lc_cmd_explain(int argc, char **argv)
{
    return lc_run_command(argc, argv, usage, true, NULL, LC_EXPLAIN_JUDGED);
}
