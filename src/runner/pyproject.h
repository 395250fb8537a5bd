/*
 * pyproject.h - a project's leakcheck settings, where Python projects keep
 * them: [tool.leakcheck] in its pyproject.toml.
 *
 * The file is found from the paths a command was given, as pytest finds
 * its rootdir: from the common ancestor of the paths (the current folder
 * when none is a path) upwards, the first pyproject.toml with a
 * [tool.leakcheck] table. It is read in C (toml.h), before any worker
 * starts:
 *
 *   [tool.leakcheck]            defaults for the command's long options,
 *   time = 5                    named as on the command line ("no-explain"
 *   no-explain = true           or "no_explain"; a flag takes true or
 *   baseline = "leaks.json"     false); a relative path is relative to the
 *                               file's folder; the command line wins.
 *
 *   [[tool.leakcheck.overrides]]  settings of the tests (or case files)
 *   tests = ["test_app.py::test_cache_*"]   whose id (or path, as given or
 *   expect = "leak"             relative to the file's folder) equals or
 *   skip = false                matches (fnmatch) one of the patterns;
 *   time = 30                   later tables win. signals is a list or a
 *   signals = ["py_blocks"]     comma-separated string, as in a header.
 *
 * An unknown key or table under tool.leakcheck, or a value of the wrong
 * kind, is an error naming the file, the line and the key. The same
 * settings come from pytest's `leakcheck` marker (suite.h), as words.
 */
#ifndef LC_PYPROJECT_H
#define LC_PYPROJECT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "case.h"
#include "lc_limits.h"
#include "result.h"

/* Override tables one file may hold. */
#define LC_PYPROJECT_OVERRIDES_MAX 256

/* Per test (or case) settings: an override table, or a marker. */
struct lc_test_settings {
    int expect;       /* enum lc_expect; -1: not set */
    int skip;         /* 1 skip, 0 run; -1: not set */
    double time_s;    /* time bound, seconds; 0: not set */
    unsigned signals; /* deciding signals (1 << enum lc_signal); 0: not set */
};

struct lc_pyproject_override {
    long line;                        /* of its [[...]] header */
    size_t first, ntests;             /* its patterns in patterns[] */
    struct lc_test_settings settings; /* what it sets */
};

struct lc_pyproject {
    char path[LC_PATH_MAX]; /* the file read; "" when none was found */
    char dir[LC_PATH_MAX];  /* its folder */
    struct lc_buf words;    /* option words, NUL after each: "--time" "5" */
    size_t nwords;
    struct lc_buf patterns; /* override patterns, NUL after each */
    size_t npatterns;
    struct lc_pyproject_override ovr[LC_PYPROJECT_OVERRIDES_MAX];
    size_t novr;
};

/* Find and read the settings for paths[0..n) (options the command's
 * getopt table, which names the keys [tool.leakcheck] may set). pp is
 * empty (path "") when no file has the table. 0, or -LC_EINPUT / -LC_EIO
 * with err naming the file, the line and what is wrong. The caller
 * lc_pyproject_release()s pp either way. */
int lc_pyproject_load(char *const *paths, int n, const struct option *options,
                      struct lc_pyproject *pp, char *err, size_t errlen);

void lc_pyproject_release(struct lc_pyproject *pp);

/* One setting "key" = value into s, the value as text (a signals list
 * comma-separated). 0, or -1 with err saying what is wrong. */
int lc_settings_take(struct lc_test_settings *s, const char *key,
                     const char *value, char *err, size_t errlen);

/* Apply s to a case: expect, time and signals set; skip makes r a
 * `skipped` verdict (message why) that no worker runs. */
void lc_settings_apply(const struct lc_test_settings *s, const char *why,
                       struct lc_case *c, struct lc_result *r);

/* Apply every override that names the case (its id, or its path). */
void lc_pyproject_apply(const struct lc_pyproject *pp, struct lc_case *c,
                        struct lc_result *r);

#endif
