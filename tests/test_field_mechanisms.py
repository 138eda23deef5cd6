"""The estimator and coach under the field physics of issue 12 (host_tools/simulate/field.py),
one mechanism at a time, on short runs: each of these failed on the firmware before the fixes.
(Set-off into a corner and real waist steps: tests/test_real_files.py.)"""
import numpy as np
import pytest

from firmware.core import config
from host_tools.evaluate import Truth, score
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate import field, scenario, simulate

STAND = {"do": "stand", "s": 5}


def _replay(segs, site="chest", quality="ideal", body_quality=None, mechanisms=(), seed=7,
            mount=None):
    body = field.draw(seed, site, body_quality or quality, mechanisms)
    mount = mount or ("chest" if site == "chest" else "belt")
    imu, truth, _ = simulate(segs, mount=mount, rate_hz=100, quality=quality, seed=seed,
                             field=body)
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                        config.defaults())
    return sink, Truth(truth)


def _lean_error(sink, truth, after_s):
    rows = [r for r in sink.rows if r[4] == 2 and r[0] > after_s]
    t = np.array([r[0] for r in rows])
    ref = truth.window_mean(t - np.array([r[5] for r in rows]), t)
    return np.array([r[1] for r in rows]) - ref


@pytest.mark.parametrize("site,seed", [("chest", 7), ("waist", 8)])
def test_a_trunk_rocking_with_the_ground_force_reads_its_time_mean_lean(site, seed):
    """Flexing in mid-stance (chest) or tilting most at toe-off (pelvis) in step with the force:
    the bias learner used to settle on the force-weighted lean (+1.3 / -0.6 deg)."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 80, "lean_deg": 8.0,
                                            "impact_g": 2.5}]
    sink, truth = _replay(segs, site=site, mechanisms=("rocking",), seed=seed)
    err = _lean_error(sink, truth, 50.0)
    assert abs(err.mean()) < 0.35, err.mean()  # before: +1.14 (chest), -0.62 (waist)


def test_a_warming_gyro_is_followed_while_running():
    """A clip warming 15-20 C drifts a consumer gyro's zero rate by deg/s over minutes; the
    bias must be tracked while running, not only at stops."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 240, "lean_deg": 8.0}]
    sink, truth = _replay(segs, quality="good", body_quality="poor", mechanisms=("warmup",),
                          seed=1)
    err = _lean_error(sink, truth, 30.0)
    # before: 6.7 deg rms, 11 deg at worst (this draw's walk is 0.1 deg/s per sqrt(s))
    assert np.sqrt((err ** 2).mean()) < 1.2 and np.abs(err).max() < 2.5


def test_a_corner_just_after_a_fault_begins_pauses_it_and_the_buzz_still_comes():
    """A city corner 2.5 s into an upright episode used to throw the fault away and hold the
    coach 3 s: the buzz came after the episode or never."""
    segs = [STAND, {"do": "walk", "s": 8}, {"do": "run", "s": 30, "lean_deg": 8.0},
            {"do": "run", "s": 2.5, "lean_deg": 1.0, "fault": "upright"},
            {"do": "run", "s": 2.5, "lean_deg": 1.0, "fault": "upright", "turn_dps": 40.0},
            {"do": "run", "s": 9.0, "lean_deg": 1.0, "fault": "upright"},
            {"do": "run", "s": 20, "lean_deg": 8.0}]
    sink, truth = _replay(segs, quality="typical")
    s = score(sink.rows, sink.buzzes(), truth, min_episode_s=12.0, catch_within_s=10.0)
    assert s["faults"] == 1 and s["faults_caught"] == 1, s["missed"]
    assert s["latency_max_s"] < 7.0
    assert s["false_buzzes"] == 0


def test_a_tilt_error_after_a_set_off_into_a_corner_is_doubt_not_an_upright_buzz():
    """Setting off straight into a corner leaves the tilt ~3 deg off for seconds (the pull
    waits out the set-off; the accelerometer's offset has not been learned from a corner yet):
    a good 6.7 deg lean read 3.1-3.4 and buzzed "upright" (robustness bench, seed 1020). The
    stride-mean forward force less the tilt's gravity shows that error (~4 deg of it): an alert
    needs the lean outside the band by more than that doubt."""
    body = field.draw(1020, "chest", "typical", field.MECHANISMS)
    segs = scenario.field(1020, 600.0)
    imu, truth, _ = simulate(segs, mount="random", rate_hz=100, cadence_spm=176,
                             quality="typical", seed=1020, field=body)
    n = 40 * 100  # the stand, the set-off into the corner and the first half minute
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:n, 1:].ravel().tolist()),
                        config.defaults())
    good = Truth({k: v[:n] for k, v in truth.items()})
    assert good.episodes() == []
    assert sink.buzzes() == []  # before: buzz_upright at 13.6 s


