"""Lining a session up with the watch's file (host_tools/align.py): how close, and how far a
wrong file stays below the acceptance threshold. Simulated pairs from tests/watchsim.py: the
watch started 0-3 min before the clip, the clip's clock off by up to +-30 min or never set
(every third), 5 min runs with stops. `python -m bench watch_align`."""
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import watchsim  # noqa: E402

from host_tools import activity, align, logread  # noqa: E402
from host_tools.errors import UserError  # noqa: E402

PAIRS = 30


def main():
    rng = np.random.default_rng(7)
    errs = {"cadence": [], "speed": []}
    r = {"cadence": [], "speed": []}
    refused = {"cadence": 0, "speed": 0}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        runs = []
        for seed in range(100, 100 + PAIRS):
            lead, off = float(rng.uniform(0, 180)), float(rng.uniform(-1800, 1800))
            run = watchsim.make_run(d, seed, lead, None if seed % 3 == 0 else off)
            run.fit = watchsim.write_fit(d / ("%d.fit" % seed), run)
            run.gpx = watchsim.write_gpx(d / ("%d.gpx" % seed), run, hr=False)
            s = logread.load(run.session)
            clock = s.header["start_epoch_s"] or None
            for path, kind in ((run.fit, "cadence"), (run.gpx, "speed")):
                try:
                    found = align.align(s, activity.load(path), clock)
                except UserError:
                    refused[kind] += 1
                    continue
                if found.method == "clock":
                    refused[kind] += 1
                    continue
                errs[kind].append(found.epoch0_s - run.epoch0_s)
                r[kind].append(found.score)
            runs.append(run)
        wrong = {"cadence": [], "speed": []}
        acts = [(activity.load(r.fit), activity.load(r.gpx)) for r in runs]
        for i, a in enumerate(runs):  # every session against every other run's files
            s = logread.load(a.session)
            x = align.clip_step_rate(s)
            for j, (fit, gpx) in enumerate(acts):
                if i == j:
                    continue
                for act, kind, ch, moving_from in ((fit, "cadence", "cadence_spm", 0.0),
                                                   (gpx, "speed", "speed_mps", align.MOVING_MPS)):
                    y = act.ch[ch]
                    with np.errstate(invalid="ignore"):
                        _, sc, _, _ = align.correlate(x, y, y > moving_from)
                    wrong[kind].append(float(np.max(sc)))
    print("## Session and watch file alignment (%d simulated pairs)\n" % PAIRS)
    print("| matched on | aligned | refused | error median | error worst | score lowest |")
    print("|---|---|---|---|---|---|")
    for k in ("cadence", "speed"):
        e = np.array(errs[k])
        print("| %s | %d | %d | %+.2f s | %.2f s | %.2f |" % (
            k, len(e), refused[k], np.median(e), np.max(np.abs(e)), min(r[k])))
    for k in ("cadence", "speed"):
        w = np.array(wrong[k])
        print("\nwrong file on %s (each session against the %d other runs' files): best score "
              "median %.2f, highest %.2f; accepted from %.2f: %d of %d wrongly accepted"
              % (k, PAIRS - 1, np.median(w), w.max(), align.MIN_SCORE[k],
                 np.sum(w >= align.MIN_SCORE[k]), len(w)))
