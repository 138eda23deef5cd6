"""Physical motion fed to the chip models, and the check that a driver decoded it faithfully.

A source answers `row(k)`: the k-th sample since the model started sampling, as
(ax, ay, az in g, gx, gy, gz in dps) in the sensor's own axes. Each model converts the row with
ITS configured full scale and byte order, so a driver that configures or decodes wrongly reads
back something else.
"""
from array import array


def counts(value, lsb_per_unit):
    """Physical value -> the int16 the chip would output (rounded, saturated like the ADC)."""
    x = value * lsb_per_unit
    n = int(x + 0.5) if x >= 0 else -int(-x + 0.5)
    if n > 32767:
        return 32767
    if n < -32768:
        return -32768
    return n


class Constant:
    """The same row forever. The models cache its encoding, so it costs no heap per sample."""

    def __init__(self, ax=0.0, ay=0.0, az=1.0, gx=0.0, gy=0.0, gz=0.0):
        self._row = (ax, ay, az, gx, gy, gz)

    def row(self, k):
        return self._row


class CountsFile:
    """Recorded int16 counts, 6 per row (ax, ay, az, gx, gy, gz, little-endian) at the chip's
    output rate and at known scales, read one row at a time into one buffer. For heap figures
    of whole sessions on the ESP32 model (bench/memory.py): rows as floats would put the
    simulator's own garbage on the heap, a file of counts puts none. Past the end the last row
    repeats; motion detection (wake-on-motion) does not see these rows."""

    def __init__(self, path, accel_lsb_per_g, gyro_lsb_per_dps):
        self._f = open(path, "rb")
        self._row = array("h", [0, 0, 0, 0, 0, 0])
        self._next = 0
        self.counts_lsb = (accel_lsb_per_g, gyro_lsb_per_dps)

    def row(self, k):
        if k != self._next:
            self._f.seek(k * 12)
        self._f.readinto(self._row)
        self._next = k + 1
        return self._row


class Rows:
    """Recorded rows (e.g. the simulator's imu.csv); the last one repeats after the end."""

    def __init__(self, rows):
        self._rows = rows

    def row(self, k):
        return self._rows[k if k < len(self._rows) else len(self._rows) - 1]


class CsvRows:
    """The simulator's imu.csv (header t,ax,ay,az,gx,gy,gz in s, g, dps), streamed: row(k) is
    the last row at or before t = k / rate_hz, so a chip sampling at 208 Hz replays a 200 Hz
    recording at the right speed. rate_hz is the CHIP's sampling rate, not the file's: None
    (the virtual board's default) takes it from the chip model when the firmware sets its
    output rate (set_rate_hz), so a run always plays in real time, whatever rate it was
    recorded at. Rows past the end repeat the last one. Parsing allocates: use Constant where a
    test measures heap use."""

    def __init__(self, path, rate_hz=None):
        self._f = open(path)
        header = self._f.readline().strip().lstrip("\ufeff").lower().split(",")  # as replay
        if header[:7] != ["t", "ax", "ay", "az", "gx", "gy", "gz"]:
            raise ValueError("%s: expected header t,ax,ay,az,gx,gy,gz" % path)
        self._rate_hz = rate_hz
        self._fixed = rate_hz is not None
        self._row = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
        self._next = self._parse()

    def _parse(self):
        line = self._f.readline()
        if not line.strip():
            return None
        v = [float(x) for x in line.split(",")[:7]]
        return v[0], (v[1], v[2], v[3], v[4], v[5], v[6])

    def set_rate_hz(self, rate_hz):
        """The chip's output data rate, from the chip model (unless fixed at construction)."""
        if not self._fixed:
            self._rate_hz = rate_hz

    def row(self, k):
        t_s = k / self._rate_hz
        while self._next is not None and self._next[0] <= t_s:
            self._row = self._next[1]
            self._next = self._parse()
        return self._row


class Sequence:
    """A row that is a known function of k, covering negative and positive values on every axis,
    with gz a ramp that identifies k: a decoded sample says which sample it is, so a test can see
    a gap or a repeat, not just a wrong value. `scale` shrinks it to fit smaller full scales."""

    PERIOD = 4000  # k is recoverable modulo this

    def __init__(self, scale=1.0):
        self.scale = scale

    def row(self, k):
        s = self.scale
        k %= self.PERIOD
        return (
            ((k * 7) % 61 - 30) * 0.25 * s,
            -((k * 3) % 17) * 0.3 * s,
            (1.0 - ((k % 13) - 6) * 0.5) * s,
            ((k * 11) % 101 - 50) * 18.0 * s,
            -(k % 29) * 30.0 * s,
            (k * 0.25 - 500.0) * s,
        )

    def index(self, gz_dps):
        """k (modulo PERIOD) of the sample whose decoded gz is gz_dps."""
        return int((gz_dps / self.scale + 500.0) / 0.25 + 0.5) % self.PERIOD


def check_decoded(source, buf, n, accel_lsb_per_g, gyro_lsb_per_dps, k_first=None):
    """Compare n decoded samples (interleaved int counts) with a Sequence source.

    Returns (k_first, k_last, errors): errors lists (sample, channel, got, want) for every value
    more than 1 LSB off and every break in the sample sequence (a lost or repeated sample).
    """
    errors = []
    k_prev = None if k_first is None else k_first - 1
    first = None
    for i in range(n):
        base = i * 6
        k = source.index(buf[base + 5] / gyro_lsb_per_dps)
        if k_prev is not None and k != (k_prev + 1) % source.PERIOD:
            errors.append((i, "k", k, (k_prev + 1) % source.PERIOD))
        if first is None:
            first = k
        k_prev = k
        want = source.row(k)
        for ch in range(6):
            lsb = accel_lsb_per_g if ch < 3 else gyro_lsb_per_dps
            if abs(buf[base + ch] - want[ch] * lsb) > 1.0:
                errors.append((i, ch, buf[base + ch], want[ch] * lsb))
    return first, k_prev, errors
