/*
 * toml.h - read a pyproject.toml in C, for its [tool.leakcheck] tables.
 *
 * The runner has no Python, and a project's settings decide how workers
 * start (how many, how long, with what memory cap), so they are read in
 * the parent before anything runs, and a bad file stops the run there
 * with its file and line. This is a reader of TOML 1.0's grammar, not of
 * every value it can hold: the whole file is read (tables, array tables,
 * dotted and quoted keys, basic, literal and multi-line strings, arrays
 * over lines, inline tables, comments), so a table header inside another
 * table's multi-line string is never taken for one, and the key/value
 * pairs under the tables a caller asks for are handed to it with their
 * values parsed: strings, integers, floats, booleans and arrays of
 * strings. Any other value there (a date, an inline table, an array of
 * numbers) is an error naming the line; values elsewhere are only
 * skipped. Nothing is allocated but the caller's scratch buffer.
 */
#ifndef LC_TOML_H
#define LC_TOML_H

#include <stdbool.h>
#include <stddef.h>

enum lc_toml_type {
    LC_TOML_STRING,
    LC_TOML_INTEGER,
    LC_TOML_FLOAT,
    LC_TOML_BOOL,
    LC_TOML_ARRAY, /* of strings */
};

/* Most strings in one array value (tests = [...]). */
#define LC_TOML_ITEMS_MAX 256

/* A value under a wanted table. Strings live in the reader's scratch
 * buffer until the callback returns. */
struct lc_toml_value {
    enum lc_toml_type type;
    const char *str;    /* STRING: the text, escapes resolved */
    double number;      /* INTEGER, FLOAT */
    bool boolean;       /* BOOL */
    size_t n;           /* ARRAY: strings in items */
    const char **items; /* ARRAY: the strings */
    const char *raw;    /* the value's text as written in the file */
    size_t raw_len;
};

/* One key/value pair under a wanted table. table is the header's name,
 * dotted ("tool.leakcheck", "tool.leakcheck.overrides"); element counts
 * the [[table]] headers of that name seen so far (0 for a [table]); key
 * the key as written after the table (dotted keys joined with '.').
 * Returns 0, or -1 with err filled to stop the read. */
typedef int lc_toml_fn(void *ctx, const char *table, long element,
                       const char *key, const struct lc_toml_value *v,
                       long line, char *err, size_t errlen);

/* Called for each table header (wanted or not): lets the caller refuse a
 * table under its own prefix that it does not know. */
typedef int lc_toml_table_fn(void *ctx, const char *table, bool array,
                             long line, char *err, size_t errlen);

/* Read text[0..len), calling fn for each pair in a table whose name is
 * prefix or starts with prefix + "."; table_fn (may be NULL) for every
 * header. 0, or -LC_EINPUT with err "N: what is wrong", N the line (or the
 * callback's message). */
int lc_toml_read(const char *text, size_t len, const char *prefix,
                 lc_toml_fn *fn, lc_toml_table_fn *table_fn, void *ctx,
                 char *err, size_t errlen);

#endif
