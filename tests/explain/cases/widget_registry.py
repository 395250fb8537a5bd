# leakcheck: expect=leak
# leakcheck: source="tests/explain: class-level registry"
"""Widget.__init__ registers every instance in the class attribute Widget.instances."""


class Widget:
    instances = []

    def __init__(self, name):
        self.name = name
        self.children = []
        Widget.instances.append(self)


def run():
    Widget("button")
