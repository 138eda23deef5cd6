"""The pelvis sensor's coaching (issue 17): LumbarCoach and what Coaching does with it
(PelvisCoaching: its alerts, their buzzes and events), loaded only at a run's first pelvis
stride (coaching.py), so a one-IMU board never holds its code (issue 13's heap)."""
from .coach import CUE_NAMES, FAULT_HIPBEND, FAULT_LUMBAR_ARCH, FAULT_NONE, Coach
from .compat import const, ticks_diff
from .context import Context
from .schedule import Schedule

# the pelvis sensor's buzzes: shapes of their own, none a count of shorts (haptics.py has the
# chest's and the housekeeping cues)
HIPBEND = (500, 150, 500)               # two long: "you fold at the hips, lean from the ankles"
LUMBAR_ARCH = (150, 150, 500, 150, 150)  # short-long-short: "your lower back arches"
# its fault is current while its strides keep coming (a stride is < 1.5 s)
_FRESH_MS = const(1500)
# the doubt's steady part is its mean over this long of coached strides: far longer than a
# corner's tilt error lasts (the pull undoes it in seconds), far shorter than a run
_STEADY_MS = const(60000)


class PelvisCoaching:
    """Coaching's pelvis half (coaching.Coaching.pelvis_stride makes it): the lumbar coach, the
    pelvis's acceleration context (its doubt), and whether its fault speaks for the posture."""

    def __init__(self, cfg, coaching):
        self.coaching = coaching
        self.coach = LumbarCoach(cfg)
        self.coach.plan.stage = coaching.stage
        self.context = Context(cfg)
        self.t_ms = 0  # its last stride
        self.base_deg = 0.0  # the lumbar doubt's steady part (deg): no tilt error (stride())

    def speaks(self, t_ms):
        """The pelvis coach sees a fault now. Then it speaks for the posture: the chest's alert
        is not played (an arching runner's chest reads upright or arched, a hip bend's may read
        over-leaning; one buzz, the one that names the cause)."""
        return (self.coach.fault != FAULT_NONE
                and ticks_diff(t_ms, self.t_ms) <= _FRESH_MS)

    def stride(self, t_ms, lumbar_deg, pelvis_deg, toeoff_deg, win_ms, fwd_g, coached):
        """Coaching.pelvis_stride: lumbar angle (thorax lean less pelvis tilt, + = flexion),
        pelvis tilt (+ = anterior) and the lumbar angle in the stride's toe-off part, all deg,
        and the pelvis's mean forward specific force (g); the hip-bend and lumbar-arch alerts.
        The lumbar angle may be off by what the thorax lean may be (the chest's doubt, from its
        forward force) less what the pelvis tilt may be (the same from the pelvis's): the
        body's acceleration is in both and cancels, a tilt error one sensor has after a corner
        does not. What of that difference stays while the runner runs on is no tilt error (the
        pull would have undone one within seconds) nor acceleration (0.05 g for a minute is
        30 m/s): each sensor's force, rocking with it in step, weights its pitch (a pelvis
        tilting most at toe-off: up to 4 deg of steady "doubt", which held real arches back
        for their whole length); so the doubt is counted from its mean over _STEADY_MS of
        coached strides in good running (not while a fault waits on the doubt: a tilt error
        that came with it would be learned as steady and let the fault through)."""
        dt_ms = ticks_diff(t_ms, self.t_ms)
        self.t_ms = t_ms
        coaching = self.coaching
        context = self.context
        context.update(t_ms, fwd_g)
        lumbar = self.coach
        doubt = coaching._context.doubt_deg() - context.doubt_deg()
        if coached and dt_ms <= _FRESH_MS and lumbar.fault == FAULT_NONE:
            self.base_deg += (doubt - self.base_deg) * dt_ms / _STEADY_MS
        lumbar.doubt_deg = doubt - self.base_deg
        cue = lumbar.update_lumbar(t_ms, lumbar_deg, pelvis_deg, toeoff_deg, coached, win_ms)
        if cue == FAULT_HIPBEND:
            coaching._cue(t_ms, cue, lumbar, "buzz_hipbend", HIPBEND)
        elif cue == FAULT_LUMBAR_ARCH:
            coaching._cue(t_ms, cue, lumbar, "buzz_lumbar_arch", LUMBAR_ARCH)


