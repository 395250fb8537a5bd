/*
 * pycov.h - the leak fuzzer's door into the interpreter: Python line
 * coverage for libFuzzer, and the quiet call and young collection its
 * oracle needs (see the end of this file).
 *
 * libFuzzer sees the C code it instruments, never the Python code a case
 * runs: to it, every input that reaches fuzz(data) looks alike, so a magic
 * compared byte by byte in Python is a wall it cannot climb. pycov closes
 * that gap. Between lc_pycov_begin() and lc_pycov_end() a C trace function
 * (PyEval_SetTrace) sees every line event of every Python frame and hashes
 * the edge it walked - (code object, previous line, line) - into an array
 * of 8-bit counters placed in the section "__libfuzzer_extra_counters",
 * which libFuzzer reads after each input as extra coverage features and
 * clears before the next. An input whose Python code walks a new edge, or
 * an old edge a new number of times (libFuzzer buckets the counts: 1, 2, 3,
 * 4-7, 8-15, ...), is kept in the corpus; matching one more byte of a magic
 * is such an input.
 *
 * The tracer is on only between begin and end, so code the harness runs
 * itself (collections, readings, the leak oracle's confirmation calls) adds
 * no coverage and pays no tracing cost. Without libFuzzer (a replay build)
 * the counters are filled all the same and nobody reads them.
 *
 * What it costs: CPython creates a frame object for every traced frame
 * (freed when the frame returns), and every line runs the C callback; the
 * tracer allocates nothing of its own.
 *
 * Call with the GIL held, from the thread that runs the fuzzed code.
 */
#ifndef LC_PYCOV_H
#define LC_PYCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counters: a power of two, so an edge hash is masked into range. 64 K
 * counters keep collisions rare for a case of a few thousand lines, and
 * libFuzzer scans and clears the 64 KB after each input in a few
 * microseconds. */
#define LC_PYCOV_COUNTERS (1u << 16)

/* Turn the tracer on for the calling thread; the edge chain restarts, so
 * the first line of the next call is an edge from "nowhere". */
void lc_pycov_begin(void);

/* Turn it off. */
void lc_pycov_end(void);

/* Counters that are not zero: edges hit since the last lc_pycov_reset()
 * (or since libFuzzer cleared them). For tests and the replay driver. */
size_t lc_pycov_edges(void);

/* Whether the counters now hold an edge, or an edge's hit-count bucket
 * (libFuzzer's: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+), that no earlier
 * call of this function saw: the input walked new Python code, as
 * libFuzzer will judge it. The leak oracle's sparse check looks deeper at
 * such inputs (harness/fuzz_scenario.c). Scans the 64 K counters. */
bool lc_pycov_novel(void);

/* A hash of the Python edges the last traced call walked and their
 * buckets, in the order first walked: equal for two inputs that took the
 * same path through the Python code. 0 when the call walked too many to
 * say. Call before lc_pycov_novel's caller lets libFuzzer clear them. */
uint64_t lc_pycov_path(void);

/* Clear every counter (libFuzzer does this itself before each input). */
void lc_pycov_reset(void);

/* Line events seen while on, since the process started. */
uint64_t lc_pycov_events(void);

#endif
