"""readme_sample.py - README.md's sample output comes from a real run.

    /usr/bin/python3.11 tests/readme_sample.py BUILD/leakcheck REPO [--update]

Each block in README.md that follows a marker line

    <!-- sample: ARGS -->        the whole output of `leakcheck ARGS`
    <!-- excerpt: ARGS -->       lines of it, in order, "..." where cut

is checked against a run of `BUILD/leakcheck ARGS` from REPO (shown as
`$ build/leakcheck ARGS`, its first line). Times vary from run to run and
are compared as numbers of any value; everything else must match. With
--update the sample blocks are rewritten from the run (excerpts are kept as
they are: which lines matter is an editor's choice). Exits 1 when a block
does not match, or when README.md has no marker at all.
"""

import re
import subprocess
import sys

TIME = re.compile(r"\d+\.\d+ s\b")
MARK = re.compile(r"^<!-- (sample|excerpt): (.*) -->$")


def normalize(line):
    return TIME.sub("<T> s", line.rstrip())


def run(leakcheck, repo, args):
    p = subprocess.run([leakcheck, *args.split()], cwd=repo,
                       capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL)
    return p.stdout.rstrip("\n").split("\n")


def blocks(lines):
    """(kind, args, first, last) of each marked ``` block; first and last
    index the lines inside the fence."""
    for i, line in enumerate(lines):
        m = MARK.match(line)
        if not m:
            continue
        if i + 1 >= len(lines) or lines[i + 1] != "```":
            raise SystemExit("README.md:%d: a marker must be followed by "
                             "a ``` block" % (i + 1))
        end = lines.index("```", i + 2)
        yield m.group(1), m.group(2), i + 2, end


def excerpt_matches(shown, real):
    """Every shown line (but "...") appears in real, in order."""
    want = [normalize(l) for l in shown if l.strip() != "..."]
    got = iter(normalize(l) for l in real)
    return all(any(w == g for g in got) for w in want)


def main(argv):
    leakcheck, repo = argv[1], argv[2]
    update = "--update" in argv[3:]
    path = repo + "/README.md"
    with open(path) as f:
        lines = f.read().split("\n")
    found = bad = 0
    for kind, args, first, end in reversed(list(blocks(lines))):
        found += 1
        head = "$ build/leakcheck " + args
        real = run(leakcheck, repo, args)
        shown = lines[first:end]
        if not shown or shown[0] != head:
            print("FAIL - README.md:%d: the block must start with %r"
                  % (first + 1, head))
            bad += 1
            continue
        if kind == "sample" and update:
            lines[first + 1:end] = real
            continue
        ok = ([normalize(l) for l in shown[1:]] ==
              [normalize(l) for l in real] if kind == "sample"
              else excerpt_matches(shown[1:], real))
        print(("ok   - " if ok else "FAIL - ") + "README.md:%d %s: %s"
              % (first + 1, kind, args))
        if not ok:
            bad += 1
            print("       the run printed:\n" +
                  "\n".join("       | " + l for l in real))
    if update:
        with open(path, "w") as f:
            f.write("\n".join(lines))
        print("readme_sample: %d blocks updated" % found)
        return 0
    if not found:
        print("FAIL - README.md has no <!-- sample: --> marker")
        return 1
    print("readme_sample: %d blocks, %d differ" % (found, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
