"""The session log format: the one definition of its bytes, shared by the device and the host.

A session file is a run of self-checking blocks, nothing else: no file header that must be
rewritten, no index at a fixed place, so a file cut at any byte by a power loss is still a valid
prefix, and a damaged block costs only itself. Every block starts with a tag byte whose high
nibble is the format version, so a reader can tell "newer format" from "damage" on any block.

    tag u8 (VERSION << 4 | kind) | length u16 | payload[length] | crc32 u32 (over tag..payload)

except that a SUMMARY block, written every second, has a fixed payload and no length field: those
2 bytes are 1/7 of the log in summary mode (so has a PELVIS block, v3, beside it). All integers
little-endian. docs/log-format.md has the tables; this module is their code.
"""
import binascii
import struct

from .compat import const
from .logevents import TEXT, event_types as _event_types  # read once below, then dropped

# v2: forward_found carries speed_mps; pause/resume gone. v3: the pelvis sensor (PELVIS blocks,
# its events). v4: the pod's raw samples (RAW_PAIRS blocks) and pairing counts (event 30).
# docs/log-format.md
VERSION = const(4)

HEADER = const(1)   # session metadata: mode, rates, scales, then JSON (fw, board, imu, config)
SUMMARY = const(2)  # one second of running, reduced
EVENTS = const(3)   # one or more timestamped events
RAW = const(4)      # IMU samples at full rate, int16 counts as the driver delivered them
PELVIS = const(5)   # v3: one second of the pelvis sensor's angles, beside that second's SUMMARY
# v4: RAW with a pelvis pod: each sample the chest's six counts, then its pelvis partner's six
# (the pair the pipeline was fed); chest samples fed alone stay in RAW blocks
RAW_PAIRS = const(6)
KINDS = (HEADER, SUMMARY, EVENTS, RAW, PELVIS, RAW_PAIRS)

FRAME_BYTES = const(7)    # tag + length + crc
PREFIX_BYTES = const(3)   # tag + length
SUMMARY_PREFIX_BYTES = const(1)  # tag alone (so is a PELVIS block's prefix)
MAX_PAYLOAD = const(4096)  # longer lengths are damage, which lets the reader resync sooner

MODE_SUMMARY = const(0)
MODE_RAW = const(1)
MODE_NAMES = ("summary", "raw")

PREFIX_FORMAT = "<BH"
CRC_FORMAT = "<I"
# mode, session number, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, start_epoch_s (0 = unknown)
HEADER_FORMAT = "<BHfffI"
HEADER_FIXED_BYTES = const(19)
# t_s (session seconds mod 2**16), lean 0.1 deg, roll 0.25 deg, cadence spm, flags
SUMMARY_FORMAT = "<HhbBB"
SUMMARY_BYTES = const(7)
# t_s (as the summary's), pelvis tilt 0.1 deg, lumbar angle 0.1 deg, lumbar angle at toe-off
# 0.1 deg, flags (PELVIS_ALERT_FLAGS)
PELVIS_FORMAT = "<HhhhB"
PELVIS_BYTES = const(9)
# t_ms (session ms), code, data length; then data: float32 values or UTF-8 text
EVENT_FORMAT = "<IBB"
EVENT_FIXED_BYTES = const(6)
RAW_T_FORMAT = "<I"
RAW_FIXED_BYTES = const(4)
SAMPLE_VALUES = const(6)  # ax, ay, az, gx, gy, gz
SAMPLE_BYTES = const(12)
SAMPLE_FORMAT = "<h"  # each value, little-endian int16 counts

LEAN_PER_DEG = const(10)
ROLL_PER_DEG = const(4)

# summary flags: bits 0-1 motion state (0 still, 1 walking, 2 running), then
FLAG_STATE_MASK = const(0x03)
FLAG_LEAN = const(0x04)      # lean rows arrived in this second: lean/roll/cadence are real
_FLAG_UPRIGHT = const(0x08)   # a buzz of this kind started in this second
_FLAG_ARCH = const(0x10)
_FLAG_OVERLEAN = const(0x20)
ALERT_FLAGS = (("buzz_upright", _FLAG_UPRIGHT), ("buzz_arch", _FLAG_ARCH),
               ("buzz_overlean", _FLAG_OVERLEAN))
