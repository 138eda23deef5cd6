"""The optional pelvis IMU: a chip driver behind a cable that can come out mid-run.

The pod hangs on a 4-wire cable from the chest clip; a runner unplugs it on purpose, a connector
works loose, sweat bridges a contact. On the bus that is an OSError on the next transfer
(ENODEV when nothing ACKs the address, EIO or ETIMEDOUT when a transfer breaks off). This
wrapper is the boundary where that error stops: read_into returns 0 and `present` turns False,
so the caller drops to chest-only coaching and logs the event instead of crashing.
imu.find_pelvis builds it; this module is imported only when a pelvis IMU answered at boot.

    pelvis = find_pelvis(i2c, chest.address)   # None on a one-IMU build
    if pelvis is not None:
        pelvis.configure(rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000)   # False if it fell off
    n = pelvis.read_into(buf)   # 0 while missing; pelvis.present, pelvis.lost count the drops
    pelvis.reconnect()          # True once the pod answers again (configured as before)
"""


class Pelvis:
    def __init__(self, imu):
        self.imu = imu  # the chip driver (mpu6xxx/icm42688/lsm6ds): name, rates, lsb scales
        self.present = True
        self.lost = 0  # how many times it went missing
        self.errno = 0  # the bus error of the last drop (0 if it carried none): for the log
        self._settings = None

    def configure(self, rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000):
        """Configure the chip; returns `present`. Bad arguments raise ValueError as the chip
        driver does (a programming error, not a loose cable)."""
        self._settings = (rate_hz, accel_fs_g, gyro_fs_dps)
        try:
            self.imu.configure(rate_hz, accel_fs_g, gyro_fs_dps)
        except OSError as e:
            self._drop(e)
        return self.present

    def read_into(self, buf):
        """Drain the pelvis FIFO into buf like the chip driver; 0 (no samples) while missing.
        No heap use while present (the chip driver's read is allocation-free; `try` costs no
        allocation in MicroPython); the one OSError of an unplug allocates once."""
        if not self.present:
            return 0
        try:
            return self.imu.read_into(buf)
        except OSError as e:
            self._drop(e)
            return 0

    def reconnect(self):
        """Try the pod again (the caller rate-limits this, e.g. once every few seconds): the
        same chip must answer its WHO_AM_I at the same address; it lost power with the cable, so
        it is configured again from scratch. Returns `present`."""
        if self.present:
            return True
        imu = self.imu
        try:
            if imu._read_u8(imu.WHO_AM_I_REG) != imu.who_am_i:
                return False
            self.present = True
            if self._settings is not None:
                self.configure(*self._settings)
        except OSError:
            self.present = False
        return self.present

    def _drop(self, e):
        if self.present:
            self.lost += 1
            code = e.args[0] if e.args else 0
            self.errno = code if isinstance(code, int) else 0
        self.present = False
