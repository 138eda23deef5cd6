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


# Both stay inside MicroPython's small ints (+-2**30) on a 32-bit port: `(t + delta) & MAX` would
# build a big int (a heap object) at every wrap, and `a - b + HALF` for half of all differences.
def ticks_add(t, delta):
    """t + delta on the 2**30 tick circle (t a tick value, |delta| < 2**30)."""
    if delta >= 0:
        if t > TICKS_MASK - delta:
            return t - TICKS_MASK - 1 + delta
        return t + delta
    t += delta
    return t + TICKS_MASK + 1 if t < 0 else t


def ticks_diff(a, b):
    """Signed difference a - b, correct across one wrap (as `time.ticks_diff`)."""
    d = a - b
    if d >= _TICKS_HALF:
        return d - TICKS_MASK - 1
    if d < -_TICKS_HALF:
        return d + TICKS_MASK + 1
    return d


def byte_view(arr, nbytes):
    """The first nbytes of an array's memory as bytes, shared, not copied (a CRC over int16
    samples reads them byte by byte)."""
    try:
        return memoryview(arr).cast("B")[:nbytes]
    except AttributeError:  # MicroPython's memoryview has no cast()
        import uctypes

        return uctypes.bytearray_at(uctypes.addressof(arr), nbytes)
