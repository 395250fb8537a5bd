/* Python.h first: it sets the feature macros the C library reads. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pycov.h"
#include <string.h>

/*
 * libFuzzer finds this array by the linker's __start_/__stop_ symbols of
 * the section (FuzzerExtraCounters.cpp, Linux only), reads every non-zero
 * byte as a feature after each input and zeroes the array before the next.
 * "used" keeps the compiler from dropping an array nothing reads here.
 */
__attribute__((section("__libfuzzer_extra_counters"), used,
               aligned(64))) static uint8_t counters[LC_PYCOV_COUNTERS];

static uint32_t prev; /* hash of the last line, shifted (AFL's scheme) */

/* Counters this call touched first (0 -> 1), for lc_pycov_novel: reading
 * them is cheaper than scanning 64 KB per input. More than TOUCHED_MAX:
 * the scan. */
#define TOUCHED_MAX 4096
static uint16_t touched[TOUCHED_MAX];
static size_t ntouched; /* TOUCHED_MAX + 1: overflowed */
static uint64_t events; /* line events since start */

/* A 32-bit hash of one location: the code object's address (stable while
 * the code object lives, which for a module's functions is for good) and
 * the line. */
static uint32_t location(const void *code, int line)
{
    uint64_t h = (uint64_t)(uintptr_t)code * 0x9e3779b97f4a7c15ull;

    h ^= (uint64_t)(uint32_t)line * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

/*
 * The edge from the previous line to this one, as in AFL: cur ^ prev,
 * with prev kept shifted so A->B and B->A differ and A->A is not zero. The
 * previous line may be in another frame (a call or a return): that edge is
 * coverage too. Counters saturate instead of wrapping to zero.
 */
static int trace(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    PyCodeObject *code;
    uint32_t cur;
    uint8_t *c;

    (void)obj;
    (void)arg;
    if (what != PyTrace_LINE)
        return 0;
    code = PyFrame_GetCode(frame); /* strong; only its address is used */
    cur = location(code, PyFrame_GetLineNumber(frame));
    Py_DECREF(code);
    c = &counters[(cur ^ prev) & (LC_PYCOV_COUNTERS - 1)];
    if (*c == 0) {
        if (ntouched < TOUCHED_MAX)
            touched[ntouched] = (uint16_t)(c - counters);
        if (ntouched <= TOUCHED_MAX)
            ntouched++;
    }
    if (*c != UINT8_MAX)
        (*c)++;
    prev = cur >> 1;
    events++;
    return 0;
}

void lc_pycov_begin(void)
{
    prev = 0;
    ntouched = 0;
    PyEval_SetTrace(trace, NULL);
}

void lc_pycov_end(void)
{
    PyEval_SetTrace(NULL, NULL);
}

size_t lc_pycov_edges(void)
{
    size_t n = 0;

    for (size_t i = 0; i < LC_PYCOV_COUNTERS; i++)
        n += counters[i] != 0;
    return n;
}

static uint8_t seen[LC_PYCOV_COUNTERS]; /* buckets seen, a bit each */

static uint8_t bucket(uint8_t n)
{
    if (n >= 128)
        return 1u << 7;
    if (n >= 32)
        return 1u << 6;
    if (n >= 16)
        return 1u << 5;
    if (n >= 8)
        return 1u << 4;
    if (n >= 4)
        return 1u << 3;
    return (uint8_t)(1u << (n - 1));
}

static bool novel_at(size_t i)
{
    uint8_t b;

    if (!counters[i])
        return false;
    b = bucket(counters[i]);
    if (seen[i] & b)
        return false;
    seen[i] |= b;
    return true;
}

bool lc_pycov_novel(void)
{
    bool novel = false;

    if (ntouched <= TOUCHED_MAX) {
        for (size_t i = 0; i < ntouched; i++)
            novel |= novel_at(touched[i]);
        return novel;
    }
    for (size_t i = 0; i < LC_PYCOV_COUNTERS; i++)
        novel |= novel_at(i);
    return novel;
}

uint64_t lc_pycov_path(void)
{
    uint64_t h = 1469598103934665603ull;

    if (ntouched > TOUCHED_MAX)
        return 0;
    for (size_t i = 0; i < ntouched; i++) {
        h = (h ^ touched[i]) * 1099511628211ull;
        h = (h ^ bucket(counters[touched[i]])) * 1099511628211ull;
    }
    return h ? h : 1;
}

void lc_pycov_reset(void)
{
    memset(counters, 0, sizeof(counters));
}

uint64_t lc_pycov_events(void)
{
    return events;
}
