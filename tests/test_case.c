/*
 * test_case.c - the `# leakcheck: key=value` header parser of case.h.
 *
 * Texts are parsed with lc_case_parse_text under the path "cases/t.py", so
 * every error message must start with "cases/t.py:LINE: ". lc_case_parse is
 * checked on real files in a temporary folder that each test removes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "errors.h"
#include "signals.h"

#define PATH "cases/t.py"
#define ERRLEN 1024
#define SIG(s) (1u << LC_SIG_##s)

static int parse(struct lc_case *c, const char *text, char *err)
{
    lc_case_init(c, PATH);
    return lc_case_parse_text(c, text, strlen(text), err, ERRLEN);
}

Test(case, init_sets_the_documented_defaults)
{
    struct lc_case c;

    /* The values case.h documents; a change must change the doc too. */
    cr_expect_eq(LC_DEFAULT_WARMUP, 5);
    cr_expect_eq(LC_DEFAULT_ITERATIONS, 2048);
    cr_expect_eq(LC_MIN_ITERATIONS, 8);
    cr_expect_float_eq(LC_DEFAULT_TIME_S, 20.0, 1e-9);
    cr_expect_float_eq(LC_DEFAULT_TIMEOUT_S, 120.0, 1e-9);

    memset(&c, 0x5a, sizeof(c));
    lc_case_init(&c, "cases/x.py");
    cr_expect_str_eq(c.path, "cases/x.py");
    cr_expect_eq(c.expect, LC_EXPECT_CLEAN);
    cr_expect_str_eq(c.source, "");
    cr_expect_eq(c.warmup, LC_DEFAULT_WARMUP);
    cr_expect_eq(c.iterations, LC_DEFAULT_ITERATIONS);
    cr_expect_float_eq(c.time_s, LC_DEFAULT_TIME_S, 1e-9);
    cr_expect_float_eq(c.timeout_s, LC_DEFAULT_TIMEOUT_S, 1e-9);
    cr_expect_eq(c.signals, LC_SIG_ALL);
    cr_expect_eq(c.signals, SIG(PY_BLOCKS) | SIG(PY_BYTES) | SIG(NATIVE) |
                                SIG(FDS) | SIG(THREADS) | SIG(REFS));
    cr_expect_str_eq(lc_expect_name(LC_EXPECT_CLEAN), "clean");
    cr_expect_str_eq(lc_expect_name(LC_EXPECT_LEAK), "leak");
}

Test(case, init_cuts_a_path_that_does_not_fit)
{
    static char longpath[LC_PATH_MAX + 100];
    struct lc_case c;

    memset(longpath, 'a', sizeof(longpath) - 1);
    lc_case_init(&c, longpath);
    cr_expect_eq(strlen(c.path), LC_PATH_MAX - 1);
}

Test(case, text_without_a_header_keeps_the_defaults)
{
    static const char *const texts[] = {
        "",
        "\n\n\n",
        "def run():\n    pass\n",
        "# an ordinary comment\n# leakcheck is great\nimport os\n",
        "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n\"\"\"doc\"\"\"\n",
        /* Comments that merely mention the tool are not lookalikes. */
        "# leakchecker: another tool\n# leakcheck is great\n"
        "# leak checks run nightly\n",
        "# leakcheck expect (no '=': prose)\n",
    };

    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        struct lc_case c;
        char err[ERRLEN] = "untouched";

        cr_expect_eq(parse(&c, texts[i], err), 0, "text %zu: %s", i, err);
        cr_expect_str_eq(err, "", "text %zu: err not cleared", i);
        cr_expect_eq(c.expect, LC_EXPECT_CLEAN, "text %zu", i);
        cr_expect_eq(c.warmup, LC_DEFAULT_WARMUP, "text %zu", i);
        cr_expect_eq(c.iterations, LC_DEFAULT_ITERATIONS, "text %zu", i);
        cr_expect_eq(c.signals, LC_SIG_ALL, "text %zu", i);
        cr_expect_str_eq(c.source, "", "text %zu", i);
    }
}

