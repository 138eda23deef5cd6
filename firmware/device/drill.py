"""The lean drill (the "stop-start" drill): standing, lean from the ankles; the device ticks
while the lean is inside the target band, so the runner feels a good running lean before
setting off.

Which lean: once forward is known (after the first run of a power-on) the pipeline's own lean
rows arrive every ~0.5 s while still, and they are the sagittal lean the coach uses. Before
that, forward is unknown, so the total tilt away from the calibrated "up" is used instead: it
includes any sideways lean, which standing still is small, and it cannot tell forward from
back (an arch counts as lean). docs/device.md says so to the runner.

The personal band (docs/coaching.md, section 6): a long press while the drill is on takes the
lean held steady over the last readings as the runner's own good lean; the coaching object
(firmware/core/coaching.py) turns it into the runner's band.
"""
from array import array

from ..core.compat import const, ticks_diff
from ..core.gait import STILL
from ..core.haptics import BAND_NO, BAND_SET, TICK

_TILT_EVERY_MS = const(500)  # as often as the pipeline's rows while still
_HELD_READINGS = const(6)     # 3 s of readings, one per 0.5 s
_HELD_GAP_MS = const(1000)    # a gap this long (walking, no rows) starts the hold afresh
_HELD_SPREAD_DEG = 1.5        # max - min over the hold: more is not a held lean


class Drill:
    def __init__(self, player, min_deg, max_deg):
        self.player = player
        self.min_deg = min_deg
        self.max_deg = max_deg
        self.on = False
        self.tilt_ms = 0
        self.held = array("f", bytes(4 * _HELD_READINGS))  # a ring of the latest readings
        self.n_held = 0
        self.held_ms = 0

    def lean(self, t_ms, lean_deg):
        """A lean reading: tick if it is inside the band."""
        if not self.on:
            return
        if self.n_held and ticks_diff(t_ms, self.held_ms) >= _HELD_GAP_MS:
            self.n_held = 0
        self.held[self.n_held % _HELD_READINGS] = lean_deg
        self.n_held += 1
        self.held_ms = t_ms
        if self.min_deg <= lean_deg <= self.max_deg and not self.player.busy():
            self.player.play(TICK, t_ms)  # never over a message (e.g. "band set")

    def held_deg(self):
        """The mean lean of the last 3 s if it was held steady, else None (and the hold starts
        afresh, so a refused capture is not retried on the same readings)."""
        if self.n_held < _HELD_READINGS:
            return None
        h = self.held
        if max(h) - min(h) > _HELD_SPREAD_DEG:
            self.n_held = 0
            return None
        return sum(h) / _HELD_READINGS

    def poll(self, t_ms, p):
        """Each loop: without a forward direction the pipeline sends no rows, so read the tilt
        from up every half second instead."""
        if not self.on or not p.calibrated or p.forward_known() or p.state != STILL:
            return
        if ticks_diff(t_ms, self.tilt_ms) >= _TILT_EVERY_MS:
            self.tilt_ms = t_ms
            self.lean(t_ms, p.tilt_deg())

    def set_personal_band(self, app):
        """Long press in the drill: the lean held steady becomes the runner's band, at once and
        in /leanclip.json (docs/coaching.md, section 6). A failed write still leaves the band
        in force until power-off, and says why in /errors.log. (Here, not in app.py: loaded
        only while the drill is on.)"""
        t_ms = app.p.t_ms
        held = self.held_deg()
        changes = None if held is None else app.coaching.set_personal_band(held)
        if changes is None:
            app.coaching.player.play(BAND_NO, t_ms)
            return
        self.min_deg = changes["drill_min_deg"]
        self.max_deg = changes["drill_max_deg"]
        app.event(t_ms, "personal_band", held)
        app.coaching.player.play(BAND_SET, t_ms)
        try:
            from . import devconfig  # forgotten after start-up (modules.py): loaded for this

            devconfig.save(changes)
        except (OSError, ValueError) as e:
            app.errlog.line("personal band not saved (in force until power-off): %r" % (e,))
