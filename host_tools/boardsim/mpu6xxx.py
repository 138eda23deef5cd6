"""Register model of the InvenSense MPU-6050 / MPU-6500 / MPU-9250 / MPU-6886 accel+gyro.

Sources (register numbers are decimal in the documents):
- MPU-6000/6050 Register Map RM-MPU-6000A-00 rev 4.2: §4.2 SMPLRT_DIV (25), §4.3 CONFIG (26,
  DLPF_CFG: gyro rate 8 kHz when 0 or 7, else 1 kHz), §4.4 GYRO_CONFIG (27, FS_SEL bits 4:3,
  131/65.5/32.8/16.4 LSB/dps), §4.5 ACCEL_CONFIG (28, AFS_SEL bits 4:3, 16384 >> AFS_SEL LSB/g),
  §4.7 FIFO_EN (35: TEMP 7, XG 6, YG 5, ZG 4, ACCEL 3), §4.16 INT_STATUS (58, FIFO_OFLOW_INT 4,
  DATA_RDY_INT 0, cleared by reading), §4.17-4.19 data (59-72, big-endian two's complement),
  §4.27 USER_CTRL (106: FIFO_EN 6, FIFO_RESET 2 "while FIFO_EN equals 0", self-clearing),
  §4.28 PWR_MGMT_1 (107: DEVICE_RESET 7, SLEEP 6, CLKSEL 2:0; reset 0x40), §4.30 FIFO_COUNT
  (114-115, high byte first), §4.31 FIFO_R_W (116), §4.32 WHO_AM_I (117) = 0x68. Product spec
  PS-MPU-6000A-00 §7.17: 1024-byte FIFO. Motion interrupt from register map rev 3.x (dropped
  from rev 4.x, still in the silicon): MOT_THR (31, 2 mg/LSB), MOT_DUR (32), INT_ENABLE MOT_EN
  (bit 6), needs the accel high-pass ACCEL_HPF (ACCEL_CONFIG 2:0) non-zero; cycle mode
  PWR_MGMT_1 CYCLE (bit 5) with PWR_MGMT_2 LP_WAKE_CTRL (7:6) = 1.25/5/20/40 Hz.
  INT_PIN_CFG (55): INT_LEVEL 7 (1 = active low), LATCH_INT_EN 5 (held until INT_STATUS read).
- MPU-6500 Register Map RM-MPU-6500A-00 / MPU-9250 RM-MPU-9250A-00: same layout plus
  ACCEL_CONFIG2 (29), GYRO_CONFIG FCHOICE_B (1:0, non-zero bypasses the DLPF and SMPLRT_DIV),
  CONFIG FIFO_MODE (bit 6: 1 = drop new data when full, 0 = overwrite the oldest), PWR_MGMT_1
  reset 0x01, WHO_AM_I 0x70 / 0x71; 512-byte FIFO (MPU-9250 PS §4.17). Wake-on-motion
  (PS §7.x / RM): LP_ACCEL_ODR (30), WOM_THR (31, 4 mg/LSB), MOT_DETECT_CTRL (105: ACCEL_INTEL_EN
  7, ACCEL_INTEL_MODE 6 = compare with the previous sample), INT_ENABLE WOM_EN (bit 6), cycle
  mode PWR_MGMT_1 CYCLE at the LP_ACCEL_ODR rate.
- MPU-6886 datasheet (TDK DS-000193): WHO_AM_I 0x19, PWR_MGMT_1 reset 0x41, FIFO_EN has only
  GYRO_FIFO_EN (4, which also writes TEMP_OUT) and ACC_FIFO_EN (3), 1 KB FIFO.
"""
from .regfile import FifoRing, RegisterModel, put16, span

