/*
 * test_trend.c - the leak rule of trend.h, pinned by tables of real series.
 *
 * Series are written as the deltas people quote (CPython's regrtest prints
 * deltas, bpo-30776) and turned into levels here: levels[0] = 0, then the
 * running sum. Every table is also judged shifted by a large constant, which
 * must change nothing: the rule reads growth, never absolute levels.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trend.h"

#define MAX_STEPS 64

struct row {
    const char *name;
    int64_t deltas[MAX_STEPS];
    size_t steps;
    bool leak;
};

/* Levels from deltas: n + 1 readings, starting at base. */
static size_t levels_of(const int64_t *deltas, size_t steps, int64_t base,
                        int64_t *levels)
{
    levels[0] = base;
    for (size_t i = 0; i < steps; i++)
        levels[i + 1] = levels[i] + deltas[i];
    return steps + 1;
}

static struct lc_trend judge(const int64_t *deltas, size_t steps, int64_t base,
                             long batch, double min_rate)
{
    int64_t levels[MAX_STEPS + 1];
    struct lc_trend_opts opts = {.batch = batch, .min_rate = min_rate};
    struct lc_trend t;
    size_t n = levels_of(deltas, steps, base, levels);

    memset(&t, 0xa5, sizeof(t)); /* classify must fill every field */
    lc_trend_classify(levels, n, &opts, &t);
    return t;
}

static void fill(int64_t *deltas, size_t steps, size_t period, int64_t v)
{
    for (size_t i = 0; i < steps; i++)
        deltas[i] = (i % period == period - 1) ? v : 0;
}

static void check_table(const struct row *rows, size_t n)
{
    static const int64_t shifts[] = {
        0, 1, -1000, 1000000007, (int64_t)1 << 40, -((int64_t)1 << 40)};

    for (size_t i = 0; i < n; i++) {
        struct lc_trend t0 = judge(rows[i].deltas, rows[i].steps, 0, 1, 0.0);

        for (size_t s = 0; s < sizeof(shifts) / sizeof(*shifts); s++) {
            struct lc_trend t =
                judge(rows[i].deltas, rows[i].steps, shifts[s], 1, 0.0);

            cr_expect_eq(t.leak, rows[i].leak,
                         "%s (levels shifted by %lld): leak=%d, want %d "
                         "(floor_gap %lld, total %lld)",
                         rows[i].name, (long long)shifts[s], t.leak,
                         rows[i].leak, (long long)t.floor_gap,
                         (long long)t.total);
            /* The evidence does not move with the levels either. */
            cr_expect(t.total == t0.total && t.grew == t0.grew &&
                          t.steps == t0.steps && t.floor_gap == t0.floor_gap &&
                          t.per_iter == t0.per_iter && t.mk_z == t0.mk_z,
                      "%s: evidence changed under a shift of %lld",
                      rows[i].name, (long long)shifts[s]);
        }
    }
}

/* The series CPython's regrtest rule was written for (bpo-30776). */
Test(trend, bpo_30776_series_judged_as_regrtest_judges_them)
{
    /* clang-format off: a table of series, one row a line */
    static const struct row rows[] = {
        {"[3, 0, 0] one-off growth", {3, 0, 0}, 3, false},
        {"[0, 1, 0] a single step", {0, 1, 0}, 3, false},
        {"[8, -8, 1] noise that returns", {8, -8, 1}, 3, false},
        {"[5, 5, 6] steady growth", {5, 5, 6}, 3, true},
        {"[10, 1, 1] warm-up spike then growth", {10, 1, 1}, 3, true},
    };
    /* clang-format on */

    check_table(rows, sizeof(rows) / sizeof(*rows));
}

Test(trend, steady_growth_is_a_leak_flat_series_is_not)
{
    /* clang-format off: a table of series, one row a line */
    struct row rows[] = {
        {"[1] * 30, one block per iteration", {0}, 30, true},
        {"one object every third iteration, 30 steps", {0}, 30, true},
        {"one object every fifth iteration, 30 steps", {0}, 30, true},
        {"[0] * 30", {0}, 30, false},
        {"[0] * 3, shortest judged series", {0}, 3, false},
        {"[1] * 3, shortest judged series", {1, 1, 1}, 3, true},
        {"[-1] * 30, steady shrinking", {0}, 30, false},
    };
    /* clang-format on */

    fill(rows[0].deltas, 30, 1, 1);
    fill(rows[1].deltas, 30, 3, 1);
    fill(rows[2].deltas, 30, 5, 1);
    fill(rows[6].deltas, 30, 1, -1);
    check_table(rows, sizeof(rows) / sizeof(*rows));
}

