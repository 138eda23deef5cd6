"""Raw IMU counts in; stride-averaged lean, motion state, events and buzzes out.

Tilt: the accelerometer alone is useless mid-stride (2-4 g impacts, flight at 0 g), but its
mean over whole strides is gravity plus the body's mean acceleration, which is zero at steady
speed. So a vector `w` (specific force in sensor axes) is carried by the gyro every sample and
pulled toward each raw sample with a long time constant: a low-pass of specific force taken in
the world frame, unbiased because the pull is linear in the raw samples (no per-sample
normalising or impact gating, which would bias the mean). The pull pauses where its premise
fails: while turning (the mean force leans into the turn, and the error would become lean as
the body yaws) and for a while after setting off (the mean force leans with the acceleration);
the gyro carries the tilt meanwhile. Residual gyro bias is relearned whenever the wearer stands
still and, while running, from the corrections the accelerometer keeps having to make.

Cost: the per-sample kernel in `feed` keeps its state in locals and does only multiply-adds;
everything else runs at step or segment (<= 1/8 s) boundaries.
"""
import math

from .coach import NONE, Coach, FAULT_NAMES
from .compat import const, ticks_diff
from .gait import RUNNING, STILL, STATE_NAMES, Gait
from .haptics import PATTERNS, Player
from .orientation import Frame, ForwardFinder

EVENTS = ("calibrated", "stand_tall", "forward_found", "buzz_upright", "buzz_arch",
          "buzz_overlean", "state")
BUZZ_EVENTS = (None, "buzz_upright", "buzz_arch", "buzz_overlean")

_TICKS_MASK = const(0x3FFFFFFF)
_SEGMENT_S = 0.125    # longest stretch between bookkeeping calls
# Rows come at every step; between steps (still, or walking slower than ~130 steps/min) a row
# is added once this long has passed, so that with segments <= 125 ms rows are <= 0.5 s apart
# while still and come at least twice a second while moving.
_STILL_ROW_MS = const(375)
_MOVING_ROW_MS = const(450)
_STILL_TAU_S = 0.3    # standing still, specific force is gravity: follow it quickly
_BIAS_ALPHA = 0.3     # per quiet segment, gyro bias follows the mean rate
_TURN_HOLD_MS = const(2000)  # after a turn, wait before trusting the mean force again
_DEG = 0.017453292519943295

