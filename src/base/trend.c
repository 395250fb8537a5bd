#include "trend.h"

#include <math.h>
#include <string.h>

static int64_t max_of(const int64_t *v, size_t from, size_t to)
{
    int64_t m = v[from];

    for (size_t i = from + 1; i <= to; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

static int64_t min_of(const int64_t *v, size_t from, size_t to)
{
    int64_t m = v[from];

    for (size_t i = from + 1; i <= to; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

/* Mann-Kendall: S = sum over pairs of sign(later - earlier), z from S's
 * variance under no trend, with the usual continuity correction. */
static double mann_kendall_z(const int64_t *v, size_t n)
{
    long long s = 0;
    double var;

    if (n < 3)
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        for (size_t j = i + 1; j < n; j++)
            s += (v[j] > v[i]) - (v[j] < v[i]);
    var = (double)n * (double)(n - 1) * (2.0 * (double)n + 5.0) / 18.0;
    if (s > 0)
        return ((double)s - 1.0) / sqrt(var);
    if (s < 0)
        return ((double)s + 1.0) / sqrt(var);
    return 0;
}

void lc_trend_classify(const int64_t *levels, size_t n,
                       const struct lc_trend_opts *opts, struct lc_trend *out)
{
    long batch = opts->batch > 0 ? opts->batch : 1;
    size_t steps, third;

    memset(out, 0, sizeof(*out));
    if (n < 2)
        return;
    steps = n - 1;
    out->steps = (long)steps;
    out->total = levels[steps] - levels[0];
    out->per_iter = (double)out->total / ((double)steps * (double)batch);
    for (size_t i = 1; i <= steps; i++)
        if (levels[i] > levels[i - 1])
            out->grew++;
    out->mk_z = mann_kendall_z(levels, n);
    if (steps < LC_TREND_MIN_STEPS)
        return;

    third = steps / 3;
    out->floor_gap =
        min_of(levels, steps - third, steps) - max_of(levels, 0, third);
    out->leak = out->floor_gap > 0 && levels[steps] > levels[steps - third] &&
                out->per_iter > 0 && out->per_iter >= opts->min_rate;
}

LC_NAMES_DEFINE(lc_trend_state, enum lc_trend_state, LC_TREND_STATE_COUNT,
                LC_TREND_STATE_MAP)
