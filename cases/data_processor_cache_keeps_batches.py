# leakcheck: expect=leak
# leakcheck: source="seed article, DataProcessor example"
"""DataProcessor keeps every processed batch in self.cache.

process_data() builds a batch of results and appends it to self.cache "for
later", but nothing ever reads or trims the cache: one list of 100 floats
(plus the list) stays alive per call, for as long as the processor lives.
"""

import random

processor = None


class DataProcessor:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.cache = []

    def process_data(self):
        batch = [self.rng.random() for _ in range(100)]
        result = [x * 2.0 for x in batch]
        self.cache.append(result)
        return sum(result)

    def clear_cache(self):
        self.cache.clear()


def setup():
    global processor
    processor = DataProcessor(seed=1234)


def run():
    processor.process_data()


def teardown():
    processor.clear_cache()
