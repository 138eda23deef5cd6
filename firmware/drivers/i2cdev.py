"""A chip behind an I2C address, accessed one register at a time through a buffer made once
(readfrom_mem/writeto_mem with bytes would allocate on every call)."""
try:
    from time import sleep_ms
except ImportError:  # CPython
    import time

    def sleep_ms(ms):
        time.sleep(ms / 1000)


class I2CDevice:
    def __init__(self, i2c, address):
        self._i2c = i2c
        self._addr = address
        self._byte = bytearray(1)

    def _read_u8(self, reg):
        self._i2c.readfrom_mem_into(self._addr, reg, self._byte)
        return self._byte[0]

    def _write_u8(self, reg, value):
        self._byte[0] = value
        self._i2c.writeto_mem(self._addr, reg, self._byte)
