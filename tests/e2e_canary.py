"""The canary suite (tests/canary/) under leakcheck: no false leaks.

    python3.11 tests/e2e_canary.py LEAKCHECK REPO KIND

KIND pytest runs `leakcheck pytest tests/canary`; KIND unittest runs
`leakcheck unittest test_unittest_features test_unittest_twins` from
tests/canary (names resolved from the current folder, as `python3 -m
unittest` resolves them). Each runs three times. Every test keeping nothing
must be clean and every leaking twin (an id with "_leaks") a leak, in all
three runs alike; ids with "skipped" (and, under pytest, "xfails": pytest
reports an expected failure as a skip) must be skipped. Any other verdict
fails, and so does a missing test: a canary whose fixture is missing errors,
it never skips.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

LEAKCHECK, REPO, KIND = sys.argv[1:4]
CANARY = os.path.join(REPO, "tests", "canary")
RUNS = 3
# The fewest tests each kind must judge: a canary that went missing (a
# file not collected, a class renamed) fails here.
LEAST = {"pytest": 130, "unittest": 39}


check = Checks("e2e_canary " + KIND)


def want(test_id):
    if "skipped" in test_id or (KIND == "pytest" and "xfails" in test_id):
        return "skipped"
    return "leak" if "_leaks" in test_id else "clean"


def run_once():
    # Leaks are judged through H=128 here (--iterations): what decides a
    # canary is whether growth is there, and the suite's time stays modest.
    # Verdicts only (--no-explain): every twin is a leak, and an explain
    # pass each (a worker importing the suite again) would double the time;
    # tests/e2e_suite_explain.py covers the pass on suite tests.
    if KIND == "pytest":
        args, cwd = ["pytest", CANARY], REPO
    else:
        args = ["unittest", "test_unittest_features", "test_unittest_twins"]
        cwd = CANARY
    with tempfile.TemporaryDirectory(prefix="lc canary ") as tmp:
        out = os.path.join(tmp, "report.json")
        p = subprocess.run([LEAKCHECK, *args, "-q", "-j2", "--iterations",
                            "128", "--no-explain", "--format", "json", "-o",
                            out], cwd=cwd,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=1200)
        text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    return p.returncode, text, p.stderr.decode("utf-8", "replace")


def main():
    seen = []
    for n in range(RUNS):
        rc, text, err = run_once()
        check(rc == 1, "run %d exits 1 (the twins leak)" % n, "status %d\n%s" % (rc, err[-2000:]))
        if not text:
            check(False, "run %d wrote its report" % n, err[-2000:])
            continue
        verdicts = {}
        for c in json.loads(text)["cases"]:
            verdicts[c["id"]] = c["verdict"]
            w = want(c["id"])
            check(c["verdict"] == w, "run %d: %s is %s, want %s" % (n, c["id"], c["verdict"], w),
                  "%s\n%s" % (c.get("strength", ""), c.get("message", "")[:1500]))
        check(len(verdicts) >= LEAST[KIND],
              "run %d judged %d tests, at least %d expected" % (n, len(verdicts), LEAST[KIND]))
        clean = sum(1 for i in verdicts if want(i) == "clean")
        twins = sum(1 for i in verdicts if want(i) == "leak")
        check(clean >= 40 if KIND == "pytest" else clean >= 18,
              "run %d: enough clean canaries (%d)" % (n, clean))
        check(twins >= clean - 2, "run %d: a twin per canary (%d twins, %d clean)" % (n, twins, clean))
        seen.append(verdicts)
    check(len(seen) == RUNS and all(s == seen[0] for s in seen),
          "%d runs alike" % RUNS,
          "\n".join(sorted("%s: %s" % (i, [s.get(i) for s in seen])
                           for i in set().union(*seen)
                           if len({s.get(i) for s in seen}) > 1)) if seen else "")


if __name__ == "__main__":
    main()
    sys.exit(check.finish())
