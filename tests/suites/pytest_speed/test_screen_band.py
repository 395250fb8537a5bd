"""A group whose py_bytes moves within a band (suite.c, screen):
test_toggles_a_buffer keeps one bytearray, 4 kB on 3 calls in 10 and 16
bytes on the others, with no new block. The screen's first window (after
the first run and 2 warm-up runs) ends on 3 runs 4 kB above its middle,
a rise; the 8 runs after that rise never go above where it reached, so
the group is clean by its screen, screened together, with no drill-down
(each window of 10 runs ending flat, it was drilled down before)."""

_buf = bytearray()
_calls = [0]


def test_toggles_a_buffer():
    _calls[0] += 1
    _buf[:] = b"x" * (4096 if _calls[0] % 10 in (1, 2, 3) else 16)


def test_c():
    assert sorted([3, 1, 2]) == [1, 2, 3]


def test_d():
    assert {"a": 1}.get("a") == 1
