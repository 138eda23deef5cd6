"""Read a session log back, recovering everything that survived.

The format (firmware/core/logfmt.py) is a run of CRC-checked blocks. Reading walks it: a sound
block is decoded and skipped over whole; anywhere else the reader moves one byte at a time until
a sound block starts again. So a cut file loses only its last, partial block, a flipped bit only
its own block, and a damaged block is never decoded: it is counted, as the run of bytes between
two sound blocks (one run may have held several blocks; the summary's missing seconds say how
much time was lost).
"""
import math
from io import BytesIO
from pathlib import Path

import numpy as np

from firmware.core import configtext, logevents, logfmt, logheader
from firmware.core.logparse import (fixed_bytes, parse_block, unpack_events, unpack_header,
                                     unpack_pelvis, unpack_raw, unpack_summary)
from firmware.core.coach import CUE_NAMES
from firmware.core.gait import STATE_NAMES

from .errors import UserError

SUMMARY_FIELDS = ("t_s", "lean_deg", "roll_deg", "cadence_spm", "state", "lean_valid",
                  "buzz_upright", "buzz_arch", "buzz_overlean")
_SUMMARY_DTYPES = (int, float, float, int, int, bool, bool, bool, bool)
# v3, a pelvis sensor fitted: one row per second in which the pelvis was trusted (signs:
# docs/log-format.md; lumbar = thorax lean - pelvis tilt, + = flexion)
PELVIS_FIELDS = ("t_s", "pelvis_deg", "lumbar_deg", "lumbar_toeoff_deg", "buzz_hipbend",
                 "buzz_lumbar_arch")
_PELVIS_DTYPES = (int, float, float, float, bool, bool)


class Recovery:
    """What reading had to leave out."""

    def __init__(self):
        self.blocks = 0           # sound blocks read
        self.damaged = 0          # runs of unreadable bytes between sound blocks
        self.damaged_bytes = 0
        self.truncated = False    # the file ends inside a block (power cut, interrupted copy)
        self.malformed = 0        # sound CRC but contents that do not parse: a writer bug
        # Sound blocks whose place in time is wrong (a copy tool or a hand-built file: the
        # writer only appends): put back in time order, or dropped as repeats.
        self.reordered = 0        # summaries and block runs read out of time order, re-sorted
        self.duplicates = 0       # summaries, event and raw blocks repeating what was read
        self.bad_values = 0       # values no writer writes (NaN, state 3, ...), left out

    @property
    def skipped(self):
        """Anything to tell the user about."""
        return self.lost + self.reordered + self.duplicates

    @property
    def lost(self):
        """Anything written that did not come back (a repeat or a re-sort loses nothing)."""
        return self.damaged + self.truncated + self.malformed + self.bad_values

    def describe(self):
        parts = ["%d blocks read" % self.blocks]
        if self.damaged:
            parts.append("%d damaged stretches skipped (%d bytes)"
                         % (self.damaged, self.damaged_bytes))
        if self.truncated:
            parts.append("last block cut short")
        if self.malformed:
            parts.append("%d malformed blocks skipped" % self.malformed)
        if self.reordered:
            parts.append("%d out of time order (re-sorted)" % self.reordered)
        if self.duplicates:
            parts.append("%d repeated blocks dropped" % self.duplicates)
        if self.bad_values:
            parts.append("%d impossible values left out" % self.bad_values)
        return ", ".join(parts)


