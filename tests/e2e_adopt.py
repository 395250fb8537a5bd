"""Adopting leakcheck on a project that already has leaks (issue 19).

    /usr/bin/python3.11 tests/e2e_adopt.py LEAKCHECK REPO GROUP

GROUP baseline: a copy of tests/suites/pytest_adopt/ (two leaking tests)
fails its first run; rerun with --baseline of its JSON report it exits 0
and says "2 known"; with a third leaking test added it exits 1 naming only
the new one; with one leak fixed it reports it fixed (and
`leakcheck report --baseline` says the same from the JSON).

GROUP pyproject: the same suite with [tool.leakcheck] in a pyproject.toml
marking one leak as expected exits 1 failing only the other; marking both
(one through the pytest marker) exits 0; a misspelled key is an error
(exit 2) naming the file, the line and the key.

GROUP html: the HTML report of that suite, opened in Debian's headless
Chromium: no script error, one chart drawn per leak, every test id in the
summary table. The check first proves it sees a script error on a page
that has one.

Everything is written under a temporary folder; a missing fixture or a
missing /usr/bin/chromium fails, never skips.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

LEAKCHECK, REPO, GROUP = sys.argv[1:4]
FIXTURE = os.path.join(REPO, "tests", "suites", "pytest_adopt")
CHROMIUM = "/usr/bin/chromium"
# Leaks are confirmed at the horizon: a short one keeps the test quick
# and judges the same (a leak of one object per call grows through it).
FAST = ["-q", "-j2", "--iterations", "128", "--no-explain"]
LEAKS = ["test_adopt.py::test_cache_keeps_every_call",
         "test_adopt.py::test_registry_keeps_every_call"]


check = Checks(GROUP)


def suite_copy(tmp):
    if not os.path.isfile(os.path.join(FIXTURE, "test_adopt.py")):
        raise SystemExit("missing fixture: %s/test_adopt.py" % FIXTURE)
    dst = os.path.join(tmp, "project")
    shutil.copytree(FIXTURE, dst)
    return dst


def leakcheck(cwd, *args):
    p = subprocess.run([LEAKCHECK, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=600,
                       env=dict(os.environ, NO_COLOR="1", COLUMNS="80"))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def fail_lines(text):
    return [l for l in text.splitlines() if l.startswith("FAIL")]


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if old not in text:
        raise SystemExit("fixture changed: %r not in %s" % (old, path))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def first_run(proj, tmp):
    report = os.path.join(tmp, "first.json")
    rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--format", "json", "-o", report)
    check(rc == 1, "the first run fails (two leaks)", "status %d\n%s" % (rc, err))
    with open(report, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    leaks = sorted(c["id"] for c in cases if c["verdict"] == "leak")
    check(leaks == LEAKS, "the first run finds the two planted leaks", str(leaks))
    return report


def group_baseline(tmp):
    proj = suite_copy(tmp)
    report = first_run(proj, tmp)

    rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--baseline", report)
    check(rc == 0, "rerun with --baseline exits 0", "status %d\n%s%s" % (rc, out, err))
    check(re.search(r"\b2 known, 0 fixed\b", out), "the summary says 2 known", out)
    check(re.search(r"^3 tests: 1 clean, 2 leak\b", out, re.M),
          "a suite's summary counts tests, not cases", out)
    check(not fail_lines(out), "no test fails", out)

    lst = os.path.join(tmp, "known.txt")
    with open(lst, "w", encoding="utf-8") as f:
        f.write("# known leaks\n\n%s\n" % "\n".join(LEAKS))
    path = os.path.join(proj, "test_adopt.py")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n\n_new = []\n\n\ndef test_new_leak():\n    _new.append([0])\n")
    for base in (report, lst):
        rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--baseline", base)
        fails = fail_lines(out)
        check(rc == 1, "a new leak fails the run (baseline %s)" % os.path.basename(base),
              "status %d\n%s%s" % (rc, out, err))
        check(len(fails) == 1 and "test_adopt.py::test_new_leak" in fails[0],
              "only the new leak is named as failing", out)

    edit(path, "LEAK_REGISTRY = True", "LEAK_REGISTRY = False")
    edit(path, "def test_new_leak():\n    _new.append([0])", "def test_new_leak():\n    pass")
    now = os.path.join(tmp, "now.json")
    rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--baseline", report,
                             "--format", "json", "-o", now)
    check(rc == 0, "a fixed known leak does not fail", "status %d\n%s" % (rc, err))
    with open(now, encoding="utf-8") as f:
        doc = json.load(f)
    by_id = {c["id"]: c for c in doc["cases"]}
    check(by_id[LEAKS[1]]["verdict"] == "clean" and by_id[LEAKS[1]].get("baseline") == "fixed",
          "the fixed leak is reported fixed", json.dumps(by_id[LEAKS[1]])[:400])
    check(by_id[LEAKS[0]].get("baseline") == "known", "the other is still known")
    check(doc["summary"].get("known") == 1 and doc["summary"].get("fixed") == 1,
          "the JSON summary counts 1 known, 1 fixed", json.dumps(doc["summary"]))
    import jsonschema
    with open(os.path.join(REPO, "schema", "report.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.validate(doc, schema)
        check(True, "")
    except jsonschema.ValidationError as e:
        check(False, "the baseline run's JSON report fits the schema", str(e)[:800])
    rc, out, err = leakcheck(tmp, "report", now, "--baseline", report)
    check(rc == 0 and "1 known, 1 fixed" in out and re.search(
        r"test_registry_keeps_every_call .*\(fixed", out),
        "leakcheck report --baseline says fixed too", "status %d\n%s%s" % (rc, out, err))
    rc, out, err = leakcheck(tmp, "report", report, "--baseline", report, "--format", "junit")
    check(rc == 0 and out.count("<system-out>known:") == 2 and "<failure" not in out,
          "JUnit: known leaks pass, saying so", "status %d\n%s" % (rc, out[:1500]))
    rc, out, err = leakcheck(tmp, "report", report, "--baseline", lst)
    check(rc == 0 and "2 known" in out, "report --baseline with a list of ids",
          "status %d\n%s%s" % (rc, out, err))
    rc, out, err = leakcheck(tmp, "report", report, "--baseline",
                             os.path.join(tmp, "no-such-file"))
    check(rc == 2 and "no-such-file" in err, "a missing baseline exits 2 naming it",
          "status %d\n%s" % (rc, err))


PYPROJECT = """[project]
name = "adopt"
description = \"\"\"
[tool.leakcheck]
this is a string, not a table
\"\"\"

