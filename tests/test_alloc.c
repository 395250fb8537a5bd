/*
 * test_alloc.c - the counting hooks of alloc.h read exactly what Python
 * keeps.
 *
 * Each test starts the interpreter with the hooks (Criterion gives every
 * test a fresh process), defines its Python helpers, runs the measured code
 * once to warm every cache, then reads the counters around a second run.
 * A full collection precedes every reading (it also empties the freelists).
 * The measured code is always the same source text, run through
 * lc_embed_exec, so the only difference between two readings is what that
 * code keeps.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "embed.h"
#include "errors.h"
#include "probes.h"

#define N 1000

static void start_with(bool malloc_allocator)
{
    struct lc_embed_opts o = {.hooks = true,
                              .malloc_allocator = malloc_allocator};
    char err[1024];

    cr_assert_not(lc_alloc_installed());
    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
    cr_assert(lc_alloc_installed());
}

static void start(void)
{
    start_with(false);
}

static void py(const char *code)
{
    char err[8192];

    cr_assert_eq(lc_embed_exec(code, err, sizeof(err)), 0, "%s\n%s", code,
                 err);
}

/* Collect, then read. */
static struct lc_alloc_counts reading(void)
{
    struct lc_alloc_counts c;

    lc_embed_collect();
    lc_alloc_read(&c);
    return c;
}

static int64_t dblocks(const struct lc_alloc_counts *a,
                       const struct lc_alloc_counts *b)
{
    return lc_alloc_blocks(b) - lc_alloc_blocks(a);
}

static int64_t dbytes(const struct lc_alloc_counts *a,
                      const struct lc_alloc_counts *b)
{
    return lc_alloc_bytes(b) - lc_alloc_bytes(a);
}

/* Helpers every test uses. `keep` has a slot per kept object, allocated
 * before the first reading; step(n) runs n iterations of the scenario. */
static const char helpers[] = "import gc, sys\n"
                              "N = 1000\n"
                              "keep = [None] * (16 * N)\n"
                              "pos = 0\n"
                              "def keep_one():\n"
                              "    global pos\n"
                              "    keep[pos] = object()\n"
                              "    pos += 1\n"
                              "def release(start, stop):\n"
                              "    for i in range(start, stop):\n"
                              "        keep[i] = None\n"
                              "def drop_one():\n"
                              "    object()\n"
                              "    [1, 2, 3]\n"
                              "    {'a': 1}\n"
                              "    'x' * 100\n";

Test(alloc, counters_are_zero_before_install_and_install_happens_once)
{
    struct lc_alloc_counts c;

    memset(&c, 0x5a, sizeof(c));
    lc_alloc_read(&c);
    cr_expect_eq(lc_alloc_blocks(&c), 0);
    cr_expect_eq(lc_alloc_bytes(&c), 0);
    cr_expect_eq(c.raw_chunk_bytes, 0);
    cr_expect_not(lc_alloc_installed());

    start();
    lc_alloc_read(&c);
    /* A started interpreter holds thousands of blocks in every domain. */
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        cr_expect_gt(c.blocks[d], 0, "domain %d", d);
        cr_expect_gt(c.bytes[d], 0, "domain %d", d);
    }
    cr_expect_gt(lc_alloc_blocks(&c), 1000);
    cr_expect_eq(lc_alloc_blocks(&c), c.blocks[0] + c.blocks[1] + c.blocks[2]);
    cr_expect_eq(lc_alloc_bytes(&c), c.bytes[0] + c.bytes[1] + c.bytes[2]);
    cr_expect_gt(c.raw_chunk_bytes, 0);

    /* A second install would count every block twice. */
    cr_expect_eq(lc_alloc_install(false), -LC_EINTERP);
}

Test(alloc, one_kept_object_per_iteration_reads_one_block_and_16_bytes)
{
    struct lc_alloc_counts a, b;

    start();
    py(helpers);
    py("for _ in range(N): keep_one()\n"); /* warm-up */
    a = reading();
    py("for _ in range(N): keep_one()\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), N, "blocks %+lld for %d objects",
                 (long long)dblocks(&a, &b), N);
    cr_expect_eq(dbytes(&a, &b), 16 * N, "bytes %+lld for %d objects",
                 (long long)dbytes(&a, &b), N);
    /* object() comes from the object domain. */
    cr_expect_eq(b.blocks[LC_DOMAIN_OBJ] - a.blocks[LC_DOMAIN_OBJ], N);

    /* Again, with half as many: the count follows the number kept. */
    py("for _ in range(N // 2): keep_one()\n");
    a = b;
    b = reading();
    cr_expect_eq(dblocks(&a, &b), N / 2);
    cr_expect_eq(dbytes(&a, &b), 16 * (N / 2));
}

/* ASan builds run the interpreter on the malloc allocator: MEM and OBJ
 * blocks are then malloc chunks, with no pymalloc in between. The counts
 * must read the same. */