class Session:
    """One decoded session: header, per-second summaries, per-second pelvis rows (none in a
    one-sensor log), events, raw samples, recovery."""

    def __init__(self, name):
        self.name = name
        self.version = logfmt.VERSION  # the log format version its blocks were written in
        self.header = None   # dict, or None if the header block was lost
        self.summary = {k: [] for k in SUMMARY_FIELDS}
        self.pelvis = {k: [] for k in PELVIS_FIELDS}
        self.events = []     # [(t_ms, name, data dict or text)]
        self.raw_blocks = []  # [(t_ms, int16 array (n, 6))]
        # the pelvis partners of a RAW_PAIRS block's chest samples, by the block's stamp
        self.pelvis_raw_blocks = {}  # {t_ms: int16 array (n, 6)}
        self.recovery = Recovery()

    def has_pelvis(self):
        """The log holds pelvis rows: a pelvis sensor was fitted and trusted at some point."""
        return len(self.pelvis["t_s"]) > 0

    def config(self):
        """The config logged in the header ({} if none); validate it before use."""
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

    def raw_pelvis(self):
        """The pelvis sensor's raw samples beside raw()'s rows (v3 RAW_PAIRS blocks): (has,
        int16 counts (n, 6)), `has` False (counts 0) where the chest sample was fed alone; None
        for a log without any (one sensor, or a summary log)."""
        if not self.pelvis_raw_blocks or not self.header:
            return None
        has = np.concatenate([np.full(len(s), t in self.pelvis_raw_blocks)
                              for t, s in self.raw_blocks])
        counts = np.concatenate([self.pelvis_raw_blocks.get(t, np.zeros_like(s))
                                 for t, s in self.raw_blocks])
        return has, counts


def blocks(data, recovery):
    """Yield (offset, version, kind, start, end) for each sound block (payload data[start:end],
    CRC after it), counting what is skipped."""
    off = 0
    gap = None
    size = len(data)
    while off < size:
        found = parse_block(data, off)
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
    fixed = fixed_bytes(tag & 0x0F, tag >> 4)
    if fixed is not None:
        return off + logfmt.SUMMARY_PREFIX_BYTES + fixed + 4 > len(data)
    if off + logfmt.PREFIX_BYTES > len(data):
        return True
    length = int.from_bytes(data[off + 1:off + 3], "little")
    return length <= logfmt.MAX_PAYLOAD and off + logfmt.FRAME_BYTES + length > len(data)


_TYPES = {}  # version -> logevents.event_types(version)


def event_types(version):
    """{code: (name, fields)} of a log format version (logevents.py's registry), built once."""
    if version not in _TYPES:
        _TYPES[version] = logevents.event_types(version)
    return _TYPES[version]


# registry units that name an enumeration: its names, indexed by value (export, eventtext)
# sensor_fault kinds as the pipeline numbers them (docs/log-format.md, code 13)
FAULT_NAMES = ("none", "silent (all zeros)", "saturated (full scale)", "tilt lost")
ENUM_NAMES = {"state": STATE_NAMES, "cue": ("none",) + CUE_NAMES, "fault": FAULT_NAMES}


def event_units(name, version=logfmt.VERSION):
    """{field: unit} of an event, {} for a text event or an unknown name."""
    for known, fields in event_types(version).values():
        if known == name and fields != logfmt.TEXT:
            return {f: unit for f, _, unit in fields}
    return {}


def _event_data(fields, data, rec):
    """{field: value}; a value that is not finite (no writer's) is left out, as a value the
    event did not carry (fewer values than fields is allowed), and counted."""
    if fields == logfmt.TEXT:
        return data
    out = {}
    for (k, kind, _), v in zip(fields, data, strict=False):
        if math.isfinite(v):
            out[k] = int(v) if kind == "i" else float(v)
        else:
            rec.bad_values += 1
    return out


# What a header's fixed fields must hold for its samples to be timed and scaled: anything else
# is no writer's (rate 0 would divide by zero, 1e-30 Hz make a replay of one sample last aeons).
RATE_HZ_RANGE = (1.0, 10000.0)
LSB_RANGE = (1e-3, 1e6)


def _header(version, fields):
    """The header dict, or ValueError (a malformed block) if its numbers cannot be a writer's.
    Its JSON metadata is read with the bounded parser the config uses (depth, size, finite
    numbers): unreadable, it becomes {} and the numbers are kept."""
    mode, number, rate, lsb_g, lsb_dps, epoch, meta = fields
    if not (RATE_HZ_RANGE[0] <= rate <= RATE_HZ_RANGE[1]
            and LSB_RANGE[0] <= lsb_g <= LSB_RANGE[1]
            and LSB_RANGE[0] <= lsb_dps <= LSB_RANGE[1]):
        raise ValueError("header rate or scale out of range")
    doc, problem = configtext.parse(meta)
    meta_ok = problem is None and isinstance(doc, dict) and isinstance(
        doc.get("config", {}), dict)
    return {"version": version, "mode": logfmt.MODE_NAMES[mode], "session": number,
            "rate_hz": rate, "accel_lsb_per_g": lsb_g, "gyro_lsb_per_dps": lsb_dps,
            "start_epoch_s": epoch, "meta": doc if meta_ok else {}}, meta_ok


