/*
 * leakcheck pytest [PATH | NODEID ...] - a verdict per pytest item.
 */
#include "commands.h"
#include "suitecmd.h"

static const char usage[] =
    "usage: leakcheck pytest [PATH | NODEID ...] [-k EXPR] [-m MARKEXPR]\n"
    "                        [--regrtest-cleanup] [--budget DURATION]\n"
    "                        [run's options]\n"
    "\n"
    "Collect the items as pytest does (Debian's python3-pytest, inside the\n"
    "embedded interpreter) and judge each node id on its own repetitions:\n"
    "function-scoped fixtures are set up and torn down every repetition (a\n"
    "leak in one is the test's leak), module and session fixtures once.\n"
    "--time is each test's own time bound (default 10 s); a test growing at\n"
    "every horizon through 256 iterations is a leak there (--iterations N:\n"
    "the whole plan to N). --budget 10m bounds the whole run: every test is\n"
    "screened, tests judged alone once a slice's share is spent get a plan\n"
    "of 64 iterations and are marked over_budget.\n"
    "\n";

int lc_cmd_pytest(int argc, char **argv)
{
    return lc_suite_command(argc, argv, LC_SUITE_PYTEST, usage);
}