Test(trend, growth_that_stops_or_returns_is_not_a_leak)
{
    /* clang-format off: a table of series, one row a line */
    struct row rows[] = {
        /* A cache filling for 5 iterations, then full. */
        {"[1] * 5 + [0] * 25, cache filled then flat", {0}, 30, false},
        /* A buffer that grows and is flushed every fourth iteration. */
        {"sawtooth [1, 1, 1, -3] * 7", {0}, 28, false},
        /* Bounded noise: levels wander in [-3, 3] and come back. */
        {"bounded noise",
         {2, -1, 3, -4, 1,  2, -3, 0,  1, -1, 2, -2, 3,  -3, 1,
          1, -2, 0, 2,  -2, 1, 0,  -1, 2, -3, 1, 2,  -1, -1, 0},
         30,
         false},
        /* Growth early in the window only: the last third is flat. */
        {"[2] * 20 + [0] * 10, growth stopped", {0}, 30, false},
        /* The floor ends level with the first third's peak: growth at the
         * end alone does not make a rising floor. */
        {"[1] + [0] * 7 + [1], floor level with the first peak",
         {1, 0, 0, 0, 0, 0, 0, 0, 1},
         9,
         false},
        /* One big step in the middle, flat before and after. */
        {"[0] * 14 + [100] + [0] * 15, one-off step", {0}, 30, false},
    };
    /* clang-format on */

    for (size_t i = 0; i < 5; i++)
        rows[0].deltas[i] = 1;
    for (size_t i = 0; i < 28; i++)
        rows[1].deltas[i] = i % 4 == 3 ? -3 : 1;
    for (size_t i = 0; i < 20; i++)
        rows[3].deltas[i] = 2;
    rows[4].deltas[14] = 100;
    check_table(rows, sizeof(rows) / sizeof(*rows));
}

Test(trend, growth_through_drops_is_still_a_leak)
{
    /* clang-format off: a table of series, one row a line */
    struct row rows[] = {
        /* A rising sawtooth: +3 then -1, net +1 per iteration. */
        {"rising sawtooth [3, -1] * 15", {0}, 30, true},
        /* A leak with noise on top: +1 per step, jitter of +-2. */
        {"[1] * 30 with jitter",
         {3, -1, 1, 3, -1, 1, 3, -1, 1, 3, -1, 1, 3, -1, 1,
          3, -1, 1, 3, -1, 1, 3, -1, 1, 3, -1, 1, 3, -1, 1},
         30,
         true},
    };
    /* clang-format on */

    for (size_t i = 0; i < 30; i++)
        rows[0].deltas[i] = i % 2 ? -1 : 3;
    check_table(rows, sizeof(rows) / sizeof(*rows));
}

Test(trend, growth_below_min_rate_is_not_a_leak)
{
    int64_t ones[30];
    struct lc_trend t;

    fill(ones, 30, 1, 1);
    /* +1 per iteration against rates of 0, 1 (equal counts), 1.01, 32. */
    cr_expect(judge(ones, 30, 0, 1, 0.0).leak);
    cr_expect(judge(ones, 30, 0, 1, 1.0).leak,
              "a rate equal to min_rate counts");
    cr_expect_not(judge(ones, 30, 0, 1, 1.01).leak);
    cr_expect_not(judge(ones, 30, 0, 1, 32.0).leak);

    /* The rate is per iteration: +1 per reading over batches of 10 is
     * 0.1 per iteration. */
    t = judge(ones, 30, 0, 10, 0.0);
    cr_expect(t.leak);
    cr_expect_float_eq(t.per_iter, 0.1, 1e-12);
    cr_expect_not(judge(ones, 30, 0, 10, 0.2).leak);
    cr_expect(judge(ones, 30, 0, 10, 0.1).leak);

    /* The native heap's noise floor: 40 B per iteration passes 32, 24
     * does not. */
    fill(ones, 30, 1, 40);
    cr_expect(judge(ones, 30, 0, 1, 32.0).leak);
    fill(ones, 30, 1, 24);
    cr_expect_not(judge(ones, 30, 0, 1, 32.0).leak);
}

