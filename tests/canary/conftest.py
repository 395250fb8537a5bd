"""The canary's fixtures: conftest fixtures of every scope, plain and
yield, autouse and not. None keeps anything: what they make goes when
their scope ends."""
import pytest

LIVE = {}  # scope -> fixtures of that scope up now


def _up(scope):
    LIVE[scope] = LIVE.get(scope, 0) + 1


def _down(scope):
    LIVE[scope] -= 1


@pytest.fixture(scope="session", autouse=True)
def auto_session():
    _up("auto_session")
    yield [1, 2, 3]
    _down("auto_session")


@pytest.fixture(scope="package", autouse=True)
def auto_package():
    _up("auto_package")
    yield {"package": True}
    _down("auto_package")


@pytest.fixture(scope="module", autouse=True)
def auto_module():
    _up("auto_module")
    yield bytearray(64)
    _down("auto_module")


@pytest.fixture(scope="class", autouse=True)
def auto_class():
    _up("auto_class")
    yield "class"
    _down("auto_class")


@pytest.fixture(autouse=True)
def auto_function():
    _up("auto_function")
    yield [object()]
    _down("auto_function")


@pytest.fixture(scope="session")
def yield_session():
    yield {"session": list(range(10))}


@pytest.fixture(scope="package")
def yield_package():
    yield {"package": list(range(10))}


@pytest.fixture(scope="module")
def yield_module():
    yield {"module": list(range(10))}


@pytest.fixture(scope="class")
def yield_class():
    yield {"class": list(range(10))}


@pytest.fixture
def yield_function():
    data = {"function": list(range(10))}
    yield data
    data.clear()


@pytest.fixture
def plain_conftest():
    return "from conftest"


@pytest.fixture
def number(request):
    """Parametrized indirectly."""
    return request.param * 10


@pytest.fixture(params=[1, 2], ids=["one", "two"])
def param_fixture(request):
    return request.param
