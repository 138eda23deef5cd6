"""What a barometer on the clip reads on a scripted run with a hill: pressure from the true
altitude through the standard atmosphere, at the rate the device samples it, with the chip's
noise. Written as baro.csv only for scenarios that climb, so every other run's files stay as
they were (the IMU's random streams are untouched: this one has its own seed)."""
import os

import numpy as np

from .. import outfiles
from ..errors import UserError

FILE = "baro.csv"

RATE_HZ = 25  # the BMP390's ODR as the driver sets it (firmware/drivers/bmp.py)
NOISE_PA = 1.0  # rms at x4 oversampling with the IIR filter (BMP280 ~1.3 Pa, BMP390 ~0.9 Pa)
P0_PA = 101325.0
COLUMNS = ("t", "pressure_pa")


def pressure_pa(altitude_m, p0_pa=P0_PA):
    """ISA troposphere: the inverse of firmware.drivers.baro.altitude_m."""
    return p0_pa * (1.0 - np.asarray(altitude_m) / 44330.0) ** (1.0 / 0.190295)


def climbs(segments):
    return any(seg.get("climb_pct") for seg in segments)


def readings(truth, seed):
    """(n, 2) array of t (s), pressure (Pa) at RATE_HZ over the run."""
    t_s = np.arange(0.0, truth["t"][-1] + 1e-9, 1.0 / RATE_HZ)
    alt_m = np.interp(t_s, truth["t"], truth["altitude_m"])
    rng = np.random.default_rng([int(seed), 0xBA20])
    return np.column_stack([t_s, pressure_pa(alt_m) + rng.normal(0.0, NOISE_PA, t_s.size)])


def write(out_dir, truth, meta):
    """Write baro.csv if the scenario climbs; return its path or None."""
    if not climbs(meta["segments"]):
        return None
    path = os.path.join(out_dir, FILE)
    try:
        with outfiles.replacing(path) as f:
            np.savetxt(f, readings(truth, meta["options"]["seed"]), fmt=["%.3f", "%.2f"],
                       delimiter=",", header=",".join(COLUMNS), comments="")
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out_dir, e.strerror or e)) from None
    return path
