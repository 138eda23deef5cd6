"""Scripts of a run: lists of segments, checked once here so the physics never sees a bad value.

A segment is a dict: {"do": "stand"|"walk"|"run", "s": seconds, optional lean_deg, roll_deg,
speed_mps, cadence_spm, turn_dps, impact_g, fault}. `resolve` fills every default, so the
resolved list (written to scenario.json) states the whole script and replays identically.
"""
import json
import numbers

import numpy as np

from firmware.core.coach import FAULT_NAMES as FAULTS
from firmware.core.gait import STATE_NAMES as STATES  # noqa: F401 (the simulator's labels)

from ..errors import UserError

DO_STATE = {"stand": "still", "walk": "walking", "run": "running"}

RUN_CADENCE_SPM = 170.0
MAX_TOTAL_S = 3600.0

# Defaults per "do" (a stand's 0 values are the only ones it allows, see _RANGES).
_DEFAULTS = {
    "lean_deg": {"stand": 0.0, "walk": 3.0, "run": 7.0},
    "roll_deg": {"stand": 0.0, "walk": 0.0, "run": 0.0},
    "speed_mps": {"stand": 0.0, "walk": 1.4, "run": 3.2},
    "cadence_spm": {"stand": 0.0, "walk": 110.0},  # run: the --cadence option
    "turn_dps": {"stand": 0.0, "walk": 0.0, "run": 0.0},
    "impact_g": {"stand": 0.0, "walk": 0.4, "run": 1.5},
}
_RANGES = {
    "s": {"stand": (0.5, MAX_TOTAL_S), "walk": (0.5, MAX_TOTAL_S), "run": (0.5, MAX_TOTAL_S)},
    "lean_deg": {"stand": (-10, 20), "walk": (-15, 30), "run": (-15, 35)},
    "roll_deg": {"stand": (-10, 10), "walk": (-15, 15), "run": (-15, 15)},
    "speed_mps": {"stand": (0, 0), "walk": (0.5, 2.5), "run": (1.5, 7.0)},
    "cadence_spm": {"stand": (0, 0), "walk": (70, 140), "run": (130, 220)},
    "turn_dps": {"stand": (0, 0), "walk": (-90, 90), "run": (-60, 60)},
    "impact_g": {"stand": (0, 0), "walk": (0, 1.0), "run": (0, 3.5)},
}
# The road's grade in percent (climb > 0): only kept in a resolved segment that sets it, so a
# scenario without climbs resolves (and its scenario.json reads) exactly as before.
CLIMB_RANGE_PCT = (-20.0, 20.0)
SEGMENT_KEYS = ("do", "s", "fault", "climb_pct") + tuple(_DEFAULTS)


