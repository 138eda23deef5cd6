"""How hard the accelerometer should pull the tilt, and how fast the gyro bias is relearned,
while running: a two-state (tilt error, gyro bias error) Kalman filter run at step rate.

Why: the loop in pipeline.py is a tilt pull (time constant tau_p) plus a bias learned from what
the pull keeps having to undo (tau_b). Its right speed depends on the gyro. A clip that warms
against the body, or a cheap gyro whose zero-rate output wanders (0.03-0.1 deg/s per sqrt(s)),
needs a quick loop or the lean drifts by degrees for tens of seconds; a good gyro is best
served by a slow one, because what the pull follows is the stride's mean force, and every
change of pace leans that away from gravity. So the gains are those of the Kalman filter for

    tilt' = bias error,  bias error' = white noise of density q (the bias's wander),
    measured every step: tilt + noise of density r (the stride's mean force about gravity),

whose steady-state loop has natural frequency (q / r)^(1/4) and damping 1/sqrt(2).

- q is measured while running: how far the learned bias moves over _WINDOW_S (its squared
  move over the time is q's estimate; a mean of square roots, so one surge that drags the bias
  along does not dominate). It starts at _WALK_REF.
- r is set so that a gyro wandering _WALK_REF gets the configured loop (tilt_tau_s,
  bias_tau_s): the configured loop is the slow limit, and a gyro that wanders k times more gets
  a loop sqrt(k) times quicker, no quicker than _FAST_TAU_S.
- Stretches where the pull is held off (setting off, corners) only grow the tilt's variance,
  so the strides after them are trusted more and the error the gyro left there is undone in a
  few strides rather than tens of seconds.

Everything here runs once per step; units are radians and seconds, the variances isotropic
across gravity (one number serves both horizontal axes).
"""
import math

_DEG = 0.017453292519943295
_FAST_TAU_S = 1.0       # quickest pull: about a stride and a half, so steps are still found
_TILT0_RAD = 0.5 * _DEG         # after a still period: tilt known this well ...
_BIAS0_RPS = 0.05 * _DEG        # ... and the bias this well (deg/s: >= 1 s of a still gyro)
# The bias wander (deg/s per sqrt(s)) the configured loop is made for: the top of the typical
# grade in the field ranges (host_tools/simulate/README.md, "Field physics"); a poor gyro
# wanders 0.03-0.1
_WALK_REF = 0.03 * _DEG
# A stride whose mean force leans forward or back of grav by more than _GATE of the spread the
# filter expects is the runner speeding up or slowing down (into a stop: 10 deg), not tilt
# error: the bias learns nothing from it (it would otherwise take the change of pace for a
# gyro bias and carry it into the next stop), but never for longer than a change of pace lasts
_GATE = 3.0
_GATE_MAX_S = 5.0
_WINDOW_S = 15.0    # the bias's move is measured over this much running ...
_WINDOW_SHARE = 0.3  # ... and each window's figure gets this share of the estimate


class TiltGain:
    """Gains for the running tilt pull and in-run bias learning. Public: `pull_per_s` (the
    pull's rate, 1/tau_p), `bias_share_per_s` (1/tau_b, as pipeline._learn_bias uses it),
    `reset()`, `surprising(...)` and `stride(...)`."""

    def __init__(self, cfg):
        from .partsinit import TiltGain  # (partsinit.py: run once, then forgotten)

        TiltGain(self, cfg)
        self._walk = _WALK_REF   # the bias's wander, estimated (rad/s per sqrt(s))
        self._r = _WALK_REF * _WALK_REF / (self._min_k2 * self._min_k2)
        self.reset()

    def reset(self):
        """A still period just measured the bias and the tilt: both are known well."""
        self._p11 = _TILT0_RAD * _TILT0_RAD
        self._p12 = 0.0
        self._p22 = _BIAS0_RPS * _BIAS0_RPS
        self._gains(0.35)

    def _predict(self, t_s):
        p12, p22 = self._p12, self._p22
        self._p11 += t_s * (2.0 * p12 + t_s * p22)
        self._p12 = p12 + t_s * p22
        self._p22 = p22 + self._walk * self._walk * t_s

    def _gains(self, t_s):
        """Pull and bias gains (rates per second) for the next step of about t_s, from the
        variances: the filter's, clamped to no slower than configured and no quicker than
        _FAST_TAU_S."""
        s = self._p11 + self._r / t_s
        self.pull_per_s = min(1.0 / _FAST_TAU_S, max(self._min_pull, self._p11 / (s * t_s)))
        k2 = max(self._min_k2, self._p12 / (s * t_s))
        # pipeline._learn_bias adds share x (the pull's implied rate): share = k2 / pull
        self.bias_share_per_s = k2 / self.pull_per_s

    def surprising(self, forward_rad, t_s):
        """The stride just ended (its last step t_s long) leans its mean force forward_rad
        from grav: too far for tilt error (see _GATE)? After _GATE_MAX_S of such strides in a
        row the tilt is what is wrong: they are taken until one fits again."""
        if forward_rad * forward_rad <= _GATE * _GATE * (self._p11 + 0.5 * self._r / t_s):
            self._gated_s = 0.0
            return False
        self._gated_s += t_s
        return self._gated_s < _GATE_MAX_S

    def stride(self, t_s, pulled, bias_x, bias_y, bias_z):
        """One step of t_s; whether the pull ran at the running gain through it; the gyro bias
        now (rad/s, sensor axes)."""
        self._predict(t_s)
        if pulled:
            # the update the pull made this step, at the gains it ran with (Joseph form: they
            # may be the clamped ones, not the filter's)
            k1 = min(1.0, self.pull_per_s * t_s)
            k2 = self.bias_share_per_s * self.pull_per_s * t_s
            r, p11 = self._r / t_s, self._p11  # (four names in one assignment build a tuple)
            p12, p22 = self._p12, self._p22
            self._p11 = (1.0 - k1) * (1.0 - k1) * p11 + k1 * k1 * r
            self._p12 = (1.0 - k1) * (p12 - k2 * p11) + k1 * k2 * r
            self._p22 = k2 * k2 * p11 - 2.0 * k2 * p12 + p22 + k2 * k2 * r
        self._window_s += t_s
        if self._window_s >= _WINDOW_S:
            dx, dy, dz = bias_x - self._bias_x, bias_y - self._bias_y, bias_z - self._bias_z
            # the move has two axes' worth of wander (about gravity running cannot see it)
            walk = math.sqrt((dx * dx + dy * dy + dz * dz) / (2.0 * self._window_s))
            self._walk += _WINDOW_SHARE * (walk - self._walk)
            self._window_s = 0.0
        if self._window_s == 0.0:
            self._bias_x, self._bias_y, self._bias_z = bias_x, bias_y, bias_z
        self._gains(t_s)
