"""Raw IMU counts in; stride-averaged lean, motion state, events and buzzes out.

Tilt: the accelerometer alone is useless mid-stride (2-4 g impacts, flight at 0 g), but its
mean over whole strides is gravity plus the body's mean acceleration, which is zero at steady
speed. So a vector `w` (specific force in sensor axes) is carried by the gyro every sample and
pulled toward each raw sample with a long time constant: a low-pass of specific force taken in
the world frame, unbiased because the pull is linear in the raw samples (no per-sample
normalising or impact gating, which would bias the mean). The pull pauses where its premise
fails: while turning (the mean force leans into the turn, and the error would become lean as
the body yaws) and for a while after standing still (setting off, the mean force leans with the
acceleration); the gyro carries the tilt meanwhile. Residual gyro bias is relearned whenever the
wearer stands still and, while running, from the corrections the accelerometer keeps having to
make.

Forward: right after a still period the tilt is known to a fraction of a degree (the gyro has
carried it from the still anchor), so gravity can be removed from each sample exactly and the
horizontal specific force summed twice: the way the wearer moved off points the way the trunk
faces, whatever way up the board is clipped, with no model of how a trunk moves. (Displacement,
not velocity: the body's side-to-side sway velocity is large at any instant but integrates to a
few centimetres.)

Cost: the per-sample kernel in `feed` keeps its state in locals and does only multiply-adds;
everything else runs at step or segment (<= 1/8 s) boundaries.
"""
import math

from . import logfmt
from .coach import GOOD, NONE, Coach, CUE_NAMES
from .compat import const, ticks_diff
from .context import Context
from .cues import LEVEL_GENTLE, alert_level
from .drift import Drift
from .gait import RUNNING, STILL, Gait
from .haptics import LEVEL_FULL, PATTERNS, Player
from .orientation import Frame
from .schedule import SUMMARY

EVENTS = logfmt.PIPELINE_EVENTS  # names and codes: the registry in logfmt
BUZZ_EVENTS = logfmt.BUZZ_EVENTS

_TICKS_MASK = const(0x3FFFFFFF)
_SEGMENT_S = 0.125    # longest stretch between bookkeeping calls
# Rows come at every step; between steps (still, or walking slower than ~130 steps/min) a row
# is added once this long has passed, so that with segments <= 125 ms rows are <= 0.5 s apart
# while still and come at least twice a second while moving.
_STILL_ROW_MS = const(375)
_MOVING_ROW_MS = const(450)
_STILL_TAU_S = 0.3    # standing still, specific force is gravity: follow it quickly
# Stillness is judged per segment but trusted only when sustained: over 1/8 s a slowly swaying
# walker also looks quiet, and learning that sway as gyro bias would wreck the tilt.
# The last segments before motion often hold its slow onset (the trunk tilting to set off), so
# a quiet segment counts only once _PENDING more quiet segments follow it.
_TRUST_STILL_MS = const(500)
_PENDING = const(4)
_SLOT = const(10)  # per pending segment: rate sum so far (3), samples so far, mean force (3), pull (3)
_BIAS_SPAN_S = 1.0  # a still stretch this long measures the bias
_MAX_BIAS_DPS = 25.0      # beyond any MEMS gyro's zero-rate tolerance: the wearer is turning
_STILL_RATE_DPS = 1.5     # once the bias is known, a quiet segment's mean rate stays below this
# After a turn, the sideways correction stays off and the coach stays quiet this long: the
# trunk leans into a turn, and turns are where the tilt estimate is least certain.
_TURN_HOLD_MS = const(3000)
_DEG = 0.017453292519943295
_G_MPS2 = 9.80665

# window slots: sum of w (3), sum of gyro (3), sum of corrections (3), samples, sum of raw
# specific force (3)
_WX = const(0)
_WY = const(1)
_WZ = const(2)
_OX = const(3)
_OY = const(4)
_OZ = const(5)
_DX = const(6)
_DY = const(7)
_DZ = const(8)
_WN = const(9)
_AX = const(10)
_AY = const(11)
_AZ = const(12)
_SLOTS = const(13)


