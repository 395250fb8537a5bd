/*
 * test_probes.c - the readings of probes.h follow what the process holds.
 *
 * Descriptors and threads are read without an interpreter. The native heap
 * is read after lc_embed_start with the hooks, as a worker reads it, and
 * these tests run with glibc's thread cache off like workers do
 * (LC_PROBES_TUNABLES, set in tests/CMakeLists.txt): a freed chunk then
 * leaves the in-use count at once.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "embed.h"
#include "job.h"
#include "probes.h"

/* Where a deliberate native allocation escapes, so it is not optimized out. */
static void *volatile kept;

/* Open descriptors counted another way: every number that fcntl knows. */
static long fds_by_fcntl(void)
{
    long n = 0;

    for (int fd = 0; fd < 4096; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

/* Threads as the kernel states them in /proc/self/status. */
static long threads_by_status(void)
{
    char line[256];
    long n = -1;
    FILE *f = fopen("/proc/self/status", "r");

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Threads: %ld", &n) == 1)
            break;
    fclose(f);
    return n;
}

Test(probes, counts_agree_with_the_kernel)
{
    /* Not counting the descriptor the probe itself opens. */
    cr_expect_eq(lc_probes_fds(), fds_by_fcntl());
    cr_expect_eq(lc_probes_threads(), threads_by_status());
}

Test(probes, fds_count_an_open_descriptor_until_it_is_closed)
{
    long before = lc_probes_fds(), open1, open2;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), fd2;

    cr_assert_geq(before, 3, "stdin, stdout, stderr at least: %ld", before);
    cr_assert_geq(fd, 0);
    open1 = lc_probes_fds();
    cr_expect_eq(open1, before + 1);
    fd2 = dup(fd);
    open2 = lc_probes_fds();
    cr_expect_eq(open2, before + 2);
    close(fd2);
    close(fd);
    cr_expect_eq(lc_probes_fds(), before);
    /* Reading twice changes nothing: the probe closes what it opens. */
    cr_expect_eq(lc_probes_fds(), before);
}

static sem_t started, release;

static void *parked(void *arg)
{
    (void)arg;
    sem_post(&started);
    sem_wait(&release);
    return NULL;
}

/* pthread_join returns once the thread cleared its tid, a moment before the
 * kernel drops it from /proc/self/task: wait up to a second for that. */
static long threads_settled(long want)
{
    long n = lc_probes_threads();

    for (int i = 0; i < 1000 && n != want; i++) {
        usleep(1000);
        n = lc_probes_threads();
    }
    return n;
}

Test(probes, threads_count_a_running_thread_until_it_is_joined)
{
    pthread_t t[2];
    long before = lc_probes_threads();

    cr_assert_geq(before, 1);
    sem_init(&started, 0, 0);
    sem_init(&release, 0, 0);
    cr_assert_eq(pthread_create(&t[0], NULL, parked, NULL), 0);
    sem_wait(&started);
    cr_expect_eq(lc_probes_threads(), before + 1);
    cr_assert_eq(pthread_create(&t[1], NULL, parked, NULL), 0);
    sem_wait(&started);
    cr_expect_eq(lc_probes_threads(), before + 2);
    cr_expect_eq(lc_probes_threads(), threads_by_status());
    sem_post(&release);
    sem_post(&release);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    cr_expect_eq(threads_settled(before), before);
    sem_destroy(&started);
    sem_destroy(&release);
}

static void start_with(bool malloc_allocator)
{
    struct lc_embed_opts o = {.hooks = true,
                              .malloc_allocator = malloc_allocator};
    char err[1024];
    const char *tun = getenv("GLIBC_TUNABLES");

    cr_assert(tun && strstr(tun, LC_PROBES_TUNABLES),
              "run with GLIBC_TUNABLES=%s (tests/CMakeLists.txt sets it)",
              LC_PROBES_TUNABLES);
    cr_assert_eq(lc_embed_start(&o, err, sizeof(err)), 0, "%s", err);
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

static struct lc_sample reading(void)
{
    struct lc_sample s;

    lc_embed_collect();
    lc_probes_read(&s, LC_SIG_ALL);
    return s;
}

Test(probes, native_heap_grows_by_a_kept_malloc_and_returns_after_free)
{
    static const size_t sizes[] = {4000, 64, 300000};
    struct lc_sample a, b, c;

    start();
    py("import gc\n");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        a = reading();
        kept = malloc(sizes[i]);
        cr_assert_not_null(kept);
        b = reading();
        cr_expect_geq(b.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE],
                      (int64_t)sizes[i], "malloc(%zu): native %+lld B",
                      sizes[i],
                      (long long)(b.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE]));
        cr_expect_leq(b.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE],
                      (int64_t)sizes[i] + 4096, "malloc(%zu): native %+lld B",
                      sizes[i],
                      (long long)(b.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE]));
        /* A native allocation is not a Python one. */
        cr_expect_eq(b.v[LC_SIG_PY_BLOCKS], a.v[LC_SIG_PY_BLOCKS]);
        cr_expect_eq(b.v[LC_SIG_PY_BYTES], a.v[LC_SIG_PY_BYTES]);
        free(kept);
        kept = NULL;
        c = reading();
        cr_expect_eq(c.v[LC_SIG_NATIVE], a.v[LC_SIG_NATIVE],
                     "after free(%zu): native %+lld B", sizes[i],
                     (long long)(c.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE]));
    }
}

