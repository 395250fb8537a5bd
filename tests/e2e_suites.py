"""End-to-end tests of `leakcheck unittest` and `leakcheck pytest`.

    python3.11 tests/e2e_suites.py LEAKCHECK REPO GROUP

GROUP: unittest_planted, pytest_planted, cpython. The planted suites
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


GROUPS = {"unittest_planted": test_unittest_planted,
          "pytest_planted": test_pytest_planted, "cpython": test_cpython}

if __name__ == "__main__":
    GROUPS[GROUP]()
    sys.exit(check.finish())
