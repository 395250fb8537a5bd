/*
 * case.h - read a case file's `# leakcheck: key=value ...` header, in C,
 * without running any Python.
 *
 * The header is the leading comment block of the file (blank lines and lines
 * starting with '#', before the first line of code or docstring, within its
 * first LC_HEADER_LINES_MAX lines; a UTF-8 byte order mark before it is
 * skipped, as Python skips it). Each `# leakcheck:` line in it holds
 * space-separated key=value pairs; a value is a bare word or a
 * double-quoted string with \" and \\ escapes. Keys:
 *
 *   expect=leak|clean   the verdict the case must get (default clean)
 *   source="text"       where the scenario comes from (free text)
 *   warmup=N            iterations before the first reading (default 5)
 *   iterations=N        iteration bound: growth that keeps going this long
 *                       is a leak (default 2048, at least 8)
 *   time=SECONDS        time bound on the measured iterations (default 20);
 *                       reached first, the last judgement decides
 *   timeout=SECONDS     wall time for the whole case, then it is killed
 *                       (default 120)
 *   signals=a,b|all     which signals decide the verdict (default all)
 *   memory=MIB          address space cap of the case's worker, in MiB
 *                       (or 512M, 2G); growth into it is a leak, one
 *                       allocation past it an error (default: 3/4 of the
 *                       machine's memory shared by -j workers)
 *
 * An unknown key, a repeated key, a bad value or a malformed line is an error
 * whose message names the file and the line. So is a header line that would
 * otherwise be ignored: every comment line of the file is looked at, and a
 * `# leakcheck:` line after the docstring or code, or past line
 * LC_HEADER_LINES_MAX, or a lookalike (`# LeakCheck:`, `#leakcheck :`,
 * `# leak-check:`, `# leakcheck=`, `# leakcheck expect=leak`) is an error
 * saying where it must go. (Only whole comment lines: `x = 1  # leakcheck:`
 * after code on the same line is not looked at, as a string could hold
 * it.) Nothing here allocates but lc_case_parse's one read buffer.
 */
#ifndef LC_CASE_H
#define LC_CASE_H

#include "names.h"
#include <stddef.h>

#include "lc_limits.h"

#define LC_EXPECT_MAP(X) X(CLEAN, "clean") X(LEAK, "leak")

enum lc_expect {
#define LC_EXPECT_ENUM(id, name) LC_EXPECT_##id,
    LC_EXPECT_MAP(LC_EXPECT_ENUM)
#undef LC_EXPECT_ENUM
        LC_EXPECT_COUNT
};

/* What a run's --baseline (baseline.h in src/report/) says of a case. */
enum lc_baseline_mark {
    LC_BASELINE_NONE,  /* no baseline was given */
    LC_BASELINE_NEW,   /* a baseline was given and does not list it */
    LC_BASELINE_KNOWN, /* the baseline lists it as a leak */
};

#define LC_DEFAULT_WARMUP 5
#define LC_DEFAULT_ITERATIONS 2048
#define LC_MIN_ITERATIONS 8
#define LC_DEFAULT_TIME_S 20.0
#define LC_DEFAULT_TIMEOUT_S 120.0

/* A case's settings; a plain value, callers may copy it. */
struct lc_case {
    char path[LC_PATH_MAX];    /* the file, as given */
    enum lc_expect expect;     /* verdict it must get */
    char source[LC_VALUE_MAX]; /* where it comes from; "" if not given */
    long warmup;               /* iterations before the first sample */
    long iterations;           /* iteration bound on measuring */
    double time_s;             /* time bound on measuring, seconds */
    double timeout_s;          /* seconds for the whole case, setup included */
    unsigned signals; /* bit (1 << enum lc_signal) per deciding signal */
    long memory_mib;  /* address space cap of its worker, MiB; 0: the run's
                         default */
    /* Suites (suite.h) only; "" and 0 for a case file. */
    char id[LC_TEST_ID_MAX]; /* the test's id */
    unsigned span; /* one worker judges this case and the span - 1 after
                      it, answering a RESULT record each; 0: alone */
    enum lc_baseline_mark baseline; /* set by the runner's command, after
                                       the header */
    long certain; /* iterations: a test growing through the horizons up
                     to here is a leak there (plan.h, opts.certain);
                     0: the whole plan */
};

/* Defaults for every setting, path copied (cut to LC_PATH_MAX - 1). */
void lc_case_init(struct lc_case *c, const char *path);

/* Parse the header held in text[0..len). c must have been lc_case_init'ed;
 * its path names the file in messages. On error returns -LC_EHEADER and
 * writes "path:line: what is wrong" to err. */
int lc_case_parse_text(struct lc_case *c, const char *text, size_t len,
                       char *err, size_t errlen);

/* lc_case_init + read the whole file + parse. The file is opened without
 * blocking and must be a regular file (a FIFO named x.py is refused, never
 * waited on). Returns 0, -LC_EIO (err names the file and errno text, or
 * what it is instead of a file), -LC_ETOOBIG (over LC_CASE_SCAN_MAX bytes)
 * or -LC_EHEADER. */
int lc_case_parse(struct lc_case *c, const char *path, char *err,
                  size_t errlen);

/* "clean", "leak", and back (names.h). */
LC_NAMES_DECLARE(lc_expect, enum lc_expect)

/* "512", "512M" or "2G" as MiB, LC_MEMORY_MIN_MIB to LC_MEMORY_MAX_MIB.
 * 0 or -LC_EHEADER. */
int lc_case_parse_memory(const char *v, long *mib);

/* What a st_mode names, for messages: "a FIFO", "a folder", ... */
const char *lc_case_file_kind(unsigned mode);

#endif
