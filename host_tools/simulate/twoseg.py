"""The two-segment trunk (issue 17): pelvis and thorax joined at the lumbar spine, each with its
own sensor, in one run of the one-sensor simulator's physics.

Why one body and two segments, not two one-sensor runs: both sensors must see the SAME steps
(impacts, braking, sway, corners, speed) or a pipeline could not be scored on what the two
together tell it. So the run is scripted once (script.evaluate), the steps are drawn once
(gait.step_table), and each segment gets its own pitch (its scripted tilt plus its own
step-frequency rocking from field.py: the thorax forward at mid-stance, the pelvis peaking
anteriorly near toe-off, and in a lumbar arch an extra anterior pulse at toe-off), its own lever
arm and its own sensor (mount, grade, errors, warm-up drift, bias walk). The thorax hinges on
the pelvis at the lumbar joint (motion.trunk `joint`), so the chest sensor also feels the
pelvis's rocking.

Truth: per sample the thorax lean, pelvis tilt and lumbar angle (thorax - pelvis; + flexion),
instantaneous and averaged over the stride centred on the sample, and the episodes of the script
with their start and end. Sign conventions: docs in /work/notes/PELVIS.md, README "Two-segment
trunk".
"""
import json
import os

import numpy as np

from .. import outfiles
from ..errors import UserError
from . import field as fieldmod, gait, motion, mount as mounts, script, sensor, simulator
from . import twoseg_script
from .scenario import FAULTS, RUN_CADENCE_SPM, STATES

FORMAT = "leanclip-sim-twoseg 1"
PELVIS_COLUMNS = ("pax", "pay", "paz", "pgx", "pgy", "pgz")
IMU_COLUMNS = simulator.IMU_COLUMNS + PELVIS_COLUMNS
TRUTH_COLUMNS = ("t_ms", "thorax_deg", "pelvis_deg", "lumbar_deg", "thorax_stride_deg",
                 "pelvis_stride_deg", "lumbar_stride_deg", "step_phase", "state", "episode",
                 "chest_fault")
EPISODE_COLUMNS = ("episode", "start_ms", "end_ms", "thorax_deg", "pelvis_deg", "toeoff_deg")
OUTPUTS = ("imu.csv", "truth.csv", "episodes.csv", "scenario.json")

# The lumbar hinge in pelvis axes (m) from the hip joint centres: ~L3-L4, 15 cm up, 3 cm back.
LUMBAR_JOINT_M = (-0.03, 0.0, 0.15)
# The pelvis's sagittal oscillation, peak to peak (deg), at step frequency (drawn log-uniform)
# and at stride frequency (uniform, at a drawn phase): README "Two-segment trunk" says where
# the ranges come from (the real waist-worn jogs and the literature).
PELVIS_ROCK_PP_DEG = (2.5, 12.0)
PELVIS_STRIDE_PP_DEG = (1.0, 4.5)
# Where round the waistband the pod sits (deg from the front, + to the left), and the
# waistband's half-widths (m): front-back and side to side, at 8 cm above the hip centres.
POD_ANGLE_DEG = (-110.0, 110.0)
WAIST_HALF_M = (0.11, 0.15, 0.08)
TOEOFF_HALF_WIDTH_STEPS = 0.2  # the toe-off pulse: a raised cosine this wide each side


def _pod_lever(rng):
    a = np.radians(rng.uniform(*POD_ANGLE_DEG))
    x, y, z = WAIST_HALF_M
    return np.array([x * np.cos(a), y * np.sin(a), z])


def toeoff_pulse(steps, contact):
    """0..1, peaking at toe-off (step phase = contact fraction), zero more than
    TOEOFF_HALF_WIDTH_STEPS away: where a lumbar arch adds its extra anterior tilt."""
    d = (steps - contact + 0.5) % 1.0 - 0.5
    w = TOEOFF_HALF_WIDTH_STEPS
    return np.where(np.abs(d) < w, 0.5 * (1.0 + np.cos(np.pi * d / w)), 0.0)


def _draw_bodies(seed, qualities, mechanisms, rng):
    """The thorax's and the pelvis's field physics (field.draw per site, rocking always on:
    each segment moves at step frequency), the pelvis's oscillation from PELVIS_ROCK_PP_DEG
    and its stride-frequency sway (left and right steps differ) from PELVIS_STRIDE_PP_DEG."""
    mech = tuple(sorted(set(mechanisms) | {"rocking"}))
    thorax = fieldmod.draw(2 * int(seed), "chest", qualities[0], mech)
    pelvis = fieldmod.draw(2 * int(seed) + 1, "waist", qualities[1], mech)
    pelvis["rocking"]["amp_deg"] = float(np.exp(rng.uniform(*np.log(PELVIS_ROCK_PP_DEG))) / 2)
    pelvis["stride_rocking"] = {"amp_deg": float(rng.uniform(*PELVIS_STRIDE_PP_DEG) / 2),
                                "phase_steps": float(rng.uniform(0.0, 2.0))}
    return thorax, pelvis


