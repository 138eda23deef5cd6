"""The one place that papers over MicroPython vs CPython, by capability, never by platform name.

The MicroPython compiler folds `const()` by name, so `from .compat import const` still yields
true compile-time constants on the device.
"""
try:
    from micropython import const
except ImportError:  # CPython

    def const(x):
        return x


# Device-compatible tick arithmetic: on the ESP32 `time.ticks_ms()` wraps at 2**30. The pure
# logic uses these on its own sample clock so that replay exercises the same wrap behaviour.
TICKS_PERIOD = const(1 << 30)
TICKS_MASK = const((1 << 30) - 1)
_TICKS_HALF = const(1 << 29)


def ticks_add(t, delta):
    return (t + delta) & TICKS_MASK


def ticks_diff(a, b):
    """Signed difference a - b, correct across one wrap (as `time.ticks_diff`)."""
    return ((a - b + _TICKS_HALF) & TICKS_MASK) - _TICKS_HALF
