"""Validate real `leakcheck run --format json` reports against
schema/report.schema.json.

    schema_check.py SCHEMA LEAKCHECK REPO

Runs the program on cases that give every verdict (tests/cases/planted:
leak and clean with an explanation; tests/cases/failures: error, crash,
timeout; tests/cases/bad_header: a header error) and checks each report
against the schema, with python3-jsonschema when Debian's package is
installed and always with the small validator below, which knows exactly
the keywords the schema uses and refuses any other (so the schema cannot
grow a keyword that is silently not checked here).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
KEYWORDS = {"type", "const", "enum", "properties", "required",
            "additionalProperties", "propertyNames", "items", "minimum",
            "$ref", "if", "then", "else"} | ANNOTATIONS

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: (isinstance(v, (int, float))
                         and not isinstance(v, bool) and math.isfinite(v)),
}


def resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local $ref: " + ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def errors(root, schema, value, where="$"):
    """Every way value fails schema, as 'where: what' strings."""
    unknown = set(schema) - KEYWORDS
    if unknown:
        raise ValueError("schema keyword(s) this validator does not know: "
                         + ", ".join(sorted(unknown)))
    out = []
    if "$ref" in schema:
        out += errors(root, resolve(root, schema["$ref"]), value, where)
    if "type" in schema and not TYPES[schema["type"]](value):
        return out + ["%s: %r is not %s" % (where, value, schema["type"])]
    if "const" in schema and value != schema["const"]:
        out.append("%s: %r is not %r" % (where, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if "minimum" in schema and TYPES["number"](value) \
            and value < schema["minimum"]:
        out.append("%s: %r < %r" % (where, value, schema["minimum"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append("%s: %r missing" % (where, key))
        for key, item in value.items():
            if "propertyNames" in schema:
                out += errors(root, schema["propertyNames"], key,
                              "%s name %r" % (where, key))
            if key in props:
                out += errors(root, props[key], item, where + "." + key)
            elif schema.get("additionalProperties") is False:
                out.append("%s: unexpected %r" % (where, key))
            elif isinstance(schema.get("additionalProperties"), dict):
                out += errors(root, schema["additionalProperties"], item,
                              where + "." + key)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += errors(root, schema["items"], item, "%s[%d]" % (where, i))
    if "if" in schema:
        branch = "then" if not errors(root, schema["if"], value) else "else"
        if branch in schema:
            out += errors(root, schema[branch], value, where)
    return out


def strict(constant):
    raise ValueError("not JSON: " + constant)


def main():
    schema_path, program, repo = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
        print("schema_check: python3-jsonschema not installed; "
              "the small validator only")
    if jsonschema:
        jsonschema.Draft202012Validator.check_schema(schema)
    runs = [
        (["tests/cases/planted"], 0),
        (["tests/cases/failures", "--timeout", "3", "--no-explain"], 1),
        (["tests/cases/bad_header", "--no-explain"], 2),
    ]
    seen = set()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for args, want in runs:
            out = os.path.join(tmp, "report.json")
            cmd = [program, "run", "-q", "--format", "json", "-o", out] + args
            sys.stdout.flush()
            rc = subprocess.run(cmd, cwd=repo).returncode
            if rc != want:
                print("schema_check: %s exited %d, not %d" % (cmd, rc, want))
                failed = 1
            with open(out) as f:
                doc = json.load(f, parse_constant=strict)
            problems = errors(schema, schema, doc)
            if jsonschema:
                v = jsonschema.Draft202012Validator(schema)
                problems += ["jsonschema: %s at %s" % (e.message, e.json_path)
                             for e in v.iter_errors(doc)]
            for p in problems:
                print("schema_check: %s: %s" % (" ".join(args), p))
            failed |= bool(problems)
            seen |= {c["verdict"] for c in doc["cases"]}
            seen |= {"explanation" for c in doc["cases"] if "explanation" in c}
    # The reports must have exercised every verdict and an explanation.
    need = {"leak", "clean", "error", "crash", "timeout", "explanation"}
    if need - seen:
        print("schema_check: no report had", sorted(need - seen))
        failed = 1
    # And the validator must reject what the schema forbids.
    bad = {"schema_version": 2, "cases": [{"path": 1}], "summary": {}}
    if len(errors(schema, schema, bad)) < 3:
        print("schema_check: the validator accepts a bad report")
        failed = 1
    print("schema_check:", "FAILED" if failed else "ok",
          "(verdicts seen: %s)" % ", ".join(sorted(seen)), flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
