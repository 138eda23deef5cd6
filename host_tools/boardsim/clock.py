"""Time for the models, injected so a test can stall the loop for exactly 100 ms of virtual time.

A model asks the clock whenever the bus touches it and catches up on the samples it owes; it
never looks at the wall clock itself.

Time is kept as whole seconds `s` plus microseconds `us` (< 1,000,000): both stay small ints on
a 32-bit MicroPython (the ESP32 model) for days, where one microsecond count would pass 2**30
after 17.9 minutes and every sum with it would then allocate a big int, which the allocation
tests (heap_lock) would blame on the firmware.
"""
import time

from firmware.core.compat import TICKS_MASK

_US_PER_S = 1000000


class _Clock:
    s = 0
    us = 0

    def update(self):
        """Bring `s` and `us` up to now (virtual time: nothing to do)."""

    def _add_us(self, us):
        self.us += us
        if self.us >= _US_PER_S:
            carry = self.us // _US_PER_S
            self.s += carry
            self.us -= carry * _US_PER_S

    def ticks_ms(self):
        """time.ticks_ms(): wraps at 2**30 ms (12.4 days)."""
        self.update()
        return (self.s * 1000 + self.us // 1000) & TICKS_MASK

    def ticks_us(self):
        """time.ticks_us(): wraps at 2**30 us; exact for 19 hours (s * 15625 stays small)."""
        self.update()
        whole = ((self.s * 15625) & 0xFFFFFF) * 64  # s * 10**6 mod 2**30, as 10**6 = 15625 * 64
        if whole > TICKS_MASK - self.us:
            return whole - TICKS_MASK - 1 + self.us
        return whole + self.us

    @property
    def t_us(self):
        """Microseconds since the start (a big int on 32-bit after 17.9 min: tests only)."""
        self.update()
        return self.s * _US_PER_S + self.us

    @t_us.setter
    def t_us(self, value):
        self.s = value // _US_PER_S
        self.us = value - self.s * _US_PER_S


class ManualClock(_Clock):
    """Virtual time that moves only when told: `advance_ms`, or a driver calling `sleep_ms`."""

    def __init__(self, start_us=0):
        self.t_us = start_us

    def advance_us(self, us):
        self._add_us(us)

    def advance_ms(self, ms):
        self.s += ms // 1000
        self._add_us(ms % 1000 * 1000)

    def sleep_ms(self, ms):
        self.advance_ms(ms)


class WallClock(_Clock):
    """Real elapsed time, monotonic: the virtual board runs the firmware at real speed."""

    def __init__(self):
        self.s = 0
        self.us = 0
        self._last = self._raw_us()

    def _raw_us(self):
        try:
            return time.ticks_us()
        except AttributeError:  # CPython
            return time.monotonic_ns() // 1000 & TICKS_MASK

    def update(self):
        raw = self._raw_us()
        try:
            step = time.ticks_diff(raw, self._last)
        except AttributeError:
            step = ((raw - self._last + 0x20000000) & TICKS_MASK) - 0x20000000
        self._last = raw
        self._add_us(step)

    def sleep_ms(self, ms):
        time.sleep(ms / 1000)
