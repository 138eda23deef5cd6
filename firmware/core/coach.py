"""When a lean fault becomes a buzz.

A runner should feel one buzz for one real fault, not a stutter at a band's edge: the decision
uses the mean of the last few strides (by default one), a fault is dated from the middle of the
first stride that shows it (a stride average estimates the lean at its middle), it must persist
for `fault_hold_s` of running before the first buzz and repeats every `repeat_s`, ending a fault
needs `clear_s` back in the band (plus `band_hysteresis_deg`), and anything but running resets
it: walking and standing are never coached.

A fault that was cued and then corrected earns a gentle "good" cue once the lean has been back in
the band for `correct_s`: a cue on correction teaches what right feels like, where alarms alone
only teach what wrong feels like. How many faults are cued at all is the schedule's decision
(schedule.py). While the wearer accelerates (`hold_over`, set by coaching.py from context.py)
a forward lean is correct, so leaning past the upper band is then no fault. And an alert needs
the lean outside the band by more than the estimate may be off (`doubt_deg`, set by coaching.py
from context.py): after a corner, a set-off into a turn or a speed change the tilt can be a few
degrees off for seconds, and a buzz on that is a false alarm; the fault keeps its start while
it waits, so a real one is cued as soon as the doubt falls. Nor does it play while the lean with
that doubt lies in another fault's band (upright and arch are both "too far back", and a
corner's error can carry the estimate across the arch edge): which pattern is right is not
known yet.
"""
from .compat import const, ticks_diff
from .schedule import Schedule

FAULT_NONE = const(0)
FAULT_UPRIGHT = const(1)
FAULT_ARCH = const(2)
FAULT_OVERLEAN = const(3)
CUE_GOOD = const(4)  # not a fault: the correction cue
FAULT_NAMES = ("none", "upright", "arch", "overlean")
# the pelvis sensor's faults (lumbar.LumbarCoach), numbered after the cues above so that one number
# names any cue (the summary stage's `cue_summary` event logs it)
FAULT_HIPBEND = const(5)
FAULT_LUMBAR_ARCH = const(6)
CUE_NAMES = FAULT_NAMES[1:] + ("good", "hipbend", "lumbar_arch")  # indexed by cue - 1

_MAX_STRIDES = const(8)


class Coach:
    def __init__(self, cfg):
        from .partsinit import Coach  # (partsinit.py: run once, then forgotten)

        self.recent = [0.0] * _MAX_STRIDES
        self.plan = Schedule(cfg, len(FAULT_NAMES))
        Coach(self, cfg)

    def reset(self):
        self.n_seen = 0
        self.fault = FAULT_NONE
        self.since_ms = 0
        self.other_since_ms = None
        self.buzzed_ms = None
        self.cued = False      # the current fault episode has been cued
        self.good_ms = None    # back in the band since then, after a cued fault
        self.lean_deg = 0.0
        self.plan.pause()

    def _classify(self, lean):
        a, u, o = self.arch_deg, self.upright_deg, self.over_deg
        h = self.hyst_deg
        f = self.fault
        if f == FAULT_UPRIGHT:
            a -= h
            u += h
        elif f == FAULT_ARCH:
            a += h
        elif f == FAULT_OVERLEAN:
            o -= h
        if lean < a:
            return FAULT_ARCH
        if lean < u:
            return FAULT_UPRIGHT
        if self.over_on and lean >= o and not self.hold_over:
            return FAULT_OVERLEAN
        return FAULT_NONE

    def band_shift_deg(self, deg):
        """Raise the upper band by `deg` (0 restores it): on a sustained climb (climb.py) the
        trunk leans forward with the slope, and that is not bending at the hips."""
        self.over_deg = self.over_base_deg + deg

    def excess_deg(self):
        """How far the lean is outside the band of the current fault (for error-scaled cues)."""
        return self._excess(self.lean_deg)

    def _excess(self, lean):
        f = self.fault
        if f == FAULT_UPRIGHT:
            return self.upright_deg - lean
        if f == FAULT_ARCH:
            return self.arch_deg - lean
        if f == FAULT_OVERLEAN:
            return lean - self.over_deg
        return 0.0

    def _mean(self, ring, value):
        """Keep this stride's value in ring (slot n_seen) and return the mean of the last
        coach_strides values there, this one included."""
        seen = self.n_seen
        ring[seen % _MAX_STRIDES] = value
        n = min(seen + 1, self.n_avg)
        total = 0.0
        for j in range(n):
            total += ring[(seen - j) % _MAX_STRIDES]
        return total / n

    def update(self, t_ms, lean_deg, coached, win_ms=0):
        """Feed one stride's lean, averaged over [t_ms - win_ms, t_ms]. Returns the cue to give
        now: a fault, CUE_GOOD, or FAULT_NONE.

        coached False (in a corner, or just out of one, where the lean is least certain) pauses
        the evidence: the stride is not judged and nothing is cued, but a fault in progress
        keeps its start, so a runner on a city block is still told within moments of the fault
        beginning. Leaving running is the caller's reset()."""
        if not coached:
            self.plan.pause()
            return FAULT_NONE
        self.lean_deg = lean = self._mean(self.recent, lean_deg)
        self.n_seen += 1
        seen = self._classify(lean)
        mid_ms = t_ms - win_ms // 2
        if seen == self.fault:
            self.other_since_ms = None
        elif self.fault == FAULT_NONE:
            self.fault, self.since_ms, self.buzzed_ms = seen, mid_ms, None
            self.good_ms = None
        else:
            if self.other_since_ms is None:
                self.other_since_ms = mid_ms
            if ticks_diff(t_ms, self.other_since_ms) >= self.clear_ms:
                if seen == FAULT_NONE and self.cued and self.correct_ms >= 0:
                    self.good_ms = self.other_since_ms
                self.fault, self.since_ms, self.buzzed_ms = seen, self.other_since_ms, None
                self.other_since_ms = None
                self.cued = False
        summary = self.plan.count(t_ms, self.fault, CUE_GOOD)
        if self.fault == FAULT_NONE:
            if self.good_ms is not None and ticks_diff(t_ms, self.good_ms) >= self.correct_ms:
                self.good_ms = None
                return CUE_GOOD
            return summary
        if self.other_since_ms is not None:  # back in the band (or another fault): wait
            return summary
        doubted = self.lean_deg + self.doubt_deg
        if (self._excess(self.lean_deg) <= 0.0 or self._excess(doubted) <= 0.0
                or self._classify(doubted) != self.fault):
            return summary  # not clearly this fault yet: keep its start, wait
        if self.buzzed_ms is None:
            if ticks_diff(t_ms, self.since_ms) < self.hold_ms:
                return summary
            self.cued = self.plan.alert_episode()
        elif ticks_diff(t_ms, self.buzzed_ms) < self.repeat_ms:
            return summary
        self.buzzed_ms = t_ms
        return self.fault if self.cued else summary

