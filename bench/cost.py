"""Per-sample cost of the pipeline on the MicroPython interpreter, against a plain Madgwick update
on the same interpreter and the same raw counts (bench/cost_upy.py runs there).

The samples are a simulated run quantised as a +-8 g / +-1000 dps sensor's FIFO delivers them
(int16 counts), so the pipeline pays for its own unit conversion, as on the device. The code is
compiled by mpy-cross with the native emitter available (-march=x64 here; xtensawin / rv32imc on
the ESP32s), as the flash tool does.

Timings on a shared machine move by +-15 % from run to run (another process on the other core),
so where valgrind exists each rate also gets the ratio of instructions executed (callgrind: the
same count every time for the same binary and inputs): one untimed pass of each side, less the
interpreter's start-up and the firmware's import, counted the same way.
"""
import json
import re
import shutil
import tempfile
from array import array
from pathlib import Path

from host_tools.simulate import twoseg
from host_tools.simulate.simulator import simulate
from tests import upy

# a small heap (internal RAM class; it must also hold the 200 Hz test data) and an
# ESP32-S3-like heap in 8 MB of PSRAM
HEAPS = ("512K", "8M")
ACCEL_LSB_PER_G = 4096.0
GYRO_LSB_PER_DPS = 32.8
SEGMENTS = [{"do": "stand", "s": 5}, {"do": "walk", "s": 5},
            {"do": "run", "s": 50, "lean_deg": 7.0},
            {"do": "run", "s": 3, "lean_deg": 7.0, "turn_dps": 30},
            {"do": "run", "s": 17, "lean_deg": 7.0}]


def counts(imu):
    out = array("h")
    for row in imu[:, 1:]:
        for j, scale in enumerate((ACCEL_LSB_PER_G,) * 3 + (GYRO_LSB_PER_DPS,) * 3):
            out.append(max(-32768, min(32767, int(round(row[j] * scale)))))
    return out


def _prepared(rate_hz, pelvis, d):
    """The compiled tree with madgwick.py beside it, and the run's counts file(s), under d."""
    if pelvis:
        imu, _, _ = twoseg.simulate(SEGMENTS, rate_hz=rate_hz, seed=1)
        parts = (imu[:, :7], imu[:, (0,) + tuple(range(7, 13))])
    else:
        parts = (simulate(SEGMENTS, rate_hz=rate_hz, quality="typical", seed=1)[0],)
    tree = upy.compile_firmware(Path(d) / "fw")
    madgwick = (upy.ROOT / "bench" / "madgwick.py").read_text()
    (Path(d) / "fw" / "madgwick.py").write_text(madgwick)
    files = []
    for name, part in zip(("samples.bin", "pelvis.bin"), parts, strict=False):
        files.append(Path(d) / name)
        files[-1].write_bytes(counts(part).tobytes())
    return tree, [files[0], rate_hz, ACCEL_LSB_PER_G, GYRO_LSB_PER_DPS] + files[1:]


def measure(rate_hz, heap, pelvis=False):
    """{samples, pipeline_us, pipeline_bytes, madgwick_us, madgwick_bytes} per sample; with
    `pelvis` the pipeline reads a pelvis sensor too (the two-segment simulator's same run, both
    sensors' counts), while Madgwick still makes one update per sample: issue 17's yardstick."""
    with tempfile.TemporaryDirectory() as d:
        tree, args = _prepared(rate_hz, pelvis, d)
        out = upy.run(upy.ROOT / "bench" / "cost_upy.py", tree, *args, heap=heap)
    return json.loads(out.strip().splitlines()[-1])


def instruction_ratio(rate_hz, pelvis=False):
    """Pipeline instructions / Madgwick instructions over the same run (callgrind, 8M heap), or
    None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    counted = {}
    with tempfile.TemporaryDirectory() as d:
        tree, args = _prepared(rate_hz, pelvis, d)
        out = Path(d) / "callgrind.out"
        for only in ("pipeline", "madgwick", "none"):
            upy.run(upy.ROOT / "bench" / "cost_upy.py", tree, *args, heap="8M",
                    prefix=("valgrind", "--tool=callgrind", "--callgrind-out-file=%s" % out),
                    env={"LEANCLIP_COST_ONLY": only})
            counted[only] = int(re.search(r"^summary: (\d+)$", out.read_text(), re.M).group(1))
    base = counted["none"]
    return (counted["pipeline"] - base) / (counted["madgwick"] - base)


def main():
    print("## Per-sample cost on MicroPython (bench/cost.py; unix port %s)\n" % "1.29-preview")
    print("| heap | rate | samples | pipeline us/sample | Madgwick us/sample | ratio "
          "| pipeline bytes/sample | Madgwick bytes/sample |")
    print("|---|---|---|---|---|---|---|---|")
    for heap in HEAPS:
        for rate in (50, 100, 200):
            r = measure(rate, heap)
            print("| %s | %d Hz | %d | %.2f | %.2f | %.2f | %.0f | %.0f |" % (
                heap, rate, r["samples"], r["pipeline_us"], r["madgwick_us"],
                r["pipeline_us"] / r["madgwick_us"], r["pipeline_bytes"], r["madgwick_bytes"]))
    print()
    ratios = [(rate, instruction_ratio(rate)) for rate in (50, 100, 200)]
    if ratios[0][1] is None:
        print("Instructions: valgrind not installed, so no count-based ratio.")
    else:
        print("Instructions executed, pipeline / Madgwick (callgrind, 8M; repeatable): "
              + ", ".join("%d Hz %.2f" % (rate, r) for rate, r in ratios))


if __name__ == "__main__":
    main()
