"""The gain filter (firmware/core/tiltgain.py): the configured loop for a steady gyro, a quicker
one for a wandering gyro and after a gyro-only stretch, and which strides teach the bias."""
import math
import random

from firmware.core import config
from firmware.core.tiltgain import TiltGain

DEG = math.pi / 180
STEP_S = 0.35


def _run(gain, seconds, walk_dps_per_rt_s=0.0, seed=1):
    rng = random.Random(seed)
    bias = [0.0, 0.0, 0.0]
    for _ in range(int(seconds / STEP_S)):
        for i in range(3):
            bias[i] += rng.gauss(0.0, walk_dps_per_rt_s * DEG * math.sqrt(STEP_S))
        gain.stride(STEP_S, True, *bias)


def test_a_steady_gyro_runs_the_configured_loop():
    cfg = config.defaults()
    gain = TiltGain(cfg)
    _run(gain, 300.0)
    assert abs(gain.pull_per_s - 1.0 / cfg["tilt_tau_s"]) < 1e-9
    assert abs(gain.pull_per_s * gain.bias_share_per_s
               - 1.0 / (cfg["tilt_tau_s"] * cfg["bias_tau_s"])) < 1e-9


def test_a_wandering_gyro_gets_a_quicker_loop_but_not_too_quick():
    cfg = config.defaults()
    gain = TiltGain(cfg)
    _run(gain, 300.0, walk_dps_per_rt_s=0.1)  # the poor grade's top (field ranges)
    assert 1.0 / gain.pull_per_s < 0.7 * cfg["tilt_tau_s"]
    assert gain.pull_per_s <= 1.0


def test_a_gyro_only_stretch_makes_the_next_strides_trust_the_accelerometer_more():
    gain = TiltGain(config.defaults())
    _run(gain, 60.0)
    settled = gain.pull_per_s
    for _ in range(int(8.0 / STEP_S)):  # setting off: the pull held, the gyro alone
        gain.stride(STEP_S, False, 0.0, 0.0, 0.0)
    assert gain.pull_per_s > 1.5 * settled
    _run(gain, 60.0)
    assert abs(gain.pull_per_s - settled) < 1e-6


def test_a_change_of_pace_teaches_no_bias_but_a_lasting_one_is_believed():
    gain = TiltGain(config.defaults())
    _run(gain, 60.0)
    assert not gain.surprising(1.0 * DEG, STEP_S)
    assert gain.surprising(10.0 * DEG, STEP_S)  # slowing into a stop leans the force 10 deg
    for _ in range(int(6.0 / STEP_S)):  # ... but never for longer than a change of pace lasts
        last = gain.surprising(10.0 * DEG, STEP_S)
    assert not last
