"""When a forward lean is right: accelerating.

Speeding up (setting off after a stop, the stop-start drill, a surge) needs the trunk to lean
into the acceleration, so the over-lean alert would scold exactly what a coach teaches. The
sign is the stride-mean forward specific force: at steady speed it is zero (over whole strides
the body's mean acceleration is zero), while speeding up it is the acceleration itself, in g.
The pipeline hands it in at every stride; it is averaged over about a second, because pitching
the trunk forward swings a chest clip forward and back (measured in the simulator: +0.05 g then
-0.035 g over one stride each, a speed change of zero), while a real acceleration lasts. The
over-lean alert is held while that mean exceeds `accel_min_g` and for `accel_hold_s` after (the
lean comes back up over a second or two).
"""
from .compat import const, ticks_diff

_TAU_MS = const(1000)
_MAX_GAP_MS = const(2000)
_DEG_PER_RAD = 57.29577951308232  # after a gap (stopped, or no stride rows) start the mean afresh


class Context:
    def __init__(self, cfg):
        from .partsinit import Context  # (partsinit.py: run once, then forgotten)

        Context(self, cfg)

    def update(self, t_ms, fwd_g):
        """One stride's mean forward specific force (g). True when an accelerating phase starts
        (worth an event), else False; `accelerating` says whether one is on."""
        last = self.last_ms
        self.last_ms = t_ms
        if last is None or ticks_diff(t_ms, last) > _MAX_GAP_MS:
            self.mean_g = 0.0
            return False
        self.mean_g += (fwd_g - self.mean_g) * min(1.0, ticks_diff(t_ms, last) / _TAU_MS)
        if self.mean_g >= self.min_g:
            started = not self.accelerating
            self.accelerating = True
            self.accel_ms = t_ms
            return started
        if self.accelerating and ticks_diff(t_ms, self.accel_ms) >= self.hold_ms:
            self.accelerating = False
        return False

    def doubt_deg(self):
        """Which way (deg, signed) and how far the lean estimate may be off now. The mean
        forward force less the tilt estimate's gravity is the body's acceleration plus the
        tilt's own error: at steady speed with a settled tilt it is zero. A tilt error shows in
        it directly (after a corner swings the accelerometer's offset round, or a set-off into
        a turn): gravity estimated e too far forward reads the lean e too low and leaves -e of
        forward force, one g of it one radian. A speed change leans the mean force too, which
        the tilt then follows for seconds. So the lean may be as far as this past the estimate
        (doubt: it cannot tell the two apart)."""
        return -self.mean_g * _DEG_PER_RAD
