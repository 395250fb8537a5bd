"""e2e_faults.py - the runner under faults: interrupts, a runner killed
outright, a case's children, hangs, the memory cap, a hostile parent kill,
reports that cannot be written.

    /usr/bin/python3.11 tests/e2e_faults.py BUILD/leakcheck REPO_ROOT GROUP

GROUP: interrupt, sigkill, children, timeout, memory, parent, output, or
all. Each check prints a line; a missing fixture is a failure; the exit
status is 1 when any check failed. Cases are in tests/cases/faults/; the
ones that start children mark them with argv 98765x, so "no process left"
is a scan of /proc for those marks. Standard library only.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

LEAKCHECK = os.path.abspath(sys.argv[1])
REPO = os.path.abspath(sys.argv[2])
GROUP = sys.argv[3] if len(sys.argv) > 3 else "all"
FAULTS = os.path.join(REPO, "tests", "cases", "faults")
MARKS = ("987654", "987655", "987656", "987657", "987658", "987659")

failed = 0
passed = 0


def check(ok, what, detail=""):
    global failed, passed
    if ok:
        passed += 1
        print("ok   - " + what)
    else:
        failed += 1
        print("FAIL - " + what)
        for line in str(detail).rstrip("\n").split("\n")[:40]:
            print("       " + line)
    return ok


def case(name):
    path = os.path.join(FAULTS, name)
    if not os.path.isfile(path):
        raise SystemExit("FAIL - missing fixture: tests/cases/faults/" + name)
    return path


def marked_processes():
    """pids whose command line carries one of the children's marks."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(m.encode() in argv for m in MARKS):
            found.append(int(pid))
    return found


def none_left(what, grace=3.0):
    """No marked child survives (keepers clean up asynchronously)."""
    deadline = time.monotonic() + grace
    while marked_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = marked_processes()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    check(not left, what + ": no process left", "left: %s" % left)


def run_json(*args):
    p = subprocess.run([LEAKCHECK, "run", "-q", "--no-explain", "--format",
                        "json", *args], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=300)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        report = None
    return p.returncode, report, p.stderr.decode("utf-8", "replace")


def by_name(report):
    return {os.path.basename(c["path"]): c for c in (report or {}).get(
        "cases", [])}


def journal_lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()]
    except (OSError, ValueError):
        return []


