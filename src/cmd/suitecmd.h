/*
 * suitecmd.h - `leakcheck unittest` and `leakcheck pytest`: a verdict per
 * test of a user's own suite (suite.h), reported as `run` reports.
 */
#ifndef LC_SUITECMD_H
#define LC_SUITECMD_H

#include "job.h"
#include "runner.h"

/* The whole command: its options (-k, -m or -u, --regrtest-cleanup) and
 * run's, operands, the two phases, the report. explain: which tests get
 * an explain pass (runner.h): LC_EXPLAIN_LEAKS for the suite commands,
 * LC_EXPLAIN_JUDGED for `leakcheck explain TEST_ID`, whose one operand
 * must then name tests that exist (an error naming it otherwise). */
int lc_suite_command(int argc, char **argv, enum lc_suite_kind kind,
                     const char *usage, enum lc_explain_when explain);

#endif