def number(where, key, value):
    """A script value as a float, or the one-line error naming where it is wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise UserError("%s: %r must be a number, got %r" % (where, key, value))
    return float(value)


def resolve(segments, cadence_spm=RUN_CADENCE_SPM):
    """Check a segment list and return it with every default filled in (new dicts)."""
    if isinstance(segments, dict):
        segments = segments.get("segments")
    if not isinstance(segments, list) or not segments:
        raise UserError("scenario needs a non-empty list of segments")
    out = []
    for i, seg in enumerate(segments):
        if not isinstance(seg, dict):
            raise UserError("segment %d: expected an object, got %r" % (i + 1, seg))
        do = seg.get("do")
        if do not in DO_STATE:
            raise UserError("segment %d: 'do' must be stand, walk or run, got %r" % (i + 1, do))
        where = "segment %d (%s)" % (i + 1, do)
        for key in seg:
            if key not in SEGMENT_KEYS:
                raise UserError("%s: unknown key %r (known: %s)"
                                % (where, key, ", ".join(SEGMENT_KEYS)))
        if "s" not in seg:
            raise UserError("%s: missing duration 's' (seconds)" % where)
        res = {"do": do}
        for key, ranges in _RANGES.items():
            if key in seg:
                value = number(where, key, seg[key])
            elif key == "cadence_spm" and do == "run":
                value = float(cadence_spm)
            else:
                value = _DEFAULTS[key][do]
            lo, hi = ranges[do]
            if not lo <= value <= hi:
                raise UserError("%s: %s=%g is outside %g..%g" % (where, key, value, lo, hi))
            res[key] = value
        fault = seg.get("fault", "none")
        if fault not in FAULTS:
            raise UserError("%s: fault must be one of %s, got %r"
                            % (where, ", ".join(FAULTS), fault))
        if fault != "none" and do != "run":
            raise UserError("%s: a fault label applies only to run segments" % where)
        res["fault"] = fault
        if "climb_pct" in seg:
            value = number(where, "climb_pct", seg["climb_pct"])
            if not CLIMB_RANGE_PCT[0] <= value <= CLIMB_RANGE_PCT[1]:
                raise UserError("%s: climb_pct=%g is outside %g..%g"
                                % ((where, value) + CLIMB_RANGE_PCT))
            res["climb_pct"] = value
        out.append(res)
    total_s = sum(seg["s"] for seg in out)
    if total_s > MAX_TOTAL_S:
        raise UserError("scenario lasts %g s, more than the %g s limit" % (total_s, MAX_TOTAL_S))
    return out


def load(path):
    """Read a scenario JSON file: a segment list or {"segments": [...]} (e.g. a scenario.json)."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise UserError("cannot read scenario %s: %s" % (path, e.strerror or e)) from None
    except ValueError as e:
        raise UserError("scenario %s is not valid JSON: %s" % (path, e)) from None
    if isinstance(data, dict):
        if "segments" not in data:
            raise UserError("scenario %s: expected a list of segments or {\"segments\": [...]}"
                            % path)
        extra = sorted(set(data) - {"segments"})
        if extra and "format" not in data:  # a written scenario.json carries its parameters too
            raise UserError("scenario %s: unknown key %r" % (path, extra[0]))
    return data


def _run(s, lean_deg, **extra):
    seg = {"do": "run", "s": s, "lean_deg": lean_deg}
    seg.update(extra)
    return seg


def demo():
    """~10 min: the showcase run with every kind of event the coach must handle."""
    stand = {"do": "stand", "s": 5}
    walk = {"do": "walk", "s": 30}
    return [
        stand, walk,
        _run(40, 7.0), _run(30, 6.5),
        _run(3, 6.5, turn_dps=30), _run(30, 7.0),
        _run(20, 1.5, fault="upright"),
        _run(40, 7.5), _run(30, 7.0, turn_dps=-8),  # long gentle curve (240 deg)
        _run(10, 7.5, speed_mps=4.2),  # surge: +1 m/s (3 s ramps), then back
        _run(25, 7.0),
        _run(15, -4.0, fault="arch"),
        _run(40, 6.5), _run(3, 6.5, turn_dps=-30), _run(25, 6.5),
        {"do": "stand", "s": 20, "lean_deg": 3.0},  # a crossing: relaxed, not tall
        _run(45, 7.0), _run(3, 7.0, turn_dps=30), _run(30, 7.5),
        _run(12, 1.5, fault="upright"),
        _run(60, 6.0), _run(3, 6.0, turn_dps=30), _run(45, 7.0),
        {"do": "walk", "s": 30},
    ]


def steady():
    """Stand 5 s, run 3 min at 7 deg, no faults: the false-buzz count."""
    return [{"do": "stand", "s": 5}, _run(180, 7.0)]


def bench(seed, duration_s=600.0, n_faults=3, overlean=False):
    """A varied ~duration_s run for the benchmark: good lean wandering 5-9 deg, n_faults (2-4)
    upright/arch episodes of 10-25 s, turns, a surge, a stop, and optionally a 25 deg overlean.

    The caller sets the cadence through `resolve`/`simulate`; this only scripts events."""
    rng = np.random.default_rng([int(seed), 0x5CE])
    episodes = []
    for i in range(n_faults):
        kind = "upright" if i % 2 == 0 else "arch"
        lean = rng.uniform(0.0, 2.5) if kind == "upright" else rng.uniform(-6.0, -2.5)
        episodes.append(_run(float(round(rng.uniform(10, 25), 1)), round(lean, 2), fault=kind))
    if overlean:
        episodes.append(_run(round(rng.uniform(15, 25), 1), 25.0, fault="overlean"))
    extras = [
        [_run(3, 7.0, turn_dps=float(rng.choice([-30.0, 30.0])))],
        [_run(10, 7.0, speed_mps=4.2)],
        [{"do": "stand", "s": 15, "lean_deg": 3.0}],
        [_run(30, 7.0, turn_dps=round(rng.uniform(-10, 10), 1))],
    ]
    events = episodes + extras
    order = rng.permutation(len(events))
    head = [{"do": "stand", "s": 5}, {"do": "walk", "s": 20}]
    used_s = 25 + sum(seg["s"] for ev in events for seg in (ev if isinstance(ev, list) else [ev]))
    gap_s = max(20.0, (duration_s - used_s) / (len(events) + 1))
    segs = list(head)
    for j in order:
        segs.append(_run(round(gap_s, 1), round(rng.uniform(5, 9), 2)))
        ev = events[j]
        segs.extend(ev if isinstance(ev, list) else [ev])
    segs.append(_run(round(gap_s, 1), round(rng.uniform(5, 9), 2)))
    return segs