Test(trend, evidence_values)
{
    static const int64_t bpo[] = {5, 5, 6};
    static const int64_t noise[] = {8, -8, 1};
    int64_t third[30];
    struct lc_trend t;

    /* levels 0, 5, 10, 16 */
    t = judge(bpo, 3, 100, 1, 0.0);
    cr_expect(t.leak);
    cr_expect_eq(t.steps, 3);
    cr_expect_eq(t.total, 16);
    cr_expect_eq(t.grew, 3);
    cr_expect_float_eq(t.per_iter, 16.0 / 3.0, 1e-12);
    cr_expect_eq(t.floor_gap, 5, "min(10, 16) - max(0, 5), got %lld",
                 (long long)t.floor_gap);

    /* Same series, 4 iterations per reading. */
    t = judge(bpo, 3, 100, 4, 0.0);
    cr_expect_float_eq(t.per_iter, 16.0 / 12.0, 1e-12);
    cr_expect_eq(t.total, 16);

    /* levels 0, 8, 0, 1 */
    t = judge(noise, 3, 0, 1, 0.0);
    cr_expect_not(t.leak);
    cr_expect_eq(t.steps, 3);
    cr_expect_eq(t.total, 1);
    cr_expect_eq(t.grew, 2);
    cr_expect_eq(t.floor_gap, -8);
    cr_expect_float_eq(t.per_iter, 1.0 / 3.0, 1e-12);

    /* One object every third iteration over 30 steps. */
    fill(third, 30, 3, 1);
    t = judge(third, 30, -7, 1, 0.0);
    cr_expect(t.leak);
    cr_expect_eq(t.steps, 30);
    cr_expect_eq(t.total, 10);
    cr_expect_eq(t.grew, 10);
    cr_expect_float_eq(t.per_iter, 10.0 / 30.0, 1e-12);
    cr_expect_gt(t.floor_gap, 0);

    /* Shrinking: negative evidence, no leak. */
    fill(third, 30, 1, -2);
    t = judge(third, 30, 0, 1, 0.0);
    cr_expect_not(t.leak);
    cr_expect_eq(t.total, -60);
    cr_expect_eq(t.grew, 0);
    cr_expect_float_eq(t.per_iter, -2.0, 1e-12);
}

Test(trend, fewer_than_four_readings_is_never_a_leak)
{
    static const int64_t big[] = {1000000, 1000000};
    int64_t levels[3] = {0, 1000000, 2000000};
    struct lc_trend_opts opts = {.batch = 1, .min_rate = 0};
    struct lc_trend t;

    /* Two steps of huge growth: evidence filled, but no verdict. */
    t = judge(big, 2, 0, 1, 0.0);
    cr_expect_not(t.leak);
    cr_expect_eq(t.steps, 2);
    cr_expect_eq(t.total, 2000000);
    cr_expect_eq(t.grew, 2);
    cr_expect_float_eq(t.per_iter, 1000000.0, 1e-6);

    t = judge(big, 1, 0, 1, 0.0);
    cr_expect_not(t.leak);
    cr_expect_eq(t.steps, 1);
    cr_expect_eq(t.total, 1000000);

    /* One reading and none: nothing to judge, everything zero. */
    for (size_t n = 0; n <= 1; n++) {
        memset(&t, 0xa5, sizeof(t));
        lc_trend_classify(levels, n, &opts, &t);
        cr_expect_not(t.leak, "n = %zu", n);
        cr_expect_eq(t.steps, 0, "n = %zu", n);
        cr_expect_eq(t.total, 0, "n = %zu", n);
        cr_expect_eq(t.grew, 0, "n = %zu", n);
        cr_expect_float_eq(t.per_iter, 0.0, 1e-12, "n = %zu", n);
    }
    /* The minimum really is LC_TREND_MIN_STEPS steps. */
    cr_expect_eq(LC_TREND_MIN_STEPS, 3);
}

Test(trend, batch_below_one_is_taken_as_one)
{
    static const int64_t d[] = {2, 2, 2, 2};
    struct lc_trend t = judge(d, 4, 0, 0, 0.0);

    cr_expect(t.leak);
    cr_expect_float_eq(t.per_iter, 2.0, 1e-12);
    t = judge(d, 4, 0, -5, 0.0);
    cr_expect_float_eq(t.per_iter, 2.0, 1e-12);
}

Test(trend, mann_kendall_z_reads_the_direction_of_a_trend)
{
    int64_t d[30];
    static const int64_t noise[] = {2, -1, 3,  -4, 1,  2, -3, 0,  1,  -1,
                                    2, -2, 3,  -3, 1,  1, -2, 0,  2,  -2,
                                    1, 0,  -1, 2,  -3, 1, 2,  -1, -1, 0};
    struct lc_trend t;

    fill(d, 30, 1, 1);
    t = judge(d, 30, 0, 1, 0.0);
    cr_expect_gt(t.mk_z, LC_TREND_MK_Z, "steady growth: z %g", t.mk_z);
    /* One object every fifth iteration is still a significant trend. */
    fill(d, 30, 5, 1);
    t = judge(d, 30, 0, 1, 0.0);
    cr_expect_gt(t.mk_z, LC_TREND_MK_Z, "sparse growth: z %g", t.mk_z);
    fill(d, 30, 1, -1);
    t = judge(d, 30, 0, 1, 0.0);
    cr_expect_lt(t.mk_z, -LC_TREND_MK_Z, "steady shrinking: z %g", t.mk_z);
    fill(d, 30, 1, 0);
    t = judge(d, 30, 0, 1, 0.0);
    cr_expect_float_eq(t.mk_z, 0.0, 1e-12, "flat: z %g", t.mk_z);
    t = judge(noise, 30, 0, 1, 0.0);
    cr_expect_lt(fabs(t.mk_z), LC_TREND_MK_Z, "bounded noise: z %g", t.mk_z);
}
