"""Planted leaks for `leakcheck pytest` (tests/e2e.py, group suites).

Each test's docstring says what it must get. Nothing here prints outside
capsys."""
import os
import warnings

import pytest

_kept = []
_count = [0]
_fixture_kept = []
_files = []
_module_calls = []
_module_kept = []
_runs = [0]
_enabled = [False]


@pytest.fixture
def leaky_fixture():
    _fixture_kept.append(bytearray(48))
    yield len(_fixture_kept)


@pytest.fixture(scope="module")
def module_resource():
    _module_calls.append(1)
    yield [bytearray(100) for _ in range(50)]
    _module_calls.pop()


@pytest.fixture(scope="module")
def module_keeper():
    _module_kept.append(bytearray(32))
    return len(_module_kept)


def test_module_fixture_keeps(module_keeper):
    """CONTROL: its module fixture keeps a buffer per module setup, which a
    plain run makes once; the control, with the same fixture, grows too."""
    assert module_keeper > 0


def test_not_repeatable():
    """NOT REPEATABLE: passes its first two runs only."""
    _runs[0] += 1
    assert _runs[0] <= 2


def test_a_enables():
    """CLEAN: switches on what test_b_keeps_when_enabled keeps."""
    _enabled[0] = True


def test_b_keeps_when_enabled():
    """DEPENDS: keeps an object per call only after test_a_enables."""
    if _enabled[0]:
        _kept.append(object())


def test_filler_sum():
    """CLEAN"""
    assert sum(range(10)) == 45


def test_filler_module_fixture(module_resource):
    """CLEAN: module fixture made once per run, and torn down after it."""
    assert len(module_resource) == 50 and len(_module_calls) == 1


def test_keeps_objects():
    """LEAK"""
    _kept.append(object())


def test_sparse_every_10th():
    """LEAK"""
    _count[0] += 1
    if _count[0] % 10 == 0:
        _kept.append({"n": _count[0]})


def test_fixture_leak(leaky_fixture):
    """LEAK: the function fixture keeps a buffer per setup."""
    assert leaky_fixture > 0


def test_fd_leak():
    """LEAK"""
    _files.append(open(os.devnull))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_param_clean(n):
    """CLEAN"""
    assert n * 2 > n


@pytest.mark.parametrize("n", [1, 2])
def test_param_one_leaks(n):
    """LEAK only for n=2"""
    if n == 2:
        _kept.append(bytearray(10))


def test_capsys(capsys):
    """CLEAN: capsys works per repetition."""
    print("hello")
    assert capsys.readouterr().out == "hello\n"


def test_tmp_path(tmp_path):
    """CLEAN"""
    (tmp_path / "x").write_text("y")


def test_fails():
    """ERROR"""
    assert 1 == 2


def test_deprecation_seen():
    """CLEAN: pytest shows every DeprecationWarning to a test (its warnings
    plugin's "always"); Python's own filters ignore them outside __main__."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("old", DeprecationWarning)
    assert len(caught) == 1


@pytest.mark.filterwarnings("error::UserWarning")
def test_filterwarnings_mark():
    """CLEAN: the mark's filter holds during the test."""
    with pytest.raises(UserWarning):
        warnings.warn("now an error", UserWarning)


@pytest.mark.skip(reason="planted skip")
def test_skipped():
    """SKIPPED"""


class TestInClass:
    def test_clean_method(self):
        """CLEAN"""
        assert [i for i in range(30)]
