"""The barometer drivers (Bosch BMP280 and BMP390): pressure in Pa. Loaded by baro.find_baro
only when something answers at a barometer's address, so a board without one never keeps
their names (qstrs: docs/device.md, "Memory").

Sources:
- BMP280 datasheet BST-BMP280-DS001: §4.3 memory map (id 0xD0 = 0x58, reset 0xE0 <- 0xB6,
  ctrl_meas 0xF4 osrs_t 7:5 / osrs_p 4:2 / mode 1:0, config 0xF5 t_sb 7:5 / filter 4:2,
  press 0xF7..0xF9 and temp 0xFA..0xFC: msb, lsb, xlsb 7:4 = 20 bits), §3.11.2 trimming
  parameters 0x88..0x9F (little-endian; dig_T1/dig_P1 unsigned, the rest signed),
  §8.2 compensation in 32-bit fixed point (integer-only: cheap in bytecode, exact on any port).
- BMP390 datasheet BST-BMP390-DS002: §5 register map (CHIP_ID 0x00 = 0x60, DATA_0..5
  0x04..0x09 pressure then temperature, 24-bit little-endian, PWR_CTRL 0x1B press_en 0 /
  temp_en 1 / mode 5:4, OSR 0x1C osr_p 2:0 / osr_t 5:3, ODR 0x1D, CONFIG 0x1F iir 3:1,
  CMD 0x7E <- 0xB6), §9.1 calibration coefficients NVM_PAR_T1..P11 0x31..0x45 and their
  scaling, §9.2/9.3 (appendix 8.5 in older revisions) floating-point compensation.
"""
from .i2cdev import I2CDevice, sleep_ms


def _u16(b, i):
    return b[i] | (b[i + 1] << 8)


def _s16(b, i):
    v = b[i] | (b[i + 1] << 8)
    return v - 65536 if v & 0x8000 else v


def _s8(b, i):
    v = b[i]
    return v - 256 if v & 0x80 else v


