"""Starting a session: the log directory (SessionStore), a new log file and its header, and the
training plan's stage. Loaded by
App.start_session and forgotten after it (modules.py): it runs at power-on and at a short press,
and as .mpy its code (~0.8 KB of heap, docs/device.md "Memory") is nothing the running loop
needs."""
import json
import os
import time

from ..core import logfmt
from ..core.compat import const
from ..core.summary import SummarySink
from .sessionlog import SUFFIX, LogWriter, is_session_name

FW_VERSION = "0.1.0"
LOG_DIR = "/logs"
_UNIX_2000 = const(946684800)
RESERVE = "reserve"            # in the log directory; not a session name, so never listed
_RESERVE_BYTES = const(8192)    # two 4 KB littlefs blocks: the last event, the errors.log line


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
        app.writer = LogWriter(*args, reserve=store.reserve_path)
    else:  # the last session's writer and its buffers (docs/device.md, "Memory")
        app.writer.open(*args, reserve=store.reserve_path)
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


class SessionStore:
    """The log directory on flash: numbering, the index, and the user's retention rule (the
    rules: sessionlog.py's docstring). Here, not in sessionlog.py, because only a session start
    uses it: as .mpy its code is then forgotten with this module (docs/device.md, "Memory");
    the writer deletes the reserve by its path (`reserve_path`).

    fs: anything with os's listdir/stat/statvfs/remove/mkdir (a fake in tests)."""

    def __init__(self, directory, keep_sessions=0, min_free_kb=0, fs=os):
        self.directory = directory
        self.keep_sessions = keep_sessions
        self.min_free_kb = min_free_kb
        self.fs = fs
        self.reserve_path = directory + "/" + RESERVE

    def path(self, number):
        return "%s/%05d%s" % (self.directory, number, SUFFIX)

    def numbers(self):
        """Session numbers present, oldest first."""
        try:
            names = self.fs.listdir(self.directory)
        except OSError:
            return []
        out = []
        for name in names:
            if is_session_name(name):
                out.append(int(name[:-len(SUFFIX)]))
        out.sort()
        return out

    def index(self):
        """[(number, size_bytes)], oldest first: what `leanclip pull` lists."""
        return [(n, self.fs.stat(self.path(n))[6]) for n in self.numbers()]

    def free_kb(self):
        st = self.fs.statvfs(self.directory)
        return st[1] * st[4] // 1024

    def retain(self):
        """Delete the oldest sessions only as the user's rule says; return their numbers.
        Called before a new session, so the rule leaves room for it."""
        deleted = []
        numbers = self.numbers()
        while numbers and (
                (self.keep_sessions and len(numbers) >= self.keep_sessions)
                or (self.min_free_kb and self.free_kb() < self.min_free_kb)):
            n = numbers.pop(0)
            self.fs.remove(self.path(n))
            deleted.append(n)
        return deleted

    def reserve(self):
        """Make sure the reserve file exists (see the module's docstring). Never raises: with
        no room for it there is no room for a session either, which the writer will say."""
        path = self.reserve_path
        try:
            if self.fs.stat(path)[6] >= _RESERVE_BYTES:
                return
        except OSError:
            pass
        try:
            with open(path, "wb") as f:
                chunk = bytes(512)
                for _ in range(_RESERVE_BYTES // 512):
                    f.write(chunk)
        except OSError:
            self.release()

    def release(self):
        """Free the reserve: the flash is full and the log must still say why it stopped."""
        try:
            self.fs.remove(self.reserve_path)
        except OSError:
            pass

    def new_session(self):
        """(number, path) of the next session, after applying retention. Raises OSError if
        the directory cannot be made (the app then runs without a log)."""
        try:
            self.fs.mkdir(self.directory)
        except OSError:
            pass  # exists; a real failure shows when the file is opened
        self.retain()
        numbers = self.numbers()
        number = (numbers[-1] + 1) if numbers else 1
        return number, self.path(number)
