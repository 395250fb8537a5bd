/*
 * test_discover.c - finding case files: name order, the keep rule, and the
 * paths that cannot be used (a FIFO, a dangling link, a folder that cannot
 * be listed, a link cycle), each reported while the rest is still found.
 * Every test builds its tree in a fresh temporary folder and removes it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "discover.h"
#include "errors.h"
#include "lc_limits.h"

static char dir[64];
static char err[8192];
static struct lc_buf list;

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/lc-test-discover-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    lc_buf_init(&list, LC_CASES_MAX * sizeof(char *));
}

static void remove_dir(void)
{
    char cmd[256];

    lc_discover_free(&list);
    snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
    cr_expect_eq(system(cmd), 0);
    cr_expect_eq(access(dir, F_OK), -1, "%s left behind", dir);
}

/* dir/rel, as a static string (one at a time). */
static const char *at(const char *rel)
{
    static char p[2][256];
    static int k;

    k ^= 1;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, rel);
    return p[k];
}

static void touch(const char *rel)
{
    FILE *f = fopen(at(rel), "w");

    cr_assert_not_null(f, "%s: %s", at(rel), strerror(errno));
    fputs("def run():\n    pass\n", f);
    fclose(f);
}

static void folder(const char *rel)
{
    cr_assert_eq(mkdir(at(rel), 0755), 0, "%s: %s", rel, strerror(errno));
}

static void link_to(const char *target, const char *rel)
{
    cr_assert_eq(symlink(target, at(rel)), 0, "%s: %s", rel, strerror(errno));
}

/* The list as "a.py b/c.py ...", relative to dir. */
static const char *found(void)
{
    static char s[4096];
    size_t n = 0;

    s[0] = '\0';
    for (size_t i = 0; i < lc_discover_count(&list); i++)
        n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "",
                              lc_discover_path(&list, i) + strlen(dir) + 1);
    return s;
}

Test(discover, a_tree_is_listed_in_name_order_by_the_keep_rule,
     .init = make_dir, .fini = remove_dir)
{
    folder("b");
    folder("__pycache__");
    folder(".hidden");
    touch("b/z.py");
    touch("b/a.py");
    touch("a.py");
    touch("_private.py");
    touch(".dot.py");
    touch("notes.txt");
    touch("__pycache__/c.py");
    touch(".hidden/d.py");
    cr_assert_eq(lc_discover(dir, lc_discover_case, &list, err, sizeof(err)),
                 0, "%s", err);
    cr_expect_str_eq(found(), "a.py b/a.py b/z.py");
    cr_expect_str_eq(err, "");
}

Test(discover, a_fifo_is_skipped_with_an_error_and_never_opened,
     .init = make_dir, .fini = remove_dir, .timeout = 10)
{
    touch("good.py");
    cr_assert_eq(mkfifo(at("x.py"), 0600), 0);
    cr_assert_eq(mkfifo(at("notes"), 0600), 0); /* not a case name: quiet */
    cr_expect_eq(lc_discover(dir, lc_discover_case, &list, err, sizeof(err)),
                 -LC_EINPUT);
    cr_expect_str_eq(found(), "good.py");
    cr_expect_neq(strstr(err, "/x.py: not a regular file (a FIFO)"), NULL,
                  "%s", err);
    cr_expect_eq(strstr(err, "notes"), NULL, "%s", err);
    /* Named as an operand, the same. */
    lc_discover_free(&list);
    lc_buf_init(&list, LC_CASES_MAX * sizeof(char *));
    cr_expect_eq(
        lc_discover(at("x.py"), lc_discover_case, &list, err, sizeof(err)),
        -LC_EINPUT);
    cr_expect_eq(lc_discover_count(&list), 0u);
    cr_expect_neq(strstr(err, "a FIFO"), NULL, "%s", err);
}

Test(discover, a_dangling_link_is_reported_not_skipped, .init = make_dir,
     .fini = remove_dir)
{
    touch("good.py");
    link_to("nowhere.py", "dangling.py");
    link_to("nowhere.txt", "dangling.txt"); /* not a case name: quiet */
    cr_expect_eq(lc_discover(dir, lc_discover_case, &list, err, sizeof(err)),
                 -LC_EINPUT);
    cr_expect_str_eq(found(), "good.py");
    cr_expect_neq(strstr(err, "/dangling.py: symbolic link to 'nowhere.py' "
                              "that leads nowhere"),
                  NULL, "%s", err);
    cr_expect_eq(strstr(err, "dangling.txt"), NULL, "%s", err);
}

