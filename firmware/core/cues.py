"""How strong a cue is.

An alert that grows with the error tells the runner how far off they are, not only that they
are off; with `alert_scaled` the motor level rises from `_MIN_LEVEL` at the band's edge to full
at `alert_full_deg` outside it. The level is the haptic interface's 0..255, which both the PWM
motor (duty) and the DRV2605L (real-time amplitude) honour. The correction cue is gentle on
purpose: it is praise, not an alarm.
"""
from .compat import const
from .haptics import LEVEL_FULL

LEVEL_GENTLE = const(120)
_MIN_LEVEL = const(110)  # weaker than this an ERM barely starts, and a runner may not feel it


def alert_level(excess_deg, full_deg):
    """Motor level for an alert `excess_deg` outside the band (full at full_deg and beyond)."""
    if excess_deg >= full_deg:
        return LEVEL_FULL
    if excess_deg <= 0.0:
        return _MIN_LEVEL
    return _MIN_LEVEL + int((LEVEL_FULL - _MIN_LEVEL) * excess_deg / full_deg)
