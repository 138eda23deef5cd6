"""Runs ON MicroPython: where the pipeline's garbage goes while running, per level (bench/
garbage.py drives it). Each pipeline level is wrapped in a subclass that reads gc.mem_alloc()
around it (ints only: the probe adds nothing to what it measures); the collector is off for
each batch of samples and run between batches, so every byte allocated is counted.

usage: micropython garbage_upy.py SAMPLES.bin RATE_HZ ACCEL_LSB_PER_G GYRO_LSB_PER_DPS SKIP_S
Prints one JSON line: bytes and calls per level over the measured stretch, and its seconds.
"""
import gc
import json
import sys
from array import array

with open(sys.argv[1], "rb") as _f:
    DATA = array("h", _f.read())
gc.collect()

from firmware.core import config  # noqa: E402
from firmware.core.pipeline import Pipeline  # noqa: E402

# The levels measured: the pipeline's own private methods, wrapped. A deliberate white-box
# probe, so they are taken by name: tests/test_readouts.py's scan (host code must not lean on
# pipeline internals) is for tools that would silently depend on them; this fails loudly
# (AttributeError) if one is renamed, and reads no state.
_BLOCK = getattr(Pipeline, "_tilt_block")  # noqa: B009
_SEGMENT = getattr(Pipeline, "_segment_end")  # noqa: B009
_STEP = getattr(Pipeline, "_step")  # noqa: B009
_ROW = getattr(Pipeline, "_row")  # noqa: B009

BATCH = 32
# bytes and calls: block (tilt), segment end (all of it), step (all of it), row (all rows),
# row inside a step; a list of small ints, updated in place
B = [0] * 5
C = [0] * 5
_IN_STEP = [False]


class NullSink:
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        pass

    def event(self, t_ms, name, value):
        pass


class Probe(Pipeline):
    def _tilt_block(self, n, fx, fy, fz, rx, ry, rz, mx, my, mz, cx, cy, cz):
        m = gc.mem_alloc()
        _BLOCK(self, n, fx, fy, fz, rx, ry, rz, mx, my, mz, cx, cy, cz)
        B[0] += gc.mem_alloc() - m
        C[0] += 1

    def _segment_end(self, step):
        m = gc.mem_alloc()
        _SEGMENT(self, step)
        B[1] += gc.mem_alloc() - m
        C[1] += 1

    def _step(self):
        m = gc.mem_alloc()
        _IN_STEP[0] = True
        _STEP(self)
        _IN_STEP[0] = False
        B[2] += gc.mem_alloc() - m
        C[2] += 1

    def _row(self, cur, prev, stride):
        m = gc.mem_alloc()
        _ROW(self, cur, prev, stride)
        d = gc.mem_alloc() - m
        B[3] += d
        C[3] += 1
        if _IN_STEP[0]:
            B[4] += d
            C[4] += 1


def main():
    rate = float(sys.argv[2])
    lsb_g, lsb_dps = float(sys.argv[3]), float(sys.argv[4])
    skip = int(float(sys.argv[5]) * rate) * 6
    p = Probe(config.defaults(), rate, lsb_g, lsb_dps, NullSink())
    buf = array("h", bytes(12 * BATCH))
    mv = memoryview(buf)
    src = memoryview(DATA)
    pos = 0
    total = 0
    start = -1
    while pos < len(DATA):
        end = min(pos + 6 * BATCH, len(DATA))
        mv[:end - pos] = src[pos:end]
        n = (end - pos) // 6
        if start < 0 and pos >= skip:
            for j in range(5):
                B[j] = C[j] = 0
            total = 0
            start = pos
        gc.collect()
        gc.disable()
        m = gc.mem_alloc()
        p.feed(buf, n)
        total += gc.mem_alloc() - m
        gc.enable()
        pos = end
    print(json.dumps({"seconds": (pos - start) / 6 / rate, "total": total,
                      "bytes": B, "calls": C}))


main()
