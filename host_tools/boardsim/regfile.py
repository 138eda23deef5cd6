"""The parts every register-mapped chip model shares: a 256-byte register file with reset values,
auto-increment, a record of accesses outside the documented map, sampling at the configured ODR
as the clock advances, and a FIFO ring with the chip's real depth and overflow policy.

Strictness is the point: a write to an address the datasheet does not list lands in `strays`
(a real chip would silently ignore or misbehave), a FIFO read past its content counts an
`underrun`, and every sample is encoded with the configuration in the registers at that instant.
"""
from .sources import counts


class FifoRing:
    """Bytes in, bytes out, `capacity` deep. On overflow either the oldest `unit` bytes make room
    (stream/continuous modes: a unit is 1 byte on the MPU-6xxx, which is why its packets
    misalign after an overflow) or the new data is dropped (stop-on-full modes)."""

    def __init__(self, capacity, unit, overwrite=True):
        self.capacity = capacity
        self.unit = unit
        self.overwrite = overwrite
        self._buf = bytearray(capacity)
        self._head = 0  # index of the oldest byte
        self.count = 0
        self.overflows = 0  # units lost

    def clear(self):
        self._head = 0
        self.count = 0

    def push(self, data, n):
        """Append data[0:n] (n a multiple of `unit`)."""
        i = 0
        while i < n:
            if self.count + self.unit > self.capacity:
                self.overflows += 1
                if not self.overwrite:
                    return
                self._head = (self._head + self.unit) % self.capacity
                self.count -= self.unit
            for j in range(self.unit):
                self._buf[(self._head + self.count) % self.capacity] = data[i + j]
                self.count += 1
            i += self.unit

    def pop(self):
        """The oldest byte, or None when empty (the caller decides what the bus then returns)."""
        if self.count == 0:
            return None
        b = self._buf[self._head]
        self._head = (self._head + 1) % self.capacity
        self.count -= 1
        return b


