"""Session logs on the device's flash: the block writer, and the rules for the directory of
session files (the directory itself: sessionstart.SessionStore, used only at a session start).

Why these rules:
- Append-only blocks (firmware/core/logfmt.py): a power cut can only cut the last block short,
  and the reader drops exactly that block.
- Flush at every whole second (when SummarySink hands over a second) and when the raw buffer is
  full: `flush()` makes littlefs commit, so at most the current second is in RAM. A flush writes
  ~20 bytes in summary mode, one raw block in raw mode; its cost is measured in `make bench`.
- The writer never raises into the loop. A full flash (ENOSPC) or any other write error stops
  logging, is recorded as a `flash_full`/`error` event, and is kept in `stopped` for the app to
  show (and put in /errors.log); coaching does not depend on the log.
- Room for saying why: a full flash has no block left for that last event nor for the
  errors.log line, so each session starts by making sure a reserve file (sessionstart.py, two
  littlefs blocks) exists, and the writer deletes it the moment the flash is full.
- Old sessions are deleted only by the rule the user configured (`log_keep_sessions`,
  `log_min_free_kb`, both 0 = never): a runner's history is not ours to throw away.
- The session index is the directory itself (files NNNNN.lcl): no second structure that a power
  cut could leave disagreeing with the files.

Needs only `os` and files, so it runs on CPython and the MicroPython unix port with a temp dir.
"""
import os
from array import array

from ..core import logfmt
from ..core.compat import byte_view, const

_ENOSPC = const(28)
_EVENT_BYTES = const(512)    # pending events; a text event is at most 261 bytes
_RAW_SAMPLES = const(170)     # default raw buffer: 2 KB, under a second at 208 Hz
_MAX_RAW_SAMPLES = const(341)  # (MAX_PAYLOAD - 4) // 12
SUFFIX = ".lcl"
_NAME_DIGITS = const(5)


def is_session_name(name):
    """True for a session file's name exactly: _NAME_DIGITS ASCII digits then SUFFIX. The host
    checks every name a board lists with this before using it as a local path."""
    if len(name) != _NAME_DIGITS + len(SUFFIX) or not name.endswith(SUFFIX):
        return False
    for c in name[:_NAME_DIGITS]:
        if not "0" <= c <= "9":
            return False
    return True