# An events block starting this much before the latest event already read was moved (the writer
# flushes events every second, stamped within a stride of the loop's time).
_EVENTS_BACK_MS = 5000


def decode(data, name="session"):
    """Decode bytes into a Session; never raises on damage (that is counted instead).

    Time is checked as well as CRCs: summaries carry their second modulo 2**16, unwrapped by
    the signed step from the previous one, so a block moved or repeated (sound CRC, wrong
    place) is a step back or a step of 0, not a 65,536 s jump. Summaries end in time order with
    one row per second; raw and event blocks are ordered by their stamps and exact repeats
    dropped; each is counted in `recovery`."""
    s = Session(name)
    rec = s.recovery
    rows = []             # (t, arrival, step, row)
    pelvis_rows = []      # the same, PELVIS records
    prev_t = None
    seen_events = set()   # payloads of event blocks (each holds its own ms stamps: unique)
    events_moved = False
    last_event_ms = None
    for _, version, kind, start, end in blocks(data, rec):
        if version > logfmt.VERSION:
            raise UserError("%s: written in log format v%d, this leanclip reads v1 to v%d: "
                            "upgrade it" % (name, version, logfmt.VERSION))
        s.version = version
        try:
            if kind == logfmt.HEADER:
                s.header, meta_ok = _header(version, unpack_header(data, start, end))
                rec.bad_values += not meta_ok
            elif kind == logfmt.SUMMARY:
                t16, lean, roll, cad, flags = unpack_summary(data, start, end)
                state = flags & logfmt.FLAG_STATE_MASK
                if state >= len(STATE_NAMES):
                    rec.bad_values += 1
                    continue
                step = 0 if prev_t is None else (t16 - prev_t + 0x8000) % 0x10000 - 0x8000
                t = t16 if prev_t is None else prev_t + step
                prev_t = t
                rows.append((t, len(rows), step, (t, lean, roll, cad, state,
                                                  bool(flags & logfmt.FLAG_LEAN)) + tuple(
                    bool(flags & f) for _, f in logfmt.ALERT_FLAGS)))
            elif kind == logfmt.PELVIS:
                t16, pelvis, lumbar, toeoff, flags = unpack_pelvis(data, start, end)
                # beside the summary of its second: unwrapped against the last summary's time
                # (before it, after it, or - with no summary yet - as it stands)
                t = t16 if prev_t is None else prev_t + (t16 - prev_t + 0x8000) % 0x10000 - 0x8000
                step = 1 if not pelvis_rows else t - pelvis_rows[-1][0]
                pelvis_rows.append((t, len(pelvis_rows), step, (t, pelvis, lumbar, toeoff) + tuple(
                    bool(flags & f) for _, f in logfmt.PELVIS_ALERT_FLAGS)))
            elif kind == logfmt.EVENTS:
                payload = bytes(data[start:end])
                if payload in seen_events:
                    rec.duplicates += 1
                    continue
                seen_events.add(payload)
                types = event_types(version)
                block = [(t_ms, types[code][0], _event_data(types[code][1], d, rec))
                         for t_ms, code, d in unpack_events(data, start, end, types)]
                if block and last_event_ms is not None and \
                        block[0][0] < last_event_ms - _EVENTS_BACK_MS:
                    rec.reordered += 1
                    events_moved = True
                s.events.extend(block)
                if block:
                    last_event_ms = max(last_event_ms or 0, block[-1][0])
            else:  # RAW, or RAW_PAIRS: each chest sample then its pelvis partner
                w = 2 if kind == logfmt.RAW_PAIRS else 1
                t_ms, at, n = unpack_raw(data, start, end, w * logfmt.SAMPLE_BYTES)
                samples = np.frombuffer(data, dtype=np.dtype(logfmt.SAMPLE_FORMAT),
                                        count=n * w * logfmt.SAMPLE_VALUES, offset=at)
                samples = samples.reshape(n, w * logfmt.SAMPLE_VALUES)
                if w == 2 and t_ms not in s.pelvis_raw_blocks:  # (a repeat: see _in_time_order)
                    s.pelvis_raw_blocks[t_ms] = samples[:, logfmt.SAMPLE_VALUES:].copy()
                s.raw_blocks.append((t_ms, samples[:, :logfmt.SAMPLE_VALUES].copy()))
        except (ValueError, IndexError, UnicodeDecodeError):
            rec.blocks -= 1
            rec.malformed += 1
    if events_moved:
        s.events.sort(key=lambda e: e[0])  # stable: same-ms events keep their order
    s.raw_blocks = _in_time_order(s.raw_blocks, rec)
    s.summary = _summary_columns(rows, rec)
    s.pelvis = _summary_columns(pelvis_rows, rec, PELVIS_FIELDS, _PELVIS_DTYPES)
    return s


