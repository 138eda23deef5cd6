"""Starting a session: a new log file and its header, and the training plan's stage. Loaded by
App.start_session and forgotten after it (modules.py): it runs at power-on and at a short press,
and as .mpy its code (~0.8 KB of heap, docs/device.md "Memory") is nothing the running loop
needs."""
import json
import time

from ..core import logfmt
from ..core.compat import const
from ..core.summary import SummarySink
from .sessionlog import LogWriter, SessionStore

FW_VERSION = "0.1.0"
LOG_DIR = "/logs"
_UNIX_2000 = const(946684800)


def _epoch_s():
    """Unix time if the clock was ever set (e.g. `mpremote rtc --set`), else 0: a board
    without a battery-backed clock starts at its epoch after every power-on."""
    now = time.time()
    if time.gmtime(0)[0] == 2000:  # the ESP32 port counts from 2000
        now += _UNIX_2000
    return int(now) if now > 1700000000 else 0


def start(app):
    """Coaching on and a new log file; without a log (flash trouble) it still coaches."""
    app.session = True
    cfg, imu, p = app.cfg, app.hw.imu, app.p
    try:
        store = SessionStore(LOG_DIR, cfg["log_keep_sessions"], cfg["log_min_free_kb"])
        number, path = store.new_session()
        store.reserve()
    except OSError as e:
        app.errlog.line("no session log: %r" % (e,))
        return
    # the training plan's stage for this session (docs/coaching.md), in force until the next
    app.coaching.start_session(number)
    args = (path, logfmt.MODE_RAW if cfg["log_raw"] else logfmt.MODE_SUMMARY, number,
            imu.rate_hz, imu.accel_lsb_per_g, imu.gyro_lsb_per_dps, _epoch_s(),
            lambda: header_json(app))
    if app.writer is None:
        app.writer = LogWriter(*args, on_full=store.release)
    else:  # the last session's writer and its buffers (docs/device.md, "Memory")
        app.writer.open(*args, on_full=store.release)
    app.log_raw = cfg["log_raw"]
    app.log_noted = False
    t_ms = p.t_ms
    app.log = SummarySink(app.writer, t_ms)
    app.log.event(t_ms, "start", None)
    for m in app.config_problems:
        app.log.event(t_ms, "config_error", m)
    app.config_problems = ()  # said once, in the first session after boot


def header_json(app):
    """The session header's JSON object (fw, board, imu, config, calibration, and the pelvis
    IMU's name with a pod) as small strings, one per config key, made as they are written (the
    writer goes through them twice): as one string (~1.2 KB) with a copy of the config dict
    (~0.8 KB), and then as lists of parts (256 B), it needed the largest blocks of a session
    start, which the .mpy install's heap did not have in 110 KiB (docs/device.md, "Memory")."""
    dumps = json.dumps
    yield ('{"fw": %s, "board": %s, "imu": %s, "calibration": %s, '
           % (dumps(FW_VERSION), dumps(app.board_name), dumps(app.hw.imu.name),
              dumps(app.p.calibration())))
    if app.pod is not None:  # a one-IMU session's header has no such key
        yield '"pelvis_imu": %s, ' % dumps(app.pod.name)
    yield '"config": {'
    stage = app.coaching.stage  # the report reads the session's stage here
    sep = ""
    for key, value in app.cfg.items():
        yield "%s%s: %s" % (sep, dumps(key), dumps(stage if key == "coach_stage" else value))
        sep = ", "
    yield "}}"
