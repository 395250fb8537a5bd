"""The header must come before the docstring."""
# leakcheck: expect=leak
# e2e: verdict=error phase=header message=header_after_docstring\.py:2: header line after the docstring \(line 1\)
keep = []


def run():
    keep.append(object())
