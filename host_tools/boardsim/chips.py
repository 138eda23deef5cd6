"""Build a chip model by its datasheet name, so tests and the virtual board say which chip they
want, not which module models it."""
from .icm42688 import Icm42688
from .lsm6ds import VARIANTS as LSM_VARIANTS, Lsm6ds
from .mpu6xxx import VARIANTS as MPU_VARIANTS, Mpu6xxx

IMUS = tuple(sorted(MPU_VARIANTS)) + ("ICM-42688-P",) + tuple(sorted(LSM_VARIANTS))


def imu_model(name, clock, source):
    if name in MPU_VARIANTS:
        return Mpu6xxx(clock, source, name)
    if name in LSM_VARIANTS:
        return Lsm6ds(clock, source, name)
    if name == "ICM-42688-P":
        return Icm42688(clock, source)
    raise ValueError("no model for IMU %r; known: %s" % (name, ", ".join(IMUS)))