class LogWriter:
    """Writes one session at a time. `target` is a path (opened and owned here) or an open
    binary file.

    meta_json: JSON object text with fw, board, imu, config, calibration (see docs), or a
    function giving its parts (logheader.header_parts). reserve: the path of the reserve file
    (above), deleted when the flash is full; a path and not the store's method, which would
    keep the store's code (sessionstart.py) in the heap all session."""

    def __init__(self, target, mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps,
                 start_epoch_s, meta_json, raw_samples=_RAW_SAMPLES, reserve=None):
        self._prefix = bytearray(logfmt.PREFIX_BYTES)
        self._tag = memoryview(self._prefix)[:logfmt.SUMMARY_PREFIX_BYTES]  # made once, not per
        # block: slicing a memoryview allocates, and a summary block is written every second
        self._crc = logfmt.Crc32()
        self._crc_bytes = bytearray(4)
        self._summary = bytearray(logfmt.SUMMARY_BYTES)
        self._pelvis = None  # made at the first pelvis record: a one-sensor log never needs it
        self._events = bytearray(_EVENT_BYTES)
        self._raw = None
        self._raw_cap = min(raw_samples, _MAX_RAW_SAMPLES)
        self.open(target, mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps,
                  start_epoch_s, meta_json, reserve)

    def open(self, target, mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps,
             start_epoch_s, meta_json, reserve=None):
        """Start a session (the last one closed) in this writer's buffers: the device's next
        session reuses them, as a heap a session has cut up may have no 512 B block left for
        new ones (docs/device.md, "Memory")."""
        self.stopped = None  # None while logging, else why it stopped (one line)
        self._reserve = reserve  # deleted at ENOSPC, to make room for the last block
        self._last_ms = 0    # latest session time seen, to stamp the stop event
        self.rate_hz = rate_hz
        self._events_len = 0
        if mode != logfmt.MODE_RAW:
            self._raw = self._raw_mv = self._raw_bytes = None  # (the views hold the array too)
        elif self._raw is None:
            self._raw = array("h", bytes(2 * logfmt.SAMPLE_VALUES * self._raw_cap))
            self._raw_mv = memoryview(self._raw)
            self._raw_bytes = byte_view(self._raw, 2 * logfmt.SAMPLE_VALUES * self._raw_cap)
            self._raw_t = bytearray(logfmt.RAW_FIXED_BYTES)
        self._raw_n = 0
        self._raw_w = logfmt.SAMPLE_VALUES  # values a sample in the buffer: 12 for pairs
        from ..core.logheader import header_parts, write_block  # a session start's code

        self._own = isinstance(target, str)
        self._f = None
        try:
            self._f = open(target, "wb") if self._own else target
            write_block(self._f, logfmt.HEADER, header_parts(
                mode, session, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, start_epoch_s,
                meta_json))
            self._f.flush()
        except OSError as e:
            self._stop(e)

    def _block(self, kind, head, payload, n, item_bytes=1):
        """Write one block: an optional fixed head (bytes), then payload[:n], n counted in
        items of payload (int16 for raw samples)."""
        f = self._f
        hn = len(head) if head is not None else 0
        pn = logfmt.pack_prefix(self._prefix, kind, hn + n * item_bytes)
        c = self._crc
        c.reset()
        c.update(self._prefix, 0, pn)
        f.write(self._tag if pn == logfmt.SUMMARY_PREFIX_BYTES else self._prefix)
        if head is not None:
            c.update(head, 0, hn)
            f.write(head)
        c.update(payload if item_bytes == 1 else self._raw_bytes, 0, n * item_bytes)
        f.write(payload if n == len(payload) else memoryview(payload)[:n])
        c.pack_into(self._crc_bytes, 0)
        f.write(self._crc_bytes)

    def _write_pending(self):
        if self._raw is not None and self._raw_n:
            w = self._raw_w
            self._block(logfmt.RAW if w == logfmt.SAMPLE_VALUES else logfmt.RAW_PAIRS,
                        self._raw_t, self._raw_mv, self._raw_n * w, 2)
            self._raw_n = 0
        if self._events_len:
            self._block(logfmt.EVENTS, None, self._events, self._events_len)
            self._events_len = 0

    def _stop(self, e):
        """Logging ends here: leave the reason in the file if one more small block fits, then
        close. Never raises."""
        full = e.args and e.args[0] == _ENOSPC
        self.stopped = "flash full" if full else "log write failed: %r" % (e,)
        if self._f is None:  # the file never opened
            return
        if full and self._reserve is not None:
            try:
                os.remove(self._reserve)
            except OSError:
                pass
        try:
            code = logfmt.EVENT_CODES["flash_full" if full else "error"]
            value = None if full else self.stopped
            n = self._events_len  # the events not yet written go first (start, config_error)
            if n + logfmt.event_size(code, value) > _EVENT_BYTES:
                n = 0
            n = logfmt.pack_event(self._events, n, self._last_ms, code, value)
            self._events_len = 0
            self._block(logfmt.EVENTS, None, self._events, n)
            self._f.flush()
        except OSError:
            pass
        if self._own:
            try:
                self._f.close()
            except OSError:
                pass
        self._f = None

    def summary(self, t_s, lean_deg, roll_deg, cadence_spm, flags):
        """A finished second: written at once, with everything pending, then flushed."""
        if self._f is None:
            return
        self._last_ms = t_s * 1000 + 1000
        try:
            self._write_pending()
            logfmt.pack_summary(self._summary, 0, t_s, lean_deg, roll_deg, cadence_spm, flags)
            self._block(logfmt.SUMMARY, None, self._summary, logfmt.SUMMARY_BYTES)
            self._f.flush()
        except OSError as e:
            self._stop(e)

    def pelvis(self, t_s, pelvis_deg, lumbar_deg, lumbar_toeoff_deg, flags):
        """A finished second's pelvis record (log format v3), written just before its summary,
        whose flush makes both durable."""
        if self._f is None:
            return
        if self._pelvis is None:
            self._pelvis = bytearray(logfmt.PELVIS_BYTES)
        try:
            logfmt.pack_pelvis(self._pelvis, 0, t_s, pelvis_deg, lumbar_deg, lumbar_toeoff_deg,
                               flags)
            self._block(logfmt.PELVIS, None, self._pelvis, logfmt.PELVIS_BYTES)
        except OSError as e:
            self._stop(e)

    def event(self, t_ms, code, value):
        """Kept until the next second's flush (or written early when the buffer is full)."""
        if self._f is None:
            return
        self._last_ms = t_ms
        try:
            if self._events_len + logfmt.event_size(code, value) > _EVENT_BYTES:
                self._block(logfmt.EVENTS, None, self._events, self._events_len)
                self._events_len = 0
            self._events_len = logfmt.pack_event(self._events, self._events_len, t_ms, code,
                                                 value)
        except OSError as e:
            self._stop(e)

    def raw(self, t_ms, buf, n, pelvis=None):
        """Copy n samples (6*n int16 in buf, the first taken at session ms t_ms), and with
        `pelvis` each one's pelvis partner (6*n int16: RAW_PAIRS blocks, the same buffer
        holding half as many samples); ignored in summary mode. A full buffer is written as a
        block at once, and so is one of the other kind."""
        if self._f is None or self._raw is None:
            return
        self._last_ms = t_ms
        w = logfmt.SAMPLE_VALUES
        if pelvis is not None:
            w += w
        i = 0
        try:
            if self._raw_n and w != self._raw_w:
                self._write_pending()
            self._raw_w = w
            cap = self._raw_cap * logfmt.SAMPLE_VALUES // w
            src = memoryview(buf)
            raw = self._raw
            while i < n:
                if self._raw_n == 0:
                    logfmt.pack_raw_time(self._raw_t, t_ms + int(i * 1000 / self.rate_hz))
                take = min(n - i, cap - self._raw_n)
                at = self._raw_n * w
                if pelvis is None:
                    self._raw_mv[at:at + take * w] = src[i * w:(i + take) * w]
                else:  # each chest sample, then its pelvis partner (value by value: a
                    # slice per sample would allocate)
                    v = logfmt.SAMPLE_VALUES
                    for k in range(i * v, (i + take) * v, v):
                        for c in range(v):
                            raw[at + c] = buf[k + c]
                            raw[at + v + c] = pelvis[k + c]
                        at += w
                self._raw_n += take
                i += take
                if self._raw_n == cap:
                    self._write_pending()
        except OSError as e:
            self._stop(e)

    def close(self):
        if self._f is None:
            return
        try:
            self._write_pending()
            self._f.flush()
            if self._own:
                self._f.close()
        except OSError as e:
            self._stop(e)
        self._f = None
