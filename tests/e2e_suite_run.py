"""End-to-end tests of how `leakcheck pytest` spends its time (issue 17).

    python3.11 tests/e2e_suite_run.py LEAKCHECK REPO GROUP

GROUP:
  certain   a leak stops once certain (growing at 128, 256, 512 and 1024
            iterations), says so, and --iterations asks for the whole plan;
            lists that stop filling at 100 and 600 entries stay clean;
  slices    -j2 spreads the tests of one operand over workers even when
            there are as many operands as workers;
  budget    --budget spent: every slice is still screened, every test
            still gets a verdict; one judged on the short plan says so
            (over_budget) and rests on the iterations its strength names;
            no explain pass starts once it is spent, and a leak found
            then says so; with budget left, a leak is explained;
  progress  on a terminal, a progress line counts tests done of all, leaks
            so far and the time left; with stderr not a terminal, none;
  full_slice  the largest slice one worker takes (LC_SUITE_SLICE_MAX
            trivial tests, -j1) answers for every test, both suite kinds;
  fill      a group whose screen grows in its first window only is clean
            by its screen, all its tests screened together;
  band      a group whose level moves within a band (rising at the end of
            every window of 10 runs, never above where it rose to) is
            clean by its screen once 10 runs passed with no rise;
  drop      a leak that climbs again after a drop, under the level it
            dropped from, is not screened clean;
  split     -j2, a slow slice beside a fast one: once the fast one ends,
            the slow one gives a test back to the runner, which judges it
            in a worker of its own that imported the module again, while
            the other is judged in the slice's worker (calls overlapping in
            time, in two processes, each from its own import); both slow
            tests are too slow for a plan alone within --time 20 and are
            clean by a screen of their own; with -j1 too (the two take
            more than a group screened as one may take a run).
The suite is tests/suites/pytest_speed/ (each test's docstring says what it
must get).
"""
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

LEAKCHECK, REPO, GROUP = sys.argv[1:4]
SUITE = "tests/suites/pytest_speed"
CERTAIN = "growth kept going through every horizon up to the certainty bound"


check = Checks("e2e_suite_run " + GROUP)


def need_suite():
    path = os.path.join(REPO, SUITE, "test_speed.py")
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        raise SystemExit("fixture missing: %s" % path)


# Each test's time bound, far above what its plans need on a loaded
# machine: the verdicts checked here must rest on iterations, not on time.
TIME = ["--time", "600"]


def run_json(*args, env=None, time=TIME):
    with tempfile.TemporaryDirectory(prefix="lc-e2e-run-") as tmp:
        out = os.path.join(tmp, "report.json")
        p = subprocess.run([LEAKCHECK, "pytest", *args, *time, "-q", "--format",
                            "json", "-o", out], cwd=REPO, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=900)
        text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    if not text:
        raise SystemExit("no report (status %d):\n%s" %
                         (p.returncode, p.stderr.decode("utf-8", "replace")))
    return p.returncode, {c["id"].split("::")[-1]: c
                          for c in json.loads(text)["cases"]}


def test_certain():
    rc, cases = run_json(SUITE + "/test_speed.py", "-k",
                         "keeps_one or fills_to or trivial", "-j2")
    leak = cases.get("test_keeps_one_object", {})
    check(rc == 1 and leak.get("verdict") == "leak",
          "the planted leak is a leak", str(leak)[:600])
    check(leak.get("reason") == CERTAIN, "it stopped once certain",
          leak.get("reason", ""))
    check(re.match(r"growing at every horizon through H=1024, the figure "
                   r"over its last 512$", leak.get("strength", "")),
          "the report says what the figure rests on",
          leak.get("strength", ""))
    # measured: the plan's own iterations (iterations also holds the
    # leak's control and its confirmation alone, issue 22)
    check(0 < leak.get("measured", 0) <= 1024,
          "1024 measured iterations at the most, not 2048",
          str(leak.get("measured")))
    check(leak.get("growth", {}).get("py_blocks") == 1,
          "one block per call", str(leak.get("growth")))
    for n in (100, 600):
        fill = cases.get("test_fills_to_%d" % n, {})
        check(fill.get("verdict") == "clean",
              "a fill that ends at %d entries is clean" % n, str(fill)[:600])
    others = [k for k, c in cases.items() if k.startswith("test_trivial")
              and c["verdict"] != "clean"]
    check(len([k for k in cases if k.startswith("test_trivial")]) == 20
          and not others, "every trivial test is clean", str(others))
    rc, cases = run_json(SUITE + "/test_speed.py::test_keeps_one_object",
                         "--iterations", "512", "-j1")
    leak = cases.get("test_keeps_one_object", {})
    check(leak.get("verdict") == "leak" and
          leak.get("reason") == "growth kept going through the iteration horizon"
          and leak.get("measured", 0) >= 512,
          "--iterations N: the whole plan to N", str(leak)[:600])


