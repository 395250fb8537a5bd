#!/usr/bin/python3.11
"""suite_speed.py - what hunting a test suite costs against running it
(issue 17). Prints figures measured in this one run; never passes or fails
on a time.

    /usr/bin/python3.11 bench/suite_speed.py PART [options]

PART:
  upstream SUITES   the upstream tests of Debian-packaged libraries, fetched
                    into SUITES at the installed version (never committed):
                    SUITES/msgpack/test, ujson/tests, multidict/tests,
                    ijson/test, more-itertools/tests, kiwisolver/py/tests,
                    pyrsistent/tests (the ones present);
                    plain `/usr/bin/python3.11 -m pytest` against `leakcheck pytest
                    -j2`, run against the installed package
  debian            the tests Debian ships inside python3-numpy (its fft,
                    matrixlib, polynomial, random and ma packages; numpy's
                    conftest.py needs python3-hypothesis) and
                    python3-networkx, run where they are installed, from a
                    temporary folder; as upstream
  trivial           a file of 300 trivial tests: milliseconds of leakcheck
                    per clean test, (leakcheck wall - plain pytest wall) /
                    300, both -j1
  cpython           12 CPython test modules, heavy ones included, against
                    `python3.11d -m test -R 3:3 -j2` (python3.11-dbg)
  cases OLD         CPU of `leakcheck run cases/ -j2` (--no-explain, and
                    with the explain pass) against the program OLD (the
                    runner of an older commit) on the cases both have

Options: --pairs N (default 3: each figure is the median of N pairs run
back to back, plain then leakcheck), --build DIR (default build),
--only NAME (upstream: one folder of SUITES; debian: one row, numpy.ma;
repeatable),
--before PROG (upstream and trivial: also a leakcheck program to compare
with, one more column per pair).

Wall times on a shared machine are noisy: CPU time (user + sys of the
whole process tree) is printed beside each. A run of the upstream part
also counts the tests whose verdict is not clean or leak and the errors
leakcheck has that plain pytest does not.
"""
import argparse
import glob
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3.11"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UPSTREAM = [  # (name, folder under SUITES, tests folder, C extension)
    ("msgpack 1.0.3", "msgpack", "test", True),
    ("ujson 5.7.0", "ujson", "tests", True),
    ("multidict 6.0.4", "multidict", "tests", True),
    ("ijson 3.2.0", "ijson", "test", True),
    ("more-itertools 8.10.0", "more-itertools", "tests", False),
    ("kiwisolver 1.4.4", "kiwisolver", "py/tests", True),
    # its hypothesis_vector_test.py needs python3-hypothesis, not installed
    ("pyrsistent 0.18.1", "pyrsistent", "tests/*_test.py "
     "-hypothesis_vector_test.py", True),
]
DIST = "/usr/lib/python3/dist-packages"
DEBIAN = [  # (name, tests folder, C extension)
    ("numpy.fft", DIST + "/numpy/fft/tests", True),
    ("numpy.matrixlib", DIST + "/numpy/matrixlib/tests", True),
    ("numpy.polynomial", DIST + "/numpy/polynomial/tests", True),
    ("numpy.random", DIST + "/numpy/random/tests", True),
    ("numpy.ma", DIST + "/numpy/ma/tests", True),
    ("networkx.classes", DIST + "/networkx/classes/tests", False),
    ("networkx.generators", DIST + "/networkx/generators/tests", False),
]
CPYTHON = ["test_typing", "test_zoneinfo", "test_struct", "test_json",
           "test_bisect", "test_colorsys", "test_heapq", "test_textwrap",
           "test_fnmatch", "test_operator", "test_base64", "test_difflib"]


def test_args(where, tests):
    """The paths a suite's tests are given as: its folder, or a pattern of
    files under where, less the files named after a "-"."""
    words = tests.split()
    if "*" not in words[0]:
        return words
    drop = {w[1:] for w in words[1:] if w.startswith("-")}
    return sorted(os.path.relpath(f, where)
                  for f in glob.glob(os.path.join(where, words[0]))
                  if os.path.basename(f) not in drop)


