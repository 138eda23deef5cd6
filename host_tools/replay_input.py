"""What `leanclip replay` reads: an IMU.csv, streamed and checked, never held in memory.

Why streamed: a 3 h run at 100 Hz is a million rows; held as Python floats that was 384 MB, and
memory grew with duration. Here the file is read twice, row by row: once to check everything
(so a replay of bad data never writes plausible nonsense, and never half its outputs), and
again to feed the pipeline in FIFO-sized batches. Peak memory does not depend on duration
(`make bench`, replay memory).

Why so many checks: a file in the wrong units replays into a wrong answer that looks right.
Each check names the likely cause in one line: m/s^2 instead of g, rad/s instead of deg/s,
ms instead of s, a binary file, a text encoding other than UTF-8. Excel's habits (a UTF-8 BOM,
CRLF line ends, an upper-case header) are accepted.

The file type is decided from content, not from the first byte: a readable text file is a CSV
(whatever its first column), anything else must be a session log.

A second sensor on the pelvis (issue 17) comes as six more columns, PELVIS_COLUMNS, in the
pelvis sensor's own axes and the same units, on the same rows (sample-aligned). All six or
none; a row whose six pelvis cells are all empty has no pelvis sample (the pelvis sensor was
lost there: the replay goes on with the chest alone, as the device does). The pelvis columns
get the same unit checks as the chest's.
"""
import codecs
import csv
import gzip
import math
from array import array
from pathlib import Path

from .errors import UserError

COLUMNS = ("t", "ax", "ay", "az", "gx", "gy", "gz")
PELVIS_COLUMNS = ("pax", "pay", "paz", "pgx", "pgy", "pgz")
RATE_RANGE_HZ = (50.0, 1000.0)
SNIFF_BYTES = 65536   # how much of a file decides text or binary
_RATE_SAMPLES = 1024  # the first steps, whose median is the sample period
_UNIT_WINDOW_S = 0.5  # the window the gyro is checked against the accelerometer over
_MOVING_STD_G = 0.2   # |a| s.d. in a window above this: moving (walking or running)
_MIN_MOVING_S = 10.0  # the gyro units are judged only on this much moving
_RAD_RMS_DPS = 8.0    # a walking or running trunk turns faster (real jogging 65-224, sim 37)
_AGREE_RATIO = 2.0    # x57.3 predicts gravity's turn within this factor of as read: rad/s
_DEG_PER_RAD = 180.0 / math.pi


class ImuRecording:
    """Samples held in memory (simulated runs, a raw session log): start time, rate, and the
    samples as one flat list, 6 per sample (g, deg/s); `pelvis_values` the pelvis sensor's
    alike (same length), or None for one sensor."""

    def __init__(self, t0, rate_hz, values, pelvis_values=None):
        self.t0 = t0
        self.rate_hz = rate_hz
        self.values = values
        self.pelvis_values = pelvis_values

    @property
    def pelvis(self):
        return self.pelvis_values is not None

    @property
    def n(self):
        return len(self.values) // 6

    @property
    def duration_s(self):
        return self.n / self.rate_hz

    def batches(self, size):
        """array('d') chunks of `size` samples (6 values each), in order."""
        step = 6 * size
        for i in range(0, len(self.values), step):
            yield array("d", self.values[i:i + step])

    def pair_batches(self, size):
        """(chest chunk, pelvis chunk) as batches() gives the chest's; the pelvis chunk is None
        for one sensor."""
        step = 6 * size
        pelvis = self.pelvis_values
        for i in range(0, len(self.values), step):
            yield (array("d", self.values[i:i + step]),
                   None if pelvis is None else array("d", pelvis[i:i + step]))


class CsvRecording:
    """A checked IMU.csv, read again from the file each time its samples are wanted.
    `pelvis`: the file has the pelvis sensor's columns."""

    def __init__(self, path, t0, rate_hz, n, pelvis=False):
        self.path = path
        self.t0 = t0
        self.rate_hz = rate_hz
        self.n = n
        self.pelvis = pelvis

    @property
    def duration_s(self):
        return self.n / self.rate_hz

    def batches(self, size):
        chunk = array("d")
        for _, _, sample, _ in _rows(self.path):
            chunk.extend(sample)
            if len(chunk) == 6 * size:
                yield chunk
                chunk = array("d")
        if chunk:
            yield chunk

    def pair_batches(self, size):
        """(chest chunk, pelvis chunk or None) of at most `size` samples; a chunk ends early
        where the pelvis samples stop or start again, so each pelvis chunk is whole or None."""
        chunk, pchunk = array("d"), array("d")
        has = None  # the chunk's samples have pelvis samples
        for _, _, sample, psample in _rows(self.path):
            if has is not None and (psample is not None) != has:
                yield chunk, pchunk if has else None
                chunk, pchunk = array("d"), array("d")
            has = psample is not None
            chunk.extend(sample)
            if has:
                pchunk.extend(psample)
            if len(chunk) == 6 * size:
                yield chunk, pchunk if has else None
                chunk, pchunk, has = array("d"), array("d"), None
        if chunk:
            yield chunk, pchunk if has else None


