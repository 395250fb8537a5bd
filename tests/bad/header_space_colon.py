#leakcheck : expect=leak
# e2e: verdict=error phase=header message=header_space_colon\.py:1: .*looks like a header line
keep = []


def run():
    keep.append(object())
