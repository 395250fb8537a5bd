"""Canary (tests/canary/README.md): one pytest feature per test, each
keeping nothing. Their leaking twins are in test_pytest_twins.py."""
import logging
import os
import sys
import warnings

import pytest

from conftest import LIVE


# --- built-in fixtures, one test each ------------------------------------

def test_fixture_cache(cache):
    cache.set("canary/key", [1, 2])
    assert cache.get("canary/key", None) == [1, 2]


def test_fixture_capsys(capsys):
    print("out")
    assert capsys.readouterr().out == "out\n"


def test_fixture_capsysbinary(capsysbinary):
    sys.stdout.buffer.write(b"bin\n")
    sys.stdout.flush()
    assert capsysbinary.readouterr().out == b"bin\n"


def test_fixture_capfd(capfd):
    os.write(1, b"fd\n")
    assert capfd.readouterr().out == "fd\n"


def test_fixture_capfdbinary(capfdbinary):
    os.write(2, b"err\n")
    assert capfdbinary.readouterr().err == b"err\n"


def test_fixture_caplog(caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("canary").info("hello %d", 1)
    assert caplog.records[-1].getMessage() == "hello 1"


def test_fixture_doctest_namespace(doctest_namespace):
    doctest_namespace["canary_value"] = 42
    assert doctest_namespace["canary_value"] == 42


def test_fixture_monkeypatch(monkeypatch):
    monkeypatch.setattr(os, "sep", "#")
    monkeypatch.setenv("LEAKCHECK_CANARY", "1")
    assert os.sep == "#" and os.environ["LEAKCHECK_CANARY"] == "1"


def test_fixture_pytestconfig(pytestconfig):
    assert pytestconfig.rootpath.name == "canary"


def test_fixture_record_property(record_property):
    record_property("canary", 1)


def test_fixture_record_xml_attribute(record_xml_attribute):
    record_xml_attribute("canary", "1")


def test_fixture_record_testsuite_property(record_testsuite_property):
    record_testsuite_property("canary", "1")


def test_fixture_recwarn(recwarn):
    warnings.warn("recorded", UserWarning)
    assert len(recwarn) == 1


def test_fixture_tmp_path(tmp_path):
    (tmp_path / "f").write_text("x")
    assert (tmp_path / "f").read_text() == "x"


def test_fixture_tmp_path_factory(tmp_path_factory):
    assert tmp_path_factory.getbasetemp().is_dir()


def test_fixture_tmpdir(tmpdir):
    tmpdir.join("f").write("x")


def test_fixture_tmpdir_factory(tmpdir_factory):
    assert tmpdir_factory.getbasetemp().check(dir=1)


def test_fixture_request(request):
    assert request.node.name.startswith("test_fixture_request")


# --- conftest fixtures, every scope, yield and autouse ---------------------

def test_conftest_plain(plain_conftest):
    assert plain_conftest == "from conftest"


def test_yield_session(yield_session):
    assert len(yield_session["session"]) == 10


def test_yield_package(yield_package):
    assert yield_package["package"]


def test_yield_module(yield_module):
    assert yield_module["module"]


def test_yield_class(yield_class):
    assert yield_class["class"]


def test_yield_function(yield_function):
    assert yield_function["function"]


def test_autouse_every_scope():
    assert all(LIVE[k] == 1 for k in ("auto_session", "auto_package",
                                      "auto_module", "auto_class",
                                      "auto_function"))


# --- parametrize, marks --------------------------------------------------

@pytest.mark.parametrize("a,b", [(1, 2), (3, 4)], ids=["small", "large"])
def test_parametrize_ids(a, b):
    assert b - a == 1


@pytest.mark.parametrize("number", [1, 2], indirect=True)
def test_parametrize_indirect(number):
    assert number % 10 == 0


def test_parametrized_fixture(param_fixture):
    assert param_fixture in (1, 2)


@pytest.mark.skipif(False, reason="never skipped")
def test_mark_skipif_false():
    assert True


@pytest.mark.xfail(reason="passes: an xpass, not strict")
def test_mark_xfail_passes():
    assert True


@pytest.mark.xfail(reason="fails as expected")
def test_mark_xfail_xfails():
    assert False


@pytest.mark.skip(reason="a skip mark")
def test_mark_skip_skipped():
    assert False


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_mark_filterwarnings():
    warnings.warn("only a user warning", UserWarning)


@pytest.mark.usefixtures("yield_function")
def test_mark_usefixtures():
    assert True


# --- helpers ---------------------------------------------------------------

def test_raises():
    with pytest.raises(ZeroDivisionError, match="division"):
        1 / 0


def test_warns():
    with pytest.warns(UserWarning, match="canary"):
        warnings.warn("canary", UserWarning)


def test_approx():
    assert 0.1 + 0.2 == pytest.approx(0.3)


# --- logging, warnings and printing, nothing capturing them ---------------

def test_logs_uncaptured():
    logging.getLogger("canary.uncaptured").warning("a warning line")


def test_warns_uncaptured():
    warnings.warn("an uncaptured warning", UserWarning)


def test_prints_uncaptured():
    print("a line nobody captures")
    print("and one to stderr", file=sys.stderr)


# --- classes -------------------------------------------------------------

class TestSetupMethod:
    def setup_method(self, method):
        self.items = [1, 2, 3]

    def teardown_method(self, method):
        self.items = None

    def test_setup_method(self):
        assert self.items == [1, 2, 3]


class TestClassFixture:
    @pytest.fixture(scope="class")
    def shared(self):
        return {"made": 1}

    def test_class_fixture(self, shared):
        assert shared["made"] == 1


class TestSetupClass:
    @classmethod
    def setup_class(cls):
        cls.data = list(range(5))

    @classmethod
    def teardown_class(cls):
        del cls.data

    def test_setup_class(self):
        assert len(self.data) == 5
