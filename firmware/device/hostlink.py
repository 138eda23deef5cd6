"""`leanclip live` watching a running session without stopping it (docs/serial.md).

Why: every other host command starts with Ctrl-C, which ends the app and closes its session:
right before pulling logs or flashing, wrong for a runner glancing at the live view mid-drill
(a fresh app would calibrate again, and cannot while they run). So the running app listens,
once a second and without blocking, for one byte on the REPL's input: each ATTACH turns its
live lines on for ATTACH_MS more, and is answered with the bands the host needs to name the
zones. When the host goes quiet the lines stop. Nothing restarts; calibration, coaching and
the session log carry on. Ctrl-C keeps its meaning: MicroPython takes it before stdin does.
"""
import sys

from ..core.compat import const, ticks_add, ticks_diff

ATTACH = "L"
ATTACH_MS = const(5000)  # the host repeats ATTACH every 2 s; a host gone for 5 s has left


class HostWatch:
    def __init__(self):
        from .opening import HostWatch  # (run once, then forgotten: opening.py)

        HostWatch(self)

    def check(self, now_ms, app):
        """Once a second, from housekeeping: read what the host sent; returns whether live
        lines are wanted by an attached host. A closed stdin (EOF) stops the listening."""
        poll = self._poll
        while poll is not None and poll.poll(0):
            ch = sys.stdin.read(1)
            if not ch:
                self._poll = poll = None
            elif ch == ATTACH:  # answered every time: a host may arrive while another leaves
                cfg = app.cfg
                print("LC arch_below_deg=%s upright_below_deg=%s overlean_above_deg=%s "
                      "session=%d" % (cfg["arch_below_deg"], cfg["upright_below_deg"],
                                      cfg["overlean_above_deg"], app.session))
                self.until_ms = ticks_add(now_ms, ATTACH_MS)
        if self.until_ms is not None and ticks_diff(now_ms, self.until_ms) > 0:
            self.until_ms = None
        return self.until_ms is not None
