"""Raw IMU counts in; stride-averaged lean, motion state, events and buzzes out.

Tilt: the accelerometer alone is useless mid-stride (2-4 g impacts, flight at 0 g), but its
mean over whole strides is gravity plus the body's mean acceleration, which is zero at steady
speed. So a vector `grav` (specific force in sensor axes) is carried by the gyro and pulled
toward the raw samples with a long time constant (tilt.py, a block of 125 ms at a time): a
low-pass of specific force taken in the world frame, unbiased because the pull is linear in the
raw samples (no per-sample normalising or impact gating, which would bias the mean). The pull
pauses where its premise fails: while turning (the mean force leans into the turn, and the
error would become lean as the body yaws) and for a while after standing still (setting off,
the mean force leans with the acceleration); the gyro carries the tilt meanwhile. Residual gyro
bias is relearned whenever the wearer stands still and, while running, from the corrections the
accelerometer keeps having to make, counted as seen at the step's end (a trunk rocking in step
with the ground force would otherwise bias it). The accelerometer's own offset, which a corner
would swing round with `grav`, is learned from what the pull undoes after corners.
docs/orientation.md has the why and the figures.

Forward is found when the wearer sets off from a trusted still period (forward.py): the tilt
is freshest then. It is checked at every corner while running, against the lean, and
corrected (event forward_corrected) when both say it was wrong.

Sensor faults: an IMU that reads zeros (asleep after a brown-out, a loose wire), sits at full
scale, or drives the tilt vector off any physical size is caught at segment ends (`_fault`),
never per sample. The stretch is untrusted: no still period, no bias learning, no lean rows and
no coaching, one `sensor_fault` event and the SENSOR buzz; the tilt is then set afresh from the
accelerometer (a still moment, or the mean force of a clean stride while running) and a
`sensor_ok` event says coaching is back. Nothing here raises on sample values.

Cost: the per-sample kernel in `feed` keeps its state in locals and does small-int work only
(on a 32-bit MicroPython a float is a heap object); the tilt's floats run once per block, and
everything else at step or segment (<= 1/8 s) boundaries (docs/orientation.md, issue 13).
"""
import math

from . import logfmt
from .compat import TICKS_MASK, const, ticks_diff
from .gait import RUNNING, STILL
from .haptics import READY, SENSOR, STAND_TALL
from .orientation import tilt_deg
from .tilt import G_COUNTS, TURN_RAD_COUNTS, UP_UNIT, Tilt

# every event name a sink gets from feed(), the pipeline's own and the coaching object's
# (names and codes: the registry in logfmt)
EVENTS = logfmt.PIPELINE_EVENTS
# ... and the events a sink also gets with a pelvis sensor (pelvis=True)
PELVIS_EVENTS = logfmt.PELVIS_EVENTS

# The bias the blocks' rate sums lose, in 1/1024 counts (ints): fine enough that where float32
# and float64 round it apart (rarely), the tilts differ by < 1e-5 deg (1/64 made 1e-4).
_RATE_FRAC = const(1024)
# Second-order terms of a block (docs/orientation.md, "Integer front end"), as strapdown
# navigation's coning and sculling corrections; without them blocks of 125 ms bias the lean by
# tenths of a degree (a trunk yaws and rolls in step, and rocks with the ground force):
# - coning: the block's rotation is not its summed rate where the axes turn together; to second
#   order it is T + 1/2 sum(theta_(i-1) x r_i) (Bortz), theta_(i-1) the rate summed in the block
#   before sample i;
# - sculling: the pull wants the block's force as seen at its middle, sum of each f_i turned to
#   it: F + 1/2 (F x T - sum f_i x (2 theta_(i-1) + r_i)) to first order.
# Per sample both cross products are taken on counts >> _CONE_SHIFT (64 counts of rate and of
# force, 16 mg: the terms are < 0.01 count in the units they correct), so a block of
# full-scale samples keeps them small ints.
_CONE_SHIFT = const(6)
# Samples given in g and deg/s (lsb 1.0: replays, tests) are counted as a 16-bit +-8 g /
# +-1000 deg/s IMU would count them, less its clipping: the kernel works on integer counts.
# (Public: a test that feeds counts itself takes the same scale.)
UNITS_LSB_PER_G = 4096.0
UNITS_LSB_PER_DPS = 32.8
MS_MHZ = const(1000000)  # 1 s in ms x mHz: a sample lasts MS_MHZ / rate_mhz ms
# Rows come at every step; between steps (still, or walking slower than ~130 steps/min) a row
# is added once this long has passed, so that with segments <= 125 ms rows are <= 0.5 s apart
# while still and come at least twice a second while moving.
_STILL_ROW_MS = const(375)
_MOVING_ROW_MS = const(450)
# Stillness is judged per segment but trusted only when sustained: over 1/8 s a slowly swaying
# walker also looks quiet, and learning that sway as gyro bias would wreck the tilt.
# The last segments before motion often hold its slow onset (the trunk tilting to set off), so
# a quiet segment counts only once _PENDING more quiet segments follow it.
_TRUST_STILL_MS = const(500)
_PENDING = const(4)
# per pending segment: rate sum so far (3), samples so far, mean force (3), pull (3)
_PENDING_SLOTS = const(10)
# after the pending segments: the calibrating stand's mean forces summed (3) and their count,
# -1 on a stand begun once calibrated (see `_set_off`)
_STAND_SUM = const(40)  # (_PENDING_SLOTS * _PENDING)
_STAND_N = const(43)
# of which at most this many segments (125 ms), the stand's first 6 s with the pending ones: the
# "ready" cue comes 2 s in, and a runner who then waits to set off may stand at ease, which is not
# zero lean; 6 s still holds a cycle or more of the 0.2-0.4 Hz sway (docs/orientation.md, "Up")
_STAND_MAX_N = const(44)
_BIAS_SPAN_S = 1.0  # a still stretch this long measures the bias
_MAX_BIAS_DPS = 25.0      # beyond any MEMS gyro's zero-rate tolerance: the wearer is turning
_STILL_RATE_DPS = 1.5     # once the bias is known, a quiet segment's mean rate stays below this
# Turning on the spot counts as standing while the trunk keeps its posture: the mean force
# stays within this of the still stretch's first segment (postural sway is ~0.3 deg)
_SPIN_TILT_SIN2 = 0.0349 ** 2  # sin(2 deg) squared
# After a turn, the gyro bias learns nothing this long and the pull runs at the turn's gain:
# turns are where the tilt estimate is least certain. The coach's evidence pauses through the
# turn and a shorter while after it (coach.update keeps the fault's start meanwhile).
_TURN_HOLD_MS = const(3000)
# The sideways correction stays off only while turning and this long after: the trunk leans
# into a turn (centripetal) and straightens within a stride. Held off for the whole turn hold,
# a sideways error the corner left (the accelerometer's offset swung round, the gyro's bias
# about forward) grew to 6-9 deg on poor sensors and became lean error: the next corner's
# first stride swings it into forward, and a gyro bias about up turns it there (issue 12,
# twelfth round: seed 1805's upright fault cued at 12.7 s)
_SIDE_HOLD_MS = const(1000)
_YAW_BASE_S = 60.0  # the bias about gravity follows the yaw rate over this long (see _step)
# The accelerometer's own offset across gravity (tens of mg, fixed in the board) is learned
# from corners (see _learn_offset) that turn at least this far, a share at a time.
_OFFSET_TURN_DEG = 45.0
_OFFSET_SHARE = 0.5
_OFFSET_SETTLED = 0.2   # learn only if the pull undid at least this share of a corner's error
_OFFSET_MAX_G = 0.15    # beyond any accelerometer's zero-g offset
# A corner's turn axis as the gyro measures it (tilt.py leaves the turn about it out) is taken
# from strides that turn at least this fast (a residual gyro bias of 0.3 deg/s across up then
# tilts it by < 1 deg) and whose axis (unit) lies within 0.15 (8.5 deg) of grav's direction
# plus the mean offset between the two in the strides taken so far (see _turn_axis): strides
# that bank into or out of a corner also turn about forward (docs/orientation.md, "Corners
# without their yaw").
_AXIS_MIN_DPS = 20.0
_AXIS_TOL2 = 0.0225  # 0.15 squared
# Breaking into a run from a walk or a stop, the runner speeds up by ~2 m/s in a few seconds,
# which leans the mean force back by several degrees and the lean estimate with it: the coach's
# evidence starts this long after running does
_COACH_RUN_START_MS = const(4000)
_DEG = 0.017453292519943295
# Sensor faults (`_fault`), kinds as the sensor_fault event logs them (limits: pipeinit.py):
FAULT_SILENT = const(1)     # a segment's mean force < _SILENT_G and rate < _SILENT_DPS: zeros
FAULT_SATURATED = const(2)  # mean force > _MAX_G or rate > _MAX_DPS: no trunk does that
FAULT_TILT = const(3)       # the tilt vector left _TILT_MIN_G.._TILT_MAX_G (or is not a number)
_RECOVER_STEPS = const(3)  # clean steps after a fault: the last stride is all after it
_BRIDGE_MS = const(1000)   # a fault shorter than this inside a still period does not end it
_ONSET_MS = const(250)     # two segments: how long a fault's onset can look like motion
_FAULT_BUZZ_MS = const(60000)  # a flapping wire buzzes once a minute, but every fault is logged

