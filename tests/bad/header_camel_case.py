# LeakCheck: expect=leak
# e2e: verdict=error phase=header message=header_camel_case\.py:1: '# LeakCheck: expect=leak' looks like a header line
keep = []


def run():
    keep.append(object())
