"""Scripted run -> what the IMU reports + what really happened (the truth the estimator is
scored against) + every parameter needed to reproduce both."""
import json
import os

import numpy as np

from .. import outfiles
from ..errors import UserError
from . import barometer, gait, motion, mount as mounts, scenario as scenarios, script, sensor
from .scenario import FAULTS, STATES

FORMAT = "leanclip-sim 1"
RATE_RANGE_HZ = (50, 1000)
CADENCE_RANGE_SPM = (150, 190)
CHUNK_INTERNAL_SAMPLES = 100000  # internal samples per pass: bounds memory on long runs
IMU_COLUMNS = ("t", "ax", "ay", "az", "gx", "gy", "gz")
TRUTH_COLUMNS = ("t", "lean_deg", "lean_inst_deg", "roll_deg", "state", "fault", "speed_mps",
                 "cadence_spm")


def check_options(mount, rate_hz, cadence_spm, quality):
    if mount not in mounts.MOUNTS:
        raise UserError("mount must be one of %s, got %r" % (", ".join(mounts.MOUNTS), mount))
    if quality not in sensor.QUALITIES:
        raise UserError("quality must be one of %s, got %r"
                        % (", ".join(sensor.QUALITIES), quality))
    if int(rate_hz) != rate_hz or not RATE_RANGE_HZ[0] <= rate_hz <= RATE_RANGE_HZ[1]:
        raise UserError("rate must be a whole number of Hz in %d..%d, got %s"
                        % (RATE_RANGE_HZ + (rate_hz,)))
    if cadence_spm is not None and not CADENCE_RANGE_SPM[0] <= cadence_spm <= CADENCE_RANGE_SPM[1]:
        raise UserError("cadence must be %d..%d steps/min, got %s"
                        % (CADENCE_RANGE_SPM + (cadence_spm,)))


