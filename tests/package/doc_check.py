"""The manual covers what the program and its headers say it has.

    doc_check.py LEAKCHECK MANPAGE CASE_H SCHEMA

Checks that doc/leakcheck.1 names every command and every option of
`leakcheck --help` and each command's `--help`, every header key listed in
src/base/case.h, every field of the JSON report's schema and every exit status,
and that groff formats it without a warning.
"""
import json
import re
import subprocess
import sys


def main():
    program, manpage, case_h, schema_path = sys.argv[1:5]
    with open(manpage) as f:
        roff = f.read()
    # What a reader sees: roff's escaped hyphens and font changes undone.
    text = re.sub(r"\\f[BIRP]", "", roff).replace("\\-", "-")
    text = re.sub(r"^\.(B|I|BR|RB|BI|IB|IR|RI|TP|PP|RS|RE|EX|EE|br)\b ?", "",
                  text, flags=re.M)
    missing = []

    help_text = ""
    for args in (["--help"], ["run", "--help"], ["explain", "--help"],
                 ["repro", "--help"]):
        help_text += subprocess.run([program] + args, capture_output=True,
                                    text=True, check=True).stdout
    options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z_-]*)", help_text))
    options -= {"-minimize_crash"}  # the fuzzer's flag, quoted in help
    for opt in sorted(options):
        if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", text):
            missing.append("option " + opt)
    for command in ("run", "explain", "repro"):
        if not re.search(r"^\.TP\n\.BI? %s\b" % command, roff, re.M):
            missing.append("command " + command + " (a .TP entry)")

    with open(case_h) as f:
        head = f.read().split("*/", 1)[0]
    keys = re.findall(r"^ \*   ([a-z]+)=", head, re.M)
    if len(keys) < 7:
        missing.append("src/base/case.h keys (found only %s)" % keys)
    for key in keys:
        if not re.search(r"^\.(B|BI) %s=" % key, roff, re.M):
            missing.append("header key " + key)

    with open(schema_path) as f:
        schema = json.load(f)
    fields = set()

    def walk(node):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                fields.add(name)
                if name != "explanation":
                    walk(sub)
            for sub in node.get("$defs", {}).values():
                walk(sub)
    walk(schema)
    for field in sorted(fields):
        if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(field), text):
            missing.append("JSON field " + field)

    status = roff.split(".SH EXIT STATUS", 1)[-1].split(".SH", 1)[0]
    for code in "012":
        if ".B %s\n" % code not in status:
            missing.append("exit status " + code)

    warn = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", manpage],
                          capture_output=True, text=True)
    if warn.returncode or warn.stderr:
        missing.append("groff is unhappy: " + warn.stderr.strip())

    for m in missing:
        print("doc_check: the manual lacks", m)
    print("doc_check: %d options, %d header keys, %d JSON fields: %s"
          % (len(options), len(keys), len(fields),
             "FAILED" if missing else "ok"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