/* One row per key and value: the header, then every setting it must give.
 * Rows start from the defaults (W, I, T, TO, ALL). */
struct key_row {
    const char *text;
    enum lc_expect expect;
    const char *source;
    long warmup;
    long iterations;
    double time_s;
    double timeout_s;
    unsigned signals;
};

#define W LC_DEFAULT_WARMUP
#define I LC_DEFAULT_ITERATIONS
#define T LC_DEFAULT_TIME_S
#define TO LC_DEFAULT_TIMEOUT_S
#define CLEAN LC_EXPECT_CLEAN
#define ALL LC_SIG_ALL

static void check_key_rows(const struct key_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct key_row *r = &rows[i];
        struct lc_case c;
        char err[ERRLEN];

        cr_expect_eq(parse(&c, r->text, err), 0, "%s-> %s", r->text, err);
        cr_expect_eq(c.expect, r->expect, "%s", r->text);
        cr_expect_str_eq(c.source, r->source, "%s", r->text);
        cr_expect_eq(c.warmup, r->warmup, "%s: warmup %ld", r->text, c.warmup);
        cr_expect_eq(c.iterations, r->iterations, "%s: iterations %ld",
                     r->text, c.iterations);
        cr_expect_float_eq(c.time_s, r->time_s, 1e-9, "%s: time %g", r->text,
                           c.time_s);
        cr_expect_float_eq(c.timeout_s, r->timeout_s, 1e-9, "%s: timeout %g",
                           r->text, c.timeout_s);
        cr_expect_eq(c.signals, r->signals, "%s: %#x", r->text, c.signals);
        cr_expect_str_eq(c.path, PATH);
    }
}

Test(case, each_key_sets_its_setting)
{
    static const struct key_row rows[] = {
        {"# leakcheck: expect=leak\n", LC_EXPECT_LEAK, "", W, I, T, TO, ALL},
        {"# leakcheck: expect=clean\n", CLEAN, "", W, I, T, TO, ALL},
        {"# leakcheck: source=bpo-30776\n", CLEAN, "bpo-30776", W, I, T, TO,
         ALL},
        {"# leakcheck: warmup=0\n", CLEAN, "", 0, I, T, TO, ALL},
        {"# leakcheck: warmup=17\n", CLEAN, "", 17, I, T, TO, ALL},
        {"# leakcheck: iterations=300\n", CLEAN, "", W, 300, T, TO, ALL},
        {"# leakcheck: time=2.5\n", CLEAN, "", W, I, 2.5, TO, ALL},
        {"# leakcheck: time=86400\n", CLEAN, "", W, I, 86400.0, TO, ALL},
        {"# leakcheck: timeout=1.5\n", CLEAN, "", W, I, T, 1.5, ALL},
        {"# leakcheck: timeout=86400\n", CLEAN, "", W, I, T, 86400.0, ALL},
        {"# leakcheck: timeout=0.001\n", CLEAN, "", W, I, T, 0.001, ALL},
        {"# leakcheck: time=3 timeout=4\n", CLEAN, "", W, I, 3.0, 4.0, ALL},
        {"# leakcheck: signals=all\n", CLEAN, "", W, I, T, TO, ALL},
        {"# leakcheck: signals=py_blocks\n", CLEAN, "", W, I, T, TO,
         SIG(PY_BLOCKS)},
        {"# leakcheck: signals=py_bytes\n", CLEAN, "", W, I, T, TO,
         SIG(PY_BYTES)},
        {"# leakcheck: signals=native_bytes\n", CLEAN, "", W, I, T, TO,
         SIG(NATIVE)},
        {"# leakcheck: signals=fds,threads\n", CLEAN, "", W, I, T, TO,
         SIG(FDS) | SIG(THREADS)},
        {"# leakcheck: "
         "signals=threads,py_blocks,fds,refs,py_bytes,native_bytes\n",
         CLEAN, "", W, I, T, TO, ALL},
        /* Windows line ends: the '\r' is not part of the value. */
        {"# leakcheck: expect=leak\r\n# leakcheck: warmup=3\r\n",
         LC_EXPECT_LEAK, "", 3, I, T, TO, ALL},
        /* No newline at the end of the text. */
        {"# leakcheck: iterations=12", CLEAN, "", W, 12, T, TO, ALL},
    };

    check_key_rows(rows, sizeof(rows) / sizeof(*rows));
}

