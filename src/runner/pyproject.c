/* [tool.leakcheck] in a project's pyproject.toml (pyproject.h). */
#include "pyproject.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "signals.h"
#include "toml.h"

#define MAIN_TABLE "tool.leakcheck"
#define OVERRIDES "tool.leakcheck.overrides"
#define SETTING_KEYS "tests, expect, skip, time, signals"

/* Largest pyproject.toml read: far above any real one. */
#define PYPROJECT_MAX (4 << 20)

/* Options whose value is a file or folder: relative to the file's folder. */
static const char *const path_options[] = {"output", "journal", "baseline",
                                           "explain-dir", NULL};

struct loader {
    struct lc_pyproject *pp;
    const struct option *options;
};

static int add_word(struct lc_buf *b, size_t *n, const char *w, size_t len)
{
    if (lc_buf_append(b, w, len) < 0 || lc_buf_append(b, "", 1) < 0)
        return -1;
    (*n)++;
    return 0;
}

int lc_settings_take(struct lc_test_settings *s, const char *key,
                     const char *value, char *err, size_t errlen)
{
    char *end;

    if (strcmp(key, "expect") == 0) {
        if (lc_expect_lookup(value) < 0)
            goto bad;
        s->expect = lc_expect_lookup(value);
    } else if (strcmp(key, "skip") == 0) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            goto bad;
        s->skip = value[0] == 't';
    } else if (strcmp(key, "time") == 0) {
        s->time_s = strtod(value, &end);
        if (!*value || *end || !(s->time_s > 0) ||
            s->time_s > LC_RUN_SECONDS_MAX)
            goto bad;
    } else if (strcmp(key, "signals") == 0) {
        s->signals = 0;
        for (const char *p = value; *p;) {
            size_t len = strcspn(p, ", ");
            int sig = lc_signal_lookup(p, (unsigned)len);

            if (len == 3 && strncmp(p, "all", 3) == 0)
                s->signals = LC_SIG_ALL;
            else if (sig < 0)
                goto bad;
            else
                s->signals |= 1u << sig;
            p += len;
            p += strspn(p, ", ");
        }
        if (!s->signals)
            goto bad;
    } else {
        snprintf(err, errlen, "unknown key '%s' (keys: %s)", key,
                 SETTING_KEYS);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errlen,
             "%s = %s: want expect \"leak\" or \"clean\", skip true or "
             "false, time seconds in (0, 86400], signals names of "
             "signals or \"all\"",
             key, value);
    return -1;
}

/* A value as the text lc_settings_take and getopt read. */
static void value_text(const struct lc_toml_value *v, char *out, size_t len)
{
    size_t n = 0;

    out[0] = '\0';
    if (v->type == LC_TOML_STRING) {
        snprintf(out, len, "%s", v->str);
    } else if (v->type == LC_TOML_BOOL) {
        snprintf(out, len, "%s", v->boolean ? "true" : "false");
    } else if (v->type == LC_TOML_ARRAY) {
        for (size_t i = 0; i < v->n && n + 1 < len; i++)
            n += (size_t)snprintf(out + n, len - n, "%s%s", i ? "," : "",
                                  v->items[i]);
    } else {
        for (size_t i = 0; i < v->raw_len && n + 1 < len; i++)
            if (v->raw[i] != '_')
                out[n++] = v->raw[i];
        out[n] = '\0';
    }
}

/* A key of [tool.leakcheck]: a long option of the command. */
static int option_pair(struct loader *ld, const char *key,
                       const struct lc_toml_value *v, long line, char *err,
                       size_t errlen)
{
    char name[128], text[LC_PATH_MAX], word[LC_PATH_MAX + 8];
    const struct option *o = ld->options;
    struct lc_pyproject *pp = ld->pp;

    snprintf(name, sizeof(name), "%s", key);
    for (char *c = name; *c; c++)
        *c = *c == '_' ? '-' : *c;
    while (o->name && (strcmp(o->name, name) || !strcmp(name, "help")))
        o++;
    if (!o->name) {
        snprintf(err, errlen,
                 "%ld: unknown key '%s' in [" MAIN_TABLE "] (keys: the "
                 "command's long options, see --help)",
                 line, key);
        return -1;
    }
    if ((o->has_arg == no_argument) != (v->type == LC_TOML_BOOL) ||
        v->type == LC_TOML_ARRAY) {
        snprintf(err, errlen, "%ld: %s: want %s", line, key,
                 o->has_arg == no_argument ? "true or false"
                                           : "a string or a number");
        return -1;
    }
    if (v->type == LC_TOML_BOOL && !v->boolean)
        return 0;
    snprintf(word, sizeof(word), "--%s", name);
    value_text(v, text, sizeof(text));
    for (const char *const *p = path_options; *p && text[0] != '/'; p++)
        if (strcmp(*p, name) == 0) {
            char rel[LC_PATH_MAX];

            snprintf(rel, sizeof(rel), "%s", text);
            snprintf(text, sizeof(text), "%.2000s/%.2000s", pp->dir, rel);
        }
    if (add_word(&pp->words, &pp->nwords, word, strlen(word)) < 0 ||
        (o->has_arg != no_argument &&
         add_word(&pp->words, &pp->nwords, text, strlen(text)) < 0)) {
        snprintf(err, errlen, "%ld: too many settings", line);
        return -1;
    }
    return 0;
}