# window slots: sum of grav (3), sum of gyro (3), sum of corrections (3), samples, sum of raw
# specific force (3). (The slots pelvis.py reads, and MS_MHZ, are public: a const() with a
# leading underscore is no module attribute on MicroPython.)
WIN_GRAV_X = const(0)
WIN_GRAV_Y = const(1)
WIN_GRAV_Z = const(2)
_WIN_RATE_X = const(3)
_WIN_RATE_Y = const(4)
_WIN_RATE_Z = const(5)
_WIN_PULL_X = const(6)
_WIN_PULL_Y = const(7)
_WIN_PULL_Z = const(8)
WIN_N = const(9)
WIN_FORCE_X = const(10)
WIN_FORCE_Y = const(11)
WIN_FORCE_Z = const(12)
_WIN_TURN_X = const(13)  # the pull's turning within the window (see _kernel), rate x pull
_WIN_TURN_Y = const(14)
_WIN_TURN_Z = const(15)
# gravity at each toe-off in the window (summed) and how many: the kernel adds one where the
# stance's force falls below step_low_g (see _kernel), for the lumbar angle at toe-off
WIN_TOE_X = const(16)
WIN_TOE_Y = const(17)
WIN_TOE_Z = const(18)
WIN_TOE_N = const(19)
_WIN_SLOTS = const(20)
# a cleared window, _WIN_SLOTS zeros (float sums become floats at their first add; n and force
# stay ints); a const(): a tuple in the bytecode, no module attribute (tests/test_pipeline.py
# checks its length)
_WIN_ZERO = const((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))


