"""InvenSense MPU-6050, MPU-6500, MPU-9250 (its accel/gyro) and MPU-6886 over I2C.

Register numbers and bits: MPU-6000/6050 Register Map RM-MPU-6000A-00 rev 4.2 (§4.2-4.32),
MPU-6500/MPU-9250 register maps (ACCEL_CONFIG2, FIFO_MODE), MPU-6886 datasheet (WHO_AM_I 0x19,
combined GYRO_FIFO_EN that also stores the temperature). Samples go through the FIFO so a
stalled loop loses nothing: 12 bytes per sample (14 on the MPU-6886), big-endian.
"""
from ..core.compat import const
from .imubase import Imu, pick, sleep_ms, unpack

_SMPLRT_DIV = const(0x19)
_CONFIG = const(0x1A)
_GYRO_CONFIG = const(0x1B)
_ACCEL_CONFIG = const(0x1C)
_ACCEL_CONFIG2 = const(0x1D)
_LP_ACCEL_ODR = const(0x1E)
_MOT_THR = const(0x1F)  # WOM_THR on the MPU-6500/9250
_MOT_DUR = const(0x20)
_FIFO_EN = const(0x23)
_INT_PIN_CFG = const(0x37)
_INT_ENABLE = const(0x38)
_MOT_DETECT_CTRL = const(0x69)
_USER_CTRL = const(0x6A)
_PWR_MGMT_1 = const(0x6B)
_PWR_MGMT_2 = const(0x6C)
_FIFO_COUNTH = const(0x72)
_FIFO_R_W = const(0x74)
_WHO_AM_I = const(0x75)

_USER_FIFO_EN = const(0x40)
_USER_FIFO_RESET = const(0x04)
_MPU6050 = const(0x68)  # WHO_AM_I values that change what the driver writes
_MPU6886 = const(0x19)

_ACCEL_FS = {2: 0, 4: 1, 8: 2, 16: 3}
_GYRO_FS = {250: 0, 500: 1, 1000: 2, 2000: 3}
_GYRO_LSB_PER_DPS = (131.0, 65.5, 32.8, 16.4)
# rate_hz: (SMPLRT_DIV, DLPF_CFG). With the DLPF on, the internal rate is 1 kHz and the output
# rate 1000 / (1 + SMPLRT_DIV). DLPF_CFG 3/4/5 = 42/20/10 Hz gyro (44/21/10 Hz accel): the
# widest band at or below a quarter of the output rate, well above the 1-5 Hz of running steps
# and their harmonics that the gait detector uses, and far enough below Nyquist not to alias.
# ACCEL_CONFIG2 on the newer chips takes the same code for the same accel bandwidths.
_RATES = {50: (19, 5), 100: (9, 4), 200: (4, 3)}
# WHO_AM_I: (FIFO bytes, bytes per sample, FIFO_EN value, byte offsets of ax..gz in a sample)
_LAYOUT = {
    _MPU6050: (1024, 12, 0x78, b"\x00\x02\x04\x06\x08\x0a"),
    0x70: (512, 12, 0x78, b"\x00\x02\x04\x06\x08\x0a"),
    0x71: (512, 12, 0x78, b"\x00\x02\x04\x06\x08\x0a"),
    _MPU6886: (1024, 14, 0x18, b"\x00\x02\x04\x08\x0a\x0c"),
}