def stopstart(repeats=3):
    """The stop-start drill, ~4 min: after a warm-up minute, stop and sprint off leaning 22 deg
    through 9 s of acceleration (to 6 m/s), then settle at 7 deg; `repeats` times. Leaning past
    the 20 deg over-lean band is right while speeding up, so no over-lean alert is due."""
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 10}, _run(60, 7.0)]
    for _ in range(repeats):
        segs += [{"do": "stand", "s": 10},
                 _run(3, 22.0, speed_mps=2.5), _run(3, 22.0, speed_mps=4.5),
                 _run(3, 22.0, speed_mps=6.0), _run(40, 7.0, speed_mps=4.0)]
    return segs


def fatigue(fresh_min=6.0, step_s=45.0, drift_deg=-4.0, last_min=2.0):
    """Fatigue drift: `fresh_min` minutes at 9 deg, then the lean sags by `drift_deg` in 0.5 deg
    steps of `step_s` seconds and stays there `last_min` minutes; it never leaves the good band
    (4 to 20 deg), so only the drift tracker can notice it."""
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 10}, _run(fresh_min * 60.0, 9.0)]
    n = int(round(abs(drift_deg) / 0.5))
    step = drift_deg / n
    for i in range(1, n + 1):
        segs.append(_run(step_s if i < n else last_min * 60.0, round(9.0 + i * step, 2)))
    return segs


def learner(seed, fault_s, duration_s=360.0):
    """A coached session of a runner who still sags upright for about `fault_s` seconds in all
    (episodes of 10-25 s at 1-3 deg, the rest at 6-9 deg): the learning-curve demo scripts a
    falling fault_s over the sessions of a training plan."""
    rng = np.random.default_rng([int(seed), 0x1EA2])
    episodes = []
    left = float(fault_s)
    while left >= 10.0:
        s = float(round(min(left, rng.uniform(10, 25)), 1))
        episodes.append(_run(s, round(rng.uniform(1.0, 3.0), 2), fault="upright"))
        left -= s
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 15}]
    gap_s = max(20.0, (duration_s - 20.0 - fault_s) / (len(episodes) + 1))
    for ep in episodes:
        segs += [_run(round(gap_s, 1), round(rng.uniform(6, 9), 2)), ep]
    segs.append(_run(round(gap_s, 1), round(rng.uniform(6, 9), 2)))
    return segs


def hill(grade_pct=8.0, lean_deg=22.0, climb_s=180.0):
    """A hill: a flat minute at 7 deg, `climb_s` seconds up a `grade_pct` % grade leaning
    `lean_deg` (past the 20 deg over-lean band: right on a hill, see docs/coaching.md "Climbs"),
    then a flat minute. The only scenario that writes baro.csv."""
    return [{"do": "stand", "s": 5}, {"do": "walk", "s": 10}, _run(60, 7.0),
            _run(climb_s, lean_deg, climb_pct=grade_pct, speed_mps=3.0), _run(60, 7.0)]


BUILTIN = {"demo": demo, "steady": steady, "stopstart": stopstart, "fatigue": fatigue,
           "hill": hill}


def named(name_or_path):
    """A built-in scenario by name, else a JSON file path."""
    if name_or_path in BUILTIN:
        return BUILTIN[name_or_path]()
    return load(name_or_path)