/* The numeric keys at their bounds, built from the limits the parser uses:
 * the bound itself is accepted, one past it is an error naming the key. */
Test(case, numbers_are_checked_against_their_bounds)
{
    static const struct {
        const char *key;
        long lo, hi;
        size_t off;
    } keys[] = {
        {"warmup", 0, LC_ITERATIONS_MAX, offsetof(struct lc_case, warmup)},
        {"iterations", LC_MIN_ITERATIONS, LC_ITERATIONS_MAX,
         offsetof(struct lc_case, iterations)},
    };

    for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
        const long vals[4] = {keys[k].lo, keys[k].hi, keys[k].lo - 1,
                              keys[k].hi + 1};

        for (int v = 0; v < 4; v++) {
            char text[128], err[ERRLEN], prefix[32];
            struct lc_case c;
            int rc;

            snprintf(text, sizeof(text), "# leakcheck: %s=%ld\n", keys[k].key,
                     vals[v]);
            rc = parse(&c, text, err);
            if (v < 2) {
                cr_expect_eq(rc, 0, "%s-> %s", text, err);
                cr_expect_eq(*(long *)((char *)&c + keys[k].off), vals[v],
                             "%s", text);
                continue;
            }
            snprintf(prefix, sizeof(prefix), PATH ":1: ");
            cr_expect_eq(rc, -LC_EHEADER, "%s", text);
            cr_expect_eq(strncmp(err, prefix, strlen(prefix)), 0, "%s-> %s",
                         text, err);
            cr_expect_neq(strstr(err, keys[k].key), NULL, "%s-> %s", text,
                          err);
            cr_expect_neq(strstr(err, "out of range"), NULL, "%s-> %s", text,
                          err);
        }
    }
}

Test(case, quoted_values_and_their_escapes)
{
    static const struct {
        const char *text;
        const char *source;
    } rows[] = {
        {"# leakcheck: source=\"seed article, DataProcessor example\"\n",
         "seed article, DataProcessor example"},
        {"# leakcheck: source=\"say \\\"hi\\\"\"\n", "say \"hi\""},
        {"# leakcheck: source=\"C:\\\\temp\\\\x\"\n", "C:\\temp\\x"},
        {"# leakcheck: source=\"\\\\\\\"\"\n", "\\\""},
        {"# leakcheck: source=\"x=y # not a comment\"\n",
         "x=y # not a comment"},
        {"# leakcheck: source=\"  spaces  kept  \"\n", "  spaces  kept  "},
        {"# leakcheck: source=\"caf\xc3\xa9\"\n", "caf\xc3\xa9"},
        {"# leakcheck: source=bare-word_1.2/3\n", "bare-word_1.2/3"},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        struct lc_case c;
        char err[ERRLEN];

        cr_expect_eq(parse(&c, rows[i].text, err), 0, "%s-> %s", rows[i].text,
                     err);
        cr_expect_str_eq(c.source, rows[i].source, "%s", rows[i].text);
    }
}

Test(case, any_key_takes_a_quoted_value)
{
    struct lc_case c;
    char err[ERRLEN];

    cr_assert_eq(parse(&c,
                       "# leakcheck: expect=\"leak\" warmup=\"4\" "
                       "signals=\"fds\"\n",
                       err),
                 0, "%s", err);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    cr_expect_eq(c.warmup, 4);
    cr_expect_eq(c.signals, SIG(FDS));
}

