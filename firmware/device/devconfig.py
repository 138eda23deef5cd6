"""The device's settings files: /leanclip.json (the config, checked against the one schema in
firmware/core/config.py) and /board.json (which board profile this is), written by `leanclip
flash`, and /accelcal.json (the accelerometer's six-face calibration, `leanclip accelcal`).

A bad config entry must never stop coaching or cause a crash loop: each problem becomes one
line for the error log and that key keeps its default. A missing config file is not a problem
(all defaults). A missing board name is: without it no pin is known, so it raises.
"""
import json
import os

from ..core import config, configtext
from ..core.compat import const

CONFIG_PATH = "/leanclip.json"
BOARD_PATH = "/board.json"
# apart from the config: a property of this board's sensor, not a coaching preference, so a
# config copied to another board or rewritten by `leanclip flash --config` leaves it alone
# (docs/device.md, "Six-face calibration")
TRIM_PATH = "/accelcal.json"
# the limits a calibration must keep (wider than an MPU-6050's worst: +-80 mg, 3 %), which
# also keep imubase's fixed point in small ints
_TRIM_MAX_MG = const(250)
_TRIM_MAX_PERMILLE = const(100)


def _read(path):
    """At most one byte more than configtext takes: a 10 MB file is refused, not loaded. Sized
    from the file, not read(MAX_BYTES + 1): MicroPython allocates the whole count up front, a
    16 KB block at every boot that a fragmented ESP32 heap cannot give (MemoryError)."""
    size = os.stat(path)[6]
    with open(path, "rb") as f:
        return f.read(min(size, configtext.MAX_BYTES + 1))


def load(path=CONFIG_PATH):
    """(cfg, problems): cfg is complete and valid; problems are one-line messages."""
    try:
        text = _read(path)
    except OSError:
        return config.defaults(), []
    try:
        user, problem = configtext.parse(text)
    except MemoryError:  # a heap too fragmented for even MAX_BYTES: coach on defaults
        user, problem = None, "no memory to read it"
    if problem:
        return config.defaults(), ["%s is not valid JSON (%s): all defaults used"
                                   % (path, problem)]
    cfg, errors = config.validate(user)
    return cfg, ["%s: %s; default used" % (path, m) for m in errors]


def save(changes, path=CONFIG_PATH):
    """Write `changes` into the config file, keeping every other key the user set. Atomic (a
    temp file renamed over the old one): a power cut or a full flash leaves the old file whole.
    Raises OSError (no room) or ValueError (the file is not a JSON object: it is left alone
    rather than replaced, it may be the user's to repair)."""
    try:
        user, problem = configtext.parse(_read(path))
    except OSError:
        user, problem = {}, None
    if problem or not isinstance(user, dict):
        raise ValueError("%s is not a JSON object" % path)
    user.update(changes)
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
            f.write(json.dumps(user))
        os.rename(tmp, path)
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def accel_trim(path=TRIM_PATH):
    """The six-face calibration as `leanclip accelcal` wrote it, [[offset x, y, z (g)],
    [scale x, y, z]] (a still axis reads scale x its true force + offset), or None: no file,
    or one the board cannot use (not that shape, or past the limits above). None leaves the
    samples as the chip gives them; `leanclip accelcal` refuses a result past the same limits
    (it imports them) before writing."""
    try:
        cal = configtext.parse(_read(path))[0]
        offsets, scales = cal
        if len(offsets) == len(scales) == 3 and all(
                abs(o) <= _TRIM_MAX_MG / 1000 and abs(s - 1) <= _TRIM_MAX_PERMILLE / 1000
                for o, s in zip(offsets, scales)):
            return cal
    except (OSError, ValueError, TypeError):
        pass
    return None


def board_name(path=BOARD_PATH):
    try:
        return configtext.parse(_read(path))[0]["board"]
    except (OSError, ValueError, KeyError, TypeError):
        raise OSError("no board name in %s: run `leanclip flash --board NAME`" % path) from None
