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

static uint32_t prev;   /* hash of the last line, shifted (AFL's scheme) */
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
    if (*c != UINT8_MAX)
        (*c)++;
    prev = cur >> 1;
    events++;
    return 0;
}

void lc_pycov_begin(void)
{
    prev = 0;
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

void lc_pycov_reset(void)
{
    memset(counters, 0, sizeof(counters));
}

uint64_t lc_pycov_events(void)
{
    return events;
}
