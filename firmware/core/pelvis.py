"""The pelvis sensor's half of a chest + pelvis Pipeline (issue 17), loaded only when one is
used: Pipeline(..., pelvis=True) imports this module, so a one-IMU board never holds its code
(issue 13's heap; the device side likewise imports device/pod.py only once a pod answers).

A second Pipeline (a follower) estimates the pelvis sensor's tilt: the same code, so the same
bias learning, turn handling, set-off forward finding and fault handling as the chest, but
driven by the chest's: it runs the same samples in lock step, ends its segments and steps where
the chest's do (so both average the same windows), is calibrated when the chest is (standing
tall zeroes both) and its events reach the sink only as pelvis_fault / pelvis_ok (_PelvisLink).
The chest pipeline calls this object at its feeds, segment ends, rows, calibration, gaps and
recalibration, each behind one None check. docs/orientation.md ("Chest and pelvis").
"""
from .compat import TICKS_MASK, const
from .haptics import Player
from .pipeline import (MS_MHZ, WIN_FORCE_X, WIN_FORCE_Y, WIN_FORCE_Z, WIN_GRAV_X, WIN_GRAV_Y,
                       WIN_GRAV_Z, WIN_N, WIN_TOE_N, WIN_TOE_X, WIN_TOE_Y, WIN_TOE_Z, Pipeline)

# the follower's own steps and segments never end a run: its chest pipeline ends them
_NEVER = const(1 << 29)