def _in_time_order(raw_blocks, rec):
    """Raw blocks by their first sample's stamp; a block with the stamp of one already kept is
    a repeat (two blocks of one recording never start in the same ms) and dropped."""
    out = []
    stamps = set()
    for i, (t, samples) in enumerate(raw_blocks):
        if t in stamps:
            rec.duplicates += 1
            continue
        stamps.add(t)
        if i and t < raw_blocks[i - 1][0]:
            rec.reordered += 1
        out.append((t, samples))
    out.sort(key=lambda b: b[0])
    return out


def _summary_columns(rows, rec, fields=SUMMARY_FIELDS, dtypes=_SUMMARY_DTYPES):
    """Summary (or pelvis) rows (t, arrival, step, row) -> columns, one row per second in time
    order. A second read again is dropped (the first kept); one that stepped back in time was
    moved, and is put back in its place; seconds before the session's start cannot be."""
    kept = []
    for t, _, step, row in sorted(rows, key=lambda r: (r[0], r[1])):
        if t < 0:
            rec.bad_values += 1
        elif kept and t == kept[-1][0]:
            rec.duplicates += 1
        else:
            rec.reordered += step < 0
            kept.append(row)
    cols = list(zip(*kept, strict=True)) if kept else [()] * len(fields)
    return {k: np.array(c, dtype=d) for k, c, d in zip(fields, cols, dtypes, strict=True)}


def looks_like_log(data):
    return len(data) > 0 and data[0] >> 4 >= 1 and data[0] & 0x0F == logfmt.HEADER


# A log holds a sound block at least every second from its first byte: a file with none in its
# first PROBE_BYTES is refused before the rest is read (a 2 GB video is not walked byte by byte).
PROBE_BYTES = 1 << 16


def load(path):
    """Read a session file for a command: a file that is not a log is a UserError."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(PROBE_BYTES)
            more = f.read(1)
            # (a file shorter than the probe may be a log cut inside its header block)
            if head and (more or not looks_like_log(head)) and _no_block_in(head):
                raise UserError("%s is not a LeanClip session log" % path)
            data = head + more + f.read()
    except OSError as e:
        raise UserError("cannot read %s: %s" % (path, e.strerror or e)) from None
    if not data:
        raise UserError("%s is empty: nothing was recorded in it" % path)
    s = decode(data, str(path))
    if s.recovery.blocks == 0 and not looks_like_log(data):
        raise UserError("%s is not a LeanClip session log" % path)
    return s


def _no_block_in(head):
    return all(parse_block(head, off) is None for off in range(len(head)))


def frame(kind, payload):
    """One whole block as bytes, as the device writes it (tests, benches). Here, not in logfmt.py:
    the device never needs it, and as .mpy every function there is heap (docs/device.md)."""
    out = BytesIO()
    logheader.write_block(out, kind, (payload,))
    return out.getvalue()


def header_payload(*args):
    """logheader.header_parts joined: a HEADER block's payload (tests)."""
    return b"".join(logheader.header_parts(*args))
