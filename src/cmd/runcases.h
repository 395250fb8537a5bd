/*
 * runcases.h - what `run` and `explain` share: their options, and running
 * a set of cases through the runner into a report.
 */
#ifndef LC_RUNCASES_H
#define LC_RUNCASES_H

#include <stdbool.h>
#include <stdio.h>

#include "pyproject.h"
#include "report.h"
#include "runner.h"

/* The options of `run` (and `explain`, which takes the same). */
struct lc_run_args {
    enum lc_format fmt;
    const char *output;      /* report file; NULL for stdout */
    int jobs;                /* workers at once */
    long iterations;         /* override of every case's bound; 0: none */
    long warmup;             /* override of every case's warm-up; -1: none */
    double timeout_s;        /* override of every case's timeout; 0: none */
    double time_s;           /* override of every case's time bound; 0: none */
    bool quiet;              /* no progress on the terminal */
    bool verbose;            /* text: every explanation, not only failures' */
    bool no_explain;         /* verdicts only */
    const char *explain_dir; /* folder for DOT/SVG files; NULL: none */
    long explain_iterations; /* run() calls between the explain snapshots */
    int depth;               /* frames per allocation site */
    const char *journal;     /* JSON Lines file, a line per case; NULL */
    int shard, shards;       /* run only shard K of N (1-based); 0 0: all */
    long memory_mib;         /* override of every case's memory cap; 0 */
    const char *baseline;    /* known leaks (baseline.h); NULL: none */
    const struct lc_pyproject *project; /* [tool.leakcheck] (pyproject.h):
                                           path "" when none was found */
    char **paths;                       /* the operands */
    int npaths;
};

/* The options' help text, for the commands' usage. */
extern const char lc_run_options_help[];

/* Parse argv (argv[0] the command) into a, with the defaults of the
 * project's [tool.leakcheck] (pyproject.h) found from the operands under
 * it. 0; 1 when --help printed usage; -LC_EUSAGE or -LC_EINPUT (a bad
 * pyproject.toml) with a message printed. */
int lc_run_args_parse(int argc, char **argv, const char *usage,
                      struct lc_run_args *a);

/* The explain passes of a run into ro (explain, explain_opts, its
 * timeout): `explain` asks for them, --no-explain drops those of leaks,
 * --explain-dir's folder is made. 0, or -LC_EIO with a message printed.
 * run, explain and the suite commands share it. */
int lc_run_explain_opts(const struct lc_run_args *a,
                        enum lc_explain_when explain,
                        struct lc_runner_opts *ro);

/* Mark the cases from a->baseline (baseline.h), when one is given. 0, or
 * -LC_EINPUT / -LC_EIO with a message printed. */
int lc_run_baseline(const struct lc_run_args *a, struct lc_case *cases,
                    size_t n);

/* The whole of `run` and `explain`: parse argv with usage for --help,
 * want at least one operand (exactly one when one_case), then
 * lc_run_cases. default_dir: --explain-dir when none is given. */
int lc_run_command(int argc, char **argv, const char *usage, bool one_case,
                   const char *default_dir, enum lc_explain_when explain);

/* Find the cases under a->paths, read their headers, run them with the
 * explain passes `explain` asks for, and write the report. Returns 0 when
 * every case got its expected verdict, -LC_EFAILED when one did not,
 * -LC_EHEADER when a header was unusable (the other cases still ran and
 * were reported), another code (message printed) when the run could not
 * be done or its report not written. */
int lc_run_cases(const struct lc_run_args *a, enum lc_explain_when explain);

/* The end of a run's report (text lines went out as cases finished): the
 * summary, the explanations (text), or the whole report (JSON, JUnit), to
 * out, which it closes unless stdout. Returns 0, -LC_EFAILED, -LC_EINTR,
 * or -LC_EIO with a message printed. */
int lc_run_report(const struct lc_run_args *a, FILE *out,
                  const struct lc_case *cases, const struct lc_result *results,
                  size_t n, double elapsed_s);

#endif
