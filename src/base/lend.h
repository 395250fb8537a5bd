/*
 * lend.h - the runner lends its idle slots to the suite slices running.
 *
 * A suite's slices are cut by test count before any test has run, so one
 * slice can hold most of a suite's time (numpy.random's tests: the slice
 * with its two slowest tests, 4.5 and 3.8 s a call, screened for 126 s
 * while the other worker had been idle since 25 s). Once the runner has
 * nothing left to start, it offers its free slots on one shared page; a
 * slice whose tests not begun yet are worth a worker of their own (their
 * first runs against the cost of importing them again, suite.c) claims a
 * slot and gives those tests back to the runner (a RETURN record, wire.h),
 * which judges them in a new worker in that slot: imported again, as
 * every slice is, so no two processes share what a test made at import
 * (a file named by the pid, a fixture's folder).
 *
 * The page is a memfd the runner maps; each slice's worker opens it
 * through /proc from the runner's pid and descriptor its job names, maps
 * it and closes it at once (no descriptor is left open for the tests). A
 * worker adds to its slot's lent count before it takes an offer, and the
 * runner withdraws its offer before it reads the lent counts, so a slot is
 * never both started by the runner and lent. A claim ends when the runner
 * has read the RETURN record that follows it (lc_lend_return), or when the
 * slot's worker ends (lc_lend_forget).
 */
#ifndef LC_LEND_H
#define LC_LEND_H

#include <stdbool.h>

#include "lc_limits.h"

struct lc_lend {
    int idle;              /* slots on offer */
    int lent[LC_JOBS_MAX]; /* per slot: claims its worker made, whose
                              RETURN records the runner has not read */
};

/* The runner's page: mapped at *out, its descriptor (close-on-exec) in
 * *fd. 0, or -1 (errno set): the run goes on without lending. */
int lc_lend_create(struct lc_lend **out, int *fd);

/* A worker's view of the page of runner pid, descriptor fd there; NULL
 * when it cannot be mapped (nothing is lent to it then). */
struct lc_lend *lc_lend_map(int pid, int fd);

/* The runner: no slot on offer from now; the claims not read yet. */
int lc_lend_withdraw(struct lc_lend *l, int jobs);

/* The runner: n slots on offer. */
void lc_lend_offer(struct lc_lend *l, int n);

/* The runner: the worker of slot s ended, and its claims with it. */
void lc_lend_forget(struct lc_lend *l, int s);

/* The worker of slot s: take a slot on offer. True when it did. */
bool lc_lend_claim(struct lc_lend *l, int s);

/* A claim of slot s's worker ends: the runner read its RETURN record, or
 * the worker did not send one after all. */
void lc_lend_return(struct lc_lend *l, int s);

void lc_lend_unmap(struct lc_lend *l);

#endif
