"""Read a session log back, recovering everything that survived.

The format (firmware/core/logfmt.py) is a run of CRC-checked blocks. Reading walks it: a sound
block is decoded and skipped over whole; anywhere else the reader moves one byte at a time until
a sound block starts again. So a cut file loses only its last, partial block, a flipped bit only
its own block, and a damaged block is never decoded: it is counted, as the run of bytes between
two sound blocks (one run may have held several blocks; the summary's missing seconds say how
much time was lost).
"""
import json
from pathlib import Path

import numpy as np

from firmware.core import logfmt

from .errors import UserError

SUMMARY_FIELDS = ("t_s", "lean_deg", "roll_deg", "cadence_spm", "state", "lean_valid",
                  "buzz_upright", "buzz_arch", "buzz_overlean")
_SUMMARY_DTYPES = (int, float, float, int, int, bool, bool, bool, bool)


class Recovery:
    """What reading had to leave out."""

    def __init__(self):
        self.blocks = 0           # sound blocks read
        self.damaged = 0          # runs of unreadable bytes between sound blocks
        self.damaged_bytes = 0
        self.truncated = False    # the file ends inside a block (power cut, interrupted copy)
        self.malformed = 0        # sound CRC but contents that do not parse: a writer bug

    @property
    def skipped(self):
        return self.damaged + self.truncated + self.malformed

    def describe(self):
        parts = ["%d blocks read" % self.blocks]
        if self.damaged:
            parts.append("%d damaged stretches skipped (%d bytes)"
                         % (self.damaged, self.damaged_bytes))
        if self.truncated:
            parts.append("last block cut short")
        if self.malformed:
            parts.append("%d malformed blocks skipped" % self.malformed)
        return ", ".join(parts)


class Session:
    """One decoded session: header, per-second summaries, events, raw samples, recovery."""

    def __init__(self, name):
        self.name = name
        self.version = logfmt.VERSION  # the log format version its blocks were written in
        self.header = None   # dict, or None if the header block was lost
        self.summary = {k: [] for k in SUMMARY_FIELDS}
        self.events = []     # [(t_ms, name, data dict or text)]
        self.raw_blocks = []  # [(t_ms, int16 array (n, 6))]
        self.recovery = Recovery()

    def config(self):
        return (self.header or {}).get("meta", {}).get("config", {})

    def raw(self):
        """(t_ms per sample, int16 counts (n, 6)). Times run on at the header's rate; a block's
        stamp (whole ms) only restarts them where samples are missing."""
        if not self.raw_blocks or not self.header:
            return np.zeros(0), np.zeros((0, 6), dtype=np.int16)
        period_ms = 1000.0 / self.header["rate_hz"]
        tolerance = max(1.0, period_ms / 2)  # stamps are whole ms, cut down
        times = []
        next_t = None
        for t, s in self.raw_blocks:
            if next_t is not None and abs(t - next_t) <= tolerance:
                t = next_t
            times.append(t + np.arange(len(s)) * period_ms)
            next_t = t + len(s) * period_ms
        return np.concatenate(times), np.concatenate([s for _, s in self.raw_blocks])


def blocks(data, recovery):
    """Yield (offset, version, kind, start, end) for each sound block (payload data[start:end],
    CRC after it), counting what is skipped."""
    off = 0
    gap = None
    size = len(data)
    while off < size:
        found = logfmt.parse_block(data, off)
        if found is None:
            if gap is None:
                gap = off
            off += 1
            continue
        if gap is not None:
            recovery.damaged += 1
            recovery.damaged_bytes += off - gap
            gap = None
        recovery.blocks += 1
        yield (off,) + found
        off = found[3] + 4
    if gap is not None:
        if _cut_short(data, gap):
            recovery.truncated = True
        else:
            recovery.damaged += 1
            recovery.damaged_bytes += size - gap


