"""End-to-end tests of `leakcheck unittest` and `leakcheck pytest`.

    python3.11 tests/e2e_suites.py LEAKCHECK REPO GROUP

GROUP: unittest_planted, pytest_planted, cpython (two clean modules; the
leak of ctypes' test_callback_large_struct at its id), names (file operands
named as `python3 -m unittest` names them), threaded (a suite that starts a
thread: leaks confirmed alone all the same). The planted suites
(tests/suites/) say in each test's docstring what it must get: its first
word is LEAK, CLEAN, ERROR, SKIPPED, NOT (repeatable: an error so marked,
which leaves the exit status alone), CONTROL (clean: its control grew as
much) or DEPENDS (clean alone, grew only after the slice's other tests,
named in its message); "LEAK only for n=K" means the parametrized id ending in [K] leaks and the others are
clean. Every planted leak must be flagged by its id and nothing else.
"""
import ast
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

LEAKCHECK, REPO, GROUP = sys.argv[1:4]


check = Checks("e2e_suites " + GROUP)


def expectations(path):
    """{function name: (word, only)} from the docstrings of a test file."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            doc = ast.get_docstring(node) or ""
            m = re.match(r"LEAK only for n=(\w+)", doc)
            out[node.name] = ("LEAK", m.group(1)) if m else (doc.split()[0].rstrip(":"), None)
    if not out:
        raise SystemExit("no planted tests in %s" % path)
    return out


def want_for(test_id, exp):
    name = re.split(r"[.:]", test_id.split("[")[0])[-1]
    word, only = exp[name]
    if only is not None:
        return "leak" if test_id.endswith("[%s]" % only) else "clean"
    return {"LEAK": "leak", "CLEAN": "clean", "ERROR": "error",
            "SKIPPED": "skipped", "NOT": "not repeatable",
            "CONTROL": "control", "DEPENDS": "depends"}[word]


def run(*args, fmt="json"):
    with tempfile.TemporaryDirectory(prefix="lc-e2e-suites-") as tmp:
        out = os.path.join(tmp, "report")
        p = subprocess.run([LEAKCHECK, *args, "-q", "-j2", "--format", fmt,
                            "-o", out], cwd=REPO, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=900)
        text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    return p.returncode, text, p.stderr.decode("utf-8", "replace")


def planted(kind, folder, test_file):
    exp = expectations(os.path.join(REPO, folder, test_file))
    rc, text, err = run(kind, folder)
    check(rc == 1, "%s %s exits 1 (it has leaks)" % (kind, folder),
          "status %d\n%s" % (rc, err))
    report = json.loads(text)
    seen = set()
    for c in report["cases"]:
        check("id" in c and "strength" in c, "every entry carries id and strength", str(c)[:300])
        want = want_for(c["id"], exp)
        got = c["verdict"]
        if want == "not repeatable":
            ok = (got == "error" and c.get("not_repeatable") is True and
                  c.get("ok") is True and "failed on run 3" in c.get("message", ""))
        elif want == "control":
            ok = got == "clean" and c.get("control_grew") is True
        elif want == "depends":
            ok = (got == "clean" and c.get("depends_on_others") is True and
                  "test_a_enables" in c.get("message", ""))
        else:
            ok = got == want
        check(ok, "%s: %s (want %s)" % (c["id"], got, want),
              c.get("message", "")[:800])
        if got == "leak":
            check(c.get("confirmed_alone") is True,
                  "%s: a leak is confirmed alone" % c["id"], str(c)[:300])
        if got == "clean" and want == "clean":
            check(bool(re.match(r"screened: flat over \d+ runs|flat through H=\d+",
                                c["strength"])),
                  "%s: a clean verdict says how strong it is" % c["id"], c["strength"])
        seen.add(re.split(r"[.:]", c["id"].split("[")[0])[-1])
    check(seen == set(exp), "every planted test was judged",
          "missing %s" % sorted(set(exp) - seen))


def test_unittest_planted():
    planted("unittest", "tests/suites/unittest_planted", "test_planted.py")
    # JUnit: one testcase per test id; text names the test.
    rc, text, _ = run("unittest", "tests/suites/unittest_planted", "-k",
                      "Fillers.test_arith", fmt="junit")
    check(rc == 0 and text.count("<testcase ") == 1 and
          'name="test_planted.Fillers.test_arith"' in text,
          "-k selects one id; JUnit names it", text[:1000])


def test_pytest_planted():
    planted("pytest", "tests/suites/pytest_planted", "test_planted_pytest.py")


def test_cpython():
    rc, text, err = run("unittest", "test.test_bisect", "test.test_colorsys")
    report = json.loads(text)
    ids = [c["id"] for c in report["cases"]]
    check(rc == 0 and all(c["verdict"] == "clean" for c in report["cases"]),
          "test_bisect and test_colorsys are clean", "%d %s" % (rc, err))
    check(any(i.startswith("test.test_bisect.") for i in ids) and
          any(i.startswith("test.test_colorsys.") for i in ids),
          "ids are unittest's TestCase.id()", str(ids[:5]))
    # a real leak of CPython 3.11.2's ctypes (a callback returning a large
    # struct), found among its module's tests by its id, and only it
    rc, text, err = run("unittest", "ctypes.test.test_callbacks",
                        "--no-explain", "--time", "600")
    cases = json.loads(text)["cases"]
    leaks = [c["id"] for c in cases if c["verdict"] == "leak"]
    check(rc == 1 and leaks == [
        "ctypes.test.test_callbacks.SampleCallbacksTestCase."
        "test_callback_large_struct"],
          "ctypes' test_callback_large_struct is the module's one leak, "
          "at its id", "%d %s\n%s" % (rc, leaks, err[-400:]))


def test_names():
    """A file operand is named as `python3 -m unittest FILE` names it: a
    test file of a package, which imports its sibling relatively, runs from
    the folder above and gets unittest's ids (it once got its base name
    and could not import)."""
    files = {"pkg/__init__.py": "",
             "pkg/helper.py": "VALUE = 2\n",
             "pkg/test_rel.py": ("import unittest\nfrom .helper import VALUE\n\n"
                                 "class T(unittest.TestCase):\n"
                                 "    def test_value(self):\n"
                                 "        self.assertEqual(VALUE, 2)\n")}
    with tempfile.TemporaryDirectory(prefix="lc e2e names ") as tmp:
        for name, text in files.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        plain = subprocess.run([sys.executable, "-m", "unittest", "-v",
                                "pkg/test_rel.py"], cwd=tmp,
                               capture_output=True, text=True, timeout=120)
        check(plain.returncode == 0 and "pkg.test_rel.T.test_value" in plain.stderr,
              "python3 -m unittest pkg/test_rel.py passes (the fixture works)",
              plain.stderr[-800:])
        for operand in ("pkg/test_rel.py", "pkg.test_rel"):
            out = os.path.join(tmp, "report.json")
            p = subprocess.run([LEAKCHECK, "unittest", operand, "-q", "-j1",
                                "--format", "json", "-o", out], cwd=tmp,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=300)
            cases = (json.load(open(out, encoding="utf-8"))["cases"]
                     if os.path.exists(out) else [])
            got = [(c["id"], c["verdict"]) for c in cases]
            check(p.returncode == 0 and got == [("pkg.test_rel.T.test_value", "clean")],
                  "leakcheck unittest %s: unittest's id, clean" % operand,
                  "status %d, %s\n%s" % (p.returncode, got,
                                         (cases[0].get("message", "") if cases
                                          else p.stderr)[-800:]))


def test_threaded():
    """A worker that cannot fork (its suite started a thread): its leaks
    are still confirmed alone, by a worker of their own."""
    for kind in ("unittest", "pytest"):
        planted(kind, "tests/suites/threaded", "test_threaded.py")


GROUPS = {"unittest_planted": test_unittest_planted,
          "pytest_planted": test_pytest_planted, "cpython": test_cpython,
          "names": test_names, "threaded": test_threaded}

if __name__ == "__main__":
    GROUPS[GROUP]()
    sys.exit(check.finish())
