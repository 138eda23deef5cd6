"""The script as smooth functions of time: what the runner means to do, before any physics.

Values change between segments along smooth steps that start at the boundary, except that a
runner comes to a stop BEFORE a stand segment begins (speed and gait fade out inside the moving
segment), so "still" in the truth always means still.
"""
import numpy as np

from .scenario import DO_STATE, FAULTS, STATES

G_MPS2 = 9.80665
LEAN_RAMP_S = 1.0
SPEED_RAMP_S = 3.0
GAIT_RAMP_S = 1.0
TURN_RAMP_S = 0.5


def smoothstep(x):
    """0 -> 1 on x in [0, 1] with zero slope and curvature at both ends (C2)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


def _ramped(t_s, starts_s, values, ramp_s, ends_early=None):
    """Piecewise-constant segment values joined by smooth steps of ramp_s seconds.

    A transition starts at the segment boundary, or ends there where ends_early[i] is set."""
    out = np.full(t_s.shape, float(values[0]))
    for i in range(1, len(values)):
        step = values[i] - values[i - 1]
        if step:
            start = starts_s[i] - (ramp_s if ends_early is not None and ends_early[i] else 0.0)
            out += step * smoothstep((t_s - start) / ramp_s)
    return out


def _integral(t_s, y):
    """Running integral of y over the grid (trapezoid), 0 at the first sample."""
    return np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(t_s))])


def _stepping_cadence(segments):
    """Cadence that drives the step clock: stands borrow a neighbour's so the clock never stops
    (the gait weights, not the clock, decide whether steps happen)."""
    moving = [seg["cadence_spm"] for seg in segments if seg["do"] != "stand"]
    last = moving[0] if moving else 100.0
    out = []
    for seg in segments:
        if seg["do"] != "stand":
            last = seg["cadence_spm"]
        out.append(last)
    return out


def ramped(segments, t_s, values):
    """One value per segment on the grid t_s, joined like the lean (LEAN_RAMP_S smooth steps):
    the two-segment trunk's pelvis tilt and toe-off arch (twoseg.py)."""
    starts = np.concatenate([[0.0], np.cumsum([seg["s"] for seg in segments])[:-1]])
    return _ramped(t_s, starts, values, LEAN_RAMP_S)


def evaluate(segments, t_s):
    """Scripted signals on the time grid t_s (may extend before 0 and past the end)."""
    starts = np.concatenate([[0.0], np.cumsum([seg["s"] for seg in segments])[:-1]])
    into_stand = [seg["do"] == "stand" for seg in segments]
    col = {key: [seg[key] for seg in segments] for key in ("lean_deg", "roll_deg", "speed_mps",
                                                          "turn_dps", "impact_g")}
    sig = {
        "lean_deg": _ramped(t_s, starts, col["lean_deg"], LEAN_RAMP_S),
        "speed_mps": _ramped(t_s, starts, col["speed_mps"], SPEED_RAMP_S, into_stand),
        "turn_dps": _ramped(t_s, starts, col["turn_dps"], TURN_RAMP_S),
        "step_cadence_spm": _ramped(t_s, starts, _stepping_cadence(segments), GAIT_RAMP_S),
        "impact_g": _ramped(t_s, starts, col["impact_g"], GAIT_RAMP_S),
    }
    for gait in ("walk", "run"):
        weights = [1.0 if seg["do"] == gait else 0.0 for seg in segments]
        sig["w_" + gait] = _ramped(t_s, starts, weights, GAIT_RAMP_S, into_stand)
    idx = np.clip(np.searchsorted(starts, t_s, side="right") - 1, 0, len(segments) - 1)
    state_codes = np.array([STATES.index(DO_STATE[seg["do"]]) for seg in segments])
    fault_codes = np.array([FAULTS.index(seg["fault"]) for seg in segments])
    sig["state"] = state_codes[idx]
    sig["fault"] = fault_codes[idx]
    still = sig["state"] == STATES.index("still")
    sig["cadence_spm"] = np.where(still, 0.0, sig["step_cadence_spm"])
    # The step clock: steps since the grid start; step k starts when it reaches k.
    sig["steps"] = _integral(t_s, sig["step_cadence_spm"] / 60.0)
    rate = np.radians(sig["turn_dps"])
    heading = _integral(t_s, rate)  # + = turning left
    sig["heading_rad"] = heading - np.interp(0.0, t_s, heading)
    # Leaning into a turn balances the centripetal force: left turn -> lean left (negative roll).
    turn_lean_deg = -np.degrees(np.arctan(sig["speed_mps"] * rate / G_MPS2))
    sig["roll_deg"] = _ramped(t_s, starts, col["roll_deg"], LEAN_RAMP_S) + turn_lean_deg
    grade = _ramped(t_s, starts, [seg.get("climb_pct", 0.0) / 100.0 for seg in segments],
                    SPEED_RAMP_S)
    sig["altitude_m"] = _integral(t_s, sig["speed_mps"] * grade / np.sqrt(1.0 + grade * grade))
    return sig