class Bmp280(I2CDevice):
    NAME = "BMP280"
    ID_REG = 0xD0
    CHIP_ID = 0x58
    CALIB_REG = 0x88
    DATA_REG = 0xF7
    MEAS = 0x2F  # ctrl_meas: osrs_t 001 (x1), osrs_p 011 (x4), mode 11 (normal)

    def __init__(self, i2c, address, sleep_ms=sleep_ms):
        super().__init__(i2c, address)
        self._sleep_ms = sleep_ms
        self._cal = bytearray(24)
        self._data = bytearray(6)
        self.temp_c = 0.0

    def configure(self):
        """Normal mode, pressure x4 / temperature x1 oversampling, IIR 4, standby 0.5 ms:
        about 60 Hz of ~1 Pa samples (datasheet §3.8.2 table 15, "handheld" class), read at
        a few Hz. Trimming values are read once here."""
        self._write_u8(0xE0, 0xB6)  # soft reset
        self._sleep_ms(3)  # start-up time 2 ms (§1 table 2)
        self._i2c.readfrom_mem_into(self._addr, self.CALIB_REG, self._cal)
        self._write_u8(0xF5, 0x08)  # t_sb 000, filter 010 (coefficient 4)
        self._write_u8(0xF4, self.MEAS)

    def read_pa(self):
        """Compensated pressure in Pa (int); also sets temp_c."""
        d = self._data
        self._i2c.readfrom_mem_into(self._addr, self.DATA_REG, d)
        adc_p = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4)
        adc_t = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4)
        c = self._cal
        t1 = _u16(c, 0)
        var1 = (((adc_t >> 3) - (t1 << 1)) * _s16(c, 2)) >> 11
        x = (adc_t >> 4) - t1
        var2 = (((x * x) >> 12) * _s16(c, 4)) >> 14
        t_fine = var1 + var2
        self.temp_c = ((t_fine * 5 + 128) >> 8) / 100
        # §8.2 bmp280_compensate_P_int32
        var1 = (t_fine >> 1) - 64000
        var2 = (((var1 >> 2) * (var1 >> 2)) >> 11) * _s16(c, 16)
        var2 = var2 + ((var1 * _s16(c, 14)) << 1)
        var2 = (var2 >> 2) + (_s16(c, 12) << 16)
        var1 = (((_s16(c, 10) * (((var1 >> 2) * (var1 >> 2)) >> 13)) >> 3)
                + ((_s16(c, 8) * var1) >> 1)) >> 18
        var1 = ((32768 + var1) * _u16(c, 6)) >> 15
        if var1 == 0:
            return 0  # the datasheet's guard against division by zero
        p = ((1048576 - adc_p) - (var2 >> 12)) * 3125
        if p < 0x80000000:
            p = (p << 1) // var1
        else:
            p = (p // var1) * 2
        var1 = (_s16(c, 22) * (((p >> 3) * (p >> 3)) >> 13)) >> 12
        var2 = ((p >> 2) * _s16(c, 20)) >> 13
        return p + ((var1 + var2 + _s16(c, 18)) >> 4)


class Bmp390(I2CDevice):
    NAME = "BMP390"
    ID_REG = 0x00
    CHIP_ID = 0x60
    CALIB_REG = 0x31
    DATA_REG = 0x04
    PWR = 0x33  # PWR_CTRL: press_en, temp_en, mode 11 (normal)

    def __init__(self, i2c, address, sleep_ms=sleep_ms):
        super().__init__(i2c, address)
        self._sleep_ms = sleep_ms
        self._cal = bytearray(21)
        self._data = bytearray(6)
        self._par = None
        self.temp_c = 0.0

    def configure(self):
        """Normal mode at 25 Hz (ODR 0x1D = 3), pressure x4 / temperature x1, IIR 3
        (datasheet §3.5 "drone"-like setting): ~1 Pa noise, read at a few Hz."""
        self._write_u8(0x7E, 0xB6)  # soft reset
        self._sleep_ms(3)
        self._i2c.readfrom_mem_into(self._addr, self.CALIB_REG, self._cal)
        c = self._cal
        # §9.1: NVM integers -> floating-point coefficients (powers of two)
        self._par = [
            _u16(c, 0) * 256.0,  # par_t1 = T1 / 2^-8
            _u16(c, 2) / 1073741824.0,  # par_t2 = T2 / 2^30
            _s8(c, 4) / 281474976710656.0,  # par_t3 = T3 / 2^48
            (_s16(c, 5) - 16384) / 1048576.0,  # par_p1 = (P1 - 2^14) / 2^20
            (_s16(c, 7) - 16384) / 536870912.0,  # par_p2 = (P2 - 2^14) / 2^29
            _s8(c, 9) / 4294967296.0,  # par_p3 / 2^32
            _s8(c, 10) / 137438953472.0,  # par_p4 / 2^37
            _u16(c, 11) * 8.0,  # par_p5 = P5 / 2^-3
            _u16(c, 13) / 64.0,  # par_p6 / 2^6
            _s8(c, 15) / 256.0,  # par_p7 / 2^8
            _s8(c, 16) / 32768.0,  # par_p8 / 2^15
            _s16(c, 17) / 281474976710656.0,  # par_p9 / 2^48
            _s8(c, 19) / 281474976710656.0,  # par_p10 / 2^48
            _s8(c, 20) / 36893488147419103232.0,  # par_p11 / 2^65
        ]
        self._write_u8(0x1F, 0x04)  # iir_filter 010 (coefficient 3)
        self._write_u8(0x1C, 0x02)  # osr_p 010 (x4), osr_t 000 (x1)
        self._write_u8(0x1D, 0x03)  # odr_sel 3: 25 Hz
        self._write_u8(0x1B, self.PWR)

    def read_pa(self):
        """Compensated pressure in Pa (float); also sets temp_c."""
        d = self._data
        self._i2c.readfrom_mem_into(self._addr, self.DATA_REG, d)
        up = d[0] | (d[1] << 8) | (d[2] << 16)
        ut = d[3] | (d[4] << 8) | (d[5] << 16)
        k = self._par
        pd1 = ut - k[0]
        t = pd1 * k[1] + pd1 * pd1 * k[2]
        self.temp_c = t
        t2 = t * t
        t3 = t2 * t
        out1 = k[7] + k[8] * t + k[9] * t2 + k[10] * t3
        out2 = up * (k[3] + k[4] * t + k[5] * t2 + k[6] * t3)
        u2 = up * up
        return out1 + out2 + u2 * (k[11] + k[12] * t) + u2 * up * k[13]


DRIVERS = (Bmp280, Bmp390)
