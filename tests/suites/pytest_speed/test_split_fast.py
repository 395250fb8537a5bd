"""The fast slice beside test_split_slow.py's (e2e_suite_run.py, split):
it ends first, and frees its slot."""


def test_fast():
    assert sum(range(10)) == 45