def start_slow_run(tmp):
    """A run of one quick and three slow cases, with a journal and a JSON
    report; returns the process once the quick case is in the journal."""
    journal = os.path.join(tmp, "j.jsonl")
    report = os.path.join(tmp, "r.json")
    p = subprocess.Popen(
        [LEAKCHECK, "run", "-j", "2", "--no-explain", "--journal", journal,
         "--format", "json", "-o", report, case("quick_clean.py"),
         case("slow_clean_1.py"), case("slow_clean_2.py"),
         case("slow_clean_3.py")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 20
    while not journal_lines(journal) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    return p, journal, report


def test_interrupt():
    for sig, want in ((signal.SIGINT, 130), (signal.SIGTERM, 143),
                      (signal.SIGHUP, 129)):
        name = signal.Signals(sig).name
        with tempfile.TemporaryDirectory(prefix="lc-faults-") as tmp:
            p, journal, report_path = start_slow_run(tmp)
            t0 = time.monotonic()
            p.send_signal(sig)
            out, err = p.communicate(timeout=60)
            took = time.monotonic() - t0
            check(p.returncode == want, "%s: exit status %d" % (name, want),
                  "status %d\n%s" % (p.returncode, err.decode()))
            check(took < 5, "%s: the run stopped at once (%.1f s)"
                  % (name, took))
            try:
                with open(report_path) as f:
                    report = json.load(f)
            except (OSError, ValueError) as e:
                check(False, "%s: the report is whole JSON" % name, e)
                continue
            cases = by_name(report)
            check(report["summary"].get("interrupted") == name,
                  "%s: the summary says the run was interrupted" % name,
                  report["summary"])
            check(len(cases) == 4, "%s: every case is in the report" % name,
                  sorted(cases))
            check(cases.get("quick_clean.py", {}).get("verdict") == "clean",
                  "%s: the finished case kept its verdict" % name)
            cut = [c for c in cases.values() if c.get("phase") ==
                   "interrupted"]
            check(len(cut) >= 1 and all(c["verdict"] == "error" and
                                        name in c.get("message", "")
                                        for c in cut),
                  "%s: the rest say they were cut short by %s" % (name, name),
                  json.dumps(list(cases.values()), indent=1)[:2000])
            check(len(journal_lines(journal)) == 4,
                  "%s: the journal has a line per case" % name)
            none_left(name)


def test_sigkill():
    with tempfile.TemporaryDirectory(prefix="lc-faults-") as tmp:
        p, journal, _ = start_slow_run(tmp)
        p.kill()
        p.communicate(timeout=30)
        lines = journal_lines(journal)
        check(len(lines) >= 1 and all(
            l.get("verdict") in ("clean", "leak") for l in lines),
            "SIGKILL: the journal keeps every finished case, whole",
            lines)
        r = subprocess.run([LEAKCHECK, "report", "--format", "json",
                            journal], capture_output=True, timeout=60)
        try:
            rendered = json.loads(r.stdout)
        except ValueError:
            rendered = None
        check(r.returncode == 0 and rendered and
              len(rendered["cases"]) == len(lines),
              "SIGKILL: leakcheck report renders the journal",
              r.stderr.decode())
        none_left("SIGKILL")


def test_children():
    t0 = time.monotonic()
    rc, report, err = run_json(case("child_sleeps.py"))
    took = time.monotonic() - t0
    c = by_name(report).get("child_sleeps.py", {})
    check(c.get("verdict") == "clean" and rc == 0,
          "children: a case whose children sleep is judged", err)
    check(took < 20, "children: the result is used when it arrives "
          "(%.1f s, the children sleep for days)" % took)
    none_left("children (one in a session of its own)")


def test_timeout():
    rc, report, err = run_json(case("hang_at_line.py"))
    c = by_name(report).get("hang_at_line.py", {})
    msg = c.get("message", "")
    check(c.get("verdict") == "timeout" and c.get("phase") == "run",
          "timeout: verdict timeout in phase run", json.dumps(c)[:1500])
    with open(case("hang_at_line.py")) as f:
        line = next(i for i, l in enumerate(f, 1)
                    if "the line the timeout must name" in l)
    check(re.search(r'hang_at_line\.py", line %d in run' % line, msg)
          is not None,
          "timeout: the message shows the Python line where it hung", msg)
    check(2 <= c.get("elapsed_s", 0) < 6,
          "timeout: killed about its 2 s timeout (%.2f s)"
          % c.get("elapsed_s", 0))
    none_left("timeout (a child in a session of its own)")
    r = subprocess.run([LEAKCHECK, "explain", "--timeout", "1",
                        "--explain-dir", tempfile.gettempdir(),
                        case("quick_clean.py")], capture_output=True,
                       timeout=120)
    check(r.returncode in (0, 1), "timeout: --timeout bounds the explain "
          "pass too (it ends)", r.stderr.decode())


def test_memory():
    t0 = time.monotonic()
    rc, report, err = run_json(case("grows_into_cap.py"),
                               case("one_huge_block.py"))
    cases = by_name(report)
    grow = cases.get("grows_into_cap.py", {})
    huge = cases.get("one_huge_block.py", {})
    check(grow.get("verdict") == "leak" and
          grow.get("reason") == "grew into the memory cap" and
          grow.get("growth", {}).get("py_bytes", 0) > 30e6,
          "memory: 32 MiB per call under memory=512 is a leak, reason "
          "memory cap, about 32 MiB per iteration", json.dumps(grow)[:1500])
    check(huge.get("verdict") == "error" and
          "one allocation too large" in huge.get("message", ""),
          "memory: one huge allocation is an error that says so",
          json.dumps(huge)[:1500])
    check(time.monotonic() - t0 < 30, "memory: decided quickly")
    check(rc == 1, "memory: exit 1 (the huge block expects clean)", err)


def test_parent():
    rc, report, err = run_json(case("kills_parent.py"),
                               case("quick_clean.py"))
    cases = by_name(report)
    check(report is not None and
          cases.get("kills_parent.py", {}).get("verdict") == "crash",
          "parent: a case that kills its parent is a crash", err)
    check(cases.get("quick_clean.py", {}).get("verdict") == "clean",
          "parent: the run goes on", err)


def test_output():
    r = subprocess.run([LEAKCHECK, "run", "-q", "--no-explain", "--format",
                        "json", "-o", "/dev/full", case("quick_clean.py")],
                       capture_output=True, timeout=60)
    check(r.returncode == 2 and b"cannot write the report" in r.stderr,
          "output: -o /dev/full exits 2 with a message",
          "status %d\n%s" % (r.returncode, r.stderr.decode()))
    p = subprocess.Popen([LEAKCHECK, "run", "--no-explain",
                          case("quick_clean.py")], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader went away
    err = p.stderr.read()
    p.wait(timeout=60)
    check(p.returncode == 2, "output: a closed stdout is exit 2, not death "
          "by SIGPIPE", "status %d\n%s" % (p.returncode, err.decode()))
    r = subprocess.run([LEAKCHECK, "run", "-q", "--no-explain", "-o",
                        case("quick_clean.py"), case("quick_clean.py")],
                       capture_output=True, timeout=60)
    check(r.returncode == 2 and os.path.getsize(case("quick_clean.py")) > 0,
          "output: -o naming a case is refused and the case is intact",
          r.stderr.decode())


GROUPS = {"interrupt": test_interrupt, "sigkill": test_sigkill,
          "children": test_children, "timeout": test_timeout,
          "memory": test_memory, "parent": test_parent,
          "output": test_output}


def main():
    if GROUP != "all" and GROUP not in GROUPS:
        sys.exit("unknown group %r (%s, all)" % (GROUP, ", ".join(GROUPS)))
    for name, fn in GROUPS.items():
        if GROUP in ("all", name):
            fn()
    print("e2e_faults %s: %d passed, %d failed" % (GROUP, passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
