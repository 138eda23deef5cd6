"""Which way the trunk faces, found when the wearer sets off from standing (SetOff) and checked
at corners while running (ForwardCheck).

Right after a still period the tilt is known to a fraction of a degree (the gyro has carried it
from the still anchor), so gravity can be removed from each sample exactly and the horizontal
specific force summed twice: the way the wearer moved off points the way the trunk faces,
whatever way up the board is clipped, with no model of how a trunk moves. (Displacement, not
velocity: the body's side-to-side sway velocity is large at any instant but integrates to a few
centimetres.) orientation.py says why not the braking/propulsion signature of each stride.

The pipeline starts a set-off when a trusted still period ends, feeds every sample of the
window (forward_window_s) to `add`, and calls `finish` at its end, then `correct` once the
running has taught it the gyro's bias better (a clip warming against the body).
"""
import math

from .compat import const, ticks_diff
from .gait import STILL

_G_MPS2 = 9.80665


# SetOff.due, what `correct` needs: the stand's bias (3), the stand's age at the window's start
# (s), the forward the window found (or None), the window's start (ms); then the window's
# response to a unit accelerometer offset along h1 (see `add`): the offset's share of the
# gyro-held gravity, which turns with the body (on h1, h2), and the velocity and displacement
# sums it adds (on h1, h2)
_DUE_AGE_S = const(3)
_DUE_FORWARD = const(4)
_DUE_T_MS = const(5)
_DUE_HELD_1 = const(6)
_DUE_HELD_2 = const(7)
_DUE_VEL_1 = const(8)
_DUE_VEL_2 = const(9)
_DUE_DIST_1 = const(10)
_DUE_DIST_2 = const(11)
# SetOff.swung, once the stand's bias error is taken off: the window's displacement sums per
# count of offset along h1 (on h1, h2), and the forward last set from them
_SWUNG_1 = const(0)
_SWUNG_2 = const(1)
_SWUNG_FORWARD = const(2)
# the set-off's forward is found again this long after the window opened, with the bias the
# running has learned by then (a warming clip's drift bent it)
_FIX_MS = const(30000)


