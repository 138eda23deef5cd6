"""Robustness over field physics (host_tools/simulate/field.py): runs drawn from the ranges in
host_tools/simulate/README.md ("Field physics") through the firmware pipeline on CPython, scored
against the simulator's truth. Reports every run, the worst run and the median, and what each
mechanism does alone (on a typical-grade sensor, with the others off), against the goals of
issue 12: worst lean RMSE <= 1.0 deg; every fault of >= 12 s cued with its own pattern within
10 s, mean latency <= 4.5 s; <= 0.5 false buzzes per hour of good running; no buzz standing or
walking.

Run alone: `nice -n 10 .venv/bin/python -m bench robustness` (2 worker processes).
"""
import multiprocessing
import sys

import numpy as np

from bench import first_seed
from firmware.core import config
from host_tools.evaluate import Truth, score
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate import field, scenario
from host_tools.simulate.simulator import simulate

N_RUNS = 40
LONG_S = 2400.0  # one run this long (the 40-min goal), the others 10 min
MIN_EPISODE_S = 12.0
CATCH_WITHIN_S = 10.0
GOALS = {"rmse_deg": 1.0, "latency_mean_s": 4.5, "false_per_h": 0.5}
CHEST_MOUNTS = ("chest", "back", "sideways", "upside-down", "yaw45", "random")
WAIST_MOUNTS = ("belt", "back", "random")
RATES_HZ = (50, 100, 200)
QUALITIES = ("good", "typical", "poor")
MECH_SEEDS = (101, 102, 103, 104)


def _spec(i):
    """Run i of the main set: everything drawn from seed i."""
    rng = np.random.default_rng([i, 0xB0B])
    site = field.SITES[i % 2]
    mounts = CHEST_MOUNTS if site == "chest" else WAIST_MOUNTS
    return {"seed": 1000 + i, "site": site, "mount": str(rng.choice(mounts)),
            "cadence": int(rng.integers(150, 191)), "rate": int(rng.choice(RATES_HZ)),
            "quality": str(rng.choice(QUALITIES)), "mechanisms": field.MECHANISMS,
            "duration_s": LONG_S if i == 0 else 600.0}


def specs():
    main = [_spec(i) for i in range(N_RUNS)]
    alone = []
    for mech in ("none",) + field.MECHANISMS:
        for j, seed in enumerate(MECH_SEEDS):
            site = field.SITES[j % 2]
            alone.append({"seed": seed, "site": site, "mount": "chest" if site == "chest"
                          else "belt", "cadence": 170, "rate": 100, "quality": "typical",
                          "mechanisms": () if mech == "none" else (mech,), "duration_s": 600.0,
                          "alone": mech})
    return main + alone


def run_one(spec):
    mech = spec["mechanisms"]
    body = field.draw(spec["seed"], spec["site"], spec["quality"], mech)
    segs = scenario.field(spec["seed"], spec["duration_s"], city="city" in mech,
                          setoff_turn="setoff_turn" in mech)
    imu, truth, meta = simulate(segs, mount=spec["mount"], rate_hz=spec["rate"],
                                cadence_spm=spec["cadence"], quality=spec["quality"],
                                seed=spec["seed"], field=body)
    rec = ImuRecording(0.0, float(spec["rate"]), imu[:, 1:].ravel().tolist())
    sink = run_pipeline(rec, config.defaults())
    s = score(sink.rows, sink.buzzes(), Truth(truth), min_episode_s=MIN_EPISODE_S,
              catch_within_s=CATCH_WITHIN_S)
    s["latencies"] = _latencies(sink.buzzes(), Truth(truth))
    s["spec"] = spec
    s["duration_s"] = meta["duration_s"]
    return s


def _latencies(buzzes, truth):
    """Latency of the first right buzz of every fault episode >= MIN_EPISODE_S (None: none)."""
    out = []
    for fault, t0, t1 in truth.episodes():
        if t1 - t0 >= MIN_EPISODE_S:
            right = [b[0] - t0 for b in buzzes if b[1] == "buzz_" + fault and t0 <= b[0] <= t1]
            out.append(right[0] if right else None)
    return out


def summarise(results):
    """Figures over a set of runs: worst and median RMSE, faults caught, latency, false buzzes."""
    rmse = np.array([s["lean_rmse_deg"] for s in results])
    lats = [x for s in results for x in s["latencies"]]
    got = [x for x in lats if x is not None and x <= CATCH_WITHIN_S]
    good_h = sum(s["good_running_h"] for s in results)
    false = sum(s["false_buzzes"] for s in results)
    worst = int(np.nanargmax(rmse))
    return {"runs": len(results), "rmse_worst": float(rmse[worst]),
            "rmse_median": float(np.nanmedian(rmse)), "worst": results[worst]["spec"],
            "bias_range": (min(s["lean_bias_deg"] for s in results),
                           max(s["lean_bias_deg"] for s in results)),
            "faults": len(lats), "caught": len(got),
            "latency_mean": float(np.mean(got)) if got else float("nan"),
            "latency_max": float(np.max(got)) if got else float("nan"),
            "good_h": good_h, "false": false, "false_per_h": false / good_h if good_h else 0.0,
            "not_running": sum(s["buzzes_not_running"] for s in results)}


