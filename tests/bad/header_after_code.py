# A header line after the first line of code.
# e2e: verdict=error phase=header message=header_after_code\.py:5: header line after code \(line 3\)
keep = []

# leakcheck: expect=leak


def run():
    keep.append(object())
