#!/usr/bin/python3.11
"""fuzz_csite: a leak made inside a C extension is named by its C site.

    fuzz_csite.py REPLAY LEAKCHECK REPO

REPLAY is the leak fuzzer built without libFuzzer
(<build>/replay_fuzz_scenario): each input is replayed alone, and a
leaking one stops it with its signature line (src/fuzz/campaign.h). The
signature of a leak whose blocks were allocated below an extension's
function carries that function (c=) and is compared by it alone
(src/fuzz/fuzzsig.h):

- tests/fuzzsig/ext_sites.py (tests/ext/_lcleaky.c): a list, a dict and
  a str kept by read_record_leak, reached from two Python lines, are one
  signature; parse_int_leak's list is another; a list kept by Python code
  has no C site. The same inputs' Python types and frames differ, so the
  old signature told them apart (checked: the fixture still proves it).
- cases/fuzz_msgpack_unpackb.py (Debian's python3-msgpack 1.0.3): an
  incomplete nested array (lists) and an incomplete map (a str key) are
  one signature, whose C site is in _cmsgpack and reached by
  msgpack._cmsgpack.unpackb.
- `leakcheck repro --finding LINE` writes the C function and what it keeps
  into the case's docstring, and `leakcheck run` judges that case a leak.

Nothing is timed. A missing program, fixture or python3-msgpack fails.
Work files go to a temporary folder, removed at the end.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

def need(check, ok, what):
    """check(ok, what); whether it held."""
    check(bool(ok), what)
    return bool(ok)


SIG = re.compile(r"^==leakcheck== SIGNATURE: (\S+) (.*)$", re.M)


def signature(replay, case, data, work):
    """The signature line the fuzzer prints for data, or None (clean)."""
    path = os.path.join(work, "input")
    with open(path, "wb") as f:
        f.write(data)
    env = dict(os.environ, LEAKCHECK_CASE=case)
    env.pop("LEAKCHECK_FUZZ_KNOWN", None)
    r = subprocess.run([replay, path], env=env, cwd=work,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    m = SIG.search(out)
    if not m:
        print("  no signature for %r (exit %d):\n%s"
              % (data, r.returncode, out[-2000:]))
        return None
    return m.group(1), m.group(2)


def field(rest, key):
    m = re.search(r"(?:^| )%s=(\S*)" % re.escape(key), rest)
    return m.group(1) if m else None


def python_part(rest):
    """What named a leak before C sites: its types and frames."""
    return rest[rest.index("types="):]


def check_lcleaky(c, replay, repo, work):
    case = os.path.join(repo, "tests", "fuzzsig", "ext_sites.py")
    if not need(c, os.path.isfile(case), "fixture %s exists" % case):
        return None
    sigs = {d: signature(replay, case, d, work)
            for d in (b"L", b"wD", b"wSsome text", b"p", b"g")}
    if not need(c, all(sigs.values()), "every input leaks, with a signature"):
        return None
    one = [sigs[d] for d in (b"L", b"wD", b"wSsome text")]
    need(c, len({python_part(r) for _, r in one}) >= 2,
         "Python types and frames split the read_record_leak inputs (the "
         "fixture's premise): %s"
            % [python_part(r) for _, r in one])
    need(c, len({i for i, _ in one}) == 1,
            "one C site, one signature: %s" % [i for i, _ in one])
    need(c, all(field(r, "c") == "read_record_leak@_lcleaky" for _, r in one),
            "c= names read_record_leak: %s" % [field(r, "c") for _, r in one])
    keeps = sorted(str(field(r, "keeps")) for _, r in one)
    need(c, keeps == ["dict(+1/call)", "list(+1/call)", "str(+1/call)"],
            "keeps= tells what each kept: %s" % keeps)
    pid, prest = sigs[b"p"]
    need(c, field(prest, "c") == "parse_int_leak@_lcleaky",
            "another C function, its own c=: %s" % prest)
    need(c, pid != one[0][0], "two C sites, two signatures")
    gid, grest = sigs[b"g"]
    need(c, field(grest, "c") is None and "frames=ext_sites.py:" in grest,
            "a leak of Python code keeps its Python signature: %s" % grest)
    return case, one[0]


def check_msgpack(c, replay, repo, work):
    case = os.path.join(repo, "cases", "fuzz_msgpack_unpackb.py")
    have = subprocess.run(["/usr/bin/python3.11", "-c", "import msgpack"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0
    if not need(c, have, "python3-msgpack is installed (missing fixture)"):
        return
    if not need(c, os.path.isfile(case), "fixture %s exists" % case):
        return
    nested = signature(replay, case, b"\x91\x91", work)
    strkey = signature(replay, case, b"\x81\xa3abc", work)
    if not need(c, nested and strkey, "both msgpack inputs leak"):
        return
    need(c, nested[0] == strkey[0],
            "lists and a str key of one error path, one signature: %s %s"
            % (nested, strkey))
    need(c, re.fullmatch(r"(0x[0-9a-f]+|\w+)@_cmsgpack",
                         field(nested[1], "c") or "") is not None,
            "the C site is in _cmsgpack: %s" % nested[1])
    need(c, field(nested[1], "via") == "msgpack._cmsgpack.unpackb",
            "reached by msgpack._cmsgpack.unpackb: %s" % nested[1])


def check_repro(c, leakcheck, case, sig, work):
    artifact = os.path.join(work, "crash-record")
    out = os.path.join(work, "found", "ext_sites_finding.py")
    os.makedirs(os.path.dirname(out))
    with open(artifact, "wb") as f:
        f.write(b"L")
    line = "%s %s" % sig
    r = subprocess.run([leakcheck, "repro", case, artifact, "-o", out,
                        "--finding", line], cwd=work,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not need(c, r.returncode == 0, "repro --finding wrote the case: %s"
                   % r.stdout.decode("utf-8", "replace")):
        return
    with open(out, encoding="utf-8") as f:
        text = f.read()
    need(c, "Leaks in: the C function read_record_leak of _lcleaky" in text
            and "keeps list(+1/call)" in text and line in text,
            "the case names the C function and what it keeps:\n%s"
            % text[:1500])
    r = subprocess.run([leakcheck, "run", "--no-explain", out], cwd=work,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    need(c, r.returncode == 0 and b"ok   leak" in r.stdout,
            "leakcheck run judges it a leak: %s"
            % r.stdout.decode("utf-8", "replace"))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: fuzz_csite.py REPLAY LEAKCHECK REPO")
    replay, leakcheck, repo = (os.path.abspath(a) for a in sys.argv[1:])
    c = Checks("fuzz_csite")
    for prog in (replay, leakcheck):
        if not os.access(prog, os.X_OK):
            need(c, False, "program %s exists" % prog)
            return c.finish()
    work = tempfile.mkdtemp(prefix="lc-fuzz-csite-")
    try:
        found = check_lcleaky(c, replay, repo, work)
        check_msgpack(c, replay, repo, work)
        if found:
            check_repro(c, leakcheck, found[0], found[1], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