[tool.leakcheck]
iterations = 128
no-explain = true

[[tool.leakcheck.overrides]]
tests = ["test_adopt.py::test_cache_*"]
%s = "leak"
"""


def group_pyproject(tmp):
    proj = suite_copy(tmp)
    toml = os.path.join(proj, "pyproject.toml")
    with open(toml, "w", encoding="utf-8") as f:
        f.write(PYPROJECT % "expect")
    # From the folder above: the file is found from the operand.
    rc, out, err = leakcheck(tmp, "pytest", "project", "-q", "-j2")
    fails = fail_lines(out)
    check(rc == 1, "one leak expected by pyproject.toml, one not: exit 1",
          "status %d\n%s%s" % (rc, out, err))
    check(len(fails) == 1 and "test_registry_keeps_every_call" in fails[0],
          "only the leak pyproject.toml does not expect fails", out)
    check(re.search(r"^ok +leak +\S*test_adopt.py::test_cache_keeps_every_call", out, re.M),
          "the expected leak is ok", out)
    # The plan's bound shows in the strength (the "it" count also holds the
    # leak's control and its confirmation alone, issue 22).
    check(re.search(r"through H=128\)", out), "the iterations default came from the file", out)

    edit(os.path.join(proj, "test_adopt.py"), "def test_registry_keeps_every_call():",
         "import pytest\n\n\n@pytest.mark.leakcheck(expect=\"leak\")\n"
         "def test_registry_keeps_every_call():")
    rc, out, err = leakcheck(proj, "pytest", "-q", "-j2")
    check(rc == 0, "both leaks expected (file and marker): exit 0",
          "status %d\n%s%s" % (rc, out, err))

    with open(toml, "w", encoding="utf-8") as f:
        f.write(PYPROJECT % "exepct")
    rc, out, err = leakcheck(proj, "pytest", "-q", "-j2")
    check(rc == 2, "a misspelled key exits 2", "status %d\n%s%s" % (rc, out, err))
    check(re.search(r"pyproject\.toml:14: .*unknown key 'exepct'", err),
          "the error names the file, the line and the key", err)
    check(not out.strip(), "nothing ran", out)

    with open(toml, "w", encoding="utf-8") as f:
        f.write("[tool.leakcheck]\ntimee = 5\n")
    rc, out, err = leakcheck(proj, "pytest", "-q", "-j2")
    check(rc == 2 and re.search(r"pyproject\.toml:2: unknown key 'timee'", err),
          "an unknown option key is an error naming it", "status %d\n%s" % (rc, err))

    edit(os.path.join(proj, "test_adopt.py"), "@pytest.mark.leakcheck(expect=",
         "@pytest.mark.leakcheck(exepct=")
    os.unlink(toml)
    rc, out, err = leakcheck(proj, "pytest", "-q", "-j2", "--iterations", "128")
    check(rc == 2 and "test_adopt.py::test_registry_keeps_every_call" in err
          and "unknown key 'exepct'" in err,
          "a misspelled marker key is an error naming the test and key",
          "status %d\n%s" % (rc, err))


class Page(html.parser.HTMLParser):
    """What the dumped DOM holds: charts and their data-drawn, the summary
    table's test cells, the error elements the page's script writes."""

    def __init__(self):
        super().__init__()
        self.charts, self.errors, self.ids, self.ready = [], 0, [], False
        self.sort_values = {"time": [], "growth": []}
        self._in_id = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "lc-chart" in (a.get("class") or ""):
            self.charts.append(a.get("data-drawn"))
        if "lc-error" in (a.get("class") or "").split():
            self.errors += 1
        if tag == "tr" and "data-time" in a:
            for key in ("time", "growth"):
                self.sort_values[key].append(a["data-" + key])
        if tag == "td" and a.get("class") == "id":
            self._in_id = True
            self.ids.append("")
        if tag == "body" and a.get("data-ready") == "1":
            self.ready = True

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_id = False

    def handle_data(self, data):
        if self._in_id:
            self.ids[-1] += data


def chromium(page, tmp):
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit("missing %s (apt package chromium, ci/install-deps.sh)" % CHROMIUM)
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--user-data-dir=" + os.path.join(tmp, "profile"),
                        "--enable-logging=stderr", "--v=0", "--dump-dom",
                        "file://" + urllib.parse.quote(page, safe="/#=")], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    console = [l for l in p.stderr.decode("utf-8", "replace").splitlines()
               if ":CONSOLE" in l]
    dom = Page()
    dom.feed(p.stdout.decode("utf-8", "replace"))
    return p.returncode, dom, console


def group_html(tmp):
    bad = os.path.join(tmp, "bad.html")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("<html><body><script>no_such_function();</script></body></html>")
    rc, dom, console = chromium(bad, tmp)
    check(any("Uncaught" in l for l in console),
          "the check sees a script error on a page that has one", "\n".join(console))

    proj = suite_copy(tmp)
    page, js = os.path.join(tmp, "report.html"), os.path.join(tmp, "report.json")
    rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--format", "html", "-o", page)
    check(rc == 1 and os.path.isfile(page), "the run writes its HTML report", err)
    with open(page, encoding="utf-8") as f:
        text = f.read()
    check(not re.search(r"<(script|link|img)[^>]+(src|href)=", text),
          "the page loads nothing from elsewhere")
    rc, dom, console = chromium(page, tmp)
    check(rc == 0, "chromium opens the page", str(rc))
    check(not console, "no script error or console message", "\n".join(console))
    check(dom.errors == 0 and dom.ready, "the page's script ran to its end")
    check(len(dom.charts) == 2 and all(d and int(d) > 0 for d in dom.charts),
          "one chart drawn per leak", str(dom.charts))
    check(sorted(dom.ids) == sorted(LEAKS + ["test_adopt.py::test_clean_sum"]),
          "every test id is in the summary table", str(dom.ids))
    for key in ("time", "growth"):
        rc, dom, console = chromium(page + "#sort=" + key, tmp)
        got = [float(v) for v in dom.sort_values[key]]
        check(len(got) == 3 and got == sorted(got) and not console,
              "the table sorts by %s in the browser" % key, str(got))

    # The same page from the JSON report, by leakcheck report.
    rc, out, err = leakcheck(proj, "pytest", ".", *FAST, "--format", "json", "-o", js)
    again = os.path.join(tmp, "again.html")
    rc, out, err = leakcheck(tmp, "report", js, "--format", "html", "-o", again)
    rc2, dom2, console2 = chromium(again, tmp)
    check(rc == 1 and not console2 and len(dom2.charts) == 2
          and all(d and int(d) > 0 for d in dom2.charts),
          "leakcheck report --format html draws the charts from JSON",
          "status %d %s %s" % (rc, dom2.charts, console2))


GROUPS = {"baseline": group_baseline, "pyproject": group_pyproject, "html": group_html}

if GROUP not in GROUPS:
    raise SystemExit("unknown group %r" % GROUP)
with tempfile.TemporaryDirectory(prefix="lc e2e adopt ") as tmp:
    GROUPS[GROUP](tmp)
sys.exit(check.finish())