def _corner(rng, lean_deg, **extra):
    """A street corner: 60-110 deg at 30-55 deg/s, left or right."""
    rate = float(rng.uniform(30.0, 55.0)) * float(rng.choice([-1.0, 1.0]))
    return _run(round(float(rng.uniform(60.0, 110.0)) / abs(rate), 2), lean_deg,
                turn_dps=round(rate, 1), **extra)


def _cornered(rng, s, lean_deg, city, **extra):
    """s seconds of running at lean_deg, with a corner every 12-60 s if city."""
    out = []
    left = s
    while city and left > 14.0:
        gap = min(float(rng.uniform(12.0, 60.0)), left - 2.0)
        out.append(_run(round(gap, 1), lean_deg, **extra))
        corner = _corner(rng, lean_deg, **extra)
        out.append(corner)
        left -= gap + corner["s"]
    if left > 0.5:
        out.append(_run(round(left, 1), lean_deg, **extra))
    return out


def field(seed, duration_s=600.0, n_faults=3, city=True, setoff_turn=True, impact_g=None):
    """A run for the robustness benchmark (field physics, field.py): a 4-8 s stand, then either
    a set-off straight into a corner (1.5-3 s after moving off) or a walk, then running at a
    good lean of 6-11 deg with n_faults upright/arch episodes of 12-25 s, a surge, an interval
    (60-90 s fast, then easy), a stop at a crossing and a walk; with `city`, a corner every
    12-60 s and one 1.5-3 s into every other fault (the first included)."""
    rng = np.random.default_rng([int(seed), 0xC17E])
    impact = float(rng.uniform(1.5, 3.0)) if impact_g is None else float(impact_g)
    kw = {"impact_g": round(impact, 2), "speed_mps": round(float(rng.uniform(2.6, 3.8)), 2)}
    segs = [{"do": "stand", "s": round(float(rng.uniform(4.0, 8.0)), 1)}]
    good = round(float(rng.uniform(6.0, 11.0)), 2)
    if setoff_turn:
        segs.append(_run(round(float(rng.uniform(1.5, 3.0)), 1), good, **kw))
        segs.append(_corner(rng, good, **kw))
    else:
        segs.append({"do": "walk", "s": round(float(rng.uniform(10.0, 20.0)), 1)})
    events = []
    for i in range(n_faults):
        kind = "upright" if i % 2 == 0 else "arch"
        lean = round(float(rng.uniform(0.0, 2.0) if kind == "upright"
                           else rng.uniform(-6.0, -3.5)), 2)
        s = float(rng.uniform(12.0, 25.0))
        if city and i % 2 == 0:
            first = round(float(rng.uniform(1.5, 3.0)), 2)
            corner = _corner(rng, lean, fault=kind, **kw)
            events.append([_run(first, lean, fault=kind, **kw), corner,
                           _run(round(max(1.0, s - first - corner["s"]), 1), lean, fault=kind,
                                **kw)])
        else:
            events.append([_run(round(s, 1), lean, fault=kind, **kw)])
    fast = round(float(rng.uniform(4.2, 5.2)), 2)
    surge = dict(kw, speed_mps=fast)
    events.append([_run(round(float(rng.uniform(10.0, 20.0)), 1), good, **surge)])
    events.append(_cornered(rng, round(float(rng.uniform(60.0, 90.0)), 1), good, city, **surge)
                  + [_run(30.0, good, **dict(kw, speed_mps=2.6))])
    events.append([{"do": "stand", "s": round(float(rng.uniform(10.0, 20.0)), 1),
                    "lean_deg": 3.0}])
    events.append([{"do": "walk", "s": round(float(rng.uniform(20.0, 40.0)), 1)}])
    order = rng.permutation(len(events))
    used_s = sum(seg["s"] for seg in segs) + sum(seg["s"] for ev in events for seg in ev) + 15.0
    gap_s = max(25.0, (duration_s - used_s) / (len(events) + 1))
    for j in order:
        segs += _cornered(rng, gap_s * float(rng.uniform(0.7, 1.3)), good, city, **kw)
        segs += events[j]
        good = round(float(np.clip(good + rng.uniform(-1.5, 1.5), 6.0, 11.0)), 2)
    segs += _cornered(rng, gap_s, good, city, **kw)
    segs.append({"do": "walk", "s": 15.0})
    return segs
