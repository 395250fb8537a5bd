/*
 * clock.h - the one clock of leakcheck: monotonic seconds.
 *
 * Deadlines, time bounds and elapsed times all read it; it never goes back
 * when the wall clock is set.
 */
#ifndef LC_CLOCK_H
#define LC_CLOCK_H

#include <time.h>

static inline double lc_clock_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
