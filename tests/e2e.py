"""End-to-end tests: the real leakcheck program on real case files.

    /usr/bin/python3.11 tests/e2e.py BUILD/leakcheck REPO_ROOT GROUP

GROUP is one of the groups below (CTest runs each as e2e_GROUP, so a
failure names its group) or `all`. Checks, each against the report the
program writes:

  (a) repo_cases: every case in REPO/cases gets the verdict its header expects;
  (b) failures: failing cases (raise in setup/run/teardown, syntax error, no run(),
      segfault, os._exit, sys.exit, a hang) are isolated: each gets the
      verdict and phase its `# e2e:` comment states, a clean case run beside
      them stays clean, and the run exits 1;
  (c) bad_header: a malformed header makes the run exit 2 naming file:line, and the other
      cases of that run are still run and reported;
  (d) planted: the planted one-object leak reads exactly +1 block and +16 bytes per
      iteration, its twin reads nothing;
  (e) text: text output: one line per case and a summary, against a golden file;
  (f) usage: usage errors exit 2;
  (g) odd_names: a case whose file name is not UTF-8 runs, and JUnit
      stays valid;
  (h) bad: every hostile case in tests/bad/ (async or generator entry
      points, misplaced and misspelled headers, deep tracebacks, odd
      text, signals, descriptors, ...) gets the verdict, phase and message
      (a regex) its `# e2e:` comment states, in one run beside good cases;
      and the paths made at test time (a FIFO named x.py, a dangling link,
      a link cycle, a file used as a folder) are reported, never hang the
      run, never list a case twice. One line per kind;
  (i) shards: three shards (--shard K/3) of cases/ cover it exactly once,
      and `leakcheck report` joins their JSON reports (and refuses a case
      given twice);
  fixtures: each group above, run on a copy of REPO with one of its
      fixtures removed, fails naming that fixture.

A missing fixture is a failure, never a skip: every case file, folder,
golden file and `# e2e:` comment a group reads is asked for with require()
before the group runs anything, and one that is absent (or a folder that
holds no case, or an empty golden file) fails the group with
"FAIL - missing fixture: PATH (what it is)".

Standard library only. Prints one line per check and a summary line
"e2e GROUP: N passed, M failed"; exits 1 if any check failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

USAGE = "usage: e2e.py BUILD/leakcheck REPO_ROOT GROUP|all"
if len(sys.argv) != 4:
    sys.exit(USAGE)
LEAKCHECK = os.path.abspath(sys.argv[1])
REPO = os.path.abspath(sys.argv[2])
GROUP = sys.argv[3]
HERE = os.path.join(REPO, "tests")
CASES = os.path.join(REPO, "cases")
FAILURES = os.path.join(HERE, "cases", "failures")
BAD_HEADER = os.path.join(HERE, "cases", "bad_header")
PLANTED = os.path.join(HERE, "cases", "planted")
BAD = os.path.join(HERE, "bad")
GOLDEN = os.path.join(HERE, "golden")

# The failure cases (b) is about, one per way a case can fail; more may be
# added beside them.
FAILURE_CASES = ("hang.py", "no_run.py", "os_exit.py",
                 "prints_while_running.py", "raise_in_run.py",
                 "raise_in_setup.py", "raise_in_teardown.py", "segfault.py",
                 "still_clean.py", "syntax_error.py", "sys_exit.py")
BAD_HEADER_CASES = ("unknown_key.py", "neighbour_clean.py",
                    "neighbour_leak.py")
PLANTED_CASES = ("planted_one_object_leak.py", "planted_one_object_clean.py")

# A runner that hangs must fail this test, not the whole ctest run.
RUN_TIMEOUT = 540

passed = 0
failed = 0


def check(ok, what, detail=""):
    """Record one check; print it, with the detail when it failed."""
    global passed, failed
    if ok:
        passed += 1
        print("ok   - " + what)
    else:
        failed += 1
        print("FAIL - " + what)
        if detail:
            for line in str(detail).rstrip("\n").split("\n"):
                print("       " + line)
    return ok


class MissingFixture(Exception):
    """A file, folder or comment a group reads is not there."""


def rel(path):
    """A path as the repository names it (REPO-relative)."""
    r = os.path.relpath(path, REPO)
    return path if r.startswith("..") else r


def require(path, what):
    """Ask for a fixture: a file that exists and is not empty, or a folder
    that exists. Returns the path; raises MissingFixture naming it."""
    if os.path.isdir(path) or (os.path.isfile(path) and
                               os.path.getsize(path) > 0):
        return path
    state = "empty" if os.path.isfile(path) else "absent"
    raise MissingFixture("%s (%s; %s)" % (rel(path), what, state))


def require_cases(folder, what):
    """A folder that holds at least one case file; returns its case files
    as leakcheck takes them."""
    files = case_files(require(folder, what))
    if not files:
        raise MissingFixture("%s/ holds no case file (%s)"
                             % (rel(folder), what))
    return files


def require_e2e_comment(path):
    """The `# e2e:` expectation of a failure case, with its verdict=."""
    want = e2e_comment(require(path, "a failure case"))
    if not want or not want.get("verdict"):
        raise MissingFixture("`# e2e: verdict=...` comment in %s"
                             % rel(path))
    return want


def leakcheck(*args):
    """Run the program; return (exit status, stdout, stderr, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([LEAKCHECK, *args], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=RUN_TIMEOUT)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


def not_json(constant):
    """NaN and Infinity are not JSON: Python reads them, jq and browsers
    do not."""
    raise ValueError("%s in the report is not JSON" % constant)


def run_json(paths, *extra):
    """Run with --format json -o FILE; return (status, report, stderr)."""
    with tempfile.TemporaryDirectory(prefix="lc-e2e-") as tmp:
        out = os.path.join(tmp, "report.json")
        rc, stdout, stderr, _ = leakcheck("run", "-q", "--format", "json",
                                          "-o", out, *extra, *paths)
        report = None
        if os.path.exists(out):
            with open(out, "rb") as f:
                text = f.read()
            try:
                report = json.loads(text, parse_constant=not_json)
            except ValueError as e:
                check(False, "JSON report of %s parses" % " ".join(paths),
                      "%s\n%s" % (e, text[:2000]))
    return rc, report, stderr


def by_name(report):
    """The report's cases keyed by file name."""
    return {os.path.basename(c["path"]): c for c in report["cases"]}


def case_files(folder):
    """The case files leakcheck takes from a folder, by its own rule."""
    names = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d[0] not in "._"]
        names += [os.path.join(root, f) for f in files
                  if f.endswith(".py") and len(f) > 3 and f[0] not in "._"]
    return sorted(names)