def _stride_pitch_deg(body, steps):
    sway = body["stride_rocking"]
    return sway["amp_deg"] * np.cos(np.pi * (steps - sway["phase_steps"]))


def _stride_mean(x, steps):
    """Mean of x over the stride (two steps) centred on each sample."""
    lo = np.searchsorted(steps, steps - 1.0, side="left")
    hi = np.searchsorted(steps, steps + 1.0, side="right")
    cum = np.concatenate(([0.0], np.cumsum(x)))
    return (cum[hi] - cum[lo]) / (hi - lo)


def episodes(truth, segments):
    """[{episode, start_ms, end_ms, thorax_deg, pelvis_deg, toeoff_deg}] for each scripted
    episode, in order (the script's values of its first segment)."""
    ep = truth["episode"]
    change = np.flatnonzero(ep[1:] != ep[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(ep)]))
    seg_start_ms = np.concatenate(([0.0], np.cumsum([s["s"] for s in segments])[:-1])) * 1000
    out = []
    for a, b in zip(starts, ends, strict=True):
        if ep[a] == "none":
            continue
        t0 = int(truth["t_ms"][a])
        seg = segments[int(np.searchsorted(seg_start_ms, t0, side="right")) - 1]
        out.append({"episode": str(ep[a]), "start_ms": t0, "end_ms": int(truth["t_ms"][b - 1]),
                    "thorax_deg": seg["lean_deg"], "pelvis_deg": seg["pelvis_deg"],
                    "toeoff_deg": seg["toeoff_deg"]})
    return out


