"""Everything a runner feels, in one object: stride results in, cues and buzzes out.

The estimator (pipeline.py) measures; this object decides what the runner is told. It owns the
coach (when a fault becomes a buzz), the acceleration context, fatigue drift, the climb
detector, the training plan's stage, the personal band, cue strength and the haptic player.
The device app (firmware/device/app.py) and `leanclip replay` (host_tools/commands/replay.py)
drive the same object the same way, so whatever the board would buzz, a replay shows.

Inputs (all times on the pipeline's sample clock, ms, wrapping at 2**30):

    c = Coaching(cfg, sink)
    c.stride(t_ms, lean_deg, win_ms, fwd_g, coached)   # the pipeline, at every stride row
    c.pelvis_stride(t_ms, lumbar_deg, pelvis_deg, toeoff_deg, win_ms, fwd_g, coached)
                                        # the pipeline, after stride(), with a pelvis sensor
    c.rest()                            # the pipeline: not running any more, or recalibrating
    c.altitude(t_ms, altitude_m)        # a barometer sample (about once a second)
    c.no_altitude()                     # the barometer is gone: coach on without it
    c.start_session(session_no)         # the plan's stage for this session (schedule.py)
    c.set_personal_band(held_deg)       # the drill's held lean becomes the runner's band

Read-outs: `player` (haptics.Player: the device drives the motor from `player.level(t_ms)`,
and plays its own housekeeping messages on it), `stage`, `band_shift_deg`, `upright_deg`.

The sink is the pipeline's (`sink.event(t_ms, name, value)`).
"""
from .coach import CUE_GOOD, CUE_NAMES, FAULT_NONE, Coach
from .cues import LEVEL_GENTLE, alert_level
from .context import Context
from .drift import Drift
from .haptics import LEVEL_FULL, PATTERNS, Player
from .logfmt import BUZZ_EVENTS  # indexed by the coach's cue (FAULT_UPRIGHT ...)
from .schedule import SUMMARY, stage_for

# the event of each chest cue (coach.CUE_NAMES' numbers): its buzzes, the correction cue (the
# pelvis sensor's are lumbar.py's)
_CUE_EVENTS = BUZZ_EVENTS + ("cue_good",)


class Coaching:
    def __init__(self, cfg, sink):
        self._cfg = cfg
        self._sink = sink
        self._coach = Coach(cfg)
        self._context = Context(cfg)
        self._drift = Drift(cfg)
        self._climb = None  # made at the first altitude sample: most boards have no barometer
        self._pelvis = None  # lumbar.PelvisCoaching, at the first pelvis stride: most runs have
        # one sensor, and a one-IMU board never loads its code (issue 13's heap)
        self.player = Player()

    # ---- read-outs ---------------------------------------------------------------------------
    @property
    def stage(self):
        """The feedback stage in force (schedule.EVERY ... TEST)."""
        return self._coach.plan.stage

    @property
    def band_shift_deg(self):
        """How far a sustained climb has raised the over-lean band (0 on the flat)."""
        return self._coach.over_deg - self._coach.over_base_deg

    @property
    def upright_deg(self):
        """The upright band's edge in force (the personal band once one is set)."""
        return self._coach.upright_deg

    # ---- inputs ------------------------------------------------------------------------------
    def start_session(self, session_no):
        """A session starts: the training plan decides its feedback stage, in force until the
        next session."""
        self._coach.plan.stage = stage_for(self._cfg, session_no)
        if self._pelvis is not None:
            self._pelvis.coach.plan.stage = self._coach.plan.stage

    def set_personal_band(self, held_deg):
        """Make held_deg the runner's good lean at once. Returns the config changes to save
        (upright_below_deg, drill_min_deg, drill_max_deg), or None when held_deg cannot be a
        good lean (nothing changes)."""
        from .config import personal_band  # (with the schema: loaded for this rare moment)

        changes = personal_band(self._cfg, held_deg)
        if changes is not None:
            self._cfg.update(changes)
            self._coach.upright_deg = changes["upright_below_deg"]
        return changes

    def altitude(self, t_ms, altitude_m):
        """A barometric altitude (m, relative to any fixed reference): a sustained climb raises
        the over-lean band (climb.py, docs/coaching.md)."""
        if self._climb is None:
            from .climb import Climb  # loaded only on a board with a barometer

            self._climb = Climb(self._cfg)
        self._coach.band_shift_deg(self._climb.feed(t_ms, altitude_m))

    def no_altitude(self):
        """The barometer stopped answering: the band goes back to the flat's."""
        self._climb = None
        self._coach.band_shift_deg(0)

    def rest(self):
        """Not running (or recalibrating): a fault in progress is forgotten."""
        self._coach.reset()
        if self._pelvis is not None:
            self._pelvis.coach.reset()

    def stride(self, t_ms, lean_deg, win_ms, fwd_g, coached):
        """One stride's lean over [t_ms - win_ms, t_ms], its mean forward specific force (g),
        and whether it may be coached (running, not turning)."""
        sink = self._sink
        context = self._context
        if context.update(t_ms, fwd_g):
            sink.event(t_ms, "accel", context.mean_g)
        coach = self._coach
        coach.hold_over = context.accelerating
        coach.doubt_deg = context.doubt_deg()
        cue = coach.update(t_ms, lean_deg, coached, win_ms)
        pelvis = self._pelvis  # its fault, while current, speaks for the posture (lumbar.py)
        if cue != FAULT_NONE and not (cue != CUE_GOOD and coach.plan.stage != SUMMARY
                                      and pelvis is not None and pelvis.speaks(t_ms)):
            self._cue(t_ms, cue, coach, _CUE_EVENTS[cue], PATTERNS[CUE_NAMES[cue - 1]])
        drift = self._drift
        if not coached:
            drift.pause()
        elif drift.update(t_ms, lean_deg):
            sink.event(t_ms, "drift", drift.now_deg - drift.base_deg)
            if self._cfg["drift_cue"]:
                self.player.play(PATTERNS["drift"], t_ms)

    def pelvis_stride(self, t_ms, lumbar_deg, pelvis_deg, toeoff_deg, win_ms, fwd_g, coached):
        """The same stride seen with the pelvis sensor (lumbar.PelvisCoaching.stride: the
        hip-bend and lumbar-arch alerts), loaded at the first one."""
        pelvis = self._pelvis
        if pelvis is None:
            from .lumbar import PelvisCoaching

            pelvis = self._pelvis = PelvisCoaching(self._cfg, self)
        pelvis.stride(t_ms, lumbar_deg, pelvis_deg, toeoff_deg, win_ms, fwd_g, coached)

    def _cue(self, t_ms, cue, coach, event, pattern):
        """Play a coach's cue (`pattern`) and log it (`event`). Summary-stage cues are logged as
        summaries (value: the cue, 4 = good); only immediate alerts scale with the error. The
        value logged is the coach's averaged angle: the lean, or for the pelvis sensor's
        alerts the lumbar angle."""
        summary = coach.plan.stage == SUMMARY
        if summary:
            self._sink.event(t_ms, "cue_summary", cue)
        else:
            self._sink.event(t_ms, event, coach.lean_deg)
        if cue == CUE_GOOD:
            level = LEVEL_GENTLE
        elif self._cfg["alert_scaled"] and not summary:
            level = alert_level(coach.excess_deg(), self._cfg["alert_full_deg"])
        else:
            level = LEVEL_FULL
        self.player.play(pattern, t_ms, level)
