"""The faded feedback schedule: how much of the coach's feedback a session gets.

Gait-retraining studies fade feedback over weeks so that the runner learns to feel the posture
instead of waiting for the buzz: every fault first, then every other fault (the runner must
notice the silent ones), then only a summary every few minutes (knowledge of results, not a
running commentary), then test runs with no cues at all, which show whether the skill stays
when the device is quiet. A session runs one stage from start to end.

The plan is a few config numbers, so it lives in the device's one config file and
`leanclip config set` validates it: `plan_sessions` sessions per stage (0 = no plan, the stage
is `coach_stage`), and every `plan_test_every`-th session a test run once the plan has started.
"""
from .compat import const, ticks_diff

EVERY = const(0)
ALTERNATE = const(1)
SUMMARY = const(2)
TEST = const(3)
STAGE_NAMES = ("every", "alternate", "summary", "test")

# a summary says "good" when at least this share of its running time was in the band
_GOOD_SHARE_PCT = const(75)
_MAX_GAP_MS = const(2000)  # strides further apart than this (a pause) add no time


def stage_for(cfg, session_no):
    """The stage of the session_no-th session (1 = the first) under the configured plan."""
    per = cfg["plan_sessions"]
    if per == 0:
        return cfg["coach_stage"]
    test_every = cfg["plan_test_every"]
    if test_every and session_no % test_every == 0:
        return TEST
    return min(TEST, (session_no - 1) // per)


class Schedule:
    """Asked by the coach whether a fault episode is alerted, and told each stride's class so
    that the summary stage can say what the last few minutes were like."""

    def __init__(self, cfg, n_classes):
        from .partsinit import Schedule  # (partsinit.py: run once, then forgotten)

        Schedule(self, cfg, n_classes)

    def alert_episode(self):
        """A fault has lasted long enough to buzz: will this episode be cued?"""
        self.episodes += 1
        if self.stage == EVERY:
            return True
        return self.stage == ALTERNATE and self.episodes % 2 == 1

    def pause(self):
        """Not running: the time until the next stride is not running time."""
        self.last_ms = None

    def count(self, t_ms, cls, good):
        """One stride of class `cls` (0 = in the band) at t_ms. In the summary stage, returns
        the summary cue when one is due (`good` for a mostly-good stretch, else the class that
        took the most time), else 0."""
        last = self.last_ms
        self.last_ms = t_ms
        if self.stage != SUMMARY or last is None:
            return 0
        dt = ticks_diff(t_ms, last)
        if dt > _MAX_GAP_MS:
            return 0
        c = self.class_ms
        c[cls] += dt
        total = c[0]
        worst = 1
        for i in range(1, len(c)):
            total += c[i]
            if c[i] > c[worst]:
                worst = i
        if total < self.summary_ms:
            return 0
        cue = good if c[0] * 100 >= total * _GOOD_SHARE_PCT else worst
        for i in range(len(c)):
            c[i] = 0
        return cue