def _row(name, m):
    return ("| %s | %d | %.2f | %.2f | %+.2f..%+.2f | %d/%d | %.1f / %.1f s | %d (%.2f/h) "
            "| %d |") % (
        name, m["runs"], m["rmse_worst"], m["rmse_median"], m["bias_range"][0],
        m["bias_range"][1], m["caught"], m["faults"], m["latency_mean"], m["latency_max"],
        m["false"], m["false_per_h"], m["not_running"])


def _describe(spec):
    return "seed %d, %s %s, %d spm, %d Hz, %s, %.0f min" % (
        spec["seed"], spec["site"], spec["mount"], spec["cadence"], spec["rate"], spec["quality"],
        spec["duration_s"] / 60)


def report(results):
    main = [s for s in results if "alone" not in s["spec"]]
    lines = ["| runs | n | worst lean RMSE (deg) | median | bias range | faults cued <= 10 s "
             "| latency mean / max | false buzzes | buzzes standing/walking |",
             "|---|---|---|---|---|---|---|---|---|"]
    m = summarise(main)
    lines.append(_row("all mechanisms", m))
    for site in field.SITES:
        lines.append(_row("... %s" % site, summarise([s for s in main
                                                      if s["spec"]["site"] == site])))
    for mech in ("none",) + field.MECHANISMS:
        sub = [s for s in results if s["spec"].get("alone") == mech]
        if not sub:  # (a held-out set has none)
            continue
        name = "%s alone" % mech if mech != "none" else "no field physics"
        lines.append(_row(name, summarise(sub)))
    lines.append("")
    lines.append("Worst run: %s." % _describe(m["worst"]))
    ok = {"worst RMSE <= %.1f deg" % GOALS["rmse_deg"]: m["rmse_worst"] <= GOALS["rmse_deg"],
          "all faults cued within %g s" % CATCH_WITHIN_S: m["caught"] == m["faults"],
          "mean latency <= %.1f s" % GOALS["latency_mean_s"]:
              m["latency_mean"] <= GOALS["latency_mean_s"],
          "false buzzes <= %.1f/h" % GOALS["false_per_h"]:
              m["false_per_h"] <= GOALS["false_per_h"],
          "no buzz standing or walking": m["not_running"] == 0}
    lines.append("Goals (main set): " + "; ".join("%s: %s" % (k, "met" if v else "NOT met")
                                                   for k, v in ok.items()) + ".")
    missed = ["%s: %s at %.0f s (%s)" % (_describe(s["spec"]), f, t0,
                                         "no right buzz" if lat is None else "after %.1f s" % lat)
              for s in main for f, t0, lat in s["missed"]]
    if missed:
        lines.append("Missed (main set): " + "; ".join(missed[:12])
                     + (" and %d more" % (len(missed) - 12) if len(missed) > 12 else ""))
    return "\n".join(lines)


def per_run(results):
    lines = ["| seed | site | mount | cadence | rate | sensor | min | lean RMSE | bias "
             "| faults | false | not running |", "|---" * 12 + "|"]
    for s in results:
        if "alone" in s["spec"]:
            continue
        sp = s["spec"]
        lines.append("| %d | %s | %s | %d | %d | %s | %.0f | %.2f | %+.2f | %d/%d | %d | %d |" % (
            sp["seed"], sp["site"], sp["mount"], sp["cadence"], sp["rate"], sp["quality"],
            s["duration_s"] / 60, s["lean_rmse_deg"], s["lean_bias_deg"], s["faults_caught"],
            s["faults"], s["false_buzzes"], s["buzzes_not_running"]))
    return "\n".join(lines)


def main(argv=()):
    """argv: optionally the first seed of a held-out set of N_RUNS ten-minute runs
    (bench.first_seed); the single-mechanism runs are then left out."""
    first = first_seed(argv, 1000)
    todo = specs() if first == 1000 else [_spec(first - 1000 + i) for i in range(N_RUNS)]
    todo.sort(key=lambda sp: -sp["duration_s"])  # the long run first: it sets the wall time
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_one, todo, chunksize=1)
    results.sort(key=lambda s: ("alone" in s["spec"], s["spec"]["seed"]))
    print("## Robustness over field physics (bench/robustness.py)\n")
    print(report(results))
    print("\nEvery run of the main set:\n")
    print(per_run(results))


if __name__ == "__main__":
    main(sys.argv[1:])
