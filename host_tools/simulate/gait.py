"""What stepping does to the trunk: the pelvis acceleration of every step and the trunk's rocking.

Each step's acceleration pattern has zero mean over the step (lateral: over the stride), so the
pelvis never drifts away from the scripted speed and the stride-mean specific force is exactly
gravity. Trunk rocking is built from angular accelerations that are zero while both feet are off
the ground (no torque in flight), which keeps the chest quiet in flight as on a real runner.
"""
import functools

import numpy as np

from . import field as fieldmod

IMPACT_S = 0.020          # heel-strike transient: duration
IMPACT_DELAY_S = 0.012    # ... and its start after touchdown (peak ~22 ms in)
IMPACT_REF_MPS = 3.2      # running impacts scale as (speed / this) ** 1.5
RUN_SHAPE_CONTACT = 0.70  # contact fraction the rocking shapes are built with
SWAY_DEG = 0.15           # each of two postural sway components (peak ~0.3 deg)

WALK = {"pitch_deg": 1.0, "roll_deg": 1.5, "yaw_deg": 3.0,
        "vert_g": 0.25, "fore_g": 0.15, "lat_g": 0.08}
RUN = {"pitch_deg": 2.0, "roll_deg": 2.0, "yaw_deg": 4.0, "lat_g": 0.15, "brake_per_impact": 0.4}


def contact_ratio(speed_mps):
    """Contact time / step time: shorter ground contact at higher speed."""
    return np.clip(0.70 - 0.04 * (speed_mps - 3.2), 0.62, 0.72)


def braking_g(speed_mps):
    """Fore-aft amplitude B of -B sin(2 pi tau / tc): harder braking and push-off when faster."""
    return np.clip(0.38 + 0.08 * (speed_mps - 3.0), 0.3, 0.5)


def step_table(sig, rng, field=None):
    """Per-step parameters, fixed at each step's first sample: speed, gait weights, cadence and
    impact (with a random per-step spread: no two foot strikes are alike; with field
    "asymmetry", the run's own spread and left/right difference). Index: k - "k0"."""
    steps = sig["steps"]
    k = np.floor(steps).astype(np.int64)
    first = np.searchsorted(steps, np.arange(k[0], k[-1] + 1), side="left")
    table = {key: sig[key][first] for key in ("speed_mps", "w_run", "w_walk", "step_cadence_spm")}
    if field and "asymmetry" in field:
        spread = fieldmod.impact_factor(field, np.arange(k[0], k[-1] + 1), rng)
    else:
        spread = np.clip(np.exp(0.3 * rng.standard_normal(len(first))), 0.5, 2.0)
    table["impact_g"] = sig["impact_g"][first] * spread
    table["k0"] = k[0]
    return table


def pelvis_accel_g(steps, table):
    """World pelvis acceleration from stepping, in g: (vertical, forward, left) per sample.

    Step k (even: right foot) plays its pattern at its own speed, impact and gait weights."""
    k = np.floor(steps).astype(np.int64)
    p = steps - k
    j = k - table["k0"]
    speed = table["speed_mps"][j]
    w_run, w_walk = table["w_run"][j], table["w_walk"][j]
    impact = table["impact_g"][j]
    side = np.where(k % 2 == 0, 1.0, -1.0)
    steps_per_s = table["step_cadence_spm"][j] / 60.0
    d, d0 = IMPACT_S * steps_per_s, IMPACT_DELAY_S * steps_per_s  # in step units
    on = (p >= d0) & (p < d0 + d)
    bump = np.where(on, np.sin(np.pi * (p - d0) / d) ** 2, 0.0)  # mean over the step: d / 2

    pc = contact_ratio(speed)
    contact = p < pc
    half = np.where(contact, np.sin(np.pi * p / pc), 0.0)       # mean 2 pc / pi
    full = np.where(contact, np.sin(2 * np.pi * p / pc), 0.0)   # mean 0
    run_impact = impact * (speed / IMPACT_REF_MPS) ** 1.5
    active = (1.0 - run_impact * d / 2) * np.pi / (2 * pc)      # makes the step mean 0
    brake = RUN["brake_per_impact"] * run_impact
    run_vert = active * half + run_impact * bump - 1.0
    run_fore = -braking_g(speed) * full - brake * bump + brake * d * np.pi / (4 * pc) * half
    run_lat = side * RUN["lat_g"] * half

    two_pi_p = 2 * np.pi * p
    walk_vert = WALK["vert_g"] * np.cos(two_pi_p) + impact * (bump - d / 2)
    walk_fore = -WALK["fore_g"] * np.sin(two_pi_p)
    walk_lat = side * WALK["lat_g"] * np.sin(np.pi * p)
    return (w_run * run_vert + w_walk * walk_vert,
            w_run * run_fore + w_walk * walk_fore,
            w_run * run_lat + w_walk * walk_lat)


