# leak-check: expect=leak
# e2e: verdict=error phase=header message=header_dash\.py:1: .*write '# leakcheck: key=value'
keep = []


def run():
    keep.append(object())
