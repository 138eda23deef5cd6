"""Find the IMU on a bus: scan, read WHO_AM_I where an IMU can live, return its driver."""
from .icm42688 import Icm42688
from .imubase import sleep_ms
from .lsm6ds import Lsm6ds
from .mpu6xxx import Mpu6xxx

DRIVERS = (Mpu6xxx, Icm42688, Lsm6ds)


def find_imu(i2c, sleep_ms=sleep_ms):
    """The driver for the first supported IMU that answers, unconfigured.

    Raises OSError listing what answered (and its WHO_AM_I) when none is supported, because
    "no IMU" on a new build is nearly always wiring, a wrong address strap or a different chip.
    """
    seen = []
    for address in i2c.scan():
        tried = False
        for cls in DRIVERS:
            if address not in cls.ADDRESSES:
                continue
            buf = bytearray(1)
            i2c.readfrom_mem_into(address, cls.WHO_AM_I_REG, buf)
            if buf[0] in cls.CHIPS:
                return cls(i2c, address, sleep_ms)
            if not tried:
                seen.append("0x%02x (WHO_AM_I 0x%02x)" % (address, buf[0]))
                tried = True
        if not tried:
            seen.append("0x%02x" % address)
    raise OSError("no IMU found on I2C (scanned: %s); check wiring"
                  % (", ".join(seen) if seen else "no device answered"))
