"""The wearer's frame in sensor axes, whatever way up the board is clipped on.

"Up" is the specific force while the wearer stands still and tall. "Forward" cannot be seen
standing; it is learned when the wearer sets off from standing (forward.py: the horizontal
velocity gained in the first seconds points the way the trunk faces) and checked at corners.

Why not the braking/propulsion signature of each stride: at the pelvis the body brakes while
vertical force rises and is propelled while it falls, but a chest clip sits ~0.45 m up a trunk
that rocks forward in early stance; in our simulator that rocking reverses the fore-aft pattern
at the chest (docs/orientation.md), so its sign depends on where the clip sits. Newton's law at
set-off does not.
"""
import math


_RAD2DEG = 57.29577951308232


def _unit(x, y, z):
    n = math.sqrt(x * x + y * y + z * z)
    return x / n, y / n, z / n


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def tilt_deg(up, x, y, z):
    """Angle (deg) between the unit vector up and the vector (x, y, z), whatever its direction."""
    c = (up[0] * x + up[1] * y + up[2] * z) / math.sqrt(x * x + y * y + z * z)
    return math.acos(max(-1.0, min(1.0, c))) * _RAD2DEG


class Frame:
    """Up, forward and left in sensor axes; turns a gravity vector into lean and roll."""

    def __init__(self):
        from .partsinit import Frame  # (partsinit.py: run once, then forgotten)

        Frame(self)

    def set_up(self, x, y, z):
        """Zero lean is this specific-force direction; forward must be found again."""
        self.up = _unit(x, y, z)
        # any two horizontal axes, used to express the forward search in 2-D
        ux, uy, uz = self.up
        seed = (1.0, 0.0, 0.0) if abs(ux) < 0.8 else (0.0, 1.0, 0.0)
        self.h1 = _unit(*_cross(seed, self.up))
        self.h2 = _cross(self.up, self.h1)
        self.forward = None
        self.left = None

    def set_forward(self, c1, c2):
        """Forward is the horizontal direction (c1 h1 + c2 h2)."""
        h1, h2 = self.h1, self.h2
        f = _unit(c1 * h1[0] + c2 * h2[0], c1 * h1[1] + c2 * h2[1], c1 * h1[2] + c2 * h2[2])
        self.forward = f
        self.left = _cross(self.up, f)

    def measure(self, x, y, z):
        """Set lean_deg (forward) and roll_deg (to the right) of the trunk, given gravity's
        direction (x, y, z) in sensor axes. When the trunk leans forward, gravity seen from it
        tilts backward. (Attributes, not a returned tuple: the loop must not allocate one.)"""
        up, fwd, left = self.up, self.forward, self.left
        v = x * up[0] + y * up[1] + z * up[2]
        self.lean_deg = math.atan2(-(x * fwd[0] + y * fwd[1] + z * fwd[2]), v) * _RAD2DEG
        self.roll_deg = math.atan2(x * left[0] + y * left[1] + z * left[2], v) * _RAD2DEG
