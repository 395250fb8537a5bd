# leakcheck: expect=leak
# leakcheck: source="tests/explain: instance attribute cache behind a module global"
"""DataProcessor keeps every result batch in self.cache; the processor is a module global."""

import random

processor = None


class DataProcessor:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.cache = []

    def process_data(self):
        batch = [self.rng.random() for _ in range(20)]
        result = [x * 2.0 for x in batch]
        self.cache.append(result)
        return sum(result)


def setup():
    global processor
    processor = DataProcessor(seed=1234)


def run():
    processor.process_data()