/* A key of an override table. */
static int override_pair(struct loader *ld, const char *key,
                         const struct lc_toml_value *v, long line, char *err,
                         size_t errlen)
{
    struct lc_pyproject *pp = ld->pp;
    struct lc_pyproject_override *o = &pp->ovr[pp->novr - 1];
    char text[LC_PATH_MAX], why[512];

    if (strcmp(key, "tests") == 0) {
        size_t n = v->type == LC_TOML_ARRAY ? v->n : 1;

        if (v->type != LC_TOML_ARRAY && v->type != LC_TOML_STRING) {
            snprintf(err, errlen, "%ld: tests: want a list of ids or globs",
                     line);
            return -1;
        }
        o->first = pp->npatterns;
        o->ntests = n;
        for (size_t i = 0; i < n; i++) {
            const char *p = v->type == LC_TOML_ARRAY ? v->items[i] : v->str;

            if (add_word(&pp->patterns, &pp->npatterns, p, strlen(p)) < 0) {
                snprintf(err, errlen, "%ld: too many patterns", line);
                return -1;
            }
        }
        return 0;
    }
    value_text(v, text, sizeof(text));
    if (lc_settings_take(&o->settings, key, text, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%ld: in [[" OVERRIDES "]]: %s", line, why);
        return -1;
    }
    return 0;
}

static int on_pair(void *ctx, const char *table, long element, const char *key,
                   const struct lc_toml_value *v, long line, char *err,
                   size_t errlen)
{
    (void)element;
    if (strcmp(table, MAIN_TABLE) == 0)
        return option_pair(ctx, key, v, line, err, errlen);
    return override_pair(ctx, key, v, line, err, errlen);
}

static int on_table(void *ctx, const char *table, bool array, long line,
                    char *err, size_t errlen)
{
    struct lc_pyproject *pp = ((struct loader *)ctx)->pp;
    size_t n = strlen(MAIN_TABLE);

    if (strncmp(table, MAIN_TABLE, n) || (table[n] && table[n] != '.'))
        return 0;
    if (strcmp(table, OVERRIDES) == 0 && array) {
        if (pp->novr >= LC_PYPROJECT_OVERRIDES_MAX) {
            snprintf(err, errlen, "%ld: more than %d override tables", line,
                     LC_PYPROJECT_OVERRIDES_MAX);
            return -1;
        }
        pp->ovr[pp->novr] = (struct lc_pyproject_override){
            .line = line, .settings = {.expect = -1, .skip = -1}};
        pp->novr++;
        return 0;
    }
    if (strcmp(table, MAIN_TABLE) == 0 && !array)
        return 0;
    snprintf(err, errlen,
             "%ld: unknown table [%s%s%s] (leakcheck reads [" MAIN_TABLE
             "] and [[" OVERRIDES "]])",
             line, array ? "[" : "", table, array ? "]" : "");
    return -1;
}

/* The folder to start from: the common ancestor of the paths given (the
 * part before "::" of a pytest node id), or the current folder. */
static void start_dir(char *const *paths, int n, char *dir, size_t len)
{
    bool any = false;

    for (int i = 0; i < n; i++) {
        char p[LC_PATH_MAX], real[PATH_MAX];
        struct stat st;
        char *cut;
        size_t k = 0;

        snprintf(p, sizeof(p), "%s", paths[i]);
        if ((cut = strstr(p, "::")))
            *cut = '\0';
        if (!realpath(p, real) || stat(real, &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode) && (cut = strrchr(real, '/')))
            *(cut == real ? cut + 1 : cut) = '\0';
        if (!any) {
            snprintf(dir, len, "%s", real);
            any = true;
            continue;
        }
        while (dir[k] && dir[k] == real[k])
            k++;
        if (!((dir[k] == '\0' || dir[k] == '/') &&
              (real[k] == '\0' || real[k] == '/')))
            while (k > 0 && dir[k] != '/')
                k--;
        dir[k > 0 ? k : 1] = '\0';
    }
    if (!any && !getcwd(dir, len))
        snprintf(dir, len, "/");
}

static int read_file(const char *path, struct lc_buf *text)
{
    FILE *f = fopen(path, "re");
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!f)
        return -LC_EIO;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = lc_buf_append(text, chunk, n);
    if (ferror(f))
        rc = -LC_EIO;
    fclose(f);
    return rc;
}

