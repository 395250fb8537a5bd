#include "repro.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "case.h"
#include "errors.h"
#include "lc_limits.h"

/* Bytes of a literal's content per source line. */
#define LITERAL_LINE 64

/* How much of an artifact's name goes into a default file name. */
#define NAME_PART_MAX 40

/* ---- the case text ----------------------------------------------------- */

/* Text inside a `# leakcheck: source="..."` value: the header parser
 * takes \" and \\ escapes; control bytes would end or break the line. */
static void put_header_text(FILE *f, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else
            fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
    }
}

/* Text inside a docstring: printable ASCII only, so any path reads back
 * as it was typed, and no quote or backslash can end or bend the string. */
static void put_doc_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\\' || c == '"')
            fprintf(f, "\\%c", c);
        else
            fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
    }
}

/* One chunk of a bytes literal's content, escaped. */
static void put_escaped(FILE *f, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];

        if (c == '\\' || c == '"')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

/* A bytes literal, one b"..." per source line inside parentheses. */
static void put_bytes_literal(FILE *f, const unsigned char *p, size_t n)
{
    if (n == 0) {
        fputs("b\"\"", f);
        return;
    }
    fputs("(\n", f);
    for (size_t i = 0; i < n; i += LITERAL_LINE) {
        fputs("    b\"", f);
        put_escaped(f, p + i, n - i < LITERAL_LINE ? n - i : LITERAL_LINE);
        fputs("\"\n", f);
    }
    fputs(")", f);
}

const char *lc_repro_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* The finding's lines of the docstring: its signature, and for a leak
 * made inside a C extension (a c= field) the function and what it keeps
 * per call. */
static void put_finding(FILE *f, const char *line)
{
    char c[LC_SIG_TEXT_MAX], via[LC_SIG_TEXT_MAX], keeps[LC_SIG_TEXT_MAX];
    const char *at;

    fputs("\nFinding:  ", f);
    put_doc_text(f, line);
    if (!lc_sig_field(line, "c", c, sizeof(c)))
        return;
    lc_sig_field(line, "via", via, sizeof(via));
    lc_sig_field(line, "keeps", keeps, sizeof(keeps));
    at = strrchr(c, '@');
    fputs("\nLeaks in: the C function ", f);
    if (at && strncmp(c, "0x", 2) == 0)
        fprintf(f, "at %.*s (no symbol) of %s", (int)(at - c), c, at + 1);
    else if (at)
        fprintf(f, "%.*s of %s", (int)(at - c), c, at + 1);
    else
        put_doc_text(f, c);
    if (*via && strcmp(via, "-") != 0) {
        fputs(",\n          reached by ", f);
        put_doc_text(f, via);
    }
    fputs(",\n          keeps ", f);
    put_doc_text(f, *keeps ? keeps : "-");
    fputs(" (the blocks made below it that stayed)", f);
}

int lc_repro_write_case(FILE *f, const struct lc_repro_case *rc)
{
    const char *case_base = lc_repro_base_name(rc->case_path);

    fputs("# leakcheck: expect=leak\n", f);
    fputs("# leakcheck: source=\"leak fuzzer: ", f);
    put_header_text(f, case_base, 120);
    fputs(", artifact ", f);
    put_header_text(f, rc->artifact, 120);
    fputs(", ", f);
    put_header_text(f, rc->date, 16);
    fputs("\"\n", f);

    fputs("\"\"\"Replays an input that made fuzz(data) of ", f);
    put_doc_text(f, case_base);
    fputs(" leak.\n\n", f);
    fputs("Case:     ", f);
    put_doc_text(f, rc->case_path);
    fputs("\nArtifact: ", f);
    put_doc_text(f, rc->artifact);
    if (rc->original_size)
        fprintf(f, " (%zu bytes, minimized to %zu)", rc->original_size,
                rc->size);
    else
        fprintf(f, " (%zu bytes)", rc->size);
    fputs("\nFound:    ", f);
    put_doc_text(f, rc->date);
    fputs(" by the leak fuzzer (build-fuzz/fuzz_scenario),\n"
          "          made a case by `leakcheck repro`",
          f);
    if (rc->finding)
        put_finding(f, rc->finding);
    fputs(
        "\n"
        "\n"
        "The fuzzer's leak oracle saw memory grow on every call of fuzz()\n"
        "with this input. run() feeds the same bytes to the original case's\n"
        "fuzz(), loaded from its file, once per iteration; setup() and\n"
        "teardown() are the original's. An exception from fuzz() is an\n"
        "expected outcome here, as it was for the fuzzer. When the leak is\n"
        "fixed, flip expect=leak to expect=clean.\n"
        "\"\"\"\n"
        "\n"
        "import importlib.util\n"
        "import os\n"
        "import sys\n"
        "\n"
        "CASE = os.path.join(os.path.dirname(os.path.abspath(__file__)),\n"
        "                    os.fsdecode(b\"",
        f);
    put_escaped(f, (const unsigned char *)rc->case_rel, strlen(rc->case_rel));
    fputs("\"))\n\nDATA = ", f);
    put_bytes_literal(f, rc->data, rc->size);
    fputs("\n"
          "\n"
          "\n"
          "def _load(path):\n"
          "    name = \"_leakcheck_fuzzed_\" + "
          "os.path.splitext(os.path.basename(path))[0]\n"
          "    folder = os.path.dirname(path)\n"
          "    if folder not in sys.path:\n"
          "        sys.path.insert(0, folder)\n"
          "    spec = importlib.util.spec_from_file_location(name, path)\n"
          "    module = importlib.util.module_from_spec(spec)\n"
          "    sys.modules[name] = module\n"
          "    spec.loader.exec_module(module)\n"
          "    return module\n"
          "\n"
          "\n"
          "fuzzed = _load(CASE)\n"
          "\n"
          "\n"
          "def setup():\n"
          "    if hasattr(fuzzed, \"setup\"):\n"
          "        fuzzed.setup()\n"
          "\n"
          "\n"
          "def run():\n"
          "    try:\n"
          "        fuzzed.fuzz(DATA)\n"
          "    except Exception:\n"
          "        pass\n"
          "\n"
          "\n"
          "def teardown():\n"
          "    if hasattr(fuzzed, \"teardown\"):\n"
          "        fuzzed.teardown()\n",
          f);
    return ferror(f) ? -LC_EIO : 0;
}
