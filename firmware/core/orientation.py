"""The wearer's frame in sensor axes, whatever way up the board is clipped on.

"Up" is the specific force while the wearer stands still and tall. "Forward" cannot be seen
standing, so it is learned from the first running strides: at foot strike the body brakes while
vertical force rises, and at toe-off it is propelled while vertical force falls, so horizontal
acceleration is anti-correlated with the rate of change of vertical force along the direction of
travel, and uncorrelated across it (left/right sway flips sign every step). Walking does not
share this signature (vertical force peaks at heel strike, then falls while braking), so only
running steps are used. The correlation is per step; the direction is accepted once the steps
agree, which also settles the sign without assuming the runner leans forward.
"""
import math

_RAD2DEG = 57.29577951308232


def _unit(x, y, z):
    n = math.sqrt(x * x + y * y + z * z)
    return x / n, y / n, z / n


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


class Frame:
    """Up, forward and left in sensor axes; turns a gravity vector into lean and roll."""

    def __init__(self):
        self.up = None
        self.forward = None
        self.left = None
        self.h1 = None
        self.h2 = None

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

    def lean_roll_deg(self, x, y, z):
        """(forward lean, lean to the right) of the trunk, given gravity's direction (x, y, z) in
        sensor axes. When the trunk leans forward, gravity seen from it tilts backward."""
        g = (x, y, z)
        v = _dot(g, self.up)
        return (math.atan2(-_dot(g, self.forward), v) * _RAD2DEG,
                math.atan2(_dot(g, self.left), v) * _RAD2DEG)


class ForwardFinder:
    """Collects one braking/propulsion correlation vector per running step and accepts the
    direction when the steps agree."""

    def __init__(self, steps_needed, agreement=0.6):
        self.steps_needed = steps_needed
        self.agreement = agreement
        self.reset()

    def reset(self):
        self.r1 = 0.0
        self.r2 = 0.0
        self.spread = 0.0
        self.steps = 0

    def add_step(self, c1, c2):
        """c1, c2: this step's sum of horizontal force (on h1, h2) x change of vertical force.
        Returns the forward direction (d1, d2) on h1, h2 once found, else None."""
        self.r1 += c1
        self.r2 += c2
        self.spread += math.sqrt(c1 * c1 + c2 * c2)
        self.steps += 1
        if self.steps < self.steps_needed:
            return None
        r1, r2 = self.r1, self.r2
        agree = math.sqrt(r1 * r1 + r2 * r2) / self.spread if self.spread > 0 else 0.0
        self.reset()
        if agree < self.agreement:
            return None
        return -r1, -r2  # anti-correlated: forward is against the correlation
