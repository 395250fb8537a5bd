# An exception whose text holds a lone surrogate: shown backslash-escaped.
# e2e: verdict=error phase=run message=ValueError: bad \\udc80 text


def run():
    raise ValueError("bad \udc80 text")
