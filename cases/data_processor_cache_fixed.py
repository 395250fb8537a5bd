# leakcheck: expect=clean
# leakcheck: source="seed article, DataProcessor example (the fix)"
"""DataProcessor fixed: it returns each batch's result instead of caching it.

Same work as data_processor_cache_keeps_batches.py, but the processor keeps
only its random generator; the batch and its result die when the call
returns, so nothing grows.
"""

import random

processor = None


class DataProcessor:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def process_data(self):
        batch = [self.rng.random() for _ in range(100)]
        result = [x * 2.0 for x in batch]
        return sum(result)


def setup():
    global processor
    processor = DataProcessor(seed=1234)


def run():
    processor.process_data()
