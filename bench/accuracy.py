"""Accuracy over simulated runs: one row per run varying mount, cadence, rate and sensor grade.

Every run is a ~10 min scripted session (host_tools.simulate.scenario.bench) replayed through
the firmware pipeline on CPython (the MicroPython run of the same modules is checked equal in
tests/test_pipeline_upy.py), then scored against the simulator's truth.
"""
import multiprocessing

from firmware.core import config
from host_tools.evaluate import Truth, score
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate import scenario
from host_tools.simulate.simulator import simulate

# mount, cadence (spm), rate (Hz), sensor grade, seed, with an overlean episode
RUNS = (
    ("chest", 170, 100, "typical", 1, False),
    ("back", 150, 50, "typical", 2, False),
    ("sideways", 190, 200, "good", 3, False),
    ("upside-down", 160, 100, "poor", 4, False),
    ("yaw45", 180, 50, "good", 5, False),
    ("random", 165, 200, "typical", 6, False),
    ("random", 185, 100, "poor", 7, True),
    ("chest", 155, 200, "good", 8, True),
    ("back", 175, 100, "poor", 9, False),
    ("random", 150, 50, "typical", 10, True),
)


def run_one(spec):
    mount, cadence, rate, quality, seed, overlean = spec
    segs = scenario.bench(seed, n_faults=3, overlean=overlean)
    imu, truth, meta = simulate(segs, mount=mount, rate_hz=rate, cadence_spm=cadence,
                                quality=quality, seed=seed)
    rec = ImuRecording(0.0, float(rate), imu[:, 1:].ravel().tolist())
    sink = run_pipeline(rec, config.defaults())
    s = score(sink.rows, sink.buzzes(), Truth(truth))
    s["spec"] = spec
    s["duration_s"] = meta["duration_s"]
    return s


def table(results):
    lines = [
        "| # | mount | cadence | rate | sensor | lean RMSE | bias | max err | faults caught "
        "| latency max | false buzzes | buzzes not running |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, s in enumerate(results, 1):
        mount, cadence, rate, quality, seed, overlean = s["spec"]
        row = "| %d | %s | %d | %d Hz | %s | %.2f deg | %+.2f | %.2f | %d/%d | %.1f s | %d | %d |"
        lines.append(row % (
            i, mount, cadence, rate, quality, s["lean_rmse_deg"], s["lean_bias_deg"],
            s["lean_max_err_deg"], s["faults_caught"], s["faults"], s["latency_max_s"],
            s["false_buzzes"], s["buzzes_not_running"]))
    good_h = sum(s["good_running_h"] for s in results)
    false = sum(s["false_buzzes"] for s in results)
    caught = sum(s["faults_caught"] for s in results)
    faults = sum(s["faults"] for s in results)
    lines.append("")
    lines.append("Totals: %d runs, %.1f h of good running, "
                 "faults of >= 10 s caught within 5 s: %d/%d, "
                 "false buzzes: %d (%.2f per hour of good running), "
                 "buzzes while still or walking: %d, "
                 "worst lean RMSE: %.2f deg." % (
                     len(results), good_h, caught, faults, false, false / good_h,
                     sum(s["buzzes_not_running"] for s in results),
                     max(s["lean_rmse_deg"] for s in results)))
    missed = [(s["spec"][0], m) for s in results for m in s["missed"]]
    if missed:
        lines.append("Missed: " + "; ".join(
            "%s: %s at %.0f s (first right buzz after %s s)"
            % (mount, f, t0, "none" if lat is None else "%.1f" % lat)
            for mount, (f, t0, lat) in missed))
    return "\n".join(lines)


def main():
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_one, RUNS)
    print("## Coaching accuracy (bench/accuracy.py)\n")
    print(table(results))


if __name__ == "__main__":
    main()
