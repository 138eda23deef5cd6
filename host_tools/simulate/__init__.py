"""The running simulator: a scripted run in, the IMU's output and the truth out.

`simulate(...)` returns arrays for tests and the benchmark; `write(...)` stores them as
imu.csv, truth.csv and scenario.json (the `leanclip simulate` command does both)."""
from .simulator import simulate, write

__all__ = ["simulate", "write"]