Test(alloc, the_malloc_allocator_reads_the_same_counts)
{
    struct lc_alloc_counts a, b;

    start_with(true);
    py(helpers);
    py("for _ in range(N): keep_one()\n"
       "for _ in range(N): drop_one()\n"
       "keep[-1] = bytes(100000); keep[-1] = None\n");
    a = reading();
    py("for _ in range(N): keep_one()\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), N, "blocks %+lld",
                 (long long)dblocks(&a, &b));
    cr_expect_eq(dbytes(&a, &b), 16 * N, "bytes %+lld",
                 (long long)dbytes(&a, &b));
    a = b;
    py("for _ in range(N): drop_one()\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 0);
    cr_expect_eq(dbytes(&a, &b), 0);
    py("keep[-1] = bytes(100000)\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 1);
    cr_expect_eq(b.blocks[LC_DOMAIN_RAW], a.blocks[LC_DOMAIN_RAW]);
    cr_expect_geq(dbytes(&a, &b), 100000);
    cr_expect_leq(dbytes(&a, &b), 100000 + 64);
    py("keep[-1] = None\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 0);
    cr_expect_eq(dbytes(&a, &b), 0);
}

Test(alloc, creating_and_dropping_objects_reads_zero)
{
    struct lc_alloc_counts a, b;

    start();
    py(helpers);
    py("for _ in range(N): drop_one()\n");
    a = reading();
    py("for _ in range(N): drop_one()\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 0, "blocks %+lld",
                 (long long)dblocks(&a, &b));
    cr_expect_eq(dbytes(&a, &b), 0, "bytes %+lld", (long long)dbytes(&a, &b));
}

Test(alloc, a_big_bytes_object_counts_once_with_its_size)
{
    struct lc_alloc_counts a, b;

    start();
    py(helpers);
    /* Warm every path once, then free it again. */
    py("keep[0] = bytes(100000); keep[1] = b'x' * 100000\n"
       "keep[0] = keep[1] = None\n");

    /* bytes(n) takes a zeroed block (calloc), b'x' * n a plain one; both
     * are over 512 bytes, so pymalloc passes them on to the RAW allocator:
     * that nested call must not count a second block. */
    static const char *const makers[] = {"keep[0] = bytes(100000)\n",
                                         "keep[0] = b'x' * 100000\n"};

    for (size_t i = 0; i < 2; i++) {
        a = reading();
        py(makers[i]);
        b = reading();
        cr_expect_eq(dblocks(&a, &b), 1, "%s: blocks %+lld", makers[i],
                     (long long)dblocks(&a, &b));
        cr_expect_geq(dbytes(&a, &b), 100000, "%s", makers[i]);
        cr_expect_leq(dbytes(&a, &b), 100000 + 64, "%s: bytes %+lld",
                      makers[i], (long long)dbytes(&a, &b));
        cr_expect_eq(b.blocks[LC_DOMAIN_OBJ] - a.blocks[LC_DOMAIN_OBJ], 1);
        cr_expect_eq(b.blocks[LC_DOMAIN_RAW] - a.blocks[LC_DOMAIN_RAW], 0,
                     "the nested RAW call counted as a block of its own");
        /* ... but its malloc chunk is known, for the native heap probe. */
        cr_expect_geq(b.raw_chunk_bytes - a.raw_chunk_bytes, 100000);

        py("keep[0] = None\n");
        b = reading();
        cr_expect_eq(dblocks(&a, &b), 0, "%s: not back to baseline",
                     makers[i]);
        cr_expect_eq(dbytes(&a, &b), 0);
        cr_expect_eq(b.raw_chunk_bytes, a.raw_chunk_bytes);
    }
}

Test(alloc, released_objects_return_to_the_baseline)
{
    struct lc_alloc_counts a, b, c;

    start();
    py(helpers);
    /* After the warm-up pos is 1000, after the measured run 2000: one int
     * block each, so pos itself adds nothing between readings. */
    py("for _ in range(N): keep_one()\n");
    a = reading();
    py("for _ in range(N): keep_one()\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), N, "blocks %+lld",
                 (long long)dblocks(&a, &b));
    py("release(N, 2 * N)\n");
    c = reading();
    cr_expect_eq(dblocks(&a, &c), 0, "blocks %+lld",
                 (long long)dblocks(&a, &c));
    cr_expect_eq(dbytes(&a, &c), 0, "bytes %+lld", (long long)dbytes(&a, &c));
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        cr_expect_eq(c.blocks[d], a.blocks[d], "domain %d", d);
        cr_expect_eq(c.bytes[d], a.bytes[d], "domain %d", d);
    }
}

Test(alloc, growing_a_block_in_place_counts_its_new_size)
{
    struct lc_alloc_counts a, b;

    start();
    py(helpers);
    /* A bytearray resized grows one block (realloc), it does not add one. */
    py("keep[0] = bytearray(10); keep[0].extend(b'y' * 5000)\n"
       "keep[0] = None\n");
    py("keep[0] = bytearray(10)\n");
    a = reading();
    py("keep[0].extend(b'y' * 5000)\n");
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 0, "blocks %+lld",
                 (long long)dblocks(&a, &b));
    cr_expect_geq(dbytes(&a, &b), 5000, "bytes %+lld",
                  (long long)dbytes(&a, &b));
    cr_expect_leq(dbytes(&a, &b), 5000 + 5000 / 8 + 64, "bytes %+lld",
                  (long long)dbytes(&a, &b));
    py("keep[0] = None\n");
}

/* CPython 3.11 lets join() return once the thread's state is cleared
 * (PyThreadState_Clear releases the join lock), a moment before that thread
 * frees the state itself (~360 bytes of RAW, without the GIL). Wait until
 * the OS thread is gone, so every free it makes has happened. */
static void wait_threads(long want)
{
    for (int i = 0; i < 2000 && lc_probes_threads() != want; i++)
        usleep(500);
    cr_assert_eq(lc_probes_threads(), want, "a thread did not end");
}

/* Run code (which starts and joins a thread) between two readings, up to
 * `tries` times, until the total reads exactly want_blocks/want_bytes.
 * threading's own tables (_active, _shutdown_locks) resize now and then,
 * at moments that depend on thread timing: one block of a few hundred
 * bytes, once. The objects' own domain must read exactly on every try. */
static void expect_thread_delta(const char *code, long threads,
                                int64_t want_blocks, int64_t want_bytes)
{
    struct lc_alloc_counts a, b;
    bool exact = false;

    for (int i = 0; i < 3 && !exact; i++) {
        wait_threads(threads);
        a = reading();
        py(code);
        wait_threads(threads);
        b = reading();
        cr_expect_eq(
            b.blocks[LC_DOMAIN_OBJ] - a.blocks[LC_DOMAIN_OBJ], want_blocks,
            "%s: object blocks %+lld", code,
            (long long)(b.blocks[LC_DOMAIN_OBJ] - a.blocks[LC_DOMAIN_OBJ]));
        cr_expect_eq(
            b.bytes[LC_DOMAIN_OBJ] - a.bytes[LC_DOMAIN_OBJ], want_bytes,
            "%s: object bytes %+lld", code,
            (long long)(b.bytes[LC_DOMAIN_OBJ] - a.bytes[LC_DOMAIN_OBJ]));
        /* The thread's state and stack are RAW: all freed. */
        cr_expect_eq(
            b.blocks[LC_DOMAIN_RAW], a.blocks[LC_DOMAIN_RAW],
            "%s: RAW blocks %+lld", code,
            (long long)(b.blocks[LC_DOMAIN_RAW] - a.blocks[LC_DOMAIN_RAW]));
        exact = dblocks(&a, &b) == want_blocks && dbytes(&a, &b) == want_bytes;
        /* Info, not warn: a warning makes Criterion 2.4.1 exit 1. */
        if (!exact)
            cr_log_info("%.*s: try %d read %+lld blocks %+lld bytes",
                        (int)strcspn(code, "\n"), code, i,
                        (long long)dblocks(&a, &b), (long long)dbytes(&a, &b));
    }
    cr_expect(exact, "%s: never read %+lld blocks and %+lld bytes", code,
              (long long)want_blocks, (long long)want_bytes);
}

Test(alloc, a_thread_that_made_and_dropped_objects_leaves_nothing)
{
    long threads;

    start();
    threads = lc_probes_threads();
    py(helpers);
    /* The thread lives in a function: a global assigned and deleted at
     * each step would use up the entries of __main__'s dict, which then
     * resizes now and then. */
    py("import threading\n"
       "def churn():\n"
       "    for _ in range(N):\n"
       "        drop_one()\n"
       "    big = b'z' * 100000\n"
       "def keeper():\n"
       "    for _ in range(N):\n"
       "        keep_one()\n"
       "def in_thread(fn):\n"
       "    t = threading.Thread(target=fn)\n"
       "    t.start()\n"
       "    t.join()\n");
    py("for _ in range(8): in_thread(churn)\n");
    py("in_thread(keeper)\n");
    expect_thread_delta("in_thread(churn)\n", threads, 0, 0);

    /* And a thread that keeps objects is seen, from any thread. */
    expect_thread_delta("in_thread(keeper)\n", threads, N, 16 * N);
}

Test(alloc, a_case_loaded_from_a_file_reads_the_same)
{
    /* The measured path of the worker: lc_script_call on a loaded case. */
    struct lc_script *s = NULL;
    struct lc_alloc_counts a, b;
    char err[8192];
    int rc;

    start();
    rc = lc_script_load(LC_SOURCE_DIR "/tests/cases/planted/"
                                      "planted_one_object_leak.py",
                        &s, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(lc_script_has(s, LC_ENTRY_RUN));
    for (int i = 0; i < 10; i++)
        cr_assert_eq(lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err)), 0);
    a = reading();
    for (int i = 0; i < 25; i++)
        lc_script_call(s, LC_ENTRY_RUN, err, sizeof(err));
    b = reading();
    cr_expect_eq(dblocks(&a, &b), 25);
    cr_expect_eq(dbytes(&a, &b), 25 * 16);
    lc_script_free(s);
}
