"""Session log figures for `make bench`: hours of running per MB of flash, measured by writing the
logs of simulated runs with the firmware's own writer, and the time one writer call can hold up
the loop, measured on MicroPython (bench/logs_upy.py)."""
import json
import os
import subprocess
import tempfile
from pathlib import Path

from firmware.core import config, logfmt
from host_tools import logread, replaylog
from host_tools.commands import replay
from host_tools.simulate.simulator import simulate
from tests import upy

RUNS = (("demo", 100, "summary"), ("steady", 100, "summary"), ("demo", 100, "raw"),
        ("steady", 208, "raw"))


def _recording(scenario, rate_hz):
    imu, _, _ = simulate(scenario, rate_hz=rate_hz, seed=7)
    return replay.ImuRecording(float(imu[0, 0]), float(rate_hz), imu[:, 1:].ravel().tolist())


def hours_per_mb(tmp):
    """[(scenario, rate, mode, duration_s, bytes, header_bytes, h/MB, h/MB without header)]"""
    cfg = config.defaults()
    out = []
    cache = {}
    for scenario, rate, mode in RUNS:
        if (scenario, rate) not in cache:
            rec = _recording(scenario, rate)
            cache[(scenario, rate)] = (rec, replay.run_pipeline(rec, cfg))
        rec, sink = cache[(scenario, rate)]
        path = Path(tmp) / ("%s-%d-%s.lcl" % (scenario, rate, mode))
        replaylog.write_device_log(path, rec, sink, cfg, mode)
        data = path.read_bytes()
        s = logread.decode(data)
        assert s.recovery.skipped == 0
        header = next(b for b in logread.blocks(data, logread.Recovery())
                      if b[2] == logfmt.HEADER)
        head = header[4] + 4
        per_h = len(data) / rec.duration_s * 3600
        out.append((scenario, rate, mode, rec.duration_s, len(data), head, 2 ** 20 / per_h,
                    2 ** 20 / ((len(data) - head) / rec.duration_s * 3600)))
    return out


def write_stall(tmp):
    lib = upy.compile_firmware(Path(tmp) / "lib")
    env = dict(os.environ, MICROPYPATH=str(lib))
    proc = subprocess.run([upy.tool("micropython"), "-X", "heapsize=4M",
                           str(Path(__file__).with_name("logs_upy.py")), str(tmp)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    print("== session logs ==")
    with tempfile.TemporaryDirectory() as tmp:
        print("%-8s %5s %-8s %8s %9s %7s %9s %13s" % ("run", "Hz", "mode", "s", "bytes",
                                                      "header", "h/MB", "h/MB no hdr"))
        for scenario, rate, mode, dur, size, head, h, h_steady in hours_per_mb(tmp):
            print("%-8s %5d %-8s %8.0f %9d %7d %9.2f %13.2f"
                  % (scenario, rate, mode, dur, size, head, h, h_steady))
        stall = write_stall(tmp)
    print("one writer call on MicroPython, unix port, best of 3 (flash program/erase time "
          "comes on top on the device):")
    for target, label in (("null", "encode+CRC only"), ("file", "into a file")):
        for name, st in sorted(stall[target].items()):
            print("  %-16s %-18s worst %6d us  median %5d us  (%d calls)"
                  % (label, name, st["worst_us"], st["median_us"], st["calls"]))
    print("  heap allocated per call, at most: " + ", ".join(
        "%s %d B" % kv for kv in sorted(stall["alloc_max_bytes"].items())))
    print("  heap taken by importing logfmt (format code and event registry; 64-bit unix port, "
          "pointers are half that size on the ESP32): %d B" % stall["logfmt_import_bytes"])


if __name__ == "__main__":
    main()