def test_an_accelerometer_offset_along_gravity_does_not_shrink_the_lean():
    """An offset along gravity (0.08 g: a poor accelerometer's zero-g error) adds to the
    standing reading's length and shrinks every lean by about that share: the
    reading beyond 1 g standing tall is taken off along up."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 60, "lean_deg": 8.0}]
    imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=3)
    up = imu[:100, 1:4].mean(axis=0)
    mean_err = []
    for offset_g in (0.0, 0.08):  # the same run without and with the offset
        raw = imu.copy()
        raw[:, 1:4] += offset_g * up / np.linalg.norm(up)
        sink = run_pipeline(ImuRecording(0.0, 100.0, raw[:, 1:].ravel().tolist()),
                            config.defaults())
        mean_err.append(_lean_error(sink, Truth(truth), 30.0).mean())
    # what the offset does to the lean (before: -0.7 deg; the run's own error, +0.25, is not
    # this mechanism's)
    assert abs(mean_err[1] - mean_err[0]) < 0.15, mean_err


def test_an_accelerometer_offset_is_not_swung_round_by_a_half_turn():
    """A turn about the vertical leaves the vertical where it is in the sensor frame, but the
    gyro used to turn all of grav, the accelerometer's offset in it too: across a 180 deg
    corner an offset of 0.06 g (a poor accelerometer) along forward came out reversed, 2 x 3.4
    deg of lean error at the corner's end. The corner's turn about its own axis is now left
    out of the tilt (tilt.py, _yaw_free)."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 40, "lean_deg": 8.0},
            {"do": "run", "s": 4.5, "lean_deg": 8.0, "turn_dps": 40.0},
            {"do": "run", "s": 15, "lean_deg": 8.0}]
    imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=3)
    up = imu[(imu[:, 0] > 1) & (imu[:, 0] < 4), 1:4].mean(axis=0)
    across = np.cross(up, [0.0, 1.0, 0.0])  # (the chest mount's forward, across gravity)
    raw = imu.copy()
    raw[:, 1:4] += 0.06 * across / np.linalg.norm(across)
    sink = run_pipeline(ImuRecording(0.0, 100.0, raw[:, 1:].ravel().tolist()),
                        config.defaults())
    rows = [r for r in sink.rows if r[4] == 2 and 51.0 < r[0] < 62.0]  # the corner, 10 s on
    t = np.array([r[0] for r in rows])
    err = np.array([r[1] for r in rows]) - Truth(truth).window_mean(
        t - np.array([r[5] for r in rows]), t)
    # before: 3.8 deg at worst, 2.05 rms (without the offset: 1.5-1.75, 0.85-0.93)
    assert np.abs(err).max() < 2.5 and np.sqrt((err ** 2).mean()) < 1.2, err


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_wandering_gyro_gets_a_loop_quick_enough_for_it(seed):
    """A poor gyro wandering 0.03-0.1 deg/s per sqrt(s) and warming: the loop measures the
    wander and quickens (tiltgain.py). Before, the fixed 4/6 s loop left 0.75-1.0 deg rms
    (1.9-2.3 deg at worst) on these draws."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 240, "lean_deg": 8.0}]
    sink, truth = _replay(segs, quality="good", body_quality="poor", mechanisms=("warmup",),
                          seed=seed)
    err = _lean_error(sink, truth, 30.0)
    assert np.sqrt((err ** 2).mean()) < 0.6 and np.abs(err).max() < 1.7


def test_a_gyro_drifting_about_gravity_does_not_make_the_run_one_long_corner():
    """After the stand a warming gyro's zero rate about gravity moves by deg/s, which running
    cannot see; read against zero, every stride "turned" 8 deg/s, the coach judged none of
    them and the upright fault went uncued (before: 0 of 1)."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 60, "lean_deg": 7.0},
            {"do": "run", "s": 15, "lean_deg": 0.5, "fault": "upright"},
            {"do": "run", "s": 15, "lean_deg": 7.0}]
    imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=3)
    up = imu[(imu[:, 0] > 1) & (imu[:, 0] < 4), 1:4].mean(axis=0)
    ramp = np.clip((imu[:, 0] - 5.0) / 20.0, 0.0, 1.0)  # after the stand, over 20 s
    imu[:, 4:7] += np.outer(ramp, 8.0 * up / np.linalg.norm(up))
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                        config.defaults())
    s = score(sink.rows, sink.buzzes(), Truth(truth), min_episode_s=12, catch_within_s=10)
    assert (s["faults_caught"], s["faults"], s["false_buzzes"]) == (1, 1, 0)


