# leakcheck: expect=clean
# leakcheck: source="planted for the leak fuzzer: a memo keyed by an object that hashes by identity"
"""A config parser memoizes list values under keys that never match again.

parse(text) reads `name=value` pairs separated by ';'. Scalars are parsed
on the spot. A bracketed value, `name=[a,b,c]`, is a list, and the parser
memoizes each parsed list in a module-level dict keyed by (name, Span):
but Span, a small class without __eq__ or __hash__, compares and hashes by
identity, and a new Span is made on every call. The memo never hits and
never forgets: every call whose input holds a list value keeps an entry (a
tuple, a Span, a list of strings) for good. Inputs without a list value
keep nothing, so the leak depends on the input's shape.

run() parses a fixed config made of scalars only, which keeps nothing:
the case itself is clean. The leak is the fuzzer's to find
(`build-fuzz/fuzz_scenario`, corpus/fuzz_scenario_config_list_cache/).
"""


class ParseError(ValueError):
    pass


class Span:
    def __init__(self, start, end):
        self.start = start
        self.end = end


_list_memo = {}


def parse_list(name, text, start, end):
    key = (name, Span(start, end))  # a new, never-equal key every call
    if key in _list_memo:
        return _list_memo[key]
    items = [item.strip() for item in text[start + 1:end - 1].split(",")]
    _list_memo[key] = items  # the leak
    return items


def parse_scalar(value):
    if value.isdigit():
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


def parse(text):
    config = {}
    pos = 0
    for pair in text.split(";"):
        if not pair.strip():
            pos += len(pair) + 1
            continue
        name, eq, value = pair.partition("=")
        if not eq:
            raise ParseError("expected name=value at %d" % pos)
        name = name.strip()
        if not name.isidentifier():
            raise ParseError("bad name %r" % name)
        start = pos + len(name) + 1
        stripped = value.strip()
        if stripped.startswith("["):
            if len(stripped) < 2 or not stripped.endswith("]"):
                raise ParseError("unclosed list for %r" % name)
            first = text.index("[", start)
            config[name] = parse_list(name, text, first,
                                      first + len(stripped))
        else:
            config[name] = parse_scalar(stripped)
        pos += len(pair) + 1
    return config


def run():
    parse("host=example.org; port=8080; debug=false; name=leakcheck")


def fuzz(data):
    try:
        parse(data.decode("latin-1"))
    except ParseError:
        pass