def test_slices():
    with tempfile.TemporaryDirectory(prefix="lc-e2e-run-") as tmp:
        pids = os.path.join(tmp, "pids")
        env = dict(os.environ, LC_SPEED_PIDS=pids)
        # two operands for two workers: before issue 17 each operand was
        # one slice, and the 60 tests of the first shared one worker
        rc, cases = run_json(SUITE + "/test_speed.py::test_spread",
                             SUITE + "/test_speed.py::test_trivial", "-j2",
                             env=env)
        cases = {k: c for k, c in cases.items() if "spread" in k}
        seen = {}
        with open(pids, encoding="ascii") as f:
            for line in f:
                pid, n = line.split()
                seen.setdefault(int(n), set()).add(int(pid))
    check(rc == 0 and len(cases) == 60 and
          all(c["verdict"] == "clean" for c in cases.values()),
          "60 clean tests", "status %d, %d tests" % (rc, len(cases)))
    workers = set().union(*seen.values()) if seen else set()
    check(len(seen) == 60, "every test ran", str(sorted(seen))[:300])
    check(len(workers) >= 2, "one module's tests in more than one worker",
          str(workers))


def run_tty(args):
    """Run with stderr (and stdin) a terminal; stdout to a pipe."""
    master, slave = pty.openpty()
    p = subprocess.Popen([LEAKCHECK, "pytest", *args], cwd=REPO,
                         stdin=slave, stderr=slave, stdout=subprocess.PIPE,
                         env=dict(os.environ, NO_COLOR="1"))
    os.close(slave)
    err = b""
    while True:
        r, _, _ = select.select([master], [], [], 600)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait(timeout=600)
    os.close(master)
    return p.returncode, out.decode("utf-8", "replace"), err.decode(
        "utf-8", "replace")


def test_progress():
    args = [SUITE + "/test_speed.py", "-k", "keeps_one or trivial", "-j2"]
    rc, out, err = run_tty(args)
    lines = [x for x in re.split(r"\r|\n", err) if x.startswith("\x1b[K[")]
    check(rc == 1, "the run ends with its leak", "status %d\n%s" % (rc, err))
    check(any(re.match(r"\x1b\[K\[\d+/21\] [01] leaks?", x) for x in lines),
          "a progress line counts tests of all 21 and leaks", repr(err[:800]))
    check(any(re.search(r"\[[1-9]\d*/21\] .*ETA \d+m\d\ds", x)
              for x in lines), "once a test is done, the time left",
          repr(err[:800]))
    check(err.endswith("\r\x1b[K"), "the line is cleared at the end",
          repr(err[-200:]))
    check("test_keeps_one_object" in out, "the report goes to stdout",
          out[:300])
    p = subprocess.run([LEAKCHECK, "pytest", *args], cwd=REPO,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=900)
    check("\x1b[K" not in p.stderr.decode("utf-8", "replace"),
          "no progress line when stderr is not a terminal",
          p.stderr.decode("utf-8", "replace")[:300])


