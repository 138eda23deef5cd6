"""Find the IMUs on a bus: scan, read WHO_AM_I where an IMU can live, return their drivers.

The address registry is each driver's ADDRESSES = (strap low, strap high): the chest IMU sits at
the low address (AD0/SA0 to GND), the optional pelvis pod's IMU at the high one (AD0/SA0 to
VCC) on the same bus. boards.py, the wiring tables and the board models read these.
"""
from .icm42688 import Icm42688
from .imubase import sleep_ms
from .lsm6ds import Lsm6ds
from .mpu6xxx import Mpu6xxx

DRIVERS = (Mpu6xxx, Icm42688, Lsm6ds)
CHEST = 0   # index into a driver's ADDRESSES: the strap-low address, the chest IMU's
PELVIS = 1  # the strap-high address, the pelvis pod's


def find_imu(i2c, sleep_ms=sleep_ms):
    """The driver for the chest IMU, unconfigured: the first supported IMU at a strap-low
    address, else (a one-IMU build with a breakout strapped high) at a strap-high one.

    Raises OSError listing what answered (and its WHO_AM_I) when none is supported, because
    "no IMU" on a new build is nearly always wiring, a wrong address strap or a different chip.
    """
    found = i2c.scan()
    for slot in (CHEST, PELVIS):
        for address in found:
            imu = _probe(i2c, address, slot, sleep_ms)
            if imu is not None:
                return imu
    raise OSError("no IMU found on I2C (scanned: %s); check wiring" % _listing(i2c, found))


def find_pelvis(i2c, chest_address, sleep_ms=sleep_ms):
    """The pelvis pod's IMU as a pelvis.Pelvis (unconfigured), or None: nothing at a strap-high
    address other than the chest's, an unsupported chip there, or a bus error. Never raises: the
    pelvis is optional and a missing pod must leave the chest-only coach running. The wrapper
    module is imported only when a pelvis IMU answers (RAM on a one-IMU build)."""
    try:
        for address in i2c.scan():
            if address == chest_address:
                continue
            imu = _probe(i2c, address, PELVIS, sleep_ms)
            if imu is not None:
                from .pelvis import Pelvis

                return Pelvis(imu)
    except OSError:
        pass
    return None


def _probe(i2c, address, slot, sleep_ms):
    """The driver whose `slot` address is `address` and whose WHO_AM_I answers there, else None."""
    buf = bytearray(1)
    for cls in DRIVERS:
        if address == cls.ADDRESSES[slot]:
            i2c.readfrom_mem_into(address, cls.WHO_AM_I_REG, buf)
            if buf[0] in cls.CHIPS:
                return cls(i2c, address, sleep_ms)
    return None


def _listing(i2c, found):
    """What answered, with the WHO_AM_I of anything at an IMU address: the failure message."""
    out = []
    buf = bytearray(1)
    for address in found:
        text = "0x%02x" % address
        for cls in DRIVERS:
            if address in cls.ADDRESSES:
                i2c.readfrom_mem_into(address, cls.WHO_AM_I_REG, buf)
                text += " (WHO_AM_I 0x%02x)" % buf[0]
                break
        out.append(text)
    return ", ".join(out) if out else "no device answered"
