"""Runs ON MicroPython: an IMU.csv through firmware.core.pipeline, printing every lean row and
event as one line, for the differential test against CPython. The CSV is trusted (the host
validated it); rate comes from argv, and optionally a config as JSON (default: the defaults)
and "counts": the CSV then holds integer counts at pipeline.UNITS_LSB_* (upy.counts_csv), the
device's kind of input, so a single-precision interpreter gets CPython's very samples (from g
and deg/s it would round some values to the other count). A file whose header goes on with
pax..pgz (in that order) is a two-sensor run: the pipeline runs with pelvis=True and every
pelvis row is printed too."""
import json
import sys
from array import array

from firmware.core import config
from firmware.core.pipeline import UNITS_LSB_PER_DPS, UNITS_LSB_PER_G, Pipeline

BATCH = 32


class PrintSink:
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        print("L", t_ms, "%.6f" % lean_deg, "%.6f" % roll_deg, "%.3f" % cadence_spm, state, win_ms)

    def event(self, t_ms, name, value):
        print("E", t_ms, name, value)

    def pelvis(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        print("P", t_ms, "%.6f" % pelvis_deg, "%.6f" % lumbar_deg, "%.6f" % lumbar_toeoff_deg)


def main():
    path, rate = sys.argv[1], float(sys.argv[2])
    cfg, errors = config.validate(json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
    if errors:
        raise ValueError(errors[0])
    with open(path) as f:
        two = "pax" in f.readline()
    if len(sys.argv) > 4 and sys.argv[4] == "counts":
        p = Pipeline(cfg, rate, UNITS_LSB_PER_G, UNITS_LSB_PER_DPS, PrintSink(), pelvis=two)
        kind, zero, num = "l", 0, int
    else:
        p = Pipeline(cfg, rate, 1.0, 1.0, PrintSink(), pelvis=two)
        kind, zero, num = "d", 0.0, float
    buf = array(kind, [zero] * (6 * BATCH))
    pbuf = array(kind, [zero] * (6 * BATCH)) if two else None
    n = 0
    with open(path) as f:
        f.readline()
        for line in f:
            parts = line.split(",")
            for j in range(6):
                buf[6 * n + j] = num(parts[1 + j])
                if two:
                    pbuf[6 * n + j] = num(parts[7 + j])
            n += 1
            if n == BATCH:
                p.feed(buf, n, pbuf)
                n = 0
    if n:
        p.feed(buf, n, pbuf)


main()