class Mpu6xxx(Imu):
    FAMILY = "MPU-6xxx"
    CHIPS = {_MPU6050: "MPU-6050", 0x70: "MPU-6500", 0x71: "MPU-9250", _MPU6886: "MPU-6886"}
    ADDRESSES = (0x68, 0x69)
    WHO_AM_I_REG = _WHO_AM_I

    def __init__(self, i2c, address=0x68, sleep_ms=sleep_ms):
        super().__init__(i2c, address, sleep_ms)
        depth, self._packet, self._fifo_en, self._offs = _LAYOUT[self.who_am_i]
        self.fifo_samples = depth // self._packet
        # The FIFO only ever holds whole samples unless it overflowed: an overflow overwrites
        # the oldest BYTES, so the count goes past the last whole sample and the packets no
        # longer start where the driver expects. That is the one sign it happened.
        self._whole_bytes = self.fifo_samples * self._packet
        self._make_buffers(self._packet)

    def configure(self, rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000):
        div, dlpf = pick(_RATES, rate_hz, "rate_hz")
        afs = pick(_ACCEL_FS, accel_fs_g, "accel_fs_g")
        gfs = pick(_GYRO_FS, gyro_fs_dps, "gyro_fs_dps")
        w = self._write_u8
        w(_PWR_MGMT_1, 0x80)  # DEVICE_RESET: known state whatever ran before
        self._sleep_ms(100)
        w(_PWR_MGMT_1, 0x01)  # awake, clock from the X gyro PLL (more stable than the RC)
        self._sleep_ms(10)
        w(_SMPLRT_DIV, div)
        w(_CONFIG, dlpf)  # FIFO_MODE 0 on the newer chips: overwrite when full
        w(_GYRO_CONFIG, gfs << 3)  # FCHOICE_B 00: DLPF in use
        w(_ACCEL_CONFIG, afs << 3)
        if self.who_am_i != _MPU6050:
            w(_ACCEL_CONFIG2, dlpf)
        w(_FIFO_EN, self._fifo_en)
        self._reset_fifo()
        self.rate_hz = rate_hz
        self.accel_lsb_per_g = 16384 >> afs
        self.gyro_lsb_per_dps = _GYRO_LSB_PER_DPS[gfs]

    def wake_on_motion(self, threshold_mg=200):
        if self.who_am_i == _MPU6886:
            return False  # its WOM registers differ (ACCEL_WOM_*_THR); not implemented
        self._check_threshold(threshold_mg, 8, 500)
        w = self._write_u8
        w(_PWR_MGMT_1, 0x80)
        self._sleep_ms(100)
        w(_PWR_MGMT_1, 0x00)
        w(_INT_PIN_CFG, 0x20)  # active high, push-pull, latched until INT_STATUS is read
        if self.who_am_i == _MPU6050:
            # Register map rev 3.x: motion = the high-passed accel above MOT_THR (2 mg/LSB);
            # ACCEL_HPF 0 would hold the high-pass output at zero, so 5 Hz.
            w(_ACCEL_CONFIG, (2 << 3) | 0x01)
            w(_MOT_THR, threshold_mg // 2)
            w(_MOT_DUR, 1)
            w(_INT_ENABLE, 0x40)  # MOT_EN
            w(_PWR_MGMT_2, (2 << 6) | 0x07)  # wake at 20 Hz, gyros in standby
            w(_PWR_MGMT_1, 0x28)  # CYCLE, temperature sensor off
        else:
            # MPU-6500 PS "Wake-on-Motion Interrupt": accel only, 184 Hz DLPF, compare with
            # the previous sample, WOM_THR 4 mg/LSB, 31.25 Hz low-power rate.
            w(_PWR_MGMT_2, 0x07)
            w(_ACCEL_CONFIG2, 0x09)
            w(_INT_ENABLE, 0x40)  # WOM_EN
            w(_MOT_DETECT_CTRL, 0xC0)
            w(_MOT_THR, threshold_mg // 4)
            w(_LP_ACCEL_ODR, 7)
            w(_PWR_MGMT_1, 0x20)  # CYCLE
        return True

    def _reset_fifo(self):
        # RM §4.27: FIFO_RESET acts "while FIFO_EN equals 0", so stop, reset, then start.
        self._write_u8(_USER_CTRL, _USER_FIFO_RESET)
        self._write_u8(_USER_CTRL, _USER_FIFO_EN)

    def read_into(self, buf):
        st = self._read_status(_FIFO_COUNTH, 2)
        count = (st[0] << 8) | st[1]
        if count > self._whole_bytes:
            self.overflowed += 1
            self._reset_fifo()
            return 0
        units = count // self._packet
        room = len(buf) // 6
        return self._drain(_FIFO_R_W, units if units < room else room, buf)

    def _unpack(self, view, units, buf, n):
        return unpack(view, units, self._packet, self._offs, 1, 0, 0, buf, n)