def number(text, line, col):
    try:
        x = float(text)
    except ValueError:
        hint = " (a decimal comma? numbers take a point)" if "," in text else ""
        raise UserError("line %d: %s=%r is not a number%s"
                        % (line, col, text[:40], hint)) from None
    if not math.isfinite(x):
        raise UserError("line %d: %s is %s; every value must be a finite number"
                        % (line, col, text))
    return x


def open_text(path, what="CSV"):
    """`path` opened as UTF-8 text (BOM skipped, newlines left to csv), after checking that it
    is text at all: a binary or UTF-16 file is one clear UserError, not a decode traceback."""
    path = Path(path)
    head = _head(path)
    problem = text_problem(head)
    if problem:
        raise UserError("%s is not a %s file: %s" % (path, what, problem))
    try:
        if _gzipped(path):
            return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise UserError("cannot read %s: %s" % (path, e.strerror or e)) from None


def _gzipped(path):
    """NAME.csv.gz: recordings are shared gzip-compressed (tests/data/sisfall); read as is."""
    return Path(path).suffix == ".gz"


def _head(path):
    try:
        with (gzip.open(path, "rb") if _gzipped(path) else open(path, "rb")) as f:
            return f.read(SNIFF_BYTES)
    except IsADirectoryError:
        raise UserError("%s is a directory, not a file" % path) from None
    except (gzip.BadGzipFile, EOFError) as e:
        raise UserError("%s is not a complete gzip file: %s" % (path, e)) from None
    except OSError as e:
        raise UserError("cannot read %s: %s" % (path, e.strerror or e)) from None


