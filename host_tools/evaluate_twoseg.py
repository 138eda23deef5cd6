"""Score a two-sensor replay (chest + pelvis, issue 17) against the two-segment simulator's truth
(host_tools/simulate/twoseg.py): the figures bench/twoseg.py reports.

Angles are compared window for window, as evaluate.py does for the chest: a pelvis row comes
right after its lean row (the contract, /work/notes/PELVIS.md) and averages the same window, so
thorax lean, pelvis tilt and lumbar angle are each scored against the truth averaged over
exactly that window. Episodes (ankle_lean, hip_bend, lumbar_arch, upright) are scored by their
own cue; a buzz inside an episode that the chest's own bands call for (a lumbar arch with the
thorax upright is also an upright chest) is not false; any other buzz is.
"""
import numpy as np

from firmware.core.gait import STATE_NAMES

from .evaluate import GRACE_S, Truth

CUES = {"ankle_lean": None, "hip_bend": "buzz_hipbend", "lumbar_arch": "buzz_lumbar_arch",
        "upright": "buzz_upright"}
RUNNING = STATE_NAMES.index("running")
TOEOFF_HALF_STEPS = 0.15  # the truth's toe-off part of a step: this far either side of toe-off


def _segment_truth(truth, key):
    return Truth({"t": truth["t"], "lean_inst_deg": truth[key], "lean_deg": truth[key],
                  "state": truth["state"], "fault": truth["episode"]})


def _toeoff_window_mean(truth, t0, t1):
    """Mean lumbar angle over the toe-off parts of the steps in [t0, t1] (NaN if none)."""
    d = (truth["step_phase"] - truth["contact"] + 0.5) % 1.0 - 0.5
    near = (np.abs(d) < TOEOFF_HALF_STEPS) & (truth["state"] == "running")
    cum_x = np.concatenate(([0.0], np.cumsum(np.where(near, truth["lumbar_deg"], 0.0))))
    cum_n = np.concatenate(([0], np.cumsum(near)))
    i0 = np.searchsorted(truth["t"], t0, side="right")
    i1 = np.searchsorted(truth["t"], t1, side="right")
    n = cum_n[i1] - cum_n[i0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (cum_x[i1] - cum_x[i0]) / np.maximum(n, 1), np.nan)


def _errors(rows, est_col, truth_obj):
    """Estimate - truth over the rows' windows, running rows at running truth only."""
    if not len(rows):
        return np.array([])
    rows = np.asarray(rows, dtype=float)
    t, win = rows[:, 0], rows[:, -1]
    keep = (rows[:, -2] == RUNNING) & (truth_obj.state_at(t) == "running")
    ref = truth_obj.window_mean(t - win, t)
    return (rows[:, est_col] - ref)[keep]


def _stats(err):
    if not err.size:
        return float("nan"), float("nan"), 0
    return float(np.sqrt(np.mean(err ** 2))), float(np.mean(err)), int(err.size)


def angle_errors(lean_rows, pelvis_rows, truth):
    """{name: (rmse, bias, rows)} for thorax, pelvis, lumbar and lumbar_toeoff.

    lean_rows: (t_s, lean_deg, roll, cadence, state, win_s) as the chest sink keeps them;
    pelvis_rows: (t_s, pelvis_deg, lumbar_deg, lumbar_toeoff_deg, state, win_s), state and
    window those of the lean row each follows."""
    out = {"thorax": _stats(_errors([(r[0], r[1], r[4], r[5]) for r in lean_rows], 1,
                                    _segment_truth(truth, "thorax_deg")))}
    for name, col in (("pelvis", 1), ("lumbar", 2)):
        out[name] = _stats(_errors(pelvis_rows, col, _segment_truth(truth, name + "_deg")))
    if len(pelvis_rows):
        rows = np.asarray(pelvis_rows, dtype=float)
        t, win = rows[:, 0], rows[:, 5]
        keep = (rows[:, 4] == RUNNING) & (_segment_truth(truth, "lumbar_deg").state_at(t)
                                          == "running")
        err = (rows[:, 3] - _toeoff_window_mean(truth, t - win, t))[keep]
        out["lumbar_toeoff"] = _stats(err[np.isfinite(err)])
    else:
        out["lumbar_toeoff"] = _stats(np.array([]))
    return out


def cues(buzzes, episodes, truth, min_episode_s=12.0, catch_within_s=10.0):
    """How the buzzes answer the episodes.

    buzzes: [(t_s, name, value)]; episodes: twoseg meta["episodes"]. Returns latencies per
    kind ({kind: [s or None]} for episodes >= min_episode_s with a cue; None = no right buzz
    within catch_within_s), `missed` [(kind, start_s, latency or None)], `ankle_as_hipbend`
    (hip-bend buzzes during ankle leans), `any_buzz` ({kind: long episodes with some buzz,
    whichever, within catch_within_s}: what one chest clip notices), `false` (buzzes no
    episode calls for), the hours of good running (running, no episode) and buzzes while not
    running."""
    chest_fault = {}
    for ep in episodes:
        mid = (ep["start_ms"] + ep["end_ms"]) / 2000.0
        i = min(np.searchsorted(truth["t"], mid), len(truth["t"]) - 1)
        chest_fault[ep["start_ms"]] = str(truth["chest_fault"][i])
    latencies = {kind: [] for kind, cue in CUES.items() if cue}
    missed, justified, ankle = [], set(), 0
    any_buzz, long_episodes = dict.fromkeys(CUES, 0), dict.fromkeys(CUES, 0)
    for ep in episodes:
        t0, t1 = ep["start_ms"] / 1000.0, ep["end_ms"] / 1000.0
        inside = [b for b in buzzes if t0 <= b[0] <= t1 + GRACE_S]
        cue = CUES[ep["episode"]]
        chest_cue = "buzz_" + chest_fault[ep["start_ms"]]
        justified.update(id(b) for b in inside if b[1] in (cue, chest_cue))
        if ep["episode"] == "ankle_lean":
            ankle += sum(1 for b in inside if b[1] == CUES["hip_bend"])
        if t1 - t0 >= min_episode_s:
            long_episodes[ep["episode"]] += 1
            any_buzz[ep["episode"]] += any(b[0] - t0 <= catch_within_s for b in inside)
        if cue is None or t1 - t0 < min_episode_s:
            continue
        right = [b[0] - t0 for b in inside if b[1] == cue]
        late = right[0] if right else None
        ok = late is not None and late <= catch_within_s
        latencies[ep["episode"]].append(late if ok else None)
        if not ok:
            missed.append((ep["episode"], t0, late))
    state = np.asarray(truth["state"]).astype(str)
    good = (state == "running") & (np.asarray(truth["episode"]).astype(str) == "none")
    dt = float(np.median(np.diff(truth["t"])))
    at = [min(np.searchsorted(truth["t"], b[0]), len(state) - 1) for b in buzzes]
    return {"latencies": latencies, "missed": missed, "ankle_as_hipbend": ankle,
            "any_buzz": any_buzz, "long_episodes": long_episodes,
            "false": [b for b in buzzes if id(b) not in justified],
            "good_running_h": float(np.count_nonzero(good)) * dt / 3600.0,
            "buzzes_not_running": sum(1 for i in at if state[i] != "running")}
