"""Runs ON MicroPython: how long one call into the session log writer can hold up the loop.

usage: micropython logs_upy.py DIR
Writes a summary-mode and a raw-mode (208 Hz, FIFO drains of 32 samples) session of SECONDS,
timing every writer call, and prints one JSON line: worst and median microseconds per kind of
call, best of 3 repeats (the host's own hiccups are not the writer's). Once into a file that
discards everything (the interpreter's share: encode, CRC, copies, which scales to the ESP32)
and once into a real file in DIR (plus the OS's write path). The flash's own program/erase time
comes on top on the device; docs/log-format.md states the budget.
"""
import gc
import json
import sys
import time
from array import array

gc.collect()
_free = gc.mem_free()
from firmware.core import logfmt  # noqa: E402 (its import cost is measured: the event registry)

gc.collect()
LOGFMT_IMPORT_BYTES = _free - gc.mem_free()
from firmware.device.sessionlog import LogWriter  # noqa: E402

SECONDS = 600
RAW_RATE_HZ = 208
FIFO_SAMPLES = 32


REPEATS = 3


class NullFile:
    def write(self, buf):
        return len(buf)

    def flush(self):
        pass


ALLOC = {}  # call kind -> bytes allocated by each call (collector off while measuring)


def stats(us):
    us.sort()
    return {"worst_us": us[-1], "median_us": us[len(us) // 2], "calls": len(us)}


def best(runs):
    """Per call kind, the smallest worst and median over the repeats."""
    out = {}
    for run in runs:
        for name in run:
            st = run[name]
            if name not in out:
                out[name] = st
            else:
                out[name] = {"worst_us": min(out[name]["worst_us"], st["worst_us"]),
                             "median_us": min(out[name]["median_us"], st["median_us"]),
                             "calls": st["calls"]}
    return out


def timed(fn, *args):
    gc.disable()
    m0 = gc.mem_alloc()
    t0 = time.ticks_us()
    fn(*args)
    dt = time.ticks_diff(time.ticks_us(), t0)
    m1 = gc.mem_alloc()
    gc.enable()
    name = fn.__name__
    ALLOC[name] = max(ALLOC.get(name, 0), m1 - m0)
    return dt


def summary_session(path):
    w = LogWriter(path, logfmt.MODE_SUMMARY, 1, 104.0, 4096.0, 16.384, 0, "{}")
    flush, event = [], []
    for s in range(SECONDS):
        if s % 10 == 0:
            event.append(timed(w.event, s * 1000 + 500, 4, 1.5))
        flush.append(timed(w.summary, s, 6.5, -0.75, 172, 0x06))
    w.close()
    return {"summary_flush": stats(flush), "event": stats(event)}


def raw_session(path):
    w = LogWriter(path, logfmt.MODE_RAW, 2, RAW_RATE_HZ, 4096.0, 16.384, 0, "{}")
    fifo = array("h", range(6 * FIFO_SAMPLES))
    raw, flush = [], []
    n = 0
    for s in range(SECONDS // 10):
        while n < (s + 1) * RAW_RATE_HZ:
            raw.append(timed(w.raw, n * 1000 // RAW_RATE_HZ, fifo, FIFO_SAMPLES))
            n += FIFO_SAMPLES
        flush.append(timed(w.summary, s, 6.5, -0.75, 172, 0x06))
    w.close()
    return {"raw_drain": stats(raw), "raw_summary_flush": stats(flush)}


def main():
    out = {}
    for target in ("null", "file"):
        runs = []
        for _ in range(REPEATS):
            s = NullFile() if target == "null" else sys.argv[1] + "/summary.lcl"
            r = NullFile() if target == "null" else sys.argv[1] + "/raw.lcl"
            run = summary_session(s)
            run.update(raw_session(r))
            runs.append(run)
        out[target] = best(runs)
    out["alloc_max_bytes"] = ALLOC
    out["logfmt_import_bytes"] = LOGFMT_IMPORT_BYTES
    print(json.dumps(out))


main()
