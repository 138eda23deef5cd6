"""Runs ON MicroPython: per-sample cost of the LeanClip pipeline vs a Madgwick update, both fed
the same raw int16 counts as a device's FIFO delivers them (array('h'), 6 per sample).

usage: micropython cost_upy.py SAMPLES.bin RATE_HZ ACCEL_LSB_PER_G GYRO_LSB_PER_DPS
Prints one JSON line.
"""
import gc
import json
import sys
import time
from array import array

from firmware.core import config
from firmware.core.pipeline import Pipeline
from madgwick import Madgwick

BATCH = 32
DEG = 0.017453292519943295


class NullSink:
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        pass

    def event(self, t_ms, name, value):
        pass


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    buf = array("h", data)
    return buf


def batches(buf):
    """Views of BATCH samples, made before timing (a driver fills one preallocated buffer)."""
    out = []
    mv = memoryview(buf)
    for i in range(0, len(buf), 6 * BATCH):
        out.append(mv[i:i + 6 * BATCH])
    return out


def run_pipeline(chunks, rate, lsb_g, lsb_dps):
    p = Pipeline(config.defaults(), rate, lsb_g, lsb_dps, NullSink())
    for c in chunks:
        p.feed(c, len(c) // 6)
    return p


def run_madgwick(chunks, rate, lsb_g, lsb_dps):
    f = Madgwick(rate)
    ka = 1.0 / lsb_g
    kg = DEG / lsb_dps
    upd = f.update
    for c in chunks:
        for i in range(0, len(c), 6):
            upd(c[i] * ka, c[i + 1] * ka, c[i + 2] * ka, c[i + 3] * kg, c[i + 4] * kg, c[i + 5] * kg)
    return f


def measure(fn, chunks, args, n):
    gc.collect()
    t0 = time.ticks_us()
    fn(chunks, *args)
    us = time.ticks_diff(time.ticks_us(), t0)
    # allocation: a short stretch with the collector off
    few = chunks[: max(1, 1000 // BATCH)]
    n_few = sum(len(c) for c in few) // 6
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    fn(few, *args)
    alloc = gc.mem_alloc() - m0
    gc.enable()
    return us / n, alloc / n_few


def main():
    path, rate, lsb_g, lsb_dps = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    buf = load(path)
    n = len(buf) // 6
    chunks = batches(buf)
    args = (rate, lsb_g, lsb_dps)
    best = {}
    for _ in range(3):  # best of 3, against noise from the host
        for name, fn in (("pipeline", run_pipeline), ("madgwick", run_madgwick)):
            us, alloc = measure(fn, chunks, args, n)
            if name not in best or us < best[name][0]:
                best[name] = (us, alloc)
    print(json.dumps({"samples": n,
                      "pipeline_us": best["pipeline"][0], "pipeline_bytes": best["pipeline"][1],
                      "madgwick_us": best["madgwick"][0], "madgwick_bytes": best["madgwick"][1]}))


main()
