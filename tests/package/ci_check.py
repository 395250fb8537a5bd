"""The CI examples parse, call only what exists, and run.

    ci_check.py LEAKCHECK REPO

Parses ci/github-actions.yml, ci/gitlab-ci.yml, the composite action
action.yml and ci/clusterfuzzlite/project.yaml (python3-yaml), reads the
shell commands they (and ci/clusterfuzzlite/Dockerfile and build.sh) run,
and checks that every repository script they name (ci/xxx.sh) exists,
every `leakcheck` subcommand and option they use is in `leakcheck --help`,
and the artifacts they upload are the reports those commands write.

Then it runs their leakcheck command lines here, as the CI would, in a
temporary workspace whose cases/ holds two of the repository's cases (a
leak expected, a clean one) and whose build/leakcheck is LEAKCHECK: every
shard of the GitHub matrix, the job joining them, GitLab's job and the
action's run step (with its default inputs, and with a shard); each must
exit 0 and write the files its upload step names.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

# The workspace's cases: one leak it expects, one clean.
SAMPLE_CASES = ("cases/planted_one_object_leak.py",
                "cases/lru_cache_bounded_maxsize16.py")


def commands_github(doc):
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def commands_action(doc):
    for step in doc["runs"]["steps"]:
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
    action = load("action.yml")
    if cfl.get("language") not in ("c", "c++"):
        problems.append("project.yaml: language %r" % cfl.get("language"))
    if "shard" not in gh["jobs"]["cases"]["strategy"]["matrix"]:
        problems.append("github-actions.yml: no shard matrix")

    scripts = [("ci/github-actions.yml", s) for s in commands_github(gh)]
    scripts += [("ci/gitlab-ci.yml", s) for s in commands_gitlab(gl)]
    scripts += [("action.yml", s) for s in commands_action(action)]
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
            if "cmake" in line or line.lstrip().startswith("#"):
                continue
            words = shlex.split(line.split("||")[0].split(" #")[0])
            i = next((i for i, w in enumerate(words[:-1])
                      if w.endswith("/leakcheck") or w == "$lc"), None)
            if i is None:
                continue
            if words[i + 1] != "$LC_COMMAND":  # the action's input
                used_sub.add(words[i + 1])
            for w in words[i + 2:]:
                if w.startswith("-"):
                    used_opt.add(w.split("=")[0])
    for sub in sorted(used_sub - subcommands):
        problems.append("leakcheck %s is not in --help" % sub)
    for opt in sorted(used_opt - options):
        problems.append("option %s is not in leakcheck --help" % opt)
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
    if not any("-o " + junit in line for line in gl["leakcheck"]["script"]):
        problems.append("gitlab's junit report %s is not what leakcheck "
                        "writes" % junit)

    if action["runs"]["using"] != "composite":
        problems.append("action.yml is not a composite action")

    problems += run_examples(program, repo, gh, gl, action)
    for n in notes:
        print("ci_check: note:", n)
    for p in problems:
        print("ci_check:", p)
    print("ci_check: %d scripts, subcommands %s, options %s: %s"
          % (len(scripts), sorted(used_sub), sorted(used_opt),
             "FAILED" if problems else "ok"))
    return 1 if problems else 0


def workspace(program, repo, tmp):
    """A project checkout as the examples see it."""
    os.makedirs(os.path.join(tmp, "cases"))
    for rel in SAMPLE_CASES:
        src = os.path.join(repo, rel)
        if not os.path.isfile(src):
            raise SystemExit("missing fixture: %s" % src)
        shutil.copy(src, os.path.join(tmp, rel))
    os.makedirs(os.path.join(tmp, "build"))
    os.symlink(program, os.path.join(tmp, "build", "leakcheck"))


def bash(where, script, cwd, env=None):
    """Run a script as the CI's bash step does (-e, pipefail)."""
    p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                       env=dict(os.environ, NO_COLOR="1", **(env or {})),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=600)
    if p.returncode != 0:
        return ["%s: exit %d\n%s%s" % (where, p.returncode, p.stdout[-2000:],
                                        p.stderr[-2000:])]
    return []


def leakcheck_steps(job):
    return [st for st in job["steps"] if "run" in st
            and re.search(r"leakcheck (run|report|pytest|unittest)", st["run"])]


def expand(text, values):
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], text)


