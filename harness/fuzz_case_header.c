/*
 * fuzz_case_header - the case header parser (case.h) on any bytes.
 *
 * Input layout: the top of a case file, as is (the parser is handed at
 * most LC_HEADER_BYTES_MAX bytes by lc_case_parse, so longer inputs are
 * rejected).
 *
 * Invariants checked, each a finding when broken:
 *   - the result is 0 or -LC_EHEADER, nothing else;
 *   - an error comes with a message "fuzz_case.py:LINE: what", one line;
 *   - a success leaves every setting in its documented range (case.h) and
 *     the path untouched;
 *   - parsing is deterministic: twice gives the same struct, byte for byte;
 *   - a small error buffer is never overrun and does not change the
 *     outcome (a canary sits right after it).
 * Memory errors and undefined behaviour are ASan's and UBSan's to report.
 */
#include <stdbool.h>
#include <string.h>

#include "case.h"
#include "errors.h"
#include "fuzz_common.h"
#include "lc_limits.h"
#include "signals.h"

#define PATH "fuzz_case.py"

/* An error message starts "fuzz_case.py:<line>: " and holds no newline. */
static bool well_formed_error(const char *err)
{
    const char *p = err + strlen(PATH);

    if (strncmp(err, PATH ":", strlen(PATH ":")) != 0)
        return false;
    p++;
    if (*p < '1' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ':' && p[1] == ' ' && p[2] != '\0' && !strchr(err, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lc_case c1, c2;
    static char err1[LC_LINE_MAX + LC_PATH_MAX], err2[sizeof(err1)];
    struct {
        char err[8];
        char canary[8];
    } small;
    const char *text = (const char *)data;
    int rc1, rc2, rc3;

    if (size > LC_HEADER_BYTES_MAX)
        return 0;

    lc_case_init(&c1, PATH);
    rc1 = lc_case_parse_text(&c1, text, size, err1, sizeof(err1));
    LC_FUZZ_CHECK(rc1 == 0 || rc1 == -LC_EHEADER);
    LC_FUZZ_CHECK(strcmp(c1.path, PATH) == 0);
    LC_FUZZ_CHECK(memchr(err1, '\0', sizeof(err1)) != NULL);
    if (rc1 == 0) {
        LC_FUZZ_CHECK(err1[0] == '\0');
        LC_FUZZ_CHECK(c1.expect == LC_EXPECT_CLEAN ||
                      c1.expect == LC_EXPECT_LEAK);
        LC_FUZZ_CHECK(memchr(c1.source, '\0', sizeof(c1.source)) != NULL);
        LC_FUZZ_CHECK(c1.warmup >= 0 && c1.warmup <= LC_ITERATIONS_MAX);
        LC_FUZZ_CHECK(c1.iterations >= LC_MIN_ITERATIONS &&
                      c1.iterations <= LC_ITERATIONS_MAX);
        LC_FUZZ_CHECK(c1.time_s > 0 && c1.time_s <= 86400);
        LC_FUZZ_CHECK(c1.timeout_s > 0 && c1.timeout_s <= 86400);
        LC_FUZZ_CHECK(c1.signals != 0 && (c1.signals & ~LC_SIG_ALL) == 0);
    } else {
        LC_FUZZ_CHECK(well_formed_error(err1));
    }

    lc_case_init(&c2, PATH);
    rc2 = lc_case_parse_text(&c2, text, size, err2, sizeof(err2));
    LC_FUZZ_CHECK(rc2 == rc1);
    LC_FUZZ_CHECK(memcmp(&c1, &c2, sizeof(c1)) == 0);
    LC_FUZZ_CHECK(strcmp(err1, err2) == 0);

    memset(&small, 0, sizeof(small));
    memcpy(small.canary, "CANARY!", 8);
    lc_case_init(&c2, PATH);
    rc3 = lc_case_parse_text(&c2, text, size, small.err, sizeof(small.err));
    LC_FUZZ_CHECK(rc3 == rc1);
    LC_FUZZ_CHECK(memcmp(small.canary, "CANARY!", 8) == 0);
    LC_FUZZ_CHECK(memchr(small.err, '\0', sizeof(small.err)) != NULL);
    return 0;
}
