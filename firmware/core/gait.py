"""Steps, cadence and whether the wearer is still, walking or running.

A step is told by its vertical force: running has a flight phase (near 0 g) and a stance peak
well above 1 g; walking never leaves the ground. Cadence alone cannot tell a fast walk from a
slow jog, flight can. The state follows a majority of the last steps so one odd step (a kerb, a
stumble) does not flip it.
"""
from .compat import const, ticks_diff

STILL = const(0)
WALKING = const(1)
RUNNING = const(2)
STATE_NAMES = ("still", "walking", "running")

_HISTORY = const(4)      # intervals averaged for cadence
_MAX_GAP_MS = const(1500)  # a longer pause between steps means the wearer stopped
_RUN_GAP_MAX_MS = const(250)  # longest refractory time while running (steps >= 300 ms apart)
_RUN_SWING_G = 1.2  # walking's stance peak less its trough stays well below this (~0.5-0.9 g)


class Gait:
    def __init__(self, cfg):
        from .partsinit import Gait  # (partsinit.py: run once, then forgotten)

        self.intervals_ms = [0] * _HISTORY
        self.kinds = [0] * _HISTORY  # 1 = running step
        Gait(self, cfg)

    def step(self, t_ms, peak_g, trough_g):
        """A step was detected at t_ms. Returns the new state (or the same)."""
        gap = ticks_diff(t_ms, self.last_ms)
        self.last_ms = t_ms
        if self.count and gap > _MAX_GAP_MS:
            self.count = 0
        i = self.count % _HISTORY
        # a running step: a stance peak and a flight dip, or (a shuffling jog whose flight is
        # short or shallow, as some older runners jog) a swing of force no walk makes
        self.kinds[i] = 1 if (peak_g > self.run_peak_g and (
            trough_g < self.run_flight_g or peak_g - trough_g > _RUN_SWING_G)) else 0
        if self.count:
            self.intervals_ms[i] = gap
        self.count += 1
        if self.count > 1000:
            self.count = _HISTORY + self.count % _HISTORY
        if self.count < 3:
            return self.state
        n = min(self.count - 1, _HISTORY)
        total = 0
        running = 0
        for j in range(n):
            k = (self.count - 1 - j) % _HISTORY
            total += self.intervals_ms[k]
            running += self.kinds[k]
        self.cadence_spm = 60000.0 * n / total
        self.state = RUNNING if 2 * running > n else WALKING
        return self.state

    def pause(self, t_ms):
        """No step lately: after a long enough gap the wearer has stopped."""
        if self.state != STILL and ticks_diff(t_ms, self.last_ms) > _MAX_GAP_MS:
            self.state = STILL
            self.count = 0
            self.cadence_spm = 0.0
        return self.state

    def min_step_gap_ms(self):
        """Refractory time after a step: walking's double-humped force must count once. While
        running it never exceeds _RUN_GAP_MAX_MS: a refractory time that follows the last
        interval locks onto strides once one step is missed (a soft step of an uneven gait),
        because a stride's 55 % is longer than a step."""
        if self.count > 1:
            last = self.intervals_ms[(self.count - 1) % _HISTORY]
            gap = last * 55 // 100
            if self.state == RUNNING and gap > _RUN_GAP_MAX_MS:
                gap = _RUN_GAP_MAX_MS
            return max(200, gap)
        return 200
