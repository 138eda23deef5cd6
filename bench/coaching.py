"""The teaching cues over simulated runs (docs/coaching.md): how soon a corrected fault earns
its "good" cue, how many cues an hour each feedback stage gives, that no over-lean alert comes
while the runner accelerates off a stop, and when fatigue drift is noticed.

All through the firmware pipeline on CPython (tests/test_coaching.py checks MicroPython gives
the same events), with default config unless a row says otherwise.
"""
import multiprocessing

import numpy as np

from bench.accuracy import RUNS as ACCURACY_RUNS
from firmware.core import config
from firmware.core.schedule import STAGE_NAMES
from host_tools.evaluate import GRACE_S, Truth
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate import barometer, scenario
from host_tools.simulate.simulator import simulate

CUES = ("buzz_upright", "buzz_arch", "buzz_overlean", "cue_good", "cue_summary", "drift")
# mount, rate (Hz), sensor grade, seed
STOPSTART_RUNS = (("chest", 100, "typical", 1), ("random", 50, "poor", 2),
                  ("back", 200, "good", 3), ("upside-down", 100, "poor", 4),
                  ("random", 100, "typical", 5), ("yaw45", 50, "typical", 6))
FATIGUE_RUNS = (("chest", 100, "typical", 1), ("random", 50, "poor", 2),
                ("sideways", 200, "good", 3))
LEARNER_SEEDS = (1, 2, 3, 4)
HILL_RUNS = (("chest", 100, "typical", 1), ("random", 50, "poor", 2), ("back", 200, "good", 3),
             ("yaw45", 100, "typical", 4))


def _replay(segs, mount, rate, quality, seed, cadence=None, **over):
    imu, truth, _ = simulate(segs, mount=mount, rate_hz=rate, quality=quality, seed=seed,
                             cadence_spm=cadence or scenario.RUN_CADENCE_SPM)
    cfg, errors = config.validate(over)
    assert not errors, errors
    sink = run_pipeline(ImuRecording(0.0, float(rate), imu[:, 1:].ravel().tolist()), cfg)
    return sink, Truth(truth)


def correction(spec):
    """[(alerted, latency_s or None)] per fault episode of an accuracy run."""
    mount, cadence, rate, quality, seed, overlean = spec
    sink, truth = _replay(scenario.bench(seed, n_faults=3, overlean=overlean), mount, rate,
                          quality, seed, cadence)
    eps = truth.episodes()
    out = []
    for i, (fault, t0, t1) in enumerate(eps):
        alerted = any(e[1] == "buzz_" + fault and t0 <= e[0] <= t1 + GRACE_S for e in sink.events)
        nxt = eps[i + 1][1] if i + 1 < len(eps) else float("inf")
        good = [e[0] for e in sink.events if e[1] == "cue_good" and t1 <= e[0] < nxt]
        out.append((alerted, good[0] - t1 if good else None))
    accel = sum(1 for e in sink.events if e[1] == "accel")
    drift = sum(1 for e in sink.events if e[1] == "drift")
    return out, accel, drift


def stages(seed):
    """Cues per stage for one learner session: {stage: (running_s, {cue: count})}."""
    segs = scenario.learner(seed, 120.0, duration_s=600.0)
    out = {}
    for stage in range(len(STAGE_NAMES)):
        sink, truth = _replay(segs, "chest", 100, "typical", seed, coach_stage=stage)
        counts = {c: sum(1 for e in sink.events if e[1] == c) for c in CUES}
        out[stage] = (truth.seconds(truth.state == "running"), counts)
    return out


def stopstart(spec):
    mount, rate, quality, seed = spec
    segs = scenario.stopstart(3)
    sink, truth = _replay(segs, mount, rate, quality, seed)
    blind, _ = _replay(segs, mount, rate, quality, seed, accel_min_g=0.5)
    # the sprints start when each stop ends: 75 s + k * 59 s + 10 s
    sprints = [85.0 + 59.0 * k for k in range(3)]
    found = [next((e[0] - t for e in sink.events if e[1] == "accel" and t <= e[0] <= t + 6), None)
             for t in sprints]
    return {"over": sum(1 for e in sink.events if e[1] == "buzz_overlean"),
            "over_blind": sum(1 for e in blind.events if e[1] == "buzz_overlean"),
            "found": found, "other_buzzes": len(sink.buzzes()) - sum(
                1 for e in sink.events if e[1] == "buzz_overlean")}


def fatigue(spec):
    mount, rate, quality, seed = spec
    sink, _ = _replay(scenario.fatigue(), mount, rate, quality, seed)
    drift = [e for e in sink.events if e[1] == "drift"]
    sag_start = 15.0 + 360.0
    return [(e[0] - sag_start, e[2]) for e in drift], len(sink.buzzes())