SMPLRT_DIV = 0x19
CONFIG = 0x1A
GYRO_CONFIG = 0x1B
ACCEL_CONFIG = 0x1C
ACCEL_CONFIG2 = 0x1D
FIFO_EN = 0x23
LP_ACCEL_ODR = 0x1E
MOT_THR = 0x1F  # WOM_THR on the MPU-6500/9250
MOT_DUR = 0x20
INT_PIN_CFG = 0x37
INT_ENABLE = 0x38
INT_STATUS = 0x3A
ACCEL_XOUT_H = 0x3B
SIGNAL_PATH_RESET = 0x68
MOT_DETECT_CTRL = 0x69
USER_CTRL = 0x6A
PWR_MGMT_1 = 0x6B
PWR_MGMT_2 = 0x6C
FIFO_COUNTH = 0x72
FIFO_COUNTL = 0x73
FIFO_R_W = 0x74
WHO_AM_I = 0x75

GYRO_LSB_PER_DPS = (131.0, 65.5, 32.8, 16.4)
LP_WAKE_HZ = (1, 5, 20, 40)  # MPU-6050 LP_WAKE_CTRL
LP_ACCEL_ODR_HZ = (1, 1, 1, 2, 4, 8, 16, 31, 62, 125, 250, 500)  # MPU-6500 LP_ACCEL_ODR (rounded)

# name: (WHO_AM_I, PWR_MGMT_1 reset, FIFO bytes, has ACCEL_CONFIG2 / FCHOICE / FIFO_MODE,
#        FIFO_EN layout: True = separate XG/YG/ZG/TEMP bits, False = MPU-6886 combined bits)
VARIANTS = {
    "MPU-6050": (0x68, 0x40, 1024, False, True),
    "MPU-6500": (0x70, 0x01, 512, True, True),
    "MPU-9250": (0x71, 0x01, 512, True, True),
    "MPU-6886": (0x19, 0x41, 1024, True, False),
}


