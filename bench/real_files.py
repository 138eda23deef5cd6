"""Real waist jogging recordings (SisFall, recorded by others) through the firmware pipeline:
what a correct product does on them (shared/real/README.md): where it can calibrate, a lean of
the sign of the file's tilt change (within a sanity band), the file's cadence within 5 %, no
arch buzz; where it cannot, one clear line saying so and no coaching. Files without a standing
start still exercise step counting and the running state.

Uses every file of ../shared/real when that folder exists, else the five copied into
tests/data/sisfall (provenance there). Run alone: `.venv/bin/python -m bench real_files`.
"""
import json
import math
from pathlib import Path

from firmware.core import config
from firmware.core.gait import RUNNING
from firmware.core.pipeline import Pipeline
from host_tools.commands.replay import BATCH, Recorder, load_imu_csv, refusal

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "sisfall"
SHARED = ROOT.parent / "shared" / "real"
CADENCE_TOL = 0.05
COUNT_FROM_S = 5.0   # the reference cadence is over 5-95 s
COUNT_TO_S = 95.0


def reference():
    with (DATA / "reference.json").open() as f:
        return json.load(f)


def files():
    """[(name, path)] of the recordings to use: the shared set if present, else the copies."""
    folder = SHARED if SHARED.is_dir() else DATA
    return [(p.name[:-len(".csv.gz")], p) for p in sorted(folder.glob("sisfall_*.csv.gz"))]


def band_ok(lean_deg, tilt_deg):
    """The sanity band around the accelerometer's own tilt change: same sign, and no further
    from it than 5 deg or half its size (it includes accelerometer error and corners)."""
    return (lean_deg > 0) == (tilt_deg > 0) and abs(lean_deg - tilt_deg) <= max(
        5.0, 0.5 * abs(tilt_deg))


def replay(path, cfg=None):
    """One file through the pipeline: its figures (dict)."""
    cfg = cfg or config.defaults()
    rec = load_imu_csv(path)
    sink = Recorder(rec.t0)
    pipe = Pipeline(cfg, rec.rate_hz, 1.0, 1.0, sink)
    sink.pipeline = pipe
    cadences = []
    every = max(1, int(rec.rate_hz) // BATCH)  # sample the cadence about once a second
    fed = 0
    for j, chunk in enumerate(rec.batches(BATCH)):
        pipe.feed(chunk, len(chunk) // 6)
        fed += len(chunk) // 6
        t_s = fed / rec.rate_hz
        if j % every == 0 and COUNT_FROM_S <= t_s <= COUNT_TO_S and pipe.state == RUNNING:
            cadences.append(pipe.cadence_spm())
    running = sorted(r[1] for r in sink.rows if r[4] == RUNNING and r[0] >= 10.0)
    buzzes = [b[1][5:] for b in sink.buzzes()]
    return {"refusal": refusal(rec, sink, cfg),
            "lean_deg": running[len(running) // 2] if running else float("nan"),
            "cadence_spm": sorted(cadences)[len(cadences) // 2] if cadences else 0.0,
            "running_share": len(cadences) * every * BATCH / rec.rate_hz / (
                min(COUNT_TO_S, rec.duration_s) - COUNT_FROM_S),
            "arch": buzzes.count("arch"), "buzzes": buzzes,
            "events": [e[1] for e in sink.events if e[1] not in ("state", "stand_tall")]}


def judge(name, fig, ref):
    """{check: bool} for one file against its reference."""
    r = ref[name]
    out = {"cadence": abs(fig["cadence_spm"] / r["cadence_spm"] - 1.0) <= CADENCE_TOL}
    if fig["refusal"] is None:
        tilt = r["tilt_change_deg"]
        out["lean"] = tilt is not None and band_ok(fig["lean_deg"], tilt)
        out["no arch"] = fig["arch"] == 0
    return out


# calib_still_s's minimum (the stand the gyro's bias needs): lets the shorter stands calibrate
SHORT_CALIB_S = config.SCHEMA["calib_still_s"][1]


def _table(rows, ref):
    print("| file | still | calibrated | lean (median, deg) | tilt change | cadence | reference "
          "| error | buzzes, corrections | checks |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, fig, ok in rows:
        r = ref[name]
        tilt = r["tilt_change_deg"]
        print("| %s | %.1f s | %s | %s | %s | %.0f | %.0f | %+.1f %% | %s | %s |" % (
            name, r["still_s"], "no (refused)" if fig["refusal"] else "yes",
            "-" if math.isnan(fig["lean_deg"]) else "%+.1f" % fig["lean_deg"],
            "-" if tilt is None else "%+.1f" % tilt, fig["cadence_spm"], r["cadence_spm"],
            100.0 * (fig["cadence_spm"] / r["cadence_spm"] - 1.0),
            ", ".join(fig["buzzes"] + [e for e in fig["events"] if e == "forward_corrected"])
            or "none",
            ", ".join("%s %s" % (k, "ok" if v else "FAIL") for k, v in ok.items())))
    fails = sum(1 for _, _, ok in rows for v in ok.values() if not v)
    print("\n%d files (%s), %d calibrated; failed checks: %d." % (
        len(rows), "shared set" if SHARED.is_dir() else "tests/data copies",
        sum(1 for _, fig, _ in rows if fig["refusal"] is None), fails))


def main():
    ref = reference()
    rows = []
    for name, path in files():
        fig = replay(path)
        rows.append((name, fig, judge(name, fig, ref)))
    print("## Real recordings: SisFall waist jogging (bench/real_files.py)\n")
    print("Default config (calib_still_s 2: a stand whose gyro is quiet too):\n")
    _table(rows, ref)
    short = []
    cfg = dict(config.defaults(), calib_still_s=SHORT_CALIB_S)
    for name, path in files():
        if ref[name]["still_s"] >= SHORT_CALIB_S:
            fig = replay(path, cfg)
            short.append((name, fig, judge(name, fig, ref)))
    print("\nWith calib_still_s %g (the setting's minimum), the files with >= %g s of standing "
          "(forward_corrected: corners and lean turned forward round):\n"
          % (SHORT_CALIB_S, SHORT_CALIB_S))
    _table(short, ref)


if __name__ == "__main__":
    main()