static void python_is_not_native(void)
{
    static const char *const makers[] = {
        "keep[0] = bytes(4000)\n",     /* pymalloc -> RAW, arena chunk */
        "keep[0] = bytes(1000000)\n",  /* RAW, mmap'd chunk */
        "keep[0] = [None] * 100000\n", /* MEM, list items */
        "keep[0] = [object() for _ in range(1000)]\n", /* many small */
    };
    struct lc_sample a, b;

    py("import gc\nkeep = [None]\n");
    for (size_t i = 0; i < sizeof(makers) / sizeof(*makers); i++) {
        int64_t native, py_bytes;

        py(makers[i]); /* warm up, then release */
        py("keep[0] = None\n");
        a = reading();
        py(makers[i]);
        b = reading();
        native = b.v[LC_SIG_NATIVE] - a.v[LC_SIG_NATIVE];
        py_bytes = b.v[LC_SIG_PY_BYTES] - a.v[LC_SIG_PY_BYTES];
        cr_expect_geq(py_bytes, 4000, "%s: py_bytes %+lld", makers[i],
                      (long long)py_bytes);
        /* The chunks behind Python's blocks are subtracted; a few words of
         * glibc bookkeeping may remain, never the blocks themselves. */
        cr_expect_lt(llabs(native), 64, "%s: native %+lld B", makers[i],
                     (long long)native);
        py("keep[0] = None\n");
    }
}

Test(probes, python_allocations_are_not_native_growth)
{
    start();
    python_is_not_native();
}

/* Under the malloc allocator (ASan builds) every Python block is a malloc
 * chunk: all of them must be subtracted, not only RAW's. */
Test(probes, python_allocations_are_not_native_growth_under_malloc)
{
    start_with(true);
    python_is_not_native();
}

Test(probes, read_fills_every_signal)
{
    struct lc_sample s;
    struct lc_alloc_counts c;

    start();
    memset(&s, 0x5a, sizeof(s));
    lc_probes_read(&s, LC_SIG_ALL);
    lc_alloc_read(&c);
    cr_expect_eq(s.v[LC_SIG_PY_BLOCKS], lc_alloc_blocks(&c));
    cr_expect_eq(s.v[LC_SIG_PY_BYTES], lc_alloc_bytes(&c));
    cr_expect_gt(s.v[LC_SIG_NATIVE], 0);
    cr_expect_lt(s.v[LC_SIG_NATIVE], lc_probes_heap_in_use());
    cr_expect_eq(s.v[LC_SIG_FDS], lc_probes_fds());
    cr_expect_eq(s.v[LC_SIG_THREADS], lc_probes_threads());
    cr_expect_geq(s.v[LC_SIG_THREADS], 1);
}

Test(probes, heap_in_use_sees_malloc_without_an_interpreter)
{
    long long a = lc_probes_heap_in_use(), b;

    kept = malloc(4000);
    b = lc_probes_heap_in_use();
    cr_expect_geq(b - a, 4000, "%+lld", b - a);
    free(kept);
    kept = NULL;
    cr_expect_eq(lc_probes_heap_in_use(), a);
}

Test(probes, a_signal_outside_the_mask_is_not_read)
{
    struct lc_sample s;

    memset(&s, 0x55, sizeof(s));
    lc_probes_read(&s, 1u << LC_SIG_FDS);
    cr_assert_gt(s.v[LC_SIG_FDS], 0, "fds are read");
    for (int k = 0; k < LC_SIG_COUNT; k++)
        if (k != LC_SIG_FDS)
            cr_assert_eq(s.v[k], 0, "%s outside the mask reads 0",
                         lc_signal_name(k));
}
