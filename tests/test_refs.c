/*
 * test_refs.c - the refs signal (refs.h) moves by exactly the references
 * leaked, by nothing on a clean loop, and the reading disturbs nothing the
 * other signals read.
 *
 * As in test_alloc.c: each test starts the interpreter with the counting
 * hooks (a fresh process per test), runs the measured source text once to
 * warm every cache, then reads around a second run of the same text, after
 * a full collection. References are leaked through ctypes.pythonapi, so
 * the test needs no Python.h.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "alloc.h"
#include "embed.h"
#include "probes.h"
#include "refs.h"

#define N 1000

static void start(void)
{
    struct lc_embed_opts o = {.hooks = true};
    char err[1024];

    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
}

static void py(const char *code)
{
    char err[8192];

    cr_assert_eq(lc_embed_exec(code, err, sizeof(err)), 0, "%s\n%s", code,
                 err);
}

/* Collect, then read. */
static int64_t reading(void)
{
    int64_t r;

    lc_embed_collect();
    r = lc_refs_total();
    cr_assert_geq(r, 0, "the reading's lists could not be mapped");
    return r;
}

/* What one more run of code moves the sum by, after a warm-up run. */
static int64_t delta_of(const char *code)
{
    int64_t before;

    py(code);
    before = reading();
    py(code);
    return reading() - before;
}

TestSuite(refs, .init = start, .fini = lc_refs_release);

Test(refs, plus_one_per_py_incref_of_none)
{
    py("import ctypes\nincref = ctypes.pythonapi.Py_IncRef\n");
    cr_assert_eq(delta_of("for _ in range(1000):\n"
                          "    incref(ctypes.py_object(None))\n"),
                 N);
}

Test(refs, plus_one_per_py_incref_of_a_small_int_and_an_interned_string)
{
    py("import ctypes\nincref = ctypes.pythonapi.Py_IncRef\n");
    cr_assert_eq(delta_of("for _ in range(1000):\n"
                          "    incref(ctypes.py_object(7))\n"),
                 N);
    /* Reached through key()'s code object: its constants. */
    py("def key():\n    return 'lc_interned'\n");
    cr_assert_eq(delta_of("for _ in range(1000):\n"
                          "    incref(ctypes.py_object(key()))\n"),
                 N);
}

/* The limit refs.h names: a string that only the interned dict and code
 * objects already freed ever held is reached from no tracked object. */
Test(refs, blind_to_an_interned_string_nothing_reached_holds)
{
    py("import ctypes\nincref = ctypes.pythonapi.Py_IncRef\n");
    cr_assert_eq(delta_of("for _ in range(1000):\n"
                          "    incref(ctypes.py_object('lc_unreached'))\n"),
                 0);
}

Test(refs, plus_one_per_py_incref_of_a_module_global)
{
    py("import ctypes\nincref = ctypes.pythonapi.Py_IncRef\n"
       "class Handler: pass\nhandler = Handler()\n");
    cr_assert_eq(delta_of("for _ in range(1000):\n"
                          "    incref(ctypes.py_object(handler))\n"),
                 N);
}

Test(refs, zero_for_a_clean_loop)
{
    py("import ctypes, json\nincref = ctypes.pythonapi.Py_IncRef\n"
       "decref = ctypes.pythonapi.Py_DecRef\n"
       "class Point:\n"
       "    def __init__(self, x): self.x, self.y = x, [x, str(x)]\n"
       "def clean(n):\n"
       "    for i in range(n):\n"
       "        p = Point(i)\n"
       "        d = {'k%d' % i: p, 'n': None, 's': 7}\n"
       "        json.loads(json.dumps({'a': [i, 1.5]}))\n"
       "        o = ctypes.py_object(None)\n"
       "        incref(o)\n"
       "        decref(o)\n");
    /* In a function: a loop at module level leaves its last values bound
     * to globals, which moved the sum by one in about one run in five. */
    cr_assert_eq(delta_of("clean(1000)\n"), 0);
}

Test(refs_idle, zero_before_the_interpreter_starts)
{
    cr_assert_eq(lc_refs_total(), 0);
}

Test(refs, reading_allocates_nothing_through_pythons_allocators)
{
    struct lc_alloc_counts a, b;

    py("import json, ctypes\n");
    lc_embed_collect();
    lc_alloc_read(&a);
    for (int i = 0; i < 50; i++) /* the first one maps the set */
        lc_refs_total();
    lc_alloc_read(&b);
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        cr_assert_eq(b.blocks[d], a.blocks[d], "domain %d blocks", d);
        cr_assert_eq(b.bytes[d], a.bytes[d], "domain %d bytes", d);
    }
    cr_assert_eq(b.raw_chunk_bytes, a.raw_chunk_bytes);
}

Test(refs, reading_leaves_mallinfo2_unchanged)
{
    long long before, after;

    py("import json, ctypes\n");
    lc_embed_collect();
    before = lc_probes_heap_in_use();
    for (int i = 0; i < 50; i++)
        lc_refs_total();
    after = lc_probes_heap_in_use();
    cr_assert_eq(after, before);
}

Test(refs, the_lists_grow_and_stay_exact)
{
    int64_t r, again;

    /* 300,000 distinct untracked objects: far past the first list of
     * marked objects (32k entries), which the first reading grows as it
     * goes. */
    py("import ctypes\nincref = ctypes.pythonapi.Py_IncRef\n"
       "big = [float(i) for i in range(300000)]\n"
       "def take(n):\n"
       "    for _ in range(n):\n"
       "        incref(ctypes.py_object(None))\n");
    r = reading();
    cr_assert_geq(lc_refs_last_objects(), 300000);
    again = reading();
    cr_assert_eq(again, r);
    /* N references taken in a function: a loop at module level left its
     * last value bound to a global, and the sum moved by N + 2. */
    py("take(1000)\n");
    cr_assert_eq(reading() - again, N);
}