class SetOff:
    def __init__(self, cfg, rate_hz, accel_lsb_per_g, frame):
        from .partsinit import SetOff  # (partsinit.py: run once, then forgotten)

        SetOff(self, cfg, rate_hz, accel_lsb_per_g, frame)

    def start(self, bias_x, bias_y, bias_z, seconds, t_ms):
        """A window opens at t_ms, the stand's gyro bias (rate counts) measured `seconds`
        before on average (half the stand)."""
        self.on = True
        self._vel_1 = self._vel_2 = 0.0
        self._dist_1 = self._dist_2 = 0.0
        self.due = [bias_x, bias_y, bias_z, seconds, None, t_ms, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        self.swung = None

    def stop(self):
        self.on = False

    def add(self, ax, ay, az, vert, gx, gy, gz, yaw):
        """One sample: specific force (ax, ay, az), the gravity estimate (gx, gy, gz), their
        dot product `vert` and the turn about gravity this sample (rad x |grav|). Sums the
        horizontal force (the part along gravity removed) on the two horizontal axes, in the
        body's axes: a runner who sets off into a corner turns with the way he runs, so the
        velocity seen from the body stays forward while the centripetal force turns it
        (dv = a - turn x v); summed without that term, the corner's force would count as
        sideways speed.
        The accelerometer's offset is in both the force and the gravity the stand left the
        gyro to hold, so it cancels until the body turns: then the gyro turns gravity's share
        of it with the world while the accelerometer's stays in the board, and the difference
        is force the window sums as motion (a set-off into a corner swings it by up to 1.4 x
        the offset across up: ~6 deg of forward on poor sensors, docs/bench.md, issue 12's
        sixteenth round). Its sums are linear in the offset, so the window also sums its
        response to a unit offset along h1 (`due`'s _DUE_HELD_ to _DUE_DIST_ slots; along h2
        it is the same turned a right angle), for `correct` to take off an offset learned
        later (6 floats a sample, in the window only)."""
        h1, h2 = self._frame.h1, self._frame.h2
        g2 = gx * gx + gy * gy + gz * gz
        along = vert / g2
        yaw /= g2 ** 0.5
        v1, v2 = self._vel_1, self._vel_2
        self._vel_1 = v1 + yaw * v2 + (ax * h1[0] + ay * h1[1] + az * h1[2]
                                       - along * (gx * h1[0] + gy * h1[1] + gz * h1[2]))
        self._vel_2 = v2 - yaw * v1 + (ax * h2[0] + ay * h2[1] + az * h2[2]
                                       - along * (gx * h2[0] + gy * h2[1] + gz * h2[2]))
        self._dist_1 += self._vel_1
        self._dist_2 += self._vel_2
        due = self.due
        held_1, held_2 = due[_DUE_HELD_1], due[_DUE_HELD_2]
        held_1, held_2 = held_1 + yaw * held_2, held_2 - yaw * held_1
        due[_DUE_HELD_1], due[_DUE_HELD_2] = held_1, held_2
        u1, u2 = due[_DUE_VEL_1], due[_DUE_VEL_2]
        u1, u2 = u1 + yaw * u2 + 1.0 - held_1, u2 - yaw * u1 - held_2
        due[_DUE_VEL_1], due[_DUE_VEL_2] = u1, u2
        due[_DUE_DIST_1] += u1
        due[_DUE_DIST_2] += u2

    def finish(self, state):
        """End of the window, the gait in `state`: far enough moved means its direction is
        forward, which the frame then holds. Returns the mean speed over the window (m/s) if
        so, else None. A wearer still not stepping (gait.STILL: no step for 1.5 s) has not set
        off, whatever the sums say: turning on the spot or shuffling moves the body centimetres,
        and what the window then summed is the gyro-held tilt's error (SisFall SE03: 6-10 deg
        of it within a second of turning on the spot, read as 3 m/s to the wearer's left)."""
        self.on = False
        if state == STILL:
            return None
        d1, d2 = self._dist_1, self._dist_2
        dt = self._dt_s
        dist_m = math.sqrt(d1 * d1 + d2 * d2) * dt * dt * _G_MPS2 / self._accel_lsb_per_g
        speed_mps = dist_m * 1000.0 / self.window_ms
        if speed_mps < self._min_mps:
            return None
        self._frame.set_forward(d1, d2)
        self.due[_DUE_FORWARD] = self._frame.forward
        return speed_mps

    def correct(self, t_ms, bias_x, bias_y, bias_z, rad_per_unit, x, y, z):
        """Forward found again from the window's sums less the errors known by now, if forward
        still stands as the set-off found it (no corner's check has moved it): called at every
        segment end while `due`, and after that each time the offset learner moves the
        accelerometer's offset (x, y, z: counts, sensor axes) while `swung`.
        First (once, _FIX_MS after the window opened, with the bias learned while running by
        then: rate counts; x rad_per_unit is rad/s) the stand's bias error, taken off the kept
        sums. The window held the tilt by the gyro with the stand's bias, but a clip warming
        against the body drifts 0.05-0.1 deg/s a second at first: ~2 deg of tilt by the
        window's end, whose g sin(tilt) summed twice turned forward 5-16 deg (docs/bench.md,
        issue 12's tenth round). Taken as a bias moving linearly from the stand's mean to the
        one learned now, the error is e(t) = s (t + c) (s its slope, c the stand's age at the
        window's start), the tilt error its integral, and the force's error along the
        horizontal 1 g x (tilt error x up): summed twice over the window of T s,
        1 g (s x up) (c T^3 / 6 + T^4 / 24).
        Then the offset (across up) swung round by the set-off's turn, through the window's
        response to it (`add`); learned from corners, it is known only minutes later, each
        corner a share closer (issue 12's sixteenth round)."""
        due = self.due
        frame = self._frame
        if due is not None:
            seconds = ticks_diff(t_ms, due[_DUE_T_MS])
            if seconds < _FIX_MS:
                return
            seconds *= 0.001
            self.due = None
            if due[_DUE_FORWARD] is None or frame.forward is not due[_DUE_FORWARD]:
                return
            c = due[_DUE_AGE_S]
            t = self.window_ms * 0.001
            dt = self._dt_s
            k = (rad_per_unit * self._accel_lsb_per_g
                 * (c * t * t * t / 6.0 + t * t * t * t / 24.0) / ((seconds + c) * dt * dt))
            sx, sy, sz = (bias_x - due[0]) * k, (bias_y - due[1]) * k, (bias_z - due[2]) * k
            up, h1, h2 = frame.up, frame.h1, frame.h2
            ex = sy * up[2] - sz * up[1]
            ey = sz * up[0] - sx * up[2]
            ez = sx * up[1] - sy * up[0]
            self._dist_1 -= ex * h1[0] + ey * h1[1] + ez * h1[2]
            self._dist_2 -= ex * h2[0] + ey * h2[1] + ez * h2[2]
            self.swung = [due[_DUE_DIST_1], due[_DUE_DIST_2], frame.forward]
        swung = self.swung
        if swung is None:
            return
        if frame.forward is not swung[_SWUNG_FORWARD]:
            self.swung = None
            return
        h1, h2 = frame.h1, frame.h2
        b1 = x * h1[0] + y * h1[1] + z * h1[2]
        b2 = x * h2[0] + y * h2[1] + z * h2[2]
        r1, r2 = swung[_SWUNG_1], swung[_SWUNG_2]  # along h2 the response is h1's turned
        frame.set_forward(self._dist_1 - (b1 * r1 - b2 * r2), self._dist_2 - (b1 * r2 + b2 * r1))
        swung[_SWUNG_FORWARD] = frame.forward


_CHECK_TURN_DEG = 70.0  # turning seen before the turn cue is weighed (one corner)
_CONSISTENT = 0.5        # |sum of votes| / sum of |votes|: the corners agree on a direction
_MIN_ANGLE_COS = 0.9     # closer than ~25 deg to the forward in use: nothing to correct
_MIN_GAIN_DEG = 2.0      # any change: the lean along the new forward must be this much more
_RAD2DEG = 57.29577951308232


class ForwardCheck:
    """Checks forward while running, because a set-off can mislead (a runner who sets off into
    a turn, or steps back first, moves off sideways or backwards).

    Two independent cues must agree before forward changes:
    - corners: in a turn the mean specific force points into it (centripetal), and the gyro
      says which way the body turns, so yaw rate x (horizontal force x up) points forward,
      whatever the set-off did;
    - lean: runners lean forward, so along the true forward the trunk leans further forward
      than along a wrong one (by a margin when the change would reverse forward, so that an
      arching runner never flips it).
    The pipeline feeds every turning stride to `turn` and asks `verdict` after each corner. The
    votes add up over every corner since forward was last set (found at a set-off or corrected),
    not one corner's alone: a corner's votes lean towards its own errors (the accelerometer's
    offset swung round, a change of pace), and corners that agreed with forward outvote one
    that does not (seed 1605 was turned 35 deg by its tenth corner after nine within
    15 deg of forward)."""

    def __init__(self, frame):
        self._frame = frame
        self.reset()

    def reset(self):
        self._vote_1 = self._vote_2 = 0.0  # on the frame's h1, h2
        self._weight = 0.0
        self._clear()

    def _clear(self):
        """A corner's own state, cleared when its verdict is asked (the votes stay)."""
        self._turned_deg = 0.0
        self.due = False  # enough turning seen: ask `verdict` once the corner is over
        self.changed_deg = 0.0  # how far the last correction turned forward

    def turn(self, yaw_dps, fx, fy, fz, gx, gy, gz, seconds):
        """One turning stride: stride-mean yaw rate (deg/s, + = left), mean specific force less
        gravity (fx, fy, fz) and mean gravity (gx, gy, gz), sensor axes, any common scale."""
        g2 = gx * gx + gy * gy + gz * gz
        along = (fx * gx + fy * gy + fz * gz) / g2
        hx, hy, hz = fx - along * gx, fy - along * gy, fz - along * gz  # horizontal force
        # forward ~ left x up, left ~ yaw x horizontal force
        vx = (hy * gz - hz * gy) * yaw_dps
        vy = (hz * gx - hx * gz) * yaw_dps
        vz = (hx * gy - hy * gx) * yaw_dps
        h1, h2 = self._frame.h1, self._frame.h2
        v1 = vx * h1[0] + vy * h1[1] + vz * h1[2]
        v2 = vx * h2[0] + vy * h2[1] + vz * h2[2]
        self._vote_1 += v1
        self._vote_2 += v2
        self._weight += math.sqrt(v1 * v1 + v2 * v2)
        self._turned_deg += abs(yaw_dps) * seconds
        self.due = self._turned_deg >= _CHECK_TURN_DEG

    def verdict(self, gx, gy, gz):
        """After a corner, with the current gravity estimate: True if forward was corrected
        (the frame then holds the new one, `changed_deg` says by how much)."""
        if not self.due:
            return False
        self._clear()
        v1, v2, weight = self._vote_1, self._vote_2, self._weight
        size = math.sqrt(v1 * v1 + v2 * v2)
        if weight <= 0.0 or size < _CONSISTENT * weight:
            return False
        frame = self._frame
        h1, h2, fwd, up = frame.h1, frame.h2, frame.forward, frame.up
        nx = (v1 * h1[0] + v2 * h2[0]) / size
        ny = (v1 * h1[1] + v2 * h2[1]) / size
        nz = (v1 * h1[2] + v2 * h2[2]) / size
        cos = nx * fwd[0] + ny * fwd[1] + nz * fwd[2]
        if cos > _MIN_ANGLE_COS:
            return False
        vert = gx * up[0] + gy * up[1] + gz * up[2]
        lean_now = math.atan2(-(gx * fwd[0] + gy * fwd[1] + gz * fwd[2]), vert) * _RAD2DEG
        lean_new = math.atan2(-(gx * nx + gy * ny + gz * nz), vert) * _RAD2DEG
        # the lean must gain at least half what a right correction would (a trunk leaning L
        # along the true forward leans L cos(angle) along one off by the angle), and never less
        # than 2 deg, whatever the angle: a corner leaves a sideways tilt in the estimate (the
        # offset swung round, the roll into the turn; median 1.4 deg, 90th percentile 4 deg on
        # seeds 1000-1839) that moves the lean along a way 25-45 deg off by up to half of it.
        # Below 2 deg the cue cannot tell a right correction from that tilt, and what it would
        # fix costs the lean as little (a forward `angle` off reads L (1 - cos angle) low, the
        # very gain): seed 1345 (waist, poor, 2 deg lean) was turned 26 deg the wrong way on a
        # 0.33 deg gain, and no wrong vote 25 deg or more off on those seeds gained more than
        # 1.01 deg. (A reversal always needed the 2 deg, so that an arching runner never flips
        # it.) A lean <= 0 along the votes' way is no evidence at all: the cue holds for a
        # trunk leaning forward (arched, one reads further forward along a wrong way), and
        # mid-corner the swung offset can leave the estimate reading < 0 along both, where the
        # margin turned negative once let a 59 deg-off corner through (seed 1608)
        margin = max(_MIN_GAIN_DEG, 0.5 * lean_new * (1.0 - cos))
        if lean_new <= 0.0 or lean_new < lean_now + margin:
            return False
        frame.set_forward(v1, v2)
        self.reset()
        self.changed_deg = math.acos(max(-1.0, min(1.0, cos))) * _RAD2DEG
        return True
