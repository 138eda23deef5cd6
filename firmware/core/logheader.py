"""Blocks written once per session, the header above all (logfmt.py has the format): a whole
block written part by part, and the header's payload.

Why apart from logfmt.py: installed as .mpy files (the default `leanclip flash` path) a
module's bytecode stays in the heap while the module lives, and logfmt.py lives for the whole
session (the writer packs a block every second); this runs at a session start. The writer
imports it there (sessionlog.LogWriter.open) and the app forgets it after the start
(device/modules.py, SESSION_START; docs/device.md, "Memory").
"""
import struct

from .logfmt import CRC_FORMAT, HEADER_FORMAT, PREFIX_BYTES, crc, pack_prefix


def write_block(f, kind, parts):
    """One whole block written to stream `f` part by part (the payload is `parts` end to end):
    for blocks written once per session. The header's JSON is ~1.2 KB; building the block in
    one buffer took three more blocks that size, which a fragmented heap could not give.
    `parts` is a sequence, or a function giving them afresh: it is gone through twice (the
    length, then the bytes), so the device's parts are never all held at once."""
    n = 0
    for part in parts() if callable(parts) else parts:
        n += len(part)
    prefix = bytearray(PREFIX_BYTES)
    start = pack_prefix(prefix, kind, n)
    value = crc(prefix, 0, start)
    f.write(prefix if start == PREFIX_BYTES else prefix[:start])
    for part in parts() if callable(parts) else parts:
        value = crc(part, 0, len(part), value)
        f.write(part)
    f.write(struct.pack(CRC_FORMAT, value))


def header_parts(mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, start_epoch_s,
                 meta_json):
    """The header block's payload as (fixed fields, JSON...) for write_block. meta_json: UTF-8
    JSON object text (fw, board, imu, config, calibration), made by the caller because CPython
    and MicroPython format floats differently; or a function giving its parts in order (the
    device's: its ~1.2 KB as one string, the config dict copied for it, and then the lists of
    its ~40 parts (256 B blocks) were the largest blocks a session start needed, which a heap
    cut up by a first session may not have: docs/device.md, "Memory")."""
    fixed = struct.pack(HEADER_FORMAT, mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps,
                        start_epoch_s)
    if callable(meta_json):
        def parts():
            yield fixed
            for part in meta_json():
                yield part.encode()
        return parts
    return (fixed, meta_json.encode() if isinstance(meta_json, str) else meta_json)
