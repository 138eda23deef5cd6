"""The simulator must produce what a real IMU on a real trunk would: these tests check the
physics against itself (gyro vs attitude, accel vs gravity) and the file contract."""
import json
import subprocess
import sys

import numpy as np
import pytest

from host_tools.cli import main
from host_tools.errors import UserError
from host_tools.simulate import scenario, simulate, simulator, write
from host_tools.simulate.simulator import IMU_COLUMNS, TRUTH_COLUMNS

STAND = {"do": "stand", "s": 5}
# 150 steps/min at 200 Hz: a stride is exactly 160 samples, so stride means are exact sums.
STEADY = [STAND, {"do": "run", "s": 40, "cadence_spm": 150}]
TURNS = [STAND, {"do": "run", "s": 15}, {"do": "run", "s": 3, "turn_dps": 30},
         {"do": "run", "s": 15, "turn_dps": -10}, {"do": "run", "s": 3, "turn_dps": -30},
         {"do": "run", "s": 10, "speed_mps": 4.2}, {"do": "run", "s": 14}]


@pytest.fixture(scope="module")
def steady():
    return simulate(STEADY, rate_hz=200, quality="ideal", seed=3)


def _r_bs(meta):
    return np.array(meta["mount"]["R_bs"])


def _strides(truth, start_s):
    """Sample masks of the whole strides (two steps) after start_s."""
    stride = np.floor(truth["step_phase"] / 2).astype(int)
    ids = np.unique(stride[truth["t"] > start_s])[1:-1]
    return [stride == i for i in ids]


def test_standing_reads_gravity_along_the_mounted_up_axis():
    imu, truth, meta = simulate([STAND], rate_hz=100, quality="ideal", seed=1)
    accel = imu[:, 1:4]
    assert np.allclose(np.linalg.norm(accel, axis=1), 1.0, atol=0.002)
    up_s = _r_bs(meta).T @ [0.0, 0.0, 1.0]  # trunk up in sensor axes
    mean = accel.mean(axis=0) / np.linalg.norm(accel.mean(axis=0))
    assert np.degrees(np.arccos(mean @ up_s)) < 0.5  # only postural sway remains
    assert np.abs(imu[:, 4:7]).max() < 1.0  # sway is slow: < 1 deg/s
    assert set(truth["state"]) == {"still"} and not truth["cadence_spm"].any()


def test_standing_gyro_reads_its_bias():
    imu, _, meta = simulate([STAND], rate_hz=100, quality="typical", seed=2)
    bias = np.array(meta["sensor"]["gyro_bias_dps"])
    assert np.abs(bias).max() > 0.3  # the draw is not zero
    assert np.allclose(imu[:, 4:7].mean(axis=0), bias, atol=0.1)
    assert abs(np.linalg.norm(imu[:, 1:4].mean(axis=0)) - 1.0) < 0.1


def _expm(w):
    """Rotation matrix of the rotation vector w (Rodrigues)."""
    angle = np.linalg.norm(w)
    k = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
    if angle < 1e-12:
        return np.eye(3) + k
    return np.eye(3) + np.sin(angle) / angle * k + (1 - np.cos(angle)) / angle ** 2 * k @ k


def test_integrated_gyro_reproduces_the_true_attitude():
    imu, truth, meta = simulate(TURNS, rate_hz=200, quality="ideal", seed=4)
    r_bs, dt = _r_bs(meta), 1 / 200
    gyro = np.radians(imu[:, 4:7])
    r_ws = truth["R_wb"][0] @ r_bs
    worst_gravity_deg = worst_attitude_deg = 0.0
    for n in range(len(gyro) - 1):
        r_ws = r_ws @ _expm(0.5 * (gyro[n] + gyro[n + 1]) * dt)
        true = truth["R_wb"][n + 1] @ r_bs
        err = true.T @ r_ws
        worst_attitude_deg = max(worst_attitude_deg, np.degrees(
            np.arccos(np.clip((np.trace(err) - 1) / 2, -1, 1))))
        worst_gravity_deg = max(worst_gravity_deg, np.degrees(
            np.arccos(np.clip(r_ws[2] @ true[2], -1, 1))))
    assert truth["t"][-1] > 60
    assert worst_gravity_deg < 0.2
    assert worst_attitude_deg < 0.2  # heading through three turns too


