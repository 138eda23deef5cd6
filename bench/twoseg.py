"""Chest + pelvis (issue 17): two-sensor runs of the two-segment simulator
(host_tools/simulate/twoseg.py; field physics, both mounts random, each sensor its own grade)
replayed through the firmware pipeline with a pelvis, scored against the truth
(host_tools/evaluate_twoseg.py), next to what the chest clip alone makes of the same runs.
Goals (issue 17, "Must show"): thorax lean, pelvis tilt and lumbar angle each with worst-run
RMSE <= 1.5 deg; every hip-bend and lumbar-arch episode >= 12 s cued with its own pattern
within 10 s; <= 0.5 false buzzes per hour; an ankle lean never reported as a hip bend;
per-sample cost with two sensors <= 2.0x one Madgwick update on MicroPython.

Run alone: `nice -n 10 .venv/bin/python -m bench twoseg` (2 worker processes).
"""
import inspect
import multiprocessing
import sys
from array import array

import numpy as np

from bench import first_seed
from firmware.core import config
from firmware.core.coaching import Coaching
from firmware.core.pipeline import Pipeline
from host_tools import evaluate_twoseg
from host_tools.commands.replay import BATCH, Recorder
from host_tools.simulate import twoseg

N_RUNS = 24
DURATION_S = 600.0
RATES_HZ = (50, 100, 200)
QUALITIES = ("good", "typical", "poor")
MIN_EPISODE_S = 12.0
CATCH_WITHIN_S = 10.0
GOALS = {"rmse_deg": 1.5, "false_per_h": 0.5, "cost_ratio": 2.0}
COST_RATES_HZ = (50, 100, 200)
COST_HEAP = "8M"  # both sensors' 80 s of int16 test data beside the firmware


def pelvis_supported():
    """Whether firmware.core.pipeline.Pipeline takes a pelvis (the interface of issue 17)."""
    return "pelvis" in inspect.signature(Pipeline.__init__).parameters


