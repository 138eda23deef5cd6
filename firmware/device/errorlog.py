"""/errors.log: what went wrong on a device nobody watches, kept across reboots for
`leanclip` to pull.

Why bounded: a fault that repeats (a loose IMU wire) would otherwise fill the flash that holds
the runner's sessions. The file is cut over to /errors.log.1 when it passes `max_bytes`, so the
oldest lines go first and at most twice the bound is ever used. Writing never raises: the error
log is the last resort and must not become a new error.
"""
import os
import sys
from io import StringIO

from ..core.compat import const

ERROR_LOG = "/errors.log"
_MAX_BYTES = const(8192)


def _print_exception(e, out):
    """MicroPython has sys.print_exception; CPython has traceback."""
    show = getattr(sys, "print_exception", None)
    if show is not None:
        show(e, out)
    else:
        import traceback

        traceback.print_exception(type(e), e, e.__traceback__, file=out)


class ErrorLog:
    def __init__(self, path=ERROR_LOG, max_bytes=_MAX_BYTES):
        self.path = path
        self.max_bytes = max_bytes

    def line(self, text):
        """Append one line (newlines inside become spaces)."""
        try:
            self._rotate()
            with open(self.path, "a") as f:
                f.write(text.replace("\n", " ").rstrip() + "\n")
        except OSError:
            pass

    def exception(self, what, e):
        """`what` failed with `e`: one header line plus the traceback lines."""
        out = StringIO()
        _print_exception(e, out)
        self.line("%s: %r" % (what, e))
        for text in out.getvalue().split("\n"):
            if text.strip():
                self.line("  " + text.strip())

    def _rotate(self):
        try:
            size = os.stat(self.path)[6]
        except OSError:
            return
        if size < self.max_bytes:
            return
        old = self.path + ".1"
        try:
            os.remove(old)
        except OSError:
            pass
        os.rename(self.path, old)
