"""Runs ON MicroPython: per-sample cost of the LeanClip pipeline vs a Madgwick update, both fed
the same raw int16 counts as a device's FIFO delivers them (array('h'), 6 per sample).

usage: micropython cost_upy.py SAMPLES.bin RATE_HZ ACCEL_LSB_PER_G GYRO_LSB_PER_DPS [PELVIS.bin]
Prints one JSON line. With LEANCLIP_COST_ONLY=pipeline|madgwick|none in the environment it
makes one untimed pass of that side only (none: start-up alone) and prints nothing, for
bench/cost.py's instruction counts. With PELVIS.bin (the same samples from a pelvis sensor)
the pipeline runs with a pelvis (issue 17) and reads both FIFOs per drain; Madgwick still
updates once per sample.
"""
import gc
import json
import os
import sys
import time
from array import array

# The samples are read first, before the firmware is imported: reading makes a bytes copy as
# large as the array for a moment, and at 200 Hz in a 512 KB heap the two no longer fit beside
# the imported firmware (the code grew with issue 12).
with open(sys.argv[1], "rb") as _f:
    DATA = array("h", _f.read())
PDATA = None
if len(sys.argv) > 5:
    with open(sys.argv[5], "rb") as _f:
        PDATA = array("h", _f.read())
gc.collect()

from firmware.core import config  # noqa: E402
from firmware.core.pipeline import Pipeline  # noqa: E402
from madgwick import Madgwick  # noqa: E402

BATCH = 32
ALLOC_SAMPLES = 16  # at least this many (whole batches), collector off: must fit the heap
DEG = 0.017453292519943295


class NullSink:
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        pass

    def event(self, t_ms, name, value):
        pass

    def pelvis(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        pass


class Fifo:
    """Stands in for the IMU: each drain copies the next BATCH samples into the one buffer the
    loop owns, as `readfrom_mem_into` would; with `pdata` the pelvis IMU's FIFO is drained into
    its own buffer in the same pass, as the device app does."""

    def __init__(self, data, pdata=None):
        self.src = memoryview(data)
        self.buf = array("h", bytes(12 * BATCH))
        self.mv = memoryview(self.buf)
        self.pos = 0  # in values
        self.psrc = None if pdata is None else memoryview(pdata)
        self.pbuf = None if pdata is None else array("h", bytes(12 * BATCH))
        self.pmv = None if pdata is None else memoryview(self.pbuf)

    def read_into(self):
        end = min(self.pos + 6 * BATCH, len(self.src))
        k = end - self.pos
        self.mv[:k] = self.src[self.pos:end]
        if self.pmv is not None:
            self.pmv[:k] = self.psrc[self.pos:end]
        self.pos = end
        return k // 6


def run_pipeline(fifo, rate, lsb_g, lsb_dps, limit, p=None):
    buf, pbuf = fifo.buf, fifo.pbuf
    if pbuf is None:
        p = p or Pipeline(config.defaults(), rate, lsb_g, lsb_dps, NullSink())
        while fifo.pos < limit:
            p.feed(buf, fifo.read_into())
        return p
    p = p or Pipeline(config.defaults(), rate, lsb_g, lsb_dps, NullSink(), pelvis=True)
    while fifo.pos < limit:
        p.feed(buf, fifo.read_into(), pbuf)
    return p


def run_madgwick(fifo, rate, lsb_g, lsb_dps, limit, f=None):
    f = f or Madgwick(rate)
    ka = 1.0 / lsb_g
    kg = DEG / lsb_dps
    upd = f.update
    c = fifo.buf
    while fifo.pos < limit:
        for i in range(0, 6 * fifo.read_into(), 6):
            upd(c[i] * ka, c[i + 1] * ka, c[i + 2] * ka,
                c[i + 3] * kg, c[i + 4] * kg, c[i + 5] * kg)
    return f


def measure(fn, data, args, pdata=None):
    """(us per sample over the whole run, bytes allocated per sample while running)."""
    gc.collect()
    fifo = Fifo(data, pdata)
    t0 = time.ticks_us()
    fn(fifo, *args, len(data))
    us = time.ticks_diff(time.ticks_us(), t0)
    fifo = Fifo(data, pdata)
    state = fn(fifo, *args, len(data) // 2)  # well into the run
    start = fifo.pos
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    fn(fifo, *args, start + 6 * ALLOC_SAMPLES, state)
    alloc = gc.mem_alloc() - m0
    gc.enable()
    return us / (len(data) // 6), alloc * 6 / (fifo.pos - start)


def main():
    rate = float(sys.argv[2])
    lsb_g, lsb_dps = float(sys.argv[3]), float(sys.argv[4])
    data = DATA
    n = len(data) // 6
    args = (rate, lsb_g, lsb_dps)
    only = os.getenv("LEANCLIP_COST_ONLY")
    if only:  # one pass of one side (or none: start-up alone), for an instruction counter
        if only != "none":
            fn = run_pipeline if only == "pipeline" else run_madgwick
            fn(Fifo(data, PDATA), *args, len(data))
        return
    best = {}
    for _ in range(3):  # best of 3, against noise from the host
        for name, fn in (("pipeline", run_pipeline), ("madgwick", run_madgwick)):
            us, alloc = measure(fn, data, args, PDATA if fn is run_pipeline else None)
            if name not in best or us < best[name][0]:
                best[name] = (us, alloc)
    print(json.dumps({"samples": n,
                      "pipeline_us": best["pipeline"][0], "pipeline_bytes": best["pipeline"][1],
                      "madgwick_us": best["madgwick"][0], "madgwick_bytes": best["madgwick"][1]}))


main()
