"""Register model of the STMicroelectronics LSM6DS3 and LSM6DSO accel+gyro.

Sources:
- LSM6DS3 datasheet DocID026899 rev 10: §9 register map and §9.x descriptions: FIFO_CTRL1-5
  0x06-0x0A (FIFO_CTRL3 DEC_FIFO_GYRO 5:3 / DEC_FIFO_XL 2:0, 001 = no decimation; FIFO_CTRL5
  ODR_FIFO 6:3, FIFO_MODE 2:0: 000 bypass, 001 FIFO/stop when full, 110 continuous/overwrite),
  WHO_AM_I 0x0F = 0x69, CTRL1_XL 0x10 (ODR_XL 7:4, FS_XL 3:2: 00 2 g, 01 16 g, 10 4 g, 11 8 g),
  CTRL2_G 0x11 (ODR_G 7:4, FS_G 3:2: 250/500/1000/2000 dps, FS_125 bit 1), CTRL3_C 0x12 (BDU 6,
  IF_INC 2 (reset 1), BLE 1, SW_RESET 0), outputs 0x20-0x2D little-endian (gyro 0x22, accel
  0x28), FIFO_STATUS1-4 0x3A-0x3D (DIFF_FIFO 11:0 unread 16-bit words, OVER_RUN, FIFO_EMPTY,
  FIFO_PATTERN 9:0 = which word comes next), FIFO_DATA_OUT_L/H 0x3E/0x3F. §8.x FIFO: 8 KB,
  data sets in the order gyro then accel. Table 3: sensitivity 0.061/0.122/0.244/0.488 mg/LSB,
  4.375/8.75/17.5/35/70 mdps/LSB.
- LSM6DSO datasheet DS12140 rev 2: §9 register map: FIFO_CTRL1-4 0x07-0x0A (FIFO_CTRL3 BDR_GY 7:4
  / BDR_XL 3:0, FIFO_CTRL4 FIFO_MODE 2:0 as above), WHO_AM_I 0x0F = 0x6C, same CTRL1_XL/CTRL2_G
  coding, CTRL3_C without BLE, FIFO_STATUS1/2 0x3A/0x3B (DIFF_FIFO 9:0 unread words, FIFO_OVR_IA
  bit 6), FIFO_DATA_OUT_TAG 0x78 (TAG_SENSOR 7:3: 0x01 gyro, 0x02 accel) + 6 data bytes
  0x79-0x7E. §6.5: 3 KB FIFO = 512 words of 6 data bytes.
Model assumptions (confirm on a board): a burst read of the FIFO output registers rolls back to
their first address (0x3F -> 0x3E, 0x7E -> 0x78) so one I2C read drains many words; a
continuous-mode overflow drops the oldest word (DS3) or record (DSO).
"""
from .regfile import FifoRing, RegisterModel, put16, span

WHO_AM_I = 0x0F
CTRL1_XL = 0x10
CTRL2_G = 0x11
CTRL3_C = 0x12
STATUS_REG = 0x1E
OUT_TEMP_L = 0x20
OUTX_L_G = 0x22
FIFO_STATUS1 = 0x3A
FIFO_STATUS2 = 0x3B
FIFO_STATUS3 = 0x3C
FIFO_STATUS4 = 0x3D

ODR_HZ = {1: 12, 2: 26, 3: 52, 4: 104, 5: 208, 6: 416, 7: 833, 8: 1660, 9: 3330, 10: 6660}
ACCEL_MG_PER_LSB = (0.061, 0.488, 0.122, 0.244)  # FS_XL 00, 01, 10, 11
GYRO_MDPS_PER_LSB = (8.75, 17.5, 35.0, 70.0)

# name: (WHO_AM_I, FIFO_CTRL first register, FIFO_CTRL count, FIFO bytes, FIFO unit bytes)
VARIANTS = {
    "LSM6DS3": (0x69, 0x06, 5, 8192, 2),
    "LSM6DSO": (0x6C, 0x07, 4, 512 * 7, 7),
}
DS3_FIFO_DATA_OUT_L = 0x3E
DSO_FIFO_DATA_OUT_TAG = 0x78
DSO_TAG_GYRO = 0x01
DSO_TAG_ACCEL = 0x02