def text_problem(head):
    """Why the first bytes of a file are not UTF-8 text (None if they are)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "it is UTF-16 text; save it as CSV UTF-8"
    if b"\0" in head:
        return "it holds binary data (a zero byte)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if len(head) < SNIFF_BYTES or e.start < len(head) - 3:  # not a character cut by the sniff
            line = head.count(b"\n", 0, e.start) + 1
            return ("byte 0x%02x on line %d is not UTF-8 (binary data, or Latin-1/Windows "
                    "text: save it as CSV UTF-8)" % (head[e.start], line))
    return None


def is_text(path):
    """A readable file whose start is text: read as a CSV, whatever its first character."""
    try:
        return text_problem(_head(path)) is None
    except UserError:
        return False


def _rows(path):
    """(line, t, (ax, ay, az, gx, gy, gz), pelvis) for each data row, pelvis the row's
    (pax, ..., pgz) or None (no pelvis columns, or all six cells empty); UserError on anything
    malformed."""
    path = Path(path)
    with open_text(path) as f:
        reader = None
        try:
            reader = csv.reader(f, delimiter=_delimiter(f))
            header = next(reader, None)
            if header is None:
                raise UserError("%s is empty; expected a header t,ax,ay,az,gx,gy,gz" % path)
            idx = _columns(path, header)
            pidx = _pelvis_columns(path, header)
            width = max(idx + pidx) + 1
            for row in reader:
                if not row or all(not c.strip() for c in row):
                    continue
                line = reader.line_num
                if len(row) < width:
                    raise UserError("line %d: %d values for %d columns"
                                    % (line, len(row), len(header)))
                yield (line, number(row[idx[0]], line, "t"),
                       tuple(number(row[j], line, c)
                             for j, c in zip(idx[1:], COLUMNS[1:], strict=True)),
                       _pelvis_sample(row, pidx, line))
        except csv.Error as e:
            raise UserError("%s line %d is not CSV: %s" % (path, reader.line_num, e)) from None
        except UnicodeDecodeError as e:
            line = reader.line_num if reader else 1
            raise UserError("%s is not UTF-8 after line %d (byte 0x%02x): save it as CSV UTF-8"
                            % (path, line, e.object[e.start])) from None


def _delimiter(f):
    """',' unless the header has none and is split by ';' (Excel where the decimal mark is a
    comma) or tabs; the file is left at its start."""
    first = f.readline(SNIFF_BYTES)
    f.seek(0)
    if "," not in first:
        for sep in (";", "\t"):
            if sep in first:
                return sep
    return ","


def _columns(path, header):
    """Where each of COLUMNS is in the header (any case, spaces ignored)."""
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        if _all_numbers(header):
            raise UserError("%s has no header: its first line must be t,ax,ay,az,gx,gy,gz" % path)
        raise UserError("%s has no column %s (header must be t,ax,ay,az,gx,gy,gz)"
                        % (path, ", ".join(repr(m) for m in missing)))
    return [names.index(c) for c in COLUMNS]


def _pelvis_columns(path, header):
    """Where each of PELVIS_COLUMNS is in the header, or [] when the file has none of them."""
    names = [h.strip().lower() for h in header]
    present = [c for c in PELVIS_COLUMNS if c in names]
    if not present:
        return []
    if len(present) < len(PELVIS_COLUMNS):
        missing = [c for c in PELVIS_COLUMNS if c not in names]
        raise UserError("%s has pelvis column%s %s but not %s: the pelvis sensor needs all six "
                        "(pax,pay,paz,pgx,pgy,pgz) or none"
                        % (path, "s" if len(present) > 1 else "", ", ".join(present),
                           ", ".join(missing)))
    return [names.index(c) for c in PELVIS_COLUMNS]


def _pelvis_sample(row, pidx, line):
    """The row's pelvis sample, or None when the file has no pelvis columns or the row's six
    pelvis cells are all empty (no pelvis sample there); some empty is a malformed row."""
    if not pidx:
        return None
    cells = [row[j].strip() for j in pidx]
    if not any(cells):
        return None
    return tuple(number(text, line, c) for text, c in zip(cells, PELVIS_COLUMNS, strict=True))


def _all_numbers(row):
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return bool(row)


def load_imu_csv(path):
    """Check an IMU.csv from end to end (one pass, memory independent of its length) and return
    a CsvRecording that streams it."""
    path = Path(path)
    steps = _Steps(path)
    units = _Units()
    pelvis_units = _Units(PELVIS_COLUMNS)
    pelvis = False
    for line, t, sample, psample in _rows(path):
        steps.add(line, t)
        units.add(sample, steps)
        if psample is not None:
            pelvis = True
            pelvis_units.add(psample, steps)
    if steps.n < 2:
        raise UserError("%s has %s; need a recording"
                        % (path, "no samples" if not steps.n else "one sample"))
    rate_hz = steps.finish()
    units.check(path, steps.period_s)
    if pelvis:
        pelvis_units.check(path, steps.period_s)
    return CsvRecording(path, steps.t0, rate_hz, steps.n, pelvis)


class _Steps:
    """Time checks as the rows go by: t increases at a constant rate, in seconds. The period
    is the median of the first _RATE_SAMPLES steps; those are kept, later ones checked at once."""

    def __init__(self, path):
        self.path = path
        self.n = 0
        self.t0 = self.last = None
        self.period_s = None
        self._early = []  # (line, step) until the period is known

    def add(self, line, t):
        if self.n:
            if t <= self.last:
                raise UserError("line %d: t=%s does not increase (previous %s)"
                                % (line, t, self.last))
            if self.period_s is None:
                self._early.append((line, t - self.last))
                if len(self._early) == _RATE_SAMPLES:
                    self._set_period()
            else:
                self._check(line, t - self.last)
        else:
            self.t0 = t
        self.last = t
        self.n += 1

    def _set_period(self):
        dts = sorted(s for _, s in self._early)
        self.period_s = dts[len(dts) // 2]
        rate_hz = 1.0 / self.period_s
        lo, hi = RATE_RANGE_HZ
        if not lo * 0.98 <= rate_hz <= hi * 1.02:
            if lo * 0.98 <= 1000.0 * rate_hz <= hi * 1.02:
                raise UserError("%s: t steps by %g, so it looks like milliseconds; t must be in "
                                "seconds (divide by 1000)" % (self.path, self.period_s))
            raise UserError("%s: sample rate %.1f Hz is outside %g-%g Hz"
                            % (self.path, rate_hz, lo, hi))
        for line, step in self._early:
            self._check(line, step)
        self._early = None

    def _check(self, line, step):
        if abs(step - self.period_s) > 0.25 * self.period_s:
            raise UserError("line %d: %.1f ms after the previous sample in a %.1f Hz recording; "
                            "the rate must be constant (missing or duplicated samples?)"
                            % (line, step * 1000, 1.0 / self.period_s))

    def finish(self):
        """The rate over the whole file: sample i is at t0 + i/rate, as the device's FIFO
        assumes."""
        if self.period_s is None:
            self._set_period()
        return (self.n - 1) / (self.last - self.t0)


class _Units:
    """Unit checks from running statistics (constant memory).

    Accelerometer: |a| of a worn sensor averages 1 g; ~9.8 at the start means m/s^2.
    Gyroscope: rad/s instead of deg/s shows only in motion, by two signs that must agree.
    Magnitude: a walking or running trunk turns at tens of deg/s (rms while moving: real jogging
    65-224, the simulator 37; the same files in rad/s 0.6-3.9), so under _RAD_RMS_DPS is
    suspect. Agreement: the gyro, integrated between half-second windows, predicts how gravity
    turns in the accelerometer's frame. Read x57.3, a deg/s gyro predicts turns 57 times too big
    (error 3.3-13.6 times that of the gyro as read, over the 15 real jogs and the demo run); a
    rad/s gyro x57.3 is its true rotation, and predicts about as well as read (1.05-1.5 times:
    within a stride the accelerometer's own noise dominates both). Hence _AGREE_RATIO."""

    def __init__(self, columns=COLUMNS[1:]):
        # the sensor, for the messages: the chest's as ever, the pelvis's with its columns
        pelvis = columns != COLUMNS[1:]
        self.accel = "pelvis accelerometer (%s)" % ",".join(columns[:3]) if pelvis \
            else "accelerometer"
        self.gyro = "pelvis gyro" if pelvis else "gyro"
        self.gyro_columns = ",".join(columns[3:])
        self.start = []        # |a| over the first second (the median is taken)
        self.win = None        # samples per window, once the rate is known
        self._reset_window()
        self.prev = None       # previous window: (gravity unit vector, gyro sum * dt)
        self.moving_windows = 0
        self.gyro_sq = 0.0     # sum of |w|^2 over moving samples
        self.gyro_n = 0
        self.err = [0.0, 0.0]  # prediction error: gyro as read, gyro x 57.3

    def _reset_window(self):
        self.k = 0
        self.a = [0.0, 0.0, 0.0]
        self.a_sq = 0.0
        self.a_mag = 0.0
        self.w = [0.0, 0.0, 0.0]
        self.w_sq = 0.0

    def add(self, s, steps):
        mag = math.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2])
        if len(self.start) < _RATE_SAMPLES:
            self.start.append(mag)
        if steps.period_s is None:
            return  # the window needs the rate: the first ~1000 samples only count towards |a|
        if self.win is None:
            self.win = max(2, int(round(_UNIT_WINDOW_S / steps.period_s)))
            self.dt = steps.period_s
        for j in range(3):
            self.a[j] += s[j]
            self.w[j] += s[3 + j]
        self.a_mag += mag
        self.a_sq += mag * mag
        self.w_sq += s[3] * s[3] + s[4] * s[4] + s[5] * s[5]
        self.k += 1
        if self.k == self.win:
            self._window()
            self._reset_window()

    def _window(self):
        k = self.k
        mean = self.a_mag / k
        moving = self.a_sq / k - mean * mean > _MOVING_STD_G ** 2
        norm = math.sqrt(sum(x * x for x in self.a))
        theta = [x * self.dt for x in self.w]  # deg turned over the window
        g = [x / norm for x in self.a] if norm > 0 else None
        if moving and g is not None and self.prev is not None:
            self.moving_windows += 1
            self.gyro_sq += self.w_sq
            self.gyro_n += k
            g0, theta0 = self.prev
            # centre to centre: half of each window's rotation
            turn = [(a + b) * 0.5 for a, b in zip(theta0, theta, strict=True)]
            for h, scale in enumerate((1.0, _DEG_PER_RAD)):
                self.err[h] += _distance(g, _rotate(g0, turn, -scale / _DEG_PER_RAD))
        self.prev = (g, theta) if g is not None else None

    def check(self, path, period_s):
        start = sorted(self.start[:int(1.0 / period_s) + 1])  # the first second
        median_g = start[len(start) // 2]
        if median_g > 4.0:
            raise UserError("%s: %s magnitude is %.2f at the start; expected about 1 g "
                            "(is it in m/s^2? divide by 9.80665)" % (path, self.accel, median_g))
        if median_g < 0.25:
            raise UserError("%s: %s magnitude is %.3f at the start; expected about 1 g "
                            "while standing (wrong units or a dead axis?)"
                            % (path, self.accel, median_g))
        # (a file shorter than _RATE_SAMPLES never had its windows: too short to judge)
        if self.win is None or self.moving_windows * self.win * period_s < _MIN_MOVING_S:
            return
        rms = math.sqrt(self.gyro_sq / self.gyro_n)
        if rms < _RAD_RMS_DPS and self.err[1] < _AGREE_RATIO * self.err[0]:
            raise UserError("%s: the %s reads %.2f rms while moving, and x57.3 still matches "
                            "how the accelerometer turns: is it in rad/s? %s must be "
                            "in deg/s (multiply by 57.2958)"
                            % (path, self.gyro, rms, self.gyro_columns))


def _rotate(v, theta_deg, scale):
    """v rotated by the rotation vector theta_deg * scale (radians after scaling): Rodrigues."""
    r = [x * scale for x in theta_deg]
    angle = math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2])
    if angle < 1e-12:
        return v
    k = [x / angle for x in r]
    c, s = math.cos(angle), math.sin(angle)
    dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2]
    cross = (k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0])
    return [v[i] * c + cross[i] * s + k[i] * dot * (1 - c) for i in range(3)]


def _distance(a, b):
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))
