"""TI DRV2605L haptic driver over I2C, played in real-time playback (RTP) mode.

Registers and bits: DRV2605L datasheet SLOS854D §8.6 (STATUS 0x00 DEVICE_ID 7:5, MODE 0x01,
RTP_INPUT 0x02, FEEDBACK_CONTROL 0x1A N_ERM_LRA, CONTROL3 0x1D DATA_FORMAT_RTP / open loop).
Interface in haptic.py. Between buzzes the chip sits in
standby (MODE.STANDBY, a few uA) instead of driving zero.
"""
from ..core.compat import const
from .haptic import check_level
from .i2cdev import I2CDevice, sleep_ms

_STATUS = const(0x00)
_MODE = const(0x01)
_RTP_INPUT = const(0x02)
_FEEDBACK_CONTROL = const(0x1A)
_CONTROL3 = const(0x1D)

_MODE_RESET = const(0x80)
_MODE_STANDBY = const(0x40)
_MODE_RTP = const(0x05)
_N_ERM_LRA = const(0x80)
_RTP_UNSIGNED = const(0x08)
_ERM_OPEN_LOOP = const(0x20)
_LRA_OPEN_LOOP = const(0x01)
_DEVICE_IDS = {7: "DRV2605L", 3: "DRV2605"}


class Drv2605(I2CDevice):
    """`actuator` "erm" or "lra". Both run open loop: closed-loop LRA drive needs the
    auto-calibration routine with the real actuator attached (docs/drivers.md)."""

    def __init__(self, i2c, address=0x5A, actuator="erm", sleep_ms=sleep_ms):
        if actuator not in ("erm", "lra"):
            raise ValueError("actuator must be 'erm' or 'lra', got %r" % (actuator,))
        super().__init__(i2c, address)
        try:
            status = self._read_u8(_STATUS)
        except OSError:
            raise OSError("DRV2605L: nothing answers at I2C address 0x%02x; check wiring"
                          % address)
        self.name = _DEVICE_IDS.get(status >> 5)
        if self.name is None:
            raise OSError("no DRV2605L at I2C address 0x%02x (STATUS 0x%02x)" % (address, status))
        self._write_u8(_MODE, _MODE_RESET)
        sleep_ms(2)
        fb = self._read_u8(_FEEDBACK_CONTROL) & ~_N_ERM_LRA & 0xFF
        self._write_u8(_FEEDBACK_CONTROL, fb | (_N_ERM_LRA if actuator == "lra" else 0))
        c3 = self._read_u8(_CONTROL3) | _RTP_UNSIGNED
        self._write_u8(_CONTROL3, c3 | (_LRA_OPEN_LOOP if actuator == "lra" else _ERM_OPEN_LOOP))
        self._write_u8(_RTP_INPUT, 0)
        self._write_u8(_MODE, _MODE_STANDBY | _MODE_RTP)
        self._standby = True
        self.level = 0

    def set(self, level):
        check_level(level)
        if level == 0:
            if not self._standby:
                self._write_u8(_RTP_INPUT, 0)
                self._write_u8(_MODE, _MODE_STANDBY | _MODE_RTP)
                self._standby = True
        else:
            self._write_u8(_RTP_INPUT, level)  # amplitude first, then leave standby: no glitch
            if self._standby:
                self._write_u8(_MODE, _MODE_RTP)
                self._standby = False
        self.level = level
