"""Forward is found from a set-off, and a set-off is stepping: a wearer who stands tall, then
fidgets or turns on the spot without a step, has moved nowhere, and whatever the set-off
window summed is the gyro-held tilt's error (SisFall SE03 with calib_still_s 1: its 1 s stand
was followed by a turn on the spot and shuffling, 4 s before its first step, and "forward" came
out as the wearer's left at 3 m/s; docs/bench.md, "Real recordings")."""
import numpy as np

from firmware.core import config
from host_tools.commands.replay import ImuRecording, run_pipeline

RATE_HZ = 100


def _stand_then_fidget(extra_dps):
    """3 s standing still and tall (z up), then 6 s moving on the spot without a step: the
    gyro restless (5 deg/s rms, so not still), the force gravity; the gyro also reads
    `extra_dps` about x that the trunk does not turn (a tilt error the gyro carries)."""
    rng = np.random.default_rng(7)
    n_stand, n_fidget = 3 * RATE_HZ, 6 * RATE_HZ
    n = n_stand + n_fidget
    imu = np.zeros((n, 6))
    imu[:, 0:3] = rng.normal(0.0, 0.003, (n, 3))
    imu[:, 2] += 1.0
    imu[:, 3:6] = (0.5, -0.3, 0.2) + rng.normal(0.0, 0.05, (n, 3))
    imu[n_stand:, 3:6] += rng.normal(0.0, 5.0, (n_fidget, 3))
    imu[n_stand:, 3] += extra_dps
    return run_pipeline(ImuRecording(0.0, float(RATE_HZ), imu.ravel().tolist()),
                        config.defaults())


def test_no_forward_from_a_window_without_a_step():
    """The gyro-held tilt drifts 3 deg/s after the stand: 12 deg by the window's end, whose
    false horizontal force sums to ~1.4 m/s. No step was taken, so no forward (before: forward
    found at ~7 s, and every lean after it along a direction the wearer never moved)."""
    sink = _stand_then_fidget(3.0)
    assert sink.first("calibrated") is not None
    assert all(e[2] == 0 for e in sink.events if e[1] == "state")  # never a step
    assert sink.first("forward_found") is None
    assert not sink.pipeline.forward_known()