@pytest.mark.parametrize("seed", [3, 4])
def test_the_sideways_error_a_corner_leaves_is_pulled_out_a_second_after_it(seed):
    """A corner leaves a sideways tilt error (here a chest clip whose accelerometer reads 0.06
    g off along forward, swung round by the corner's first stride). The sideways pull stayed
    off for the whole 3 s turn hold, and on poor sensors the error grew to 6-9 deg and became
    lean error at the next corner (issue 12, twelfth round: seed 1805). Now it is back 1 s
    after the turn. Roll error 2.5-4.5 s after the corner, less the one before it: before
    5.6 / 4.4 deg; after 3.3 / 2.6."""
    segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 40, "lean_deg": 7.0},
            {"do": "run", "s": 1.5, "lean_deg": 7.0, "turn_dps": 60.0},
            {"do": "run", "s": 15, "lean_deg": 7.0}]
    imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=seed)
    imu[:, 3] -= 0.06  # the chest mount's sensor z is forward
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                        config.defaults())
    rows = np.array([(r[0], r[2]) for r in sink.rows if r[4] == 2])
    err = rows[:, 1] - np.interp(rows[:, 0], truth["t"], truth["roll_deg"])
    before = err[(rows[:, 0] > 45.0) & (rows[:, 0] < 51.0)].mean()
    after = err[(rows[:, 0] > 55.0) & (rows[:, 0] < 57.0)].mean()
    assert after - before < 4.0


def _forward_after(imu, seconds):
    """The forward the pipeline holds after the first `seconds` of the run."""
    n = int(seconds * 100)
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:n, 1:].ravel().tolist()),
                        config.defaults())
    return np.array(sink.pipeline.calibration()["forward"])


def test_a_set_off_forward_bent_by_a_warming_gyro_is_found_again_later():
    """A clip warming against the body (this draw: 18.6 C, tau 68 s) drifts its gyro's zero
    rate by ~0.1 deg/s a second just after the stand, so during the set-off window the tilt the
    gyro holds with the stand's bias leans ~1-2 deg, and forward came out 8-9 deg from the one
    the same run finds without the drift (issue 12, tenth round). 30 s on, the bias learned
    while running says how far the bias had moved: the set-off's sums are corrected for it
    (forward.SetOff.correct; before: unchanged, 8.8 deg off; now 4.3)."""
    segs = [{"do": "stand", "s": 5}, {"do": "run", "s": 40, "lean_deg": 8.0}]
    angle = []
    for drift in (False, True):
        body = field.draw(1319, "waist", "poor", ("warmup",))
        if not drift:
            body["warmup"]["tempco_dps_per_c"] = [0.0, 0.0, 0.0]
            body["warmup"]["walk_dps_per_rt_s"] = 0.0
        imu, _, _ = simulate(segs, mount="back", rate_hz=100, quality="ideal", seed=1319,
                             field=body)
        if not drift:
            clean = _forward_after(imu, 45.0)
            continue
        for seconds in (15.0, 45.0):  # the set-off's forward, then the corrected one
            cos = float(np.dot(_forward_after(imu, seconds), clean))
            angle.append(np.degrees(np.arccos(min(1.0, cos))))
    assert angle[0] > 6.0, angle  # the drift bends the set-off's forward (else no test)
    assert angle[1] < 0.6 * angle[0], angle