class TwoSegRecorder(Recorder):
    """The replay sink with the pelvis rows: (t_s, pelvis_deg, lumbar_deg, lumbar_toeoff_deg,
    state, win_s), the state and window of the lean row each follows."""

    def __init__(self, t0=0.0):
        super().__init__(t0)
        self.pelvis_rows = []
        self._state, self._win_s = 0, 0.0

    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        super().lean(t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms)
        self._state, self._win_s = state, win_ms / 1000.0

    def pelvis(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        self.pelvis_rows.append((self._t(t_ms), pelvis_deg, lumbar_deg, lumbar_toeoff_deg,
                                 self._state, self._win_s))


def replay(imu, rate_hz, pelvis):
    """Feed the simulated samples to the firmware pipeline and coaching in FIFO-sized batches,
    as the device app does; with `pelvis` the pelvis sensor's same samples go with each batch."""
    cfg = config.defaults()
    sink = TwoSegRecorder()
    coaching = Coaching(cfg, sink)
    if pelvis:
        pipe = Pipeline(cfg, rate_hz, 1.0, 1.0, sink, coaching, pelvis=True)
    else:
        pipe = Pipeline(cfg, rate_hz, 1.0, 1.0, sink, coaching)
    for i in range(0, len(imu), BATCH):
        block = imu[i:i + BATCH]
        chest = array("d", block[:, 1:7].ravel().tolist())
        if pelvis:
            pipe.feed(chest, len(block), array("d", block[:, 7:13].ravel().tolist()))
        else:
            pipe.feed(chest, len(block))
    return sink


def spec(i):
    """Run i: everything drawn from seed i; both mounts random (uniform rotations)."""
    rng = np.random.default_rng([i, 0x2526])
    return {"seed": 2000 + i, "cadence": int(rng.integers(150, 191)),
            "rate": int(rng.choice(RATES_HZ)), "chest_quality": str(rng.choice(QUALITIES)),
            "pelvis_quality": str(rng.choice(QUALITIES))}


def run_one(args):
    sp, with_pelvis = args
    imu, truth, meta = twoseg.simulate("field", rate_hz=sp["rate"], cadence_spm=sp["cadence"],
                                       seed=sp["seed"], chest_quality=sp["chest_quality"],
                                       pelvis_quality=sp["pelvis_quality"],
                                       duration_s=DURATION_S)
    out = {"spec": sp, "duration_s": meta["duration_s"]}
    for name, pelvis in (("one", False),) + ((("two", True),) if with_pelvis else ()):
        sink = replay(imu, sp["rate"], pelvis)
        out[name] = {"angles": evaluate_twoseg.angle_errors(sink.rows, sink.pelvis_rows, truth),
                     "cues": evaluate_twoseg.cues(sink.buzzes(), meta["episodes"], truth,
                                                  MIN_EPISODE_S, CATCH_WITHIN_S),
                     "pelvis_rows": len(sink.pelvis_rows)}
    return out


def _worst_median(results, mode, name):
    v = np.array([r[mode]["angles"][name][0] for r in results])
    if np.all(np.isnan(v)):
        return float("nan"), float("nan"), None
    worst = int(np.nanargmax(v))
    return float(v[worst]), float(np.nanmedian(v)), results[worst]["spec"]


def _cued(results, mode, kind):
    lats = [x for r in results for x in r[mode]["cues"]["latencies"][kind]]
    got = [x for x in lats if x is not None]
    return len(got), len(lats), (float(np.mean(got)) if got else float("nan")), (
        float(np.max(got)) if got else float("nan"))


def _describe(sp):
    return "seed %d, %d spm, %d Hz, chest %s, pelvis %s" % (
        sp["seed"], sp["cadence"], sp["rate"], sp["chest_quality"], sp["pelvis_quality"])


def summary(results, mode):
    """Markdown rows (angles, then cues) and the goal verdicts for replay `mode` ("one": the
    chest alone, "two": chest + pelvis)."""
    lines = ["| angle | worst-run RMSE (deg) | median | worst run |", "|---|---|---|---|"]
    worst = {}
    names = ("thorax",) + (("pelvis", "lumbar", "lumbar_toeoff") if mode == "two" else ())
    for name in names:
        w, med, sp = _worst_median(results, mode, name)
        worst[name] = w
        lines.append("| %s | %.2f | %.2f | %s |" % (name, w, med, _describe(sp) if sp else "-"))
    if mode == "two":
        lines.append("\nRMSE over running rows, each against the truth over the row's own window"
                     " (lumbar = thorax - pelvis); lumbar_toeoff against the truth's lumbar angle"
                     " within +-%.2f step of toe-off, not a goal (the pipeline's toe-off part is"
                     " its own)." % evaluate_twoseg.TOEOFF_HALF_STEPS)
    good_h = sum(r[mode]["cues"]["good_running_h"] for r in results)
    false = sum(len(r[mode]["cues"]["false"]) for r in results)
    lines += ["", "| episodes (>= %g s) | cued with own pattern <= %g s | latency mean / max "
              "| any buzz <= %g s |" % (MIN_EPISODE_S, CATCH_WITHIN_S, CATCH_WITHIN_S),
              "|---|---|---|---|"]
    cued = {}
    for kind in ("hip_bend", "lumbar_arch", "upright"):
        got, n, mean, mx = _cued(results, mode, kind)
        cued[kind] = (got, n)
        anyb = sum(r[mode]["cues"]["any_buzz"][kind] for r in results)
        lines.append("| %s | %d/%d | %.1f / %.1f s | %d/%d |" % (kind, got, n, mean, mx, anyb, n))
    ankle = sum(r[mode]["cues"]["ankle_as_hipbend"] for r in results)
    n_ankle = sum(r[mode]["cues"]["long_episodes"]["ankle_lean"] for r in results)
    anyb = sum(r[mode]["cues"]["any_buzz"]["ankle_lean"] for r in results)
    lines.append("| ankle_lean (no cue due) | - | - | %d/%d |" % (anyb, n_ankle))
    not_running = sum(r[mode]["cues"]["buzzes_not_running"] for r in results)
    lines += ["", "False buzzes: %d in %.1f h of good running (%.2f/h); ankle leans reported as "
              "a hip bend: %d; buzzes standing or walking: %d." % (
                  false, good_h, false / good_h if good_h else 0.0, ankle, not_running)]
    ok = {}
    if mode == "two":
        for name in ("thorax", "pelvis", "lumbar"):
            ok["%s worst RMSE <= %.1f deg" % (name, GOALS["rmse_deg"])] = \
                worst[name] <= GOALS["rmse_deg"]
        for kind in ("hip_bend", "lumbar_arch"):
            ok["every %s cued within %g s" % (kind, CATCH_WITHIN_S)] = \
                cued[kind][0] == cued[kind][1]
        ok["false buzzes <= %.1f/h" % GOALS["false_per_h"]] = \
            (false / good_h if good_h else 0.0) <= GOALS["false_per_h"]
        ok["no ankle lean reported as a hip bend"] = ankle == 0
    missed = ["%s: %s at %.0f s (%s)" % (_describe(r["spec"]), k, t0,
                                         "no own cue" if lat is None else "after %.1f s" % lat)
              for r in results for k, t0, lat in r[mode]["cues"]["missed"]]
    falses = ["seed %d: %s at %.0f s" % (r["spec"]["seed"], b[1], b[0])
              for r in results for b in r[mode]["cues"]["false"]]
    if falses:
        lines.append("False buzzes: " + "; ".join(falses[:12])
                     + (" and %d more" % (len(falses) - 12) if len(falses) > 12 else "") + ".")
    return lines, ok, missed


def per_run(results):
    lines = ["| seed | cadence | rate | chest | pelvis | thorax | pelvis | lumbar | hip bends "
             "| arches | false | ankle as hip bend |", "|---" * 12 + "|"]
    for r in results:
        sp, two = r["spec"], r["two"]
        lat = two["cues"]["latencies"]
        lines.append(("| %d | %d | %d | %s | %s | %.2f | %.2f | %.2f | %d/%d | %d/%d | %d "
                      "| %d |") % (
            sp["seed"], sp["cadence"], sp["rate"], sp["chest_quality"], sp["pelvis_quality"],
            two["angles"]["thorax"][0], two["angles"]["pelvis"][0], two["angles"]["lumbar"][0],
            sum(x is not None for x in lat["hip_bend"]), len(lat["hip_bend"]),
            sum(x is not None for x in lat["lumbar_arch"]), len(lat["lumbar_arch"]),
            len(two["cues"]["false"]), two["cues"]["ankle_as_hipbend"]))
    return "\n".join(lines)


def cost_table():
    """Two-sensor pipeline vs one Madgwick update per sample on MicroPython (bench/cost.py):
    the lines, and the worst ratio the goal is judged on: instructions executed where valgrind
    counts them (repeatable), else the timed ratio (+-15 % on a shared machine)."""
    from bench import cost
    lines = ["| heap | rate | samples | pipeline, 2 sensors us/sample | Madgwick us/sample "
             "| ratio | instructions ratio | pipeline bytes/sample |",
             "|---|---|---|---|---|---|---|---|"]
    worst_timed = worst_counted = 0.0
    for rate in COST_RATES_HZ:
        r = cost.measure(rate, COST_HEAP, pelvis=True)
        ratio = r["pipeline_us"] / r["madgwick_us"]
        counted = cost.instruction_ratio(rate, pelvis=True)
        worst_timed = max(worst_timed, ratio)
        worst_counted = None if counted is None else max(worst_counted, counted)
        lines.append("| %s | %d Hz | %d | %.2f | %.2f | %.2f | %s | %.0f |" % (
            COST_HEAP, rate, r["samples"], r["pipeline_us"], r["madgwick_us"], ratio,
            "-" if counted is None else "%.2f" % counted, r["pipeline_bytes"]))
    return lines, worst_timed if worst_counted is None else worst_counted


def main(argv=()):
    """argv: optionally the first seed of a held-out set of N_RUNS runs (bench.first_seed)."""
    first = first_seed(argv, 2000)
    print("## Chest + pelvis: two-sensor runs (bench/twoseg.py)\n")
    two = pelvis_supported()
    if not two:
        print("The pipeline has no pelvis yet (firmware/core/pipeline.py: Pipeline(..., "
              "pelvis=True) missing): two-sensor figures not measured; the chest alone on the "
              "same runs follows.\n")
    todo = [(spec(first - 2000 + i), two) for i in range(N_RUNS)]
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_one, todo, chunksize=1)
    print("%d runs of %.0f min (field physics, both mounts random, sensor grades drawn per "
          "sensor, rates %s Hz, cadence 150-190 spm).\n" % (
              len(results), DURATION_S / 60, "/".join(map(str, RATES_HZ))))
    verdicts = {}
    for mode, title in (("two", "Chest + pelvis"), ("one", "The chest clip alone, same runs")):
        if mode == "two" and not two:
            continue
        lines, ok, missed = summary(results, mode)
        verdicts.update(ok)
        print("### %s\n" % title)
        print("\n".join(lines))
        if missed and mode == "two":
            print("\nMissed: " + "; ".join(missed[:12])
                  + (" and %d more" % (len(missed) - 12) if len(missed) > 12 else ""))
        print()
    if two:
        print("### Every run (chest + pelvis; RMSE in deg)\n")
        print(per_run(results))
        print("\n### Per-sample cost on MicroPython, two sensors (bench/cost.py)\n")
        lines, worst = cost_table()
        print("\n".join(lines))
        verdicts["two-sensor cost <= %.1fx Madgwick" % GOALS["cost_ratio"]] = \
            worst <= GOALS["cost_ratio"]
        print("\nGoals: " + "; ".join("%s: %s" % (k, "met" if v else "NOT met")
                                      for k, v in verdicts.items()) + ".")


if __name__ == "__main__":
    main(sys.argv[1:])
