/*
 * commands.h - the leakcheck program: one table of commands, one file each.
 *
 * A command's main gets argv with argv[0] its own name and returns 0 or a
 * negative -LC_E* code (errors.h), having printed what went wrong. Only
 * lc_exit_status() turns a code into the program's exit status:
 *
 *   0  success: every case got its expected verdict, the file was written
 *   1  -LC_EFAILED: the work ran and its check failed (a case did not get
 *      its expected verdict, the minimizer found no leaking input)
 *   2  anything else: a bad command line, an unusable case file or input,
 *      a report that cannot be written, a runner that cannot run
 *   128 + N  -LC_EINTR: signal N stopped the run (130 SIGINT, 143 SIGTERM,
 *      129 SIGHUP), after the report of what was done
 */
#ifndef LC_COMMANDS_H
#define LC_COMMANDS_H

#include <stdio.h>

struct lc_command {
    const char *name;     /* argv[1] */
    const char *synopsis; /* what follows the name in usage lines */
    const char *summary;  /* one line for `leakcheck --help`; NULL hides it */
    int (*main)(int argc, char **argv);
};

int lc_cmd_run(int argc, char **argv);     /* cmd/run.c */
int lc_cmd_explain(int argc, char **argv); /* cmd/explain.c */
int lc_cmd_repro(int argc, char **argv);   /* cmd/repro.c */
int lc_cmd_report(int argc, char **argv);  /* cmd/report.c */
int lc_cmd_fuzz(int argc, char **argv);    /* cmd/fuzz.c */
int lc_cmd_worker(int argc, char **argv);  /* cmd/worker.c */
int lc_cmd_suite(int argc, char **argv);   /* cmd/suitecmd.c: unittest,
                                              pytest (argv[0]) */

/* The whole program: find argv[1] in the table and run it. Returns the
 * exit status. */
int lc_commands_main(int argc, char **argv);

int lc_exit_status(int rc);

/* Print a command's usage text on f, "@FORMATS@" spelled as the report
 * formats' names (report.h): the one way usage is printed. */
void lc_help_print(FILE *f, const char *text);

/* Print "leakcheck: <message>" and a pointer to --help on stderr; returns
 * -LC_EUSAGE. */
int lc_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
