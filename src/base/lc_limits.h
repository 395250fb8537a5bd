/*
 * lc_limits.h - every fixed maximum in leakcheck, with the reason beside it.
 *
 * The harness never grows a buffer while it measures, so each buffer it owns
 * has a size decided here, before the first reading.
 */
#ifndef LC_LIMITS_H
#define LC_LIMITS_H

/* Longest case path we accept; Linux PATH_MAX. */
#define LC_PATH_MAX 4096

/* Captured Python traceback or error text per case: enough for a deep
 * traceback, small enough to send whole through a pipe. Longer text is cut
 * at the end with a marker. */
#define LC_MSG_MAX 8192

/* Longest `# leakcheck:` header line; a longer one is a header error. */
#define LC_LINE_MAX 1024

/* Header lines are read from the leading comment block only; a case whose
 * leading block is longer than this is almost surely not a header. */
#define LC_HEADER_LINES_MAX 200

/* Bytes read from the top of a case file to find its header: the leading
 * comment block must end within them. */
#define LC_HEADER_BYTES_MAX (LC_HEADER_LINES_MAX * (LC_LINE_MAX + 1))

/* Largest case file: the header reader scans every line of it for header
 * lines that are misplaced or misspelled, which are errors rather than
 * silently ignored. Above the largest case `leakcheck repro` writes (4
 * source bytes per byte of LC_REPRO_INPUT_MAX); a larger file is refused,
 * never half checked. */
#define LC_CASE_SCAN_MAX (8 << 20)

/* Longest free-text header value (source="..."). */
#define LC_VALUE_MAX 512

/* Most measured iterations per case; bounds the sample arrays, which are
 * allocated once before the measured loop. */
#define LC_ITERATIONS_MAX 100000

/* Readings a result carries (result.h, the "readings" of the JSON report):
 * lc_plan_capacity(LC_ITERATIONS_MAX) is 225 (every iteration up to 32,
 * then 16 per doubling); tests/test_plan.c checks it fits. */
#define LC_READINGS_MAX 256

/* Tail of a worker's stderr kept for crash reports (Fatal Python error...). */
#define LC_STDERR_TAIL 4096

/* Bytes an explain pass may hand back (JSON + text); more is dropped and
 * the explanation reported as failed, never a runner out of memory. */
#define LC_EXPLAIN_OUTPUT_MAX (1024 * 1024)

/* Largest payload of one wire record (wire.h): an explain pass's output is
 * the largest thing a worker sends. */
#define LC_WIRE_PAYLOAD_MAX LC_EXPLAIN_OUTPUT_MAX

/* Bytes a runner keeps of one worker's result channel: both records of an
 * explain pass, with their headers. More is read and dropped. */
#define LC_WIRE_CHANNEL_MAX (LC_EXPLAIN_OUTPUT_MAX + 64)

/* Largest input any fuzz target looks at; longer ones are rejected (return
 * 0) before anything else. Far above every seed and every .options max_len:
 * it only keeps a hand-fed file from costing minutes. */
#define LC_FUZZ_INPUT_MAX (1u << 20)

/* Largest artifact `leakcheck repro` turns into a case: a bytes literal of
 * up to 4 source bytes per input byte must stay a reviewable file.
 * libFuzzer's default -max_len is 4096; a finding a thousand times larger
 * wants --minimize. */
#define LC_REPRO_INPUT_MAX (1 << 20)

/* Most worker processes at once (-j); far above any core count we target. */
#define LC_JOBS_MAX 64

/* A worker's address space cap (memory=, --memory), MiB: below 64 the
 * interpreter itself may not start; above 1 TiB is no cap at all. */
#define LC_MEMORY_MIN_MIB 64
#define LC_MEMORY_MAX_MIB (1024 * 1024)

/* A journal line's buffer: a case's JSON object with its explanation, so
 * each line goes out in one write(). */
#define LC_JOURNAL_LINE_MAX (LC_EXPLAIN_OUTPUT_MAX * 2 + LC_MSG_MAX * 8)

/* Most shards of a run (--shard K/N): far above any CI matrix. */
#define LC_SHARDS_MAX 1024

/* Most cases in one run; a folder with more is an error, not a truncation. */
#define LC_CASES_MAX 4096

/* Largest report or journal `leakcheck report` reads, and the deepest
 * nesting in it: a report of LC_CASES_MAX cases with explanations fits. */
#define LC_JSON_INPUT_MAX (256 * 1024 * 1024)
#define LC_JSON_DEPTH_MAX 64

/* Most entries one folder may list (discovery, corpus replay). */
#define LC_DIR_ENTRIES_MAX 65536

/* Bytes of a suite job's operand and selection options (suite.h): a
 * job must stay far below a pipe's 64 KiB, which the runner writes before
 * the worker starts. */
#define LC_SUITE_ARGV_MAX 8192

/* Longest test id (unittest's TestCase.id(), a pytest node id) kept;
 * parametrized ids beyond it are cut. */
#define LC_TEST_ID_MAX 1024

/* Most tests one suite job judges: a RESULT record each on its channel
 * (LC_WIRE_SUITE_CHANNEL_MAX, wire.h, sized from the record). */
#define LC_SUITE_SLICE_MAX 512

/* Native allocation sites (native.h), explain pass only. Frames kept per
 * allocation: OpenSSL's ASN.1 decoder recurses a dozen frames deep below
 * the library function a reader wants (d2i_SSL_SESSION), and a few more
 * reach the extension and the interpreter. */
#define LC_NATIVE_DEPTH 40

/* Live native allocations tracked at once between the explain pass's two
 * snapshots; the table is mmap'd once at start (24 B an entry, only touched
 * pages cost memory) and kept at most 3/4 full. Past that, allocations are
 * counted as untracked, never a table that grows while it measures. */
#define LC_NATIVE_LIVE_MAX (1u << 21)
/* The same for Python's blocks alone, over the leak fuzzer's few calls of
 * one input (lc_native_start_py): stopping walks the whole table, and a
 * walk of the big one cost the fuzzer 0.1 s per signature under ASan. */
#define LC_NATIVE_PY_LIVE_MAX (1u << 16)

/* Distinct allocation stacks kept (LC_NATIVE_DEPTH frames each, mmap'd). */
#define LC_NATIVE_STACKS_MAX (1u << 15)

/* Sites (stacks) and library functions an explanation reports, and the
 * frames shown per site. */
#define LC_NATIVE_SITES_SHOWN 8
#define LC_NATIVE_FUNCS_SHOWN 10
#define LC_NATIVE_FRAMES_SHOWN 14
/* A site's run of library frames kept apart, from its innermost outwards:
 * the function that made a block and its way in (a stripped function, a
 * helper or two, the method the interpreter called), even when more than
 * LC_NATIVE_FRAMES_SHOWN frames of Python code it called lie below. */
#define LC_NATIVE_LIB_FRAMES 4

/* Longest --time or --timeout a run takes: a day (a case that needs more
 * is not one to run in CI), and the longest fuzzing --time: a week. */
#define LC_RUN_SECONDS_MAX 86400.0
#define LC_FUZZ_SECONDS_MAX (7 * 86400.0)

#endif
