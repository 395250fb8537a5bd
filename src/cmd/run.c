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
    return lc_run_command(argc, argv, usage, false, NULL, LC_EXPLAIN_LEAKS);
}
