"""What the six-face calibration (`leanclip accelcal`, docs/device.md) buys: the robustness
bench's main set (bench/robustness.py, the same runs) as drawn, and again with every drawn
sensor's accelerometer calibrated: its offset and per-axis scale replaced by what a real
calibration leaves (a residual drawn per run, up to CAL_OFFSET_G and CAL_SCALE), its cross-axis
terms as drawn (a per-axis offset and scale cannot remove them), every other random number
unchanged. The board applies the calibration to its counts (drivers/imubase.py); to first order
that is this sensor, so the pipeline is fed it as is.

Run alone: `nice -n 10 .venv/bin/python -m bench.accelcal [FIRST_SEED]` (2 worker processes).
"""
import multiprocessing
import sys
from unittest import mock

import numpy as np

from bench import first_seed, robustness
from host_tools.simulate import sensor

# what a six-face calibration leaves (its own error: the rest surface, noise over 2 s, the
# ~1 g each face assumes), per axis, drawn uniformly within +-these
CAL_OFFSET_G = 0.005
CAL_SCALE = 0.003


def calibrated(errors, seed):
    """The drawn sensor `errors` as calibrated: the accelerometer's offset and scales replaced
    by a residual drawn from `seed` alone (the run's other draws stay the same)."""
    if errors["quality"] == "ideal":
        return errors
    rng = np.random.default_rng([seed, 0xCA1])
    matrix = np.array(errors["accel_matrix"])
    np.fill_diagonal(matrix, 1.0 + rng.uniform(-CAL_SCALE, CAL_SCALE, 3))
    return dict(errors, accel_matrix=matrix.tolist(),
                accel_bias_g=rng.uniform(-CAL_OFFSET_G, CAL_OFFSET_G, 3).tolist())


def run_one(spec):
    """robustness.run_one, the sensor calibrated where spec["accelcal"] says so."""
    if not spec.get("accelcal"):
        return robustness.run_one(spec)
    draw = sensor.draw
    with mock.patch.object(sensor, "draw",
                           lambda quality, rng: calibrated(draw(quality, rng), spec["seed"])):
        return robustness.run_one(spec)


def _sumsq(results):
    return sum(s["lean_rmse_deg"] ** 2 for s in results)


def report(results):
    lines = ["| accelerometer | sensors | n | worst lean RMSE (deg) | median | sum of squared "
             "RMSE | bias range | faults cued <= 10 s | false buzzes |", "|---" * 9 + "|"]
    for grade in ("all",) + sensor.QUALITIES[1:]:
        for cal in (False, True):
            sub = [s for s in results if bool(s["spec"].get("accelcal")) == cal
                   and grade in ("all", s["spec"]["quality"])]
            if not sub:
                continue
            m = robustness.summarise(sub)
            lines.append("| %s | %s | %d | %.2f (%d) | %.2f | %.2f | %+.2f..%+.2f | %d/%d | %d |"
                         % ("six-face calibrated" if cal else "as drawn", grade, m["runs"],
                            m["rmse_worst"], m["worst"]["seed"], m["rmse_median"], _sumsq(sub),
                            m["bias_range"][0], m["bias_range"][1], m["caught"], m["faults"],
                            m["false"]))
    pairs = {}
    for s in results:
        pairs.setdefault(s["spec"]["seed"], {})[bool(s["spec"].get("accelcal"))] = s
    change = sorted((p[True]["lean_rmse_deg"] - p[False]["lean_rmse_deg"], seed)
                    for seed, p in pairs.items())
    lines.append("")
    for name, picked in (("Largest gains", change[:5]), ("Largest losses", change[::-1][:3])):
        told = ["%d %s: %.2f -> %.2f, %+.2f -> %+.2f" % (
            seed, pairs[seed][False]["spec"]["quality"], pairs[seed][False]["lean_rmse_deg"],
            pairs[seed][True]["lean_rmse_deg"], pairs[seed][False]["lean_bias_deg"],
            pairs[seed][True]["lean_bias_deg"]) for _, seed in picked]
        lines.append("%s (seed, sensor: RMSE as drawn -> calibrated, bias): %s."
                     % (name, "; ".join(told)))
    return "\n".join(lines)


def main(argv=()):
    first = first_seed(argv, 1000)
    base = [robustness._spec(first - 1000 + i) for i in range(robustness.N_RUNS)]
    todo = base + [dict(sp, accelcal=True) for sp in base]
    todo.sort(key=lambda sp: -sp["duration_s"])  # the long runs first: they set the wall time
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_one, todo, chunksize=1)
    print("## The six-face calibration (bench/accelcal.py)\n")
    print("Seeds %d-%d (bench/robustness.py's main set); calibrated: offset within +-%g mg, "
          "scale within +-%g %% per axis, cross-axis as drawn.\n"
          % (first, first + robustness.N_RUNS - 1, CAL_OFFSET_G * 1000, CAL_SCALE * 100))
    print(report(results))


if __name__ == "__main__":
    main(sys.argv[1:])
