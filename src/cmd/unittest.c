/*
 * leakcheck unittest TARGET... - a verdict per test of a unittest suite.
 */
#include "commands.h"
#include "suitecmd.h"

static const char usage[] =
    "usage: leakcheck unittest TARGET... [-k PATTERN] [-u RESOURCE,...]\n"
    "                          [--regrtest-cleanup] [--budget DURATION]\n"
    "                          [run's options]\n"
    "\n"
    "TARGET is a module (test.test_json, mypkg.tests.test_io), a test id, or\n"
    "a file or folder (discovered like python -m unittest discover). Each\n"
    "test is imported once and judged on its own repetitions: setUpModule\n"
    "and setUpClass once, setUp/test/tearDown every repetition. -k keeps the\n"
    "ids matching PATTERN (*PATTERN* without a wildcard); -u enables\n"
    "test.support resources for CPython's own tests (test.*), which run as\n"
    "regrtest runs them (verbose 0, a temporary cwd). --regrtest-cleanup\n"
    "judges each leak again with regrtest's cache clearing; one that goes\n"
    "away is labelled \"held by a cache that regrtest clears\".\n"
    "--time is each test's own time bound (default 10 s); a test growing at\n"
    "every horizon through 256 iterations is a leak there (--iterations N:\n"
    "the whole plan to N). --budget 10m bounds the whole run: every test is\n"
    "screened, tests judged alone once a slice's share is spent get a plan\n"
    "of 64 iterations and are marked over_budget.\n"
    "\n";

int lc_cmd_unittest(int argc, char **argv)
{
    return lc_suite_command(argc, argv, LC_SUITE_UNITTEST, usage);
}
