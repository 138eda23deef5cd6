"""Barometers (Bosch BMP280 and BMP390): pressure in Pa, so the coach can tell a hill from a
runner who leans too far. A barometer is optional: `find_baro` returns None when none answers.

The drivers themselves are in bmp.py, imported only when something answers at one of
ADDRESSES.
"""
from .i2cdev import sleep_ms

ADDRESSES = (0x76, 0x77)


def altitude_m(p_pa, p0_pa):
    """Height above the level where the pressure was p0_pa (ISA troposphere, 15 degC): only
    differences matter for climb detection, so the reference need not be sea level."""
    return 44330.0 * (1.0 - (p_pa / p0_pa) ** 0.190295)


def find_baro(i2c, sleep_ms=sleep_ms):
    """The driver for a barometer at 0x76/0x77, unconfigured, or None: a build without one
    runs the coach unchanged, so absence is not an error."""
    buf = bytearray(1)
    for address in i2c.scan():
        if address not in ADDRESSES:
            continue
        from .bmp import DRIVERS

        for cls in DRIVERS:
            i2c.readfrom_mem_into(address, cls.ID_REG, buf)
            if buf[0] == cls.CHIP_ID:
                return cls(i2c, address, sleep_ms)
    return None