def simulate(scenario="demo", rate_hz=100, cadence_spm=None, seed=0, chest_mount="random",
             pelvis_mount="random", chest_quality="typical", pelvis_quality="typical",
             mechanisms=fieldmod.MECHANISMS, duration_s=600.0):
    """Simulate a two-segment run. scenario: "demo", "field" (twoseg_script.field_run(seed,
    duration_s)), a JSON path, or a segment list / dict.

    Returns (imu, truth, meta): imu is (n, 13), IMU_COLUMNS (chest then pelvis, g and deg/s,
    each in its own sensor's axes); truth a dict of arrays (TRUTH_COLUMNS, plus t in s and
    the chest's one-sensor truth: lean_inst_deg = thorax_deg, lean_deg, fault, R_wb of each
    segment); meta the resolved script, every option and draw, and the episodes."""
    for mount, quality in ((chest_mount, chest_quality), (pelvis_mount, pelvis_quality)):
        simulator.check_options(mount, rate_hz, cadence_spm, quality)
    rate_hz = int(rate_hz)
    run_cadence = RUN_CADENCE_SPM if cadence_spm is None else float(cadence_spm)
    if isinstance(scenario, str):
        name = os.path.basename(scenario)
        raw = twoseg_script.named(scenario, seed, duration_s)
    else:
        name, raw = "custom", scenario
    segments = twoseg_script.resolve(raw, run_cadence)
    (rng_mount_t, rng_mount_p, rng_motion, rng_draw_t, rng_draw_p, rng_noise_t,
     rng_noise_p) = (np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(7))
    body_t, body_p = _draw_bodies(seed, (chest_quality, pelvis_quality), mechanisms, rng_draw_p)
    r_bs_t, _ = mounts.mount(chest_mount, rng_mount_t)
    lever_t = mounts.site_lever(chest_mount, body_t["lever_m"])
    r_bs_p, _ = mounts.mount(pelvis_mount, rng_mount_p)
    lever_p = _pod_lever(rng_mount_p)
    body_p["lever_m"] = lever_p.tolist()

    total_s = sum(seg["s"] for seg in segments)
    k, pad, t_fine, n_out = simulator.fine_grid(rate_hz, total_s)
    sig_t = script.evaluate(segments, t_fine)
    toeoff = script.ramped(segments, t_fine, [seg["toeoff_deg"] for seg in segments])
    pelvis_deg = (script.ramped(segments, t_fine, [seg["pelvis_deg"] for seg in segments])
                  + sig_t["w_run"] * (_stride_pitch_deg(body_p, sig_t["steps"]) + toeoff
                  * toeoff_pulse(sig_t["steps"], gait.contact_ratio(sig_t["speed_mps"]))))
    sig_p = dict(sig_t, lean_deg=pelvis_deg)
    table = gait.step_table(sig_t, rng_motion, body_t)
    sway = gait.sway_draw(rng_motion)
    joint = np.array(LUMBAR_JOINT_M)
    parts_t, parts_p = [], []
    for _, n, grid in simulator.chunks(n_out, k, pad):
        t = t_fine[grid]
        pelvis = motion.trunk({key: v[grid] for key, v in sig_p.items()}, t, table, sway,
                              lever_p, body_p)
        thorax = motion.trunk({key: v[grid] for key, v in sig_t.items()}, t, table, sway,
                              lever_t, body_t, joint=(pelvis["R_wb"], joint))
        parts_p.append(simulator.sensor_view(pelvis, r_bs_p, k, pad, n))
        parts_t.append(simulator.sensor_view(thorax, r_bs_t, k, pad, n))
    seen_t, seen_p = simulator.joined(parts_t), simulator.joined(parts_p)
    t_s = np.arange(n_out) / rate_hz
    errors_t = sensor.draw(chest_quality, rng_draw_t)
    errors_p = sensor.draw(pelvis_quality, rng_draw_p)
    chest = sensor.measure(errors_t, seen_t["accel_g"], seen_t["gyro_dps"], t_s, rng_noise_t,
                           body_t)
    pod = sensor.measure(errors_p, seen_p["accel_g"], seen_p["gyro_dps"], t_s, rng_noise_p,
                         body_p)
    imu = np.column_stack((t_s,) + chest + pod)

    at = pad + np.arange(n_out) * k
    steps = sig_t["steps"][at]
    thorax_deg, pelvis_inst = seen_t["lean_inst_deg"], seen_p["lean_inst_deg"]
    ep_codes = np.array([seg["episode"] for seg in segments])
    seg_idx = np.clip(np.searchsorted(np.cumsum([seg["s"] for seg in segments]), t_s,
                                      side="right"), 0, len(segments) - 1)
    truth = {
        "t": t_s, "t_ms": np.round(t_s * 1000).astype(np.int64),
        "thorax_deg": thorax_deg, "pelvis_deg": pelvis_inst,
        "lumbar_deg": thorax_deg - pelvis_inst,
        "thorax_stride_deg": _stride_mean(thorax_deg, steps),
        "pelvis_stride_deg": _stride_mean(pelvis_inst, steps),
        "lumbar_stride_deg": _stride_mean(thorax_deg - pelvis_inst, steps),
        "step_phase": steps,
        "contact": gait.contact_ratio(sig_t["speed_mps"][at]),
        "state": np.array(STATES)[sig_t["state"][at]],
        "episode": ep_codes[seg_idx],
        "chest_fault": np.array(FAULTS)[sig_t["fault"][at]],
        # the chest's one-sensor truth, as simulator.simulate names it (evaluate.Truth)
        "lean_inst_deg": thorax_deg, "lean_deg": sig_t["lean_deg"][at],
        "fault": np.array(FAULTS)[sig_t["fault"][at]],
        "R_wb": seen_t["R_wb"], "R_wb_pelvis": seen_p["R_wb"],
    }
    meta = {
        "format": FORMAT,
        "scenario": name,
        "segments": segments,
        "options": {"rate_hz": rate_hz, "cadence_spm": run_cadence, "seed": int(seed),
                    "chest_mount": chest_mount, "pelvis_mount": pelvis_mount,
                    "chest_quality": chest_quality, "pelvis_quality": pelvis_quality,
                    "mechanisms": sorted(mechanisms)},
        "duration_s": total_s,
        "samples": n_out,
        "chest": {"mount": {"name": chest_mount, "R_bs": r_bs_t.tolist(),
                            "lever_m": lever_t.tolist()},
                  "sensor": errors_t, "field": body_t},
        "pelvis": {"mount": {"name": pelvis_mount, "R_bs": r_bs_p.tolist(),
                             "lever_m": lever_p.tolist()},
                   "sensor": errors_p, "field": body_p},
        "lumbar_joint_m": list(LUMBAR_JOINT_M),
        "internal_rate_hz": rate_hz * k,
        "g_mps2": script.G_MPS2,
        "episodes": episodes(truth, segments),
    }
    return imu, truth, meta


def write(out_dir, imu, truth, meta):
    """Write imu.csv (chest + pelvis columns), truth.csv, episodes.csv and scenario.json into
    out_dir (created if missing)."""
    try:
        os.makedirs(out_dir, exist_ok=True)
        paths = [os.path.join(out_dir, name) for name in OUTPUTS]
        with outfiles.replacing(paths[0]) as f:
            np.savetxt(f, imu, fmt=["%.6f"] + ["%.6g"] * 12, delimiter=",",
                       header=",".join(IMU_COLUMNS), comments="")
        cols = [truth[c] for c in TRUTH_COLUMNS]
        with outfiles.replacing(paths[1]) as f:
            f.write(",".join(TRUTH_COLUMNS) + "\n")
            f.writelines("%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%s,%s,%s\n" % row
                         for row in zip(*cols, strict=True))
        with outfiles.replacing(paths[2]) as f:
            f.write(",".join(EPISODE_COLUMNS) + "\n")
            f.writelines("%s,%d,%d,%.2f,%.2f,%.2f\n" % tuple(ep[c] for c in EPISODE_COLUMNS)
                         for ep in meta["episodes"])
        with outfiles.replacing(paths[3]) as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out_dir, e.strerror or e)) from None