def timed(cmd, cwd, env=None):
    """(wall s, cpu s of the whole tree, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def leakcheck_pytest(prog, where, tests, jobs, out):
    return timed([prog, "pytest", *test_args(where, tests), "-j%d" % jobs,
                  "-q", "--format", "json", "-o", out], where)


def plain_pytest(where, tests):
    return timed([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  *test_args(where, tests)], where)


def verdicts(path):
    try:
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
    except (OSError, ValueError):
        return None
    out = {}
    for c in cases:
        out.setdefault(c["verdict"], []).append(c)
    return out


def plain_failures(p):
    """Node ids plain pytest reports failed or errored (-q -rfE summary)."""
    text = p.stdout.decode("utf-8", "replace")
    return {line.split(" ", 2)[1] for line in text.splitlines()
            if line.startswith(("FAILED ", "ERROR ")) and " " in line}


def upstream_row(a, name, ext, where, tests):
    """Measure one suite and print its row at once."""
    pw, pc, lw, lc, bw, bc = [], [], [], [], [], []
    report, plain = None, None
    with tempfile.TemporaryDirectory(prefix="lc-bench-") as tmp:
        out = os.path.join(tmp, "r.json")
        for _ in range(a.pairs):
            w, c, plain = timed([PY, "-m", "pytest", "-q", "-rfE", "-p",
                                 "no:cacheprovider",
                                 *test_args(where, tests)], where)
            pw.append(w)
            pc.append(c)
            w, c, _ = leakcheck_pytest(a.prog, where, tests, 2, out)
            lw.append(w)
            lc.append(c)
            report = verdicts(out)
            if a.before:
                w, c, _ = leakcheck_pytest(a.before, where, tests, 2,
                                           os.path.join(tmp, "b.json"))
                bw.append(w)
                bc.append(c)
    rep = report or {}
    n = sum(len(v) for v in rep.values())
    line = "%-22s %5d %5.1f/%5.1f %6.1f/%6.1f %7.1f %7.1f" % (
        name + ("" if ext else " (py)"), n, med(pw), med(pc), med(lw),
        med(lc), med(lw) / med(pw), med(lc) / med(pc))
    if a.before:
        line += " %6.1f/%6.1f %7.1f" % (med(bw), med(bc), med(bw) / med(pw))
    counts = ", ".join("%d %s" % (len(v), k) for k, v in sorted(rep.items()))
    print(line + "  " + counts, flush=True)
    plain_bad = plain_failures(plain)
    ours = [c["id"] for k in ("error", "crash", "timeout")
            for c in rep.get(k, []) if c["id"] not in plain_bad]
    for c in rep.get("leak", []):
        print("    leak  %s  %s  %s" % (c["id"], c.get("growth"),
                                       c.get("strength")), flush=True)
    if ours:
        print("    not a verdict, passing in plain pytest: %s" % ours[:10],
              flush=True)


def part_upstream(a):
    print("upstream suites, -j2, median of %d pairs (wall s / CPU s), each "
          "row as it is measured" % a.pairs)
    head = "%-22s %5s %12s %14s %7s %7s" % ("suite", "tests", "plain",
                                             "leakcheck", "wall x", "cpu x")
    if a.before:
        head += " %14s %7s" % ("before", "wall x")
    print(head + "  verdicts", flush=True)
    for name, folder, tests, ext in UPSTREAM:
        where = os.path.join(a.suites, folder)
        if a.only and folder not in a.only:
            continue
        paths = test_args(where, tests)
        if not paths or not os.path.exists(os.path.join(where, paths[0])):
            print("%-22s not fetched into %s: skipped" % (name, where))
            continue
        upstream_row(a, name, ext, where, tests)


def part_debian(a):
    if subprocess.run([PY, "-c", "import hypothesis"],
                      capture_output=True).returncode != 0:
        sys.exit("debian: numpy's conftest.py imports hypothesis "
                 "(apt-get install python3-hypothesis)")
    print("tests shipped in Debian's packages, -j2, median of %d pairs (wall "
          "s / CPU s), each row as it is measured" % a.pairs)
    print("%-22s %5s %12s %14s %7s %7s  verdicts"
          % ("tests", "tests", "plain", "leakcheck", "wall x", "cpu x"),
          flush=True)
    with tempfile.TemporaryDirectory(prefix="lc-bench-cwd-") as cwd:
        for name, folder, ext in DEBIAN:
            if a.only and name not in a.only:
                continue
            if not os.path.isdir(folder):
                print("%-22s not installed (%s): skipped" % (name, folder))
                continue
            upstream_row(a, name, ext, cwd, folder)


def part_trivial(a):
    with tempfile.TemporaryDirectory(prefix="lc-bench-") as tmp:
        with open(os.path.join(tmp, "test_trivial300.py"), "w") as f:
            for i in range(300):
                f.write("def test_t%d():\n    assert %d + 1 == %d\n\n"
                        % (i, i, i + 1))
        pw, pc, lw, lc, bw, bc = [], [], [], [], [], []
        out = os.path.join(tmp, "r.json")
        for _ in range(a.pairs):
            w, c, _ = plain_pytest(tmp, "test_trivial300.py")
            pw.append(w)
            pc.append(c)
            w, c, _ = leakcheck_pytest(a.prog, tmp, "test_trivial300.py", 1,
                                       out)
            lw.append(w)
            lc.append(c)
            if a.before:
                w, c, _ = leakcheck_pytest(a.before, tmp, "test_trivial300.py",
                                           1, out + ".b")
                bw.append(w)
                bc.append(c)
        rep = verdicts(out) or {}
    print("\n300 trivial tests, -j1, median of %d pairs" % a.pairs)
    print("plain pytest %.2f s wall %.2f s CPU; leakcheck %.2f s wall %.2f s CPU;"
          " verdicts %s" % (med(pw), med(pc), med(lw), med(lc),
                            {k: len(v) for k, v in rep.items()}))
    print("leakcheck per clean test: %.1f ms wall, %.1f ms CPU (target <= 30 ms"
          " wall)" % ((med(lw) - med(pw)) / 0.3, (med(lc) - med(pc)) / 0.3))
    if a.before:
        print("before: %.1f ms wall, %.1f ms CPU per clean test"
              % ((med(bw) - med(pw)) / 0.3, (med(bc) - med(pc)) / 0.3))


def part_cpython(a):
    if not os.path.exists("/usr/bin/python3.11d"):
        sys.exit("cpython: needs /usr/bin/python3.11d (apt-get install "
                 "python3.11-dbg)")
    rw, rc_, lw, lc = [], [], [], []
    flagged, rep = set(), {}
    with tempfile.TemporaryDirectory(prefix="lc-bench-") as tmp:
        out = os.path.join(tmp, "r.json")
        for _ in range(a.pairs):
            w, c, p = timed(["/usr/bin/python3.11d", "-m", "test", "-R", "3:3",
                             "-j2", *CPYTHON], tmp)
            rw.append(w)
            rc_.append(c)
            for line in p.stdout.decode("utf-8", "replace").splitlines():
                if " leaked [" in line:
                    flagged.add(line.split()[0])
            w, c, _ = timed([a.prog, "unittest", *("test." + m for m in CPYTHON),
                             "-j2", "-q", "--format", "json", "-o", out], tmp)
            lw.append(w)
            lc.append(c)
            rep = verdicts(out) or {}
    print("\n12 CPython test modules, -j2, median of %d pairs" % a.pairs)
    print("modules: %s" % " ".join(CPYTHON))
    print("regrtest -R 3:3 (python3.11d): %.1f s wall %.1f s CPU; flagged: %s"
          % (med(rw), med(rc_), sorted(flagged) or "none"))
    print("leakcheck unittest: %.1f s wall %.1f s CPU; verdicts %s"
          % (med(lw), med(lc), {k: len(v) for k, v in rep.items()}))
    for c in rep.get("leak", []):
        print("    leak  %s  %s  %s" % (c["id"], c.get("growth"), c.get("strength")))
    print("ratio leakcheck/regrtest: wall %.2f, CPU %.2f (target <= 0.5 wall)"
          % (med(lw) / med(rw), med(lc) / med(rc_)))


def part_cases(a):
    old = a.old
    both = []
    old_cases = os.path.join(os.path.dirname(os.path.dirname(old)), "cases")
    for f in sorted(os.listdir(os.path.join(REPO, "cases"))):
        if f.endswith(".py") and not f.startswith(("_", ".")) and \
                os.path.exists(os.path.join(old_cases, f)):
            both.append(os.path.join("cases", f))
    print("\ncases/ both runners have: %d (old cases from %s)"
          % (len(both), old_cases))
    for label, extra in (("verdicts only", ["--no-explain"]),
                         ("with explain", [])):
        oc, nc, ow, nw = [], [], [], []
        same = True
        with tempfile.TemporaryDirectory(prefix="lc-bench-") as tmp:
            for _ in range(a.pairs):
                w, c, _ = timed([old, "run", *both, "-j2", "-q", *extra,
                                 "--format", "json", "-o", tmp + "/o.json"],
                                REPO)
                ow.append(w)
                oc.append(c)
                w, c, _ = timed([a.prog, "run", *both, "-j2", "-q", *extra,
                                 "--format", "json", "-o", tmp + "/n.json"],
                                REPO)
                nw.append(w)
                nc.append(c)
                vo = {c["path"]: c["verdict"] for c in
                      json.load(open(tmp + "/o.json"))["cases"]}
                vn = {c["path"]: c["verdict"] for c in
                      json.load(open(tmp + "/n.json"))["cases"]}
                diff = {p: (vo[p], vn.get(p)) for p in vo if vo[p] != vn.get(p)}
                same = same and not diff
                if diff:
                    print("    verdicts differ: %s" % diff)
        print("%-14s old %.1f s CPU (%.1f wall), new %.1f s CPU (%.1f wall): "
              "CPU ratio %.2f, wall ratio %.2f; same verdicts: %s"
              % (label, med(oc), med(ow), med(nc), med(nw),
                 med(nc) / med(oc), med(nw) / med(ow), same))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("part", choices=["upstream", "debian", "trivial",
                                     "cpython", "cases"])
    ap.add_argument("arg", nargs="?")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--before")
    ap.add_argument("--only", action="append",
                    help="upstream: only this folder of SUITES; debian: "
                    "only these tests, numpy.random (repeatable)")
    a = ap.parse_args()
    a.prog = os.path.abspath(os.path.join(a.build, "leakcheck"))
    if not os.access(a.prog, os.X_OK):
        sys.exit("no program at %s: build first" % a.prog)
    if a.pairs < 3:
        print("note: fewer than 3 pairs: the medians are weak")
    if a.part == "upstream":
        if not a.arg or not os.path.isdir(a.arg):
            sys.exit("upstream: name the folder the suites were fetched into")
        a.suites = a.arg
        part_upstream(a)
    elif a.part == "debian":
        part_debian(a)
    elif a.part == "trivial":
        part_trivial(a)
    elif a.part == "cpython":
        part_cpython(a)
    else:
        if not a.arg or not os.access(a.arg, os.X_OK):
            sys.exit("cases: name the older leakcheck program "
                     "(git worktree add /work/old-8514333 8514333; build it)")
        a.old = os.path.abspath(a.arg)
        part_cases(a)


if __name__ == "__main__":
    main()
