/*
 * keeper.h - a process that keeps a worker's whole tree in hand.
 *
 * The runner never forks a worker directly: it forks a keeper, which makes
 * itself a process group and a child subreaper (prctl), forks the worker
 * and waits. When the worker ends, every process it left behind has been
 * reparented to the keeper, even those that called setsid(); the keeper
 * kills them all, reaps them, and exits with the worker's own status (by
 * the same signal when it was killed by one). So a case's descendants never
 * outlive the case, and a case that kills its parent kills the keeper, not
 * the runner.
 *
 * The runner is a subreaper too: if a keeper is killed (a timeout kills the
 * keeper's group; a hostile case kills its parent), what it kept comes to
 * the runner, which kills whatever child it does not know
 * (lc_keeper_kill_strays).
 *
 * The keeper ignores SIGUSR2, which the runner sends to the whole group
 * before a timeout's kill so the worker's faulthandler prints the Python
 * stack.
 */
#ifndef LC_KEEPER_H
#define LC_KEEPER_H

#include <stddef.h>
#include <sys/types.h>

/* Fork a keeper whose worker runs start(arg) (which should exec and must
 * not return). Once the worker runs, the keeper points its own descriptors
 * 0, 1 and 2 at /dev/null and closes every other. Returns the keeper's pid
 * (also its process group), or -1 with errno set. */
pid_t lc_keeper_spawn(void (*start)(void *arg), void *arg);

/* Make this process a child subreaper (orphans of its descendants come to
 * it). 0 or -1. */
int lc_keeper_adopt_orphans(void);

/* Kill and reap every child of this process whose pid is not in
 * known[0..n): orphans of killed keepers. Returns how many. */
int lc_keeper_kill_strays(const pid_t *known, size_t n);

#endif
