"""Field physics (host_tools/simulate/field.py): each mechanism does what the README's table
says, from its own draw, and nothing when it is off."""
import numpy as np
import pytest

from host_tools.simulate import field, scenario, simulate

RUN = [{"do": "stand", "s": 3}, {"do": "run", "s": 20, "cadence_spm": 150, "impact_g": 2.0}]


def _run(site, mechanisms, seed=5, quality="ideal", mount=None):
    body = field.draw(seed, site, quality, mechanisms)
    mount = mount or ("chest" if site == "chest" else "belt")
    return simulate(RUN, mount=mount, rate_hz=200, quality=quality, seed=seed, field=body), body


def _force_weighted_minus_mean(imu, truth, meta):
    """Lean weighted by |specific force| minus the time-mean lean, over the run (deg)."""
    run = truth["t"] > 6.0
    a = np.linalg.norm(imu[run, 1:4], axis=1)
    lean = truth["lean_inst_deg"][run]
    return float((a * lean).sum() / a.sum() - lean.mean())


@pytest.mark.parametrize("site,sign", [("chest", 1.0), ("waist", -1.0)])
def test_rocking_is_in_phase_with_the_force_at_each_site(site, sign):
    (imu, truth, meta), body = _run(site, ("rocking",))
    lean = truth["lean_inst_deg"][truth["t"] > 6.0]
    pp = lean.max() - lean.min()
    lo, hi = field.ROCK_PP_DEG[site]
    assert lo - 0.3 <= pp <= hi + 0.3
    # chest: forward while the force is high (mid-stance); waist: the peak near toe-off
    assert sign * _force_weighted_minus_mean(imu, truth, meta) > 0.1
    (imu0, truth0, meta0), _ = _run(site, ())
    assert abs(_force_weighted_minus_mean(imu0, truth0, meta0)) < 0.1


def test_warmup_drifts_the_gyro_by_the_drawn_temperature_coefficient():
    body = field.draw(5, "chest", "poor", ("warmup",))
    imu, truth, meta = simulate(RUN, rate_hz=200, quality="ideal", seed=5, field=body)
    base = simulate(RUN, rate_hz=200, quality="ideal", seed=5)[0]
    drift = imu[:, 4:7] - base[:, 4:7]
    warm = body["warmup"]
    temp_c = warm["delta_c"] * (1 - np.exp(-truth["t"] / warm["tau_s"]))
    expect = np.outer(temp_c, warm["tempco_dps_per_c"])
    walk = drift - expect  # what is left is the random walk: its spread grows as sqrt(t)
    assert np.abs(expect[-1]).max() > 0.3
    assert 0.0 < np.abs(walk[-1]).max() < 4 * warm["walk_dps_per_rt_s"] * np.sqrt(truth["t"][-1])
    assert np.abs(walk[:20]).max() < 0.05  # cold, and the walk starts at zero
    assert meta["field"] == body


def test_asymmetry_spreads_impacts_and_differs_left_from_right():
    (imu, truth, meta), body = _run("waist", ("asymmetry",), seed=7)
    a = np.linalg.norm(imu[:, 1:4], axis=1)
    step = np.floor(truth["step_phase"]).astype(int)
    run = truth["t"] > 6.0
    ids = np.unique(step[run])[1:-1]
    peaks = np.array([a[(step == k) & run].max() for k in ids])
    right = peaks[ids % 2 == 0].mean()
    left = peaks[ids % 2 == 1].mean()
    assert np.sign(right - left) == np.sign(body["asymmetry"]["side_diff"])
    assert 0.04 < peaks.std() / peaks.mean() < 0.4


def test_field_scenario_has_corners_in_faults_and_a_setoff_turn():
    segs = scenario.resolve(scenario.field(3))
    assert 540.0 < sum(s["s"] for s in segs) < 690.0
    run = [i for i, s in enumerate(segs) if s["do"] == "run"]
    assert segs[run[1]]["turn_dps"] and 1.5 <= segs[run[0]]["s"] <= 3.0  # set off, then turn
    starts = [i for i in run if segs[i]["fault"] != "none" and segs[i - 1]["fault"] == "none"]
    cornered = [i for i in starts if segs[i + 1]["turn_dps"] and segs[i + 1]["fault"] != "none"]
    assert cornered and all(1.5 <= segs[i]["s"] <= 3.0 for i in cornered)
    turns = [i for i in run if segs[i]["turn_dps"]]
    assert len(turns) >= 8
    plain = scenario.resolve(scenario.field(3, city=False, setoff_turn=False))
    assert not any(s["turn_dps"] for s in plain)


def test_no_mechanism_is_the_base_model():
    base = simulate(RUN, rate_hz=200, quality="typical", seed=5)
    body = field.draw(5, "chest", "typical", ())
    with_field = simulate(RUN, rate_hz=200, quality="typical", seed=5, field=body)
    assert np.allclose(base[0], with_field[0])