Test(case, several_pairs_per_line_and_several_lines)
{
    static const char text[] =
        "#!/usr/bin/env python3\n"
        "# A case about something.\n"
        "\n"
        "# leakcheck: expect=leak warmup=3\titerations=12 timeout=2.5\n"
        "#   more prose between header lines\n"
        "   # leakcheck:   signals=py_blocks,fds   source=\"a b\"  \n"
        "\n"
        "\"\"\"The docstring: code starts here.\"\"\"\n";
    struct lc_case c;
    char err[ERRLEN];

    cr_assert_eq(parse(&c, text, err), 0, "%s", err);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    cr_expect_eq(c.warmup, 3);
    cr_expect_eq(c.iterations, 12);
    cr_expect_float_eq(c.timeout_s, 2.5, 1e-9);
    cr_expect_eq(c.signals, SIG(PY_BLOCKS) | SIG(FDS));
    cr_expect_str_eq(c.source, "a b");
}

Test(case, header_ends_at_the_first_line_of_code)
{
    /* Code and comments after it are not header, and a header line on
     * the same line as code is not looked at (a string could hold it). */
    static const char *const texts[] = {
        "# leakcheck: expect=leak\nimport os\n# a comment\n",
        "# leakcheck: expect=leak\nx = 1  # leakcheck: warmup=3\n",
        "# leakcheck: expect=leak\ns = '''\nleakcheck: warmup=3\n'''\n",
    };

    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        struct lc_case c;
        char err[ERRLEN];

        cr_expect_eq(parse(&c, texts[i], err), 0, "%s-> %s", texts[i], err);
        cr_expect_eq(c.expect, LC_EXPECT_LEAK, "%s", texts[i]);
        cr_expect_eq(c.warmup, LC_DEFAULT_WARMUP, "%s", texts[i]);
    }
}

Test(case, only_the_given_length_is_read)
{
    /* Not NUL-terminated, and the second line lies past len. */
    char text[64];
    static const char line1[] = "# leakcheck: expect=leak\n";
    static const char line2[] = "# leakcheck: bogus=1\n";
    struct lc_case c;
    char err[ERRLEN];

    memset(text, '#', sizeof(text));
    memcpy(text, line1, strlen(line1));
    memcpy(text + strlen(line1), line2, strlen(line2));
    lc_case_init(&c, PATH);
    cr_expect_eq(lc_case_parse_text(&c, text, strlen(line1), err, ERRLEN), 0,
                 "%s", err);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    lc_case_init(&c, PATH);
    cr_expect_eq(lc_case_parse_text(&c, text, strlen(line1) + strlen(line2),
                                    err, ERRLEN),
                 -LC_EHEADER);
}

/* An error row: the header, the line the message must name, and a word the
 * message must contain (the key, the value, or what is wrong). */
struct err_row {
    const char *text;
    int line;
    const char *needle;
};

static void check_errors(const struct err_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct lc_case c;
        char err[ERRLEN], prefix[64];
        int rc = parse(&c, rows[i].text, err);

        snprintf(prefix, sizeof(prefix), PATH ":%d: ", rows[i].line);
        cr_expect_eq(rc, -LC_EHEADER, "%s-> rc %d", rows[i].text, rc);
        cr_expect_eq(strncmp(err, prefix, strlen(prefix)), 0,
                     "%s-> \"%s\" does not start with \"%s\"", rows[i].text,
                     err, prefix);
        cr_expect_neq(strstr(err, rows[i].needle), NULL,
                      "%s-> \"%s\" does not mention \"%s\"", rows[i].text, err,
                      rows[i].needle);
    }
}

