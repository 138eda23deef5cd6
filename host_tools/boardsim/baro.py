"""Register models of the Bosch BMP280 and BMP390 barometers.

Each holds a calibration NVM and, in normal mode, raw ADC words found by INVERTING the
datasheet's compensation (bisection over the ADC range on the model's own forward formula), so
the driver only gets `pressure_pa` / `temp_c` back if it reads the right trimming registers in
the right byte order, assembles the ADC words correctly and compensates as the datasheet says.
The BMP280 model uses the 64-bit integer formula (§3.11.3), the driver the 32-bit one (§8.2):
two implementations that must agree, not one copied into the test.

Sources: BMP280 datasheet BST-BMP280-DS001 §3.11.2 (trimming 0x88..0x9F, example values
§3.12 table 16: dig_T1 27504 ... dig_P9 6000), §3.11.3, §4.3 (registers; press_msb and
temp_msb reset 0x80). BMP390 datasheet BST-BMP390-DS002 §5 (registers), §9.1-9.3 (NVM
0x31..0x45 and compensation). The BMP390 NVM bytes below are a plausible chip's (the datasheet
gives no example set): they map 300..1250 hPa and -40..85 degC into the 24-bit ADC range.
"""
import struct

from .regfile import RegisterModel, span

BMP280_TRIM = (27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000)
# T1 u16, T2 u16, T3 s8, P1 s16, P2 s16, P3 s8, P4 s8, P5 u16, P6 u16, P7 s8, P8 s8, P9 s16,
# P10 s8, P11 s8
BMP390_NVM = (27927, 19613, -7, 3416, 2530, 35, 1, 24982, 30560, 4, -6, -1823, 5, -60)


def _bisect(f, target, lo, hi):
    """The integer x in [lo, hi) where the monotonic f(x) is nearest to target."""
    rising = f(hi - 1) > f(lo)
    a, b = lo, hi - 1
    while b - a > 1:
        m = (a + b) // 2
        if (f(m) < target) == rising:
            a = m
        else:
            b = m
    return a if abs(f(a) - target) <= abs(f(b) - target) else b


class _Baro(RegisterModel):
    """Shared: the physical inputs, and re-encoding the data registers when they change."""

    def __init__(self, clock, pressure_pa=101325.0, temp_c=20.0):
        self.pressure_pa = pressure_pa
        self.temp_c = temp_c
        self._encoded = None
        super().__init__(clock, None)

    def reset(self):
        self._encoded = None
        super().reset()

    def _sync(self):
        if not self._measuring():
            return
        key = (self.pressure_pa, self.temp_c, self._cfg)
        if key != self._encoded:
            self._encode_now()
            self._encoded = key


class Bmp280Model(_Baro):
    CALIB = 0x88
    RESET_REG = 0xE0
    CTRL_MEAS = 0xF4
    CONFIG = 0xF5
    DATA = 0xF7
    WRITABLE = (RESET_REG, CTRL_MEAS, CONFIG)
    READABLE = span(0x88, 0x9F) + (0xD0, 0xF3) + span(0xF7, 0xFC)

    def __init__(self, clock, pressure_pa=101325.0, temp_c=20.0):
        trim = struct.pack("<HhhHhhhhhhhh", *BMP280_TRIM)
        self.RESET = {0xD0: 0x58, 0xF7: 0x80, 0xFA: 0x80}
        for i in range(len(trim)):
            self.RESET[self.CALIB + i] = trim[i]
        self._trim = BMP280_TRIM
        super().__init__(clock, pressure_pa, temp_c)

    def _write(self, reg, value):
        if reg == self.RESET_REG:
            if value == 0xB6:
                self.reset()
            return
        super()._write(reg, value)

    def _measuring(self):
        return self.regs[self.CTRL_MEAS] & 3 == 3 and self.regs[self.CTRL_MEAS] & 0x1C

    def t_fine(self, adc_t):
        t1, t2, t3 = self._trim[0], self._trim[1], self._trim[2]
        var1 = (((adc_t >> 3) - (t1 << 1)) * t2) >> 11
        var2 = (((((adc_t >> 4) - t1) * ((adc_t >> 4) - t1)) >> 12) * t3) >> 14
        return var1 + var2

    def pressure_q24_8(self, adc_p, t_fine):
        """§3.11.3 bmp280_compensate_P_int64: Pa in Q24.8."""
        p1, p2, p3, p4, p5, p6, p7, p8, p9 = self._trim[3:]
        var1 = t_fine - 128000
        var2 = var1 * var1 * p6
        var2 = var2 + ((var1 * p5) << 17)
        var2 = var2 + (p4 << 35)
        var1 = ((var1 * var1 * p3) >> 8) + ((var1 * p2) << 12)
        var1 = (((1 << 47) + var1) * p1) >> 33
        if var1 == 0:
            return 0
        p = 1048576 - adc_p
        p = (((p << 31) - var2) * 3125) // var1
        var1 = (p9 * (p >> 13) * (p >> 13)) >> 25
        var2 = (p8 * p) >> 19
        return ((p + var1 + var2) >> 8) + (p7 << 4)

    def _encode_now(self):
        adc_t = _bisect(lambda a: (self.t_fine(a) * 5 + 128) >> 8, self.temp_c * 100, 0, 1 << 20)
        t_fine = self.t_fine(adc_t)
        adc_p = _bisect(lambda a: self.pressure_q24_8(a, t_fine), self.pressure_pa * 256,
                        0, 1 << 20)
        for off, adc in ((0, adc_p), (3, adc_t)):
            self.regs[self.DATA + off] = adc >> 12
            self.regs[self.DATA + off + 1] = (adc >> 4) & 0xFF
            self.regs[self.DATA + off + 2] = (adc & 0xF) << 4


