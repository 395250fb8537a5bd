/*
 * test_campaign.c - signatures of leaks and the set a campaign keeps
 * (campaign.h): the line's shape, the id, equality, the known file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"

static struct lc_sigset set;

static void setup(void)
{
    cr_assert_eq(lc_sigset_init(&set), 0);
}

static void teardown(void)
{
    lc_sigset_release(&set);
    cr_assert_null(set.text);
}

TestSuite(campaign, .init = setup, .fini = teardown);

Test(campaign, line_has_id_signals_and_the_rest)
{
    char line[LC_SIG_TEXT_MAX], id[9];

    lc_sig_format(line, sizeof(line), 3, "types=dict frames=a.py:3");
    cr_assert_eq(strlen(line) > 9, true);
    cr_assert_str_eq(line + 8,
                     " signals=py_blocks,py_bytes types=dict frames=a.py:3");
    lc_sig_id(line, id);
    cr_assert_eq(strlen(id), 8);
    cr_assert_eq(strspn(id, "0123456789abcdef"), 8);
    lc_sig_format(line, sizeof(line), 2, "types=- frames=-");
    cr_assert_str_eq(line + 8, " signals=py_bytes types=- frames=-");
    lc_sig_format(line, sizeof(line), 1, "types=- frames=-");
    cr_assert_str_eq(line + 8, " signals=py_blocks types=- frames=-");
}

Test(campaign, native_signature_is_its_frames_alone)
{
    char line[LC_SIG_TEXT_MAX];

    lc_sig_format(line, sizeof(line), 0, "native=f,g,h");
    cr_assert_str_eq(line + 8, " native=f,g,h");
}

Test(campaign, same_types_and_frames_same_leak_whatever_the_signals)
{
    char a[LC_SIG_TEXT_MAX], b[LC_SIG_TEXT_MAX], c[LC_SIG_TEXT_MAX];
    char d[LC_SIG_TEXT_MAX];

    lc_sig_format(a, sizeof(a), 3, "types=- frames=x.py:1");
    lc_sig_format(b, sizeof(b), 1, "types=- frames=x.py:1");
    lc_sig_format(c, sizeof(c), 3, "types=- frames=x.py:2");
    lc_sig_format(d, sizeof(d), 3, "types=list frames=x.py:1");
    cr_assert(lc_sig_same(a, b));
    cr_assert_eq(strncmp(a, b, 8), 0); /* one id */
    cr_assert_not(lc_sig_same(a, c));
    cr_assert_neq(strncmp(a, c, 8), 0);
    cr_assert_not(lc_sig_same(a, d));
}

Test(campaign, a_c_site_alone_names_a_leak)
{
    char a[LC_SIG_TEXT_MAX], b[LC_SIG_TEXT_MAX], c[LC_SIG_TEXT_MAX];
    char d[LC_SIG_TEXT_MAX], v[64];

    /* One C function through two Python lines, keeping other types. */
    lc_sig_format(a, sizeof(a), 3,
                  "c=read@_ext via=- keeps=list(+1/call) types=list "
                  "frames=x.py:1");
    lc_sig_format(b, sizeof(b), 1,
                  "c=read@_ext via=- keeps=str(+1/call) types=- "
                  "frames=x.py:7");
    lc_sig_format(c, sizeof(c), 3,
                  "c=parse@_ext via=- keeps=list(+1/call) types=list "
                  "frames=x.py:1");
    lc_sig_format(d, sizeof(d), 3, "types=list frames=x.py:1");
    cr_assert(lc_sig_same(a, b));
    cr_assert_eq(strncmp(a, b, 8), 0); /* one id */
    cr_assert_not(lc_sig_same(a, c));
    cr_assert_neq(strncmp(a, c, 8), 0);
    cr_assert_not(lc_sig_same(a, d)); /* a Python leak is another one */
    cr_assert(lc_sig_field(b, "keeps", v, sizeof(v)));
    cr_assert_str_eq(v, "str(+1/call)");
    cr_assert(lc_sig_field(c, "c", v, sizeof(v)));
    cr_assert_str_eq(v, "parse@_ext");
    cr_assert_not(lc_sig_field(d, "c", v, sizeof(v)));
    cr_assert_str_eq(v, "");
}

Test(campaign, a_signature_is_added_once)
{
    char a[LC_SIG_TEXT_MAX], b[LC_SIG_TEXT_MAX], id[9];

    lc_sig_format(a, sizeof(a), 3, "types=- frames=x.py:1");
    lc_sig_format(b, sizeof(b), 3, "types=- frames=y.py:1");
    cr_assert_eq(lc_sigset_add(&set, a), 0);
    cr_assert_eq(lc_sigset_add(&set, a), 0);
    cr_assert_eq(lc_sigset_add(&set, b), 1);
    cr_assert_eq(set.n, 2);
    cr_assert_eq(lc_sigset_find(&set, b), 1);
    lc_sig_id(b, id);
    cr_assert_eq(lc_sigset_find_id(&set, id), 1);
    cr_assert_eq(lc_sigset_find_id(&set, "xyz"), -1);
}

Test(campaign, full_set_refuses_more)
{
    char line[LC_SIG_TEXT_MAX], rest[64];

    for (int i = 0; i < LC_SIGSET_MAX; i++) {
        snprintf(rest, sizeof(rest), "types=- frames=f.py:%d", i);
        lc_sig_format(line, sizeof(line), 3, rest);
        cr_assert_eq(lc_sigset_add(&set, line), i);
    }
    lc_sig_format(line, sizeof(line), 3, "types=- frames=one_more.py:1");
    cr_assert_eq(lc_sigset_add(&set, line), -1);
    cr_assert_eq(set.n, LC_SIGSET_MAX);
}

Test(campaign, known_file_round_trip_skips_comments_and_blanks)
{
    char path[] = "/tmp/test_campaign_XXXXXX", a[LC_SIG_TEXT_MAX];
    int fd = mkstemp(path);
    FILE *f;

    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    fputs("# known leaks\n\n", f);
    fclose(f);
    lc_sig_format(a, sizeof(a), 3, "types=list frames=x.py:9");
    cr_assert_eq(lc_sig_append(path, a), 0);
    cr_assert_eq(lc_sig_append(path, a), 0);
    cr_assert_eq(lc_sigset_load(&set, path), 2); /* two lines, one entry */
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.text[0], a);
    unlink(path);
    cr_assert_eq(lc_sigset_load(&set, path), 0); /* missing: empty */
}
