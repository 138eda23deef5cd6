"""Reading the session log format back (firmware/core/logfmt.py writes it): block by block,
each CRC-checked. Used by the host (host_tools/logread.py) and, over the raw REPL, by the board
itself when `leanclip logs` lists sessions; never by the app, so as .mpy it costs the running
firmware no heap (~1 KB when it sat in logfmt, docs/device.md section 9)."""
import struct

from .logfmt import (CRC_FORMAT, EVENT_FIXED_BYTES, EVENT_FORMAT, HEADER_FIXED_BYTES,
                     HEADER_FORMAT, KINDS, LEAN_PER_DEG, MAX_PAYLOAD, PELVIS, PELVIS_BYTES,
                     PELVIS_FORMAT, PREFIX_BYTES, PREFIX_FORMAT, RAW_FIXED_BYTES, RAW_PAIRS,
                     RAW_T_FORMAT, ROLL_PER_DEG, SAMPLE_BYTES, SUMMARY_BYTES, SUMMARY_FORMAT,
                     SUMMARY, SUMMARY_PREFIX_BYTES, TEXT, crc)


def fixed_bytes(kind, version):
    """The payload size of a kind whose blocks have no length field (SUMMARY, and PELVIS from
    v3 on), else None."""
    if kind == SUMMARY:
        return SUMMARY_BYTES
    if kind == PELVIS and version >= 3:
        return PELVIS_BYTES
    return None


def parse_block(buf, off):
    """(version, kind, payload_start, payload_end) if a sound block starts at buf[off], else None.

    Sound means: a known kind, a plausible length, all bytes present and the CRC matching.
    Any version is accepted here so that the caller can tell a newer format from damage."""
    if off >= len(buf):
        return None
    tag = buf[off]
    kind = tag & 0x0F
    if kind not in KINDS or tag >> 4 == 0 or (kind == PELVIS and tag >> 4 < 3) \
            or (kind == RAW_PAIRS and tag >> 4 < 4):
        return None
    fixed = fixed_bytes(kind, tag >> 4)
    if fixed is not None:
        start = off + SUMMARY_PREFIX_BYTES
        end = start + fixed
    else:
        if off + PREFIX_BYTES > len(buf):
            return None
        length = struct.unpack_from(PREFIX_FORMAT, buf, off)[1]
        if length > MAX_PAYLOAD:
            return None
        start = off + PREFIX_BYTES
        end = start + length
    if end + 4 > len(buf):
        return None
    if struct.unpack_from(CRC_FORMAT, buf, end)[0] != crc(buf, off, end):
        return None
    return tag >> 4, kind, start, end


def unpack_header(buf, start, end):
    """(mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, start_epoch_s, meta bytes)."""
    if end - start < HEADER_FIXED_BYTES:
        raise ValueError("short header block")
    return struct.unpack_from(HEADER_FORMAT, buf, start) + (
        bytes(buf[start + HEADER_FIXED_BYTES:end]),)


def unpack_summary(buf, start, end):
    """(t_s mod 2**16, lean_deg, roll_deg, cadence_spm, flags)."""
    if end - start != SUMMARY_BYTES:
        raise ValueError("summary block of %d bytes" % (end - start))
    t, lean, roll, cad, flags = struct.unpack_from(SUMMARY_FORMAT, buf, start)
    return t, lean / LEAN_PER_DEG, roll / ROLL_PER_DEG, cad, flags


def unpack_pelvis(buf, start, end):
    """(t_s mod 2**16, pelvis_deg, lumbar_deg, lumbar_toeoff_deg, flags) of a PELVIS block."""
    if end - start != PELVIS_BYTES:
        raise ValueError("pelvis block of %d bytes" % (end - start))
    t, pelvis, lumbar, toeoff, flags = struct.unpack_from(PELVIS_FORMAT, buf, start)
    return t, pelvis / LEAN_PER_DEG, lumbar / LEAN_PER_DEG, toeoff / LEAN_PER_DEG, flags


def unpack_events(buf, start, end, types):
    """[(t_ms, code, data)] from one EVENTS payload; data is a tuple of floats or a str.
    types: event_types() of the block's version. Raises ValueError on a payload that does not
    parse exactly (a format bug, not damage)."""
    out = []
    off = start
    while off < end:
        if off + EVENT_FIXED_BYTES > end:
            raise ValueError("event cut inside its block")
        t_ms, code, n = struct.unpack_from(EVENT_FORMAT, buf, off)
        off += EVENT_FIXED_BYTES
        if code not in types or off + n > end:
            raise ValueError("bad event code %d or length %d" % (code, n))
        fields = types[code][1]
        if fields == TEXT:
            data = bytes(buf[off:off + n]).decode("utf-8", "replace")
        elif n % 4 or n > 4 * len(fields):
            raise ValueError("event %s with %d data bytes" % (types[code][0], n))
        else:
            data = struct.unpack_from("<%df" % (n // 4), buf, off)
        out.append((t_ms, code, data))
        off += n
    return out


def unpack_raw(buf, start, end, sample_bytes=SAMPLE_BYTES):
    """(t_ms of the first sample, offset of the int16 samples, sample count); sample_bytes
    2 x SAMPLE_BYTES for a RAW_PAIRS block (v4)."""
    n = end - start - RAW_FIXED_BYTES
    if n < 0 or n % sample_bytes:
        raise ValueError("raw block of %d bytes" % (end - start))
    return (struct.unpack_from(RAW_T_FORMAT, buf, start)[0],
            start + RAW_FIXED_BYTES, n // sample_bytes)
