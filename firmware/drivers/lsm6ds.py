"""STMicroelectronics LSM6DS3 and LSM6DSO over I2C.

Registers and bits: LSM6DS3 datasheet DocID026899 §9 and LSM6DSO datasheet DS12140 §9 (same
CTRL1_XL/CTRL2_G/CTRL3_C coding; different FIFO blocks). Output is little-endian. The DS3 FIFO
is a stream of 16-bit words, gyro XYZ then accel XYZ per sample, with FIFO_PATTERN telling which
word comes next; the DSO FIFO holds 7-byte records (tag + XYZ) that the tag pairs up.
"""
from array import array

from ..core.compat import const
from .imubase import Imu, pick, sleep_ms, unpack

_WHO_AM_I = const(0x0F)
_CTRL1_XL = const(0x10)
_CTRL2_G = const(0x11)
_CTRL3_C = const(0x12)
_FIFO_STATUS1 = const(0x3A)
_DS3_FIFO_CTRL3 = const(0x08)
_DS3_FIFO_CTRL5 = const(0x0A)
_DS3_FIFO_DATA_OUT_L = const(0x3E)
_DSO_FIFO_CTRL3 = const(0x09)
_DSO_FIFO_CTRL4 = const(0x0A)
_DSO_FIFO_DATA_OUT_TAG = const(0x78)

_LSM6DSO = const(0x6C)
_CONTINUOUS = const(0x06)  # FIFO_MODE 110: the oldest data make room for new
_OVERRUN = const(0x40)  # FIFO_STATUS2 bit 6 on both chips
_DS3_WORDS = const(4096)  # 8 KB
_DSO_RECORDS = const(512)  # 3 KB of data

_ACCEL_FS = {2: 0, 4: 2, 8: 3, 16: 1}
_ACCEL_MG_PER_LSB = {2: 0.061, 4: 0.122, 8: 0.244, 16: 0.488}
_GYRO_FS = {250: 0, 500: 1, 1000: 2, 2000: 3}
_GYRO_MDPS_PER_LSB = {250: 8.75, 500: 17.5, 1000: 35.0, 2000: 70.0}
# rate_hz: (ODR code, actual Hz). ST's rates are 52/104/208 Hz. The analog anti-aliasing and
# the first digital low-pass follow the ODR (about ODR/2): nothing else to set for steps.
_RATES = {50: (3, 52), 100: (4, 104), 200: (5, 208)}
# A DS3 sample is 6 words: gyro XYZ then accel XYZ.
_DS3_OFFS = b"\x06\x08\x0a\x00\x02\x04"


def unpack_tagged(src, records, dst, n, half):
    """Decode LSM6DSO FIFO records into dst from sample n; return the new sample count.

    A gyro (tag 0x01) and an accel (tag 0x02) record with the same TAG_CNT make one sample.
    half (array('h', 8)) carries an unpaired record across calls: [0..5] values,
    [6] which halves are present (1 gyro, 2 accel), [7] their TAG_CNT. A record from another
    time slot discards the unpaired half (its partner was lost to an overflow).
    """
    p = 0
    for _ in range(records):
        tag = src[p] >> 3
        cnt = (src[p] >> 1) & 3
        bit = 1 if tag == 1 else (2 if tag == 2 else 0)
        if bit:
            if half[6] and half[7] != cnt:
                half[6] = 0
            off = 3 if bit == 1 else 0
            for c in range(3):
                o = p + 1 + 2 * c
                v = (src[o + 1] << 8) | src[o]
                if v & 0x8000:
                    v -= 0x10000
                half[off + c] = v
            half[6] |= bit
            half[7] = cnt
            if half[6] == 3:
                base = n * 6
                for c in range(6):
                    dst[base + c] = half[c]
                n += 1
                half[6] = 0
        p += 7
    return n


class Lsm6ds(Imu):
    FAMILY = "LSM6DS3/LSM6DSO"
    CHIPS = {0x69: "LSM6DS3", _LSM6DSO: "LSM6DSO"}
    ADDRESSES = (0x6A, 0x6B)
    WHO_AM_I_REG = _WHO_AM_I

    def __init__(self, i2c, address=0x6A, sleep_ms=sleep_ms):
        super().__init__(i2c, address, sleep_ms)
        self._dso = self.who_am_i == _LSM6DSO
        if self._dso:
            self._half = array("h", [0] * 8)
            self.fifo_samples = _DSO_RECORDS // 2
            self._make_buffers(7)
        else:
            self.fifo_samples = _DS3_WORDS // 6
            self._make_buffers(12)
            self._word = memoryview(bytearray(2))

    def configure(self, rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000):
        odr, actual_hz = pick(_RATES, rate_hz, "rate_hz")
        afs = pick(_ACCEL_FS, accel_fs_g, "accel_fs_g")
        gfs = pick(_GYRO_FS, gyro_fs_dps, "gyro_fs_dps")
        w = self._write_u8
        w(_CTRL3_C, 0x01)  # SW_RESET (50 us)
        self._sleep_ms(1)
        w(_CTRL3_C, 0x44)  # BDU + IF_INC (burst reads), little-endian
        w(_CTRL1_XL, (odr << 4) | (afs << 2))
        w(_CTRL2_G, (odr << 4) | (gfs << 2))
        if self._dso:
            w(_DSO_FIFO_CTRL3, (odr << 4) | odr)  # batch gyro and accel at the ODR
            w(_DSO_FIFO_CTRL4, _CONTINUOUS)
            self._half[6] = 0
        else:
            w(_DS3_FIFO_CTRL3, 0x09)  # gyro and accel in the FIFO, no decimation
            w(_DS3_FIFO_CTRL5, (odr << 3) | _CONTINUOUS)
        self.rate_hz = actual_hz
        self.accel_lsb_per_g = 1000.0 / _ACCEL_MG_PER_LSB[accel_fs_g]
        self.gyro_lsb_per_dps = 1000.0 / _GYRO_MDPS_PER_LSB[gyro_fs_dps]

    def read_into(self, buf):
        room = len(buf) // 6
        if self._dso:
            st = self._read_status(_FIFO_STATUS1, 2)
            if st[1] & _OVERRUN:
                self.overflowed += 1
            records = ((st[1] & 3) << 8) | st[0]
            # Each sample takes two records; an unpaired half from last time needs one.
            most = 2 * room - (1 if self._half[6] else 0)
            return self._drain(_DSO_FIFO_DATA_OUT_TAG, records if records < most else most, buf)
        st = self._read_status(_FIFO_STATUS1, 4)
        if st[1] & _OVERRUN:
            self.overflowed += 1
        words = ((st[1] & 0x0F) << 8) | st[0]
        pattern = ((st[3] & 3) << 8) | st[2]
        if pattern:  # after an overflow the oldest word is mid-sample: drop to the next start
            skip = 6 - pattern
            if words < skip:
                return 0
            for _ in range(skip):
                self._i2c.readfrom_mem_into(self._addr, _DS3_FIFO_DATA_OUT_L, self._word)
            words -= skip
        units = words // 6
        return self._drain(_DS3_FIFO_DATA_OUT_L, units if units < room else room, buf)

    def _unpack(self, view, units, buf, n):
        if self._dso:
            return unpack_tagged(view, units, buf, n, self._half)
        return unpack(view, units, 12, _DS3_OFFS, 0, 0, 0, buf, n)
