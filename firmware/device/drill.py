"""The lean drill (the "stop-start" drill): standing, lean from the ankles; the device ticks
while the lean is inside the target band, so the runner feels a good running lean before
setting off.

Which lean: once forward is known (after the first run of a power-on) the pipeline's own lean
rows arrive every ~0.5 s while still, and they are the sagittal lean the coach uses. Before
that, forward is unknown, so the total tilt away from the calibrated "up" is used instead: it
includes any sideways lean, which standing still is small, and it cannot tell forward from
back (an arch counts as lean). docs/device.md says so to the runner.
"""
import math

from ..core.compat import const, ticks_diff
from ..core.gait import STILL
from ..core.haptics import TICK

_TILT_EVERY_MS = const(500)  # as often as the pipeline's rows while still
_RAD_TO_DEG = 57.29577951308232


def tilt_deg(up, wx, wy, wz):
    """Angle between the calibrated up (a unit vector) and the current gravity estimate."""
    w = math.sqrt(wx * wx + wy * wy + wz * wz)
    c = (up[0] * wx + up[1] * wy + up[2] * wz) / w
    return math.acos(max(-1.0, min(1.0, c))) * _RAD_TO_DEG


class Drill:
    def __init__(self, player, min_deg, max_deg):
        self.player = player
        self.min_deg = min_deg
        self.max_deg = max_deg
        self.on = False
        self.tilt_ms = 0

    def lean(self, t_ms, lean_deg):
        """A lean reading: tick if it is inside the band."""
        if self.on and self.min_deg <= lean_deg <= self.max_deg:
            self.player.play(TICK, t_ms)

    def poll(self, t_ms, p):
        """Each loop: without a forward direction the pipeline sends no rows, so read the tilt
        from up every half second instead."""
        if not self.on or not p.calibrated or p.frame.forward is not None or p.state != STILL:
            return
        if ticks_diff(t_ms, self.tilt_ms) >= _TILT_EVERY_MS:
            self.tilt_ms = t_ms
            self.lean(t_ms, tilt_deg(p.frame.up, p.wx, p.wy, p.wz))