def header_expect(path):
    """expect= from a case's header, read here independently of the C
    parser: the leading block of blank and '#' lines."""
    expect = "clean"
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith("#"):
                break
            m = re.match(r"#\s*leakcheck:.*?(?:^|\s)expect=\"?(\w+)", s)
            if m:
                expect = m.group(1)
    return expect


def e2e_comment(path):
    """The `# e2e: verdict=V phase=P message=TEXT` expectation of a file;
    message= takes the rest of the line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*e2e:\s*(.*)$", line.strip())
            if not m:
                continue
            text, want = m.group(1), {}
            if "message=" in text:
                text, want["message"] = text.split("message=", 1)
            for pair in text.split():
                key, _, value = pair.partition("=")
                want[key] = value
            return want
    return None


def summary_matches(report, what):
    """The summary counts agree with the cases listed."""
    s, cases = report["summary"], report["cases"]
    counts = {v: sum(c["verdict"] == v for c in cases)
              for v in ("clean", "leak", "error", "crash", "timeout")}
    ok = sum(bool(c["ok"]) for c in cases)
    want = dict(counts, cases=len(cases), ok=ok, failed=len(cases) - ok)
    got = {k: s.get(k) for k in want}
    check(got == want, what + ": summary counts match the cases",
          "summary %s\ncases   %s" % (got, want))


# --- (a) every case in cases/ gets its expected verdict ----------------------

def test_repo_cases():
    files = require_cases(CASES, "the repository's cases")
    rc, report, stderr = run_json([CASES])
    if not check(report is not None, "(a) cases/: a JSON report is written",
                 stderr):
        return
    cases = by_name(report)
    check(len(report["cases"]) == len(files),
          "(a) cases/: every case file is reported (%d)" % len(files),
          "reported %s\nfiles %s" % (sorted(cases),
                                     [os.path.basename(f) for f in files]))
    for path in files:
        name = os.path.basename(path)
        c = cases.get(name)
        if not check(c is not None, "(a) %s is reported" % name):
            continue
        want = header_expect(path)
        detail = json.dumps({k: c.get(k) for k in (
            "verdict", "expect", "growth", "phase", "message", "reason")},
            indent=1)[:3000]
        check(c["expect"] == want,
              "(a) %s: expect read from its header is %s" % (name, want),
              detail)
        check(c["verdict"] == want and c["ok"] is True,
              "(a) %s: verdict %s" % (name, want), detail)
        if c["verdict"] == "leak":
            check(bool(c["growth"]) and all(v > 0 for v in
                                            c["growth"].values()),
                  "(a) %s: a leak reports positive growth" % name, detail)
        if c["verdict"] == "clean":
            check(c["growth"] == {}, "(a) %s: clean reports no growth" % name,
                  detail)
    summary_matches(report, "(a) cases/")
    check(rc == 0, "(a) cases/: exit status 0", "status %d\n%s" % (rc, stderr))


# --- (b) failures are isolated, each with its verdict and phase --------------

def test_failures():
    for name in FAILURE_CASES:
        require(os.path.join(FAILURES, name), "a failure case")
    files = require_cases(FAILURES, "the failure cases")
    wants = {os.path.basename(f): require_e2e_comment(f) for f in files}
    t0 = time.monotonic()
    rc, report, stderr = run_json([FAILURES], "-j", "4")
    elapsed = time.monotonic() - t0
    if not check(report is not None, "(b) failures: a JSON report is written",
                 stderr):
        return
    cases = by_name(report)
    check(sorted(cases) == sorted(wants),
          "(b) failures: every case is reported, none twice",
          "%s\n%s" % (sorted(cases), sorted(wants)))
    for name, want in sorted(wants.items()):
        c = cases.get(name)
        if c is None or want is None:
            continue
        detail = json.dumps(c, indent=1)[:3000]
        check(c["verdict"] == want["verdict"],
              "(b) %s: verdict %s" % (name, want["verdict"]), detail)
        if "phase" in want:
            check(c.get("phase") == want["phase"],
                  "(b) %s: phase %s" % (name, want["phase"]), detail)
        if "message" in want:
            check(want["message"].strip() in c.get("message", ""),
                  "(b) %s: message mentions %r" % (name,
                                                  want["message"].strip()),
                  detail)
        if (want.get("phase") in ("setup", "run", "teardown") and
                want["verdict"] != "timeout"):
            check("Traceback (most recent call last):" in c.get("message", "")
                  and name in c.get("message", ""),
                  "(b) %s: the message is the traceback, naming the file"
                  % name, detail)
        if want["verdict"] == "clean":
            check(c["ok"] is True and c["growth"] == {},
                  "(b) %s: still clean beside the failures" % name, detail)
        else:
            check(c["ok"] is False, "(b) %s: not ok" % name, detail)
        if want["verdict"] == "timeout":
            check(0.9 <= c["elapsed_s"] < 10,
                  "(b) %s: killed about its 1 s timeout (%.2f s)"
                  % (name, c["elapsed_s"]), detail)
            check(re.search(r'File ".*%s", line \d+ in run' % re.escape(name),
                            c.get("message", "")) is not None,
                  "(b) %s: the timeout shows the Python stack where it hung"
                  % name, detail)
    summary_matches(report, "(b) failures")
    check(elapsed < 60, "(b) failures: the hang did not hold the run up "
          "(%.1f s)" % elapsed)
    check(rc == 1, "(b) failures: exit status 1",
          "status %d\n%s" % (rc, stderr))

    # The same run as JUnit: tracebacks hold quotes and <frozen ...> markup.
    with tempfile.TemporaryDirectory(prefix="lc-e2e-") as tmp:
        out = os.path.join(tmp, "junit.xml")
        rc, _, stderr, _ = leakcheck("run", "-q", "-j", "4", "--format",
                                     "junit", "-o", out, FAILURES)
        try:
            suite = ET.parse(out).getroot().find("testsuite")
        except (ET.ParseError, OSError) as e:
            check(False, "(b) failures: JUnit report is well-formed XML", e)
            return
        errors = {os.path.basename(t.get("name")): t.find("error")
                  for t in suite.findall("testcase")}
        bad = {n: (e.get("type") if e is not None else "pass")
               for n, e in errors.items()
               if (e.get("type") if e is not None else "clean")
               != wants[n]["verdict"]}
        check(not bad and len(errors) == len(wants),
              "(b) failures: JUnit has an <error> of the right type per "
              "failing case", bad)
        failing = sum(w["verdict"] != "clean" for w in wants.values())
        check(suite.get("tests") == str(len(wants)) and
              suite.get("errors") == str(failing) and
              suite.get("failures") == "0",
              "(b) failures: JUnit counts", suite.attrib)
        check(rc == 1, "(b) failures: JUnit run exits 1", stderr)


# --- (c) a malformed header: exit 2, file:line named, the others still run ---

def test_bad_header():
    for name in BAD_HEADER_CASES:
        require(os.path.join(BAD_HEADER, name), "a malformed-header case "
                "or its neighbour")
    rc, report, stderr = run_json([BAD_HEADER], "-j", "1")
    check(rc == 2, "(c) malformed header: exit status 2",
          "status %d\n%s" % (rc, stderr))
    check(re.search(r"unknown_key\.py:4: .*expext", stderr) is not None,
          "(c) malformed header: stderr names file:line and the key", stderr)
    if not check(report is not None,
                 "(c) malformed header: the report is still written", stderr):
        return
    cases = by_name(report)
    bad = cases.get("unknown_key.py", {})
    check(bad.get("verdict") == "error" and bad.get("phase") == "header" and
          "unknown_key.py:4:" in bad.get("message", ""),
          "(c) the malformed case is reported as an error in phase header",
          bad)
    check(cases.get("neighbour_clean.py", {}).get("verdict") == "clean",
          "(c) a clean neighbour is still run and reported clean",
          cases.get("neighbour_clean.py"))
    leak = cases.get("neighbour_leak.py", {})
    check(leak.get("verdict") == "leak" and leak.get("ok") is True and
          leak.get("iterations", 0) > 0,
          "(c) a leaking neighbour is still run and reported as a leak", leak)


# --- (d) the planted leak reads exactly one object per iteration -------------

def test_planted(folder, label):
    leak_path, clean_path = (
        require(os.path.join(folder, name), "a planted case")
        for name in PLANTED_CASES)
    rc, report, stderr = run_json([leak_path, clean_path])
    if not check(report is not None, "(d) %s: a JSON report" % label, stderr):
        return
    cases = by_name(report)
    leak = cases["planted_one_object_leak.py"]
    clean = cases["planted_one_object_clean.py"]
    check(leak["verdict"] == "leak" and leak["ok"] is True,
          "(d) %s: the planted leak is a leak" % label, leak)
    check(leak["growth"] == {"py_blocks": 1, "py_bytes": 16},
          "(d) %s: its growth is exactly py_blocks 1, py_bytes 16" % label,
          leak["growth"])
    sig = leak.get("signals", {})
    blocks, nbytes = sig.get("py_blocks", {}), sig.get("py_bytes", {})
    check(blocks.get("per_iter") == 1 and nbytes.get("per_iter") == 16 and
          blocks.get("total", 0) > 0 and
          nbytes.get("total") == 16 * blocks.get("total") and
          blocks.get("grew") == blocks.get("steps") and
          all(sig.get(s, {}).get("leak") is False and
              sig.get(s, {}).get("total") == 0
              for s in ("native_bytes", "fds", "threads")),
          "(d) %s: evidence: 16 bytes per block, growth at every reading, "
          "no other signal moves" % label, json.dumps(sig, indent=1))
    check(clean["verdict"] == "clean" and clean["ok"] is True and
          clean["growth"] == {},
          "(d) %s: its twin is clean with no growth" % label, clean)
    check(all(s.get("total") == 0 for n, s in clean.get("signals", {}).items()
              if n in ("py_blocks", "py_bytes")),
          "(d) %s: the twin's Python counters do not move at all" % label,
          json.dumps(clean.get("signals"), indent=1))
    check(rc == 0, "(d) %s: exit status 0" % label, stderr)


# --- (e) text output: one line per case, then the summary --------------------

def golden_lines(path, **subst):
    """A golden file as one regex per line: text is literal except {IT}
    (iterations), {S} (seconds) and the {NAMES} given."""
    rxs = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n")[:-1]:
            rx = re.escape(line)
            for key, value in subst.items():
                rx = rx.replace(re.escape("{%s}" % key), re.escape(value))
            rx = rx.replace(re.escape("{IT}"), r"\d+")
            rxs.append(rx.replace(re.escape("{S}"), r"\d+\.\d+"))
    return rxs


def matches_golden(text, rxs):
    lines = text.split("\n")
    return (lines[-1] == "" and len(lines) - 1 == len(rxs) and
            all(re.fullmatch(rx, l) for rx, l in zip(rxs, lines)))


def test_text():
    for name in PLANTED_CASES:
        require(os.path.join(PLANTED, name), "a planted case")
    golden = require(os.path.join(GOLDEN, "planted.txt"),
                     "the golden text report of tests/cases/planted")
    failures = require_cases(FAILURES, "the failure cases")
    verdicts = [require_e2e_comment(f)["verdict"] for f in failures]
    rc, out, err, _ = leakcheck("run", "-q", "-j", "1", "--no-explain",
                                PLANTED)
    rxs = golden_lines(golden, DIR=PLANTED)
    check(matches_golden(out, rxs),
          "(e) text report of tests/cases/planted matches "
          "tests/golden/planted.txt", out)
    check(rc == 0, "(e) text run exits 0", err)

    # With the explanation (the default), it is indented under its case's
    # line: still one unindented line per case, then the summary.
    rc, out, err, _ = leakcheck("run", "-q", "-j", "1", PLANTED)
    heads = "".join(l + "\n" for l in out.split("\n")[:-1]
                    if not l.startswith("     |"))
    check(matches_golden(heads, rxs),
          "(e) with explanations: the same case and summary lines", out)
    check(rc == 0, "(e) text run with explanations exits 0", err)

    # Failures in text: each case one line (messages indented under it).
    rc, out, err, _ = leakcheck("run", "-q", "-j", "4", FAILURES)
    lines = out.split("\n")
    check(lines[-1] == "", "(e) text report ends with a newline", out[-200:])
    heads = [l for l in lines[:-1] if not l.startswith("     | ")]
    n = len(failures)
    check(len(heads) == n + 1 and all(
        re.match(r"(ok  |FAIL) (clean|leak|error|crash|timeout)\s+\S", l)
        for l in heads[:-1]),
        "(e) failures in text: %d case lines and a summary line" % n, out)
    count = {v: verdicts.count(v)
             for v in ("clean", "leak", "error", "crash", "timeout")}
    want = ("%d cases: %d clean, %d leak, %d error, %d crash, %d timeout; "
            "%d as expected, %d not; " % (
                n, count["clean"], count["leak"], count["error"],
                count["crash"], count["timeout"], count["clean"],
                n - count["clean"]))
    check(heads[-1].startswith(want) and
          re.fullmatch(r"\d+\.\d s", heads[-1][len(want):]) is not None,
          "(e) failures in text: the summary line counts them",
          "got:  %s\nwant: %s<seconds> s" % (heads[-1], want))
    check(rc == 1, "(e) failures in text: exit status 1", err)

    # A newline in a case's file name does not break its line.
    with tempfile.TemporaryDirectory(prefix="lc-e2e-") as tmp:
        odd = os.path.join(tmp, "two\nlines.py")
        with open(odd, "w") as f:
            f.write("def run():\n    pass\n")
        rc, out, err, _ = leakcheck("run", "-q", tmp)
        lines = out.split("\n")
        check(len(lines) == 3 and lines[0].startswith("ok   clean   ") and
              "two?lines.py" in lines[0] and lines[1].startswith("1 cases: "),
              "(e) a newline in a path stays on the case's line", out)


# --- (g) file names that are not UTF-8 ------------------------------------------

def test_odd_names():
    """Linux file names are bytes: a case named in Latin-1 runs like any
    other, and every report format stays valid."""
    with tempfile.TemporaryDirectory(prefix="lc-e2e-") as tmp:
        tmpb = os.fsencode(tmp)
        with open(os.path.join(tmpb, b"caf\xe9.py"), "w") as f:
            f.write("def run():\n    object()\n")
        rc, report, stderr = run_json([tmp], "--no-explain")
        c = report["cases"][0] if report and report["cases"] else {}
        check(c.get("verdict") == "clean" and rc == 0,
              "(g) a case named caf\\xe9.py (Latin-1) is loaded and run",
              json.dumps(c, indent=1)[:2000])
        out = os.path.join(tmp, "junit.xml")
        leakcheck("run", "-q", "--no-explain", "--format", "junit", "-o",
                  out, tmp)
        try:
            ET.parse(out)
            ok, why = True, ""
        except (ET.ParseError, OSError) as e:
            ok, why = False, e
        check(ok, "(g) its JUnit report is well-formed XML", why)


# --- (f) usage errors exit 2 --------------------------------------------------

def test_usage():
    with tempfile.TemporaryDirectory(prefix="lc-e2e-") as tmp:
        missing = os.path.join(tmp, "no-such-case.py")
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        one = require(os.path.join(PLANTED, "planted_one_object_clean.py"),
                      "a planted case")
        rows = [
            ((), "no command"),
            (("frobnicate",), "frobnicate"),
            (("run",), "no case"),
            (("run", "--bogus", one), ""),
            (("run", "-x", one), ""),
            (("run", missing), missing),
            (("run", empty), "no cases"),
            (("run", "--format", "xml", one), "xml"),
            (("run", "-j", "0", one), "-j"),
            (("run", "--iterations", "3", one), "iterations"),
            (("run", "--timeout", "-1", one), "-1"),
            (("run", "--warmup", "x", one), "warmup"),
            (("run", "-o", os.path.join(tmp, "no", "dir", "r.json"), one),
             "r.json"),
        ]
        for args, needle in rows:
            rc, out, err, _ = leakcheck(*args)
            check(rc == 2 and needle in err and err.strip() != "",
                  "(f) leakcheck %s: exit 2, says why"
                  % " ".join(a.replace(tmp, "TMP") for a in args),
                  "status %d\nstderr: %s" % (rc, err))
        rc, out, err, _ = leakcheck("--help")
        check(rc == 0 and "usage: leakcheck run" in out,
              "(f) leakcheck --help: exit 0 with the usage", out + err)


# --- (h) hostile cases: each kind gets its stated verdict, phase, message ------

# A kind whose file cannot hold a comment states its expectation here.
BAD_NO_COMMENT = {
    "empty.py": {"verdict": "error", "phase": "load",
                 "message": r"defines no run\(\) function"},
}
BAD_MIN_KINDS = 30


def bad_expectation(path):
    """The `# e2e:` comment of a hostile case; message= is a regex."""
    name = os.path.basename(path)
    if name in BAD_NO_COMMENT:
        return BAD_NO_COMMENT[name]
    with open(require(path, "a hostile case"), encoding="utf-8",
              errors="replace") as f:
        for line in f:
            m = re.match(r"\ufeff?#\s*e2e:\s*(.*)$", line.rstrip("\n"))
            if m:
                text, want = m.group(1), {}
                if "message=" in text:
                    text, want["message"] = text.split("message=", 1)
                for pair in text.split():
                    key, _, value = pair.partition("=")
                    want[key] = value
                if want.get("verdict"):
                    return want
    raise MissingFixture("`# e2e: verdict=...` comment in %s" % rel(path))


def bad_mismatch(c, want):
    """Why report entry c does not meet want, or None."""
    if c is None:
        return "not in the report"
    why = []
    if c["verdict"] != want["verdict"]:
        why.append("verdict %s, want %s" % (c["verdict"], want["verdict"]))
    if want.get("phase") and c.get("phase") != want["phase"]:
        why.append("phase %s, want %s" % (c.get("phase"), want["phase"]))
    if "message" in want and not re.search(want["message"].strip(),
                                           c.get("message", "")):
        why.append("message does not match /%s/" % want["message"].strip())
    want_ok = want["verdict"] in ("clean", "leak")
    if bool(c["ok"]) != want_ok:
        why.append("ok is %s" % c["ok"])
    return "; ".join(why) or None


def run_stdout_json(*args):
    """Run with --format json to stdout (not -o: see test_bad)."""
    rc, out, err, secs = leakcheck("run", "-q", "--no-explain", "--format",
                                   "json", *args)
    try:
        return rc, json.loads(out, parse_constant=not_json), err, secs
    except ValueError as e:
        return rc, None, "%s\n%s\n%s" % (e, out[:2000], err), secs


def test_bad():
    files = require_cases(BAD, "the hostile cases")
    if len(files) < BAD_MIN_KINDS:
        raise MissingFixture("tests/bad/ holds %d cases, fewer than %d"
                             % (len(files), BAD_MIN_KINDS))
    wants = {os.path.basename(f): bad_expectation(f) for f in files}
    with tempfile.TemporaryDirectory(prefix="lc-e2e-bad-") as tmp:
        copy = os.path.join(tmp, "bad")
        shutil.copytree(BAD, copy, symlinks=True)
        rc, report, err, secs = run_stdout_json("-j", "2", copy)
        if not check(report is not None, "(h) bad: a JSON report", err):
            return
        cases = by_name(report)
        for name in sorted(wants):
            c, want = cases.get(name), wants[name]
            why = bad_mismatch(c, want)
            check(why is None, "(h) %s: %s%s" % (
                name, want["verdict"],
                " in " + want["phase"] if want.get("phase") else ""),
                "%s\n%s" % (why, json.dumps(c, indent=1)[:3000]))
        check(sorted(cases) == sorted(wants),
              "(h) bad: every case reported once", sorted(cases))
        check(rc == 2, "(h) bad: exit status 2 (case files with unusable "
              "headers)", "status %d\n%s" % (rc, err))
        check(secs < 120, "(h) bad: the run took %.1f s" % secs)
        test_bad_paths(tmp)


def bad_path_run(what, paths, need_err, want_rc, good=None):
    """A run on paths made at test time: it returns, exits want_rc, and its
    stderr matches need_err; good names a case that must still run."""
    try:
        rc, report, err, secs = run_stdout_json(*paths)
    except subprocess.TimeoutExpired:
        check(False, "(h) %s: the run returns" % what, "it hung")
        return
    check(rc == want_rc and re.search(need_err, err) is not None,
          "(h) %s: exit %d, stderr says /%s/" % (what, want_rc, need_err),
          "status %d\nstderr: %s" % (rc, err))
    if good:
        ran = bool(report) and any(
            os.path.basename(c["path"]) == good and c["verdict"] == "clean"
            for c in report["cases"])
        check(ran, "(h) %s: %s beside it still runs, clean" % (what, good))


def test_bad_paths(tmp):
    good = "def run():\n    [object() for _ in range(10)]\n"

    def folder(name, *cases):
        d = os.path.join(tmp, name)
        os.mkdir(d)
        for c in cases:
            with open(os.path.join(d, c), "w") as f:
                f.write(good)
        return d

    d = folder("fifo", "good.py")
    os.mkfifo(os.path.join(d, "x.py"))
    bad_path_run("a FIFO named x.py in a folder", [d],
                 r"fifo/x\.py: not a regular file \(a FIFO\)", 2, "good.py")
    bad_path_run("a FIFO named x.py as an operand",
                 [os.path.join(d, "x.py")], r"x\.py: not a regular file", 2)
    d = folder("dangling", "good.py")
    os.symlink("nowhere.py", os.path.join(d, "dangling.py"))
    bad_path_run("a dangling link", [d],
                 r"dangling\.py: symbolic link to 'nowhere\.py' that leads "
                 r"nowhere", 2, "good.py")
    d = folder("file_as_folder", "good.py")
    bad_path_run("a file used as a folder",
                 [os.path.join(d, "good.py", "sub")],
                 r"good\.py/sub: Not a directory", 2)
    d = folder("cycle")
    sub = folder(os.path.join("cycle", "sub"), "good.py")
    os.symlink("..", os.path.join(sub, "loop"))
    os.symlink("good.py", os.path.join(sub, "again.py"))
    rc, report, err, _ = run_stdout_json(d)
    names = sorted(os.path.relpath(c["path"], d)
                   for c in (report or {}).get("cases", []))
    check(rc == 0 and names == ["sub/again.py"],
          "(h) a link cycle and a second link to one case: listed once, "
          "by its first name",
          "status %d, cases %s\n%s" % (rc, names, err))
    # The case that writes to every descriptor 3-63, with the report in a
    # file: that file must not be one of the descriptors a case inherits.
    out = os.path.join(tmp, "report.json")
    rc, _, err, _ = leakcheck("run", "-q", "--no-explain", "--format", "json",
                              "-o", out, os.path.join(tmp, "bad",
                                                      "garbage_to_fds.py"))
    try:
        with open(out, "rb") as f:
            json.loads(f.read().decode("utf-8"))
        parsed = True
    except (OSError, ValueError):
        parsed = False
    check(parsed, "(h) garbage_to_fds.py with -o FILE: the report file is "
          "not writable by the case")


def test_planted_all():
    test_planted(PLANTED, "tests/cases/planted")
    test_planted(CASES, "cases")


# --- fixtures: a group with a fixture removed fails, naming it ----------------

def strip_e2e_comment(path):
    with open(path) as f:
        lines = [l for l in f if not l.lstrip().startswith("# e2e:")]
    with open(path, "w") as f:
        f.writelines(lines)


def empty_cases(folder):
    for name in os.listdir(folder):
        if name.endswith(".py"):
            os.remove(os.path.join(folder, name))


def truncate(path):
    open(path, "w").close()


# (group, what is done to the copy, the path it is done to, the text the
# failure must show). Every group that reads a fixture of the repository
# is here; odd_names makes its own in a temporary folder.
BREAKAGES = [
    ("repo_cases", shutil.rmtree, "cases", "missing fixture: cases ("),
    ("repo_cases", empty_cases, "cases",
     "missing fixture: cases/ holds no case file"),
    ("failures", os.remove, "tests/cases/failures/segfault.py",
     "missing fixture: tests/cases/failures/segfault.py ("),
    ("failures", strip_e2e_comment, "tests/cases/failures/hang.py",
     "missing fixture: `# e2e: verdict=...` comment in "
     "tests/cases/failures/hang.py"),
    ("failures", empty_cases, "tests/cases/failures",
     "missing fixture: tests/cases/failures/"),
    ("bad_header", os.remove, "tests/cases/bad_header/neighbour_leak.py",
     "missing fixture: tests/cases/bad_header/neighbour_leak.py ("),
    ("planted", os.remove, "tests/cases/planted/planted_one_object_leak.py",
     "missing fixture: tests/cases/planted/planted_one_object_leak.py ("),
    ("planted", os.remove, "cases/planted_one_object_clean.py",
     "missing fixture: cases/planted_one_object_clean.py ("),
    ("text", os.remove, "tests/golden/planted.txt",
     "missing fixture: tests/golden/planted.txt ("),
    ("text", truncate, "tests/golden/planted.txt",
     "missing fixture: tests/golden/planted.txt (the golden text report "
     "of tests/cases/planted; empty)"),
    ("text", strip_e2e_comment, "tests/cases/failures/still_clean.py",
     "missing fixture: `# e2e: verdict=...` comment in "
     "tests/cases/failures/still_clean.py"),
    ("usage", os.remove, "tests/cases/planted/planted_one_object_clean.py",
     "missing fixture: tests/cases/planted/planted_one_object_clean.py ("),
]


def test_fixtures():
    """Each group run on a copy of REPO (its cases/ and tests/ folders)
    with one fixture removed exits 1 and names that fixture. require()
    runs before the group starts leakcheck, so each run takes a moment."""
    for group, breaks, target, needle in BREAKAGES:
        with tempfile.TemporaryDirectory(prefix="lc-e2e-fixture-") as tmp:
            for top in ("cases", "tests"):
                shutil.copytree(os.path.join(REPO, top),
                                os.path.join(tmp, top), symlinks=True)
            breaks(os.path.join(tmp, target))
            p = subprocess.run(
                [sys.executable, os.path.abspath(__file__), LEAKCHECK, tmp,
                 group], stdin=subprocess.DEVNULL, capture_output=True,
                text=True, timeout=RUN_TIMEOUT)
            out = p.stdout.replace(tmp + "/", "")
            check(p.returncode == 1 and needle in out,
                  "(fixtures) %s with %s %s: exits 1 naming it"
                  % (group, breaks.__name__, target),
                  "status %d\n%s%s" % (p.returncode, out, p.stderr))


def test_shards():
    files = sorted(os.path.relpath(f, REPO) for f in
                   require_cases(CASES, "the repository's cases"))
    with tempfile.TemporaryDirectory(prefix="lc-e2e-shards-") as tmp:
        reports, seen = [], []
        for k in (1, 2, 3):
            out = os.path.join(tmp, "shard-%d.json" % k)
            # Short runs: only who runs where is checked here.
            p = subprocess.run([LEAKCHECK, "run", "-q", "--no-explain",
                                "--iterations", "8", "--warmup", "0",
                                "--time", "2", "--shard", "%d/3" % k,
                                "--format", "json", "-o", out, "cases"],
                               cwd=REPO, capture_output=True,
                               timeout=RUN_TIMEOUT)
            with open(out) as f:
                report = json.load(f)
            reports.append(out)
            seen += [c["path"] for c in report["cases"]]
            check(p.returncode in (0, 1) and len(report["cases"]) > 0,
                  "(i) shard %d/3 ran %d cases" % (k, len(report["cases"])),
                  p.stderr.decode())
        check(sorted(seen) == files,
              "(i) the three shards cover cases/ exactly once (%d of %d)"
              % (len(set(seen)), len(files)),
              sorted(set(files) ^ set(seen)))
        p = subprocess.run([LEAKCHECK, "report", "--format", "json",
                            *reports], capture_output=True,
                           timeout=RUN_TIMEOUT)
        joined = json.loads(p.stdout) if p.stdout else {"cases": []}
        check(sorted(c["path"] for c in joined["cases"]) == files and
              joined["summary"]["cases"] == len(files),
              "(i) leakcheck report joins the shards into one report",
              p.stderr.decode())
        p = subprocess.run([LEAKCHECK, "report", reports[0], reports[0]],
                           capture_output=True, timeout=RUN_TIMEOUT)
        check(p.returncode == 2 and b"in two of the files" in p.stderr,
              "(i) a case in two reports is refused", p.stderr.decode())


GROUPS = {
    "shards": test_shards,
    "repo_cases": test_repo_cases,
    "failures": test_failures,
    "bad_header": test_bad_header,
    "planted": test_planted_all,
    "text": test_text,
    "usage": test_usage,
    "odd_names": test_odd_names,
    "bad": test_bad,
    "fixtures": test_fixtures,
}


def main():
    if GROUP == "all":
        tests = list(GROUPS.values())
    elif GROUP in GROUPS:
        tests = [GROUPS[GROUP]]
    else:
        sys.exit("%s\ne2e.py: unknown group %r; groups: %s"
                 % (USAGE, GROUP, " ".join(GROUPS)))
    for test in tests:
        try:
            test()
        except MissingFixture as e:
            check(False, "missing fixture: %s" % e)
        except Exception as e:  # a broken check is a failure, not a crash
            check(False, "%s ran to the end" % test.__name__,
                  "%s: %s" % (type(e).__name__, e))
    print("e2e %s: %d passed, %d failed" % (GROUP, passed, failed))
    # A group that checked nothing lost its fixtures somewhere: not a pass.
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
