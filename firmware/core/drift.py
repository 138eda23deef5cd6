"""Fatigue drift: the runner's own lean, compared with how they ran when fresh.

Tired runners drift (typically a few degrees, often more upright or folding at the hips) while
still inside the good band, so no fault cue catches it. The reference is the mean lean over the
first settled minutes of running (after `drift_settle_min`, for `drift_base_min`); the current
lean is a one-minute exponential mean of stride leans. A drift beyond `drift_deg` is reported
once, and again only after the lean has come back within half of it.
"""
from .compat import const, ticks_diff

_TAU_MS = const(60000)     # the current lean: a one-minute mean
_MAX_GAP_MS = const(2000)  # strides further apart than this (a pause) add no running time


class Drift:
    def __init__(self, cfg):
        from .partsinit import Drift  # (partsinit.py: run once, then forgotten)

        Drift(self, cfg)

    def pause(self):
        self.last_ms = None

    def update(self, t_ms, lean_deg):
        """One running stride's lean. True when a drift beyond the limit begins; the drift is
        then `now_deg - base_deg`."""
        last = self.last_ms
        self.last_ms = t_ms
        if last is None:
            return False
        dt = ticks_diff(t_ms, last)
        if dt > _MAX_GAP_MS:
            return False
        self.run_ms += dt
        if self.run_ms < self.base_to_ms:
            if self.run_ms >= self.base_from_ms:
                self.base_sum += lean_deg
                self.base_n += 1
                self.base_deg = self.base_sum / self.base_n
            self.now_deg = self.base_deg
            return False
        if self.base_n == 0:
            return False
        self.now_deg += (lean_deg - self.now_deg) * dt / _TAU_MS
        off = abs(self.now_deg - self.base_deg)
        if self.drifted:
            if off < 0.5 * self.limit_deg:
                self.drifted = False
            return False
        if off > self.limit_deg:
            self.drifted = True
            return True
        return False
