"""The firmware's heap on the ESP32 model (tests/esp32model.py: 32-bit objects, float32): a
whole session per heap size and install path (docs/device.md, "Memory"; issue 13's budgets).

For each heap size x {.mpy from the filesystem (`leanclip flash`), frozen into the image
(manifest.py)}: the board boots (/boot.py, /main.py), calibrates, runs SESSION_MIN minutes of
running with upright faults (cues), logs; halfway a press stops the session and another starts
a second one (its log writer and header made in a heap the first has cut up), and at the end a
press stops it.
Virtual time; the IMU (ICM-42688-P on the xiao-esp32s3 profile) is fed the simulator's run as
recorded counts, so the simulated world puts nothing on the heap per sample
(host_tools/boardsim/sources.CountsFile). Columns: import (the firmware loaded and App() was
built; else what failed), live after import (the heap the firmware's modules take once
main.py imports the app), live in session (after the first planned collection: modules plus
the app's state), run ok (the session ran to its end without an exception or restart), min
free after a collection, collections per minute (planned + automatic), gc pause p50/p99 (the
host's time on the model, not an ESP32's: only relative).

Budgets (issue 13): .mpy in 110 KiB and frozen in 56 KiB, >= 24 KB free after every collection,
<= 1 collection per second.

    python -m bench.memory [SESSION_MIN]      # default 60 simulated minutes
"""
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from host_tools.boardsim.sources import counts
from host_tools.simulate.scenario import MAX_TOTAL_S
from host_tools.simulate.simulator import simulate
from tests import esp32model, upy

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "memory_upy.py"
VTIME = upy.ROOT / "tests" / "upy_scripts" / "vtime.py"
DEVICE = upy.FIRMWARE / "device"
BOARD = "xiao-esp32s3"
RATE_HZ = 100
# The ICM-42688-P as firmware/device/hardware.py configures it (8 g, 1000 dps); memory_upy.py
# checks the driver agrees before the counts mean anything.
COUNTS_LSB = (4096.0, 32.8)
SESSION_MIN = 60
FAULT_EVERY_S = 300  # an upright spell (1.5 deg) of 20 s every 5 minutes: the coach cues
RESTART_AFTER_MS = 3000  # halfway, a press stops the session and this much later one starts it
HEAPS = (("mpy", ("110k", "128k", "160k")), ("frozen", ("48k", "56k", "64k")))
BUDGET = {"mpy": "110k", "frozen": "56k"}
MIN_FREE = 24 * 1024
MAX_PER_MIN = 60


def _segments(minutes):
    segs = [{"do": "stand", "s": 10}, {"do": "walk", "s": 30}]
    left = minutes * 60
    while left > 0:
        run = min(left, FAULT_EVERY_S - 20)
        segs.append({"do": "run", "s": run, "lean_deg": 7.0})
        left -= run
        if left > 0:
            segs.append({"do": "run", "s": 20, "lean_deg": 1.5, "fault": "upright"})
            left -= 20
    segs.append({"do": "stand", "s": 15})
    return segs


def _chunks(segments):
    """The simulator takes at most MAX_TOTAL_S per scenario: a long session is simulated in
    pieces (the same seed, so the same sensor) and joined at a running-to-running seam."""
    chunk, total = [], 0
    for seg in segments:
        if total + seg["s"] > MAX_TOTAL_S and chunk:
            yield chunk
            chunk, total = [], 0
        chunk.append(seg)
        total += seg["s"]
    yield chunk


def _counts_file(path, minutes):
    """The simulated session as int16 counts at the driver's scales; returns its length (ms)."""
    imu = np.concatenate([simulate(chunk, rate_hz=RATE_HZ, seed=13)[0]
                          for chunk in _chunks(_segments(minutes))])
    lsb = np.array([COUNTS_LSB[0]] * 3 + [COUNTS_LSB[1]] * 3)
    vals = imu[:, 1:7] * lsb
    rounded = np.where(vals >= 0, np.floor(vals + 0.5), -np.floor(-vals + 0.5))
    assert counts(0.5, 1.0) == 1 and counts(-0.5, 1.0) == -1  # the same rounding as the models
    np.clip(rounded, -32768, 32767).astype("<i2").tofile(path)
    return int(len(imu) * 1000 / RATE_HZ)


def _board_dir(root, kind, interp):
    root.mkdir(parents=True)
    lib = root / "lib"
    if kind == "mpy":
        interp.compile_firmware(lib)
    else:
        lib.mkdir()
    shutil.copy(VTIME, lib / "vtime.py")
    for entry in ("boot.py", "main.py"):
        shutil.copy(DEVICE / entry, root / entry)
    (root / "board.json").write_text(json.dumps({"board": BOARD}))
    return root


def _presses(end_ms):
    """Short presses: halfway through, stop and start again (a second session, as at a traffic
    light: its new writer and header are made in a heap the first session has cut up), and
    near the end stop."""
    half = end_ms // 2
    return [[t, a] for p in (half, half + RESTART_AFTER_MS, end_ms - 8000)
            for t, a in ((p, "press"), (p + 200, "release"))]