class RegisterModel:
    """A chip on the I2C bus. Subclasses describe the map (RESET values, WRITABLE and READABLE
    registers) and override `_read`/`_write`/`_next` for registers with side effects."""

    RESET = {}
    WRITABLE = ()
    READABLE = ()

    def __init__(self, clock, source):
        self.clock = clock
        self.source = source
        # (accel_lsb_per_g, gyro_lsb_per_dps) of a source that gives recorded counts, not g/dps
        self._src_lsb = getattr(source, "counts_lsb", None)
        self.regs = bytearray(256)
        self.strays = []  # ("r" | "w", register) outside the documented map
        self.underruns = 0  # FIFO bytes read while it was empty
        self.k = 0  # index of the next source row
        self._odr_hz = 0
        self._t0_s = 0  # when sampling started, as the clock keeps time (s + us)
        self._t0_us = 0
        self._made = 0
        self._row = None  # the row whose encoding is in self._enc
        self._enc_cfg = -1
        self._cfg = 0  # bumped whenever the configuration changes, invalidating the cache
        self.pointer = 0
        self.on_int = None  # callable(level): the MCU pin the chip's INT line reaches
        self.int_level = 0
        self._accel_g = None  # the last encoded row's acceleration, for motion detection
        self._prev_g = None  # the one before it
        self.reset()

    def reset(self):
        self._prev_g = None
        self._set_int(0)
        for i in range(256):
            self.regs[i] = 0
        for reg in self.RESET:
            self.regs[reg] = self.RESET[reg]
        self._reconfigure()

    # -- bus side ---------------------------------------------------------------------------
    def read_into(self, reg, buf):
        self._sync()
        for i in range(len(buf)):
            buf[i] = self._read(reg)
            reg = self._next(reg)
        self.pointer = reg

    def write(self, reg, data):
        self._sync()
        for i in range(len(data)):
            if reg in self.WRITABLE:
                self._write(reg, data[i])
            else:
                self.strays.append(("w", reg))
            reg = self._next(reg)
        self.pointer = reg

    # -- hooks ------------------------------------------------------------------------------
    def _read(self, reg):
        if reg not in self.READABLE and reg not in self.WRITABLE:
            self.strays.append(("r", reg))
        return self.regs[reg]

    def _write(self, reg, value):
        self.regs[reg] = value
        self._reconfigure()

    def _next(self, reg):
        return (reg + 1) & 0xFF

    def _reconfigure(self):
        """Re-derive the sampling state from the registers (subclasses set `_odr_hz`)."""
        self._cfg += 1
        odr = self._rate_hz()
        if odr != self._odr_hz:
            self._odr_hz = odr
            clock = self.clock
            clock.update()
            self._t0_s = clock.s
            self._t0_us = clock.us
            self._made = 0
            learn = getattr(self.source, "set_rate_hz", None)  # a recording played in real time
            if learn is not None and odr:
                learn(odr)

    def _rate_hz(self):
        return 0

    # -- sampling ---------------------------------------------------------------------------
    def _sync(self):
        """Produce every sample due by now, one per ODR period since sampling started:
        floor(elapsed_us * odr / 10**6), computed in pieces that stay small ints on a 32-bit
        MicroPython for any ODR and for days (elapsed_us * odr passes 2**30 after 10.7 s at
        100 Hz, and a big int per bus access would count against the firmware's heap)."""
        odr = self._odr_hz
        if not odr:
            return
        clock = self.clock
        clock.update()
        elapsed_s = clock.s - self._t0_s
        elapsed_us = clock.us - self._t0_us
        if elapsed_us < 0:
            elapsed_s -= 1
            elapsed_us += 1000000
        ms = elapsed_us // 1000
        due = elapsed_s * odr + (ms * odr + (elapsed_us - ms * 1000) * odr // 1000) // 1000
        while self._made < due:
            row = self.source.row(self.k)
            if row is not self._row or self._enc_cfg != self._cfg or self._src_lsb:
                self._accel_g = None if self._src_lsb else row
                self._encode(row)
                self._row = row
                self._enc_cfg = self._cfg
            self._emit()
            self.k += 1
            self._made += 1

    # -- interrupt line and motion detection ----------------------------------------------------
    def _set_int(self, level):
        if level != self.int_level:
            self.int_level = level
            if self.on_int is not None:
                self.on_int(level)

    def _moved(self, x_mg, y_mg, z_mg):
        """Axes (bit 0 x, 1 y, 2 z) whose acceleration changed by more than their threshold
        since the previous sample: the compare-to-previous wake-on-motion the chips implement."""
        now, prev = self._accel_g, self._prev_g
        self._prev_g = now
        if prev is None or now is None:
            return 0
        return ((1 if abs(now[0] - prev[0]) * 1000 > x_mg else 0)
                | (2 if abs(now[1] - prev[1]) * 1000 > y_mg else 0)
                | (4 if abs(now[2] - prev[2]) * 1000 > z_mg else 0))

    def _count(self, row, i, lsb):
        """Channel i of a row as the chip's int16 output at `lsb` per unit. A counts source
        (sources.CountsFile) at the chip's scale is passed through without a float, so a long
        session on the 32-bit ESP32 model puts no simulator garbage on the heap."""
        scale = self._src_lsb
        if scale is None:
            return counts(row[i], lsb)
        src = scale[0] if i < 3 else scale[1]
        return row[i] if src == lsb else counts(row[i] / src, lsb)

    def _encode(self, row):
        """Convert a physical row to output bytes with the current configuration."""
        raise NotImplementedError

    def _emit(self):
        """Latch the encoded sample into the output registers and the FIFO."""
        raise NotImplementedError


def put16(buf, offset, value, big_endian):
    """Store a signed 16-bit value as two bytes in the chip's byte order."""
    value &= 0xFFFF
    if big_endian:
        buf[offset] = value >> 8
        buf[offset + 1] = value & 0xFF
    else:
        buf[offset] = value & 0xFF
        buf[offset + 1] = value >> 8


def span(first, last):
    """Register addresses first..last inclusive, as a tuple for WRITABLE/READABLE tables."""
    return tuple(range(first, last + 1))