class Pipeline:
    def __init__(self, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink):
        self.cfg = cfg
        self.rate_hz = float(rate_hz)
        self.lsb_g = float(accel_lsb_per_g)
        self.lsb_dps = float(gyro_lsb_per_dps)
        self.sink = sink
        dt = 1.0 / self.rate_hz
        self.dt = dt
        self.kg = dt * _DEG / self.lsb_dps
        self.k_run = dt / cfg["tilt_tau_s"]
        self.k_turn = dt / cfg["turn_tau_s"]
        self.k_still = dt / _STILL_TAU_S
        self.seg_n = max(1, int(_SEGMENT_S * self.rate_hz))
        g2 = self.lsb_g * self.lsb_g
        self.hi = cfg["step_high_g"] * g2
        self.lo = cfg["step_low_g"] * g2
        self.still_var_g2 = cfg["still_g"] ** 2
        self.still_var_dps2 = cfg["still_dps"] ** 2
        self.frame = Frame()
        self.fwd_window_ms = int(cfg["forward_window_s"] * 1000)
        self.settle_ms = int(cfg["settle_s"] * 1000)
        self.prompt_every_ms = int(cfg["stand_tall_repeat_s"] * 1000)
        self.calib_ms = int(cfg["calib_still_s"] * 1000)
        self.turn_dps = cfg["turn_dps"]
        self.bias_tau_s = cfg["bias_tau_s"]
        self.gait = Gait(cfg)
        self.coach = Coach(cfg)
        self.context = Context(cfg)
        self.drift = Drift(cfg)
        self.player = Player()
        self.cur = [0.0] * _SLOTS
        self.prev = [0.0] * _SLOTS
        self.n = 0  # samples fed
        self.t_ms = 0
        self.w_set = False
        self.wx = self.wy = self.wz = 0.0
        self.bx = self.by = self.bz = 0.0
        self.k = self.k_still
        self._reset_segment()
        self.armed = False
        self.vmax = 0.0
        self.vmin = 0.0
        self.since = 0
        self.gap_n = 0
        self.v1 = self.v2 = 0.0  # set-off velocity and displacement on h1, h2 (in sample sums)
        self.d1 = self.d2 = 0.0
        self.finding = False
        self.state = STILL
        self.still_ms = 0
        self.pending = [0.0] * (_SLOT * _PENDING)
        self.n_quiet = 0
        self.rx = self.ry = self.rz = 0.0  # raw rate summed over this still stretch
        self.rn = 0
        self.a0x = self.a0y = self.a0z = 0.0  # mean force of its first segment
        self.anchor_ms = 0  # end of the last trusted still period
        self.turn_ms = 0
        self.row_ms = 0
        self.calibrated = False
        self.bias_known = False
        self.prompt_ms = 0
        self.prompts = 0
        self._prompt()

    # ---- the per-sample kernel -------------------------------------------------------------
    def _reset_segment(self):
        self.sn = 0
        self.swx = self.swy = self.swz = 0.0
        self.sox = self.soy = self.soz = 0.0
        self.soo = 0.0
        self.sav = self.savv = 0.0
        self.sdx = self.sdy = self.sdz = 0.0
        self.sax = self.say = self.saz = 0.0

    def feed(self, buf, n):
        """Process n samples (6 values each) from buf. Calls the sink as things happen."""
        if not self.w_set and n:
            self.wx, self.wy, self.wz = float(buf[0]), float(buf[1]), float(buf[2])
            self.w_set = True
        end = 6 * n
        i = 0
        while i < end:
            i = self._kernel(buf, i, end)
        # the clock stands at the last sample fed, not the last segment end, so that a pattern
        # started between feeds (a button press) is not stamped up to a segment late
        self.t_ms = int((self.n + self.sn) * 1000.0 / self.rate_hz) & _TICKS_MASK

    def _kernel(self, buf, i, end):
        """Run samples from index i until a step, a full segment or the end; returns the next
        index. State lives in locals here and goes back to self before any bookkeeping."""
        wx, wy, wz = self.wx, self.wy, self.wz
        bx, by, bz = self.bx, self.by, self.bz
        # (never four or more names in one assignment here: that builds a tuple, and in a heap
        # full of float garbage a multi-block allocation forces a whole collection)
        k, kg = self.k, self.kg
        hi, lo = self.hi, self.lo
        armed, vmax, vmin = self.armed, self.vmax, self.vmin
        since, gap_n, seg_n = self.since, self.gap_n, self.seg_n
        sn, soo = self.sn, self.soo
        sav, savv = self.sav, self.savv
        swx, swy, swz = self.swx, self.swy, self.swz
        sox, soy, soz = self.sox, self.soy, self.soz
        sdx, sdy, sdz = self.sdx, self.sdy, self.sdz
        sax, say, saz = self.sax, self.say, self.saz
        finding = self.finding
        step = False
        while i < end:
            ax = buf[i]
            ay = buf[i + 1]
            az = buf[i + 2]
            ox = buf[i + 3] - bx
            oy = buf[i + 4] - by
            oz = buf[i + 5] - bz
            i += 6
            # carry gravity with the gyro (a world-fixed vector seen from the body: dw = w x o)
            # and pull it toward this sample
            cx = k * (ax - wx)
            cy = k * (ay - wy)
            cz = k * (az - wz)
            tx = (wy * oz - wz * oy) * kg
            ty = (wz * ox - wx * oz) * kg
            wz += (wx * oy - wy * ox) * kg + cz
            wx += tx + cx
            wy += ty + cy
            av = ax * wx + ay * wy + az * wz  # vertical force x |w|
            swx += wx
            swy += wy
            swz += wz
            sox += ox
            soy += oy
            soz += oz
            soo += ox * ox + oy * oy + oz * oz
            sav += av
            savv += av * av
            sdx += cx
            sdy += cy
            sdz += cz
            sax += ax
            say += ay
            saz += az
            sn += 1
            since += 1
            if finding:
                self._sum_setoff(ax, ay, az, av, wx, wy, wz)
            if av > vmax:
                vmax = av
            if av < vmin:
                vmin = av
            if armed:
                if av > hi:
                    step = True
                    break
            elif av < lo and since >= gap_n:
                # re-armed only after the refractory time: the dip between a heel-strike
                # spike and the stance peak must not make one step two
                armed = True
            if sn >= seg_n:
                break
        self.wx, self.wy, self.wz = wx, wy, wz
        self.armed, self.vmax = armed, vmax
        self.vmin, self.since = vmin, since
        self.sn, self.soo = sn, soo
        self.sav, self.savv = sav, savv
        self.swx, self.swy, self.swz = swx, swy, swz
        self.sox, self.soy, self.soz = sox, soy, soz
        self.sdx, self.sdy, self.sdz = sdx, sdy, sdz
        self.sax, self.say, self.saz = sax, say, saz
        if step or sn >= seg_n:
            self._segment_end(step)
        return i

    def _sum_setoff(self, ax, ay, az, av, wx, wy, wz):
        """Only for the first seconds after a still period, until forward is found: sum the
        horizontal specific force (gravity's direction w removed) on the two horizontal axes."""
        h1, h2 = self.frame.h1, self.frame.h2
        g = av / (wx * wx + wy * wy + wz * wz)
        self.v1 += ax * h1[0] + ay * h1[1] + az * h1[2] - g * (wx * h1[0] + wy * h1[1] + wz * h1[2])
        self.v2 += ax * h2[0] + ay * h2[1] + az * h2[2] - g * (wx * h2[0] + wy * h2[1] + wz * h2[2])
        self.d1 += self.v1
        self.d2 += self.v2

    # ---- bookkeeping at segment ends (<= 1/8 s) and steps -----------------------------------
    def _segment_end(self, step):
        self.n += self.sn
        self.t_ms = int(self.n * 1000.0 / self.rate_hz) & _TICKS_MASK
        seg_ms = int(self.sn * 1000.0 / self.rate_hz)
        cur = self.cur
        cur[_WX] += self.swx
        cur[_WY] += self.swy
        cur[_WZ] += self.swz
        cur[_OX] += self.sox
        cur[_OY] += self.soy
        cur[_OZ] += self.soz
        cur[_DX] += self.sdx
        cur[_DY] += self.sdy
        cur[_DZ] += self.sdz
        cur[_WN] += self.sn
        cur[_AX] += self.sax
        cur[_AY] += self.say
        cur[_AZ] += self.saz
        quiet = not step and self._quiet()
        if quiet:
            self._still(seg_ms)
        else:
            if self.still_ms >= _TRUST_STILL_MS:
                self._set_off()
            self.still_ms = 0
            self.n_quiet = 0
        if self.finding and ticks_diff(self.t_ms, self.anchor_ms) >= self.fwd_window_ms:
            self._forward_found()
        self._reset_segment()
        if step:
            self._step()
        elif self.gait.pause(self.t_ms) != self.state:
            self._set_state(self.gait.state)
        if not step:
            still = self.state == STILL
            if ticks_diff(self.t_ms, self.row_ms) >= (_STILL_ROW_MS if still else _MOVING_ROW_MS):
                self._row(self.cur, self.prev, False)
                if still:  # rows describe the last half second
                    self.prev, self.cur = self.cur, self.prev
                    self._clear(self.cur)
        self._set_gain(quiet)
        if not self.calibrated and ticks_diff(self.t_ms, self.prompt_ms) >= self.prompt_every_ms:
            self._prompt()

    def _quiet(self):
        """This segment: no step lately, small spread of force and rate, and (once the bias is
        known) no residual rotation."""
        n = self.sn
        if n < 2 or self.gait.state != STILL:
            return False
        w2 = self.wx * self.wx + self.wy * self.wy + self.wz * self.wz
        mean_av = self.sav / n
        var_a = (self.savv / n - mean_av * mean_av) / (w2 * self.lsb_g * self.lsb_g)
        mx, my, mz = self.sox / n, self.soy / n, self.soz / n
        m2 = (mx * mx + my * my + mz * mz) / (self.lsb_dps * self.lsb_dps)
        var_o = self.soo / n / (self.lsb_dps * self.lsb_dps) - m2
        limit = _STILL_RATE_DPS if self.bias_known else _MAX_BIAS_DPS
        limit *= limit
        return var_a < self.still_var_g2 and var_o < self.still_var_dps2 and m2 < limit

    def _still(self, seg_ms):
        self.still_ms += seg_ms
        n = self.sn
        ax, ay, az = self.sax / n, self.say / n, self.saz / n
        if self.n_quiet == 0:
            self.a0x, self.a0y, self.a0z = ax, ay, az
            self.rx = self.ry = self.rz = 0.0
            self.rn = 0
        else:  # raw rate from the end of the first segment on (bias in use added back)
            self.rx += self.sox + n * self.bx
            self.ry += self.soy + n * self.by
            self.rz += self.soz + n * self.bz
            self.rn += n
        j = _SLOT * (self.n_quiet % _PENDING)
        p = self.pending
        if self.n_quiet >= _PENDING:  # the oldest pending segment has been followed by calm
            self._bias_from(p, j)
        p[j], p[j + 1], p[j + 2] = self.rx, self.ry, self.rz
        p[j + 3] = self.rn
        p[j + 4], p[j + 5], p[j + 6] = ax, ay, az
        p[j + 7], p[j + 8], p[j + 9] = self.sdx, self.sdy, self.sdz
        self.n_quiet += 1
        if self.still_ms >= self.calib_ms:
            self.bias_known = True
            if not self.calibrated:
                self._calibrate()

    def _bias_from(self, p, j):
        """Gyro bias over a still stretch: the mean raw rate, less the rotation the
        accelerometer saw between the stretch's first segment and segment j. Postural sway is
        seen by both, so it cancels; only rotation about gravity is the accelerometer's blind
        spot, where the mean rate is all there is."""
        n = p[j + 3]
        if n * self.dt < _BIAS_SPAN_S:
            return
        x0, y0, z0 = self.a0x, self.a0y, self.a0z
        x1, y1, z1 = p[j + 4], p[j + 5], p[j + 6]
        # a world-fixed vector seen from a body turning at w moves as v' = v x w, so
        # v0 x v1 = -(w across v) |v|^2 t
        s = -1.0 / (math.sqrt((x0 * x0 + y0 * y0 + z0 * z0) * (x1 * x1 + y1 * y1 + z1 * z1))
                    * n * self.kg)
        self.bx = p[j] / n - (y0 * z1 - z0 * y1) * s
        self.by = p[j + 1] / n - (z0 * x1 - x0 * z1) * s
        self.bz = p[j + 2] / n - (x0 * y1 - y0 * x1) * s

    def _calibrate(self):
        self.frame.set_up(self.wx, self.wy, self.wz)
        self.calibrated = True
        self.sink.event(self.t_ms, "calibrated", None)
        self.player.play(PATTERNS["ready"], self.t_ms)

    def _prompt(self):
        self.prompt_ms = self.t_ms
        self.prompts += 1
        self.sink.event(self.t_ms, "stand_tall", self.prompts)
        self.player.play(PATTERNS["stand_tall"], self.t_ms)

    def recalibrate(self):
        """Long press: forget "up" and forward, ask the wearer to stand tall again."""
        self.calibrated = False
        self.finding = False
        self.still_ms = 0
        self.coach.reset()
        self._prompt()

    def _step(self):
        t_ms = self.t_ms
        wx, wy, wz = self.wx, self.wy, self.wz
        wn = math.sqrt(wx * wx + wy * wy + wz * wz)
        scale = 1.0 / (wn * self.lsb_g)
        peak_g, trough_g = self.vmax * scale, self.vmin * scale
        state = self.gait.step(t_ms, peak_g, trough_g)
        self.gap_n = int(self.gait.min_step_gap_ms() * self.rate_hz / 1000)
        self.armed = False
        self.since = 0
        self.vmax = self.vmin = wx * wx + wy * wy + wz * wz
        if state != self.state:
            self._set_state(state)
        cur, prev = self.cur, self.prev
        n = cur[_WN] + prev[_WN]
        # stride-mean yaw rate about gravity: turning?
        yaw_dps = ((cur[_OX] + prev[_OX]) * wx + (cur[_OY] + prev[_OY]) * wy
                   + (cur[_OZ] + prev[_OZ]) * wz) / (n * wn * self.lsb_dps)
        if abs(yaw_dps) > self.turn_dps:
            self.turn_ms = t_ms
        if ticks_diff(t_ms, self.turn_ms) < _TURN_HOLD_MS:
            self._drop_sideways(cur)
        else:
            self._learn_bias(cur)
        self._row(cur, prev, True)
        self.prev, self.cur = cur, prev
        self._clear(self.cur)

    def _drop_sideways(self, win):
        """Turning: the mean force leans into the turn (centripetal), sideways only, so undo the
        sideways part of this step's pull and keep the forward-back part. A tilt error is fixed
        in the world while the body yaws, so the turn itself swings it into the corrected plane;
        the pull is stronger meanwhile (turn_tau_s) because turns are when errors appear: the
        gyro's scale and axis errors, and the accelerometer's bias, which is fixed in the body
        but swung round with w by a turn."""
        left = self.frame.left
        if left is None:
            return
        d = win[_DX] * left[0] + win[_DY] * left[1] + win[_DZ] * left[2]
        self.wx -= d * left[0]
        self.wy -= d * left[1]
        self.wz -= d * left[2]

    def _learn_bias(self, win):
        """While running, fold a small share of the step's residual gyro bias into the bias."""
        n = win[_WN]
        if self.k != self.k_run or n < 2 or not self.calibrated:
            return
        # The accelerometer's pull over the step, as the rotation rate that would have caused
        # it: a bias e tilts w by w x e each sample and the pull undoes it, so the pull summed
        # over n samples is -(w x e) n dt; w x that gives e across w.
        dx, dy, dz = win[_DX], win[_DY], win[_DZ]
        wx, wy, wz = self.wx, self.wy, self.wz
        share = min(1.0, n * self.dt / self.bias_tau_s)
        rate = share / ((wx * wx + wy * wy + wz * wz) * n * self.kg)
        self.bx += (wy * dz - wz * dy) * rate
        self.by += (wz * dx - wx * dz) * rate
        self.bz += (wx * dy - wy * dx) * rate

    def _set_off(self):
        """A trusted still period just ended: the tilt is fresh, so look for forward. The pull
        toward the accelerometer in the untrusted last segments (and this one) followed the
        start of the motion, not gravity: undo it, leaving what the gyro carried."""
        p = self.pending
        wx = self.wx - self.sdx
        wy = self.wy - self.sdy
        wz = self.wz - self.sdz
        for i in range(min(self.n_quiet, _PENDING)):
            j = _SLOT * i
            wx -= p[j + 7]
            wy -= p[j + 8]
            wz -= p[j + 9]
        self.wx, self.wy, self.wz = wx, wy, wz
        self.anchor_ms = self.t_ms
        if self.calibrated and self.frame.forward is None:
            self.finding = True
            self.v1 = self.v2 = self.d1 = self.d2 = 0.0

    def _forward_found(self):
        """End of the set-off window: far enough moved means its direction is forward."""
        self.finding = False
        d1, d2 = self.d1, self.d2
        dist_m = math.sqrt(d1 * d1 + d2 * d2) * self.dt * self.dt * _G_MPS2 / self.lsb_g
        speed_mps = dist_m * 1000.0 / self.fwd_window_ms
        if speed_mps >= self.cfg["forward_min_mps"]:
            self.frame.set_forward(d1, d2)
            self.sink.event(self.t_ms, "forward_found", speed_mps)

    def _set_state(self, state):
        self.state = state
        self.sink.event(self.t_ms, "state", state)
        if state != RUNNING:
            self.coach.reset()

    def _set_gain(self, quiet):
        if quiet and self.still_ms >= _TRUST_STILL_MS:
            k = self.k_still
        elif self.calibrated and ticks_diff(self.t_ms, self.anchor_ms) < self.settle_ms:
            k = 0.0
        elif ticks_diff(self.t_ms, self.turn_ms) < _TURN_HOLD_MS:
            # with no forward yet there is no way to keep the forward-back part alone
            k = 0.0 if self.frame.left is None else self.k_turn
        else:
            k = self.k_run
        self.k = k

    @staticmethod
    def _clear(win):
        for j in range(_SLOTS):
            win[j] = 0.0

    def _row(self, cur, prev, stride):
        """Lean over the window cur+prev to the sink; a whole stride's lean also to the coach."""
        n = cur[_WN] + prev[_WN]
        if not self.calibrated or self.frame.forward is None or n == 0:
            return
        self.row_ms = self.t_ms
        frame = self.frame
        frame.measure(cur[_WX] + prev[_WX], cur[_WY] + prev[_WY], cur[_WZ] + prev[_WZ])
        lean, roll = frame.lean_deg, frame.roll_deg
        win_ms = int(n * 1000.0 / self.rate_hz)
        self.sink.lean(self.t_ms, lean, roll, self.gait.cadence_spm, self.state, win_ms)
        if not stride:
            return
        coached = self.state == RUNNING and ticks_diff(self.t_ms, self.turn_ms) >= _TURN_HOLD_MS
        fwd_g = self._forward_g(cur, prev)
        if self.context.update(self.t_ms, fwd_g):
            self.sink.event(self.t_ms, "accel", self.context.mean_g)
        self.coach.hold_over = self.context.accelerating
        cue = self.coach.update(self.t_ms, lean, coached, win_ms)
        if cue != NONE:
            self._cue(cue)
        if not coached:
            self.drift.pause()
        elif self.drift.update(self.t_ms, lean):
            self.sink.event(self.t_ms, "drift", self.drift.now_deg - self.drift.base_deg)
            if self.cfg["drift_cue"]:
                self.player.play(PATTERNS["drift"], self.t_ms)

    def _forward_g(self, cur, prev):
        """The window's mean forward acceleration in g: mean specific force less gravity (w),
        on the trunk's forward axis."""
        f = self.frame.forward
        sx = cur[_WX] + prev[_WX]
        sy = cur[_WY] + prev[_WY]
        sz = cur[_WZ] + prev[_WZ]
        ax = cur[_AX] + prev[_AX] - sx
        ay = cur[_AY] + prev[_AY] - sy
        az = cur[_AZ] + prev[_AZ] - sz
        return (ax * f[0] + ay * f[1] + az * f[2]) / math.sqrt(sx * sx + sy * sy + sz * sz)

    def _cue(self, cue):
        """Play the coach's cue and log it. Summary-stage cues are logged as summaries (value:
        the cue, 4 = good); only immediate alerts scale with the error."""
        coach = self.coach
        if coach.plan.stage == SUMMARY:
            self.sink.event(self.t_ms, "cue_summary", cue)
        else:
            self.sink.event(self.t_ms, "cue_good" if cue == GOOD else BUZZ_EVENTS[cue],
                            coach.lean_deg)
        if cue == GOOD:
            level = LEVEL_GENTLE
        elif self.cfg["alert_scaled"] and coach.plan.stage != SUMMARY:
            level = alert_level(coach.excess_deg(), self.cfg["alert_full_deg"])
        else:
            level = LEVEL_FULL
        self.player.play(PATTERNS[CUE_NAMES[cue - 1]], self.t_ms, level)