def _bytes(heap):
    return int(heap[:-1]) * 1024 if heap.endswith("k") else int(heap)


def run_one(kind, heap, counts_path, end_ms, tmp):
    model = esp32model.built("board" if kind == "mpy" else "frozen")
    interp = upy.Interpreter(kind, str(model / "micropython"), str(model / "mpy-cross"), "x86",
                             heap)
    root = _board_dir(tmp / ("%s-%s" % (kind, heap)), kind, interp)
    spec = {"board": BOARD, "board_dir": str(root), "counts": str(counts_path),
            "counts_lsb": COUNTS_LSB, "end_ms": end_ms,
            "actions": _presses(end_ms)}
    env = dict(MICROPYPATH=".frozen:" + str(root / "lib"))

    def start(heap_bytes, **extra):
        (tmp / "spec.json").write_text(json.dumps(dict(spec, **extra)))
        return subprocess.run([interp.binary, "-X", "heapsize=%d" % heap_bytes, str(SCRIPT),
                               str(tmp / "spec.json")], env=env, capture_output=True, text=True)

    t0 = time.time()
    probe = start(1 << 20, probe=True)
    proc = start(_bytes(heap) + int(probe.stdout.split()[1])) if not probe.returncode else probe
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not lines:
        said = (proc.stderr + proc.stdout).strip().splitlines() or ["?"]
        last = ([x for x in said if "Error" in x] or said)[-1].strip()
        return {"ok": False, "import": False, "why": last, "host_s": time.time() - t0}
    out = json.loads(lines[-1][len("RESULT "):])
    out["import"] = out["live_boot"] >= 0
    if not out["import"]:
        out["why"] = "App(): " + (out["errors"] or out["ended"])
    out["host_s"] = time.time() - t0
    return out


def _kb(n):
    return "%.1f KB" % (n / 1024) if n is not None and n >= 0 else "-"


def _row(kind, heap, r):
    if not r["import"]:
        return "| %s | %s | no (%s) | %s | - | - | - | - | - |" % (
            kind, heap, r["why"].replace("|", "/"), _kb(r.get("live_import")))
    per_min = (r["planned"] + r["automatic"]) / (r["t_ms"] / 60000)
    pause = r["pause_us"] or ["-", "-"]
    return "| %s | %s | yes | %s | %s | %s | %.1f KB | %.0f (%d planned, %d automatic) | " \
           "%s / %s us |" % (kind, heap, _kb(r["live_import"]), _kb(r["live_boot"]),
                             "yes" if r["ok"] else "no: " + (r["errors"] or r["ended"]),
                             r["min_free"] / 1024, per_min, r["planned"], r["automatic"],
                             pause[0], pause[1])


def verdict(r):
    """'met', or which part of the budget is not: the run, the free heap, the collections."""
    if not (r["import"] and r["ok"]):
        return "NOT met (no whole session)"
    per_min = (r["planned"] + r["automatic"]) / (r["t_ms"] / 60000)
    missed = []
    if r["min_free"] < MIN_FREE:
        missed.append("free heap %.1f KB" % (r["min_free"] / 1024))
    if per_min > MAX_PER_MIN:
        missed.append("%.0f collections/min" % per_min)
    return "NOT met (%s)" % ", ".join(missed) if missed else "met"


def main(argv=()):
    minutes = float(argv[0]) if argv else SESSION_MIN
    print("## Heap on the ESP32 model (bench/memory.py)\n")
    why = esp32model.reason()
    if why or not esp32model.built("board") or not esp32model.built("frozen"):
        print("ESP32 model not built (`make esp32model`): %s\n" % (why or "stale"))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        end_ms = _counts_file(tmp / "session.bin", minutes)
        print("A session of %.0f simulated minutes (%d s in all: stand, walk, run with a 20 s "
              "upright spell every %d s, stand; a press stops the session halfway and another "
              "starts a second one, a press stops it at the end), board %s, IMU at "
              "%d Hz.\n" % (minutes, end_ms // 1000, FAULT_EVERY_S, BOARD, RATE_HZ))
        print("| install | heap | import | live after import | live in session | run ok | "
              "min free after a collection | collections / min | gc pause p50 / p99 (host) |")
        print("|---|---|---|---|---|---|---|---|---|")
        verdicts = []
        for kind, heaps in HEAPS:
            for heap in heaps:
                r = run_one(kind, heap, tmp / "session.bin", end_ms, tmp)
                print(_row(kind, heap, r))
                sys.stdout.flush()
                if heap == BUDGET[kind]:
                    verdicts.append("%s in %s: %s" % (kind, heap, verdict(r)))
    print("\nBudgets (>= 24 KB free after every collection, <= 60 collections/min): "
          + "; ".join(verdicts))


if __name__ == "__main__":
    main(sys.argv[1:])
