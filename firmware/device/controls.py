"""The runner's controls on a one-button, one-LED device: press kinds, status blinks, battery.

All polled from the loop with time.ticks_ms (no IRQ): at a 20 ms loop period polling is as
quick as a runner's thumb, needs no shared state between an IRQ and the loop, and debounces
for free (a level counts once it has held for DEBOUNCE_MS). Nothing here allocates per poll.
"""
from ..core.compat import const, ticks_diff

NONE = const(0)
SHORT = const(1)    # start / stop a session
DOUBLE = const(2)   # lean drill on / off
LONG = const(3)     # recalibrate (fires while still held, so the runner feels it at once)

DEBOUNCE_MS = const(30)
LONG_MS = const(1500)
DOUBLE_GAP_MS = const(400)  # a second press within this after a release makes a double

# Status LED, (period_ms, on_ms): told apart at a glance, no colour needed.
LED_CALIBRATING = (200, 100)   # fast even blink: stand still and tall
LED_COACHING = (2000, 60)      # a blip every 2 s: all is well
LED_STOPPED = (1000, 500)      # slow even blink: on, not coaching or logging
LED_DRILL = (500, 250)         # medium blink: lean drill
LED_LOW_BATTERY = (1000, 900)  # mostly on with a short gap

# Low battery cue: three quick pulses then a long one - a shape no coaching cue uses
# (core/haptics.py: one long, two short, three short, three long, short-long, tick).
LOW_BATTERY = (80, 80, 80, 80, 80, 80, 700)


class Button:
    """`poll(now_ms, down)` with the raw pressed state; returns NONE, SHORT, DOUBLE or LONG.
    A short press is reported only once the double-press gap has passed."""

    def __init__(self, held=False):
        """held: the button is down already (the press that woke the board): its release is
        not a press."""
        self.raw = held
        self.raw_ms = 0
        self.down = held
        self.down_ms = 0
        self.up_ms = 0
        self.clicks = 0
        self.long_done = held

    def poll(self, now_ms, raw):
        if raw != self.raw:
            self.raw = raw
            self.raw_ms = now_ms
        if raw != self.down and ticks_diff(now_ms, self.raw_ms) >= DEBOUNCE_MS:
            self.down = raw
            if raw:
                self.down_ms = now_ms
                self.long_done = False
            elif not self.long_done:
                self.clicks += 1
                self.up_ms = now_ms
                if self.clicks >= 2:
                    self.clicks = 0
                    return DOUBLE
        if self.down:
            if not self.long_done and ticks_diff(now_ms, self.down_ms) >= LONG_MS:
                self.long_done = True
                self.clicks = 0
                return LONG
        elif self.clicks and ticks_diff(now_ms, self.up_ms) >= DOUBLE_GAP_MS:
            self.clicks = 0
            return SHORT
        return NONE


class StatusLed:
    """Blinks `pattern` on `set_led(on)`, writing the pin only on a change."""

    def __init__(self, set_led):
        self.set_led = set_led
        self.on = None

    def show(self, now_ms, pattern):
        on = now_ms % pattern[0] < pattern[1]
        if on != self.on:
            self.on = on
            self.set_led(on)


class BatteryWatch:
    """Warns once when the battery falls below low_mv; re-arms only after it is back above
    low_mv + REARM_MV (a charge), so sag under motor load cannot make it nag."""

    REARM_MV = 150

    def __init__(self, low_mv):
        self.low_mv = low_mv
        self.warned = False
        self.mv = 0

    def update(self, mv):
        """Feed a reading (0 = no measurement); True when the warning is due now."""
        self.mv = mv
        if not mv:
            return False
        if self.warned:
            if mv > self.low_mv + self.REARM_MV:
                self.warned = False
            return False
        if mv < self.low_mv:
            self.warned = True
            return True
        return False