def hill(spec):
    """Over-lean alerts on scenario.hill (3 min up 8 % at 22 deg) without and with the
    barometer; the seconds the band was shifted."""
    mount, rate, quality, seed = spec
    imu, truth, _ = simulate(scenario.hill(), mount=mount, rate_hz=rate, quality=quality,
                             seed=seed)
    rec = ImuRecording(0.0, float(rate), imu[:, 1:].ravel().tolist())
    cfg = config.defaults()
    plain = run_pipeline(rec, cfg)
    baro = run_pipeline(rec, cfg, baro=[tuple(r) for r in barometer.readings(truth, seed)])
    over = [sum(1 for e in sink.events if e[1] == "buzz_overlean") for sink in (plain, baro)]
    return over[0], over[1], float(baro.climb_s)


def main():
    with multiprocessing.Pool(2) as pool:
        corr = pool.map(correction, ACCURACY_RUNS)
        per_stage = pool.map(stages, LEARNER_SEEDS)
        sprint = pool.map(stopstart, STOPSTART_RUNS)
        fat = pool.map(fatigue, FATIGUE_RUNS)
        hills = pool.map(hill, HILL_RUNS)
    print("## Teaching cues (bench/coaching.py)\n")

    eps = [ep for run, _, _ in corr for ep in run]
    cued = [lat for alerted, lat in eps if alerted]
    lat = np.array([x for x in cued if x is not None])
    print("Correction cue over the %d accuracy runs: %d fault episodes, %d alerted, %d of those "
          "earned a 'good' cue; latency from the episode's end (lean back in the band, 1 s ramp) "
          "median %.1f s, max %.1f s (correct_s = 2 s). Uncued episodes earning one: %d."
          % (len(corr), len(eps), len(cued), len(lat), np.median(lat), lat.max(),
             sum(1 for alerted, x in eps if not alerted and x is not None)))
    print("Accel phases found in those runs: %d (set-offs and surges); drift events: %d.\n"
          % (sum(a for _, a, _ in corr), sum(d for _, _, d in corr)))

    print("Cues per hour of running in each feedback stage (%d learner sessions of 10 min, "
          "~2 min at fault each, summary every 5 min):\n" % len(LEARNER_SEEDS))
    print("| stage | alerts/h | correction cues/h | summary cues/h | all cues/h |")
    print("|---|---|---|---|---|")
    for stage, name in enumerate(STAGE_NAMES):
        run_h = sum(r[stage][0] for r in per_stage) / 3600.0
        tot = {c: sum(r[stage][1][c] for r in per_stage) for c in CUES}
        alerts = tot["buzz_upright"] + tot["buzz_arch"] + tot["buzz_overlean"]
        print("| %s | %.0f | %.0f | %.0f | %.0f |" % (
            name, alerts / run_h, tot["cue_good"] / run_h, tot["cue_summary"] / run_h,
            sum(tot.values()) / run_h))

    print("\nStop-start drill (3 sprints off a stop leaning 22 deg through 9 s of "
          "acceleration):\n")
    print("| mount | rate | sensor | over-lean alerts | without the context hold "
          "| accel found after (s) | other alerts |")
    print("|---|---|---|---|---|---|---|")
    for (mount, rate, quality, _), r in zip(STOPSTART_RUNS, sprint, strict=False):
        print("| %s | %d Hz | %s | %d | %d | %s | %d |" % (
            mount, rate, quality, r["over"], r["over_blind"],
            ", ".join("-" if f is None else "%.1f" % f for f in r["found"]), r["other_buzzes"]))

    print("\nFatigue drift (6 min fresh at 9 deg, then a 4 deg sag in 0.5 deg steps every 45 s; "
          "drift_deg 3):\n")
    print("| mount | rate | sensor | drift noticed (s after the sag began) | drift (deg) "
          "| alerts |")
    print("|---|---|---|---|---|---|")
    for (mount, rate, quality, _), (drifts, buzzes) in zip(FATIGUE_RUNS, fat, strict=False):
        print("| %s | %d Hz | %s | %s | %s | %d |" % (
            mount, rate, quality, ", ".join("%.0f" % d[0] for d in drifts) or "none",
            ", ".join("%+.1f" % d[1] for d in drifts) or "-", buzzes))

    print("\nHill (3 min up an 8 % grade at 3 m/s leaning 22 deg, past the 20 deg over-lean band; "
          "barometer at 25 Hz with 1 Pa noise; climb_shift_deg 5):\n")
    print("| mount | rate | sensor | over-lean alerts without the barometer | with it "
          "| band shifted (s; the climb lasts 180 s) |")
    print("|---|---|---|---|---|---|")
    for (mount, rate, quality, _), (plain, shifted, climb_s) in zip(HILL_RUNS, hills,
                                                                     strict=True):
        print("| %s | %d Hz | %s | %d | %d | %.0f |" % (mount, rate, quality, plain, shifted,
                                                         climb_s))


if __name__ == "__main__":
    main()