def test_corners_keep_their_axis_on_a_sensor_whose_offset_tilts_it():
    """A chest clip whose accelerometer reads 0.07 g off along forward and 0.07 g the other way
    sideways (a poor grade's offset, ~5.7 deg across up that grav holds) runs eight 90 deg
    corners. The corners' turn axis as the gyro measures it sits 5-10 deg off grav's, and a
    gate about grav alone turned away half the corners' strides, whose turn then swung the
    offset round into lean error; the gate now centres on the axes' mean offset from grav
    (issue 12, sixteenth round). Lean RMS error over the last five corners and 3 s after
    each, mean of three runs: before 1.12 deg; now 0.88."""
    out = []
    for seed in (3, 4, 5):
        segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 20, "lean_deg": 8.0}]
        for k in range(8):
            segs.append({"do": "run", "s": 2.0, "lean_deg": 8.0,
                         "turn_dps": 45.0 if k % 2 == 0 else -45.0})
            segs.append({"do": "run", "s": 15, "lean_deg": 8.0})
        imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=seed)
        imu[:, 2] += 0.07  # the chest mount's sensor y is sideways, z forward
        imu[:, 3] -= 0.07
        sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                            config.defaults())
        rows = np.array([(r[0], r[1]) for r in sink.rows if r[4] == 2])
        err = rows[:, 1] - np.interp(rows[:, 0], truth["t"], truth["lean_deg"])
        near = np.zeros(len(rows), bool)
        for k in range(3, 8):
            start = 31.0 + 17.0 * k
            near |= (rows[:, 0] > start) & (rows[:, 0] < start + 5.0)
        out.append(np.sqrt(np.mean(err[near] ** 2)))
    assert np.mean(out) < 1.0, out


def _forward_in_plane_deg(imu, seconds, clean):
    """How far (deg) the forward the pipeline holds after `seconds` is turned from `clean`,
    about its own up (the offset tilts the stand's up too; that part is not forward's)."""
    n = int(seconds * 100)
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:n, 1:].ravel().tolist()),
                        config.defaults())
    cal = sink.pipeline.calibration()
    up = np.array(cal["up"]) / np.linalg.norm(cal["up"])
    fwd = np.array(cal["forward"])
    c = clean - np.dot(clean, up) * up
    return float(np.degrees(np.arctan2(np.dot(np.cross(c, fwd), up), np.dot(c, fwd))))


def test_a_set_off_forward_bent_by_the_accelerometers_offset_is_found_again_once_it_is_learned():
    """The accelerometer's offset cancels in the set-off window (it is in the force and in the
    gravity the stand left) until the body turns: a set-off into a corner swings gravity's
    share of it round with the world, and the window sums the difference as motion. Here a
    chest clip reading 0.05 g off on each axis across up (sensor y, z) sets off into a 90 deg
    corner: forward came out ~5 deg from the one the same run finds without the offset, and
    stayed so all run (issue 12, sixteenth round). Once corners have taught the offset learner
    part of it, the window's sums are corrected for what it has learned (forward.SetOff.correct:
    ~0.5 deg after eight corners)."""
    run = {"do": "run", "lean_deg": 8.0}
    segs = [STAND, dict(run, s=2.0), dict(run, s=1.5, turn_dps=60.0), dict(run, s=30.0)]
    for k in range(8):
        segs += [dict(run, s=1.5, turn_dps=60.0 if k % 2 else -60.0), dict(run, s=20.0)]
    imu, _, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=3)
    sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                        config.defaults())
    clean = np.array(sink.pipeline.calibration()["forward"])
    imu[:, 2:4] += (0.05, -0.05)
    found = _forward_in_plane_deg(imu, 12.0, clean)
    last = _forward_in_plane_deg(imu, len(imu) / 100.0, clean)
    assert abs(found) > 3.0, found  # the offset bends the set-off's forward (else no test)
    assert abs(last) < 0.4 * abs(found), (found, last)


