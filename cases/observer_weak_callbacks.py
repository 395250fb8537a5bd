# leakcheck: expect=clean
# leakcheck: source="observer pattern: lapsed listener (the fix: weakref.WeakMethod with a removal callback)"
"""An event bus holding weak references to subscribers' bound methods.

The fix for observer_strong_callbacks.py: the bus stores a
weakref.WeakMethod per subscriber, with a callback that removes the dead
reference from the list as soon as the widget dies, so the listener list
does not grow with dropped widgets.
"""

import weakref


class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, callback):
        self.listeners.append(weakref.WeakMethod(callback, self.listeners.remove))

    def emit(self, value):
        for ref in list(self.listeners):
            cb = ref()
            if cb is not None:
                cb(value)


class Widget:
    def __init__(self, bus):
        self.value = None
        bus.subscribe(self.on_change)

    def on_change(self, value):
        self.value = value


bus = EventBus()


def run():
    w = Widget(bus)
    bus.emit(1)
    assert w.value == 1
    del w
    assert not bus.listeners
