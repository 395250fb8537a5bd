/*
 * opts.h - the option parsing every command shares: numbers and durations
 * with their ranges, --help and unknown options, the operand count.
 *
 * Each reader prints "leakcheck: <option> <value>: <what it wants>" (a
 * usage error, commands.h) and returns -LC_EUSAGE on a bad value, 0
 * otherwise; nothing is stored then.
 */
#ifndef LC_OPTS_H
#define LC_OPTS_H

#include <stdbool.h>

/* A whole number from lo to hi. */
int lc_opt_long(const char *opt, const char *arg, long lo, long hi, long *out);

/* Seconds, a decimal number up to max; 0 allowed only when zero_ok. */
int lc_opt_seconds(const char *opt, const char *arg, bool zero_ok, double max,
                   double *out);

/* What getopt_long's 'h' and '?' mean for every command: the usage on
 * stdout and 1 (the caller exits 0), or on stderr and -LC_EUSAGE. */
int lc_opt_help(int opt, const char *usage);

/* Exactly want operands after the options (optind on): 0, or the usage on
 * stderr and -LC_EUSAGE. */
int lc_opt_operands(int argc, int want, const char *usage);

#endif
