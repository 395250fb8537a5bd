"""A group whose screen grows in its first window only (suite.h,
LC_SUITE_SCREEN_EXTENSIONS): test_fills_for_12_runs keeps an object on
each of its first 12 runs, then none. The screen goes on as warm and all
three tests are clean by it, screened together: no drill-down."""

_kept = []


def test_fills_for_12_runs():
    if len(_kept) < 12:
        _kept.append([len(_kept)])


def test_a():
    assert sum(range(10)) == 45


def test_b():
    assert "".join(["a", "b"]) == "ab"
