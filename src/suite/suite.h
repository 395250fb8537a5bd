/*
 * suite.h - judge the tests of a user's own suite (unittest or pytest), a
 * verdict per test id, in workers that import the tests once.
 *
 * Two jobs (wire.h, LC_JOB_SUITE_COLLECT and LC_JOB_SUITE):
 *
 *   collect  list the tests of one operand (a module, test id, file or
 *            folder for unittest; paths or node ids for pytest), with -k,
 *            -m and -u applied, one "id<TAB>file" line each into a file;
 *   judge    import that operand again, take tests [first, first+count) of
 *            the same list, set up module and class fixtures once, run each
 *            test once (a test that fails or errors is an error with its
 *            traceback, a skipped one is "skipped" with its reason), then
 *            judge the rest and answer one RESULT record per test, in order.
 *
 * Judging drills down. The tests of the slice are first run together as
 * one iteration of a short screen (LC_SUITE_SCREEN_RUNS readings after
 * LC_SUITE_SCREEN_WARMUP): when every signal stays flat and no exact
 * signal ends above where it began, each test is clean "screened with its
 * group". Otherwise the same is tried per class (unittest) or parent node
 * (pytest), and what is still not clearly clean gets the whole adaptive
 * plan (plan.h) alone, with its own time bound: a test's budget is its
 * own, not its module's. A test that fails only under repetition is run
 * once more on a fresh instance (unittest) or setup (pytest) and reported
 * "not repeatable" (an error) when that passes.
 *
 * Nothing is cleared between repetitions: regrtest's cache clearing hides
 * real leaks (ctypes' _c_functype_cache). With LC_SUITE_CLEANUP each test
 * judged a leak is judged again with regrtest's clearing after every
 * repetition, and a leak that then goes away is labelled "held by a cache
 * that regrtest clears" (still a leak).
 *
 * The adapter is Python built into the program (src/suite/, like
 * src/explain/); this is its door. Results come from libc, allocated before
 * anything is measured.
 */
#ifndef LC_SUITE_H
#define LC_SUITE_H

#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "job.h"

/* Screen: iterations of a group before its first reading (after the
 * first run, which warms up too), and measured iterations. 10 measured
 * runs see any leak that comes once every 10 runs whatever its phase (the
 * whole plan's own reach at H=64); fewer runs than regrtest -R 3:3's
 * seven debug-build runs cost, on release-build speed. */
#define LC_SUITE_SCREEN_WARMUP 1
#define LC_SUITE_SCREEN_RUNS 10

/* The worker's side of the two jobs; the answers go to result_fd. 0 or a
 * negative code (the channel failed). */
int lc_suite_collect(const struct lc_case *c, const struct lc_suite_job *sj,
                     int result_fd);
int lc_suite_judge(const struct lc_case *c, const struct lc_suite_job *sj,
                   int result_fd);

#endif