class Lsm6ds(RegisterModel):
    RESET = {CTRL3_C: 0x04}

    def __init__(self, clock, source, variant="LSM6DS3"):
        who, fifo_ctrl, n_ctrl, depth, unit = VARIANTS[variant]
        self.variant = variant
        self._dso = variant == "LSM6DSO"
        self.RESET = {CTRL3_C: 0x04, WHO_AM_I: who}
        self._fifo_ctrl = fifo_ctrl
        self.WRITABLE = span(fifo_ctrl, fifo_ctrl + n_ctrl - 1) + span(CTRL1_XL, 0x19) + (
            0x0D, 0x0E)
        status = span(FIFO_STATUS1, FIFO_STATUS2 if self._dso else FIFO_STATUS4)
        data = span(DSO_FIFO_DATA_OUT_TAG, 0x7E) if self._dso else span(0x3E, 0x3F)
        self.READABLE = (WHO_AM_I, STATUS_REG) + span(OUT_TEMP_L, 0x2D) + status + data
        self.fifo = FifoRing(depth, unit, True)
        self._enc = bytearray(12)  # gyro XYZ, accel XYZ as the output registers hold them
        self._latch = bytearray(7)  # the FIFO word/record being read out
        self._pkt = bytearray(7)
        self._written = 0  # FIFO units written since the FIFO was last emptied by bypass mode
        self._overrun = False
        super().__init__(clock, source)

    def reset(self):
        self.fifo.clear()
        self._written = 0
        super().reset()

    # -- configuration as the registers say ---------------------------------------------------
    def accel_lsb_per_g(self):
        return 1000.0 / ACCEL_MG_PER_LSB[(self.regs[CTRL1_XL] >> 2) & 3]

    def gyro_lsb_per_dps(self):
        ctrl = self.regs[CTRL2_G]
        if ctrl & 0x02:
            return 1000.0 / 4.375
        return 1000.0 / GYRO_MDPS_PER_LSB[(ctrl >> 2) & 3]

    def _rate_hz(self):
        a = ODR_HZ.get(self.regs[CTRL1_XL] >> 4, 0)
        g = ODR_HZ.get(self.regs[CTRL2_G] >> 4, 0)
        if a and g and a != g:
            self.strays.append(("accel and gyro ODR differ (not modelled)", CTRL2_G))
        return g or a

    def _fifo_mode(self):
        return self.regs[self._fifo_ctrl + (3 if self._dso else 4)] & 7

    def _big(self):
        return not self._dso and self.regs[CTRL3_C] & 0x02

    # -- register side effects ------------------------------------------------------------------
    def _read(self, reg):
        if reg == FIFO_STATUS1 or reg == FIFO_STATUS2:
            words = self.fifo.count // self.fifo.unit
            if self._dso:
                if reg == FIFO_STATUS1:
                    return words & 0xFF
                return (0x40 if self._overrun else 0) | (words >> 8) & 3
            words = min(words, 0xFFF)
            if reg == FIFO_STATUS1:
                return words & 0xFF
            return ((0x40 if self._overrun else 0) | (0x10 if not words else 0)
                    | (words >> 8) & 0x0F)
        if reg == FIFO_STATUS3 or reg == FIFO_STATUS4:
            per_set = 6 if self._batched() == 3 else 3
            oldest = self._written - self.fifo.count // self.fifo.unit
            pattern = oldest % per_set
            return pattern & 0xFF if reg == FIFO_STATUS3 else pattern >> 8
        if self._dso and DSO_FIFO_DATA_OUT_TAG <= reg <= 0x7E:
            if reg == DSO_FIFO_DATA_OUT_TAG:
                self._pop_unit()
            return self._latch[reg - DSO_FIFO_DATA_OUT_TAG]
        if not self._dso and (reg == 0x3E or reg == 0x3F):
            if reg == 0x3E:
                self._pop_unit()
            return self._latch[reg - 0x3E]
        return super()._read(reg)

    def _pop_unit(self):
        if self.fifo.count < self.fifo.unit:
            self.underruns += 1
            for i in range(7):
                self._latch[i] = 0
            return
        for i in range(self.fifo.unit):
            self._latch[i] = self.fifo.pop()
        self._overrun = False

    def _write(self, reg, value):
        if reg == CTRL3_C:
            if value & 0x01:
                self.reset()
                return
            if self._dso and value & 0x02:
                self.strays.append(("CTRL3_C bit 1 must be 0 on the LSM6DSO", reg))
        super()._write(reg, value)
        if self._fifo_mode() == 0:  # bypass empties the FIFO
            self.fifo.clear()
            self._written = 0
        self.fifo.overwrite = self._fifo_mode() != 1
        if self._fifo_mode() not in (0, 1, 6):
            self.strays.append(("FIFO mode %d not modelled" % self._fifo_mode(), reg))

    def _next(self, reg):
        if not self.regs[CTRL3_C] & 0x04:
            return reg  # IF_INC cleared: the address does not advance
        if self._dso and reg == 0x7E:
            return DSO_FIFO_DATA_OUT_TAG
        if not self._dso and reg == 0x3F:
            return DS3_FIFO_DATA_OUT_L
        return (reg + 1) & 0xFF

    # -- sampling -----------------------------------------------------------------------------
    def _batched(self):
        """What is batched into the FIFO: bit 0 gyro, bit 1 accel. Batching slower than the ODR
        decimates, which the model does not do: it records a stray instead of inventing data."""
        ctrl = self.regs[self._fifo_ctrl + 2]
        if self._dso:
            g_code, a_code = ctrl >> 4, ctrl & 0x0F
        else:
            fifo_code = (self.regs[self._fifo_ctrl + 4] >> 3) & 0x0F
            g_code = fifo_code if (ctrl >> 3) & 7 else 0
            a_code = fifo_code if ctrl & 7 else 0
            if ((ctrl >> 3) & 7) > 1 or (ctrl & 7) > 1:
                self._stray_once("FIFO decimation not modelled")
        if (g_code and ODR_HZ.get(g_code, 0) != self._odr_hz
                or a_code and ODR_HZ.get(a_code, 0) != self._odr_hz):
            self._stray_once("FIFO rate != sensor ODR (not modelled)")
            return 0
        return (1 if g_code else 0) | (2 if a_code else 0)

    def _stray_once(self, what):
        if (what, self._fifo_ctrl) not in self.strays:
            self.strays.append((what, self._fifo_ctrl))

    def _encode(self, row):
        a = self.accel_lsb_per_g()
        g = self.gyro_lsb_per_dps()
        big = self._big()
        for i in range(3):
            put16(self._enc, 2 * i, self._count(row, 3 + i, g), big)
            put16(self._enc, 6 + 2 * i, self._count(row, i, a), big)

    def _emit(self):
        for i in range(12):
            self.regs[OUTX_L_G + i] = self._enc[i]
        self.regs[STATUS_REG] |= 0x03
        if self._fifo_mode() == 0:
            return
        batched = self._batched()
        if self._dso:
            if batched & 1:
                self._push_record(DSO_TAG_GYRO, 0)
            if batched & 2:
                self._push_record(DSO_TAG_ACCEL, 6)
            return
        if batched & 1:
            for i in range(3):
                self._push(2 * i, 2)
        if batched & 2:
            for i in range(3):
                self._push(6 + 2 * i, 2)

    def _push_record(self, tag, start):
        self._pkt[0] = (tag << 3) | ((self.k & 3) << 1)
        for i in range(6):
            self._pkt[1 + i] = self._enc[start + i]
        self._push_pkt(7)

    def _push(self, start, n):
        for i in range(n):
            self._pkt[i] = self._enc[start + i]
        self._push_pkt(n)

    def _push_pkt(self, n):
        before = self.fifo.overflows
        self.fifo.push(self._pkt, n)
        if self.fifo.overflows != before:
            self._overrun = True
            if not self.fifo.overwrite:
                return
        self._written += 1
