/*
 * report.h - write what a run found: text for people, JSON and JUnit XML for
 * machines, and one self-contained HTML page to look at (the growth charts).
 *
 * Text is one line per case, then a summary line:
 *
 *   ok   leak    cases/global_registry.py  py_blocks +1/it py_bytes +56/it  40
 * it 0.05 s FAIL clean   cases/x.py  expected leak  40 it 0.04 s
 *
 * followed, for errors, crashes and timeouts, by the captured message
 * indented under the line. After the summary come the explanations of the
 * cases that did not get their expected verdict (of all with -v), so a
 * run of a hundred expected leaks stays a hundred lines. Any bytes in paths
 * and messages are written escaped as the format needs (JSON strings, XML
 * text); text output replaces control characters in the one-line part so a
 * case stays one line.
 */
#ifndef LC_REPORT_H
#define LC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "case.h"
#include "names.h"
#include "result.h"

/* The report formats: id, name (--format), writer (one file each in
 * src/report/, formats.h). The usage strings are made from the names. */
#define LC_FORMAT_MAP(X)                                                      \
    X(TEXT, "text", lc_format_text_write)                                     \
    X(JSON, "json", lc_format_json_write)                                     \
    X(JUNIT, "junit", lc_format_junit_write)                                  \
    X(HTML, "html", lc_format_html_write)

enum lc_format {
#define LC_FORMAT_ENUM(id, name, write) LC_FORMAT_##id,
    LC_FORMAT_MAP(LC_FORMAT_ENUM)
#undef LC_FORMAT_ENUM
        LC_FORMAT_COUNT
};

/* The JSON report's "schema_version" (schema/report.schema.json, installed
 * as share/leakcheck/report.schema.json). Bumped only when a field is
 * removed or changes meaning; new fields come without a bump. */
#define LC_REPORT_SCHEMA_VERSION 1

/* Lines of a leak's explanation a JUnit <failure> carries, after its growth
 * lines (the text summary opens it: what grew, where, who holds it). */
#define LC_REPORT_JUNIT_LINES 40

/* Counts by verdict, and how many cases got what they expect. */
struct lc_summary {
    size_t cases;                        /* cases reported */
    size_t by_verdict[LC_VERDICT_COUNT]; /* cases per verdict */
    size_t ok;                           /* verdict == expect */
    double elapsed_s;                    /* wall seconds of the whole run */
    int interrupted;                     /* the signal that cut the run
                                            short, 0 if none */
    bool tests;    /* a suite's tests (they have ids), not case files */
    bool baseline; /* a --baseline was given (baseline.h) */
    size_t known;  /* leaks the baseline lists: as expected */
    size_t fixed;  /* listed there, clean now: as expected */
};

/* Whether a case got the verdict it expects (a leak the baseline lists
 * counts as expected, baseline.h). */
bool lc_report_ok(const struct lc_case *c, const struct lc_result *r);

/* "known" for a leak the baseline lists, "fixed" for a listed case that
 * is clean now, NULL otherwise. */
const char *lc_report_baseline_word(const struct lc_case *c,
                                    const struct lc_result *r);

void lc_report_summarize(const struct lc_case *cases,
                         const struct lc_result *results, size_t n,
                         double elapsed_s, struct lc_summary *out);

/* Colour in text lines: only for a terminal, never with NO_COLOR set or
 * TERM=dumb (lc_report_color_wanted tells), off by default. */
void lc_report_set_color(bool on);
bool lc_report_color_wanted(FILE *f);

/* One case's text line (and its indented message when it has one). */
void lc_report_text_case(FILE *f, const struct lc_case *c,
                         const struct lc_result *r);

/* One case as the JSON object of the report's "cases" array (no newline):
 * what a journal line holds too. */
void lc_report_json_case(FILE *f, const struct lc_case *c,
                         const struct lc_result *r);

/* After the summary: the explanation of each case that did not get its
 * expected verdict (of every explained case when all), headed by its
 * path, indented. */
void lc_report_text_explanations(FILE *f, const struct lc_case *cases,
                                 const struct lc_result *results, size_t n,
                                 bool all);

/* How strong a suite test's verdict is, for people (suite.h): "screened:
 * flat over 16 runs together with 9 tests", "flat through H=64", "time
 * bound after 40 measured iterations", ...; "" when it has no verdict. */
void lc_report_strength(const struct lc_result *r, char *buf, size_t len);

/* The text summary line. */
void lc_report_text_summary(FILE *f, const struct lc_summary *s);

/* A whole report in the format; text writes every case line then the
 * summary. Returns 0 or -LC_EIO if the stream failed. */
int lc_report_write(FILE *f, enum lc_format fmt, const struct lc_case *cases,
                    const struct lc_result *results, size_t n,
                    double elapsed_s);

/* The same with the summary given (an interrupted run says so). */
int lc_report_write_summary(FILE *f, enum lc_format fmt,
                            const struct lc_case *cases,
                            const struct lc_result *results, size_t n,
                            const struct lc_summary *sum);

/* Each format's writer: the whole report, the summary given. */
#define LC_FORMAT_DECLARE(id, name, write)                                    \
    void write(FILE *f, const struct lc_case *cases,                          \
               const struct lc_result *results, size_t n,                     \
               const struct lc_summary *sum);
LC_FORMAT_MAP(LC_FORMAT_DECLARE)
#undef LC_FORMAT_DECLARE

/* The formats' names as usage lines show them: "text|json|junit". */
#define LC_FORMAT_CHOICE(id, name, write) "|" name
#define LC_FORMAT_CHOICES (LC_FORMAT_MAP(LC_FORMAT_CHOICE) + 1)

/* "text", "json", "junit" and back; -1 if unknown (names.h). */
LC_NAMES_DECLARE(lc_format, enum lc_format)

#endif
