"""A sparse leak hidden behind a drop (suite.c, tail_goes_on):
test_leaks_after_a_drop grows one buffer by 1 kB a call for its first 13
calls (the first run, 2 warm-up runs and the screen's first window),
empties it at its 14th call, and from then on grows another by 64 bytes
every 5th call, for good: py_bytes alone moves. After the first window
the level climbs again, a step every 5 runs, from far under where the
drop left it, through levels never held before: a screen that took every
level under the first window's top for a band would call the group clean
(too few steps in 10 runs for a trend). It is a leak; test_e and test_f
are clean."""

_first = bytearray()
_kept = bytearray(b"y" * 8)  # its block from the start: bytes alone grow
_calls = [0]


def test_leaks_after_a_drop():
    _calls[0] += 1
    if _calls[0] <= 13:
        _first.extend(b"x" * 1024)
    elif _calls[0] == 14:
        _first.clear()
    if _calls[0] > 13 and _calls[0] % 5 == 0:
        _kept.extend(b"y" * 64)


def test_e():
    assert min([3, 1, 2]) == 1


def test_f():
    assert "a,b".split(",") == ["a", "b"]
