"""Replay and session logs, both ways: a raw-mode log from the device goes into `leanclip replay`
as it is (so a runner can re-tune thresholds on the PC against a real run), and a replay writes
the session log the device would have written (so the host's report reads the same file a run
on the device leaves, and `make demo` can show it).

The log is written by the firmware's own SummarySink and LogWriter: the bytes come from the
same code as on the device, only the clock is the recording's.
"""
import heapq
import json
import math
from array import array
from importlib import metadata

import numpy as np

from firmware.core import logfmt
from firmware.core.summary import SummarySink
from firmware.device.sessionlog import LogWriter

from . import logread, outfiles, replay_input
from .errors import UserError

# A replay's raw log stores counts as a sensor set to +-8 g and +-2000 deg/s would (16-bit).
ACCEL_LSB_PER_G = 4096.0
GYRO_LSB_PER_DPS = 16.384
BATCH = 32  # samples per raw write, like a FIFO drain


def is_session_log(path):
    """A log, not an IMU.csv: binary (a text file is always read as a CSV, whatever its first
    character; replay_input) and starting with a header block."""
    try:
        with open(path, "rb") as f:
            first = f.read(1)
    except OSError:
        return False
    return logread.looks_like_log(first) and not replay_input.is_text(path)


def raw_recording(path):
    """(t0_s, rate_hz, values, pelvis values or None) from a raw-mode log: 6 values per sample
    in g and deg/s, ready for the pipeline, and the pelvis pod's the same way where the log
    has them for every sample. Refuses a log with holes: replay assumes an unbroken sample
    stream."""
    s = logread.load(path)
    if s.header is None:
        raise UserError("%s: the header block is lost, so the sample rate and scales are "
                        "unknown; `leanclip export` still recovers the rest" % path)
    if s.header["mode"] != "raw":
        raise UserError("%s is a summary-mode log: it has no IMU samples to replay "
                        "(set log_raw to true on the device to record them: "
                        "leanclip config set log_raw true)" % path)
    t_ms, counts = s.raw()
    if len(counts) < 2:
        raise UserError("%s holds no raw samples" % path)
    period_ms = 1000.0 / s.header["rate_hz"]
    gaps = np.nonzero(np.diff(t_ms) > 1.5 * period_ms)[0]
    if len(gaps) or s.recovery.lost:
        at = " at %.1f s" % (t_ms[gaps[0]] / 1000.0) if len(gaps) else ""
        raise UserError("%s: samples are missing%s (%s); replay needs an unbroken recording"
                        % (path, at, s.recovery.describe()))
    scale = np.array([1.0 / s.header["accel_lsb_per_g"]] * 3
                     + [1.0 / s.header["gyro_lsb_per_dps"]] * 3)
    values = (counts * scale).ravel().tolist()
    pelvis = s.raw_pelvis()  # a pelvis pod's samples (RAW_PAIRS), else None
    if pelvis is not None and not pelvis[0].all():
        raise UserError("%s: the pelvis sensor's samples stop and start again; `leanclip "
                        "export --csv` writes them as imu.csv (empty where missing), which "
                        "replay takes" % path)
    if pelvis is not None:
        pelvis = (pelvis[1] * scale).ravel().tolist()
    return t_ms[0] / 1000.0, s.header["rate_hz"], values, pelvis


def _meta(cfg):
    try:
        fw = metadata.version("leanclip")
    except metadata.PackageNotFoundError:
        fw = "unknown"
    return json.dumps({"fw": fw, "board": "replay", "imu": "recording", "config": cfg,
                       "calibration": {}}, sort_keys=True, separators=(",", ":"))


def write_device_log(path, rec, recorder, cfg, mode="summary", session=0, start_epoch_s=0):
    """Write the session log for a finished replay (as the device's session number `session`,
    started at `start_epoch_s`, 0 for a clock never set).

    rec: an ImuRecording or CsvRecording (t0, rate_hz, n, batches()); recorder: replay's
    Recorder holding the pipeline's rows and events. They are fed to the SummarySink in time
    order (each pelvis row right after its lean row, as the pipeline gives them), with the
    device's once-per-loop poll at every whole second and raw writes per FIFO-sized batch."""
    try:
        with outfiles.replacing(path, "wb") as f:
            _write_log(f, path, rec, recorder, cfg, mode, session, start_epoch_s)
    except OSError as e:
        raise UserError("cannot write %s: %s" % (path, e.strerror or e)) from None


def _write_log(f, path, rec, recorder, cfg, mode, session, start_epoch_s):
    """write_device_log into the open file f, a temporary: a failure leaves no log at `path`."""
    lo, hi = logread.RATE_HZ_RANGE  # what a log's reader accepts; 1e-30 Hz would never end
    if not lo <= rec.rate_hz <= hi:
        raise UserError("%s: sample rate %g Hz is outside %g to %g Hz: no log written"
                        % (path, rec.rate_hz, lo, hi))
    raw = mode == "raw"
    writer = LogWriter(f, logfmt.MODE_RAW if raw else logfmt.MODE_SUMMARY, session,
                       rec.rate_hz, ACCEL_LSB_PER_G, GYRO_LSB_PER_DPS, start_epoch_s,
                       _meta(cfg))
    if writer.stopped:
        raise UserError("cannot write %s: %s" % (path, writer.stopped))
    sink = SummarySink(writer, 0)

    def ms(t):
        return int(round((t - rec.t0) * 1000.0))

    period = 1000.0 / rec.rate_hz
    n = rec.n
    calls = [
        ((int(i * period), 0, "raw", i) for i in range(0, n, BATCH)) if raw else (),
        ((ms(r[0]), 1, "lean", (i, r)) for i, r in enumerate(recorder.rows)),
        ((ms(e[0]), 1, "event", e) for e in recorder.events),
        ((s, 2, "poll", None) for s in range(1000, int(n * period) + 1, 1000)),
    ]
    full_scale = np.array([ACCEL_LSB_PER_G] * 3 + [GYRO_LSB_PER_DPS] * 3)
    pelvis = recorder.pelvis_cols  # None for a one-sensor replay: its log stays as it was
    samples = rec.batches(BATCH)  # streamed from the file again: in step with the "raw" calls
    for t_ms, _, kind, item in heapq.merge(*calls, key=lambda c: (c[0], c[1])):
        if kind == "lean":
            i, r = item
            sink.lean(t_ms, r[1], r[2], r[3], r[4], int(round(r[5] * 1000)))
            if pelvis is not None and not math.isnan(pelvis[0][i]):  # the pelvis trusted
                sink.pelvis(t_ms, pelvis[0][i], pelvis[1][i], pelvis[2][i])
        elif kind == "event":
            sink.event(t_ms, item[1], item[2])
        elif kind == "raw":
            chunk = np.clip(np.round(np.asarray(next(samples)).reshape(-1, 6) * full_scale),
                            -32768, 32767).astype("<i2")
            sink.raw(t_ms, array("h", chunk.tobytes()), len(chunk))
        else:
            sink.poll(t_ms)
    sink.close(int(n * period))
    if writer.stopped:
        raise UserError("writing %s: %s" % (path, writer.stopped))