Test(discover, a_link_cycle_lists_each_case_once, .init = make_dir,
     .fini = remove_dir, .timeout = 10)
{
    folder("a");
    folder("a/b");
    touch("a/b/one.py");
    link_to("..", "a/b/up");         /* a/b/up -> a: a cycle */
    link_to(".", "a/here");          /* a/here -> a */
    link_to("b/one.py", "a/two.py"); /* a second name for one file */
    cr_expect_eq(lc_discover(dir, lc_discover_case, &list, err, sizeof(err)),
                 0, "%s", err);
    cr_expect_str_eq(found(), "a/b/one.py");
}

Test(discover, an_unusable_operand_is_reported, .init = make_dir,
     .fini = remove_dir)
{
    touch("file.py");
    /* A file used as a folder: stat fails with ENOTDIR. */
    cr_expect_eq(lc_discover(at("file.py/sub"), lc_discover_case, &list, err,
                             sizeof(err)),
                 -LC_EINPUT);
    cr_expect_neq(strstr(err, "file.py/sub: "), NULL, "%s", err);
    cr_expect_neq(strstr(err, strerror(ENOTDIR)), NULL, "%s", err);
    cr_expect_eq(
        lc_discover(at("missing"), lc_discover_case, &list, err, sizeof(err)),
        -LC_EINPUT);
    cr_expect_neq(strstr(err, strerror(ENOENT)), NULL, "%s", err);
    cr_expect_eq(lc_discover_count(&list), 0u);
}

/* The walk of dir as the user nobody, when we are root (chmod 000 does
 * not stop root): exits 0 when the folder locked is reported and the
 * other cases found. */
static int walk_as(uid_t uid)
{
    struct lc_buf l;
    int rc;

    if (uid != geteuid() && (setgid(uid) < 0 || setuid(uid) < 0))
        return 10;
    lc_buf_init(&l, LC_CASES_MAX * sizeof(char *));
    rc = lc_discover(dir, lc_discover_case, &l, err, sizeof(err));
    if (rc != -LC_EINPUT)
        return 11;
    if (lc_discover_count(&l) != 2 || !strstr(err, "/locked: cannot list "
                                                   "this folder: "))
        return 12;
    if (!strstr(err, strerror(EACCES)))
        return 13;
    lc_discover_free(&l);
    return 0;
}

Test(discover, a_folder_that_cannot_be_listed_is_reported_and_the_rest_found,
     .init = make_dir, .fini = remove_dir)
{
    pid_t pid;
    int status;

    cr_assert_eq(chmod(dir, 0755), 0);
    folder("locked");
    touch("locked/hidden.py");
    touch("a.py");
    touch("z.py");
    cr_assert_eq(chmod(at("locked"), 0), 0);
    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(walk_as(geteuid() == 0 ? 65534 : geteuid()));
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "status %#x (10 setuid, 11 rc, 12 list or message, 13 errno)",
              status);
}

Test(discover, problems_past_the_error_buffer_are_counted, .init = make_dir,
     .fini = remove_dir)
{
    char small[200];
    char name[32];

    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "dangling%02d.py", i);
        link_to("nowhere", name);
    }
    touch("good.py");
    cr_expect_eq(
        lc_discover(dir, lc_discover_case, &list, small, sizeof(small)),
        -LC_EINPUT);
    cr_expect_str_eq(found(), "good.py");
    cr_expect_neq(strstr(small, " more unusable paths"), NULL, "%s", small);
    cr_expect_lt(strlen(small), sizeof(small));
}

Test(discover, print_prefixes_every_line)
{
    char buf[256] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");

    cr_assert_not_null(f);
    lc_discover_print(f, "leakcheck: ", "a: one\nb: two");
    fclose(f);
    cr_expect_str_eq(buf, "leakcheck: a: one\nleakcheck: b: two\n");
}