class Pipeline(Tilt):
    """The estimator. Public: feed(), recalibrate(), gap(), pelvis_gap(), and the read-outs
    t_ms, state, calibrated, prompts, coaching, player, forward_known(), tilt_deg(),
    cadence_spm(), calibration(), sensor_faulty(), pelvis_known()
    (docs/architecture.md); everything else is private and may change.

    With pelvis=True a second Pipeline, a follower, estimates the pelvis sensor's tilt in
    lock step with this one: pelvis.py (`_pelvis`), imported only then, so a one-IMU board
    never loads it. docs/orientation.md ("Chest and pelvis").

    No properties here: on MicroPython a class with one makes every attribute store look the
    name up in the class first, and the kernel stores its state back at every segment."""

    def __init__(self, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink, coaching=None,
                 pelvis=False):
        # the constants and the starting state: pipeinit.py (run once per pipeline: why apart,
        # there), but for what needs this module's private constants (const() with a leading
        # underscore is no module attribute on MicroPython)
        from .pipeinit import init

        init(self, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink, coaching, pelvis)
        self._win_cur = [0] * _WIN_SLOTS
        self._win_prev = [0] * _WIN_SLOTS
        self._pending = [0.0] * (_STAND_N + 1)

    def _tilt_init(self, dt):
        """pipeinit's: the tilt's scales (Tilt) from the sample period `dt` (s)."""
        self._rad_per_count = dt * _DEG / self._gyro_lsb_per_dps
        self._turn_counts = TURN_RAD_COUNTS / self._rad_per_count  # tilt.py's turn sums
        # gravity (self._grav_x, ...), its pull and the segment's tilt sums: tilt.py
        # (and the second-order sums, see _CONE_SHIFT: in counts of force, sculling, and in
        # the rate sums' units, 1/_RATE_FRAC counts, coning)
        k = 0.5 * self._rad_per_count * (1 << 2 * _CONE_SHIFT)
        Tilt.__init__(self, self._rad_per_count / _RATE_FRAC, k, k * _RATE_FRAC)

    def _bias_ints(self):
        """The bias as the blocks' rate sums lose it (ints, 1/_RATE_FRAC counts); called after
        every change of the bias (_bias_from, _learn_bias: segment ends only), not at every
        segment end (a method call costs more than the arithmetic). A float compared makes no
        garbage, a float converted does."""
        if (self._bias_x == self._bias_seen_x and self._bias_y == self._bias_seen_y
                and self._bias_z == self._bias_seen_z):
            return
        self._bias_seen_x, self._bias_seen_y = self._bias_x, self._bias_y
        self._bias_seen_z = self._bias_z
        self._bias_fx = int(round(self._bias_x * _RATE_FRAC))
        self._bias_fy = int(round(self._bias_y * _RATE_FRAC))
        self._bias_fz = int(round(self._bias_z * _RATE_FRAC))

    # ---- read-outs ---------------------------------------------------------------------------
    def sensor_faulty(self):
        """The latest segment's samples were impossible (see `_fault`)."""
        return self._faulty

    def pelvis_known(self):
        """The pelvis sensor is calibrated (with the chest), its forward found, and its tilt
        trusted: pelvis rows flow and the hip-bend and lumbar-arch alerts can play."""
        return self._pelvis is not None and self._pelvis.known()

    def forward_known(self):
        """The forward direction has been found since the last calibration: lean rows flow."""
        return self._frame.forward is not None

    def tilt_deg(self):
        """Angle (deg) between the calibrated up and the current gravity estimate, whatever its
        direction (the drill's lean before forward is known); None before calibration."""
        up = self._frame.up
        if up is None:
            return None
        self._tilt_floats()
        return tilt_deg(up, self._grav_x + self._offset_x, self._grav_y + self._offset_y,
                        self._grav_z + self._offset_z)

    def cadence_spm(self):
        """Steps per minute over the last few steps (0 when still); counted before calibration
        too, so a recording without a standing start still shows its running."""
        return self._gait.cadence_spm

    def calibration(self):
        """What has been learned, for a session log's header: gyro bias (counts), up and
        forward (unit vectors in sensor axes, forward None until found); None before the first
        calibration. With a pelvis sensor, "pelvis" holds the same for it (in its axes; None
        until it is calibrated)."""
        frame = self._frame
        if frame.up is None:
            return None
        k = self._bias_per_count
        out = {"gyro_bias_counts": [self._bias_x * k, self._bias_y * k, self._bias_z * k],
               "up": frame.up, "forward": frame.forward}
        if self._pelvis is not None:
            out["pelvis"] = self._pelvis.follower.calibration()
        return out

    # ---- the per-sample kernel -------------------------------------------------------------
    def _reset_segment(self):
        self._seg_n = 0
        self._tilt_clear()
        # per sample, small ints: raw force and rate summed over the block under way, and for
        # stillness the shifted vertical force and rate, summed and squared (see pipeinit.py)
        self._blk_start = 0  # _seg_n where the block under way began
        self._blk_stop = 1 if self._setoff.on else self._block_n  # (<= _segment_n)
        self._blk_fx = self._blk_fy = self._blk_fz = 0
        self._blk_rx = self._blk_ry = self._blk_rz = 0
        self._blk_cx = self._blk_cy = self._blk_cz = 0  # coning (see _CONE_SHIFT)
        self._blk_mx = self._blk_my = self._blk_mz = 0
        self._seg_vert = self._seg_vert_sq = 0
        self._seg_qx = self._seg_qy = self._seg_qz = 0
        self._seg_rate_sq = 0
        # raw force and rate over the segment (ints), the blocks' sums added at each block end
        self._seg_fx = self._seg_fy = self._seg_fz = 0
        self._seg_rx = self._seg_ry = self._seg_rz = 0

    def feed(self, buf, n, pelvis_buf=None):
        """Process n samples (6 values each) from buf. Calls the sink as things happen.
        pelvis_buf: the same n samples from the pelvis sensor (same layout and scale), or None
        when there are none (chest only for this stretch; with pelvis=True its tilt is then
        stale until set afresh, as after pelvis_gap())."""
        if self._units:
            buf = self._to_counts(buf, n, self._counts)
        if not self._started and n:
            self._grav_x, self._grav_y, self._grav_z = float(buf[0]), float(buf[1]), float(buf[2])
            self._tilt_up()
            self._started = True
            self._prompt()
        pelvis = self._pelvis
        if pelvis is not None:
            pelvis.start(pelvis_buf, n)
        end = 6 * n
        i = 0
        while i < end:
            i = self._kernel(buf, i, end)
        if pelvis is not None:  # the pelvis too, to the last sample fed
            pelvis.finish(end)
        # the clock stands at the last sample fed, not the last segment end, so that a pattern
        # started between feeds (a button press) is not stamped up to a segment late
        self.t_ms = (self._clock_ms + (self._clock_rem + self._seg_n * MS_MHZ)
                     // self._rate_mhz) & TICKS_MASK

    def _to_counts(self, buf, n, out):
        """Samples in g and deg/s as integer counts (see UNITS_LSB_PER_G), into the list out."""
        del out[:]
        for i in range(n):
            j = 6 * i
            for k in range(6):
                out.append(int(round(buf[j + k]
                                     * (UNITS_LSB_PER_G if k < 3 else UNITS_LSB_PER_DPS))))
        return out

    def _kernel(self, buf, i, end):
        """Run samples from index i until a step, the segment's end or the end; returns the next
        index. Per sample only small-int work (on a 32-bit MicroPython a float is a heap object,
        an int below 2**30 is not): force and rate summed for the tilt, the vertical force as
        the raw force . the integer gravity direction for the step detector, shifted
        squares for stillness, and the block's coning and sculling sums (see _CONE_SHIFT).
        The tilt's float work runs at the block's end (tilt.py)."""
        ux, uy, uz = self._up_x, self._up_y, self._up_z
        fx, fy, fz = self._blk_fx, self._blk_fy, self._blk_fz
        rx, ry, rz = self._blk_rx, self._blk_ry, self._blk_rz
        cx, cy, cz = self._blk_cx, self._blk_cy, self._blk_cz
        mx, my, mz = self._blk_mx, self._blk_my, self._blk_mz
        # (never four or more names in one assignment here: that builds a tuple)
        qx, qy, qz = self._seg_qx, self._seg_qy, self._seg_qz
        s_vert, s_vert_sq, s_rate_sq = self._seg_vert, self._seg_vert_sq, self._seg_rate_sq
        v_shift, r_shift = self._vert_shift, self._rate_shift
        high, low = self._step_high, self._step_low
        armed, vert_max, vert_min = self._armed, self._vert_max, self._vert_min
        since, gap_n = self._since_step_n, self._step_gap_n
        seg_n, stop = self._seg_n, self._blk_stop
        step = False
        while i < end:
            ax = buf[i]
            ay = buf[i + 1]
            az = buf[i + 2]
            fx += ax
            fy += ay
            fz += az
            vert = ax * ux + ay * uy + az * uz  # vertical force x UP_UNIT
            w = vert >> v_shift
            s_vert += w
            s_vert_sq += w * w
            ax >>= _CONE_SHIFT
            ay >>= _CONE_SHIFT
            az >>= _CONE_SHIFT
            tx = rx >> _CONE_SHIFT
            ty = ry >> _CONE_SHIFT
            tz = rz >> _CONE_SHIFT
            bx = buf[i + 3]
            by = buf[i + 4]
            bz = buf[i + 5]
            i += 6
            rx += bx
            ry += by
            rz += bz
            sx = bx >> r_shift
            sy = by >> r_shift
            sz = bz >> r_shift
            qx += sx
            qy += sy
            qz += sz
            s_rate_sq += sx * sx + sy * sy + sz * sz
            bx >>= _CONE_SHIFT
            by >>= _CONE_SHIFT
            bz >>= _CONE_SHIFT
            cx += ty * bz - tz * by
            cy += tz * bx - tx * bz
            cz += tx * by - ty * bx
            tx += tx + bx
            ty += ty + by
            tz += tz + bz
            mx += ay * tz - az * ty
            my += az * tx - ax * tz
            mz += ax * ty - ay * tx
            seg_n += 1
            since += 1
            if vert > vert_max:
                vert_max = vert
            if vert < vert_min:
                vert_min = vert
            if armed:
                if vert > high:
                    step = True
            elif vert < low and since >= gap_n:
                # re-armed only after the refractory time: the dip between a heel-strike
                # spike and the stance peak must not make one step two; this is where the
                # stance's force falls away, at toe-off: the tilt there is kept (once a step;
                # the block's end interpolates it, _toe_tilt)
                armed = True
                self._toe_j = seg_n
                self._toe_x, self._toe_y, self._toe_z = self._gq_x, self._gq_y, self._gq_z
            if step or seg_n >= stop:
                # the block ends: the tilt's float work (tilt.py) from its sums, the rate's
                # bias taken off there (1/_RATE_FRAC counts); the sums join the segment's
                self._seg_fx += fx
                self._seg_fy += fy
                self._seg_fz += fz
                self._seg_rx += rx
                self._seg_ry += ry
                self._seg_rz += rz
                vert = seg_n - self._blk_start
                # sculling: F x T less the sum, in 64 counts x 2 theta; it and the coning
                # sums are scaled to counts in tilt.py (see _CONE_SHIFT)
                ax = fx >> _CONE_SHIFT
                ay = fy >> _CONE_SHIFT
                az = fz >> _CONE_SHIFT
                tx = rx >> _CONE_SHIFT
                ty = ry >> _CONE_SHIFT
                tz = rz >> _CONE_SHIFT
                self._tilt_block(vert, fx, fy, fz,
                                 rx * _RATE_FRAC - vert * self._bias_fx,
                                 ry * _RATE_FRAC - vert * self._bias_fy,
                                 rz * _RATE_FRAC - vert * self._bias_fz,
                                 ay * tz - az * ty - mx, az * tx - ax * tz - my,
                                 ax * ty - ay * tx - mz, cx, cy, cz)
                cx = cy = cz = 0
                mx = my = mz = 0
                if self._setoff.on:  # (blocks are one sample long then)
                    self._set_off_sample(fx, fy, fz, rx - self._bias_x, ry - self._bias_y,
                                         rz - self._bias_z)
                if self._toe_j:
                    self._toe_tilt(vert)
                fx = fy = fz = 0
                rx = ry = rz = 0
                if step or seg_n >= self._segment_n:
                    break
                self._blk_start = seg_n
                stop = seg_n + (1 if self._setoff.on else self._block_n)
                if stop > self._segment_n:
                    stop = self._segment_n
                ux, uy, uz = self._up_x, self._up_y, self._up_z
        self._armed, self._vert_max = armed, vert_max
        self._vert_min, self._since_step_n = vert_min, since
        self._seg_n, self._blk_stop = seg_n, stop
        self._seg_qx, self._seg_qy, self._seg_qz = qx, qy, qz
        self._seg_vert, self._seg_vert_sq, self._seg_rate_sq = s_vert, s_vert_sq, s_rate_sq
        if step or seg_n >= self._segment_n:  # (its block ended: no sums to keep)
            pelvis = self._pelvis
            if pelvis is not None and pelvis.buf is not None:
                pelvis.segment_end(step)  # the pelvis follows, then this one's, then its own
            else:
                self._segment_end(step)  # (a new segment: its first block set up)
            return i
        # (a block that goes on in the next feed keeps its sums)
        self._blk_fx, self._blk_fy, self._blk_fz = fx, fy, fz
        self._blk_rx, self._blk_ry, self._blk_rz = rx, ry, rz
        self._blk_cx, self._blk_cy, self._blk_cz = cx, cy, cz
        self._blk_mx, self._blk_my, self._blk_mz = mx, my, mz
        return i

    def _toe_tilt(self, n):
        """The block of n samples holding a toe-off has ended: the tilt after the toe-off's
        sample, between the block's start (kept at the toe-off) and its end, joins the window's
        toe-off sums."""
        j = self._toe_j - self._blk_start
        toe = self._win_cur
        g = self._toe_x  # (tilt.py's fixed point, ints)
        toe[WIN_TOE_X] += (g + (self._gq_x - g) * j // n) * G_COUNTS
        g = self._toe_y
        toe[WIN_TOE_Y] += (g + (self._gq_y - g) * j // n) * G_COUNTS
        g = self._toe_z
        toe[WIN_TOE_Z] += (g + (self._gq_z - g) * j // n) * G_COUNTS
        toe[WIN_TOE_N] += 1.0
        self._toe_j = 0

    def _set_off_sample(self, ax, ay, az, rate_x, rate_y, rate_z):
        """One sample to the set-off (forward.SetOff) with the tilt after it."""
        self._tilt_floats()
        gx, gy, gz = self._grav_x, self._grav_y, self._grav_z
        self._setoff.add(ax, ay, az, ax * gx + ay * gy + az * gz, gx, gy, gz,
                         (rate_x * gx + rate_y * gy + rate_z * gz) * self._rad_per_count)

    # ---- bookkeeping at segment ends (<= 1/8 s) and steps -----------------------------------
    def _segment_end(self, step):
        self._tilt_floats()
        n = self._seg_n
        # the rate with the bias removed, as the window sums and the checks below take it (a
        # float: the bias is one); force and n stay ints (the window's too)
        # (read back from locals below: an attribute load costs more than a local's)
        self._seg_rate_x = rx = self._seg_rx - n * self._bias_x
        self._seg_rate_y = ry = self._seg_ry - n * self._bias_y
        self._seg_rate_z = rz = self._seg_rz - n * self._bias_z
        rem = self._clock_rem + n * MS_MHZ
        self._clock_ms = self.t_ms = (self._clock_ms + rem // self._rate_mhz) & TICKS_MASK
        self._clock_rem = rem % self._rate_mhz
        seg_ms = n * MS_MHZ // self._rate_mhz
        cur = self._win_cur
        # the segment's rate x pull-so-far (see tilt.py) in rate counts x pull, with the
        # window's pull before the segment added (none in its first segment)
        k = self._turn_counts
        if cur[WIN_N]:
            px, py, pz = cur[_WIN_PULL_X], cur[_WIN_PULL_Y], cur[_WIN_PULL_Z]
            cur[_WIN_TURN_X] += self._seg_turn_x * k + ry * pz - rz * py
            cur[_WIN_TURN_Y] += self._seg_turn_y * k + rz * px - rx * pz
            cur[_WIN_TURN_Z] += self._seg_turn_z * k + rx * py - ry * px
        else:
            cur[_WIN_TURN_X] = self._seg_turn_x * k
            cur[_WIN_TURN_Y] = self._seg_turn_y * k
            cur[_WIN_TURN_Z] = self._seg_turn_z * k
        cur[WIN_GRAV_X] += self._seg_grav_x
        cur[WIN_GRAV_Y] += self._seg_grav_y
        cur[WIN_GRAV_Z] += self._seg_grav_z
        if self._offset_known:
            self._apply_offset(cur)
        cur[_WIN_RATE_X] += rx
        cur[_WIN_RATE_Y] += ry
        cur[_WIN_RATE_Z] += rz
        cur[_WIN_PULL_X] += self._seg_pull_x
        cur[_WIN_PULL_Y] += self._seg_pull_y
        cur[_WIN_PULL_Z] += self._seg_pull_z
        cur[WIN_N] += n
        cur[WIN_FORCE_X] += self._seg_fx
        cur[WIN_FORCE_Y] += self._seg_fy
        cur[WIN_FORCE_Z] += self._seg_fz
        fault = self._fault()
        quiet = False
        if fault:
            self._untrusted(fault)
        elif self._faulty:  # the segment the fault ended in: partly junk, neither still nor not
            self._faulty = False
        elif not step and self._gait.state == STILL and self._quiet():
            quiet = True
            self._still(seg_ms)
        else:
            if (self._still_ms >= _TRUST_STILL_MS or self._bridge) and not self._lost:
                self._set_off()
            self._bridge = False
            self._still_ms = 0
            self._quiet_n = 0
        if (self._setoff.on
                and ticks_diff(self.t_ms, self._still_end_ms) >= self._setoff.window_ms):
            speed_mps = self._setoff.finish(self.state)
            if speed_mps is not None:
                self._forward_check.reset()
                self._sink.event(self.t_ms, "forward_found", speed_mps)
        elif self._setoff.due is not None:  # the set-off forward, once the bias is known better
            self._setoff.correct(self.t_ms, self._bias_x, self._bias_y, self._bias_z,
                                 self._rad_per_count / self._dt_s, self._offset_x,
                                 self._offset_y, self._offset_z)
        self._reset_segment()
        if step:
            self._step()
        elif self._gait.pause(self.t_ms) != self.state:
            self._set_state(self._gait.state)
        if self._follows:  # the chest pipeline rows; the windows close where its do
            if not step and self._swapped:  # (set by the chest pipeline)
                self._win_prev, self._win_cur = self._win_cur, self._win_prev
                self._clear(self._win_cur)
            self._set_gain(quiet)
            return
        self._swapped = False
        if not step:
            still = self.state == STILL
            if ticks_diff(self.t_ms, self._row_ms) >= (_STILL_ROW_MS if still else _MOVING_ROW_MS):
                self._row(self._win_cur, self._win_prev, False)
                if still:  # rows describe the last half second
                    self._swapped = True
                    self._win_prev, self._win_cur = self._win_cur, self._win_prev
                    self._clear(self._win_cur)
        self._set_gain(quiet)
        if not self.calibrated and ticks_diff(self.t_ms, self._prompt_ms) >= self._prompt_every_ms:
            self._prompt()

    def _fault(self):
        """The segment's sensor fault kind, or 0: means of force and raw rate no trunk can
        produce (zeros, full scale) or a tilt vector off any physical size. Squared sums
        against the squared limits (from pipeinit.py), the rare cases last: small ints only."""
        n = self._seg_n
        if n < 1:
            return 0
        # means in 2-count units (squares of 16-bit means stay small ints); all ints here
        sx, sy, sz = self._seg_fx // n >> 1, self._seg_fy // n >> 1, self._seg_fz // n >> 1
        force2 = sx * sx + sy * sy + sz * sz
        # rms raw rate above the limit (shifted counts, see pipeinit.py): stuck at full scale. The
        # force only over a segment of at least half the usual length: a step can cut one to a
        # sample or two, and those can be the heel strike's (5 g at a waist, 200 Hz); a sensor
        # stuck at full scale makes no steps, so its segments are whole
        if (force2 > self._max_force2 and n >= self._half_segment_n) \
                or self._seg_rate_sq > self._max_rate2 * n:
            return FAULT_SATURATED
        if force2 < self._silent_force2:
            sx, sy, sz = self._seg_rx // n >> 1, self._seg_ry // n >> 1, self._seg_rz // n >> 1
            if sx * sx + sy * sy + sz * sz < self._silent_rate2:
                return FAULT_SILENT
        if not self._tilt_min2 < self._grav2 < self._tilt_max2:  # (|grav|^2 at the last block)
            return FAULT_TILT
        return 0

    def _untrusted(self, kind):
        """A faulty segment: forget the bias stretch and any set-off in progress, hold the
        tilt from before the fault (the samples are junk, and so is what they did to it), and
        say so once per fault. A trusted still period bridges a short fault (a knock in the
        calibration stand): if quiet segments follow it, they set the tilt afresh and the
        set-off after them still finds forward."""
        if not self._faulty:  # (a still period that "ended" one segment ago: the fault's onset)
            self._bridge = (self._still_ms >= _TRUST_STILL_MS
                            or ticks_diff(self.t_ms, self._still_end_ms) <= _ONSET_MS)
        self._still_ms = 0  # calibration and the bias need a still stretch after the fault
        self._quiet_n = 0
        self._clean_steps = 0
        self._lost = True
        # forward from a set-off with junk in it could be anything (and a wrong forward is
        # wrong for the whole session): forward waits for the next still period instead
        self._setoff.stop()
        if self._faulty:
            if ticks_diff(self.t_ms, self._fault_ms) >= _BRIDGE_MS:
                self._bridge = False
            self._grav_x, self._grav_y, self._grav_z = self._hold_x, self._hold_y, self._hold_z
            return
        # the tilt before this segment: less its pull (what it carried by the gyro is small)
        hx = self._grav_x - self._seg_pull_x
        hy = self._grav_y - self._seg_pull_y
        hz = self._grav_z - self._seg_pull_z
        lsb = self._accel_lsb_per_g
        held2 = hx * hx + hy * hy + hz * hz
        if kind == FAULT_TILT or not self._tilt_min2 < held2 < self._tilt_max2:
            up = self._frame.up or (0.0, 0.0, 1.0)
            hx, hy, hz = up[0] * lsb, up[1] * lsb, up[2] * lsb
            self._bridge = False
        self._hold_x, self._hold_y, self._hold_z = hx, hy, hz
        self._grav_x, self._grav_y, self._grav_z = hx, hy, hz
        self._faulty = True
        self._fault_ms = self.t_ms
        self._sink.event(self.t_ms, "sensor_fault", kind)
        self.coaching.rest()
        if not self._buzzed or ticks_diff(self.t_ms, self._buzz_ms) >= _FAULT_BUZZ_MS:
            self._buzzed = True
            self._buzz_ms = self.t_ms
            self.player.play(SENSOR, self.t_ms)

    def _recover(self, fx, fy, fz):
        """The tilt afresh from a mean force (counts) of a clean stretch after a fault (less
        the accelerometer's offset: grav is gravity, the mean force grav + offset)."""
        self._grav_x = fx - self._offset_x
        self._grav_y = fy - self._offset_y
        self._grav_z = fz - self._offset_z
        self._corner_phase = 0
        self._lost = False
        self._clear(self._win_cur)
        self._clear(self._win_prev)
        self._sink.event(self.t_ms, "sensor_ok", ticks_diff(self.t_ms, self._fault_ms) / 1000)

    def _quiet(self):
        """This segment (no step lately: the caller asks only when the gait is still): small
        spread of force and rate, and (once the bias is known) no residual rotation."""
        n = self._seg_n
        if n < 2:
            return False
        gx, gy, gz = self._grav_x, self._grav_y, self._grav_z
        lsb_dps2 = self._gyro_lsb_per_dps * self._gyro_lsb_per_dps
        # spreads from the shifted sums (see pipeinit.py)
        mx = self._seg_vert / n
        var_g2 = (self._seg_vert_sq / n - mx * mx) * self._vert_unit_g2
        mx, my, mz = self._seg_qx / n, self._seg_qy / n, self._seg_qz / n
        var_dps2 = (self._seg_rate_sq / n - mx * mx - my * my - mz * mz) * self._rate_unit_dps2
        mx, my, mz = self._seg_rate_x / n, self._seg_rate_y / n, self._seg_rate_z / n
        mean_dps2 = (mx * mx + my * my + mz * mz) / lsb_dps2
        # Once the bias is known, residual rate across gravity means the trunk tilts; about
        # gravity it may be the bias's own drift, which running cannot see (a warming gyro
        # moves it by deg/s): only the loose limit there
        along2 = (mx * gx + my * gy + mz * gz) ** 2 / ((gx * gx + gy * gy + gz * gz) * lsb_dps2)
        limit = _STILL_RATE_DPS if self._bias_known else _MAX_BIAS_DPS
        if var_g2 >= self._still_var_g2 or mean_dps2 - along2 >= limit * limit:
            return False
        if var_dps2 < self._still_var_dps2 and along2 < _MAX_BIAS_DPS * _MAX_BIAS_DPS:
            self._seg_spun = False
            return True
        # Turning on the spot (about gravity) does not change the tilt, and the gyro carries
        # it: still, as long as the accelerometer is quiet, nothing turns across gravity and
        # the trunk keeps its posture (a turn that also tilts the trunk, as SisFall SE03 and
        # SE07 do by 6-7 deg while turning at 40-60 deg/s, is moving, not standing); but the
        # bias about gravity cannot be told from the turn (see _bias_from)
        self._seg_spun = along2 >= self._still_var_dps2
        return self._seg_spun and (self._quiet_n == 0 or self._near_anchor(n))

    def _near_anchor(self, n):
        """The segment's mean force is within 2 deg of the still stretch's first segment's."""
        x1, y1, z1 = self._seg_fx / n, self._seg_fy / n, self._seg_fz / n
        x0, y0, z0 = self._still_force0_x, self._still_force0_y, self._still_force0_z
        cx, cy, cz = y0 * z1 - z0 * y1, z0 * x1 - x0 * z1, x0 * y1 - y0 * x1
        return (cx * cx + cy * cy + cz * cz < _SPIN_TILT_SIN2
                * (x0 * x0 + y0 * y0 + z0 * z0) * (x1 * x1 + y1 * y1 + z1 * z1))

    def _still(self, seg_ms):
        self._still_ms += seg_ms
        n = self._seg_n
        ax, ay, az = self._seg_fx / n, self._seg_fy / n, self._seg_fz / n
        if self._lost:  # a quiet segment's mean force is gravity
            self._recover(ax, ay, az)
        if self._quiet_n == 0:
            self._still_spun = False
            self._still_force0_x, self._still_force0_y, self._still_force0_z = ax, ay, az
            self._still_rate_x = self._still_rate_y = self._still_rate_z = 0.0
            self._still_rate_n = 0
        else:  # raw rate from the end of the first segment on (bias in use added back)
            self._still_rate_x += self._seg_rate_x + n * self._bias_x
            self._still_rate_y += self._seg_rate_y + n * self._bias_y
            self._still_rate_z += self._seg_rate_z + n * self._bias_z
            self._still_rate_n += n
        self._still_spun = self._still_spun or self._seg_spun
        j = _PENDING_SLOTS * (self._quiet_n % _PENDING)
        p = self._pending
        if self._quiet_n == 0:
            p[_STAND_SUM] = p[_STAND_SUM + 1] = p[_STAND_SUM + 2] = 0.0
            p[_STAND_N] = -1.0 if self.calibrated else 0.0
        elif self._quiet_n >= _PENDING and 0.0 <= p[_STAND_N] < _STAND_MAX_N:  # (leaving slot j)
            p[_STAND_SUM] += p[j + 4]
            p[_STAND_SUM + 1] += p[j + 5]
            p[_STAND_SUM + 2] += p[j + 6]
            p[_STAND_N] += 1.0
        # once the oldest pending segment has been followed by calm; from the first time this
        # stretch's rate spans _BIAS_SPAN_S on, every later segment of it measures as well
        measured = self._quiet_n >= _PENDING and self._bias_from(p, j)
        p[j], p[j + 1], p[j + 2] = self._still_rate_x, self._still_rate_y, self._still_rate_z
        p[j + 3] = self._still_rate_n
        p[j + 4], p[j + 5], p[j + 6] = ax, ay, az
        p[j + 7], p[j + 8], p[j + 9] = self._seg_pull_x, self._seg_pull_y, self._seg_pull_z
        self._quiet_n += 1
        # never "known" before a measurement: a stand shorter than the measurement's (config.py,
        # calib_still_s's minimum) waits for it, so "up" and the bias are set together
        if measured and self._still_ms >= self._calib_ms:
            self._bias_known = True
            if not self.calibrated and not self._follows:
                self._calibrate()

    def _bias_from(self, p, j):
        """Gyro bias over a still stretch: the mean raw rate, less the rotation the
        accelerometer saw between the stretch's first segment and segment j. Postural sway is
        seen by both, so it cancels; only rotation about gravity is the accelerometer's blind
        spot, where the mean rate is all there is. True once measured; None while the stretch
        is still too short."""
        n = p[j + 3]
        if n * self._dt_s < _BIAS_SPAN_S:
            return None
        x0, y0, z0 = self._still_force0_x, self._still_force0_y, self._still_force0_z
        x1, y1, z1 = p[j + 4], p[j + 5], p[j + 6]
        # a world-fixed vector seen from a body turning at w moves as v' = v x w, so
        # v0 x v1 = -(w across v) |v|^2 t
        s = -1.0 / (math.sqrt((x0 * x0 + y0 * y0 + z0 * z0) * (x1 * x1 + y1 * y1 + z1 * z1))
                    * n * self._rad_per_count)
        bx = p[j] / n - (y0 * z1 - z0 * y1) * s
        by = p[j + 1] / n - (z0 * x1 - x0 * z1) * s
        bz = p[j + 2] / n - (x0 * y1 - y0 * x1) * s
        if self._still_spun:
            # turned on the spot: about gravity the mean rate is the turn, not the bias, so
            # that part of the bias stays as it was (running cannot see it either)
            k = ((self._bias_x - bx) * x1 + (self._bias_y - by) * y1
                 + (self._bias_z - bz) * z1) / (x1 * x1 + y1 * y1 + z1 * z1)
            bx += k * x1
            by += k * y1
            bz += k * z1
        self._bias_x, self._bias_y, self._bias_z = bx, by, bz
        self._bias_ints()
        self._gain.reset()
        return True

    def _calibrate(self):
        """Standing tall sets "up": the still stretch's mean force over its last _PENDING
        segments, which at rest is gravity as the accelerometer reads it. Not the tilt
        estimate: until the bias was measured (a moment ago) the gyro turned it by the bias
        and the pull held it back, so it trails the force by up to bias x 0.3 s across gravity
        (0.35 deg for 4 deg/s), an error every later lean would carry."""
        self._tilt_floats()  # (a pelvis follower is calibrated from the chest's segment end)
        if self._quiet_n >= _PENDING:
            p = self._pending
            x = y = z = 0.0
            for j in range(0, _PENDING_SLOTS * _PENDING, _PENDING_SLOTS):
                x += p[j + 4]
                y += p[j + 5]
                z += p[j + 6]
            x, y, z = x / _PENDING, y / _PENDING, z / _PENDING
        else:  # (a follower whose own stretch is too short)
            x, y, z = self._grav_x + self._offset_x, self._grav_y + self._offset_y, \
                self._grav_z + self._offset_z
        self._frame.set_up(x, y, z)
        # standing, the accelerometer reads 1 g; what it reads beyond that along up (its offset
        # along gravity, or its scale there) would shrink every lean by that share
        self._up_excess = math.sqrt(x * x + y * y + z * z) - self._accel_lsb_per_g
        self._forward_check.reset()
        self.calibrated = True
        self._sink.event(self.t_ms, "calibrated", None)
        self.player.play(READY, self.t_ms)
        if self._pelvis is not None:
            self._pelvis.calibrate()  # standing tall zeroes both

    def _prompt(self):
        self._prompt_ms = self.t_ms
        self.prompts += 1
        self._sink.event(self.t_ms, "stand_tall", self.prompts)
        self.player.play(STAND_TALL, self.t_ms)

    def gap(self):
        """Samples are missing (the IMU stopped answering, now back): the tilt the gyro
        carried is stale, so the stretch is untrusted until the tilt is set afresh."""
        self._lost = True
        self._fault_ms = self.t_ms
        self._clean_steps = 0
        self._yaw_free = False
        self._still_ms = 0
        self._quiet_n = 0
        self._bridge = False
        self._setoff.stop()
        self.coaching.rest()
        if self._pelvis is not None:
            self._pelvis.gap()

    def pelvis_gap(self):
        """The pelvis sensor's samples are missing (lost, or back after a gap): its tilt is
        stale. Chest coaching goes on; the pelvis is trusted again once its tilt is set afresh
        (a still moment or clean strides: pelvis_ok)."""
        if self._pelvis is not None:
            self._pelvis.gap()

    def recalibrate(self):
        """Long press: forget "up" and forward, ask the wearer to stand tall again."""
        self.calibrated = False
        self._setoff.stop()
        self._still_ms = 0
        off = self._axis_off  # where corners' axes lie depends on the mount (_turn_axis)
        off[0] = off[1] = off[2] = 0.0
        self.coaching.rest()
        if self._pelvis is not None:
            self._pelvis.follower.recalibrate()
        self._prompt()

    def _step(self):
        t_ms = self.t_ms
        gx, gy, gz = self._grav_x, self._grav_y, self._grav_z
        g_norm = math.sqrt(gx * gx + gy * gy + gz * gz)
        peak_g, trough_g = self._vert_max * self._vert_g, self._vert_min * self._vert_g
        state = self._gait.step(t_ms, peak_g, trough_g)
        self._step_gap_n = int(self._gait.min_step_gap_ms() * self._rate_hz / 1000)
        self._armed = False
        self._since_step_n = 0
        self._vert_max = self._vert_min = self._vert_one
        if state != self.state:
            self._set_state(state)
        cur, prev = self._win_cur, self._win_prev
        n = cur[WIN_N] + prev[WIN_N]
        # stride-mean yaw rate about gravity: turning?
        yaw_dps = ((cur[_WIN_RATE_X] + prev[_WIN_RATE_X]) * gx
                   + (cur[_WIN_RATE_Y] + prev[_WIN_RATE_Y]) * gy
                   + (cur[_WIN_RATE_Z] + prev[_WIN_RATE_Z]) * gz
                   ) / (n * g_norm * self._gyro_lsb_per_dps)
        turning = abs(yaw_dps) > self._turn_dps
        if turning:
            self._turn_ms = t_ms
        if self.state != STILL and abs(yaw_dps) < _AXIS_MIN_DPS:
            self._follow_yaw_bias(min(self._turn_dps, max(-self._turn_dps, yaw_dps)), cur,
                                  g_norm)
        self._yaw_free = False
        if (turning and abs(yaw_dps) >= _AXIS_MIN_DPS and self.state != STILL
                and self._bias_known and not self._lost):
            self._turn_axis(cur, prev)
        if self._lost:
            self._clean_steps += 1
            if self._clean_steps >= _RECOVER_STEPS:  # the stride's mean force is gravity
                k = 1.0 / n
                self._recover((cur[WIN_FORCE_X] + prev[WIN_FORCE_X]) * k,
                              (cur[WIN_FORCE_Y] + prev[WIN_FORCE_Y]) * k,
                              (cur[WIN_FORCE_Z] + prev[WIN_FORCE_Z]) * k)
                return
        if ((turning or self._forward_check.due or self._corner_phase)
                and self.state == RUNNING and self._frame.forward is not None
                and not self._lost):
            # (only around corners: most steps skip both)
            self._check_forward(turning, yaw_dps, cur, prev, n)
            self._learn_offset(turning, yaw_dps, cur)
        since_turn_ms = ticks_diff(t_ms, self._turn_ms)
        if since_turn_ms < _SIDE_HOLD_MS:
            self._drop_sideways(cur)
        elif since_turn_ms >= _TURN_HOLD_MS:  # (between the two: pulled, nothing learned)
            if (self._pull_running and self._frame.forward is not None and not self._lost
                    and self._gain.surprising(self._forward_g(cur, prev),
                                              cur[WIN_N] * self._dt_s)):
                self._pull_running = False  # a change of pace, not the gyro's bias: learn nothing
            else:
                self._learn_bias(cur)
        if self._bias_known and not self._lost:
            self._track_gain(cur)
        if not self._follows:
            self._row(cur, prev, True)
        self._win_prev, self._win_cur = cur, prev
        self._clear(self._win_cur)

    def _follow_yaw_bias(self, yaw_dps, cur, g_norm):
        """The stride-mean yaw rate's slow baseline is the gyro's bias about gravity: a
        warming gyro moves it by up to 7 deg/s, which running cannot see otherwise. Each
        straight stride moves the bias along grav by a share of its yaw rate (the share
        stride / _YAW_BASE_S), so corners are judged against it and the blocks no longer turn
        by it. Left in the rate (a separate baseline, before issue 12's sixteenth round), it
        turned any tilt error about up: after seed 1425's arch the sideways error a corner
        left became lean error at 7 deg/s, and the arch was cued at 12.4 s. A turning stride
        gives at most turn_dps (a warming gyro's drift that outruns the baseline still reads
        as turning) and a corner's strides (beyond _AXIS_MIN_DPS) nothing: grav leans into the
        turn, so their rate would put bias about up toward the turn and a little across it."""
        d = (yaw_dps * min(1.0, cur[WIN_N] * self._dt_s / _YAW_BASE_S)
             * self._gyro_lsb_per_dps / g_norm)
        self._bias_x += d * self._grav_x
        self._bias_y += d * self._grav_y
        self._bias_z += d * self._grav_z
        self._bias_ints()

    def _track_gain(self, cur):
        """The step to the gain filter (tiltgain.py): its length, whether the pull ran at the
        running gain through it, and the gyro bias (rad/s) whose wander the filter follows:
        the whole bias, its part along grav too (_follow_yaw_bias): a stop's re-measured bias
        is evidence of a drifting gyro (issue 12, sixteenth round)."""
        k = self._rad_per_count / self._dt_s
        self._gain.stride(cur[WIN_N] * self._dt_s, self._pull_running, self._bias_x * k,
                          self._bias_y * k, self._bias_z * k)

    def _check_forward(self, turning, yaw_dps, cur, prev, n):
        """Corners are evidence of which way is forward (forward.ForwardCheck)."""
        gx = cur[WIN_GRAV_X] + prev[WIN_GRAV_X]
        gy = cur[WIN_GRAV_Y] + prev[WIN_GRAV_Y]
        gz = cur[WIN_GRAV_Z] + prev[WIN_GRAV_Z]
        check = self._forward_check
        if turning:
            check.turn(yaw_dps, cur[WIN_FORCE_X] + prev[WIN_FORCE_X] - gx,
                       cur[WIN_FORCE_Y] + prev[WIN_FORCE_Y] - gy,
                       cur[WIN_FORCE_Z] + prev[WIN_FORCE_Z] - gz, gx, gy, gz,
                       cur[WIN_N] * self._dt_s)
        elif check.verdict(gx, gy, gz):
            self._sink.event(self.t_ms, "forward_corrected", check.changed_deg)

    def _apply_offset(self, cur):
        """The window's gravity sums get the offset (they are the mean specific force the lean
        and forward force use); the kernel pulled grav toward the raw force, and toward the
        force less the offset is that pull less the offset's share (the offset is constant)."""
        n = self._seg_n
        ox, oy, oz = self._offset_x, self._offset_y, self._offset_z
        cur[WIN_GRAV_X] += n * ox
        cur[WIN_GRAV_Y] += n * oy
        cur[WIN_GRAV_Z] += n * oz
        k = self._pull * n
        self._tilt_move(-k * ox, -k * oy, -k * oz)
        self._seg_pull_x -= k * ox
        self._seg_pull_y -= k * oy
        self._seg_pull_z -= k * oz

    def _learn_offset(self, turning, yaw_dps, win):
        """The accelerometer's offset is fixed in the board, but the gyro carries grav as a
        vector fixed in the world, so an offset taken into grav swings round with every
        corner and comes back as a lean error the pull then has to undo. That undoing, along
        forward in the settling after a corner of known angle, says what part of grav was
        offset: move it (a share at a time) from grav to the offset, which corners leave be.
        (Straight running cannot tell the two apart; their sum, what the lean uses, is kept.)"""
        if turning:
            if self._corner_phase != 1:
                self._corner_phase = 1
                self._corner_deg = 0.0
            self._corner_deg += yaw_dps * win[WIN_N] * self._dt_s
            return
        if self._corner_phase == 1:
            if abs(self._corner_deg) < _OFFSET_TURN_DEG:
                self._corner_phase = 0
                return
            self._corner_phase = 2
            self._corner_pull = 0.0
            self._corner_keep = 1.0
        if self._corner_phase != 2:
            return
        fwd = self._frame.forward
        rad = self._rad_per_count
        self._corner_pull += ((win[_WIN_PULL_X] - rad * win[_WIN_TURN_X]) * fwd[0]
                              + (win[_WIN_PULL_Y] - rad * win[_WIN_TURN_Y]) * fwd[1]
                              + (win[_WIN_PULL_Z] - rad * win[_WIN_TURN_Z]) * fwd[2])
        # (the pull's gain varies: turn_tau_s or the gain filter's, whichever is quicker)
        self._corner_keep *= max(0.0, 1.0 - self._pull * win[WIN_N])
        if ticks_diff(self.t_ms, self._turn_ms) < _TURN_HOLD_MS:
            return
        self._corner_phase = 0
        settled = 1.0 - self._corner_keep
        if settled < _OFFSET_SETTLED:
            return
        # grav's part d across up, seen after the body turned by a, moved by (R(-a) - I) d;
        # along forward that is r . d, and the pull undid `settled` of it
        frame = self._frame
        h1, h2 = frame.h1, frame.h2
        f1 = fwd[0] * h1[0] + fwd[1] * h1[1] + fwd[2] * h1[2]
        f2 = fwd[0] * h2[0] + fwd[1] * h2[1] + fwd[2] * h2[2]
        a = -self._corner_deg * _DEG
        c, s = math.cos(a), math.sin(a)
        r1 = f1 * (c - 1.0) + f2 * s
        r2 = -f1 * s + f2 * (c - 1.0)
        k = -_OFFSET_SHARE * self._corner_pull / (settled * (r1 * r1 + r2 * r2))
        dx = k * (r1 * h1[0] + r2 * h2[0])
        dy = k * (r1 * h1[1] + r2 * h2[1])
        dz = k * (r1 * h1[2] + r2 * h2[2])
        ox, oy, oz = self._offset_x + dx, self._offset_y + dy, self._offset_z + dz
        limit = _OFFSET_MAX_G * self._accel_lsb_per_g
        if ox * ox + oy * oy + oz * oz > limit * limit:
            return
        self._offset_x, self._offset_y, self._offset_z = ox, oy, oz
        self._offset_known = True
        self._tilt_move(-dx, -dy, -dz)
        if self._setoff.swung is not None:  # the set-off's corner swung the offset round
            self._setoff.correct(self.t_ms, self._bias_x, self._bias_y, self._bias_z,
                                 self._rad_per_count / self._dt_s, ox, oy, oz)

    def _turn_axis(self, cur, prev):
        """A turning stride: its mean rate as the gyro measures it points along the true
        vertical as the gyro sees it, its scale and axis errors included (rocking, rolling and
        yawing in step average out over the stride). The turn about it leaves the vertical
        where it is in the sensor frame, so until the next step tilt.py leaves it out of the
        blocks' turns (_yaw_free): the offset grav holds is no longer swung round by the
        corner, nor grav tilted by the gyro's errors in it. Only where the stride's axis is
        near where the axis is expected: a stride banking into or out of the corner turns
        about forward too. Expected is grav's direction plus the mean offset of the axes taken
        so far (_axis_off): the sensor's own errors (the accelerometer's offset that grav
        holds, its and the gyro's axis errors) set the axis 5-10 deg off grav's on poor
        sensors, fixed in the board, and a gate about grav alone turned away half of their
        corners' strides, whose turn then swung the offset round (issue 12, sixteenth round)."""
        gx = cur[WIN_GRAV_X] + prev[WIN_GRAV_X]
        gy = cur[WIN_GRAV_Y] + prev[WIN_GRAV_Y]
        gz = cur[WIN_GRAV_Z] + prev[WIN_GRAV_Z]
        rx = cur[_WIN_RATE_X] + prev[_WIN_RATE_X]
        ry = cur[_WIN_RATE_Y] + prev[_WIN_RATE_Y]
        rz = cur[_WIN_RATE_Z] + prev[_WIN_RATE_Z]
        r = math.sqrt(rx * rx + ry * ry + rz * rz)
        if rx * gx + ry * gy + rz * gz < 0.0:
            r = -r  # (a turn either way: the axis toward grav)
        rx /= r
        ry /= r
        rz /= r
        k = 1.0 / math.sqrt(gx * gx + gy * gy + gz * gz)
        off = self._axis_off
        gx = rx - gx * k - off[0]  # (the stride's axis less the expected one)
        gy = ry - gy * k - off[1]
        gz = rz - gz * k - off[2]
        if gx * gx + gy * gy + gz * gz > _AXIS_TOL2:
            return
        off[0] += 0.1 * gx  # (a tenth a stride: a street corner's 3-6 strides move it little)
        off[1] += 0.1 * gy
        off[2] += 0.1 * gz
        self._axis_x = round(rx * UP_UNIT)
        self._axis_y = round(ry * UP_UNIT)
        self._axis_z = round(rz * UP_UNIT)
        self._yaw_free = True

    def _drop_sideways(self, win):
        """Turning: the mean force leans into the turn (centripetal), sideways only, so undo the
        sideways part of this step's pull and keep the forward-back part. A tilt error is fixed
        in the world while the body yaws, so the turn itself swings it into the corrected plane;
        the pull is stronger meanwhile (turn_tau_s) because turns are when errors appear: the
        gyro's scale and axis errors, and the accelerometer's bias, which is fixed in the body
        but swung round with grav by a turn."""
        left = self._frame.left
        if left is None:
            return
        d = win[_WIN_PULL_X] * left[0] + win[_WIN_PULL_Y] * left[1] + win[_WIN_PULL_Z] * left[2]
        self._tilt_move(-d * left[0], -d * left[1], -d * left[2])

    def _learn_bias(self, win):
        """While running, fold a small share of the step's residual gyro bias into the bias:
        a clip warms against the body and its gyro's zero-rate output moves (tenths of a
        deg/s per deg C) and wanders, so the bias is followed all run long."""
        n = win[WIN_N]
        if not self._pull_running or n < 2 or not self.calibrated or self._lost:
            return
        # The accelerometer's pull over the step, as the rotation rate that would have caused
        # it: a bias e tilts grav by grav x e each sample and the pull undoes it, so the pull
        # summed over n samples is -(grav x e) n dt; grav x that gives e across grav.
        # Summed as seen at the step's end (each pull turned on by the rotation since it was
        # made): summed as made, in sensor axes, a trunk that rocks in step with the ground
        # force would add the force-weighted lean's offset to the bias (see _kernel).
        rad = self._rad_per_count
        dx = win[_WIN_PULL_X] - rad * win[_WIN_TURN_X]
        dy = win[_WIN_PULL_Y] - rad * win[_WIN_TURN_Y]
        dz = win[_WIN_PULL_Z] - rad * win[_WIN_TURN_Z]
        gx, gy, gz = self._grav_x, self._grav_y, self._grav_z
        share = min(1.0, n * self._dt_s * self._gain.bias_share_per_s)
        rate = share / ((gx * gx + gy * gy + gz * gz) * n * self._rad_per_count)
        self._bias_x += (gy * dz - gz * dy) * rate
        self._bias_y += (gz * dx - gx * dz) * rate
        self._bias_z += (gx * dy - gy * dx) * rate
        self._bias_ints()

    def _set_off(self):
        """A trusted still period just ended: the tilt is fresh, so look for forward. The pull
        toward the accelerometer in the untrusted last segments (and this one) followed the
        start of the motion, not gravity: undo it, leaving what the gyro carried."""
        p = self._pending
        gx = self._grav_x - self._seg_pull_x
        gy = self._grav_y - self._seg_pull_y
        gz = self._grav_z - self._seg_pull_z
        for i in range(min(self._quiet_n, _PENDING)):
            j = _PENDING_SLOTS * i
            gx -= p[j + 7]
            gy -= p[j + 8]
            gz -= p[j + 9]
        self._grav_x, self._grav_y, self._grav_z = gx, gy, gz
        self._still_end_ms = self.t_ms
        n = p[_STAND_N]
        if self.calibrated and n > 0.0 and self._frame.forward is None:
            # "up" again, from the calibrating stand's mean force (its first 6 s at most) but
            # its last pending segments (the onset): standing sways 0.2-0.4 Hz by ~0.3 deg, so the
            # half second `_calibrate` had read zero lean off by the sway's phase then, every
            # later lean with it. (_up_excess stays: the sensor's, not the posture's.)
            self._frame.set_up(p[_STAND_SUM] / n, p[_STAND_SUM + 1] / n, p[_STAND_SUM + 2] / n)
            p[_STAND_N] = -1.0
        if self.calibrated and self._frame.forward is None:
            self._setoff.start(self._bias_x, self._bias_y, self._bias_z, self._still_ms * 0.0005,
                               self.t_ms)

    def _set_state(self, state):
        if state == RUNNING:
            self._run_start_ms = self.t_ms
        elif state == STILL:
            self._yaw_free = False  # (a corner's axis is a running stride's)
        self.state = state
        self._sink.event(self.t_ms, "state", state)
        if state != RUNNING:
            self.coaching.rest()

    def _set_gain(self, quiet):
        running = False
        if self._lost:  # none toward junk; after it, fast: step detection needs a fair tilt
            k = 0.0 if self._faulty else self._pull_still
        elif quiet and self._still_ms >= _TRUST_STILL_MS:
            k = self._pull_still
        elif not self._bias_known:
            k = self._pull_no_bias
        elif self.calibrated and ticks_diff(self.t_ms, self._still_end_ms) < self._settle_ms:
            k = 0.0
        elif ticks_diff(self.t_ms, self._turn_ms) < _TURN_HOLD_MS:
            # with no forward yet there is no way to keep the forward-back part alone; the
            # corner is when the gain filter expects errors, so at least its pull
            k = 0.0 if self._frame.left is None else max(self._pull_turn,
                                                           self._gain.pull_per_s * self._dt_s)
            running = k > 0.0  # (the forward-back part, the lean's, is corrected)
        else:
            k = self._gain.pull_per_s * self._dt_s
            running = True
        self._pull = k
        self._pull_running = running

    @staticmethod
    def _clear(win):
        win[:] = _WIN_ZERO  # (a loop over the slots cost 12 x more: docs/bench.md)

    def _row(self, cur, prev, stride):
        """Lean over the window cur+prev to the sink; a whole stride's lean also to the coach."""
        n = cur[WIN_N] + prev[WIN_N]
        if not self.calibrated or self._frame.forward is None or n == 0 or self._lost:
            return
        self._row_ms = self.t_ms
        frame = self._frame
        self._measure(cur[WIN_GRAV_X] + prev[WIN_GRAV_X], cur[WIN_GRAV_Y] + prev[WIN_GRAV_Y],
                      cur[WIN_GRAV_Z] + prev[WIN_GRAV_Z], n)
        lean, roll = frame.lean_deg, frame.roll_deg
        win_ms = int(n * 1000.0 / self._rate_hz)
        self._sink.lean(self.t_ms, lean, roll, self._gait.cadence_spm, self.state, win_ms)
        pelvis = self._pelvis
        if pelvis is not None and not pelvis.known():
            pelvis = None
        if pelvis is not None:
            pelvis.row(cur, prev, lean)
        if not stride:
            return
        # (turning strides are coached too: docs/orientation.md, "Tilt through 2-4 g impacts")
        coached = (self.state == RUNNING
                   and ticks_diff(self.t_ms, self._run_start_ms) >= _COACH_RUN_START_MS)
        self.coaching.stride(self.t_ms, lean, win_ms, self._forward_g(cur, prev), coached)
        if pelvis is not None:
            pelvis.stride(win_ms, coached)

    def _measure(self, sx, sy, sz, n):
        """Lean and roll (the frame's read-outs) of a window's summed mean specific force
        (sx, sy, sz) over n samples, less the accelerometer's excess along up."""
        ex = n * self._up_excess
        up = self._frame.up
        self._frame.measure(sx - ex * up[0], sy - ex * up[1], sz - ex * up[2])

    def _forward_g(self, cur, prev):
        """The window's mean forward acceleration in g: mean specific force less gravity (grav),
        on the trunk's forward axis."""
        return self._forward_g_of(cur[WIN_GRAV_X] + prev[WIN_GRAV_X],
                                  cur[WIN_GRAV_Y] + prev[WIN_GRAV_Y],
                                  cur[WIN_GRAV_Z] + prev[WIN_GRAV_Z],
                                  cur[WIN_FORCE_X] + prev[WIN_FORCE_X],
                                  cur[WIN_FORCE_Y] + prev[WIN_FORCE_Y],
                                  cur[WIN_FORCE_Z] + prev[WIN_FORCE_Z])

    def _forward_g_of(self, sx, sy, sz, fx, fy, fz):
        """Mean forward acceleration in g from a window's summed gravity (s) and raw force (f)."""
        f = self._frame.forward
        ax = fx - sx
        ay = fy - sy
        az = fz - sz
        return (ax * f[0] + ay * f[1] + az * f[2]) / math.sqrt(sx * sx + sy * sy + sz * sz)