def test_turns_follow_the_script():
    _, truth, _ = simulate(TURNS, rate_hz=100, quality="ideal", seed=4)
    fwd = truth["R_wb"][:, :, 0]
    heading = np.degrees(np.unwrap(np.arctan2(fwd[:, 1], fwd[:, 0])))
    at = np.searchsorted(truth["t"], [19.5, 60.0])
    # 90 left, then a 150 deg right curve, then 90 right; yaw rocking is +-4 deg.
    assert heading[at] == pytest.approx([0, 90 - 150 - 90], abs=5)
    assert heading.max() == pytest.approx(90, abs=5)
    in_corner = (truth["t"] > 21) & (truth["t"] < 22)
    # Leaning into a left turn is leaning left: atan(v w / g) ~ 9.7 deg at 3.2 m/s, 30 deg/s.
    assert truth["roll_deg"][in_corner] == pytest.approx(-9.7, abs=0.2)


def test_stride_mean_specific_force_is_gravity(steady):
    imu, truth, meta = steady
    world = np.einsum("nij,jk,nk->ni", truth["R_wb"], _r_bs(meta), imu[:, 1:4])
    strides = _strides(truth, 10.0)
    assert len(strides) > 30 and all(m.sum() == 160 for m in strides)
    for m in strides:
        assert world[m].mean(axis=0) == pytest.approx([0, 0, 1], abs=0.01)


def test_running_peaks_and_flight(steady):
    imu, truth, _ = steady
    magnitude = np.linalg.norm(imu[:, 1:4], axis=1)
    step = np.floor(truth["step_phase"]).astype(int)
    phase = truth["step_phase"] - step
    running = truth["t"] > 10
    for k in np.unique(step[running])[1:-1]:
        this = step == k
        assert 2.0 < magnitude[this].max() < 4.0
        assert magnitude[this & (phase > 0.75) & (phase < 0.98)].max() < 0.3  # flight


def test_stride_mean_lean_is_the_scripted_lean(steady):
    _, truth, _ = steady
    for m in _strides(truth, 10.0):
        assert truth["lean_inst_deg"][m].mean() == pytest.approx(truth["lean_deg"][m].mean(),
                                                                 abs=0.1)
        assert np.ptp(truth["lean_inst_deg"][m]) > 3  # the within-stride rocking is there
    assert truth["lean_deg"][-1] == 7.0


def test_mounts_see_the_same_motion_rotated():
    runs = {m: simulate([STAND, {"do": "run", "s": 10}], mount=m, rate_hz=100, quality="ideal",
                        seed=5) for m in ("chest", "upside-down", "back", "random")}
    chest_imu, chest_truth, chest_meta = runs["chest"]
    for imu, truth, meta in runs.values():
        rel = _r_bs(chest_meta).T @ _r_bs(meta)  # chest-sensor-from-this-sensor
        assert np.allclose(imu[:, 4:7] @ rel.T, chest_imu[:, 4:7], atol=1e-9)
        assert np.allclose(truth["lean_inst_deg"], chest_truth["lean_inst_deg"])
        if meta["mount"]["lever_m"] == chest_meta["mount"]["lever_m"]:
            assert np.allclose(imu[:, 1:4] @ rel.T, chest_imu[:, 1:4], atol=1e-9)
    back_accel = runs["back"][0][:, 1:4] @ (_r_bs(chest_meta).T @ _r_bs(runs["back"][2])).T
    assert not np.allclose(back_accel, chest_imu[:, 1:4], atol=0.01)  # a different lever arm
    assert not np.allclose(_r_bs(runs["random"][2]), _r_bs(chest_meta))


