/*
 * test_measure.c - the measured loop (measure.h) on a real interpreter: it
 * follows the default plan to a verdict, and reads a costly signal (the
 * reference walk) only while no other deciding signal is growing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "embed.h"
#include "measure.h"
#include "plan.h"

static char err[8192];
static char path[] = "/tmp/lc-test-measure-XXXXXX.py";

static struct lc_script *start_with(const char *src)
{
    struct lc_embed_opts o = {.hooks = true};
    struct lc_script *s = NULL;
    int fd = mkstemps(path, 3);
    FILE *f;

    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    fputs(src, f);
    fclose(f);
    cr_assert_eq(lc_script_load(path, &s, err, sizeof(err)), 0, "%s", err);
    unlink(path);
    return s;
}

static int call_run(void *ctx)
{
    return lc_script_call(ctx, LC_ENTRY_RUN, err, sizeof(err));
}

/* Run the default plan over every signal; the measure is left filled. */
static void measure(struct lc_measure *m, struct lc_script *s, long horizon)
{
    struct lc_plan_opts o;

    cr_assert_eq(lc_measure_init(m, horizon), 0);
    lc_plan_opts_default(&o, horizon, LC_SIG_ALL);
    for (int i = 0; i < 5; i++)
        call_run(s);
    cr_assert_eq(lc_measure_run(m, &o, call_run, s, 30.0), 0, "%s", err);
}

static int64_t refs_at(const struct lc_measure *m, size_t i)
{
    return m->levels[(size_t)LC_SIG_REFS * m->cap + i];
}

/* A reference to None leaked per call, and one object kept: blocks carry
 * the verdict, so after the first judgement the walk is not taken and the
 * refs level stays where it was. */
Test(measure, a_costly_signal_waits_while_another_grows)
{
    struct lc_script *s =
        start_with("import ctypes\n"
                   "KEEP = []\n"
                   "def run():\n"
                   "    KEEP.append(object())\n"
                   "    ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))\n");
    struct lc_measure m;
    size_t n;

    measure(&m, s, 256);
    n = m.plan.n;
    cr_assert(m.plan.leak, "a leak");
    cr_assert(m.plan.leaking & (1u << LC_SIG_PY_BLOCKS));
    cr_assert_gt(refs_at(&m, LC_PLAN_FIRST_HORIZON), refs_at(&m, 0),
                 "read until the first judgement");
    cr_assert_eq(refs_at(&m, n - 1), refs_at(&m, LC_PLAN_FIRST_HORIZON + 1),
                 "not read after blocks were judged growing");
    lc_measure_release(&m);
}

/* The same leaked reference with nothing else growing: the walk is taken
 * at every reading and decides. */
Test(measure, a_costly_signal_decides_when_alone)
{
    struct lc_script *s = start_with("import ctypes\n"
                                     "NONE = ctypes.py_object(None)\n"
                                     "INCREF = ctypes.pythonapi.Py_IncRef\n"
                                     "def run():\n"
                                     "    INCREF(NONE)\n");
    struct lc_measure m;

    measure(&m, s, 256);
    cr_assert(m.plan.leak, "a refs-only leak is a leak");
    cr_assert_eq(m.plan.leaking, 1u << LC_SIG_REFS, "refs alone: %#x",
                 m.plan.leaking);
    cr_assert_gt(refs_at(&m, m.plan.n - 1), refs_at(&m, m.plan.n / 2),
                 "read to the end");
    lc_measure_release(&m);
}
