/*
 * test_explain.c - the explain pass in this process (lc_explain_run): the
 * embedded package answers with versioned JSON, and its tracebacks show the
 * embedded modules' source lines (registered in linecache by explain.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

static char *json, *text;

static void fini(void)
{
    free(json);
    free(text);
}

static void run(const char *path, unsigned growing)
{
    struct lc_explain_job job = {
        .path = path,
        .warmup = 1,
        .iterations = 10,
        .depth = 8,
        .growing = growing,
    };

    job.per_iter[LC_SIG_PY_BLOCKS] = 5;
    cr_assert_eq(lc_explain_run(&job, &json, &text), 0);
    cr_assert_not_null(json);
    cr_assert_not_null(text);
}

Test(explain, a_leak_is_explained_in_versioned_json, .fini = fini)
{
    run(LC_SOURCE_DIR "/tests/explain/cases/audit_list.py",
        1u << LC_SIG_PY_BLOCKS);
    cr_assert(strncmp(json, "{\"explain_version\": 1,", 22) == 0, "%.200s",
              json);
    cr_assert(strstr(json, "\"growth\": {\"py_blocks\": 5.0}"), "%.400s",
              json);
    cr_assert(strstr(text, "audit_list.AUDIT["), "%s", text);
    /* The count from the JSON: the text's header wraps a long path (a
     * clone under a long folder name), which would split "10 iterations"
     * over two lines. */
    cr_assert(strstr(json, "\"iterations\": 10,"), "%.400s", json);
}

Test(explain, a_failure_shows_the_embedded_source_lines, .fini = fini)
{
    /* run() raises on its fifth call: inside entry.run()'s warm-up, so the
     * traceback goes through the embedded driver's frames. */
    run(LC_SOURCE_DIR "/tests/cases/failures/raise_in_run.py", 0);
    cr_assert(strncmp(json, "{\"error\": \"explanation failed in ", 33) == 0,
              "%s", json);
    cr_assert(strstr(text, "File \"<leakcheck>/explain/entry.py\", line"),
              "%s", text);
    cr_assert(strstr(text, "drive.repeat(step, "), "%s", text);
    cr_assert(strstr(text, "File \"<leakcheck>/explain/drive.py\", line"),
              "%s", text);
    cr_assert(strstr(text, "\n    step()\n"), "%s", text);
    cr_assert(strstr(text, "RunBoom"), "%s", text);
}

Test(explain, a_missing_case_fails_with_both_texts, .fini = fini)
{
    run("/nonexistent/leakcheck-case.py", 0);
    cr_assert(strstr(json, "{\"error\": \"explanation failed in load:"), "%s",
              json);
    cr_assert(strstr(text, "explanation failed in load:"), "%s", text);
}