def test_a_gyro_bias_about_gravity_does_not_tilt_the_lean_when_the_posture_changes():
    """A warming gyro's zero rate about the running trunk's up (8 deg/s, which running cannot
    see) stayed in the rate the tilt turns by, judged only as the yaw rate's baseline: once
    the trunk straightened by 6.5 deg part of it lay across the new up and tilted the estimate
    until the loop learned it (seed 1425's arch, cued at 12.4 s). Straight strides' yaw rate
    now moves the bias along up (issue 12, sixteenth round, wave 2). Lean error at worst over
    the 20 s after the change, mean of two runs: before 0.64 deg (0.76, 0.53); now 0.41 (0.49,
    0.32)."""
    worst = []
    for seed in (3, 4):
        segs = [STAND, {"do": "walk", "s": 6}, {"do": "run", "s": 60, "lean_deg": 7.0},
                {"do": "run", "s": 20, "lean_deg": 0.5}, {"do": "run", "s": 20, "lean_deg": 7.0}]
        imu, truth, _ = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=seed)
        up = imu[(imu[:, 0] > 30) & (imu[:, 0] < 70), 1:4].mean(axis=0)  # the running trunk's
        ramp = np.clip((imu[:, 0] - 5.0) / 20.0, 0.0, 1.0)  # after the stand, over 20 s
        imu[:, 4:7] += np.outer(ramp, 8.0 * up / np.linalg.norm(up))
        sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                            config.defaults())
        err = _lean_error(sink, Truth(truth), 71.0)
        t = np.array([r[0] for r in sink.rows if r[4] == 2 and r[0] > 71.0])
        worst.append(np.abs(err[t < 91.0]).max())
    assert np.mean(worst) < 0.5, worst


def test_up_is_the_stands_mean_posture_not_half_a_second_of_its_sway():
    """Standing still sways (0.2-0.4 Hz, up to ~0.3 deg in pitch and roll); "up" read off the
    half second before the bias was measured (2 s into the stand) was zero lean off by the
    sway's phase then, and every later lean with it: on a perfect sensor 0.1-0.3 deg of steady
    error, the share that had gone with the set-off into a turn (issue 12, sixteenth round,
    wave 2). The whole calibrating stand's mean force (but its onset) averages the sway out.
    Six draws of the sway, the angle from the true up: before 0.03-0.45 deg, now 0.01-0.05."""
    segs = [{"do": "stand", "s": 6.0}, {"do": "run", "s": 8.0, "lean_deg": 8.0}]
    errors = []
    for seed in range(1, 7):
        imu, _, meta = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=seed)
        sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                            config.defaults())
        up = np.array(sink.pipeline.calibration()["up"])
        true_up = np.array(meta["mount"]["R_bs"])[2]
        errors.append(np.degrees(np.arccos(min(1.0, float(np.dot(up, true_up))))))
    assert max(errors) < 0.1, errors


def _turned(v, axis, rad):
    """Rows of v turned by rad (one angle a row) about the unit axis (Rodrigues)."""
    c, s = np.cos(rad)[:, None], np.sin(rad)[:, None]
    return v * c + np.cross(axis, v) * s + np.outer(v @ axis, axis) * (1.0 - c)


def test_up_is_the_stand_tall_not_the_ease_a_runner_waits_in_after_the_ready_cue():
    """Up is the calibrating stand's mean posture over its first 6 s at most: a runner who
    waits on after the "ready" cue (2 s in) may sink by a degree or two, too slowly to end the
    stand (the trunk stays within 2 deg and the gyro under the still limits), and that is not
    zero lean. A 20 s stand that eases 1.5 deg forward from 6 s on: up 0.54-0.55 deg off with
    the whole stand's mean, 0.02-0.06 with the first 6 s."""
    errors = []
    for seed in range(1, 5):
        segs = [{"do": "stand", "s": 20.0}, {"do": "run", "s": 8.0, "lean_deg": 8.0}]
        imu, _, meta = simulate(segs, mount="chest", rate_hz=100, quality="ideal", seed=seed)
        r_bs = np.array(meta["mount"]["R_bs"])
        side = np.cross(r_bs[2], r_bs[0])
        side /= np.linalg.norm(side)
        t_s = imu[:, 0]
        ease_rad = np.radians(np.clip((t_s - 6.0) / 13.0, 0.0, 1.0) * 1.5)
        imu[:, 1:4] = _turned(imu[:, 1:4], side, ease_rad)
        imu[:, 4:7] -= np.outer(np.where((t_s > 6.0) & (t_s < 19.0), 1.5 / 13.0, 0.0), side)
        sink = run_pipeline(ImuRecording(0.0, 100.0, imu[:, 1:].ravel().tolist()),
                            config.defaults())
        up = np.array(sink.pipeline.calibration()["up"])
        errors.append(np.degrees(np.arccos(min(1.0, float(np.dot(up, r_bs[2]))))))
    assert max(errors) < 0.2, errors
