"""The session and the watch's recording as one per-second table, on the session's seconds.

One row per second the clip logged (the clip is what this is about: the watch's warm-up before
the session is left out), with the watch's values at the matching instant. `COLUMNS` is the
table's documentation, the CSV header and the order, in one place; docs/watch-data.md shows it.
"""
import time

import numpy as np

from firmware.core.gait import STATE_NAMES

# (name, unit/meaning) in output order.
COLUMNS = (
    ("time_utc", "ISO 8601 UTC, from the alignment (the watch's GPS clock)"),
    ("elapsed_s", "seconds since the clip's session start"),
    ("distance_m", "watch: distance since the watch started, metres"),
    ("speed_mps", "watch: speed, m/s"),
    ("pace_s_per_km", "watch: pace, seconds per km (empty while stopped)"),
    ("hr_bpm", "watch: heart rate, beats/min"),
    ("altitude_m", "watch: altitude, metres"),
    ("grade_pct", "road grade from the watch's altitude over >= 20 m of distance, percent"),
    ("lat_deg", "watch: latitude, degrees"),
    ("lon_deg", "watch: longitude, degrees"),
    ("watch_cadence_spm", "watch: cadence, steps/min (both feet)"),
    ("lean_deg", "clip: stride-averaged trunk lean, degrees forward of standing tall"),
    ("cadence_spm", "clip: cadence, steps/min"),
    ("state", "clip: still, walking or running"),
    ("alert", "clip: a buzz that started in this second: upright, arch or overlean"),
)
# a pace slower than this is standing or walking about, not a pace to plot
SLOWEST_PACE_S_PER_KM = 20 * 60
GRADE_WINDOW_S = 15   # each side: altitude noise over a few metres would read as a wall
GRADE_MIN_M = 20.0


def _grade_pct(dist, alt):
    n = len(dist)
    out = np.full(n, np.nan)
    w = GRADE_WINDOW_S
    if n <= 2 * w:
        return out
    dd = dist[2 * w:] - dist[:-2 * w]
    da = alt[2 * w:] - alt[:-2 * w]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(dd >= GRADE_MIN_M, 100.0 * da / dd, np.nan)
    out[w:-w] = g
    return out


def table(session, act, alignment):
    """{column: array} with one entry per logged second of the session."""
    sm = session.summary
    t = sm["t_s"].astype(float)
    # the watch's grid second for each clip second (a record stamped t describes [t, t+1))
    watch_t = t + alignment.epoch0_s
    idx = np.rint(watch_t - act.start_epoch_s).astype(int)
    inside = (idx >= 0) & (idx < len(act.t_epoch_s))

    def watch(name):
        out = np.full(len(t), np.nan)
        out[inside] = act.ch[name][idx[inside]]
        return out

    speed = watch("speed_mps")
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(speed > 1000.0 / SLOWEST_PACE_S_PER_KM, 1000.0 / speed, np.nan)
    grade_all = _grade_pct(act.ch["distance_m"], act.ch["altitude_m"])
    grade = np.full(len(t), np.nan)
    grade[inside] = grade_all[idx[inside]]
    alert = np.array([""] * len(t), dtype=object)
    for name in ("buzz_upright", "buzz_arch", "buzz_overlean"):
        alert[sm[name]] = name[5:]
    lean = np.where(sm["lean_valid"], sm["lean_deg"], np.nan)
    return {
        "time_utc": watch_t, "elapsed_s": t, "distance_m": watch("distance_m"),
        "speed_mps": speed, "pace_s_per_km": pace, "hr_bpm": watch("hr_bpm"),
        "altitude_m": watch("altitude_m"), "grade_pct": grade, "lat_deg": watch("lat_deg"),
        "lon_deg": watch("lon_deg"), "watch_cadence_spm": watch("cadence_spm"),
        "lean_deg": lean, "cadence_spm": np.where(sm["lean_valid"], sm["cadence_spm"], np.nan),
        "state": np.array([STATE_NAMES[s] for s in sm["state"]], dtype=object),
        "alert": alert,
    }


_DECIMALS = {"distance_m": 1, "speed_mps": 2, "pace_s_per_km": 0, "hr_bpm": 0, "altitude_m": 1,
             "grade_pct": 1, "lat_deg": 6, "lon_deg": 6, "watch_cadence_spm": 0,
             "lean_deg": 1, "cadence_spm": 0, "elapsed_s": 0}


def csv_rows(tab):
    """The header and then one list of strings per second (empty cell = not recorded)."""
    yield [name for name, _ in COLUMNS]
    for i in range(len(tab["elapsed_s"])):
        row = []
        for name, _ in COLUMNS:
            v = tab[name][i]
            if name == "time_utc":
                row.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(v)))
            elif isinstance(v, str):
                row.append(v)
            elif np.isfinite(v):
                row.append("%.*f" % (_DECIMALS[name], v))
            else:
                row.append("")
        yield row