int lc_pyproject_load(char *const *paths, int n, const struct option *options,
                      struct lc_pyproject *pp, char *err, size_t errlen)
{
    struct loader ld = {.pp = pp, .options = options};
    char dir[LC_PATH_MAX], msg[1024];
    struct lc_buf text;
    int rc = 0;

    memset(pp, 0, sizeof(*pp));
    lc_buf_init(&pp->words, 64 * 1024);
    lc_buf_init(&pp->patterns, 1024 * 1024);
    lc_buf_init(&text, PYPROJECT_MAX);
    start_dir(paths, n, dir, sizeof(dir));
    for (;;) {
        char *slash;

        snprintf(pp->path, sizeof(pp->path), "%.4000s/pyproject.toml",
                 strcmp(dir, "/") ? dir : "");
        lc_buf_clear(&text);
        if (read_file(pp->path, &text) == 0 && text.data &&
            strstr(text.data, MAIN_TABLE))
            break;
        if (!(slash = strrchr(dir, '/')) || strcmp(dir, "/") == 0) {
            pp->path[0] = '\0';
            goto out;
        }
        *(slash == dir ? slash + 1 : slash) = '\0';
    }
    snprintf(pp->dir, sizeof(pp->dir), "%s", dir);
    rc = lc_toml_read(text.data, text.len, MAIN_TABLE, on_pair, on_table, &ld,
                      msg, sizeof(msg));
    if (rc < 0)
        snprintf(err, errlen, "%s:%s", pp->path, msg);
out:
    lc_buf_release(&text);
    return rc;
}

void lc_pyproject_release(struct lc_pyproject *pp)
{
    lc_buf_release(&pp->words);
    lc_buf_release(&pp->patterns);
}

void lc_settings_apply(const struct lc_test_settings *s, const char *why,
                       struct lc_case *c, struct lc_result *r)
{
    if (s->expect >= 0)
        c->expect = (enum lc_expect)s->expect;
    if (s->time_s > 0)
        c->time_s = s->time_s;
    if (s->signals)
        c->signals = s->signals;
    if (s->skip == 1) {
        lc_result_fail(r, LC_VERDICT_SKIPPED, LC_PHASE_NONE, "%s", why);
    } else if (s->skip == 0 && r->magic == LC_RESULT_MAGIC &&
               r->verdict == LC_VERDICT_SKIPPED) {
        memset(r, 0, sizeof(*r)); /* a later table runs it again */
    }
}

/* The case's file relative to dir, or NULL when it is not under dir. */
static const char *relative(const struct lc_case *c, const char *dir,
                            char *real)
{
    size_t n = strlen(dir);

    if (!realpath(c->path, real) || strncmp(real, dir, n) || real[n] != '/')
        return NULL;
    return real + n + 1;
}

/* Whether pattern names the case: its id (a pytest node id also with its
 * file part relative to dir: pytest's rootdir need not be the file's
 * folder), or its path as given or relative to dir. */
static bool names(const char *pattern, const struct lc_case *c,
                  const char *dir)
{
    char real[PATH_MAX], id[LC_PATH_MAX + LC_TEST_ID_MAX];
    const char *rel = relative(c, dir, real), *rest = strstr(c->id, "::");

    if (c->id[0] && (!strcmp(pattern, c->id) || !fnmatch(pattern, c->id, 0)))
        return true;
    if (c->id[0] && rest && rel) {
        snprintf(id, sizeof(id), "%s%s", rel, rest);
        return !strcmp(pattern, id) || !fnmatch(pattern, id, 0);
    }
    if (c->id[0])
        return false;
    return !strcmp(pattern, c->path) || !fnmatch(pattern, c->path, 0) ||
           (rel && !fnmatch(pattern, rel, 0));
}

void lc_pyproject_apply(const struct lc_pyproject *pp, struct lc_case *c,
                        struct lc_result *r)
{
    for (size_t i = 0; i < pp->novr; i++) {
        const struct lc_pyproject_override *o = &pp->ovr[i];
        const char *p = pp->patterns.data;
        char why[LC_PATH_MAX + 64];

        for (size_t k = 0; k < o->first; k++)
            p += strlen(p) + 1;
        for (size_t k = 0; k < o->ntests; k++, p += strlen(p) + 1)
            if (names(p, c, pp->dir)) {
                snprintf(why, sizeof(why), "skip = true in %.4000s:%ld",
                         pp->path, o->line);
                lc_settings_apply(&o->settings, why, c, r);
                break;
            }
    }
}
