"""Register model of the TDK InvenSense ICM-42688-P (user bank 0).

Source: ICM-42688-P datasheet DS-000347 rev 1.8:
- §14 (register map, bank 0) and §15.x descriptions: DEVICE_CONFIG 0x11 (SOFT_RESET_CONFIG bit 0),
  FIFO_CONFIG 0x16 (FIFO_MODE 7:6: 00 bypass, 01 stream, 1x stop-on-full), TEMP/ACCEL/GYRO data
  0x1D-0x2A, INT_STATUS 0x2D (RESET_DONE 4, DATA_RDY 3, FIFO_FULL 1; cleared on read),
  FIFO_COUNTH/L 0x2E/0x2F, FIFO_DATA 0x30, SIGNAL_PATH_RESET 0x4B (FIFO_FLUSH bit 1),
  INTF_CONFIG0 0x4C (FIFO_COUNT_REC 6, FIFO_COUNT_ENDIAN 5, SENSOR_DATA_ENDIAN 4; reset 0x30 =
  both big-endian), PWR_MGMT0 0x4E (GYRO_MODE 3:2, ACCEL_MODE 1:0; 11 = low noise; reset 0 = off),
  GYRO_CONFIG0 0x4F / ACCEL_CONFIG0 0x50 (FS_SEL 7:5, ODR 3:0; reset 0x06 = 2000 dps / 16 g at
  1 kHz), GYRO_ACCEL_CONFIG0 0x52 (UI filter bandwidths; reset 0x11), FIFO_CONFIG1 0x5F
  (HIRES 4, TMST_FSYNC 3, TEMP 2, GYRO 1, ACCEL 0), WHO_AM_I 0x75 = 0x47, REG_BANK_SEL 0x76.
- §6.1 FIFO packet structure: packet 3 (accel + gyro) is 16 bytes: header, accel XYZ, gyro XYZ,
  temperature (1 byte), timestamp (2 bytes); header bit 7 = FIFO empty, 6 = accel, 5 = gyro.
  Packets 1/2 (one sensor) are 8 bytes. The FIFO holds 2 KB.
- Table of FS_SEL: gyro 2000/1000/500/250/125 dps = 16.4/32.8/65.5/131/262 LSB/dps; accel
  16/8/4/2 g = 2048/4096/8192/16384 LSB/g.
- §8.7 wake on motion: bank 4 ACCEL_WOM_X/Y/Z_THR 0x4A-0x4C (1 g / 256 per LSB), INT_SOURCE1
  0x66 (WOM_Z/Y/X_INT1_EN 2:0), SMD_CONFIG 0x57 (WOM_MODE 2: compare with the previous sample,
  SMD_MODE 1:0 = 01 WOM), INT_STATUS2 0x37 (WOM_Z/Y/X 2:0, cleared on read), INT_CONFIG 0x14
  (INT1_MODE 2: latched, INT1_DRIVE_CIRCUIT 1: push-pull, INT1_POLARITY 0: active high).
Model assumption (confirm on a board): in stream mode a full FIFO drops its oldest packet.
"""
from .regfile import FifoRing, RegisterModel, put16, span

DEVICE_CONFIG = 0x11
DRIVE_CONFIG = 0x13
INT_CONFIG = 0x14
FIFO_CONFIG = 0x16
TEMP_DATA1 = 0x1D
INT_STATUS = 0x2D
INT_STATUS2 = 0x37
FIFO_COUNTH = 0x2E
FIFO_COUNTL = 0x2F
FIFO_DATA = 0x30
SIGNAL_PATH_RESET = 0x4B
INTF_CONFIG0 = 0x4C
INTF_CONFIG1 = 0x4D
PWR_MGMT0 = 0x4E
GYRO_CONFIG0 = 0x4F
ACCEL_CONFIG0 = 0x50
GYRO_CONFIG1 = 0x51
GYRO_ACCEL_CONFIG0 = 0x52
ACCEL_CONFIG1 = 0x53
TMST_CONFIG = 0x54
SMD_CONFIG = 0x57
FIFO_CONFIG1 = 0x5F
FIFO_CONFIG2 = 0x60
FIFO_CONFIG3 = 0x61
INT_CONFIG0 = 0x63
INT_SOURCE0 = 0x65
INT_SOURCE1 = 0x66
WHO_AM_I = 0x75
REG_BANK_SEL = 0x76
BANK4_ACCEL_WOM_X_THR = 0x4A