class Pelvis:
    """The follower pipeline and what the chest pipeline keeps about it: whether the last feed
    had pelvis samples (`fed`), the feed under way's pelvis samples (`buf`, None outside a
    feed) and its read-outs at the last row (deg; forward force in g)."""

    def __init__(self, lead, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink):
        self._lead = lead
        link = _PelvisLink(lead, sink)
        follower = Pipeline(cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, link, link)
        follower._follows = True
        follower._step_high = _NEVER  # (above any vertical force: |a| x tilt.UP_UNIT)
        follower._segment_n = _NEVER
        self.follower = follower
        self._counts = []  # (the follower takes counts: it is built so)
        self.fed = False
        self.buf = None  # the pelvis samples of the feed under way ...
        self._i = 0         # ... the index the follower has run them to, and
        self._seg_base = 0  # the index where the chest's segment began in them
        self.pelvis_deg = self.lumbar_deg = self.lumbar_toeoff_deg = 0.0
        self.fwd_g = 0.0  # the pelvis's forward force over the row's window (g)

    def known(self):
        """Pipeline.pelvis_known()."""
        f = self.follower
        return self.fed and f.calibrated and not f._lost and f._frame.forward is not None

    def start(self, pelvis_buf, n):
        """A feed of n samples begins (the chest's first sample already taken): a gap or a
        resume, and the samples the follower runs during it."""
        if pelvis_buf is not None and self._lead._units:
            pelvis_buf = self._lead._to_counts(pelvis_buf, n, self._counts)
        if not n:
            return
        if pelvis_buf is None:
            if self.fed:
                self.gap()
            return
        if not self.fed:
            self._resume(pelvis_buf)
        self.buf = pelvis_buf
        self._i = 0
        self._seg_base = -6 * self._lead._seg_n  # (the segment began in an earlier feed)

    def finish(self, end):
        """The feed's chest samples are run: the follower too, to the last sample fed."""
        if self.buf is not None:
            self._follow(end)
            self.buf = None

    def _follow(self, end, closing=False):
        """The follower runs its buffer on to index `end` (it never ends a segment or a step
        by itself: see segment_end); `closing`: the chest's segment ends there, so the
        follower's block under way ends there too (its sums are then whole)."""
        follower = self.follower
        buf = self.buf
        i = self._i
        if closing and i < end:
            # its blocks end inside its kernel, each as long as the last: run the whole ones
            # first, then the rest as one block cut at `end`
            n = (end - i) // 6
            left = follower._blk_stop - follower._seg_n  # (>= 1) in the block under way
            if n > left:
                k = 1 if follower._setoff.on else follower._block_n
                whole = i + 6 * (left + (n - left) // k * k)
                while i < whole:
                    i = follower._kernel(buf, i, whole)
            stop = follower._seg_n + (end - i) // 6
            if follower._blk_stop > stop:
                follower._blk_stop = stop
        while i < end:
            i = follower._kernel(buf, i, end)
        self._i = end

    def segment_end(self, step):
        """The chest's segment ends inside a feed with pelvis samples: the follower runs the
        same samples first (the rows read both), then ends its segment, and step, here too."""
        lead = self._lead
        at = self._seg_base + 6 * lead._seg_n
        self._follow(at, True)
        self._seg_base = at
        lead._segment_end(step)
        follower = self.follower
        if follower._seg_n:
            follower._swapped = lead._swapped
            follower._segment_end(step)

    def calibrate(self):
        """The chest was calibrated: standing tall zeroes the pelvis too, if it is trusted."""
        follower = self.follower
        if self.fed and follower._started and not follower._lost:
            follower._calibrate()

    def gap(self):
        """Pipeline.pelvis_gap()."""
        self.fed = False
        self.follower.gap()

    def _resume(self, pelvis_buf):
        """Pelvis samples (again): the follower's clock is set to the chest's, so both stamp
        the same sample alike; a first sample starts its gravity, as Pipeline.feed() does."""
        lead = self._lead
        follower = self.follower
        rem = lead._clock_rem + lead._seg_n * MS_MHZ
        follower._clock_ms = (lead._clock_ms + rem // lead._rate_mhz) & TICKS_MASK
        follower._clock_rem = rem % lead._rate_mhz
        follower.t_ms = lead.t_ms
        follower._reset_segment()  # what it had of a segment before the gap is not this one's
        if not follower._started:
            follower._grav_x = float(pelvis_buf[0])
            follower._grav_y = float(pelvis_buf[1])
            follower._grav_z = float(pelvis_buf[2])
            follower._tilt_up()
            follower._started = True
        self.fed = True

    def row(self, cur, prev, lean):
        """The pelvis over the same window as the chest's row (cur + prev, lean: the chest's;
        the follower has run the same samples, but the segment in progress is not in its
        window sums yet), to the sink."""
        lead = self._lead
        f = self.follower
        fc, fp = f._win_cur, f._win_prev
        k = f._seg_n  # (the offset is 0 until learned)
        f._tilt_floats()
        sx = fc[WIN_GRAV_X] + fp[WIN_GRAV_X] + f._seg_grav_x + k * f._offset_x
        sy = fc[WIN_GRAV_Y] + fp[WIN_GRAV_Y] + f._seg_grav_y + k * f._offset_y
        sz = fc[WIN_GRAV_Z] + fp[WIN_GRAV_Z] + f._seg_grav_z + k * f._offset_z
        f._measure(sx, sy, sz, fc[WIN_N] + fp[WIN_N] + k)
        pelvis = f._frame.lean_deg
        self.fwd_g = f._forward_g_of(
            sx, sy, sz, fc[WIN_FORCE_X] + fp[WIN_FORCE_X] + f._seg_fx,
            fc[WIN_FORCE_Y] + fp[WIN_FORCE_Y] + f._seg_fy,
            fc[WIN_FORCE_Z] + fp[WIN_FORCE_Z] + f._seg_fz)
        lumbar = lean - pelvis
        toeoff = lumbar
        chest_toe = _toe_lean(lead, cur, prev)
        if chest_toe is not None:
            pelvis_toe = _toe_lean(f, fc, fp)
            if pelvis_toe is not None:
                toeoff = chest_toe - pelvis_toe
        self.pelvis_deg = pelvis
        self.lumbar_deg = lumbar
        self.lumbar_toeoff_deg = toeoff
        lead._sink.pelvis(lead.t_ms, pelvis, lumbar, toeoff)

    def stride(self, win_ms, coached):
        """A whole stride's row: the last row's pelvis read-outs to the coach."""
        lead = self._lead
        lead.coaching.pelvis_stride(lead.t_ms, self.lumbar_deg, self.pelvis_deg,
                                    self.lumbar_toeoff_deg, win_ms, self.fwd_g, coached)


def _toe_lean(p, cur, prev):
    """Pipeline p's lean at the toe-offs of its window cur + prev (their gravity, offset added
    back), or None when the window holds none (standing, or a row between steps)."""
    n = cur[WIN_TOE_N] + prev[WIN_TOE_N]
    if n == 0:
        return None
    p._measure(cur[WIN_TOE_X] + prev[WIN_TOE_X] + n * p._offset_x,
               cur[WIN_TOE_Y] + prev[WIN_TOE_Y] + n * p._offset_y,
               cur[WIN_TOE_Z] + prev[WIN_TOE_Z] + n * p._offset_z, n)
    return p._frame.lean_deg


class _PelvisLink:
    """The follower's sink and coaching object in one. It coaches nobody and its housekeeping
    (prompts, "ready", state changes, forward found) is the chest pipeline's business; what
    reaches the real sink is the pelvis sensor's trust, stamped on the chest's clock:
    sensor_fault as pelvis_fault, sensor_ok as pelvis_ok. The player is its own, never the
    motor's: a pelvis fault does not buzz (the chest coach goes on)."""

    def __init__(self, lead, sink):
        self._lead = lead
        self._sink = sink
        self.player = Player()

    def rest(self):
        pass

    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        pass

    def event(self, t_ms, name, value):
        if name == "sensor_fault":
            self._sink.event(self._lead.t_ms, "pelvis_fault", value)
        elif name == "sensor_ok":
            self._sink.event(self._lead.t_ms, "pelvis_ok", value)
