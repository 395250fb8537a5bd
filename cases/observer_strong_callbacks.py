# leakcheck: expect=leak
# leakcheck: source="observer pattern: subscribers never unsubscribed (lapsed listener)"
"""An event bus holding bound methods of subscribers that are never removed.

Each call creates a Widget that subscribes widget.on_change to a long-lived
EventBus and is then dropped by its owner. The bus's list holds the bound
method, and so the widget, forever: the lapsed listener problem.
"""


class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, callback):
        self.listeners.append(callback)

    def emit(self, value):
        for cb in self.listeners:
            cb(value)


class Widget:
    def __init__(self, bus):
        self.value = None
        bus.subscribe(self.on_change)

    def on_change(self, value):
        self.value = value


bus = EventBus()


def run():
    Widget(bus)


def teardown():
    bus.listeners.clear()