class LumbarCoach(Coach):
    """The pelvis sensor's two faults, decided and timed as the chest's are (hold, repeat,
    clear, hysteresis, the feedback stage), on the lumbar angle (thorax lean less pelvis tilt,
    + = flexion):

    - hip bend: lumbar flexion at or above `hipbend_above_deg` while the pelvis tilts forward
      less than `hipbend_pelvis_below_deg`: the trunk folds over an upright pelvis instead of
      the body leaning as one line (an ankle lean tilts both, so its lumbar angle stays small
      and its pelvis leans: it is never a hip bend);
    - lumbar arch: the stride-mean lumbar angle below `lumbar_arch_below_deg`, or its value in
      the toe-off part of the stride below `lumbar_arch_toeoff_below_deg` (an arch "as the leg
      passes behind" is strongest there and can hide in the mean).

    The doubt margin (`doubt_deg`, set by coaching.py) is the chest's less the pelvis's: an
    acceleration leans both tilt estimates alike and cancels in their difference, a tilt error
    one sensor has after a corner does not. No correction cue: `cue_good` logs a thorax lean,
    and one "good" for the chest's faults is enough to learn from.
    """

    def __init__(self, cfg):
        Coach.__init__(self, cfg)
        self.recent_pelvis = [0.0] * len(self.recent)  # (as long as the chest's ring)
        self.recent_toeoff = [0.0] * len(self.recent)
        self.plan = Schedule(cfg, len(CUE_NAMES) + 1)
        self.correct_ms = -1
        self.hip_on = cfg["hipbend_alert"]
        self.hip_deg = cfg["hipbend_above_deg"]
        self.hip_pelvis_deg = cfg["hipbend_pelvis_below_deg"]
        self.lumbar_arch_on = cfg["lumbar_arch_alert"]
        self.lumbar_arch_deg = cfg["lumbar_arch_below_deg"]
        self.toeoff_arch_deg = cfg["lumbar_arch_toeoff_below_deg"]
        self.pelvis_deg = 0.0
        self.toeoff_deg = 0.0

    def update_lumbar(self, t_ms, lumbar_deg, pelvis_deg, toeoff_deg, coached, win_ms=0):
        """One stride's lumbar angle, pelvis tilt and toe-off lumbar angle (deg), averaged
        over [t_ms - win_ms, t_ms]. Returns the cue to give now (FAULT_HIPBEND,
        FAULT_LUMBAR_ARCH or FAULT_NONE); `coached` as for update()."""
        if coached:
            self.pelvis_deg = self._mean(self.recent_pelvis, pelvis_deg)
            self.toeoff_deg = self._mean(self.recent_toeoff, toeoff_deg)
        return self.update(t_ms, lumbar_deg, coached, win_ms)

    def _classify(self, lumbar):
        f = self.fault
        h = self.hyst_deg
        arch = self.lumbar_arch_deg
        toe = self.toeoff_arch_deg
        hip = self.hip_deg
        pelvis = self.hip_pelvis_deg
        if f == FAULT_LUMBAR_ARCH:
            arch += h
            toe += h
        elif f == FAULT_HIPBEND:
            hip -= h
            pelvis += h
        if self.lumbar_arch_on and (lumbar < arch or self.toeoff_deg < toe):
            return FAULT_LUMBAR_ARCH
        if self.hip_on and lumbar >= hip and self.pelvis_deg < pelvis:
            return FAULT_HIPBEND
        return FAULT_NONE

    def _excess(self, lumbar):
        f = self.fault
        if f == FAULT_HIPBEND:
            return lumbar - self.hip_deg
        if f == FAULT_LUMBAR_ARCH:
            return max(self.lumbar_arch_deg - lumbar, self.toeoff_arch_deg - self.toeoff_deg)
        return 0.0
