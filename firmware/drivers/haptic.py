"""The one interface every haptic output shares: `set(level)` with level 0..255, 0 = off.

The pattern player (firmware/core/haptics.py) decides the level over time; the device loop
calls `set()` on whichever driver the board has (pwm_haptics.PwmMotor / Buzzer,
drv2605.Drv2605) when that level changes.
"""


def check_level(level):
    if not 0 <= level <= 255:
        raise ValueError("haptic level must be 0..255, got %r" % (level,))