# PELVIS flags: a buzz of this kind started in this second
FLAG_HIPBEND = const(0x01)
_FLAG_LUMBAR_ARCH = const(0x02)
PELVIS_ALERT_FLAGS = (("buzz_hipbend", FLAG_HIPBEND), ("buzz_lumbar_arch", _FLAG_LUMBAR_ARCH))

# The event registry: the one list of events, in logevents.py (event_types), which everything
# else derives from (the pipeline's event names, the writer, host_tools/logread.py, the exports
# and the table in docs/log-format.md, checked by tests/test_log_events.py).
# What the writer needs, for this version only: name -> code, and code (below 48) -> 1 + how many
# values it takes (_TEXT_DATA for text, 0 for a code this version does not have).
EVENT_CODES = {}
_TEXT_DATA = const(255)
_DATA = bytearray(48)
for _code, (_name, _fields) in _event_types(VERSION).items():
    EVENT_CODES[_name] = _code
    _DATA[_code] = _TEXT_DATA if _fields == TEXT else len(_fields) + 1
del _code, _name, _fields, _event_types  # logevents.py is forgotten after start-up (modules.py)
# The pipeline's events (codes below 16), in code order, and its buzz events indexed by cue
# (coach.UPRIGHT, ARCH, OVERLEAN: the order of ALERT_FLAGS).
PIPELINE_EVENTS = tuple(sorted((c, n) for n, c in EVENT_CODES.items() if c < 16))
PIPELINE_EVENTS = tuple(n for _, n in PIPELINE_EVENTS)
# ... and those it adds with a pelvis sensor (codes 32-47), in code order
PELVIS_EVENTS = tuple(sorted((c, n) for n, c in EVENT_CODES.items() if 32 <= c < 48))
PELVIS_EVENTS = tuple(n for _, n in PELVIS_EVENTS)
BUZZ_EVENTS = (None,) + tuple(n for n, _ in ALERT_FLAGS)
_MAX_EVENT_DATA = const(255)


def crc(buf, start, end, value=0):
    """CRC32 of buf[start:end], continued from `value`: for the host and for blocks written once
    per session (binascii.crc32; on a 32-bit MicroPython its result is a big int 3 times in 4)."""
    return binascii.crc32(memoryview(buf)[start:end], value)


# CRC-32 (binascii's, reflected polynomial 0xEDB88320) of one nibble, low and high 16 bits.
_NIBBLE_LO = (0, 4196, 8392, 12460, 16784, 20980, 24920, 28988, 33568, 37700, 41960, 45964,
              49840, 53972, 57976, 61980)
_NIBBLE_HI = (0, 7607, 15214, 9945, 30428, 27499, 19890, 20485, 60856, 61455, 54998, 52065,
              39780, 34515, 40970, 48573)


class Crc32:
    """The same CRC32 as `crc`, kept as two 16-bit halves: the device's writer computes one per
    block, every second, and a 32-bit value above 2**30 would be a heap object on an ESP32 each
    time. Nibble tables (64 bytes) rather than byte tables (1 KB of RAM in a .mpy install)."""

    def __init__(self):
        self.lo = 0xFFFF
        self.hi = 0xFFFF

    def reset(self):
        self.lo = 0xFFFF
        self.hi = 0xFFFF

    def update(self, buf, start, end):
        """Continue over buf[start:end]."""
        lo = self.lo
        hi = self.hi
        tlo = _NIBBLE_LO
        thi = _NIBBLE_HI
        for i in range(start, end):
            lo ^= buf[i]
            n = lo & 15
            lo = ((lo >> 4) | ((hi & 15) << 12)) ^ tlo[n]
            hi = (hi >> 4) ^ thi[n]
            n = lo & 15
            lo = ((lo >> 4) | ((hi & 15) << 12)) ^ tlo[n]
            hi = (hi >> 4) ^ thi[n]
        self.lo = lo
        self.hi = hi

    def pack_into(self, buf, off):
        """The finished CRC, little-endian u32, as the reader reads crc()'s value (CRC_FORMAT)."""
        lo = self.lo ^ 0xFFFF
        hi = self.hi ^ 0xFFFF
        buf[off] = lo & 0xFF
        buf[off + 1] = lo >> 8
        buf[off + 2] = hi & 0xFF
        buf[off + 3] = hi >> 8


