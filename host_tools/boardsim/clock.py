"""Time for the models, injected so a test can stall the loop for exactly 100 ms of virtual time.

A model asks `now_us()` whenever the bus touches it and catches up on the samples it owes; it
never looks at the wall clock itself.
"""
import time

from firmware.core.compat import TICKS_MASK


class ManualClock:
    """Virtual time that moves only when told: `advance_ms`, or a driver calling `sleep_ms`."""

    def __init__(self, start_us=0):
        self.t_us = start_us

    def now_us(self):
        return self.t_us

    def ticks_ms(self):
        return (self.t_us // 1000) & TICKS_MASK

    def advance_us(self, us):
        self.t_us += us

    def advance_ms(self, ms):
        self.t_us += ms * 1000

    def sleep_ms(self, ms):
        self.t_us += ms * 1000


class WallClock:
    """Real elapsed time, monotonic: the virtual board runs the firmware at real speed."""

    def __init__(self):
        self.t_us = 0
        self._last = self._raw_us()

    def _raw_us(self):
        try:
            return time.ticks_us()
        except AttributeError:  # CPython
            return time.monotonic_ns() // 1000

    def now_us(self):
        raw = self._raw_us()
        try:
            step = time.ticks_diff(raw, self._last)
        except AttributeError:
            step = raw - self._last
        self._last = raw
        self.t_us += step
        return self.t_us

    def ticks_ms(self):
        return (self.now_us() // 1000) & TICKS_MASK

    def sleep_ms(self, ms):
        time.sleep(ms / 1000)
