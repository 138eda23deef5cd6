"""The device's two settings files, written by `leanclip flash`: /leanclip.json (the config,
checked against the one schema in firmware/core/config.py) and /board.json (which board
profile this is).

A bad config entry must never stop coaching or cause a crash loop: each problem becomes one
line for the error log and that key keeps its default. A missing config file is not a problem
(all defaults). A missing board name is: without it no pin is known, so it raises.
"""
import json
import os

from ..core import config, configtext

CONFIG_PATH = "/leanclip.json"
BOARD_PATH = "/board.json"


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
    user, problem = configtext.parse(text)
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


def board_name(path=BOARD_PATH):
    try:
        return configtext.parse(_read(path))[0]["board"]
    except (OSError, ValueError, KeyError, TypeError):
        raise OSError("no board name in %s: run `leanclip flash --board NAME`" % path) from None