def pack_prefix(buf, kind, length):
    """Tag (and length, except for SUMMARY and PELVIS) into buf[0:]; returns the prefix's
    size."""
    if kind == SUMMARY or kind == PELVIS:
        buf[0] = VERSION << 4 | kind
        return SUMMARY_PREFIX_BYTES
    struct.pack_into(PREFIX_FORMAT, buf, 0, VERSION << 4 | kind, length)
    return PREFIX_BYTES


def _clamp_round(x, lo, hi):
    """x rounded into lo..hi; compared before int() so that inf saturates and NaN (which no
    comparison holds for) becomes 0, never an exception in the device's loop."""
    if x >= hi:
        return hi
    if x <= lo:
        return lo
    if x != x:
        return 0
    return int(x + 0.5) if x >= 0 else -int(0.5 - x)


def pack_summary(buf, off, t_s, lean_deg, roll_deg, cadence_spm, flags):
    """Quantise and pack; values beyond the field's range saturate (see docs)."""
    struct.pack_into(SUMMARY_FORMAT, buf, off, t_s & 0xFFFF,
                     _clamp_round(lean_deg * LEAN_PER_DEG, -32768, 32767),
                     _clamp_round(roll_deg * ROLL_PER_DEG, -128, 127),
                     _clamp_round(cadence_spm, 0, 255), flags & 0xFF)


def pack_pelvis(buf, off, t_s, pelvis_deg, lumbar_deg, toeoff_deg, flags):
    """A PELVIS payload: the mean of the second's pelvis rows (Pipeline sink.pelvis), quantised
    like the summary's lean and saturating alike."""
    struct.pack_into(PELVIS_FORMAT, buf, off, t_s & 0xFFFF,
                     _clamp_round(pelvis_deg * LEAN_PER_DEG, -32768, 32767),
                     _clamp_round(lumbar_deg * LEAN_PER_DEG, -32768, 32767),
                     _clamp_round(toeoff_deg * LEAN_PER_DEG, -32768, 32767), flags & 0xFF)


def event_size(code, value):
    """Bytes pack_event will use, so a writer can flush first when its buffer would overflow."""
    n = _DATA[code]
    if n == _TEXT_DATA:
        return EVENT_FIXED_BYTES + min(len(value.encode()), _MAX_EVENT_DATA)
    return EVENT_FIXED_BYTES + 4 * (n - 1)


def pack_event(buf, off, t_ms, code, value):
    """Pack one event at buf[off]; return the offset after it.

    value: a number or a tuple of numbers in the order of the code's fields (event_types()),
    None (stored as no values) or, for text events, a str (cut to 255 bytes)."""
    most = _DATA[code]
    if most == 0:
        raise ValueError("no event code %d in log format v%d" % (code, VERSION))
    if most == _TEXT_DATA:
        data = value.encode()[:_MAX_EVENT_DATA]
        struct.pack_into(EVENT_FORMAT, buf, off, t_ms, code, len(data))
        off += EVENT_FIXED_BYTES
        buf[off:off + len(data)] = data
        return off + len(data)
    if value is None:
        n = 0
    elif isinstance(value, tuple):
        n = len(value)
    else:
        n = 1
    if n >= most:
        raise ValueError("event code %d takes %d values" % (code, most - 1))
    struct.pack_into(EVENT_FORMAT, buf, off, t_ms, code, 4 * n)
    off += EVENT_FIXED_BYTES
    for i in range(n):
        struct.pack_into("<f", buf, off, value[i] if isinstance(value, tuple) else value)
        off += 4
    return off


def pack_raw_time(buf, t_ms):
    struct.pack_into(RAW_T_FORMAT, buf, 0, t_ms)