def run_github(tmp, gh):
    problems = []
    job = gh["jobs"]["cases"]
    shards = job["strategy"]["matrix"]["shard"]
    for k in shards:
        for st in leakcheck_steps(job):
            problems += bash("github cases shard %s" % k,
                             expand(st["run"], {"matrix.shard": str(k)}), tmp,
                             {k2: str(v) for k2, v in job.get("env", {}).items()})
        for st in job["steps"]:
            if "upload-artifact" in st.get("uses", "") and "reports/explain" not in st["with"]["path"]:
                for path in expand(st["with"]["path"], {"matrix.shard": str(k)}).split():
                    if not os.path.isfile(os.path.join(tmp, path)):
                        problems.append("github shard %s uploads %s, not written" % (k, path))
    os.makedirs(os.path.join(tmp, "shards"))
    for f in glob.glob(os.path.join(tmp, "reports", "leakcheck-*.json")):
        shutil.copy(f, os.path.join(tmp, "shards"))
    job = gh["jobs"]["report"]
    for st in leakcheck_steps(job):
        problems += bash("github report", st["run"], tmp)
    for st in job["steps"]:
        if "upload-artifact" in st.get("uses", ""):
            for path in st["with"]["path"].split():
                if not os.path.isfile(os.path.join(tmp, path)):
                    problems.append("github report uploads %s, not written" % path)
    joined = subprocess.run(["build/leakcheck", "report", *sorted(glob.glob(
        os.path.join(tmp, "shards", "*.json"))), "--format", "json"], cwd=tmp,
        capture_output=True, text=True)
    if '"cases": %d' % len(SAMPLE_CASES) not in joined.stdout:
        problems.append("the shards together do not hold every case once")
    return problems


def run_gitlab(tmp, gl):
    lines = [l for l in gl["leakcheck"]["script"]
             if "leakcheck" in l or l.startswith(("mkdir", "exit"))]
    problems = bash("gitlab leakcheck", "\n".join(lines), tmp)
    for path in gl["leakcheck"]["artifacts"]["paths"]:
        if not os.path.exists(os.path.join(tmp, path)):
            problems.append("gitlab keeps %s, not written" % path)
    return problems


def run_action(tmp, action, inputs):
    values = {"inputs." + k: v.get("default", "") for k, v in action["inputs"].items()}
    values.update({"inputs." + k: v for k, v in inputs.items()})
    runner_temp = os.path.join(tmp, "runner-temp")
    os.makedirs(os.path.join(runner_temp, "leakcheck-build"), exist_ok=True)
    lc = os.path.join(runner_temp, "leakcheck-build", "leakcheck")
    if not os.path.lexists(lc):
        os.symlink(os.path.realpath(os.path.join(tmp, "build", "leakcheck")), lc)
    out = os.path.join(tmp, "github-output")
    open(out, "w").close()
    step = next(st for st in action["runs"]["steps"] if st.get("id") == "run")
    env = {k: expand(str(v), values) for k, v in step["env"].items()}
    env.update(RUNNER_TEMP=runner_temp, GITHUB_OUTPUT=out)
    problems = bash("action.yml %s" % inputs, step["run"], tmp, env)
    with open(out) as f:
        if "status=0" not in f.read():
            problems.append("action.yml %s: no status=0 output" % inputs)
    reports = os.path.join(tmp, values["inputs.reports"])
    for name in ("leakcheck.json", "leakcheck.jsonl", "leakcheck.xml", "leakcheck.html"):
        if not os.path.isfile(os.path.join(reports, name)):
            problems.append("action.yml %s: %s not written" % (inputs, name))
    return problems


def run_examples(program, repo, gh, gl, action):
    problems = []
    with tempfile.TemporaryDirectory(prefix="lc ci check ") as tmp:
        for name, fn in (("github", lambda t: run_github(t, gh)),
                         ("gitlab", lambda t: run_gitlab(t, gl)),
                         ("action", lambda t: run_action(t, action, {})),
                         ("action-shard", lambda t: run_action(
                             t, action, {"shard": "2/2", "reports": "out dir"}))):
            ws = os.path.join(tmp, name)
            workspace(os.path.realpath(program), repo, ws)
            problems += fn(ws)
    return problems


if __name__ == "__main__":
    sys.exit(main())
