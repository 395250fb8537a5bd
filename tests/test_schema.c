/*
 * test_schema.c - schema/report.schema.json's enums are the tables'.
 *
 * The JSON report writes names from the X-macro tables (signals, verdicts,
 * expect, phases, plan reasons, trend states); the schema users validate
 * against spells them by hand. A row added to a table without the schema
 * (or the reverse) fails here, naming the value.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "json.h"
#include "plan.h"
#include "result.h"
#include "signals.h"
#include "trend.h"

static struct lc_json schema;
static char *text;

static void load(void)
{
    const char *path = LC_SOURCE_DIR "/schema/report.schema.json";
    char err[256];
    FILE *f = fopen(path, "rb");
    long n;

    cr_assert(f, "missing fixture: %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = malloc((size_t)n + 1);
    cr_assert(text && fread(text, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    cr_assert_eq(lc_json_parse(text, (size_t)n, &schema, err, sizeof(err)), 0,
                 "%s: %s", path, err);
}

static void unload(void)
{
    lc_json_release(&schema);
    free(text);
}

/* The array at a path of object keys ("$defs", "verdict", "enum"). */
static const struct lc_json *at(const char *const *path)
{
    const struct lc_json *o = &schema;

    for (; *path; path++) {
        o = lc_json_get(o, *path);
        cr_assert(o, "the schema has no member '%s' on the path", *path);
    }
    cr_assert_eq(o->type, LC_JSON_ARRAY);
    return o;
}

/* The array holds exactly the names name(0..n) but skip (as a set). */
static void same_names(const char *const *path, const char *(*name)(int),
                       int n, const char *skip)
{
    const struct lc_json *a = at(path);
    char where[256] = "";
    size_t want = 0;

    for (const char *const *k = path; *k; k++)
        snprintf(where + strlen(where), sizeof(where) - strlen(where), "/%s",
                 *k);

    for (int i = 0; i < n; i++) {
        const char *s = name(i);
        bool found = false;

        if (skip && strcmp(s, skip) == 0)
            continue;
        want++;
        for (size_t j = 0; j < a->len; j++)
            found |= a->items[j].type == LC_JSON_STRING &&
                     strcmp(a->items[j].str, s) == 0;
        cr_expect(found, "the table's '%s' is not in the schema's %s", s,
                  where);
    }
    cr_expect_eq(a->len, want, "the schema's %s has %zu values, the table %zu",
                 where, a->len, want);
}

static const char *signal_at(int i)
{
    return lc_signal_name((enum lc_signal)i);
}
static const char *verdict_at(int i)
{
    return lc_verdict_name((enum lc_verdict)i);
}
static const char *expect_at(int i)
{
    return lc_expect_name((enum lc_expect)i);
}
static const char *phase_at(int i)
{
    return lc_phase_name((enum lc_phase)i);
}
static const char *reason_at(int i)
{
    return lc_plan_reason_name((enum lc_plan_reason)i);
}
static const char *state_at(int i)
{
    return lc_trend_state_name((enum lc_trend_state)i);
}

TestSuite(schema, .init = load, .fini = unload);

Test(schema, signal_names_are_the_signal_table)
{
    static const char *const names[] = {"$defs", "signal_name", "enum", NULL};
    static const char *const req[] = {"$defs",   "case",     "properties",
                                      "signals", "required", NULL};

    same_names(names, signal_at, LC_SIG_COUNT, NULL);
    same_names(req, signal_at, LC_SIG_COUNT, NULL);
}

Test(schema, verdicts_and_expect_are_their_tables)
{
    static const char *const v[] = {"$defs", "verdict", "enum", NULL};
    static const char *const e[] = {"$defs",  "case", "properties",
                                    "expect", "enum", NULL};

    same_names(v, verdict_at, LC_VERDICT_COUNT, NULL);
    same_names(e, expect_at, LC_EXPECT_COUNT, NULL);
}

Test(schema, phases_reasons_and_states_are_their_tables)
{
    static const char *const p[] = {"$defs", "case", "properties",
                                    "phase", "enum", NULL};
    static const char *const r[] = {"$defs",  "case", "properties",
                                    "reason", "enum", NULL};
    static const char *const s[] = {"$defs", "signal", "properties",
                                    "state", "enum",   NULL};

    /* LC_PHASE_NONE's "" is never written: no phase member then. */
    same_names(p, phase_at, LC_PHASE_COUNT, "");
    same_names(r, reason_at, LC_PLAN_REASON_COUNT, NULL);
    same_names(s, state_at, LC_TREND_STATE_COUNT, NULL);
}
