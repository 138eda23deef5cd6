"""Which way the trunk faces, found when the wearer sets off from standing.

Right after a still period the tilt is known to a fraction of a degree (the gyro has carried it
from the still anchor), so gravity can be removed from each sample exactly and the horizontal
specific force summed twice: the way the wearer moved off points the way the trunk faces,
whatever way up the board is clipped, with no model of how a trunk moves. (Displacement, not
velocity: the body's side-to-side sway velocity is large at any instant but integrates to a few
centimetres.) orientation.py says why not the braking/propulsion signature of each stride.

The pipeline starts a set-off when a trusted still period ends, feeds every sample of the
window (forward_window_s) to `add`, and calls `finish` at its end.
"""
import math

_G_MPS2 = 9.80665


class SetOff:
    def __init__(self, cfg, rate_hz, accel_lsb_per_g, frame):
        self.window_ms = int(cfg["forward_window_s"] * 1000)
        self.on = False  # a set-off window is open: feed it every sample
        self._min_mps = cfg["forward_min_mps"]
        self._dt_s = 1.0 / rate_hz
        self._accel_lsb_per_g = accel_lsb_per_g
        self._frame = frame  # up and its two horizontal axes h1, h2; receives forward
        # velocity and displacement on h1 and h2, as sums over samples of raw counts
        self._vel_1 = self._vel_2 = 0.0
        self._dist_1 = self._dist_2 = 0.0

    def start(self):
        self.on = True
        self._vel_1 = self._vel_2 = 0.0
        self._dist_1 = self._dist_2 = 0.0

    def stop(self):
        self.on = False

    def add(self, ax, ay, az, vert, gx, gy, gz):
        """One sample: specific force (ax, ay, az), the gravity estimate (gx, gy, gz) and their
        dot product `vert`. Sums the horizontal force (the part along gravity removed) on the
        two horizontal axes."""
        h1, h2 = self._frame.h1, self._frame.h2
        along = vert / (gx * gx + gy * gy + gz * gz)
        self._vel_1 += (ax * h1[0] + ay * h1[1] + az * h1[2]
                        - along * (gx * h1[0] + gy * h1[1] + gz * h1[2]))
        self._vel_2 += (ax * h2[0] + ay * h2[1] + az * h2[2]
                        - along * (gx * h2[0] + gy * h2[1] + gz * h2[2]))
        self._dist_1 += self._vel_1
        self._dist_2 += self._vel_2

    def finish(self):
        """End of the window: far enough moved means its direction is forward, which the frame
        then holds. Returns the mean speed over the window (m/s) if so, else None."""
        self.on = False
        d1, d2 = self._dist_1, self._dist_2
        dt = self._dt_s
        dist_m = math.sqrt(d1 * d1 + d2 * d2) * dt * dt * _G_MPS2 / self._accel_lsb_per_g
        speed_mps = dist_m * 1000.0 / self.window_ms
        if speed_mps < self._min_mps:
            return None
        self._frame.set_forward(d1, d2)
        return speed_mps
