"""TDK InvenSense ICM-42688-P over I2C.

Registers and bits: ICM-42688-P datasheet DS-000347 rev 1.8, §14-15 (user bank 0) and §6
(FIFO packets). Samples go through the FIFO as 16-byte "packet 3" records (header, accel,
gyro, temperature, timestamp), big-endian as INTF_CONFIG0 selects.
"""
from ..core.compat import const
from .imubase import Imu, pick, sleep_ms, unpack

_DEVICE_CONFIG = const(0x11)
_INT_CONFIG = const(0x14)
_FIFO_CONFIG = const(0x16)
_INT_STATUS = const(0x2D)
_FIFO_DATA = const(0x30)
_SIGNAL_PATH_RESET = const(0x4B)
_INTF_CONFIG0 = const(0x4C)
_PWR_MGMT0 = const(0x4E)
_GYRO_CONFIG0 = const(0x4F)
_ACCEL_CONFIG0 = const(0x50)
_GYRO_ACCEL_CONFIG0 = const(0x52)
_SMD_CONFIG = const(0x57)
_FIFO_CONFIG1 = const(0x5F)
_INT_SOURCE1 = const(0x66)
_WHO_AM_I = const(0x75)
_REG_BANK_SEL = const(0x76)
_B4_ACCEL_WOM_X_THR = const(0x4A)  # bank 4, then Y and Z

_PACKET = const(16)
_FIFO_BYTES = const(2048)
_INT_FIFO_FULL = const(0x02)

_ACCEL_FS = {16: 0, 8: 1, 4: 2, 2: 3}
_GYRO_FS = {2000: 0, 1000: 1, 500: 2, 250: 3}
_GYRO_LSB_PER_DPS = (16.4, 32.8, 65.5, 131.0)
# rate_hz: (ODR code for GYRO_CONFIG0/ACCEL_CONFIG0, UI filter bandwidth index for
# GYRO_ACCEL_CONFIG0). In low-noise mode bandwidth = max(400 Hz, ODR) / {4, 5, 8, 10, 16, 20, 40}
# for index 1..7: 3 -> 50 Hz at 200 Hz, 5 -> 25 Hz at 100 Hz, 7 -> 10 Hz at 50 Hz. The widest
# band at or below a quarter of the output rate: steps (1-5 Hz) pass, nothing aliases.
_RATES = {50: (9, 7), 100: (8, 5), 200: (7, 3)}
# Header (bit 7 empty, 6 accel, 5 gyro) then accel XYZ at 1..6 and gyro XYZ at 7..12.
_OFFS = b"\x01\x03\x05\x07\x09\x0b"


class Icm42688(Imu):
    FAMILY = "ICM-42688-P"
    CHIPS = {0x47: "ICM-42688-P"}
    ADDRESSES = (0x68, 0x69)
    WHO_AM_I_REG = _WHO_AM_I

    def __init__(self, i2c, address=0x68, sleep_ms=sleep_ms):
        super().__init__(i2c, address, sleep_ms)
        self.fifo_samples = _FIFO_BYTES // _PACKET
        self._make_buffers(_PACKET)

    def configure(self, rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000):
        odr, bw = pick(_RATES, rate_hz, "rate_hz")
        afs = pick(_ACCEL_FS, accel_fs_g, "accel_fs_g")
        gfs = pick(_GYRO_FS, gyro_fs_dps, "gyro_fs_dps")
        w = self._write_u8
        w(_REG_BANK_SEL, 0)
        w(_DEVICE_CONFIG, 0x01)  # soft reset; §15.x: wait 1 ms before the next access
        self._sleep_ms(2)
        # Big-endian data and count, count in bytes: the reset value, written so nothing a
        # previous program left behind can change how the FIFO is decoded.
        w(_INTF_CONFIG0, 0x30)
        w(_GYRO_CONFIG0, (gfs << 5) | odr)
        w(_ACCEL_CONFIG0, (afs << 5) | odr)
        w(_GYRO_ACCEL_CONFIG0, (bw << 4) | bw)
        w(_FIFO_CONFIG1, 0x03)  # accel + gyro -> 16-byte packet 3
        w(_FIFO_CONFIG, 0x40)  # stream mode
        w(_PWR_MGMT0, 0x0F)  # gyro and accel low-noise mode
        self._sleep_ms(50)  # gyro start-up (45 ms max); no writes in the first 200 us
        w(_SIGNAL_PATH_RESET, 0x02)  # flush the start-up samples
        self.rate_hz = rate_hz
        self.accel_lsb_per_g = 2048 << afs
        self.gyro_lsb_per_dps = _GYRO_LSB_PER_DPS[gfs]

    def wake_on_motion(self, threshold_mg=200):
        """Datasheet §8.7 WoM programming sequence, accel at 50 Hz in low-power mode."""
        self._check_threshold(threshold_mg, 4, 996)
        w = self._write_u8
        w(_REG_BANK_SEL, 0)
        w(_DEVICE_CONFIG, 0x01)
        self._sleep_ms(2)
        w(_ACCEL_CONFIG0, (1 << 5) | 9)  # 8 g, 50 Hz
        w(_PWR_MGMT0, 0x02)  # accel low-power, gyro off
        self._sleep_ms(1)
        w(_REG_BANK_SEL, 4)
        for axis in range(3):
            w(_B4_ACCEL_WOM_X_THR + axis, threshold_mg * 256 // 1000)  # 1 g / 256 per LSB
        w(_REG_BANK_SEL, 0)
        self._sleep_ms(1)
        w(_INT_CONFIG, 0x07)  # INT1 latched, push-pull, active high
        w(_INT_SOURCE1, 0x07)  # WOM on X, Y or Z -> INT1
        self._sleep_ms(50)
        w(_SMD_CONFIG, 0x05)  # WOM_MODE: against the previous sample; SMD_MODE 01: WOM
        return True

    def read_into(self, buf):
        # INT_STATUS, FIFO_COUNTH, FIFO_COUNTL are adjacent: one transfer. FIFO_FULL_INT clears
        # on read, so each time the FIFO filled up (and may have dropped data) counts once.
        st = self._read_status(_INT_STATUS, 3)
        if st[0] & _INT_FIFO_FULL:
            self.overflowed += 1
        units = ((st[1] << 8) | st[2]) // _PACKET
        room = len(buf) // 6
        return self._drain(_FIFO_DATA, units if units < room else room, buf)

    def _unpack(self, view, units, buf, n):
        return unpack(view, units, _PACKET, _OFFS, 1, 0xE0, 0x60, buf, n)
