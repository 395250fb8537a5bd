/*
 * lend.h - the runner lends its idle slots to the suite slices running.
 *
 * A suite's slices are cut by test count before any test has run, so one
 * slice can hold most of a suite's time (numpy.random's tests: the slice
 * with its two slowest tests, 4.5 and 3.8 s a call, screened for 126 s
 * while the other worker had been idle since 25 s). Once the runner has
 * nothing left to start, it offers its free slots on one shared page; a
 * slice about to screen a costly group, or screening one, claims a slot
 * and forks a helper that judges half of the group (by first-run time)
 * from the same state, so -j bounds the processes judging at once still.
 *
 * The page is a memfd the runner maps; each slice's worker opens it
 * through /proc from the runner's pid and descriptor its job names, maps
 * it and closes it at once (no descriptor is left open for the tests). A
 * worker adds to its slot's lent count before it takes an offer, and the
 * runner withdraws its offer before it reads the lent counts, so a slot is
 * never both started by the runner and lent. A helper's slot comes back when
 * its parent has waited for it; the runner forgets a slot's loans when its
 * worker ends.
 */
#ifndef LC_LEND_H
#define LC_LEND_H

#include <stdbool.h>

#include "lc_limits.h"

struct lc_lend {
    int idle;              /* slots on offer */
    int lent[LC_JOBS_MAX]; /* per slot: slots its worker holds */
};

/* The runner's page: mapped at *out, its descriptor (close-on-exec) in
 * *fd. 0, or -1 (errno set): the run goes on without lending. */
int lc_lend_create(struct lc_lend **out, int *fd);

/* A worker's view of the page of runner pid, descriptor fd there; NULL
 * when it cannot be mapped (nothing is lent to it then). */
struct lc_lend *lc_lend_map(int pid, int fd);

/* The runner: no slot on offer from now; the slots lent out. */
int lc_lend_withdraw(struct lc_lend *l, int jobs);

/* The runner: n slots on offer. */
void lc_lend_offer(struct lc_lend *l, int n);

/* The runner: the worker of slot s ended, and whatever it held with it. */
void lc_lend_forget(struct lc_lend *l, int s);

/* The worker of slot s: take a slot on offer. True when it did. */
bool lc_lend_claim(struct lc_lend *l, int s);

/* The worker of slot s: give a claimed slot back. */
void lc_lend_return(struct lc_lend *l, int s);

void lc_lend_unmap(struct lc_lend *l);

#endif
