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
 *            the same list, run each test once, its module and class
 *            fixtures up and down around it as in a plain run (a test that
 *            fails or errors is an error with its traceback, a skipped one
 *            is "skipped" with its reason), then judge the rest and answer
 *            one RESULT record per test, in order.
 *
 * Every repetition is one plain run of the tests it runs (src/suite/):
 * pytest items with each nextitem the next of the group and None at the
 * end, so enclosing nodes are set up and torn down as `pytest` does; a
 * fresh TestCase instance per unittest run; what the frameworks record of
 * a run (report sections, warnings, stats, user properties) put back.
 *
 * Judging drills down. After the first run, the tests of the slice are
 * run together as one iteration of a short screen (LC_SUITE_SCREEN_RUNS
 * readings after LC_SUITE_SCREEN_WARMUP, going on while it is not clean,
 * below): when every signal stays flat over the first window and no exact
 * signal ends above where it began, or 10 runs after a rise never go
 * above it nor to a level not held before, each test is clean "screened
 * with its group".
 * Otherwise the same is tried per class (unittest) or
 * parent node (pytest), and what is still not clearly clean gets the whole
 * adaptive plan (plan.h) alone, with its own time bound: a test's budget
 * is its own, not its module's. The first run times each test: a group
 * whose tests take more than half a second a run is never screened whole
 * (its classes are packed in order into parts up to that, a class
 * costlier alone is halved by time), and a test too slow for its plan to
 * reach 64 calls within its time bound is screened alone before it is
 * judged alone (a screen's time bound covers three times its runs).
 *
 * Balance (lend.h): slices are cut by count before any test has run.
 * Once the runner has nothing left to start, it offers its free slots;
 * a slice whose tests not begun are worth a worker of their own (their
 * screen's calls at first-run cost against its own start, import and
 * collection plus 2 s) claims one before a screen, or between two calls
 * of one, and gives the later half of them (by first-run time) back in a
 * RETURN record (wire.h): the runner judges them in a new worker in that
 * slot, which imports them again, as every slice does. A screen whose
 * group lies wholly before the cut goes on; one the cut falls in stops
 * (before its 4th call only) and its part kept is screened again.
 *
 * Isolation (issue 22): the worker forks. The first run and the drill run
 * in a child of the state after import and collection; each screen and
 * each judgement alone runs in a grandchild of the state after the first
 * run, so no test's repetitions change what another test finds. After the
 * first run the adapter freezes what exists (gc.freeze(): readings then
 * collect only what repetitions made). Results
 * go through a shared mapping. A test judged a leak is measured against
 * its control (an empty test with the same class, marks and wider
 * fixtures, run the same way): growth the control shows too is not the
 * test's. A leak is then judged again alone in a child of the state
 * before any test ran, after only its own first run, as soon as it is
 * found (the slice runs in a child of the worker, which keeps that state
 * and confirms each leak the child asks for; the leak is then sent, and
 * its explain pass can start while the slice goes on): confirmed, it stays
 * a leak; clean there, it is reported clean, as growing only after the
 * slice's other tests, naming them. A worker with threads besides the
 * main one does not fork (a child could inherit a held lock): it judges
 * in its own process and marks its leaks LC_SUITE_UNCONFIRMED; the runner
 * then judges each again in a worker of its own that runs only that test
 * (suitecmd.c), to the same end.
 *
 * A test that passed its first run and fails on a repetition is "not
 * repeatable": judged on the repetitions it passed when they reached a
 * judgement, else an error so marked; neither changes the exit status
 * (report.c, lc_report_ok).
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
 * whole plan's own reach at H=64). A screen that is not clean goes on, as
 * warm, for up to LC_SUITE_SCREEN_EXTENSIONS more windows' worth of runs:
 * growth that stops within them is a fill, not a leak (every leak keeps
 * growing), and costs no drill-down. After the first window the screen
 * goes on from its last rise (a reading above the one before it): it is clean
 * once 10 runs in a row never went above the level that rise reached, each
 * rise in them back to a level held before. A leak of one step in 10 runs
 * or more rises within every such 10 to a level never held, even under a
 * drop (tests/suites/pytest_speed/test_screen_drop.py); a cache at its
 * bound rehashing its table moves py_bytes by kilobytes up and down
 * between the same levels (test_typing, more-itertools), and used to cost
 * whole new windows, each of which had to end flat, and then a
 * drill-down. */
#define LC_SUITE_SCREEN_WARMUP 2
#define LC_SUITE_SCREEN_RUNS 10
#define LC_SUITE_SCREEN_EXTENSIONS 2

/* The worker's side of the two jobs; the answers go to result_fd. 0 or a
 * negative code (the channel failed). */
int lc_suite_collect(const struct lc_case *c, const struct lc_suite_job *sj,
                     int result_fd);
int lc_suite_judge(const struct lc_case *c, const struct lc_suite_job *sj,
                   int result_fd);

/* One test as the explain pass's subject (explain.h, struct
 * lc_explain_subject, whose open and close these are; the worker joins
 * the two): the adapter's session over the test alone, its first run,
 * then its module and the callable that repeats it, the one its verdict
 * repeated. The collector is left unfrozen (the pass walks its lists). */
struct _object; /* PyObject */

struct lc_suite_explain {
    const struct lc_case *c;       /* the test: c->id names it */
    const struct lc_suite_job *sj; /* its operand; first its index, count 1 */
    struct _object *sess;          /* the adapter's session, once open */
};

/* In a started interpreter. 0 with *module and *step new references, or
 * -1 with err filled and *phase naming what failed ("load": the import,
 * the collection or another test than c->id; "first run"). */
int lc_suite_explain_open(void *ctx, struct _object **module,
                          struct _object **step, const char **phase, char *err,
                          size_t errlen);

/* The session's teardown and the adapter's temporary folders. 0, or -1
 * with err filled. */
int lc_suite_explain_close(void *ctx, char *err, size_t errlen);

#endif
