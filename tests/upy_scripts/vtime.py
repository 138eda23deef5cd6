"""A `time` module for firmware under test on MicroPython: ticks from a boardsim ManualClock,
and sleeps that advance it (then call `on_sleep`, which may drive outside events). Installed
with sys.modules["time"] = VirtualTime(clock) before the firmware is imported."""
import time as real_time

from firmware.core.compat import ticks_add, ticks_diff


class VirtualTime:
    def __init__(self, clock, on_sleep=None):
        self.clock = clock
        self.on_sleep = on_sleep

    def ticks_ms(self):
        return self.clock.ticks_ms()

    def ticks_us(self):
        return self.clock.ticks_us()

    def ticks_add(self, t, delta):
        return ticks_add(t, delta)

    def ticks_diff(self, a, b):
        return ticks_diff(a, b)

    def sleep_us(self, us):
        self.clock.advance_us(us)
        if self.on_sleep is not None:
            self.on_sleep()

    def sleep_ms(self, ms):
        self.sleep_us(ms * 1000)

    def sleep(self, s):
        self.sleep_us(int(s * 1000000))

    def time(self):
        return 1764000000 + self.clock.s

    def gmtime(self, t=None):
        return real_time.gmtime(t)
