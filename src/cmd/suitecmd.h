/*
 * suitecmd.h - `leakcheck unittest` and `leakcheck pytest`: a verdict per
 * test of a user's own suite (suite.h), reported as `run` reports.
 */
#ifndef LC_SUITECMD_H
#define LC_SUITECMD_H

#include "job.h"

/* The whole command: its options (-k, -m or -u, --regrtest-cleanup) and
 * run's, operands, the two phases, the report. */
int lc_suite_command(int argc, char **argv, enum lc_suite_kind kind,
                     const char *usage);

#endif
