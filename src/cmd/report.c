/*
 * leakcheck report FILE... [--format F] [-o OUT] - render journals and
 * JSON reports (journal.h), or join the reports of shards into one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "buf.h"
#include "commands.h"
#include "errors.h"
#include "journal.h"
#include "lc_limits.h"
#include "report.h"

static const char usage[] =
    "usage: leakcheck report [--format @FORMATS@] [-o OUT] [--baseline B]\n"
    "                        FILE...\n"
    "\n"
    "Render what runs wrote: journals (--journal, a JSON line per case) and\n"
    "JSON reports (--format json), one or many, in the order given: the\n"
    "shards of a run (--shard K/N) become one report. A case found in two\n"
    "files is an error (shards are disjoint).\n"
    "\n"
    "options:\n"
    "  --format @FORMATS@   report format (default text)\n"
    "  -o, --output FILE          write the report to FILE (default stdout)\n"
    "  --baseline FILE            known leaks (a previous JSON report or\n"
    "                             journal, or a list of ids and case paths):\n"
    "                             a known leak does not fail, a new one does\n"
    "\n"
    "exit status: 0 every case got its expected verdict, 1 at least one did\n"
    "not, 2 bad command line, an unreadable file, a case in two of them, or\n"
    "a report that cannot be written.\n";

static int parse(int argc, char **argv, enum lc_format *fmt,
                 const char **output, const char **baseline)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"baseline", required_argument, NULL, 'B'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            lc_help_print(stdout, usage);
            return 1;
        }
        if (opt == 'o') {
            *output = optarg;
        } else if (opt == 'B') {
            *baseline = optarg;
        } else if (opt == 'f' && lc_format_lookup(optarg) >= 0) {
            *fmt = (enum lc_format)lc_format_lookup(optarg);
        } else {
            return lc_usage_error("report: bad option (leakcheck report "
                                  "--help)");
        }
    }
    if (optind >= argc)
        return lc_usage_error("report: no journal or report given");
    return 0;
}

/* The same case twice means overlapping shards or a file given twice. */
static int check_unique(const struct lc_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(cases[i].path, cases[k].path) == 0 &&
                strcmp(cases[i].id, cases[k].id) == 0) {
                /* a suite's tests share their file: the id tells them */
                fprintf(stderr,
                        "leakcheck report: %s is in two of the "
                        "files (or twice in one)\n",
                        cases[i].id[0] ? cases[i].id : cases[i].path);
                return -LC_EINPUT;
            }
    return 0;
}

static int write_out(enum lc_format fmt, const char *output,
                     const struct lc_case *cases,
                     const struct lc_result *results, size_t n)
{
    struct lc_summary sum;
    double elapsed = 0;
    FILE *f = output ? fopen(output, "w") : stdout;
    int rc;

    if (!f) {
        fprintf(stderr, "leakcheck: %s: %s\n", output, strerror(errno));
        return -LC_EIO;
    }
    for (size_t i = 0; i < n; i++)
        elapsed += results[i].elapsed_s;
    lc_report_summarize(cases, results, n, elapsed, &sum);
    rc = lc_report_write_summary(f, fmt, cases, results, n, &sum);
    if (f != stdout && fclose(f) != 0)
        rc = -LC_EIO;
    if (rc < 0) {
        fprintf(stderr, "leakcheck: cannot write the report to %s\n",
                output ? output : "standard output");
        return rc;
    }
    return sum.ok == sum.cases ? 0 : -LC_EFAILED;
}

/* --baseline: every case marked known or new, whatever the files said. */
static int mark_baseline(const char *path, struct lc_case *cases, size_t n)
{
    struct lc_baseline b;
    char err[LC_PATH_MAX + 256];
    int rc = lc_baseline_read(path, &b, err, sizeof(err));

    if (rc < 0)
        fprintf(stderr, "leakcheck report: --baseline %s\n", err);
    else
        lc_baseline_mark(&b, cases, n);
    lc_baseline_release(&b);
    return rc;
}

int lc_cmd_report(int argc, char **argv)
{
    enum lc_format fmt = LC_FORMAT_TEXT;
    const char *output = NULL, *baseline = NULL;
    struct lc_buf cases, results;
    char err[LC_PATH_MAX + 256];
    size_t n;
    int rc = parse(argc, argv, &fmt, &output, &baseline);

    if (rc)
        return rc > 0 ? 0 : rc;
    lc_buf_init(&cases, LC_CASES_MAX * sizeof(struct lc_case));
    lc_buf_init(&results, LC_CASES_MAX * sizeof(struct lc_result));
    for (int i = optind; i < argc && rc == 0; i++)
        if ((rc = lc_journal_read(argv[i], &cases, &results, err,
                                  sizeof(err))) < 0)
            fprintf(stderr, "leakcheck report: %s\n", err);
    n = results.len / sizeof(struct lc_result);
    if (rc == 0)
        rc = check_unique((struct lc_case *)(void *)cases.data, n);
    if (rc == 0 && baseline)
        rc = mark_baseline(baseline, (struct lc_case *)(void *)cases.data, n);
    if (rc == 0)
        rc = write_out(fmt, output, (struct lc_case *)(void *)cases.data,
                       (struct lc_result *)(void *)results.data, n);
    for (size_t i = 0; i < n; i++) {
        free(((struct lc_result *)(void *)results.data)[i].explain_json);
        free(((struct lc_result *)(void *)results.data)[i].explain_text);
    }
    lc_buf_release(&cases);
    lc_buf_release(&results);
    return rc;
}
