"""The pipeline sink that reduces lean rows and events to what the session log keeps.

Why one record per second: a step-rate stream (~3 rows/s) would cost three times the flash for
numbers a runner or a sports scientist reads at second resolution anyway, and a fixed cadence of
records is what makes "a power cut loses at most 1 s" a simple rule: each second is handed to the
writer the moment it ends, and the writer flushes it with everything else pending.

All times given to this sink are on the pipeline's sample clock (`Pipeline.t_ms`, wrapping at
2**30 like `time.ticks_ms`); it unwraps them into session milliseconds counted from `t0_ms`, so
the device app must stamp its own events (battery, personal band, loop stats) with `p.t_ms` too.

With a pelvis sensor (issue 17) the pipeline's pelvis rows (`pelvis`, right after a lean row,
while the pelvis is trusted) are reduced the same way: the second's means go to the writer as
one PELVIS record beside its summary, only for a second that had them - a one-sensor session
writes exactly what it did before.

`out` is the writer: `summary(t_s, lean_deg, roll_deg, cadence_spm, flags)`,
`pelvis(t_s, pelvis_deg, lumbar_deg, lumbar_toeoff_deg, flags)`, `event(t_ms, code, value)`,
`raw(t_ms, buf, n)`, `close()` (firmware/device/sessionlog.py).
"""
from . import logfmt
from .compat import ticks_diff


class SummarySink:
    def __init__(self, out, t0_ms):
        self.out = out
        self._last_t = t0_ms
        self._ms = 0      # session ms of the latest call
        self._sec = 0     # the open second
        self._state = 0   # latest motion state: a second is labelled by how it ended
        self._reset()

    def _reset(self):
        self._n = 0
        self._lean = 0.0
        self._roll = 0.0
        self._cadence = 0.0
        self._alerts = 0
        self._touched = False
        self._pn = 0  # pelvis rows in the open second
        self._pelvis = 0.0
        self._lumbar = 0.0
        self._toeoff = 0.0
        self._palerts = 0

    def _session_ms(self, t_ms):
        """Advance the session clock to t_ms and close the open second if t_ms is past it."""
        self._ms += ticks_diff(t_ms, self._last_t)
        self._last_t = t_ms
        sec = self._ms // 1000
        if sec > self._sec:
            self._close()
            self._sec = sec
        self._touched = True
        return self._ms

    def _close(self):
        """Hand the open second to the writer; a second nobody touched (paused) is left out."""
        if not self._touched:
            return
        if self._pn:  # before the summary: the summary's write flushes both
            k = 1.0 / self._pn
            self.out.pelvis(self._sec, self._pelvis * k, self._lumbar * k, self._toeoff * k,
                            self._palerts)
        flags = self._state | self._alerts
        if self._n:
            k = 1.0 / self._n
            self.out.summary(self._sec, self._lean * k, self._roll * k, self._cadence * k,
                             flags | logfmt.FLAG_LEAN)
        else:
            self.out.summary(self._sec, 0.0, 0.0, 0.0, flags)
        self._reset()

    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        self._session_ms(t_ms)
        self._n += 1
        self._lean += lean_deg
        self._roll += roll_deg
        self._cadence += cadence_spm
        self._state = state & logfmt.FLAG_STATE_MASK

    def pelvis(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        """The pipeline's pelvis row (pelvis=True), right after the lean row of the same stride."""
        self._session_ms(t_ms)
        self._pn += 1
        self._pelvis += pelvis_deg
        self._lumbar += lumbar_deg
        self._toeoff += lumbar_toeoff_deg

    def event(self, t_ms, name, value):
        """Pipeline events, and the device app's (names: the registry, logevents.event_types())."""
        ms = self._session_ms(t_ms)
        if name == "state":
            self._state = int(value) & logfmt.FLAG_STATE_MASK
        for alert, flag in logfmt.ALERT_FLAGS:
            if name == alert:
                self._alerts |= flag
        for alert, flag in logfmt.PELVIS_ALERT_FLAGS:
            if name == alert:
                self._palerts |= flag
        self.out.event(ms, logfmt.EVENT_CODES[name], value)

    def raw(self, t_ms, buf, n, pelvis=None):
        """n IMU samples (6*n int16 counts in buf), the first taken at t_ms; with `pelvis`
        their pelvis partners (the same layout)."""
        self.out.raw(self._session_ms(t_ms), buf, n, pelvis)

    def poll(self, t_ms):
        """Called by the loop every iteration, so each second is written as soon as it ends
        even when the pipeline is quiet (no steps, rows only every 0.5 s)."""
        self._session_ms(t_ms)

    def close(self, t_ms):
        """End of session: the partial last second is written too, then the writer closed."""
        self._session_ms(t_ms)
        self._close()
        self.out.close()
