#include "commands.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "report.h"
#include "runner.h"

static const struct lc_command commands[] = {
    {"run", "[options] PATH...",
     "run each case in a process of its own and report its verdict",
     lc_cmd_run},
    {"explain", "[options] CASE | TEST_ID",
     "judge one case or test and explain what grows, where, and who holds "
     "it",
     lc_cmd_explain},
    {"repro", "CASE ARTIFACT [-o OUT] [--minimize] ...",
     "turn a leak fuzzer finding into a regression case", lc_cmd_repro},
    {"unittest", "TARGET... [-k PATTERN] [-u RES,...] [options]",
     "a verdict per test of a unittest suite (CPython's test.* too)",
     lc_cmd_suite},
    {"pytest", "[PATH | NODEID ...] [-k EXPR] [-m MARKEXPR] [options]",
     "a verdict per pytest item", lc_cmd_suite},
    {"fuzz", "CASE [--time S] [-j N] [-o DIR] [--corpus DIR] ...",
     "fuzz a case's fuzz(data) for leaks; one case per distinct leak",
     lc_cmd_fuzz},
    {"report", "[--format F] [-o OUT] FILE...",
     "render journals and JSON reports; join the reports of shards",
     lc_cmd_report},
    {"__worker", "JOBFD RESULTFD", NULL, lc_cmd_worker},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void lc_help_print(FILE *f, const char *text)
{
    static const char mark[] = "@FORMATS@";
    const char *at;

    while ((at = strstr(text, mark))) {
        fwrite(text, 1, (size_t)(at - text), f);
        fputs(LC_FORMAT_CHOICES, f);
        text = at + sizeof(mark) - 1;
    }
    fputs(text, f);
}

static void help(FILE *f)
{
    fputs("usage:", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].summary)
            fprintf(f, "%s leakcheck %s %s\n", i ? "      " : "",
                    commands[i].name, commands[i].synopsis);
    fputs("\ncommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].summary)
            fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\n`leakcheck COMMAND --help` for a command's options;\n"
          "`leakcheck --version` for the version.\n"
          "\n"
          "exit status: 0 every case got its expected verdict, 1 at least one "
          "did\nnot, 2 bad command line, unusable case file, or a report "
          "that cannot\nbe written.\n",
          f);
}

int lc_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("leakcheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(leakcheck --help for usage)\n", stderr);
    return -LC_EUSAGE;
}

int lc_exit_status(int rc)
{
    if (rc == 0)
        return 0;
    if (rc == -LC_EINTR && lc_runner_interrupted())
        return 128 + lc_runner_interrupted(); /* as a shell reports it */
    return rc == -LC_EFAILED ? 1 : 2;
}

int lc_commands_main(int argc, char **argv)
{
    /* A reader that went away (`leakcheck run | head`) makes writes fail
     * with EPIPE: reported, exit 2, never a silent death by SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    /* Started with 0, 1 or 2 closed, the next pipe would take that number
     * and a worker's stdin or stderr would land on it: /dev/null there. */
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            break;
    if (argc < 2)
        return lc_exit_status(lc_usage_error("no command given"));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("leakcheck %s\nembeds %s (Python %s)\n", LC_VERSION,
               LC_PYTHON_EXECUTABLE, LC_PYTHON_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return lc_exit_status(commands[i].main(argc - 1, argv + 1));
    return lc_exit_status(lc_usage_error("unknown command '%s'", argv[1]));
}
