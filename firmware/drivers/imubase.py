"""What every IMU driver shares: the public interface, register access through preallocated
buffers, and draining a FIFO in a few large reads without touching the heap.

The interface (docs/drivers.md):
    imu.configure(rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000)
    n = imu.read_into(buf)   # buf: array('h', 6 * N); fills ax, ay, az, gx, gy, gz counts
    imu.name, imu.address, imu.rate_hz, imu.accel_lsb_per_g, imu.gyro_lsb_per_dps,
    imu.fifo_samples, imu.overflowed
    imu.wake_on_motion(threshold_mg=200)   # low-power standby that raises INT on movement
    imu.accel_trim = None  # or the six-face calibration, applied to every sample read (_drain)
"""
from ..core.compat import const
from .i2cdev import I2CDevice, sleep_ms


# A drain reads at most 2**_CHUNK_LOG2 FIFO units per I2C transfer; a larger backlog takes
# several transfers, a smaller one the fewest power-of-two pieces.
_CHUNK_LOG2 = const(4)
# accel_trim's fixed point: count' = (count x k + b) >> _TRIM_SHIFT, k = 2**_TRIM_SHIFT / scale
# (opening.open_parts makes k and b with its own copy, _TRIM_ONE: a public constant would be
# one more name in the board's tight qstr pool, docs/device.md "Six-face calibration")
_TRIM_SHIFT = const(14)


def pick(table, key, what):
    """table[key], or a ValueError naming the allowed values, before anything is written."""
    if key not in table:
        raise ValueError("%s must be one of %s, got %r"
                         % (what, ", ".join([str(k) for k in sorted(table)]), key))
    return table[key]


def unpack(src, units, packet, offs, big, hdr_mask, hdr_want, dst, n):
    """Decode `units` fixed-size FIFO packets of `packet` bytes from src into dst from sample n.

    offs gives the byte offset of ax, ay, az, gx, gy, gz inside a packet; big = 1 for MSB-first
    chips. A packet whose first byte & hdr_mask != hdr_want (an empty or foreign packet) is
    skipped. Returns the new sample count. Integer work only: no heap use.
    """
    p = 0
    for _ in range(units):
        if (src[p] & hdr_mask) == hdr_want:
            base = n * 6
            for c in range(6):
                o = p + offs[c]
                if big:
                    v = (src[o] << 8) | src[o + 1]
                else:
                    v = (src[o + 1] << 8) | src[o]
                if v & 0x8000:
                    v -= 0x10000
                dst[base + c] = v
            n += 1
        p += packet
    return n


class Imu(I2CDevice):
    """Base of the chip drivers. A subclass sets FAMILY, CHIPS ({WHO_AM_I: name}), ADDRESSES and
    WHO_AM_I_REG, and implements configure() and read_into(). ADDRESSES is (strap low, strap
    high): the registry imu.find_imu and imu.find_pelvis read (chest low, pelvis pod high)."""

    FAMILY = "IMU"
    CHIPS = {}
    ADDRESSES = ()
    WHO_AM_I_REG = 0

    def __init__(self, i2c, address, sleep_ms=sleep_ms):
        super().__init__(i2c, address)
        self._sleep_ms = sleep_ms
        status = memoryview(bytearray(4))
        self._status_views = [status[:i] for i in range(5)]  # made once: slicing allocates
        self._views = None
        self.address = address
        self.rate_hz = 0
        self.accel_lsb_per_g = 0
        self.gyro_lsb_per_dps = 0
        self.fifo_samples = 0
        self.overflowed = 0
        # None, or the six-face calibration (docs/device.md, "Six-face calibration") in
        # _TRIM_SHIFT fixed point: [kx, ky, kz, bx, by, bz], set by opening.open_parts
        self.accel_trim = None
        try:
            who = self._read_u8(self.WHO_AM_I_REG)
        except OSError:
            raise OSError("%s: nothing answers at I2C address 0x%02x; check wiring"
                          % (self.FAMILY, address))
        self.who_am_i = who
        self.name = self.CHIPS.get(who)
        if self.name is None:
            raise OSError("no %s at I2C address 0x%02x (WHO_AM_I 0x%02x)"
                          % (self.FAMILY, address, who))

    def wake_on_motion(self, threshold_mg=200):
        """Put the chip in low-power accel-only standby that drives its INT pin high (push-pull,
        latched until the next configure()) when the acceleration on any axis changes by more
        than threshold_mg between samples. Returns False where this driver has no motion
        interrupt: the board then wakes on its button only. Call configure() after waking."""
        return False

    def _check_threshold(self, threshold_mg, lo, hi):
        if not lo <= threshold_mg <= hi:
            raise ValueError("threshold_mg must be %d..%d, got %r" % (lo, hi, threshold_mg))

    def _read_status(self, reg, nbytes):
        """Read nbytes (<= 4) from reg into self._status without allocating."""
        view = self._status_views[nbytes]
        self._i2c.readfrom_mem_into(self._addr, reg, view)
        return view

    def _make_buffers(self, unit_bytes):
        """Preallocate one buffer for the FIFO drain, viewed as 1, 2, 4 ... 2**_CHUNK_LOG2 units
        (slicing a memoryview allocates, so every view is made here, once)."""
        mv = memoryview(bytearray(unit_bytes << _CHUNK_LOG2))
        self._views = [mv[: unit_bytes << i] for i in range(_CHUNK_LOG2 + 1)]

    def _drain(self, reg, units, buf):
        """Read `units` FIFO units from reg in power-of-two chunks; decode each via _unpack."""
        n = 0
        while units:
            i = _CHUNK_LOG2
            while (1 << i) > units:
                i -= 1
            view = self._views[i]
            self._i2c.readfrom_mem_into(self._addr, reg, view)
            n = self._unpack(view, 1 << i, buf, n)
            units -= 1 << i
        k = self.accel_trim
        if k is not None:
            # the calibration, here where every driver's samples pass: per accelerometer count
            # a multiply, an add and a shift (small ints: |count x k + b| < 2**30 within the
            # calibration's limits, devconfig.accel_trim), clamped to what the buffer holds
            for j in range(0, 6 * n, 6):
                for a in range(3):
                    v = (buf[j + a] * k[a] + k[a + 3]) >> _TRIM_SHIFT
                    buf[j + a] = v if -32768 <= v <= 32767 else (32767 if v > 0 else -32768)
        return n