def chunks(n_out, k, pad):
    """(first output sample, output samples, internal grid slice) of each pass through a run:
    the passes' internal grids overlap by the filter reach, so chunking changes no sample."""
    chunk = max(1, CHUNK_INTERNAL_SAMPLES // k)
    for n0 in range(0, n_out, chunk):
        n = min(chunk, n_out - n0)
        yield n0, n, slice(n0 * k, n0 * k + 2 * pad + (n - 1) * k + 1)


def sensor_view(body, r_bs, k, pad, n):
    """A segment's motion (motion.trunk on one chunk) as the sensor mounted with R_bs sees it
    before its errors: filtered, decimated specific force (g) and rate (dps) in sensor axes,
    and the segment's true attitude at the n output instants."""
    # Sensor axes: v_s = R_bs^T v_b, i.e. v_b @ R_bs for row vectors.
    at = pad + np.arange(n) * k
    return {
        "accel_g": sensor.filter_decimate(body["f_b"] @ r_bs / script.G_MPS2, k, pad, n),
        "gyro_dps": sensor.filter_decimate(np.degrees(body["omega_b"] @ r_bs), k, pad, n),
        "lean_inst_deg": body["lean_inst_deg"][at],
        "roll_inst_deg": body["roll_inst_deg"][at],
        "R_wb": body["R_wb"][at],
    }


def joined(parts):
    """The per-chunk dicts of sensor_view as one dict of whole-run arrays."""
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def fine_grid(rate_hz, duration_s):
    """(k, pad, t_fine, n_out): internal samples per output sample, the filter reach + the
    derivative stencil in internal samples, the internal time grid and the output samples."""
    k = sensor.decimation(rate_hz)
    n_out = int(round(duration_s * rate_hz))
    pad = (len(sensor.lowpass_taps(k)) - 1) // 2 + 2  # filter reach + derivative stencil
    t_fine = (np.arange(2 * pad + (n_out - 1) * k + 1) - pad) / (rate_hz * k)
    return k, pad, t_fine, n_out


def _sensed(sig, t_fine, rng_motion, r_bs, lever_m, k, pad, n_out, field):
    """The filtered, decimated true specific force (g) and rate (dps) in sensor axes, and the
    instantaneous trunk attitude, at the n_out output instants (internal rows pad + n k)."""
    table = gait.step_table(sig, rng_motion, field)
    sway = gait.sway_draw(rng_motion)
    parts = []
    for _, n, grid in chunks(n_out, k, pad):
        body = motion.trunk({key: v[grid] for key, v in sig.items()}, t_fine[grid], table, sway,
                            lever_m, field)
        parts.append(sensor_view(body, r_bs, k, pad, n))
    return joined(parts)


def simulate(scenario="demo", mount="chest", rate_hz=100, cadence_spm=None, quality="typical",
             seed=0, field=None):
    """Simulate a run. scenario: "demo", "steady", a JSON path, or a segment list / dict.

    Returns (imu, truth, meta): imu is an (n, 7) array of IMU_COLUMNS (g, deg/s, sensor axes);
    truth a dict of arrays holding TRUTH_COLUMNS plus roll_inst_deg, step_phase (steps since
    the internal grid start) and R_wb (n, 3, 3, world-from-body); meta the resolved script and
    every parameter and random draw (JSON-ready). `field` (from field.draw) adds the field
    physics it names; its site sets the lever arm."""
    check_options(mount, rate_hz, cadence_spm, quality)
    rate_hz = int(rate_hz)
    run_cadence = scenarios.RUN_CADENCE_SPM if cadence_spm is None else float(cadence_spm)
    if isinstance(scenario, str):
        name, raw = os.path.basename(scenario), scenarios.named(scenario)
    else:
        name, raw = "custom", scenario
    segments = scenarios.resolve(raw, run_cadence)
    rng_mount, rng_motion, rng_draw, rng_noise = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(4))
    r_bs, lever_m = mounts.mount(mount, rng_mount)
    if field:
        lever_m = mounts.site_lever(mount, field["lever_m"])

    duration_s = sum(seg["s"] for seg in segments)
    k, pad, t_fine, n_out = fine_grid(rate_hz, duration_s)
    fine_hz = rate_hz * k
    sig = script.evaluate(segments, t_fine)
    joined = _sensed(sig, t_fine, rng_motion, r_bs, lever_m, k, pad, n_out, field)
    t_s = np.arange(n_out) / rate_hz
    errors = sensor.draw(quality, rng_draw)
    accel_g, gyro_dps = sensor.measure(errors, joined["accel_g"], joined["gyro_dps"], t_s,
                                       rng_noise, field)
    imu = np.column_stack([t_s, accel_g, gyro_dps])

    at = pad + np.arange(n_out) * k
    truth = {
        "t": t_s,
        "lean_deg": sig["lean_deg"][at],
        "lean_inst_deg": joined["lean_inst_deg"],
        "roll_deg": sig["roll_deg"][at],
        "state": np.array(STATES)[sig["state"][at]],
        "fault": np.array(FAULTS)[sig["fault"][at]],
        "speed_mps": sig["speed_mps"][at],
        "cadence_spm": sig["cadence_spm"][at],
        "roll_inst_deg": joined["roll_inst_deg"],
        "step_phase": sig["steps"][at],
        "R_wb": joined["R_wb"],
        "altitude_m": sig["altitude_m"][at],
    }
    meta = {
        "format": FORMAT,
        "scenario": name,
        "segments": segments,
        "options": {"mount": mount, "rate_hz": rate_hz, "cadence_spm": run_cadence,
                    "quality": quality, "seed": int(seed)},
        "duration_s": duration_s,
        "samples": n_out,
        "mount": {"name": mount, "R_bs": r_bs.tolist(), "lever_m": lever_m.tolist()},
        "sensor": errors,
        "internal_rate_hz": fine_hz,
        "filter": {"kind": "linear-phase windowed sinc, centred (no delay)",
                   "cutoff_hz": sensor.FILTER_CUTOFF_PER_RATE * rate_hz,
                   "taps": len(sensor.lowpass_taps(k))},
        "g_mps2": script.G_MPS2,
    }
    if field:
        meta["field"] = field
    return imu, truth, meta


OUTPUTS = ("imu.csv", "truth.csv", "scenario.json", barometer.FILE)  # what write() makes


def write(out_dir, imu, truth, meta):
    """Write imu.csv, truth.csv and scenario.json into out_dir (created if missing), and
    baro.csv when the scenario climbs."""
    try:
        os.makedirs(out_dir, exist_ok=True)
        imu_csv, truth_csv, scenario_json = (os.path.join(out_dir, n) for n in OUTPUTS[:3])
        with outfiles.replacing(imu_csv) as f:
            np.savetxt(f, imu, fmt=["%.6f"] + ["%.6g"] * 6, delimiter=",",
                       header=",".join(IMU_COLUMNS), comments="")
        cols = [truth[c] for c in TRUTH_COLUMNS]
        with outfiles.replacing(truth_csv) as f:
            f.write(",".join(TRUTH_COLUMNS) + "\n")
            f.writelines("%.6f,%.4f,%.4f,%.4f,%s,%s,%.3f,%.2f\n" % row for row in
                         zip(*cols, strict=True))
        with outfiles.replacing(scenario_json) as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        barometer.write(out_dir, truth, meta)
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out_dir, e.strerror or e)) from None
