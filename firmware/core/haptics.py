"""Buzz patterns and the player that plays them without blocking the loop.

A runner cannot look at the device, so each message must be told apart by feel alone: counts
of short pulses are easy to tell apart mid-stride, long vs short is easy too, so the faults use
those and the housekeeping cues use shapes no fault uses.

A pattern is a tuple of durations in ms, alternating on, off, on, ... (starting with on). The
player is polled with the loop's clock and answers the motor level; it never sleeps.
"""
from .compat import const, ticks_diff

LEVEL_FULL = const(255)

UPRIGHT = (600,)                        # one long
ARCH = (150, 150, 150)                  # two short
OVERLEAN = (150, 150, 150, 150, 150)    # three short
STAND_TALL = (400, 200, 400, 200, 400)  # three long: "stand still and tall"
READY = (80, 120, 300)                  # short-long: calibrated, coaching is on
TICK = (40,)                            # lean drill: in the target band
GOOD = (50, 50, 50, 50, 50, 50, 50)     # a soft flutter of four taps: "that's it" (played gently)
DRIFT = (600, 200, 150)                 # long-short: "you have drifted from your fresh form"
BAND_SET = (80, 120, 80, 120, 600)      # two short then long: "your band is set from this lean"
BAND_NO = (500, 150, 100, 150, 500)     # long-short-long: "not steady, nothing set"
SENSOR = (1000, 150, 60, 150, 60)       # very long then two taps: "I can't sense you"
# (the pelvis sensor's buzzes are in lumbar.py, loaded only with one)

PATTERNS = {
    "upright": UPRIGHT,
    "arch": ARCH,
    "overlean": OVERLEAN,
    "stand_tall": STAND_TALL,
    "ready": READY,
    "tick": TICK,
    "good": GOOD,
    "drift": DRIFT,
    "band_set": BAND_SET,
    "band_no": BAND_NO,
    "sensor": SENSOR,
}


class Player:
    """Plays one pattern at a time; a new pattern replaces the one playing (the newest message
    is the one that matters)."""

    def __init__(self):
        self.pattern = None
        self.start_ms = 0
        self.level_on = LEVEL_FULL

    def play(self, pattern, now_ms, level=LEVEL_FULL):
        self.pattern = pattern
        self.start_ms = now_ms
        self.level_on = level

    def busy(self):
        return self.pattern is not None

    def level(self, now_ms):
        """Motor level (0..255) at now_ms; ends the pattern once it has played out."""
        pattern = self.pattern
        if pattern is None:
            return 0
        elapsed = ticks_diff(now_ms, self.start_ms)
        if elapsed < 0:
            return 0
        i = 0
        for d in pattern:
            if elapsed < d:
                return self.level_on if i & 1 == 0 else 0
            elapsed -= d
            i += 1
        self.pattern = None
        return 0
