"""End-to-end tests of the explain pass of suite tests (issue 23, item 3).

    /usr/bin/python3.11 tests/e2e_suite_explain.py LEAKCHECK REPO GROUP

GROUP:
  pytest    `leakcheck pytest` on tests/suites/explain_pytest/: each leaking
            test's explanation, in JSON (valid against the report's and the
            explanation's schemas), text and JUnit, gives the line of the
            test file that allocates what it keeps and the module global
            that holds it; the clean test gets no explain pass;
  unittest  the same with `leakcheck unittest` on tests/suites/
            explain_unittest/, its text report read as the run writes it;
  ids       `leakcheck explain TEST_ID` with a pytest node id (function and
            class method) and a unittest id prints the same explanation;
            a test that only takes references (tests/suites/explain_refs/)
            gets them named: the dict by its holder, the line taking them;
            an id that names no test is an error naming it (exit 2).

Each runs on a copy of the suite in a temporary folder whose name has a
space, and checks that nothing was written into it. Where a line is
expected, it is the line of the test file marked "# e2e: allocation line
of NAME", found at run time.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "explain"))
from checks import Checks  # noqa: E402
import schema_check as explain_schema  # noqa: E402  (tests/explain/)

LEAKCHECK, REPO, GROUP = sys.argv[1:4]
PYTEST_FILE = "test_explained_pytest.py"
UNITTEST_FILE = "test_explained_unittest.py"

check = Checks("e2e_suite_explain " + GROUP)


def report_schema_errors(report):
    """The report's errors against schema/report.schema.json, by the
    validator of tests/package/schema_check.py (imported by path: its
    module name is the explain one's too)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "report_schema_check", os.path.join(HERE, "package", "schema_check.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with open(os.path.join(REPO, "schema", "report.schema.json")) as f:
        schema = json.load(f)
    return mod.errors(schema, schema, report)


def explanation_schema_errors(ex):
    with open(os.path.join(REPO, "src", "explain", "explain.schema.json")) as f:
        schema = json.load(f)
    return explain_schema.errors(schema, ex)


def marked_line(path, name):
    """The line number of the "# e2e: allocation line of NAME" marker."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.rstrip().endswith("# e2e: allocation line of %s" % name):
                return n
    raise SystemExit("fixture missing: no allocation marker for %s in %s"
                     % (name, path))


class Workdir:
    """A copy of one suite folder under a temporary folder with a space in
    its name; listing() is what it holds, to prove nothing was added."""

    def __init__(self, suite):
        src = os.path.join(REPO, "tests", "suites", suite)
        if not os.path.isdir(src):
            raise SystemExit("fixture missing: %s" % src)
        self.tmp = tempfile.mkdtemp(prefix="lc suite explain ")
        self.root = os.path.join(self.tmp, "work dir")
        os.mkdir(self.root)
        self.suite = os.path.join(self.root, suite)
        shutil.copytree(src, self.suite,
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.before = self.listing()

    def listing(self):
        out = []
        for dirpath, dirs, files in os.walk(self.root):
            for n in dirs + files:
                out.append(os.path.relpath(os.path.join(dirpath, n), self.root))
        return sorted(out)

    def run(self, *args, cwd=None, out=None):
        """LEAKCHECK args in cwd (the work folder); the report goes to out
        (outside it) when given. (status, report text, stdout, stderr)."""
        cmd = [LEAKCHECK, *args]
        if args[0] != "report":  # the one command without -q
            cmd.append("-q")
        if out:
            cmd += ["-o", os.path.join(self.tmp, out)]
        p = subprocess.run(cmd, cwd=cwd or self.root, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=900)
        text = ""
        if out and os.path.exists(os.path.join(self.tmp, out)):
            with open(os.path.join(self.tmp, out), encoding="utf-8") as f:
                text = f.read()
        return (p.returncode, text, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def untouched(self):
        check(self.listing() == self.before,
              "nothing was written into the current folder",
              "added: %s" % sorted(set(self.listing()) - set(self.before)))

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def text_explains(text, what, file_line, holder):
    """An explanation's text gives the allocation line and the holder."""
    check(file_line in text, "%s: the explanation gives the allocation line "
          "%s" % (what, file_line), text[:3000])
    check(holder in text, "%s: the explanation names the holder %s"
          % (what, holder), text[:3000])


def json_explains(case, file_name, line, holder):
    """A leaking test's JSON entry carries the explain fields a case's do,
    valid against explain.schema.json, naming the test, the allocation
    line and the holder."""
    tid = case["id"]
    ex = case.get("explanation")
    check(isinstance(ex, dict) and "error" not in ex,
          "%s: a leaking test has an explanation" % tid, str(ex)[:1500])
    if not isinstance(ex, dict) or "error" in ex:
        return
    errs = explanation_schema_errors(ex)
    check(not errs, "%s: its explanation is valid against "
          "explain.schema.json" % tid, "\n".join(errs[:20]))
    check(ex.get("test") == tid, "%s: the explanation names its test" % tid,
          str(ex.get("test")))
    first = (ex.get("sites") or [{}])[0].get("frames") or [{}]
    check(first[0].get("filename", "").endswith("/" + file_name) and
          first[0].get("lineno") == line,
          "%s: the largest allocation site is %s:%d" % (tid, file_name, line),
          json.dumps(ex.get("sites"))[:1500])
    chains = [h.get("chain") or "" for h in ex.get("holders", [])]
    check(any(c.startswith(holder + "[") for c in chains),
          "%s: a holder chain is %s[...]" % (tid, holder), str(chains))
    check(holder in case.get("explanation_text", ""),
          "%s: explanation_text names the holder" % tid,
          case.get("explanation_text", "")[:2000])


def suite_report(wd, kind, folder, fmt):
    rc, text, out, err = wd.run(kind, folder, "-j2", "--format", fmt,
                                out="report." + fmt)
    check(rc == 1, "%s %s exits 1 (it has leaks)" % (kind, folder),
          "status %d\n%s" % (rc, err[-2000:]))
    return text


def json_checks(report, leaks, file_name):
    """leaks: {id: (line, holder)}; every other test is clean and has no
    explanation (a clean test costs no explain pass)."""
    errs = report_schema_errors(report)
    check(not errs, "the JSON report is valid against report.schema.json",
          "\n".join(errs[:20]))
    seen = set()
    for c in report["cases"]:
        if c["id"] in leaks:
            check(c["verdict"] == "leak", "%s is a leak" % c["id"],
                  c.get("message", "")[:1000])
            json_explains(c, file_name, *leaks[c["id"]])
            seen.add(c["id"])
        else:
            check(c["verdict"] == "clean" and "explanation" not in c,
                  "%s is clean, with no explain pass" % c["id"], str(c)[:800])
    check(seen == set(leaks), "every leaking test was judged",
          "missing %s" % sorted(set(leaks) - seen))


def render(wd, fmt):
    """The JSON report rendered again by `leakcheck report`."""
    rc, text, _, err = wd.run("report", os.path.join(wd.tmp, "report.json"),
                              "--format", fmt, out="again." + fmt)
    check(rc == 1, "report --format %s of it exits 1" % fmt, err[-1000:])
    return text


def junit_checks(xml, leaks, file_name):
    """One testcase per id; a leak's failure holds its explanation's head,
    which gives the allocation line."""
    for tid, (line, holder) in leaks.items():
        m = re.search(r'<testcase [^>]*name="%s"[^>]*>(.*?)</testcase>'
                      % re.escape(tid.replace('"', "&quot;")), xml, re.S)
        body = m.group(1) if m else ""
        check("<failure" in body and "%s:%d in" % (file_name, line) in body,
              "JUnit: %s fails with its explanation's allocation line" % tid,
              (body or xml)[:2000])


def pytest_leaks(wd):
    path = os.path.join(wd.suite, PYTEST_FILE)
    rel = "explain_pytest/" + PYTEST_FILE
    return {
        rel + "::test_keeps_one":
            (marked_line(path, "test_keeps_one"), "test_explained_pytest._kept"),
        rel + "::TestHeld::test_keeps_one":
            (marked_line(path, "TestHeld"), "test_explained_pytest._held"),
    }


def test_pytest():
    wd = Workdir("explain_pytest")
    try:
        leaks = pytest_leaks(wd)
        text = suite_report(wd, "pytest", "explain_pytest", "json")
        if text:
            json_checks(json.loads(text), leaks, PYTEST_FILE)
            shown = render(wd, "text")
            for tid, (line, holder) in leaks.items():
                section = shown.partition("Why " + tid + " ")[2]
                check(section != "", "text: a section \"Why %s\"" % tid,
                      shown[-3000:])
                text_explains(section.partition("\nWhy ")[0], tid,
                              "%s:%d in" % (PYTEST_FILE, line), holder)
            junit_checks(render(wd, "junit"), leaks, PYTEST_FILE)
        wd.untouched()
    finally:
        wd.close()


def test_unittest():
    wd = Workdir("explain_unittest")
    try:
        path = os.path.join(wd.suite, UNITTEST_FILE)
        tid = "test_explained_unittest.Explained.test_keeps_one"
        line = marked_line(path, "test_keeps_one")
        leaks = {tid: (line, "test_explained_unittest._kept")}
        # text as the run writes it: the summary, then the failures' why
        shown = suite_report(wd, "unittest", "explain_unittest", "text")
        section = shown.partition("\nWhy " + tid + " ")[2]
        check(section != "", "text: a section \"Why %s\"" % tid, shown[-3000:])
        text_explains(section, tid, "%s:%d in" % (UNITTEST_FILE, line),
                      leaks[tid][1])
        check("Why test_explained_unittest.Explained.test_keeps_nothing"
              not in shown, "text: no explanation of the clean test", shown)
        text = suite_report(wd, "unittest", "explain_unittest", "json")
        if text:
            json_checks(json.loads(text), leaks, UNITTEST_FILE)
            junit_checks(render(wd, "junit"), leaks, UNITTEST_FILE)
        wd.untouched()
    finally:
        wd.close()


def explain_id(wd, tid, cwd, file_name, line, holder):
    rc, _, out, err = wd.run("explain", tid, cwd=cwd)
    check(rc == 1, "explain %s exits 1 (a leak; expected clean)" % tid,
          "status %d\n%s" % (rc, err[-2000:]))
    section = out.partition("\nWhy " + tid + " ")[2]
    check(section != "", "explain %s: a section \"Why %s\"" % (tid, tid),
          out[-3000:])
    text_explains(section, "explain " + tid, "%s:%d in" % (file_name, line),
                  holder)


def unknown_id(wd, tid, cwd):
    rc, _, out, err = wd.run("explain", tid, cwd=cwd)
    check(rc == 2 and ("leakcheck explain: %s: no such test" % tid) in err,
          "explain %s (no such test) is an error naming it, exit 2" % tid,
          "status %d\n%s\n%s" % (rc, out[-1000:], err[-2000:]))


def test_ids():
    wd = Workdir("explain_pytest")
    try:
        for tid, (line, holder) in pytest_leaks(wd).items():
            explain_id(wd, tid, wd.root, PYTEST_FILE, line, holder)
        unknown_id(wd, "explain_pytest/%s::test_none_such" % PYTEST_FILE,
                   wd.root)
        wd.untouched()
    finally:
        wd.close()
    wd = Workdir("explain_unittest")
    try:
        # a unittest id resolves as `python3 -m unittest ID` does: from
        # the current folder
        line = marked_line(os.path.join(wd.suite, UNITTEST_FILE),
                           "test_keeps_one")
        explain_id(wd, "test_explained_unittest.Explained.test_keeps_one",
                   wd.suite, UNITTEST_FILE, line,
                   "test_explained_unittest._kept")
        unknown_id(wd, "test_explained_unittest.Explained.test_none_such",
                   wd.suite)
        unknown_id(wd, "no_such_module.Case.test_x", wd.suite)
        wd.untouched()
    finally:
        wd.close()
    explain_refs()


def explain_refs():
    wd = Workdir("explain_refs")
    try:
        tid = "test_explained_refs.Refs.test_takes_a_reference"
        line = marked_line(os.path.join(wd.suite, "test_explained_refs.py"),
                           "test_takes_a_reference")
        rc, _, out, err = wd.run("explain", tid, cwd=wd.suite)
        check(rc == 1, "explain %s exits 1 (a reference leak)" % tid,
              "status %d\n%s" % (rc, err[-2000:]))
        section = out.partition("\nWhy " + tid + " ")[2]
        refs = section.partition("references (objects whose reference "
                                 "count grew")[2].partition("\n     | \n")[0]
        check("+1.00  dict test_explained_refs._REGISTRY" in refs and
              "+1.00 refs/it by _incref" in refs and
              "at test_explained_refs.py:%d in Refs.test_takes_a_reference"
              % line in refs,
              "explain %s: the dict is named by its holder, +1 ref/it, taken "
              "at line %d" % (tid, line), out[-3000:])
        wd.untouched()
    finally:
        wd.close()


GROUPS = {"pytest": test_pytest, "unittest": test_unittest, "ids": test_ids}

if __name__ == "__main__":
    GROUPS[GROUP]()
    sys.exit(check.finish())
