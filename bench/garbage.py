"""Where the pipeline's garbage goes while running, per level, on the ESP32 model (32-bit
objects, float32: a float is one 16-byte heap block) and MicroPython's 64-bit unix port:
bytes per second (what sets collections per minute: docs/device.md, "Memory") split into
per sample (the kernel's own), per block (tilt.py), per segment end less its steps, per step
less its row, per row. bench/garbage_upy.py runs on the interpreter.

    python -m bench.garbage
"""
import json
import tempfile
from pathlib import Path

from bench.cost import ACCEL_LSB_PER_G, GYRO_LSB_PER_DPS, counts
from host_tools.simulate.simulator import simulate
from tests import esp32model, upy

SKIP_S = 30  # stand, walk and the run's first seconds: the steady run after them is measured
SEGMENTS = [{"do": "stand", "s": 10}, {"do": "walk", "s": 10},
            {"do": "run", "s": 70, "lean_deg": 7.0}]
RATES = (50, 100, 200)


def _interpreters():
    out = []
    if esp32model.built("board"):
        out.append(upy._model("board", "esp32 model", "2M"))
    out.append(upy.PYPI)
    return out


def measure(interp, rate_hz):
    imu, _, _ = simulate(SEGMENTS, rate_hz=rate_hz, quality="typical", seed=1)
    with tempfile.TemporaryDirectory() as d:
        tree = interp.compile_firmware(Path(d) / "fw")
        samples = Path(d) / "samples.bin"
        samples.write_bytes(counts(imu).tobytes())
        out = interp.run(upy.ROOT / "bench" / "garbage_upy.py", tree, samples, rate_hz,
                         ACCEL_LSB_PER_G, GYRO_LSB_PER_DPS, SKIP_S, heap="2M")
    return json.loads(out.strip().splitlines()[-1])


def rows(r):
    """(level, calls/s, bytes/call, bytes/s) rows from one measurement."""
    s = r["seconds"]
    b, c = r["bytes"], r["calls"]
    segment = b[1] - b[2] - (b[3] - b[4])
    levels = [("block (tilt)", c[0], b[0]),
              ("segment end, less steps and rows", c[1], segment),
              ("step, less its row", c[2], b[2] - b[4]),
              ("row", c[3], b[3]),
              ("sample (kernel)", r["samples"], r["total"] - b[0] - b[1])]
    out = [(name, n / s, v / n if n else 0.0, v / s) for name, n, v in levels]
    out.append(("total", r["samples"] / s, r["total"] / r["samples"], r["total"] / s))
    return out


def main():
    print("## Pipeline garbage per level while running (bench/garbage.py)\n")
    print("| interpreter | rate | level | calls/s | bytes/call | bytes/s |")
    print("|---|---|---|---|---|---|")
    for interp in _interpreters():
        for rate in RATES:
            r = measure(interp, rate)
            r["samples"] = int(r["seconds"] * rate)
            for name, per_s, per_call, per_s_bytes in rows(r):
                print("| %s | %d Hz | %s | %.1f | %.0f | %.0f |"
                      % (interp.name, rate, name, per_s, per_call, per_s_bytes))


if __name__ == "__main__":
    main()
