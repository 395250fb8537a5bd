"""schema_check.py - validate JSON against the subset of JSON Schema
(draft 2020-12) that src/explain/explain.schema.json uses. Standard library
only.

    /usr/bin/python3.11 tests/explain/schema_check.py SCHEMA FILE.json...

Keywords: type (one name or a list), properties, required,
additionalProperties (false or a schema), items, enum, const, minimum,
oneOf, $ref (to "#/..." in the same document); $schema, $id, title,
description and $defs are annotations. Any other keyword is an error, so
the schema cannot silently rely on something this checker ignores.
"""

import json
import sys

_ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
_KEYWORDS = {"type", "properties", "required", "additionalProperties",
             "items", "enum", "const", "minimum", "oneOf", "$ref"}
_TYPES = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int or (type(v) is float and
                                            v.is_integer()),
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _same(a, b):
    """JSON equality: true is not 1."""
    return type(a) is type(b) and a == b or \
        (type(a) in (int, float) and type(b) in (int, float) and a == b)


def _resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local $ref is supported: %r" % ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def errors(schema, value, root=None, where="$"):
    """The list of ways value breaks schema, as "path: reason" strings."""
    root = schema if root is None else root
    unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
    if unknown:
        raise ValueError("%s: unsupported keywords %s" % (where,
                                                           sorted(unknown)))
    out = []
    if "$ref" in schema:
        out += errors(_resolve(root, schema["$ref"]), value, root, where)
    if "oneOf" in schema:
        n = sum(1 for s in schema["oneOf"] if not errors(s, value, root, where))
        if n != 1:
            out.append("%s: matches %d of oneOf, not 1" % (where, n))
    if "type" in schema:
        names = schema["type"] if type(schema["type"]) is list \
            else [schema["type"]]
        if not any(_TYPES[t](value) for t in names):
            out.append("%s: %r is not %s" % (where, value, "/".join(names)))
            return out
    if "const" in schema and not _same(schema["const"], value):
        out.append("%s: %r is not %r" % (where, value, schema["const"]))
    if "enum" in schema and not any(_same(e, value) for e in schema["enum"]):
        out.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if "minimum" in schema and type(value) in (int, float) and \
            value < schema["minimum"]:
        out.append("%s: %r < %r" % (where, value, schema["minimum"]))
    if type(value) is dict:
        props = schema.get("properties", {})
        for k in schema.get("required", ()):
            if k not in value:
                out.append("%s: %r missing" % (where, k))
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            sub = "%s.%s" % (where, k)
            if k in props:
                out += errors(props[k], v, root, sub)
            elif extra is False:
                out.append("%s: not in the schema" % sub)
            elif type(extra) is dict:
                out += errors(extra, v, root, sub)
    if type(value) is list and "items" in schema:
        for i, v in enumerate(value):
            out += errors(schema["items"], v, root, "%s[%d]" % (where, i))
    return out


def main(argv):
    with open(argv[0]) as f:
        schema = json.load(f)
    bad = 0
    for path in argv[1:]:
        with open(path) as f:
            for e in errors(schema, json.load(f)):
                print("%s: %s" % (path, e))
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