class Mpu6xxx(RegisterModel):
    READABLE = span(ACCEL_XOUT_H, 0x48) + (INT_STATUS, FIFO_COUNTH, FIFO_COUNTL, FIFO_R_W,
                                           WHO_AM_I)

    def __init__(self, clock, source, variant="MPU-6050"):
        who, pwr, depth, newer, separate = VARIANTS[variant]
        self.variant = variant
        self.RESET = {PWR_MGMT_1: pwr, WHO_AM_I: who}
        self._newer = newer
        self._separate = separate
        writable = [SMPLRT_DIV, CONFIG, GYRO_CONFIG, ACCEL_CONFIG, FIFO_EN, INT_PIN_CFG,
                    INT_ENABLE, SIGNAL_PATH_RESET, USER_CTRL, PWR_MGMT_1, PWR_MGMT_2, FIFO_R_W]
        if variant != "MPU-6886":  # its wake-on-motion registers differ and are not modelled
            writable += [MOT_THR, MOT_DETECT_CTRL]
            writable.append(LP_ACCEL_ODR if newer else MOT_DUR)
        if newer:
            writable.append(ACCEL_CONFIG2)
        self.WRITABLE = tuple(writable)
        self.fifo = FifoRing(depth, 1, True)
        self._enc = bytearray(14)  # accel xyz, temp, gyro xyz as the data registers hold them
        self._pkt = bytearray(14)
        super().__init__(clock, source)

    # -- configuration as the registers say ---------------------------------------------------
    def reset(self):
        self.fifo.clear()
        super().reset()

    def accel_lsb_per_g(self):
        return 16384 >> ((self.regs[ACCEL_CONFIG] >> 3) & 3)

    def gyro_lsb_per_dps(self):
        return GYRO_LSB_PER_DPS[(self.regs[GYRO_CONFIG] >> 3) & 3]

    def _rate_hz(self):
        pwr = self.regs[PWR_MGMT_1]
        if pwr & 0x40:
            return 0
        if pwr & 0x20:  # cycle mode: accel only, at the low-power wake rate
            if self._newer:
                return LP_ACCEL_ODR_HZ[min(self.regs[LP_ACCEL_ODR] & 0x0F, 11)]
            return LP_WAKE_HZ[self.regs[PWR_MGMT_2] >> 6]
        dlpf = self.regs[CONFIG] & 7
        if self._newer and self.regs[GYRO_CONFIG] & 3:
            return 8000  # FCHOICE_B bypasses the DLPF and the divider (RM-MPU-6500 §4.6)
        internal = 8000 if dlpf in (0, 7) else 1000
        return internal // (1 + self.regs[SMPLRT_DIV])

    # -- register side effects ------------------------------------------------------------------
    def _read(self, reg):
        if reg == FIFO_R_W:
            b = self.fifo.pop()
            if b is None:
                self.underruns += 1
                return 0
            return b
        if reg == FIFO_COUNTH:
            return self.fifo.count >> 8
        if reg == FIFO_COUNTL:
            return self.fifo.count & 0xFF
        value = super()._read(reg)
        if reg == INT_STATUS:
            self.regs[INT_STATUS] = 0
            self._set_int(self._int_pin(False))
        return value

    def _int_pin(self, active):
        return (0 if active else 1) if self.regs[INT_PIN_CFG] & 0x80 else (1 if active else 0)

    def _write(self, reg, value):
        if reg == PWR_MGMT_1 and value & 0x80:
            self.reset()
            return
        if reg == USER_CTRL:
            if value & 0x04:
                if value & 0x40 and not self._newer:
                    self.strays.append(("FIFO_RESET with FIFO_EN set", reg))
                else:
                    self.fifo.clear()
            value &= ~0x07 & 0xFF  # reset bits clear themselves
        if reg == FIFO_R_W:
            return
        if reg == CONFIG and self._newer:
            self.fifo.overwrite = not value & 0x40
        super()._write(reg, value)

    def _next(self, reg):
        return reg if reg == FIFO_R_W else (reg + 1) & 0xFF

    # -- sampling -----------------------------------------------------------------------------
    def _encode(self, row):
        a = self.accel_lsb_per_g()
        g = self.gyro_lsb_per_dps()
        for i in range(3):
            put16(self._enc, 2 * i, self._count(row, i, a), True)
            put16(self._enc, 8 + 2 * i, self._count(row, 3 + i, g), True)
        put16(self._enc, 6, 0, True)

    def _emit(self):
        for i in range(14):
            self.regs[ACCEL_XOUT_H + i] = self._enc[i]
        self.regs[INT_STATUS] |= 0x01
        self._detect_motion()
        if not self.regs[USER_CTRL] & 0x40:
            return
        en = self.regs[FIFO_EN]
        n = 0
        if en & 0x08:
            n = self._copy(0, 6, n)
        if self._separate:
            if en & 0x80:
                n = self._copy(6, 2, n)
            for i in range(3):
                if en & (0x40 >> i):
                    n = self._copy(8 + 2 * i, 2, n)
        elif en & 0x10:
            n = self._copy(6, 8, n)
        if n:
            before = self.fifo.overflows
            self.fifo.push(self._pkt, n)
            if self.fifo.overflows != before:
                self.regs[INT_STATUS] |= 0x10

    def _copy(self, start, length, n):
        for i in range(length):
            self._pkt[n + i] = self._enc[start + i]
        return n + length

    def _detect_motion(self):
        if not self.regs[INT_ENABLE] & 0x40:
            return
        if self._newer:
            if not self.regs[MOT_DETECT_CTRL] & 0x80:
                return
            threshold_mg = self.regs[MOT_THR] * 4
        else:
            if not self.regs[ACCEL_CONFIG] & 7:
                return  # ACCEL_HPF 0 holds the high-pass output at zero: nothing ever moves
            threshold_mg = self.regs[MOT_THR] * 2
        if self._moved(threshold_mg, threshold_mg, threshold_mg):
            self.regs[INT_STATUS] |= 0x40
            self._set_int(self._int_pin(True))
            if not self.regs[INT_PIN_CFG] & 0x20:  # not latched: a 50 us pulse
                self._set_int(self._int_pin(False))
