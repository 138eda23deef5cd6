"""The one place that papers over MicroPython vs CPython, by capability, never by platform name.

The MicroPython compiler folds `const()` by name, so `from .compat import const` still yields
true compile-time constants on the device. It turns a function into machine code only for the
literal decorator `@micropython.native`, so modules import `micropython` from here and write
exactly that (on CPython it is a do-nothing stand-in).
"""
try:
    import micropython
    from micropython import const
except ImportError:  # CPython

    def const(x):
        return x

    class micropython:
        """Stands in for the module: `@micropython.native` must be written out literally,
        since mpy-cross recognises only that spelling, so CPython needs the name."""

        @staticmethod
        def native(f):
            return f


# Device-compatible tick arithmetic: on the ESP32 `time.ticks_ms()` wraps at 2**30. The pure
# logic uses these on its own sample clock so that replay exercises the same wrap behaviour.
TICKS_PERIOD = const(1 << 30)
_TICKS_MAX = const((1 << 30) - 1)
_TICKS_HALF = const(1 << 29)


def ticks_add(t, delta):
    return (t + delta) & _TICKS_MAX


def ticks_diff(a, b):
    """Signed difference a - b, correct across one wrap (as `time.ticks_diff`)."""
    return ((a - b + _TICKS_HALF) & _TICKS_MAX) - _TICKS_HALF