def test_budget():
    # a budget spent before any slice starts: every slice is still
    # screened, and every test judged alone gets the short plan
    args = [SUITE + "/test_speed.py", "-k", "keeps_one or trivial", "-j2",
            "--budget", "0.001s", "-q", "--format", "json", *TIME]
    p = subprocess.run([LEAKCHECK, "pytest", *args], cwd=REPO,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=900)
    err = p.stderr.decode("utf-8", "replace")
    cases = {c["id"].split("::")[-1]: c
             for c in json.loads(p.stdout)["cases"]}
    check(p.returncode == 1 and len(cases) == 21,
          "every test is reported", "status %d\n%s" % (p.returncode, err))
    m = re.search(r"--budget 0 s: (\d+) tests? judged short .*, (\d+) clean "
                  r"by a group's screen only", err)
    check(m, "the run says how many were judged short or only screened", err)
    leak = cases.get("test_keeps_one_object", {})
    check(leak.get("verdict") == "leak" and leak.get("over_budget") is True
          and leak.get("strength") == "kept growing through H=64"
          and leak.get("measured", 0) <= 64,
          "the leak is judged on the short plan and says so", str(leak)[:600])
    short = screened = 0
    for k, c in cases.items():
        if not k.startswith("test_trivial"):
            continue
        check(c["verdict"] == "clean", "%s is clean" % k, str(c)[:600])
        if c["screened"]:
            screened += 1
            check(c["over_budget"] is False, "a screen is never cut short",
                  str(c)[:600])
        else:
            short += 1
            check(c["over_budget"] is True and
                  c["strength"] == "flat through H=64",
                  "%s: the short plan, said" % k, str(c)[:600])
    check(m and (int(m.group(1)), int(m.group(2))) == (short + 1, screened),
          "the counts are the report's", "%s: %d short, %d screened" %
          (m and m.group(0), short + 1, screened))
    # the budget bounds the explain passes too: none starts once spent
    why = ("explanation not started: --budget was spent (leakcheck "
           "explain ID explains one test alone)")
    check(leak.get("explanation") == {"error": why} and
          leak.get("explanation_text") == why and
          ", 1 leak not explained, in " in err,
          "the leak found after the budget was spent is not explained, "
          "and the run says so", "%s\n%s" % (str(leak)[:600], err))
    p = subprocess.run([LEAKCHECK, "pytest", SUITE + "/test_speed.py", "-k",
                        "keeps_one", "--budget", "10m", "-q", "--format",
                        "json", *TIME], cwd=REPO, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=900)
    err = p.stderr.decode("utf-8", "replace")
    leak = json.loads(p.stdout)["cases"][0]
    check(leak.get("verdict") == "leak" and leak.get("explanation") and
          ", 0 leaks not explained, in " in err,
          "with budget left, the leak is explained",
          "%s\n%s" % (str(leak)[:400], err))
    for bad in ("10x", "0", "-5m", "m"):
        p = subprocess.run([LEAKCHECK, "pytest", SUITE, "--budget", bad],
                           cwd=REPO, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        check(p.returncode == 2 and b"--budget" in p.stderr,
              "--budget %s is a usage error" % bad, p.stderr[:300])


def slice_max():
    """LC_SUITE_SLICE_MAX, read from the header that sets it."""
    path = os.path.join(REPO, "src", "base", "lc_limits.h")
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^#define LC_SUITE_SLICE_MAX (\d+)$", f.read(), re.M)
    if not m:
        raise SystemExit("no LC_SUITE_SLICE_MAX in %s" % path)
    return int(m.group(1))


def test_full_slice():
    """The largest slice one worker judges (-j1: every test of the file
    in it) answers for every test, under both suite kinds: a RESULT record
    each must fit the worker's channel (a slice of over 220 tests once
    came back as nothing but crashes)."""
    n = slice_max()
    body = ["import unittest", "", "class T(unittest.TestCase):"]
    body += ["    def test_%04d(self):\n        self.assertEqual(1 + 1, 2)"
             % i for i in range(n)]
    with tempfile.TemporaryDirectory(prefix="lc e2e slice ") as tmp:
        with open(os.path.join(tmp, "test_full.py"), "w",
                  encoding="utf-8") as f:
            f.write("\n".join(body) + "\n")
        for kind in ("unittest", "pytest"):
            out = os.path.join(tmp, kind + ".json")
            p = subprocess.run([LEAKCHECK, kind, "test_full.py", "-j1", "-q",
                                "--format", "json", "-o", out], cwd=tmp,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=600)
            cases = (json.load(open(out, encoding="utf-8"))["cases"]
                     if os.path.exists(out) else [])
            verdicts = {}
            for c in cases:
                verdicts[c["verdict"]] = verdicts.get(c["verdict"], 0) + 1
            check(p.returncode == 0 and verdicts == {"clean": n},
                  "%s: %d trivial tests in one slice, all clean" % (kind, n),
                  "status %d, %s\n%s" % (p.returncode, verdicts,
                                         (cases[0].get("message", "")
                                          if cases else p.stderr)[:400]))


def three_clean(name):
    """Run SUITE/name (three tests, -j1): all three clean, or a failure
    checked. Their cases by name."""
    fixture = os.path.join(REPO, SUITE, name)
    if not os.path.isfile(fixture):
        raise SystemExit("fixture missing: %s" % fixture)
    rc, cases = run_json(SUITE + "/" + name, "-j1")
    check(rc == 0 and len(cases) == 3 and
          all(c["verdict"] == "clean" for c in cases.values()),
          "three clean tests", "status %d, %s" % (rc, {
              k: c["verdict"] for k, c in cases.items()}))
    return cases


def screened(cases):
    return str({k: (c.get("screened"), c.get("screen_tests"), c["iterations"])
                for k, c in cases.items()})


def test_fill():
    cases = three_clean("test_screen_fill.py")
    check(all(c.get("screened") and c.get("screen_tests") == 3
              for c in cases.values()),
          "all three clean by their group's screen, none judged alone",
          screened(cases))


def test_band():
    cases = three_clean("test_screen_band.py")
    # first run, 2 warm-up, a window of 10 that rose at its 8th run, then
    # 8 runs that stay at or under where that rise reached: 10 runs in a
    # row with no rise (three windows of 10 and a drill-down into tests
    # judged alone when each window had to end flat)
    check(all(c.get("screened") and c.get("screen_tests") == 3 and
              c["iterations"] == 1 + 2 + 10 + 8 for c in cases.values()),
          "all three clean by their group's screen, 8 runs after its "
          "first window, none judged alone", screened(cases))


def test_drop():
    fixture = os.path.join(REPO, SUITE, "test_screen_drop.py")
    if not os.path.isfile(fixture):
        raise SystemExit("fixture missing: %s" % fixture)
    rc, cases = run_json(SUITE + "/test_screen_drop.py", "-j1",
                         "--no-explain")
    leak = cases.get("test_leaks_after_a_drop", {})
    check(rc == 1 and leak.get("verdict") == "leak" and
          leak.get("screened") is False,
          "a leak that climbs again after a drop, under the first window's "
          "top, is not screened clean: judged alone, a leak",
          "status %d, %s" % (rc, str(leak)[:600]))
    check(all(cases.get(k, {}).get("verdict") == "clean"
              for k in ("test_e", "test_f")),
          "its neighbours are clean", screened(cases))


def test_split():
    for name in ("test_split_slow.py", "test_split_fast.py"):
        if not os.path.isfile(os.path.join(REPO, SUITE, name)):
            raise SystemExit("fixture missing: %s" % name)
    with tempfile.TemporaryDirectory(prefix="lc-e2e-run-") as tmp:
        log = os.path.join(tmp, "calls")
        # 0.4 s a call: 69 calls alone would take 28 s, over --time 20
        rc, cases = run_json(SUITE + "/test_split_slow.py",
                             SUITE + "/test_split_fast.py", "-j2",
                             env=dict(os.environ, LC_SPLIT_LOG=log),
                             time=["--time", "20"])
        calls = {"a": [], "b": []}
        with open(log, encoding="ascii") as f:
            for line in f:
                name, pid, imported, start, end = line.split()
                calls[name].append((int(pid), int(imported), float(start),
                                    float(end)))
    slow = [cases.get("test_slow_" + x, {}) for x in "ab"]
    check(rc == 0 and len(cases) == 3 and
          all(c["verdict"] == "clean" for c in cases.values()),
          "three clean tests", screened(cases))
    check(all(c.get("screened") and c.get("screen_tests") == 1 and
              c.get("strength") == "screened: flat over 10 runs"
              for c in slow),
          "each slow test clean by a screen of its own, not judged alone",
          screened(cases))
    # the first run and a screen's worth of calls at least
    check(len(calls["a"]) >= 13 and len(calls["b"]) >= 13,
          "both slow tests repeated",
          "%d and %d calls" % (len(calls["a"]), len(calls["b"])))
    at_once = [(x, y) for x in calls["a"] for y in calls["b"]
               if x[0] != y[0] and x[2] < y[3] and y[2] < x[3]]
    check(at_once, "calls of the two slow tests ran at once, in two "
          "processes: the slice gave a test back for the slot the fast "
          "one freed",
          str(sorted(calls["a"] + calls["b"], key=lambda c: c[2]))[:900])
    check(at_once and all(x[1] != y[1] for x, y in at_once),
          "the two ran from imports of their own (a worker given tests "
          "back imports them again; none shares what an import made)",
          str(at_once)[:900])
    # -j1: nothing to lend; together they take 0.8 s a run, over the half
    # second a group screened as one may take: still a screen each
    rc, cases = run_json(SUITE + "/test_split_slow.py", "-j1",
                         time=["--time", "20"])
    check(rc == 0 and all(c.get("verdict") == "clean" and
                          c.get("screen_tests") == 1
                          for c in cases.values()) and len(cases) == 2,
          "-j1: the two slow tests screened apart, not as one group",
          screened(cases))


GROUPS = {"certain": test_certain, "slices": test_slices,
          "progress": test_progress, "budget": test_budget,
          "full_slice": test_full_slice, "fill": test_fill,
          "band": test_band, "drop": test_drop, "split": test_split}

if __name__ == "__main__":
    need_suite()
    GROUPS[GROUP]()
    sys.exit(check.finish())