FIFO_BYTES = 2048
ODR_HZ = {1: 32000, 2: 16000, 3: 8000, 4: 4000, 5: 2000, 6: 1000, 7: 200, 8: 100, 9: 50,
          10: 25, 11: 12, 15: 500}
GYRO_LSB_PER_DPS = (16.4, 32.8, 65.5, 131.0, 262.0, 524.3, 1048.6, 2097.2)


class Icm42688(RegisterModel):
    RESET = {INT_STATUS: 0x10, INTF_CONFIG0: 0x30, INTF_CONFIG1: 0x91, GYRO_CONFIG0: 0x06,
             ACCEL_CONFIG0: 0x06, GYRO_CONFIG1: 0x16, GYRO_ACCEL_CONFIG0: 0x11,
             ACCEL_CONFIG1: 0x0D, TMST_CONFIG: 0x23, FIFO_CONFIG2: 0x00, WHO_AM_I: 0x47}
    WRITABLE = (DEVICE_CONFIG, DRIVE_CONFIG, INT_CONFIG, FIFO_CONFIG, SIGNAL_PATH_RESET,
                INTF_CONFIG0, INTF_CONFIG1, PWR_MGMT0, GYRO_CONFIG0, ACCEL_CONFIG0, GYRO_CONFIG1,
                GYRO_ACCEL_CONFIG0, ACCEL_CONFIG1, TMST_CONFIG, SMD_CONFIG, FIFO_CONFIG1,
                FIFO_CONFIG2, FIFO_CONFIG3, INT_CONFIG0, INT_SOURCE0, INT_SOURCE1, REG_BANK_SEL)
    READABLE = span(TEMP_DATA1, 0x2C) + (INT_STATUS, FIFO_COUNTH, FIFO_COUNTL, FIFO_DATA,
                                         INT_STATUS2, WHO_AM_I)

    def __init__(self, clock, source):
        self.fifo = FifoRing(FIFO_BYTES, 16, True)
        self._enc = bytearray(14)  # temp (2), accel XYZ, gyro XYZ as the data registers hold them
        self._pkt = bytearray(16)
        self.wom_thr = bytearray(3)  # bank 4 ACCEL_WOM_X/Y/Z_THR
        super().__init__(clock, source)

    def reset(self):
        self.fifo.clear()
        for i in range(3):
            self.wom_thr[i] = 0
        super().reset()

    def accel_lsb_per_g(self):
        return 2048 << (self.regs[ACCEL_CONFIG0] >> 5)

    def gyro_lsb_per_dps(self):
        return GYRO_LSB_PER_DPS[self.regs[GYRO_CONFIG0] >> 5]

    def _big(self):
        return self.regs[INTF_CONFIG0] & 0x10

    def _rate_hz(self):
        pwr = self.regs[PWR_MGMT0]
        gyro_on = (pwr >> 2) & 3 == 3
        accel_on = pwr & 3 >= 2
        g = ODR_HZ.get(self.regs[GYRO_CONFIG0] & 0x0F, 0)
        a = ODR_HZ.get(self.regs[ACCEL_CONFIG0] & 0x0F, 0)
        if gyro_on and accel_on and g != a:
            self.strays.append(("accel and gyro ODR differ (not modelled)", GYRO_CONFIG0))
        return g if gyro_on else (a if accel_on else 0)

    # -- register side effects ------------------------------------------------------------------
    def _banked(self, reg):
        return self.regs[REG_BANK_SEL] == 0 or reg == REG_BANK_SEL

    def _wom_reg(self, reg):
        return self.regs[REG_BANK_SEL] == 4 and 0 <= reg - BANK4_ACCEL_WOM_X_THR < 3

    def _read(self, reg):
        if self._wom_reg(reg):
            return self.wom_thr[reg - BANK4_ACCEL_WOM_X_THR]
        if not self._banked(reg):
            self.strays.append(("r bank %d" % self.regs[REG_BANK_SEL], reg))
            return 0
        if reg == FIFO_DATA:
            b = self.fifo.pop()
            if b is None:
                self.underruns += 1
                return 0x80  # header "FIFO empty"
            return b
        if reg == FIFO_COUNTH or reg == FIFO_COUNTL:
            n = self.fifo.count
            if self.regs[INTF_CONFIG0] & 0x40:
                n //= self._packet_len() or 1
            high = (reg == FIFO_COUNTH) == bool(self.regs[INTF_CONFIG0] & 0x20)
            return n >> 8 if high else n & 0xFF
        value = super()._read(reg)
        if reg == INT_STATUS:
            self.regs[INT_STATUS] = 0
        if reg == INT_STATUS2:
            self.regs[INT_STATUS2] = 0
            self._set_int(self._int1(False))
        return value

    def _int1(self, active):
        return (1 if active else 0) if self.regs[INT_CONFIG] & 1 else (0 if active else 1)

    def write(self, reg, data):
        if self._wom_reg(reg):  # bank-4 registers are outside WRITABLE, which is bank 0
            self._sync()
            self.wom_thr[reg - BANK4_ACCEL_WOM_X_THR] = data[0]
            return
        super().write(reg, data)

    def _write(self, reg, value):
        if not self._banked(reg):
            self.strays.append(("w bank %d" % self.regs[REG_BANK_SEL], reg))
            return
        if reg == DEVICE_CONFIG and value & 0x01:
            self.reset()
            return
        if reg == SIGNAL_PATH_RESET:
            if value & 0x02:
                self.fifo.clear()
            value &= ~0x0E & 0xFF
        if reg == FIFO_CONFIG1 and value & 0x10:
            self.strays.append(("20-bit FIFO packets not modelled", reg))
        if reg == FIFO_CONFIG:
            self.fifo.overwrite = value >> 6 == 1
        super()._write(reg, value)

    def _next(self, reg):
        return reg if reg == FIFO_DATA else (reg + 1) & 0xFF

    # -- sampling -----------------------------------------------------------------------------
    def _packet_len(self):
        en = self.regs[FIFO_CONFIG1] & 3
        return 16 if en == 3 else (8 if en else 0)

    def _encode(self, row):
        a = self.accel_lsb_per_g()
        g = self.gyro_lsb_per_dps()
        big = self._big()
        pwr = self.regs[PWR_MGMT0]
        accel_on = pwr & 3 >= 2
        gyro_on = (pwr >> 2) & 3 == 3
        put16(self._enc, 0, 0, big)
        for i in range(3):
            # An off sensor reads -32768 (datasheet §6.1: invalid sample marker).
            put16(self._enc, 2 + 2 * i, self._count(row, i, a) if accel_on else -32768, big)
            put16(self._enc, 8 + 2 * i, self._count(row, 3 + i, g) if gyro_on else -32768, big)

    def _emit(self):
        for i in range(14):
            self.regs[TEMP_DATA1 + i] = self._enc[i]
        self.regs[INT_STATUS] |= 0x08
        self._detect_motion()
        n = self._packet_len()
        if not n or self.regs[FIFO_CONFIG] >> 6 == 0:
            return
        en = self.regs[FIFO_CONFIG1] & 3
        hdr = (0x40 if en & 1 else 0) | (0x20 if en & 2 else 0)
        self._pkt[0] = hdr | (0x08 if self.regs[FIFO_CONFIG1] & 0x08 else 0)
        p = 1
        if en & 1:
            for i in range(6):
                self._pkt[p + i] = self._enc[2 + i]
            p += 6
        if en & 2:
            for i in range(6):
                self._pkt[p + i] = self._enc[8 + i]
            p += 6
        while p < n:
            self._pkt[p] = 0  # temperature (1 byte) and timestamp (2 bytes, packet 3)
            p += 1
        self.fifo.unit = n
        self.fifo.push(self._pkt, n)
        if self.fifo.count + n > self.fifo.capacity:
            self.regs[INT_STATUS] |= 0x02

    def _detect_motion(self):
        smd = self.regs[SMD_CONFIG]
        if smd & 3 != 1:
            return
        if not smd & 0x04:
            self.strays.append(("WOM against the initial sample not modelled", SMD_CONFIG))
        t = self.wom_thr
        axes = self._moved(t[0] * 1000 // 256, t[1] * 1000 // 256, t[2] * 1000 // 256)
        if axes:
            self.regs[INT_STATUS2] |= axes
            if self.regs[INT_SOURCE1] & axes:
                self._set_int(self._int1(True))
                if not self.regs[INT_CONFIG] & 0x04:  # pulsed, not latched
                    self._set_int(self._int1(False))