# window slots: sum of w (3), sum of gyro (3), sum of corrections (3), samples
_WX, _WY, _WZ, _OX, _OY, _OZ, _DX, _DY, _DZ, _WN = range(10)


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
        self.k_still = dt / _STILL_TAU_S
        self.seg_n = max(1, int(_SEGMENT_S * self.rate_hz))
        g2 = self.lsb_g * self.lsb_g
        self.hi = cfg["step_high_g"] * g2
        self.lo = cfg["step_low_g"] * g2
        self.still_var_g2 = cfg["still_g"] ** 2
        self.still_var_dps2 = cfg["still_dps"] ** 2
        self.frame = Frame()
        self.finder = ForwardFinder(cfg["forward_steps"])
        self.gait = Gait(cfg)
        self.coach = Coach(cfg)
        self.player = Player()
        self.cur = [0.0] * 10
        self.prev = [0.0] * 10
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
        self.av_prev = 0.0
        self.c1 = self.c2 = 0.0
        self.finding = False
        self.state = STILL
        self.still_ms = 0
        self.moving_ms = 0
        self.turn_ms = 0
        self.row_ms = 0
        self.calibrated = False
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

    def feed(self, buf, n):
        """Process n samples (6 values each) from buf. Calls the sink as things happen."""
        if not self.w_set and n:
            self.wx, self.wy, self.wz = float(buf[0]), float(buf[1]), float(buf[2])
            self.w_set = True
        end = 6 * n
        i = 0
        while i < end:
            i = self._kernel(buf, i, end)

    def _kernel(self, buf, i, end):
        """Run samples from index i until a step, a full segment or the end; returns the next
        index. State lives in locals here and goes back to self before any bookkeeping."""
        wx, wy, wz = self.wx, self.wy, self.wz
        bx, by, bz = self.bx, self.by, self.bz
        k, kg, hi, lo = self.k, self.kg, self.hi, self.lo
        armed, vmax, vmin = self.armed, self.vmax, self.vmin
        since, gap_n, seg_n = self.since, self.gap_n, self.seg_n
        sn, soo, sav, savv = self.sn, self.soo, self.sav, self.savv
        swx, swy, swz = self.swx, self.swy, self.swz
        sox, soy, soz = self.sox, self.soy, self.soz
        sdx, sdy, sdz = self.sdx, self.sdy, self.sdz
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
            sn += 1
            since += 1
            if finding:
                self._correlate(ax, ay, az, av)
            if av > vmax:
                vmax = av
            if av < vmin:
                vmin = av
            if armed:
                if av > hi and since >= gap_n:
                    step = True
                    break
            elif av < lo:
                armed = True
            if sn >= seg_n:
                break
        self.wx, self.wy, self.wz = wx, wy, wz
        self.armed, self.vmax, self.vmin, self.since = armed, vmax, vmin, since
        self.sn, self.soo, self.sav, self.savv = sn, soo, sav, savv
        self.swx, self.swy, self.swz = swx, swy, swz
        self.sox, self.soy, self.soz = sox, soy, soz
        self.sdx, self.sdy, self.sdz = sdx, sdy, sdz
        if step or sn >= seg_n:
            self._segment_end(step)
        return i

    def _correlate(self, ax, ay, az, av):
        """Forward search, only until forward is found: horizontal force x change of vertical."""
        h1, h2 = self.frame.h1, self.frame.h2
        dv = av - self.av_prev
        self.av_prev = av
        self.c1 += (ax * h1[0] + ay * h1[1] + az * h1[2]) * dv
        self.c2 += (ax * h2[0] + ay * h2[1] + az * h2[2]) * dv

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
        quiet = not step and self._quiet()
        if quiet:
            self._still(seg_ms)
        else:
            self.still_ms = 0
        self._reset_segment()
        if step:
            self._step()
        elif self.gait.pause(self.t_ms) != self.state:
            self._set_state(self.gait.state)
        if self.state != STILL:
            self.moving_ms += seg_ms
        if not step:
            still = self.state == STILL
            if ticks_diff(self.t_ms, self.row_ms) >= (_STILL_ROW_MS if still else _MOVING_ROW_MS):
                self._row(self.cur, self.prev, False)
                if still:  # rows describe the last half second
                    self.prev, self.cur = self.cur, self.prev
                    self._clear(self.cur)
        self._set_gain(quiet)
        if not self.calibrated and ticks_diff(self.t_ms, self.prompt_ms) >= int(
                self.cfg["stand_tall_repeat_s"] * 1000):
            self._prompt()

    def _quiet(self):
        n = self.sn
        if n < 2:
            return False
        w2 = self.wx * self.wx + self.wy * self.wy + self.wz * self.wz
        mean_av = self.sav / n
        var_a = (self.savv / n - mean_av * mean_av) / (w2 * self.lsb_g * self.lsb_g)
        mx, my, mz = self.sox / n, self.soy / n, self.soz / n
        var_o = (self.soo / n - mx * mx - my * my - mz * mz) / (self.lsb_dps * self.lsb_dps)
        return var_a < self.still_var_g2 and var_o < self.still_var_dps2

    def _still(self, seg_ms):
        n = self.sn
        a = _BIAS_ALPHA
        self.bx += a * self.sox / n
        self.by += a * self.soy / n
        self.bz += a * self.soz / n
        self.still_ms += seg_ms
        if not self.calibrated and self.still_ms >= int(self.cfg["calib_still_s"] * 1000):
            self._calibrate()

    def _calibrate(self):
        self.frame.set_up(self.wx, self.wy, self.wz)
        self.calibrated = True
        self.finder.reset()
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
        if abs(yaw_dps) > self.cfg["turn_dps"]:
            self.turn_ms = t_ms
        self._learn_bias(cur, wn)
        if self.finding:
            self._forward_step()
        self._row(cur, prev, True)
        self.prev, self.cur = cur, prev
        self._clear(self.cur)

    def _learn_bias(self, win, wn):
        """The accelerometer's corrections over a step, as a rotation rate, are the part of the
        gyro bias that tilts gravity; fold a small share of it into the bias."""
        n = win[_WN]
        if self.k != self.k_run or n < 2 or not self.calibrated:
            return
        dx, dy, dz = win[_DX], win[_DY], win[_DZ]
        wx, wy, wz = self.wx, self.wy, self.wz
        step_s = n * self.dt
        rate = 1.0 / (wn * wn * step_s * self.kg * self.rate_hz)  # -> gyro counts
        share = min(1.0, step_s / self.cfg["bias_tau_s"])
        self.bx += (wy * dz - wz * dy) * rate * share
        self.by += (wz * dx - wx * dz) * rate * share
        self.bz += (wx * dy - wy * dx) * rate * share

    def _forward_step(self):
        if self.state == RUNNING:
            found = self.finder.add_step(self.c1, self.c2)
            if found is not None:
                self.frame.set_forward(found[0], found[1])
                self.finding = False
                self.sink.event(self.t_ms, "forward_found", self.finder.steps_needed)
        self.c1 = self.c2 = 0.0

    def _set_state(self, state):
        if state == STILL or self.state == STILL:
            self.moving_ms = 0
        self.state = state
        self.sink.event(self.t_ms, "state", state)
        if self.calibrated and self.frame.forward is None and state != STILL:
            self.finding = True
        if state != RUNNING:
            self.coach.reset()

    def _set_gain(self, quiet):
        if quiet:
            k = self.k_still
        elif self.calibrated and self.state != STILL and (
                self.moving_ms < self.cfg["settle_s"] * 1000
                or ticks_diff(self.t_ms, self.turn_ms) < _TURN_HOLD_MS):
            k = 0.0
        else:
            k = self.k_run
        self.k = k

    @staticmethod
    def _clear(win):
        for j in range(10):
            win[j] = 0.0

    def _row(self, cur, prev, stride):
        """Lean over the window cur+prev to the sink; a whole stride's lean also to the coach."""
        n = cur[_WN] + prev[_WN]
        if not self.calibrated or self.frame.forward is None or n == 0:
            return
        self.row_ms = self.t_ms
        lean, roll = self.frame.lean_roll_deg(cur[_WX] + prev[_WX], cur[_WY] + prev[_WY],
                                              cur[_WZ] + prev[_WZ])
        win_ms = int(n * 1000.0 / self.rate_hz)
        self.sink.lean(self.t_ms, lean, roll, self.gait.cadence_spm, self.state, win_ms)
        if not stride:
            return
        fault = self.coach.update(self.t_ms, lean, self.state == RUNNING)
        if fault != NONE:
            self.sink.event(self.t_ms, BUZZ_EVENTS[fault], self.coach.lean_deg)
            self.player.play(PATTERNS[FAULT_NAMES[fault]], self.t_ms)