@functools.lru_cache(maxsize=None)
def _rocking_shape(contact, period_steps, n_per_step=20000):
    """Unit-peak periodic angle whose angular acceleration is a sine burst during each contact.

    period 1: pitch, one full sine per contact (forward after touchdown, back before toe-off).
    period 2: roll/yaw, a half sine per contact with alternating sign (stride rhythm)."""
    x = np.arange(period_steps * n_per_step) / n_per_step
    k, p = np.floor(x), x % 1.0
    on = p < contact
    if period_steps == 1:
        alpha = np.where(on, np.sin(2 * np.pi * p / contact), 0.0)
    else:
        alpha = np.where(on, np.sin(np.pi * p / contact), 0.0) * np.where(k % 2 == 0, 1.0, -1.0)
    rate = np.cumsum(alpha)
    rate -= rate.mean()
    angle = np.cumsum(rate)
    angle -= angle.mean()
    return x, angle / np.abs(angle).max()


def _periodic(shape, steps):
    x, y = shape
    period = x[-1] + (x[1] - x[0])
    return np.interp(steps % period, x, y, period=period)


def sway_draw(rng):
    """Frequencies (Hz) and phases of the two sway components, for pitch and for roll."""
    return rng.uniform(0.2, 0.4, (2, 2)), rng.uniform(0, 2 * np.pi, (2, 2))


def rocking_deg(sig, t_s, sway, field=None):
    """Trunk pitch, roll and yaw oscillation (deg) around the scripted attitude.

    Yaw runs a quarter stride after roll, so their product (which would bias the sagittal lean)
    averages to zero over every stride. Standing adds slow postural sway in pitch and roll.
    With field "rocking", running pitch is the run's own sinusoid in phase with the ground
    force (field.rocking_pitch_deg) instead of the base shape."""
    steps, w_run, w_walk = sig["steps"], sig["w_run"], sig["w_walk"]
    out = []
    for key, period, offset in (("pitch_deg", 1, 0.0), ("roll_deg", 2, 0.0), ("yaw_deg", 2, 0.5)):
        if key == "pitch_deg" and field and "rocking" in field:
            run = fieldmod.rocking_pitch_deg(field, steps, contact_ratio(sig["speed_mps"]))
            out.append(w_run * run + w_walk * WALK[key] * _periodic(_rocking_shape(1.0, 1), steps))
            continue
        run = _periodic(_rocking_shape(RUN_SHAPE_CONTACT, period), steps + offset)
        walk = _periodic(_rocking_shape(1.0, period), steps + offset)
        out.append(w_run * RUN[key] * run + w_walk * WALK[key] * walk)
    still = np.clip(1.0 - w_run - w_walk, 0.0, 1.0)
    for axis, (freq_hz, phase) in enumerate(zip(*sway, strict=True)):
        wave = np.sin(2 * np.pi * freq_hz[:, None] * t_s + phase[:, None]).sum(axis=0)
        out[axis] = out[axis] + still * SWAY_DEG * wave
    return out
