"""A group whose py_bytes moves within a band (suite.c,
later_window_clean): test_toggles_a_buffer keeps one bytearray, 4 kB
on 3 calls in 10 and 16 bytes on the others, with no new block. Each
window of the screen (after the first run and 2 warm-up runs, 10 runs a
window) ends on 3 runs 4 kB above its middle, as a rise, but never above
the highest level of the window before: the group is clean by its
screen's second window, screened together, with no drill-down."""

_buf = bytearray()
_calls = [0]


def test_toggles_a_buffer():
    _calls[0] += 1
    _buf[:] = b"x" * (4096 if _calls[0] % 10 in (1, 2, 3) else 16)


def test_c():
    assert sorted([3, 1, 2]) == [1, 2, 3]


def test_d():
    assert {"a": 1}.get("a") == 1
