"""e2e_explain.py - the explain pass through the real program.

    /usr/bin/python3.11 tests/explain/e2e_explain.py BUILD/leakcheck

Runs `leakcheck run --format json` on tests/explain/cases/ (cases whose
holders are known) and `leakcheck explain` on one of them, and checks that
each leak's explanation names the holder a person would fix and the line of
the case that allocates. Prints "e2e_explain: N passed, M failed".
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

# case -> (text a holder chain must contain, text of the allocating line)
HOLDERS = {
    "audit_list": ("audit_list.AUDIT[", "AUDIT.append("),
    "widget_registry": ("widget_registry.Widget.instances[", None),
    "logger_per_request": ("manager.loggerDict['app.request.", None),
    "processor_cache": ("processor_cache.processor.cache[", None),
    "lru_unbounded": ("lru_unbounded.square.cache", None),
    "fd_leak": ("fd_leak.FILES[", None),
}

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def line_of(case, text):
    with open(os.path.join(CASES, case + ".py")) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise AssertionError("%s: no line containing %r" % (case, text))


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        dots = os.path.join(tmp, "dots")
        proc = subprocess.run(
            [exe, "run", "-q", "--format", "json", "-o", out,
             "--explain-dir", dots, CASES],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        check(proc.returncode == 0, "run exit %d: %s" % (
            proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))
        with open(out) as f:
            report = json.load(f)
        by_name = {os.path.basename(c["path"])[:-3]: c
                   for c in report["cases"]}
        for case, (holder, alloc_text) in HOLDERS.items():
            c = by_name.get(case)
            check(c is not None and c["verdict"] == "leak",
                  "%s judged a leak" % case)
            if c is None:
                continue
            ex = c.get("explanation", {})
            check("error" not in ex, "%s: explanation ran: %s" % (
                case, ex.get("error", "")[:500]))
            chains = [h.get("chain") or "" for h in ex.get("holders", [])]
            check(any(holder in ch for ch in chains),
                  "%s: a holder chain contains %r; got %r" % (
                      case, holder, chains))
            if alloc_text:
                want = "%s.py:%d" % (case, line_of(case, alloc_text))
                text = json.dumps(ex.get("sites", []))
                check(want in text, "%s: an allocation site is %s" % (
                    case, want))
            # Named for the case's path, '/' as '_', ".py" as ".dot".
            check(os.path.isdir(dots) and
                  any(n.endswith("_" + case + ".dot")
                      for n in os.listdir(dots)),
                  "%s: DOT file written" % case)
        clean = by_name.get("clean_bounded")
        check(clean is not None and clean["verdict"] == "clean" and
              "explanation" not in clean,
              "a clean case gets no explain pass in run")

        # The explain command: text for people, whatever the verdict.
        proc = subprocess.run(
            [exe, "explain", "--explain-dir", dots,
             os.path.join(CASES, "widget_registry.py")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        text = proc.stdout.decode(errors="replace")
        check(proc.returncode == 0, "explain exit %d" % proc.returncode)
        for want in ("1. What grew", "2. Where it was allocated",
                     "3. Who holds it", "widget_registry.Widget.instances["):
            check(want in text, "explain text contains %r" % want)
    print("e2e_explain: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
