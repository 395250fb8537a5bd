"""The CI examples in ci/ parse and call only what exists.

    ci_check.py LEAKCHECK REPO

Parses ci/github-actions.yml, ci/gitlab-ci.yml and
ci/clusterfuzzlite/project.yaml (python3-yaml), reads the shell commands
they (and ci/clusterfuzzlite/Dockerfile and build.sh) run, and checks that
every repository script they name (ci/xxx.sh) exists, every `leakcheck`
subcommand and option they use is in `leakcheck --help`, and the artifacts
they upload are the reports those commands write.

`--shard K/N` is not in leakcheck yet (the workflow uses it ahead of it):
it is the one option allowed to be missing, with a note; once --help has
it, the note says to drop the exception.
"""
import os
import re
import shlex
import subprocess
import sys

import yaml

PENDING = set()


def commands_github(doc):
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def commands_gitlab(doc):
    for name, job in doc.items():
        if isinstance(job, dict) and "script" in job:
            yield "\n".join(job["script"])


def main():
    program, repo = sys.argv[1:3]
    problems, notes = [], []
    help_text = subprocess.run([program, "--help"], capture_output=True,
                               text=True, check=True).stdout
    subcommands = set(re.findall(r"^(?:usage:|      ) leakcheck (\w+)",
                                 help_text, re.M))
    # Options are each command's: `leakcheck COMMAND --help`.
    for command in sorted(subcommands):
        help_text += subprocess.run([program, command, "--help"],
                                    capture_output=True, text=True,
                                    check=True).stdout
    options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", help_text))

    def load(rel):
        with open(os.path.join(repo, rel)) as f:
            return yaml.safe_load(f)

    gh = load("ci/github-actions.yml")
    gl = load("ci/gitlab-ci.yml")
    cfl = load("ci/clusterfuzzlite/project.yaml")
    if cfl.get("language") not in ("c", "c++"):
        problems.append("project.yaml: language %r" % cfl.get("language"))
    if "shard" not in gh["jobs"]["cases"]["strategy"]["matrix"]:
        problems.append("github-actions.yml: no shard matrix")

    scripts = [("ci/github-actions.yml", s) for s in commands_github(gh)]
    scripts += [("ci/gitlab-ci.yml", s) for s in commands_gitlab(gl)]
    for rel in ("ci/clusterfuzzlite/Dockerfile", "ci/clusterfuzzlite/build.sh"):
        with open(os.path.join(repo, rel)) as f:
            scripts.append((rel, f.read()))

    used_sub, used_opt = set(), set()
    for where, text in scripts:
        # Repository scripts and files a command or COPY names.
        for path in re.findall(r"(?<![\w$])((?:ci|tests|cases)/[\w./-]+)",
                               text):
            if not os.path.exists(os.path.join(repo, path.rstrip("/"))):
                problems.append("%s names %s, which does not exist"
                                % (where, path))
        for line in re.split(r"\n(?<!\\\n)", text.replace("\\\n", " ")):
            if "leakcheck run" not in line and "leakcheck explain" not in line:
                continue
            words = shlex.split(line.split("||")[0].split("#")[0])
            i = next(i for i, w in enumerate(words)
                     if w.endswith("leakcheck"))
            used_sub.add(words[i + 1])
            for w in words[i + 2:]:
                if w.startswith("-"):
                    used_opt.add(w.split("=")[0])
    for sub in sorted(used_sub - subcommands):
        problems.append("leakcheck %s is not in --help" % sub)
    for opt in sorted(used_opt - options):
        if opt in PENDING:
            notes.append("%s is not in leakcheck --help yet (pending)" % opt)
        else:
            problems.append("option %s is not in leakcheck --help" % opt)
    for opt in sorted(PENDING & options):
        notes.append("%s is in --help now: drop it from PENDING" % opt)
    if not used_sub:
        problems.append("no leakcheck command found in the examples")

    # What is uploaded is what the commands write.
    run_text = "\n".join(t for _, t in scripts)
    for job in gh["jobs"].values():
        for step in job["steps"]:
            if "upload-artifact" in step.get("uses", ""):
                for path in step["with"]["path"].split():
                    stem = path.split("${{")[0].rstrip("/")
                    if stem and stem not in run_text:
                        problems.append("github uploads %s, which no "
                                        "command writes" % path)
    junit = gl["leakcheck"]["artifacts"]["reports"]["junit"]
    if "-o " + junit not in gl["leakcheck"]["script"][-1]:
        problems.append("gitlab's junit report %s is not what leakcheck "
                        "writes" % junit)

    for n in notes:
        print("ci_check: note:", n)
    for p in problems:
        print("ci_check:", p)
    print("ci_check: %d scripts, subcommands %s, options %s: %s"
          % (len(scripts), sorted(used_sub), sorted(used_opt),
             "FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
