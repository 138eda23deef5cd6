"""Haptic outputs on a PWM pin: a vibration motor through a transistor, or a piezo buzzer.

Interface in haptic.py. The caller builds the PWM object
(`machine.PWM(machine.Pin(n))`) from the board profile, so this module never imports machine.
"""
from ..core.compat import const
from .haptic import check_level

_FULL = const(65535)


class PwmMotor:
    """An ERM coin or cylinder motor switched low-side by an NPN/N-MOSFET, active high.

    An ERM does not start below roughly a third of its rated voltage, so levels 1..255 map onto
    min_duty_pct..100 % duty: every non-zero level is felt. 200 Hz-1 kHz keeps switching losses
    low while the motor's inertia smooths the current (above ~20 kHz the transistor would stop
    switching cleanly; below ~100 Hz the motor audibly judders).
    """

    def __init__(self, pwm, freq_hz=200, min_duty_pct=30):
        if not 100 <= freq_hz <= 2000:
            raise ValueError("motor PWM freq_hz must be 100..2000, got %r" % (freq_hz,))
        if not 0 <= min_duty_pct <= 100:
            raise ValueError("min_duty_pct must be 0..100, got %r" % (min_duty_pct,))
        self._pwm = pwm
        self._floor = _FULL * min_duty_pct // 100
        pwm.freq(freq_hz)
        pwm.duty_u16(0)
        self.level = 0

    def _duty(self, level):
        return self._floor + (_FULL - self._floor) * level // 255 if level else 0

    def set(self, level):
        check_level(level)
        self._pwm.duty_u16(self._duty(level))
        self.level = level


class Buzzer(PwmMotor):
    """A passive piezo driven at its resonance (~2.7 kHz) with a 50 % square wave, the loudest
    drive a piezo gets; a piezo's loudness barely follows duty, so any level > 0 is simply on."""

    def __init__(self, pwm, freq_hz=2700):
        if not 1000 <= freq_hz <= 5000:
            raise ValueError("buzzer freq_hz must be 1000..5000, got %r" % (freq_hz,))
        self._pwm = pwm
        pwm.freq(freq_hz)
        pwm.duty_u16(0)
        self.level = 0

    def _duty(self, level):
        return _FULL // 2 + 1 if level else 0