Test(case, header_lines_after_the_docstring_or_code_are_errors)
{
    /* Ignored, they would change what the case is checked for without a
     * word: each is an error naming its line and what ended the header. */
    static const struct err_row rows[] = {
        {"# leakcheck: expect=leak\nimport os\n# leakcheck: warmup=3\n", 3,
         "after code (line 2)"},
        {"# leakcheck: expect=leak\nimport os\n# leakcheck: colour=red\n", 3,
         "after code"},
        {"# leakcheck: expect=leak\n\"\"\"doc\"\"\"\n# leakcheck: expect=x\n",
         3, "after the docstring (line 2)"},
        {"r'''doc'''\n\n# leakcheck: expect=leak\n", 3, "docstring"},
        {"# leakcheck: expect=leak\ndef run():\n    # leakcheck: warmup=3\n",
         3, "move it into the comment block at the top"},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, lookalike_header_lines_are_errors)
{
    static const struct err_row rows[] = {
        {"# LeakCheck: expect=leak\n", 1, "LeakCheck:"},
        {"#leakcheck : expect=leak\n", 1, "looks like a header line"},
        {"# leak-check: expect=leak\n", 1, "leak-check"},
        {"# leak_check: expect=leak\n", 1, "leak_check"},
        {"# leak check: expect=leak\n", 1, "leak check"},
        {"# leakcheck=leak\n", 1, "'# leakcheck: key=value'"},
        {"# LEAKCHECK expect=leak\n", 1, "LEAKCHECK"},
        {"# leakcheck expect=leak\n", 1, "looks like"},
        {"# fine\n# leakcheck: expect=leak\n\t#  Leakcheck:warmup=1\n", 3,
         "Leakcheck"},
        /* After code a lookalike is still one. */
        {"import os\n# leakcheck expect=leak\n", 2, "looks like"},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, a_byte_order_mark_before_the_header_is_skipped)
{
    struct lc_case c;
    char err[ERRLEN];

    cr_expect_eq(parse(&c,
                       "\xEF\xBB\xBF# leakcheck: expect=leak\n"
                       "# leakcheck: warmup=2\ndef run(): pass\n",
                       err),
                 0, "%s", err);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    cr_expect_eq(c.warmup, 2);
    /* Lines are still counted from 1. */
    cr_expect_eq(parse(&c, "\xEF\xBB\xBF# leakcheck: bogus=1\n", err),
                 -LC_EHEADER);
    cr_expect_eq(strncmp(err, PATH ":1: ", strlen(PATH ":1: ")), 0, "%s", err);
}

Test(case, a_header_line_past_the_line_limit_is_an_error)
{
    static char text[LC_HEADER_LINES_MAX * 16 + 64];
    size_t n = 0;
    struct lc_case c;
    char err[ERRLEN], want[64];

    for (int i = 0; i < LC_HEADER_LINES_MAX - 1; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "# comment\n");
    /* Line LC_HEADER_LINES_MAX itself is still header. */
    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          "# leakcheck: warmup=1\n");
    cr_expect_eq(parse(&c, text, err), 0, "%s", err);
    cr_expect_eq(c.warmup, 1);
    snprintf(text + n, sizeof(text) - n, "# leakcheck: expect=leak\n");
    cr_expect_eq(parse(&c, text, err), -LC_EHEADER);
    snprintf(want, sizeof(want), PATH ":%d: ", LC_HEADER_LINES_MAX + 1);
    cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
    cr_expect_neq(strstr(err, "first 200 lines"), NULL, "%s", err);
}

Test(case, unknown_and_repeated_keys_are_errors_naming_the_line)
{
    static const struct err_row rows[] = {
        {"# leakcheck: colour=red\n", 1, "colour"},
        {"# leakcheck: expect=leak\n# leakcheck: expext=leak\n", 2, "expext"},
        {"\n# prose\n\n# leakcheck: Expect=leak\n", 4, "Expect"},
        {"# leakcheck: warmup=1\n#\n# leakcheck: warmup=2\n", 3,
         "first on line 1"},
        {"# leakcheck: expect=leak expect=leak\n", 1, "expect"},
        {"# leakcheck: source=a\n# leakcheck: source=\"b\"\n", 2, "source"},
        {"# leakcheck: time=1 timeout=2 time=3\n", 1, "time given twice"},
        {"# leakcheck: timeout=1\n# leakcheck: timeout=2\n", 2,
         "timeout given twice"},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, bad_values_are_errors_naming_the_line)
{
    static const struct err_row rows[] = {
        {"# leakcheck: expect=maybe\n", 1, "maybe"},
        {"# leakcheck: expect=Leak\n", 1, "Leak"},
        {"# leakcheck: expect=leaky\n", 1, "leaky"},
        {"# x\n# leakcheck: warmup=-1\n", 2, "warmup"},
        {"# leakcheck: warmup=ten\n", 1, "ten"},
        {"# leakcheck: warmup=10x\n", 1, "10x"},
        {"# leakcheck: warmup=1.5\n", 1, "warmup"},
        {"# leakcheck: warmup=0x10\n", 1, "warmup"},
        {"# leakcheck: iterations=0\n", 1, "iterations"},
        {"# leakcheck: iterations=99999999999999999999999\n", 1, "iterations"},
        {"# leakcheck: iterations=1e3\n", 1, "iterations"},
        {"# leakcheck: timeout=0\n", 1, "timeout"},
        {"# leakcheck: timeout=-5\n", 1, "timeout"},
        {"# leakcheck: timeout=86401\n", 1, "timeout"},
        {"# leakcheck: timeout=nan\n", 1, "timeout"},
        {"# leakcheck: timeout=inf\n", 1, "timeout"},
        {"# leakcheck: timeout=5s\n", 1, "5s"},
        {"# leakcheck: timeout=1e999\n", 1, "timeout"},
        {"# leakcheck: time=0\n", 1, "time="},
        {"# leakcheck: time=-1\n", 1, "time="},
        {"# leakcheck: time=86401\n", 1, "time="},
        {"# leakcheck: time=fast\n", 1, "fast"},
        {"# leakcheck: time=nan\n", 1, "time="},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, unknown_signals_are_errors)
{
    static const struct err_row rows[] = {
        {"# leakcheck: signals=heap\n", 1, "heap"},
        {"# leakcheck: signals=py_blocks,rss\n", 1, "rss"},
        {"# leakcheck: signals=fds,\n", 1, "signals"},
        {"# leakcheck: signals=,fds\n", 1, "signals"},
        {"# leakcheck: signals=fds,,threads\n", 1, "signals"},
        {"# leakcheck: signals=all,fds\n", 1, "signals"},
        {"# leakcheck: signals=PY_BLOCKS\n", 1, "PY_BLOCKS"},
        {"# leakcheck: signals=py_block\n", 1, "py_block"},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, malformed_lines_are_errors_naming_the_line)
{
    static const struct err_row rows[] = {
        /* Unterminated quote, also when a later pair follows. */
        {"# leakcheck: source=\"abc\n", 1, "unterminated"},
        {"# leakcheck: expect=leak\n# leakcheck: source=\"a expect=leak\n", 2,
         "unterminated"},
        {"# leakcheck: source=\"ends in a backslash\\\"\n", 1, "unterminated"},
        /* Only \" and \\ are escapes. */
        {"# leakcheck: source=\"a\\nb\"\n", 1, "escape"},
        {"# leakcheck: source=\"tab\\t\"\n", 1, "escape"},
        {"# leakcheck: source=\"\\x41\"\n", 1, "escape"},
        /* A pair without '='. */
        {"# leakcheck: expect\n", 1, "expect"},
        {"# leakcheck: expect leak\n", 1, "key=value"},
        {"# leakcheck: expect=leak warmup\n", 1, "warmup"},
        {"# leakcheck: =leak\n", 1, "key"},
        /* Empty values. */
        {"# leakcheck: expect=\n", 1, "empty value"},
        {"# leakcheck: expect= warmup=3\n", 1, "expect"},
        {"# leakcheck: signals=\n", 1, "empty value"},
        /* Quotes where they cannot be. */
        {"# leakcheck: source=\"a\"b\n", 1, "quote"},
        {"# leakcheck: source=a\"b\"\n", 1, "source"},
        /* A header line with nothing in it. */
        {"# leakcheck:\n", 1, "key=value"},
        {"# leakcheck:    \n", 1, "key=value"},
    };

    check_errors(rows, sizeof(rows) / sizeof(*rows));
}

Test(case, too_long_lines_and_values_are_errors)
{
    static char text[LC_LINE_MAX + 200];
    static char ok[LC_LINE_MAX + 200];
    struct lc_case c;
    char err[ERRLEN];
    size_t n;

    /* A header line of exactly LC_LINE_MAX bytes is read (spaces between
     * pairs are fine); one byte more is an error naming its line. */
    n = (size_t)snprintf(text, sizeof(text),
                         "# a comment\n# leakcheck: "
                         "expect=leak");
    memset(text + n, ' ', LC_LINE_MAX - (n - strlen("# a comment\n")));
    text[strlen("# a comment\n") + LC_LINE_MAX] = '\0';
    cr_expect_eq(parse(&c, text, err), 0, "%s", err);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    strcat(text, " \n");
    {
        const struct err_row row = {text, 2, "longer than"};

        check_errors(&row, 1);
    }

    /* A value of LC_VALUE_MAX bytes (one too many), on a short enough line;
     * and LC_VALUE_MAX - 1 bytes, which fits. */
    n = (size_t)snprintf(text, sizeof(text), "# leakcheck: source=");
    memset(text + n, 'v', LC_VALUE_MAX);
    text[n + LC_VALUE_MAX] = '\0';
    cr_assert_lt(strlen(text), LC_LINE_MAX);
    cr_expect_eq(parse(&c, text, err), -LC_EHEADER);
    cr_expect_neq(strstr(err, PATH ":1: "), NULL, "%s", err);
    text[n + LC_VALUE_MAX - 1] = '\0';
    cr_expect_eq(parse(&c, text, err), 0, "%s", err);
    cr_expect_eq(strlen(c.source), LC_VALUE_MAX - 1);

    /* The same limit on a quoted value. */
    n = (size_t)snprintf(text, sizeof(text), "# leakcheck: source=\"");
    memset(text + n, 'q', LC_VALUE_MAX);
    snprintf(text + n + LC_VALUE_MAX, 3, "\"\n");
    cr_expect_eq(parse(&c, text, err), -LC_EHEADER);

    /* An ordinary comment longer than LC_LINE_MAX is nobody's business. */
    memset(ok, 'c', sizeof(ok) - 1);
    ok[0] = '#';
    ok[sizeof(ok) - 2] = '\n';
    cr_expect_eq(parse(&c, ok, err), 0, "%s", err);
}

Test(case, error_text_is_cut_to_the_buffer_given)
{
    static const char bad[] = "# leakcheck: colour=red\n";
    struct lc_case c;
    char err[16];

    memset(err, 'Z', sizeof(err));
    lc_case_init(&c, PATH);
    cr_expect_eq(lc_case_parse_text(&c, bad, strlen(bad), err, 8),
                 -LC_EHEADER);
    cr_expect_eq(memchr(err, '\0', 8) != NULL, true, "not terminated");
    cr_expect_eq(err[8], 'Z', "wrote past errlen");

    memset(err, 'Z', sizeof(err));
    lc_case_init(&c, PATH);
    cr_expect_eq(lc_case_parse_text(&c, bad, strlen(bad), err, 0),
                 -LC_EHEADER);
    cr_expect_eq(err[0], 'Z', "wrote into a buffer of length 0");
}

/* lc_case_parse reads real files: each test gets a fresh folder. */
static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/lc-test-case-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void remove_dir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    cr_expect_eq(access(dir, F_OK), -1, "%s left behind", dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

Test(case, parse_reads_the_header_of_a_file, .init = make_dir,
     .fini = remove_dir)
{
    char path[128], err[ERRLEN];
    struct lc_case c;

    snprintf(path, sizeof(path), "%s/leaky.py", dir);
    write_file(path, "# leakcheck: expect=leak\n"
                     "# leakcheck: source=\"a \\\"quoted\\\" source\" "
                     "iterations=30\n"
                     "\"\"\"doc\"\"\"\n"
                     "def run():\n    pass\n");
    memset(&c, 0x5a, sizeof(c));
    cr_assert_eq(lc_case_parse(&c, path, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(c.path, path);
    cr_expect_eq(c.expect, LC_EXPECT_LEAK);
    cr_expect_str_eq(c.source, "a \"quoted\" source");
    cr_expect_eq(c.iterations, 30);
    cr_expect_eq(c.warmup, LC_DEFAULT_WARMUP);
    cr_expect_float_eq(c.time_s, LC_DEFAULT_TIME_S, 1e-9);
    cr_expect_float_eq(c.timeout_s, LC_DEFAULT_TIMEOUT_S, 1e-9);
}

Test(case, parse_of_a_bad_file_names_it, .init = make_dir, .fini = remove_dir)
{
    char path[128], want[160], err[ERRLEN];
    struct lc_case c;

    snprintf(path, sizeof(path), "%s/bad.py", dir);
    write_file(path, "# about\n# leakcheck: expect=leak\n"
                     "# leakcheck: warmup=3 flavour=mint\n");
    cr_expect_eq(lc_case_parse(&c, path, err, sizeof(err)), -LC_EHEADER);
    snprintf(want, sizeof(want), "%s:3: ", path);
    cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
    cr_expect_neq(strstr(err, "flavour"), NULL, "%s", err);
}

Test(case, parse_of_a_missing_file_is_an_io_error_naming_it, .init = make_dir,
     .fini = remove_dir)
{
    char path[128], err[ERRLEN];
    struct lc_case c;

    snprintf(path, sizeof(path), "%s/not-there.py", dir);
    cr_expect_eq(lc_case_parse(&c, path, err, sizeof(err)), -LC_EIO);
    cr_expect_neq(strstr(err, path), NULL, "%s", err);
    cr_expect_neq(strstr(err, strerror(ENOENT)), NULL, "%s", err);
    /* Even so the case is initialized, so it can be reported. */
    cr_expect_str_eq(c.path, path);
    cr_expect_eq(c.expect, LC_EXPECT_CLEAN);

    /* A folder is not a case file either. */
    cr_expect_lt(lc_case_parse(&c, dir, err, sizeof(err)), 0);
    cr_expect_neq(strstr(err, dir), NULL, "%s", err);
}

Test(case, parse_refuses_a_fifo_without_waiting_for_a_writer, .init = make_dir,
     .fini = remove_dir, .timeout = 10)
{
    char path[128], err[ERRLEN];
    struct lc_case c;

    snprintf(path, sizeof(path), "%s/x.py", dir);
    cr_assert_eq(mkfifo(path, 0600), 0, "%s", strerror(errno));
    cr_expect_eq(lc_case_parse(&c, path, err, sizeof(err)), -LC_EIO);
    cr_expect_neq(strstr(err, "not a regular file (a FIFO)"), NULL, "%s", err);
    cr_expect_neq(strstr(err, path), NULL, "%s", err);
    /* A device is refused the same way, and nothing is read from it. */
    cr_expect_eq(lc_case_parse(&c, "/dev/zero", err, sizeof(err)), -LC_EIO);
    cr_expect_neq(strstr(err, "a character device"), NULL, "%s", err);
}

Test(case, parse_scans_the_whole_file_for_misplaced_header_lines,
     .init = make_dir, .fini = remove_dir)
{
    char path[128], want[160], err[ERRLEN];
    struct lc_case c;
    FILE *f;

    /* Far past the first LC_HEADER_BYTES_MAX bytes. */
    snprintf(path, sizeof(path), "%s/long.py", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("# leakcheck: expect=leak\ndef run():\n    pass\n", f);
    for (int i = 0; i < 30000; i++)
        fputs("x = 'a fairly long line of code, to fill the file up'\n", f);
    fputs("# leakcheck: warmup=1\n", f);
    cr_assert_eq(fclose(f), 0);
    cr_expect_eq(lc_case_parse(&c, path, err, sizeof(err)), -LC_EHEADER);
    snprintf(want, sizeof(want), "%s:30004: header line after code", path);
    cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
}

Test(case, errors_have_a_message)
{
    cr_expect_str_eq(lc_strerror(-LC_EHEADER), "malformed case header");
    cr_expect_str_eq(lc_strerror(LC_EHEADER), "malformed case header");
    cr_expect_str_eq(lc_strerror(0), "success");
    cr_expect_not_null(lc_strerror(-9999));
    cr_expect_not_null(lc_strerror(12345));
}
