"""Score a replay against the simulator's truth: the figures `make bench` and the tests report.

Lean is compared window for window: each lean row says which window it averages
([t - win_s, t]), and the truth is averaged over exactly that window of the instantaneous trunk
lean, so the score measures the estimator, not a choice of smoothing.
"""
import csv
from pathlib import Path

import numpy as np

from .errors import UserError

GRACE_S = 2.0  # a buzz this soon after an episode ends still belongs to it (the lean lags)


class Truth:
    """The simulator's truth: from its dict of arrays, or `Truth.load(truth.csv)`."""

    def __init__(self, truth):
        self.t = np.asarray(truth["t"], dtype=float)
        self.lean_inst = np.asarray(truth["lean_inst_deg"], dtype=float)
        self.lean = np.asarray(truth["lean_deg"], dtype=float)
        self.state = np.asarray(truth["state"]).astype(str)
        self.fault = np.asarray(truth["fault"]).astype(str)
        self.dt = float(np.median(np.diff(self.t)))
        self._cum = np.concatenate(([0.0], np.cumsum(self.lean_inst)))

    @classmethod
    def load(cls, path):
        path = Path(path)
        try:
            with path.open(newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise UserError("cannot read %s: %s" % (path, e.strerror or e)) from None
        if not rows or "lean_inst_deg" not in rows[0]:
            raise UserError("%s is not a simulator truth.csv" % path)
        columns = ("t", "lean_inst_deg", "lean_deg", "state", "fault")
        return cls({k: [r[k] for r in rows] for k in columns})

    def window_mean(self, t0, t1):
        """Mean instantaneous lean over [t0, t1] (arrays)."""
        i0 = np.clip(np.searchsorted(self.t, t0, side="right"), 0, len(self.t) - 1)
        i1 = np.clip(np.searchsorted(self.t, t1, side="right"), 1, len(self.t))
        i1 = np.maximum(i1, i0 + 1)
        return (self._cum[i1] - self._cum[i0]) / (i1 - i0)

    def state_at(self, t):
        i = np.clip(np.searchsorted(self.t, t), 0, len(self.t) - 1)
        return self.state[i]

    def episodes(self):
        """[(fault, start_s, end_s)] for each labelled run of one fault."""
        out = []
        f = self.fault
        change = np.flatnonzero(f[1:] != f[:-1]) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [len(f)]))
        for a, b in zip(starts, ends, strict=False):
            if f[a] != "none":
                out.append((str(f[a]), float(self.t[a]), float(self.t[b - 1])))
        return out

    def seconds(self, mask):
        return float(np.count_nonzero(mask)) * self.dt


def score(rows, buzzes, truth, min_episode_s=10.0, catch_within_s=5.0):
    """rows: [(t, lean_deg, roll, cadence, state_code, win_s)], buzzes: [(t, 'buzz_x', v)].
    Returns a dict of figures."""
    out = {}
    running_rows = [r for r in rows if r[4] == 2]
    if running_rows:
        t = np.array([r[0] for r in running_rows])
        win = np.array([r[5] for r in running_rows])
        est = np.array([r[1] for r in running_rows])
        ref = truth.window_mean(t - win, t)
        keep = truth.state_at(t) == "running"
        err = (est - ref)[keep]
        out["lean_rmse_deg"] = float(np.sqrt(np.mean(err ** 2))) if err.size else float("nan")
        out["lean_bias_deg"] = float(np.mean(err)) if err.size else float("nan")
        out["lean_max_err_deg"] = float(np.max(np.abs(err))) if err.size else float("nan")
        out["lean_rows"] = int(err.size)
    else:
        out["lean_rmse_deg"] = out["lean_bias_deg"] = out["lean_max_err_deg"] = float("nan")
        out["lean_rows"] = 0
    episodes = truth.episodes()
    caught, latencies, missed = 0, [], []
    matched = set()
    for fault, t0, t1 in episodes:
        right = [b for b in buzzes if b[1] == "buzz_" + fault and t0 <= b[0] <= t1 + GRACE_S]
        matched.update(id(b) for b in right)
        if t1 - t0 < min_episode_s:
            continue
        if right and right[0][0] - t0 <= catch_within_s:
            caught += 1
            latencies.append(right[0][0] - t0)
        else:
            missed.append((fault, t0, (right[0][0] - t0) if right else None))
    long_eps = [e for e in episodes if e[2] - e[1] >= min_episode_s]
    out["faults"] = len(long_eps)
    out["faults_caught"] = caught
    out["missed"] = missed
    out["latency_mean_s"] = float(np.mean(latencies)) if latencies else float("nan")
    out["latency_max_s"] = float(np.max(latencies)) if latencies else float("nan")
    false = [b for b in buzzes if id(b) not in matched]
    out["false_buzzes"] = len(false)
    good = (truth.state == "running") & (truth.fault == "none")
    out["good_running_h"] = truth.seconds(good) / 3600
    states = truth.state_at(np.array([b[0] for b in buzzes])) if buzzes else np.array([])
    out["buzzes_not_running"] = int(np.count_nonzero(states != "running"))
    return out
