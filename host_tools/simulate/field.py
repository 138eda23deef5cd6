"""Field physics: what real runners and real sensors do that the base model leaves out, drawn per
run from ranges in the literature (host_tools/simulate/README.md, "Field physics", cites them).

The base model is one body and one sensor of each grade. A product tuned to it learns that body.
`draw(seed, site, mechanisms)` returns this run's body and sensor drift as plain numbers (they go
to scenario.json), so a run states exactly what it simulated; `simulate(..., field=...)` applies
them. Each mechanism can be switched on alone, to measure what it does by itself:

- "rocking": the trunk segment the clip sits on pitches at step frequency in phase with the
  ground force (thorax: forward at mid-stance, back in flight; pelvis: peak near toe-off);
- "warmup": the gyro's zero-rate output follows the clip's temperature as it warms against
  the body, and wanders (bias random walk) at a rate drawn per run;
- "asymmetry": left and right impacts differ, and steps vary more than the base model's;
- "city" and "setoff_turn" are script features (scenario.field), recorded here so one
  dict says which mechanisms a run had.
"""
import numpy as np

MECHANISMS = ("rocking", "warmup", "asymmetry", "city", "setoff_turn")
SITES = ("chest", "waist")

# Trunk pitch at step frequency, peak to peak (deg), and where in the step (fraction of the
# step from touchdown, relative to the contact fraction pc) the forward peak falls.
ROCK_PP_DEG = {"chest": (2.0, 4.0), "waist": (3.0, 7.0)}
ROCK_PEAK = {"chest": (0.5, 0.15), "waist": (1.0, 0.12)}  # (x pc, +- step jitter)
# Lever arm of the sensor from the hip joint, body axes (m): chest strap, belt at the front.
LEVER_M = {"chest": (0.12, 0.0, 0.45), "waist": (0.10, 0.0, 0.08)}
# Gyro zero-rate temperature coefficient (deg/s per deg C) per grade, per axis, random sign.
TEMPCO_DPS_PER_C = {"ideal": (0.0, 0.0), "good": (0.005, 0.02), "typical": (0.02, 0.16),
                    "poor": (0.1, 0.3)}
# Bias random walk (deg/s per sqrt(s)) per grade; 0.1 is 0.01 deg/s per sample at 100 Hz.
WALK_DPS_PER_RT_S = {"ideal": (0.0, 0.0), "good": (0.001, 0.005), "typical": (0.005, 0.03),
                     "poor": (0.03, 0.1)}
WARM_DELTA_C = (15.0, 20.0)   # the clip warms this much against the body ...
WARM_TAU_S = (60.0, 240.0)    # ... with this time constant (settled in 3-12 min)
STEP_CV = (0.08, 0.24)        # per-step impact spread (coefficient of variation)
SIDE_DIFF = (0.0, 0.3)        # |left - right| / mean of the impact


def draw(seed, site="chest", quality="typical", mechanisms=MECHANISMS):
    """This run's field physics: a JSON-ready dict (see the module docstring)."""
    if site not in SITES:
        raise ValueError("site must be one of %s" % (SITES,))
    unknown = set(mechanisms) - set(MECHANISMS)
    if unknown:
        raise ValueError("unknown mechanisms %s" % sorted(unknown))
    rng = np.random.default_rng([int(seed), 0xF1E1D])
    out = {"site": site, "mechanisms": sorted(mechanisms), "lever_m": list(LEVER_M[site])}
    lo, hi = ROCK_PP_DEG[site]
    peak, jitter = ROCK_PEAK[site]
    rock = {"amp_deg": float(rng.uniform(lo, hi) / 2), "peak_x_contact": peak,
            "peak_shift_steps": float(rng.uniform(-jitter, jitter))}
    grade = quality if quality in TEMPCO_DPS_PER_C else "typical"
    lo, hi = TEMPCO_DPS_PER_C[grade]
    warm = {"delta_c": float(rng.uniform(*WARM_DELTA_C)), "tau_s": float(rng.uniform(*WARM_TAU_S)),
            "tempco_dps_per_c": (rng.choice([-1.0, 1.0], 3) * rng.uniform(lo, hi, 3)).tolist(),
            "walk_dps_per_rt_s": float(rng.uniform(*WALK_DPS_PER_RT_S[grade]))}
    steps = {"cv": float(rng.uniform(*STEP_CV)),
             "side_diff": float(rng.uniform(*SIDE_DIFF)) * float(rng.choice([-1.0, 1.0]))}
    if "rocking" in mechanisms:
        out["rocking"] = rock
    if "warmup" in mechanisms:
        out["warmup"] = warm
    if "asymmetry" in mechanisms:
        out["asymmetry"] = steps
    return out


def rocking_pitch_deg(field, steps, contact):
    """Trunk pitch (deg) at step phase `steps` (touchdown at integers) for contact fraction
    `contact`: a sinusoid at step frequency peaking forward at the site's phase."""
    rock = field["rocking"]
    peak = rock["peak_x_contact"] * contact + rock["peak_shift_steps"]
    return rock["amp_deg"] * np.cos(2 * np.pi * (steps - peak))


def impact_factor(field, k, rng):
    """Per-step impact multipliers for step numbers k (even = right foot)."""
    steps = field["asymmetry"]
    sigma = np.sqrt(np.log(1.0 + steps["cv"] ** 2))
    side = np.where(k % 2 == 0, 1.0, -1.0) * steps["side_diff"] / 2
    return np.clip((1.0 + side) * np.exp(sigma * rng.standard_normal(len(k))), 0.3, 3.0)


def gyro_drift_dps(field, t_s, rng):
    """(n, 3) zero-rate drift: temperature warm-up plus a random walk, deg/s."""
    warm = field["warmup"]
    n = len(t_s)
    dt_s = t_s[1] - t_s[0] if n > 1 else 0.0
    temp_c = warm["delta_c"] * (1.0 - np.exp(-t_s / warm["tau_s"]))
    walk = np.cumsum(rng.standard_normal((n, 3)), axis=0) * (warm["walk_dps_per_rt_s"]
                                                              * np.sqrt(dt_s))
    return np.outer(temp_c, warm["tempco_dps_per_c"]) + walk
