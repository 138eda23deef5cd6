"""Test side of tests/upy_scripts/app_rig.py: a board directory as `leanclip flash` leaves it
(/lib/firmware compiled, /boot.py, /main.py, /board.json, /leanclip.json) plus the fake machine,
booted on MicroPython in virtual time."""
import json
import shutil
from pathlib import Path

import upy

from host_tools import logread

RIG = Path(__file__).resolve().parent / "upy_scripts" / "app_rig.py"
DEVICE = upy.FIRMWARE / "device"
STILL_ROW = [0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]  # flat and still: +1 g on z


class Lib:
    """Compiled firmware + boardsim + machine shim for one interpreter (tests/upy.py)."""

    def __init__(self, dest, interp):
        self.path = interp.compile_with_boardsim(dest)
        self.interp = interp


def build_lib(dest, interp=upy.PYPI):
    """Once per test module and interpreter."""
    return Lib(dest, interp)


class Board:
    def __init__(self, lib, root, name, config=None):
        self.root = Path(root)
        self.interp = lib.interp
        shutil.copytree(lib.path, self.root / "lib")
        for entry in ("boot.py", "main.py"):
            shutil.copy(DEVICE / entry, self.root / entry)
        (self.root / "board.json").write_text(json.dumps({"board": name}))
        if config is not None:
            text = config if isinstance(config, str) else json.dumps(config)
            (self.root / "leanclip.json").write_text(text)
        self.name = name

    def boot(self, source, end_ms, actions=(), battery_v=3.9, entry=None, baro=None,
             faults=(), flash=None, heap=None, pelvis=None):
        spec = {"board": self.name, "board_dir": str(self.root), "source": source,
                "end_ms": end_ms, "actions": [list(a) for a in actions], "battery_v": battery_v,
                "entry": entry, "baro": baro, "faults": [list(f) for f in faults],
                "flash": flash, "pelvis": pelvis}
        path = self.root.parent / (self.root.name + "-spec.json")
        path.write_text(json.dumps(spec))
        out = self.interp.run(RIG, self.root / "lib", path, timeout=3600, heap=heap)
        line = [x for x in out.splitlines() if x.startswith("RESULT ")][-1]
        self.stdout = out
        return json.loads(line[len("RESULT "):])

    def errors(self):
        p = self.root / "errors.log"
        return p.read_text() if p.exists() else ""

    def sessions(self):
        return [logread.decode((p).read_bytes(), p.name)
                for p in sorted((self.root / "logs").glob("*.lcl"))]


def on_intervals(timeline):
    """[(start_ms, end_ms)] of the output being on, from a PWM timeline [(t_ms, duty)]."""
    out = []
    start = None
    for t, duty in timeline:
        if duty and start is None:
            start = t
        elif not duty and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def durations(intervals, t0):
    """The on/off pattern (ms) of the intervals starting at or after t0."""
    ivs = [iv for iv in intervals if iv[0] >= t0]
    pattern = []
    for i, (a, b) in enumerate(ivs):
        if i:
            pattern.append(a - ivs[i - 1][1])
        pattern.append(b - a)
    return pattern