def test_poor_sensor_saturates_and_quantises():
    hard = [STAND, {"do": "run", "s": 20, "impact_g": 3.0, "speed_mps": 4.0}]
    imu, _, meta = simulate(hard, rate_hz=200, quality="poor", seed=6)
    sensor = meta["sensor"]
    accel_counts = imu[:, 1:4] / sensor["accel_lsb_g"]
    gyro_counts = imu[:, 4:7] / sensor["gyro_lsb_dps"]
    assert np.array_equal(accel_counts, np.round(accel_counts))
    assert np.array_equal(gyro_counts, np.round(gyro_counts))
    assert accel_counts.max() == 32767 or accel_counts.min() == -32768
    assert (np.abs(accel_counts) >= 32767).sum() > 5  # impacts clip, several times
    assert np.abs(accel_counts).max() <= 32768
    assert sensor["spec"]["accel_range_g"] == 4.0


def test_same_seed_same_run_and_json_round_trip(tmp_path):
    imu, truth, meta = simulate([STAND, {"do": "walk", "s": 4}], rate_hz=50, seed=9)
    again, _, _ = simulate([STAND, {"do": "walk", "s": 4}], rate_hz=50, seed=9)
    assert np.array_equal(imu, again)
    other, _, _ = simulate([STAND, {"do": "walk", "s": 4}], rate_hz=50, seed=10)
    assert not np.array_equal(imu, other)
    write(str(tmp_path), imu, truth, meta)
    replayed, _, _ = simulate(str(tmp_path / "scenario.json"), rate_hz=50, seed=9)
    assert np.array_equal(imu, replayed)


def test_chunked_computation_matches_one_pass(monkeypatch):
    whole = simulate(TURNS[:3], rate_hz=100, quality="typical", seed=8)
    monkeypatch.setattr(simulator, "CHUNK_INTERNAL_SAMPLES", 777)
    parts = simulate(TURNS[:3], rate_hz=100, quality="typical", seed=8)
    assert np.allclose(whole[0], parts[0], rtol=0, atol=1e-12)
    for key in ("lean_inst_deg", "R_wb", "step_phase"):
        assert np.allclose(whole[1][key], parts[1][key], rtol=0, atol=1e-12)


def test_output_times_are_a_constant_rate():
    imu, truth, meta = simulate([{"do": "stand", "s": 3.0}], rate_hz=333, quality="ideal")
    assert len(imu) == 999 and meta["internal_rate_hz"] == 1332
    assert np.allclose(np.diff(imu[:, 0]), 1 / 333) and imu[0, 0] == 0.0
    assert np.array_equal(truth["t"], imu[:, 0])


def test_labels_follow_the_script():
    segs = [STAND, {"do": "walk", "s": 5}, {"do": "run", "s": 5},
            {"do": "run", "s": 5, "lean_deg": 1.5, "fault": "upright"}, {"do": "stand", "s": 3}]
    _, truth, _ = simulate(segs, rate_hz=50, quality="ideal")
    at = np.searchsorted(truth["t"], [2, 7, 12, 17, 21])
    assert list(truth["state"][at]) == ["still", "walking", "running", "running", "still"]
    assert list(truth["fault"][at]) == ["none", "none", "none", "upright", "none"]
    assert list(truth["cadence_spm"][at]) == [0, 110, 170, 170, 0]
    assert truth["speed_mps"][at[-1]] == 0  # stopped before the stand begins
    assert truth["lean_deg"][at[3]] == 1.5


