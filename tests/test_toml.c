/*
 * test_toml.c - the pyproject.toml reader of toml.h: values under the
 * wanted tables, everything else skipped without being misread, and
 * errors that name the line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "toml.h"

/* What the callback saw, as "table#element key=value|" lines. */
static char seen[4096];

static int collect(void *ctx, const char *table, long element, const char *key,
                   const struct lc_toml_value *v, long line, char *err,
                   size_t errlen)
{
    size_t n = strlen(seen);

    (void)ctx, (void)line, (void)err, (void)errlen;
    n += (size_t)snprintf(seen + n, sizeof(seen) - n, "%s#%ld %s=", table,
                          element, key);
    if (v->type == LC_TOML_STRING)
        snprintf(seen + n, sizeof(seen) - n, "'%s'|", v->str);
    else if (v->type == LC_TOML_BOOL)
        snprintf(seen + n, sizeof(seen) - n, "%s|",
                 v->boolean ? "true" : "false");
    else if (v->type == LC_TOML_ARRAY) {
        for (size_t i = 0; i < v->n; i++)
            n += (size_t)snprintf(seen + n, sizeof(seen) - n, "%s'%s'",
                                  i ? "," : "[", v->items[i]);
        snprintf(seen + n, sizeof(seen) - n, "%s]|", v->n ? "" : "[");
    } else
        snprintf(seen + n, sizeof(seen) - n, "%g%s|", v->number,
                 v->type == LC_TOML_INTEGER ? "i" : "f");
    return 0;
}

static int read_text(const char *text, char *err, size_t errlen)
{
    seen[0] = '\0';
    return lc_toml_read(text, strlen(text), "tool.leakcheck", collect, NULL,
                        NULL, err, errlen);
}

Test(toml, values_under_the_wanted_tables_are_parsed)
{
    char err[256] = "";
    const char *text = "[tool.leakcheck]\n"
                       "time = 1_000\n"
                       "ratio = 2.5e0 # a comment\n"
                       "no-explain = true\n"
                       "\"quoted key\" = 'lit\\eral'\n"
                       "s = \"a\\tb\\u00e9\"\n"
                       "[[tool.leakcheck.overrides]]\n"
                       "tests = [\n  \"a::b\", # first\n  'c*',\n]\n"
                       "[[tool.leakcheck.overrides]]\n"
                       "tests = []\n";

    cr_assert_eq(read_text(text, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(seen, "tool.leakcheck#0 time=1000i|"
                           "tool.leakcheck#0 ratio=2.5f|"
                           "tool.leakcheck#0 no-explain=true|"
                           "tool.leakcheck#0 quoted key='lit\\eral'|"
                           "tool.leakcheck#0 s='a\tb\xc3\xa9'|"
                           "tool.leakcheck.overrides#1 tests=['a::b','c*']|"
                           "tool.leakcheck.overrides#2 tests=[]|");
}

Test(toml, other_tables_are_skipped_whatever_they_hold)
{
    char err[256] = "";
    const char *text =
        "[project]\n"
        "description = \"\"\"\n[tool.leakcheck]\nx = 1\n\"\"\"\n"
        "lit = '''\n[tool.leakcheck]\n'''\n"
        "deps = [\n  [\"x\", 1],\n  {a = 1, b = [2]},\n]\n"
        "when = 1979-05-27 07:32:00Z\n"
        "inline = {name = \"x\", 'y' = [1, 2]}\n"
        "a.b.c = \"dotted\"\n"
        "[tool.other]\nkey = \"]\"\n"
        "[tool.leakcheck]\njobs = 2\n";

    cr_assert_eq(read_text(text, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(seen, "tool.leakcheck#0 jobs=2i|");
}

Test(toml, errors_name_the_line)
{
    static const struct {
        const char *text, *err;
    } bad[] = {
        {"[tool.leakcheck]\nx = \n", "2: expected a value"},
        {"a = 1\n\n[tool.leakcheck]\nx = \"open\n",
         "4: a string is not closed"},
        {"[tool.leakcheck]\nx = {a = 1}\n", "2: an inline table"},
        {"[tool.leakcheck]\nx = [1, 2]\n", "2: expected an array of strings"},
        {"[tool.leakcheck]\nx = 1 2\n", "2: expected a string, a number"},
        {"[tool.leakcheck\n", "1: expected ']'"},
        {"[tool.leakcheck]\nx = 1 y = 2\n", "2: expected"},
        {"[tool.leakcheck]\nx = 'a' junk\n",
         "2: expected the end of the line"},
        {"[tool.leakcheck]\nx = nan\n", "2: expected a string, a number"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[256] = "";

        cr_assert_eq(read_text(bad[i].text, err, sizeof(err)), -LC_EINPUT,
                     "%s", bad[i].text);
        cr_assert(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0,
                  "%s: got '%s', want '%s...'", bad[i].text, err, bad[i].err);
    }
}
