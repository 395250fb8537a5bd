#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "errors.h"

int lc_opt_long(const char *opt, const char *arg, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return lc_usage_error("%s %s: must be %ld to %ld", opt, arg, lo, hi);
    *out = v;
    return 0;
}

int lc_opt_seconds(const char *opt, const char *arg, bool zero_ok, double max,
                   double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (*arg == '\0' || *end != '\0' || errno || !(zero_ok ? v >= 0 : v > 0) ||
        v > max)
        return lc_usage_error("%s %s: must be seconds in %s0, %.0f]", opt, arg,
                              zero_ok ? "[" : "(", max);
    *out = v;
    return 0;
}

int lc_opt_help(int opt, const char *usage)
{
    if (opt == 'h') {
        lc_help_print(stdout, usage);
        return 1;
    }
    lc_help_print(stderr, usage);
    return -LC_EUSAGE;
}

int lc_opt_operands(int argc, int want, const char *usage)
{
    if (argc - optind == want)
        return 0;
    lc_help_print(stderr, usage);
    return -LC_EUSAGE;
}