def test_builtin_and_bench_scenarios_are_valid():
    demo = scenario.resolve(scenario.demo())
    assert 540 < sum(s["s"] for s in demo) < 660
    assert {s["fault"] for s in demo} == {"none", "upright", "arch"}
    for seed in range(5):
        segs = scenario.resolve(scenario.bench(seed, n_faults=4, overlean=True), 180)
        faults = [s for s in segs if s["fault"] != "none"]
        assert len(faults) == 5 and all(10 <= s["s"] <= 25 for s in faults)
        assert {s["fault"] for s in faults} == {"upright", "arch", "overlean"}
        assert 550 < sum(s["s"] for s in segs) < 700
        assert all(s["cadence_spm"] == 180 for s in segs if s["do"] == "run")


@pytest.mark.parametrize("segments, message", [
    ([], "non-empty list"),
    ([STAND, {"do": "jog", "s": 3}], "segment 2: 'do' must be"),
    ([STAND, {"do": "run", "s": 3, "lean": 4}], "segment 2 (run): unknown key 'lean'"),
    ([STAND, {"do": "run"}], "segment 2 (run): missing duration"),
    ([STAND, {"do": "run", "s": "10"}], "'s' must be a number"),
    ([STAND, {"do": "run", "s": 5, "speed_mps": 20}], "speed_mps=20 is outside"),
    ([STAND, {"do": "walk", "s": 5, "fault": "arch"}], "only to run segments"),
    ([STAND, {"do": "run", "s": 5, "fault": "slouch"}], "fault must be one of"),
])
def test_bad_scenarios_name_the_problem(segments, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scenario.resolve(segments)


@pytest.mark.parametrize("options", [{"mount": "hat"}, {"rate_hz": 20}, {"rate_hz": 100.5},
                                     {"cadence_spm": 120}, {"quality": "great"}])
def test_bad_options_are_user_errors(options):
    with pytest.raises(UserError):
        simulate([STAND], **options)


def test_cli_writes_the_three_files(tmp_path, capsys):
    assert main(["simulate", "--scenario", "steady", "--rate", "50", "--quality", "good",
                 "--mount", "yaw45", "--seed", "3", "--out", str(tmp_path / "run")]) == 0
    assert "9250 samples" in capsys.readouterr().out
    with open(tmp_path / "run" / "imu.csv") as f:
        lines = f.read().splitlines()
    assert lines[0] == ",".join(IMU_COLUMNS) and len(lines) == 9251
    assert len(lines[1].split(",")) == 7
    with open(tmp_path / "run" / "truth.csv") as f:
        truth_lines = f.read().splitlines()
    assert truth_lines[0] == ",".join(TRUTH_COLUMNS) and len(truth_lines) == 9251
    assert truth_lines[-1].split(",")[4:6] == ["running", "none"]
    with open(tmp_path / "run" / "scenario.json") as f:
        meta = json.load(f)
    assert meta["options"]["seed"] == 3 and meta["mount"]["name"] == "yaw45"
    assert len(meta["sensor"]["accel_matrix"]) == 3


@pytest.mark.parametrize("content, message", [
    ("[{\"do\": \"stand\", \"s\": 5}, {\"do\": \"run\", \"s\": 5, \"lean\": 3}]",
     "segment 2 (run): unknown key 'lean'"),
    ("{not json", "is not valid JSON"),
    ("{\"segmnts\": []}", "expected a list of segments"),
])
def test_cli_bad_scenario_file_is_one_line_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "host_tools.cli", "simulate", "--scenario",
                           str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert not (tmp_path / "out").exists()


def test_cli_missing_scenario_file(tmp_path, capsys):
    assert main(["simulate", "--scenario", str(tmp_path / "nope.json"),
                 "--out", str(tmp_path)]) == 2
    assert "cannot read scenario" in capsys.readouterr().err


def test_cli_unwritable_output_is_a_user_error(tmp_path, capsys):
    (tmp_path / "file").write_text("keep me")
    assert main(["simulate", "--scenario", "steady", "--rate", "50",
                 "--out", str(tmp_path / "file")]) == 2
    assert "cannot write to" in capsys.readouterr().err
    assert (tmp_path / "file").read_text() == "keep me"
