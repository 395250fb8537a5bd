"""e2e_explain.py - the explain pass through the real program.

    /usr/bin/python3.11 tests/explain/e2e_explain.py BUILD/leakcheck GROUP

Groups (CTest runs each as explain_e2e_GROUP, or `all`):

  run      `leakcheck run --format json` on tests/explain/cases/ (cases
           whose holders are known): each leak's explanation names the
           holder a person would fix and the line of the case that
           allocates, and a DOT file is written per leak;
  command  `leakcheck explain` on one of them: the text for people;
  refs     reference leaks named (issue 23): `leakcheck explain --format
           json` and the text on the repository's refcount-only cases
           name the object whose count grows (None, the module global
           dict by its holder, msgpack's int key) at +1 ref/it and the
           call that takes it; the explain pass counts none of its own
           descriptors; a JUnit failure carries the same lines;
  ext      leaks inside Debian-packaged C extensions (ujson 5.7.0, msgpack
           1.0.3; cases/ujson_*_leak.py, cases/msgpack_*_leak.py): the
           explanation names what leaked, tracked by the collector or not
           (str 'null', a raw buffer of 31 B, ...), and a C function in
           the extension's shared object on its allocation stack;
  files    `leakcheck explain CASE` run in a fresh folder leaves it empty;
  fixtures each group above, run from a copy of tests/explain/ with one of
           its fixtures removed, fails naming that fixture.

A missing fixture (a case file, the folder, the allocating line a check
looks up) fails its group with "FAIL: missing fixture: ...", never a skip.
Prints "e2e_explain GROUP: N passed, M failed".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
ROOT = os.path.dirname(os.path.dirname(HERE))
REPO_CASES = os.path.join(ROOT, "cases")
sys.path.insert(0, HERE)
import schema_check  # noqa: E402

# refcount-only cases of cases/ -> (the object named, the call named)
REFS = {
    "ext_incref_none_leak": ("None", "_lcleaky.incref_none_leak"),
    "ctypes_incref_module_dict": ("dict ctypes_incref_module_dict._REGISTRY",
                                  "_incref"),
    "msgpack_unpackb_incomplete_map_ref_leak": ("int 1",
                                                "msgpack._cmsgpack.unpackb"),
    # a callback's return value the C function that called it keeps: the
    # C function, not the callback's last line
    "cpython_re_sub_callback_none": ("None", "re.Pattern.sub"),
}

# case -> (text a holder chain must contain, text of the allocating line)
HOLDERS = {
    "audit_list": ("audit_list.AUDIT[", "AUDIT.append("),
    "widget_registry": ("widget_registry.Widget.instances[", None),
    "logger_per_request": ("manager.loggerDict['app.request.", None),
    "processor_cache": ("processor_cache.processor.cache[", None),
    "lru_unbounded": ("lru_unbounded.square.cache", None),
    "fd_leak": ("fd_leak.FILES[", None),
}

CLEAN_CASE = "clean_bounded"
COMMAND_CASE = "widget_registry"

passed = failed = 0


class MissingFixture(Exception):
    """A case file, folder or line a group reads is not there."""


def require(path, what):
    """A file that exists and is not empty, or a folder; else
    MissingFixture naming it (relative to tests/explain/)."""
    if os.path.isdir(path) or (os.path.isfile(path) and
                               os.path.getsize(path) > 0):
        return path
    raise MissingFixture("%s (%s; %s)" % (
        os.path.relpath(path, HERE), what,
        "empty" if os.path.isfile(path) else "absent"))


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def case_path(case):
    return require(os.path.join(CASES, case + ".py"), "an explain case")


def line_of(case, text):
    with open(case_path(case)) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise MissingFixture("a line containing %r in cases/%s.py"
                         % (text, case))


def test_run(exe):
    require(CASES, "the explain cases")
    sites = {case: "%s.py:%d" % (case, line_of(case, alloc_text))
             for case, (_, alloc_text) in HOLDERS.items() if alloc_text}
    for case in list(HOLDERS) + [CLEAN_CASE]:
        case_path(case)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        dots = os.path.join(tmp, "dots")
        proc = subprocess.run(
            [exe, "run", "-q", "--format", "json", "-o", out,
             "--explain-dir", dots, CASES],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        check(proc.returncode == 0, "run exit %d: %s" % (
            proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))
        try:
            with open(out) as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            check(False, "run wrote a JSON report: %s" % e)
            return
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
                want = sites[case]
                text = json.dumps(ex.get("sites", []))
                check(want in text, "%s: an allocation site is %s" % (
                    case, want))
            # Named for the case's path, '/' as '_', ".py" as ".dot".
            check(os.path.isdir(dots) and
                  any(n.endswith("_" + case + ".dot")
                      for n in os.listdir(dots)),
                  "%s: DOT file written" % case)
            # Graphviz is a dependency (ci/install-deps.sh): the picture
            # must be there too, and be SVG.
            svgs = [n for n in (os.listdir(dots) if os.path.isdir(dots)
                                else []) if n.endswith("_" + case + ".svg")]
            svg_ok = False
            for n in svgs:
                with open(os.path.join(dots, n), "rb") as f:
                    svg_ok = b"<svg" in f.read(4096)
            check(svg_ok, "%s: SVG picture written (Graphviz)" % case)
        clean = by_name.get(CLEAN_CASE)
        check(clean is not None and clean["verdict"] == "clean" and
              "explanation" not in clean,
              "a clean case gets no explain pass in run")


def test_command(exe):
    """The explain command: text for people, whatever the verdict."""
    path = case_path(COMMAND_CASE)
    with tempfile.TemporaryDirectory() as dots:
        proc = subprocess.run(
            [exe, "explain", "--explain-dir", dots, path],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    text = proc.stdout.decode(errors="replace")
    check(proc.returncode == 0, "explain exit %d" % proc.returncode)
    for want in ("1. What grew", "2. Where it was allocated",
                 "3. Who holds it", "widget_registry.Widget.instances["):
        check(want in text, "explain text contains %r" % want)


def repo_case(case):
    return require(os.path.join(REPO_CASES, case + ".py"),
                   "a case of the repository's cases/")


def explain_json(exe, path, cwd=None):
    """(explanation dict or None, the report's text of it, process)."""
    proc = subprocess.run([exe, "explain", "--format", "json", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=600, cwd=cwd)
    try:
        case = json.loads(proc.stdout)["cases"][0]
    except (ValueError, KeyError, IndexError):
        return None, "", proc
    return case.get("explanation"), case.get("explanation_text") or "", proc


def test_refs(exe):
    """Reference leaks named, in JSON (valid against the schema), text and
    JUnit; the pass's own descriptors are not the case's."""
    with open(require(os.path.join(ROOT, "src", "explain",
                               "explain.schema.json"), "the schema")) as f:
        schema = json.load(f)
    for case, (obj, call) in REFS.items():
        ex, text, proc = explain_json(exe, repo_case(case))
        check(ex is not None and "error" not in ex, "%s: explained (%s)" % (
            case, proc.stderr.decode(errors="replace")[-500:]))
        if ex is None or "error" in ex:
            continue
        errs = schema_check.errors(schema, ex)
        check(not errs, "%s: explanation valid: %s" % (case, errs[:3]))
        objs = (ex.get("refs") or {}).get("objects") or []
        top = objs[0] if objs else {}
        check(top.get("object") == obj, "%s: first object is %r; got %r" % (
            case, obj, [o.get("object") for o in objs]))
        check(abs(top.get("refs_per_iter", 0) - 1.0) < 0.05,
              "%s: %s at +1 ref/it; got %r" % (case, obj,
                                                top.get("refs_per_iter")))
        takers = top.get("takers") or [{}]
        check(takers[0].get("call") == call and
              abs(takers[0].get("refs_per_iter", 0) - 1.0) < 0.05,
              "%s: taken by %s, +1 ref/it; got %r" % (case, call, takers))
        check(("+1.00  " + obj) in text and ("by " + call) in text,
              "%s: the text names %s and %s:\n%s" % (case, obj, call, text))
        fds = ex.get("fds") or {}
        check(fds.get("per_iter") == 0 and not fds.get("new"),
              "%s: no descriptor of the pass's own counted: %r" % (case, fds))
        # no memory grew: no C stack taken per malloc, no blocks shown
        memory = [s for s in ("py_blocks", "py_bytes", "native_bytes")
                  if (ex.get("growth") or {}).get(s)]
        ns, pb = ex.get("native_sites") or {}, ex.get("py_blocks") or {}
        check(not memory and ns.get("recorded") is False and
              "not recorded" in (ns.get("note") or "") and
              pb.get("recorded") is False,
              "%s: a reference leak's blocks are not recorded (growth %r, "
              "native_sites %r)" % (case, ex.get("growth"), ns.get("note")))
    # the type attribute cache's references are not the program's
    ex, text, proc = explain_json(exe, require(os.path.join(
        CASES, "refs_type_cache_churn.py"), "the churn case"))
    objs = [(o.get("object"), o.get("refs_per_iter"))
            for o in ((ex or {}).get("refs") or {}).get("objects") or []]
    check(len(objs) == 1 and objs[0][0] == "None" and
          abs(objs[0][1] - 1.0) < 0.05,
          "refs_type_cache_churn: None alone at +1 ref/it, no name the type "
          "cache holds; got %r" % objs)
    test_refs_junit(exe)


# case -> (what leaked as section 1 names it, (type, repr) or ("raw", size),
# the shared object whose function the stack must name)
EXT = {
    "ujson_dumps_none_key_leak": (("builtins.str", "'null'"), "ujson"),
    "ujson_dumps_bigint_leak": (("builtins.str", "'1180591620717411303424'"),
                                "ujson"),
    "ujson_loads_bigint_leak": (("raw", 31), "ujson"),
    "msgpack_unpackb_incomplete_map_str_key_leak": (("builtins.str",
                                                     "'abc'"), "_cmsgpack"),
    "msgpack_unpackb_incomplete_nested_array_leak": (("builtins.list", None),
                                                     "_cmsgpack"),
}


def test_ext(exe):
    """What leaked inside an extension, tracked or not, and where in it."""
    with open(require(os.path.join(ROOT, "src", "explain",
                               "explain.schema.json"), "the schema")) as f:
        schema = json.load(f)
    for case, ((tname, what), so) in EXT.items():
        ex, text, proc = explain_json(exe, repo_case(case))
        check(ex is not None and "error" not in ex, "%s: explained (%s)" % (
            case, proc.stderr.decode(errors="replace")[-500:]))
        if ex is None or "error" in ex:
            continue
        errs = schema_check.errors(schema, ex)
        check(not errs, "%s: explanation valid: %s" % (case, errs[:3]))
        pb = ex.get("py_blocks") or {}
        if tname == "raw":
            rb = pb.get("raw_buffers") or {}
            sizes = [z["bytes"] for z in rb.get("sizes", [])]
            ok = what in sizes and rb.get("blocks_per_iter", 0) >= 0.9
            label = "raw buffer of %d B" % what
        else:
            ok = any(o["type"] == tname and o["repr"] == what and
                     abs(o["per_iter"] - 1.0) < 0.1
                     for o in pb.get("objects", []))
            label = "%s %s" % (tname, what)
        check(ok, "%s: names %s at +1/it; got %r" % (
            case, label, (pb.get("objects"), pb.get("raw_buffers"))))
        funcs = [fr["function"] for site in pb.get("sites", [])
                 for fr in site["frames"]
                 if (fr["object"] or "").startswith(so) and fr["function"]]
        check(funcs, "%s: a C function of %s on the stack; got %r" % (
            case, so, pb.get("sites")))
        check("6. C stacks of the Python-allocator blocks" in text and
              (label.replace("builtins.", "") in text or
               "raw buffers" in text),
              "%s: the text shows it:\n%s" % (case, text))


def test_refs_junit(exe):
    """An unexpected reference leak's JUnit failure names the object and
    the call (a copy of the ctypes case with expect=clean)."""
    src = repo_case("ctypes_incref_module_dict")
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "refs_unexpected.py")
        with open(src) as f:
            body = f.read().replace("# leakcheck: expect=leak",
                                    "# leakcheck: expect=clean")
        with open(copy, "w") as f:
            f.write(body)
        out = os.path.join(tmp, "report.xml")
        proc = subprocess.run([exe, "run", "-q", "--format", "junit", "-o",
                               out, copy], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=600)
        check(proc.returncode == 1, "junit: unexpected leak exits 1, got %d"
              % proc.returncode)
        try:
            with open(out) as f:
                xml = f.read()
        except OSError as e:
            check(False, "junit report written: %s" % e)
            return
    check("refs_unexpected._REGISTRY" in xml and "by _incref" in xml,
          "junit failure names the dict and the call:\n%s" % xml[-3000:])


def test_files(exe):
    """Nothing written where the user did not ask: explain in a fresh
    folder leaves it empty."""
    path = case_path(COMMAND_CASE)
    with tempfile.TemporaryDirectory() as fresh:
        proc = subprocess.run([exe, "explain", path], cwd=fresh,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=300)
        left = os.listdir(fresh)
    check(proc.returncode == 0, "explain exit %d" % proc.returncode)
    check(b"3. Who holds it" in proc.stdout and
          b"widget_registry.Widget" in proc.stdout,
          "explain prints the holder chains as text")
    check(left == [], "explain in a fresh folder leaves it empty; got %r"
          % left)


def drop_line(path, text):
    with open(path) as f:
        lines = [l for l in f if text not in l]
    with open(path, "w") as f:
        f.writelines(lines)


# (group, what is done to the copy of tests/explain/, the path, the text
# the failure must show)
BREAKAGES = [
    ("run", shutil.rmtree, "cases", "missing fixture: cases ("),
    ("run", os.remove, "cases/fd_leak.py",
     "missing fixture: cases/fd_leak.py ("),
    ("run", os.remove, "cases/%s.py" % CLEAN_CASE,
     "missing fixture: cases/%s.py (" % CLEAN_CASE),
    ("run", lambda p: drop_line(p, "AUDIT.append("), "cases/audit_list.py",
     "missing fixture: a line containing 'AUDIT.append(' in "
     "cases/audit_list.py"),
    ("command", os.remove, "cases/%s.py" % COMMAND_CASE,
     "missing fixture: cases/%s.py (" % COMMAND_CASE),
]


def test_fixtures(exe):
    """Each group, run from a copy of this folder with one fixture
    removed, exits 1 naming it; require() runs before leakcheck does."""
    for group, breaks, target, needle in BREAKAGES:
        with tempfile.TemporaryDirectory(prefix="lc-explain-fix-") as tmp:
            copy = os.path.join(tmp, "explain")
            shutil.copytree(HERE, copy, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
            breaks(os.path.join(copy, target))
            p = subprocess.run(
                [sys.executable, os.path.join(copy, os.path.basename(
                    __file__)), exe, group], stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=300)
            check(p.returncode == 1 and needle in p.stdout,
                  "fixtures: %s with %s broken: exit 1 naming it; got "
                  "status %d\n%s%s" % (group, target, p.returncode,
                                       p.stdout, p.stderr))


GROUPS = {"run": test_run, "command": test_command, "refs": test_refs,
          "ext": test_ext, "files": test_files, "fixtures": test_fixtures}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in list(GROUPS) + ["all"]:
        sys.exit("usage: e2e_explain.py BUILD/leakcheck %s|all"
                 % "|".join(GROUPS))
    exe, group = os.path.abspath(sys.argv[1]), sys.argv[2]
    for name, test in GROUPS.items():
        if group not in (name, "all"):
            continue
        try:
            test(exe)
        except MissingFixture as e:
            check(False, "missing fixture: %s" % e)
        except Exception as e:  # a broken check is a failure, not a crash
            check(False, "%s ran to the end: %s: %s"
                  % (test.__name__, type(e).__name__, e))
    print("e2e_explain %s: %d passed, %d failed" % (group, passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
