# leakcheck: expect=clean
# leakcheck: source="planted for the leak fuzzer: a leak of one call in 8, behind a prefix"
"""A sampler keeps one message in 8 of those with its prefix, for good.

fuzz(data) files messages that start with b"SPL" in a "sample log" that
keeps every 8th of them and is never emptied: a leak of one call in 8 for
such an input, and nothing for any other. The leak fuzzer's oracle before
its sparse check dropped any input whose first call kept nothing, and a
second call that kept nothing ended it: this leak was out of its reach. The
sparse check (harness/fuzz_scenario.c) finds it (bench/fuzz_bench.sh,
part 4).

run() replays a message without the prefix, which keeps nothing: the case
itself is clean. The leak is the fuzzer's to find.
"""

K = 8

_seen = 0
_samples = []


def sample(data):
    global _seen
    if not data.startswith(b"SPL"):
        return None
    _seen += 1
    if _seen % K == 0:
        _samples.append((_seen, data[3:]))  # the leak: one call in K
    return len(data)


def run():
    sample(b"MSG hello")


def fuzz(data):
    sample(data)
