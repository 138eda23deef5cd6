"""Register model of the TI DRV2605L haptic driver, enough for real-time playback (RTP).

Source: DRV2605L datasheet SLOS854D: §8.6 register map: STATUS 0x00 (DEVICE_ID 7:5 = 7 for the
DRV2605L, 3 for the DRV2605), MODE 0x01 (DEV_RESET 7, STANDBY 6 (reset 1), MODE 2:0 with 5 = RTP),
RTP_INPUT 0x02, LIBRARY_SEL 0x03, GO 0x0C, RATED_VOLTAGE 0x16, OD_CLAMP 0x17,
FEEDBACK_CONTROL 0x1A (N_ERM_LRA 7: 1 = LRA; reset 0x36), CONTROL3 0x1D (DATA_FORMAT_RTP 3:
0 = signed, 1 = unsigned; ERM_OPEN_LOOP 5; LRA_OPEN_LOOP 0; reset 0xA0).
§8.3.5.2: in RTP mode the output follows RTP_INPUT; in standby the output stage is off.

`timeline` records (t_ms, drive) where drive 0..255 is the fraction of full scale the actuator
gets, so a test asserts what the motor would feel, not which bytes were written.
"""
from .regfile import RegisterModel, span

STATUS = 0x00
MODE = 0x01
RTP_INPUT = 0x02
LIBRARY_SEL = 0x03
GO = 0x0C
RATED_VOLTAGE = 0x16
OD_CLAMP = 0x17
FEEDBACK_CONTROL = 0x1A
CONTROL3 = 0x1D
OL_LRA_PERIOD = 0x20

MODE_RTP = 5


class Drv2605(RegisterModel):
    RESET = {STATUS: 0xE0, MODE: 0x40, LIBRARY_SEL: 0x01, RATED_VOLTAGE: 0x3E, OD_CLAMP: 0x8C,
             FEEDBACK_CONTROL: 0x36, 0x1B: 0x93, 0x1C: 0xF5, CONTROL3: 0xA0, 0x1E: 0x20,
             OL_LRA_PERIOD: 0x33}
    WRITABLE = span(MODE, 0x1E) + (OL_LRA_PERIOD,)
    READABLE = (STATUS, 0x1F, 0x21, 0x22)

    def __init__(self, clock, source=None, device_id=7):
        self.RESET = dict(Drv2605.RESET)
        self.RESET[STATUS] = device_id << 5
        self.timeline = []
        super().__init__(clock, source)

    def reset(self):
        super().reset()
        self._record()

    def actuator(self):
        return "lra" if self.regs[FEEDBACK_CONTROL] & 0x80 else "erm"

    def drive(self):
        """What the output stage delivers now, 0..255."""
        mode = self.regs[MODE]
        if mode & 0x40 or mode & 7 != MODE_RTP:
            return 0
        v = self.regs[RTP_INPUT]
        if self.regs[CONTROL3] & 0x08:
            return v
        v = v - 256 if v & 0x80 else v  # signed RTP: only the positive half drives an ERM
        return 0 if v <= 0 else min(255, v * 2 + 1)

    def _write(self, reg, value):
        if reg == MODE and value & 0x80:
            self.reset()
            return
        super()._write(reg, value)
        self._record()

    def _record(self):
        level = self.drive()
        if not self.timeline or self.timeline[-1][1] != level:
            self.timeline.append((self.clock.ticks_ms(), level))
