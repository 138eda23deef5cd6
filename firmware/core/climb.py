"""Sustained climbs from barometric altitude, so the coach leaves a runner alone who leans into
a hill.

On a climb the trunk leans forward with the slope: a lean that is bending at the hips on the
flat is good form on a 8 % grade. The barometer sees the climb that the IMU cannot (a lean is a
lean to it). A climb counts only when the vertical speed over `climb_window_s` reaches
`climb_mps` (0.15 m/s is a 5 % grade at 3 m/s): a single ramp or a bridge is over before it
counts, and the low-pass (pressure noise of ~1 Pa is ~8 cm) keeps noise far below that rate
(8 cm over 20 s is 0.004 m/s). The climb ends when the speed falls below half the threshold,
so the shift does not flicker on a wavering grade.

Fed a few times a second; one float low-pass and a ring of one altitude per second.
"""
from array import array

from .compat import const, ticks_add, ticks_diff

_TAU_MS = const(2000)  # low-pass time constant: ~1 Pa noise -> a few cm
_SLOT_MS = const(1000)  # the ring keeps one low-passed altitude per second


class Climb:
    def __init__(self, cfg):
        self.climb_mps = cfg["climb_mps"]
        self.shift_deg = cfg["climb_shift_deg"]
        self.n_slots = int(cfg["climb_window_s"]) + 1
        self.ring_m = array("f", [0.0] * self.n_slots)
        self.reset()

    def reset(self):
        self.alt_m = None  # low-passed altitude
        self.t_ms = 0
        self.slot_ms = 0  # time of the newest ring entry
        self.filled = 0  # ring entries so far (the window must be full before a climb counts)
        self.head = 0  # index of the newest entry
        self.vspeed_mps = 0.0
        self.climbing = False

    def feed(self, t_ms, altitude_m):
        """One altitude reading; returns the upper-band shift to apply now (degrees)."""
        if self.alt_m is None:
            self.alt_m = altitude_m
            self.t_ms = self.slot_ms = t_ms
            self._push()
            return 0.0
        dt = ticks_diff(t_ms, self.t_ms)
        self.t_ms = t_ms
        if dt > 0:
            self.alt_m += (altitude_m - self.alt_m) * dt / (_TAU_MS + dt)
        while ticks_diff(t_ms, self.slot_ms) >= _SLOT_MS:
            self.slot_ms = ticks_add(self.slot_ms, _SLOT_MS)
            self._push()
        if self.filled == self.n_slots:
            oldest = self.ring_m[(self.head + 1) % self.n_slots]
            self.vspeed_mps = (self.ring_m[self.head] - oldest) / (self.n_slots - 1)
            if self.vspeed_mps >= self.climb_mps:
                self.climbing = True
            elif self.vspeed_mps < self.climb_mps * 0.5:
                self.climbing = False
        return self.shift_deg if self.climbing else 0.0

    def _push(self):
        self.head = (self.head + 1) % self.n_slots
        self.ring_m[self.head] = self.alt_m
        if self.filled < self.n_slots:
            self.filled += 1