def _cut_short(data, off):
    """True if the bytes from off look like the start of a block that runs past the end."""
    tag = data[off]
    if not 1 <= tag >> 4 <= logfmt.VERSION or tag & 0x0F not in logfmt.KINDS:
        return False
    if tag & 0x0F == logfmt.SUMMARY:
        return off + logfmt.SUMMARY_PREFIX_BYTES + logfmt.SUMMARY_BYTES + 4 > len(data)
    if off + logfmt.PREFIX_BYTES > len(data):
        return True
    length = int.from_bytes(data[off + 1:off + 3], "little")
    return length <= logfmt.MAX_PAYLOAD and off + logfmt.FRAME_BYTES + length > len(data)


_TYPES = {}  # version -> logfmt.event_types(version)


def event_types(version):
    """{code: (name, fields)} of a log format version (logfmt's registry), built once."""
    if version not in _TYPES:
        _TYPES[version] = logfmt.event_types(version)
    return _TYPES[version]


def event_units(name, version=logfmt.VERSION):
    """{field: unit} of an event, {} for a text event or an unknown name."""
    for known, fields in event_types(version).values():
        if known == name and fields != logfmt.TEXT:
            return {f: unit for f, _, unit in fields}
    return {}


def _event_data(fields, data):
    if fields == logfmt.TEXT:
        return data
    return {k: int(v) if kind == "i" else float(v) for (k, kind, _), v in
            zip(fields, data, strict=False)}  # fewer values than fields is allowed


def decode(data, name="session"):
    """Decode bytes into a Session; never raises on damage (that is counted instead)."""
    s = Session(name)
    rec = s.recovery
    prev_t = None
    for _, version, kind, start, end in blocks(data, rec):
        if version > logfmt.VERSION:
            raise UserError("%s: written in log format v%d, this leanclip reads v1 to v%d: "
                            "upgrade it" % (name, version, logfmt.VERSION))
        s.version = version
        try:
            if kind == logfmt.HEADER:
                mode, number, rate, lsb_g, lsb_dps, epoch, meta = logfmt.unpack_header(
                    data, start, end)
                s.header = {"version": version, "mode": logfmt.MODE_NAMES[mode],
                            "session": number, "rate_hz": rate, "accel_lsb_per_g": lsb_g,
                            "gyro_lsb_per_dps": lsb_dps, "start_epoch_s": epoch,
                            "meta": json.loads(meta.decode())}
            elif kind == logfmt.SUMMARY:
                t16, lean, roll, cad, flags = logfmt.unpack_summary(data, start, end)
                t = t16 if prev_t is None else prev_t + ((t16 - prev_t) & 0xFFFF)
                prev_t = t
                row = (t, lean, roll, cad, flags & logfmt.FLAG_STATE_MASK,
                       bool(flags & logfmt.FLAG_LEAN)) + tuple(
                           bool(flags & f) for _, f in logfmt.ALERT_FLAGS)
                for k, v in zip(SUMMARY_FIELDS, row, strict=True):
                    s.summary[k].append(v)
            elif kind == logfmt.EVENTS:
                types = event_types(version)
                for t_ms, code, d in logfmt.unpack_events(data, start, end, types):
                    s.events.append((t_ms, types[code][0], _event_data(types[code][1], d)))
            else:
                t_ms, at, n = logfmt.unpack_raw(data, start, end)
                samples = np.frombuffer(data, dtype=np.dtype(logfmt.SAMPLE_FORMAT),
                                        count=n * logfmt.SAMPLE_VALUES, offset=at)
                s.raw_blocks.append((t_ms, samples.reshape(n, logfmt.SAMPLE_VALUES).copy()))
        except (ValueError, IndexError, UnicodeDecodeError):
            rec.blocks -= 1
            rec.malformed += 1
    s.summary = {k: np.array(s.summary[k], dtype=t) for k, t in zip(
        SUMMARY_FIELDS, _SUMMARY_DTYPES, strict=True)}
    return s


def looks_like_log(data):
    return len(data) > 0 and data[0] >> 4 >= 1 and data[0] & 0x0F == logfmt.HEADER


def load(path):
    """Read a session file for a command: a file that is not a log is a UserError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError("cannot read %s: %s" % (path, e.strerror or e)) from None
    if not data:
        raise UserError("%s is empty: nothing was recorded in it" % path)
    s = decode(data, str(path))
    if s.recovery.blocks == 0 and not looks_like_log(data):
        raise UserError("%s is not a LeanClip session log" % path)
    return s