class Bmp390Model(_Baro):
    CALIB = 0x31
    DATA = 0x04
    PWR_CTRL = 0x1B
    CMD = 0x7E
    WRITABLE = (PWR_CTRL, 0x1C, 0x1D, 0x1F, CMD)
    READABLE = (0x00, 0x03) + span(0x04, 0x09) + span(0x31, 0x45)

    def __init__(self, clock, pressure_pa=101325.0, temp_c=20.0):
        nvm = struct.pack("<HHbhhbbHHbbhbb", *BMP390_NVM)
        self.RESET = {0x00: 0x60}
        for i in range(len(nvm)):
            self.RESET[self.CALIB + i] = nvm[i]
        n = BMP390_NVM
        self._par = (n[0] * 256.0, n[1] / 2.0 ** 30, n[2] / 2.0 ** 48,
                     (n[3] - 16384) / 2.0 ** 20, (n[4] - 16384) / 2.0 ** 29, n[5] / 2.0 ** 32,
                     n[6] / 2.0 ** 37, n[7] * 8.0, n[8] / 2.0 ** 6, n[9] / 2.0 ** 8,
                     n[10] / 2.0 ** 15, n[11] / 2.0 ** 48, n[12] / 2.0 ** 48, n[13] / 2.0 ** 65)
        super().__init__(clock, pressure_pa, temp_c)

    def _write(self, reg, value):
        if reg == self.CMD:
            if value == 0xB6:
                self.reset()
            return
        super()._write(reg, value)

    def _measuring(self):
        return (self.regs[self.PWR_CTRL] >> 4) & 3 == 3 and self.regs[self.PWR_CTRL] & 3 == 3

    def t_lin(self, ut):
        k = self._par
        d = ut - k[0]
        return d * k[1] + d * d * k[2]

    def pressure(self, up, t):
        """§9.3 (written out term by term, as the datasheet lists it)."""
        k = self._par
        out1 = k[7] + k[8] * t + k[9] * t * t + k[10] * t * t * t
        out2 = up * (k[3] + k[4] * t + k[5] * t * t + k[6] * t * t * t)
        pd4 = up * up * (k[11] + k[12] * t) + up * up * up * k[13]
        return out1 + out2 + pd4

    def _encode_now(self):
        ut = _bisect(self.t_lin, self.temp_c, 0, 1 << 24)
        t = self.t_lin(ut)
        up = _bisect(lambda u: self.pressure(u, t), self.pressure_pa, 0, 1 << 24)
        for off, adc in ((0, up), (3, ut)):
            self.regs[self.DATA + off] = adc & 0xFF
            self.regs[self.DATA + off + 1] = (adc >> 8) & 0xFF
            self.regs[self.DATA + off + 2] = adc >> 16


BAROS = {"BMP280": (Bmp280Model, 0x76), "BMP390": (Bmp390Model, 0x77)}


def attach(chip, clock, pressure_pa=101325.0, temp_c=20.0, bus_id=0):
    """Put a `chip` model on the fake bus at its usual address (SDO low for the BMP280, high
    for the BMP390, so both straps are exercised); return the model."""
    from . import machine

    cls, address = BAROS[chip]
    model = cls(clock, pressure_pa, temp_c)
    machine.attach(bus_id, address, model)
    return model
