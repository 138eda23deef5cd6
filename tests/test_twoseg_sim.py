"""The two-segment trunk (host_tools/simulate/twoseg.py, issue 17): the truth does what each
episode means, and each sensor's columns agree with its own segment's truth."""
import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from host_tools.errors import UserError
from host_tools import cli
from host_tools.simulate import twoseg, twoseg_script
from host_tools.simulate.scenario import RUN_CADENCE_SPM


@pytest.fixture(scope="module")
def demo():
    """The demo script on ideal sensors (bias-free: the force's direction is the tilt), random
    mounts, every field mechanism."""
    return twoseg.simulate("demo", rate_hz=100, seed=4, chest_quality="ideal",
                           pelvis_quality="ideal")


@pytest.fixture(scope="module")
def typical():
    return twoseg.simulate("demo", rate_hz=100, seed=9)


def _settled(truth, ep, skip_s=3.0):
    """Samples of an episode after its 1 s ramps and the stride window have settled."""
    t = truth["t_ms"]
    return (t >= ep["start_ms"] + skip_s * 1000) & (t <= ep["end_ms"] - 1500)


def _means(truth, mask):
    return {k: float(truth[k][mask].mean()) for k in ("thorax_deg", "pelvis_deg", "lumbar_deg")}


def _episode(meta, kind):
    return next(ep for ep in meta["episodes"] if ep["episode"] == kind)


def _good_running(truth):
    t = truth["t_ms"]
    return (truth["episode"] == "none") & (truth["state"] == "running") & (t > 30000) & (
        t < 50000)


def test_the_demo_has_each_episode_once_in_script_order(demo):
    _, _, meta = demo
    assert [ep["episode"] for ep in meta["episodes"]] == list(twoseg_script.EPISODES)
    assert all(ep["end_ms"] - ep["start_ms"] >= 12000 for ep in meta["episodes"])


def test_ankle_lean_tilts_both_segments_together(demo):
    _, truth, meta = demo
    good = _means(truth, _good_running(truth))
    lean = _means(truth, _settled(truth, _episode(meta, "ankle_lean")))
    assert lean["thorax_deg"] - good["thorax_deg"] > 3.0
    assert lean["pelvis_deg"] - good["pelvis_deg"] == pytest.approx(
        lean["thorax_deg"] - good["thorax_deg"], abs=0.5)
    assert lean["lumbar_deg"] == pytest.approx(good["lumbar_deg"], abs=0.5)


def test_hip_bend_moves_only_the_thorax(demo):
    _, truth, meta = demo
    good = _means(truth, _good_running(truth))
    bend = _means(truth, _settled(truth, _episode(meta, "hip_bend")))
    assert bend["thorax_deg"] - good["thorax_deg"] > 5.0
    assert abs(bend["pelvis_deg"]) < 2.0
    assert bend["lumbar_deg"] > 10.0  # + = flexion


def test_lumbar_arch_tips_the_pelvis_forward_most_at_toe_off(demo):
    _, truth, meta = demo
    ep = _episode(meta, "lumbar_arch")
    arch = _settled(truth, ep)
    m = _means(truth, arch)
    assert m["thorax_deg"] < 3.0 and m["pelvis_deg"] > 9.0
    assert m["lumbar_deg"] < -8.0  # - = extension
    phase = truth["step_phase"] % 1.0
    toeoff = arch & (np.abs(phase - truth["contact"]) < 0.08)
    away = arch & (np.abs(phase - truth["contact"]) > 0.3)
    assert truth["lumbar_deg"][toeoff].mean() < m["lumbar_deg"] - 1.5
    assert truth["lumbar_deg"][toeoff].mean() < truth["lumbar_deg"][away].mean() - 3


def test_upright_has_both_near_standing_tall(demo):
    _, truth, meta = demo
    m = _means(truth, _settled(truth, _episode(meta, "upright")))
    assert abs(m["thorax_deg"]) < 2.5 and abs(m["pelvis_deg"]) < 4.0


def _band(x, rate_hz, lo_hz, hi_hz):
    spec = np.fft.rfft(x - x.mean())
    freq = np.fft.rfftfreq(len(x), 1.0 / rate_hz)
    spec[(freq < lo_hz) | (freq > hi_hz)] = 0.0
    return np.fft.irfft(spec, len(x))


def _pitch_pp(angle_deg, rate_hz, step_hz):
    """Median peak-to-peak (deg) of a pitch angle's step-frequency part per step and of its
    stride-frequency part per stride (FFT band-pass +-20 % round each)."""
    out = []
    for f_hz, steps in ((step_hz, 1), (step_hz / 2, 2)):
        part = _band(angle_deg, rate_hz, 0.8 * f_hz, 1.2 * f_hz)
        n = int(round(steps * rate_hz / step_hz))
        out.append(float(np.median([np.ptp(part[i:i + n])
                                    for i in range(n, len(part) - 2 * n, n)])))
    return out


def test_each_segment_rocks_at_step_frequency_with_its_own_amplitude(demo):
    _, truth, meta = demo
    run = _good_running(truth)
    wobble = truth["thorax_deg"][run] - truth["thorax_stride_deg"][run]
    pp = np.percentile(wobble, 99) - np.percentile(wobble, 1)
    assert pp == pytest.approx(2 * meta["chest"]["field"]["rocking"]["amp_deg"], rel=0.25)
    step_pp, stride_pp = _pitch_pp(truth["pelvis_deg"][run], 100.0, RUN_CADENCE_SPM / 60)
    pelvis = meta["pelvis"]["field"]
    assert step_pp == pytest.approx(2 * pelvis["rocking"]["amp_deg"], rel=0.1)
    assert stride_pp == pytest.approx(2 * pelvis["stride_rocking"]["amp_deg"], rel=0.15)
    assert np.corrcoef(wobble, truth["pelvis_deg"][run]
                       - truth["pelvis_stride_deg"][run])[0, 1] < 0.9  # each its own


REAL = sorted((Path(__file__).parent / "data" / "sisfall").glob("*.csv.gz"))


@pytest.mark.parametrize("path", REAL, ids=[p.name[:19] for p in REAL])
def test_the_pelvis_oscillation_range_holds_the_real_waist_worn_jogs(path):
    """tests/data/sisfall (provenance there): a logger on a belt, x to the right, so its
    pitch is the integrated x rate. Each jog's step- and stride-frequency pitch must lie in the
    ranges the simulator draws the pod's from (README "Two-segment trunk")."""
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", skiprows=1)
    rate_hz = 1.0 / np.median(np.diff(data[:, 0]))
    jog = data[data[:, 0] > 5.0]
    accel = np.linalg.norm(jog[:, 1:4], axis=1)
    spec = np.abs(np.fft.rfft(accel - accel.mean()))
    freq = np.fft.rfftfreq(len(accel), 1.0 / rate_hz)
    band = (freq > 1.8) & (freq < 3.6)
    step_hz = freq[band][np.argmax(spec[band])]
    step_pp, stride_pp = _pitch_pp(np.cumsum(jog[:, 4]) / rate_hz, rate_hz, step_hz)
    assert twoseg.PELVIS_ROCK_PP_DEG[0] <= step_pp <= twoseg.PELVIS_ROCK_PP_DEG[1]
    assert twoseg.PELVIS_STRIDE_PP_DEG[0] <= stride_pp <= twoseg.PELVIS_STRIDE_PP_DEG[1]


def _whole_strides(truth, mask):
    """Slice from the first right touchdown in mask to the last one: whole strides only."""
    k = np.floor(truth["step_phase"]).astype(int)
    touch = np.flatnonzero(mask[1:] & (k[1:] != k[:-1]) & (k[1:] % 2 == 0)) + 1
    return slice(touch[0], touch[-1])


@pytest.mark.parametrize("kind", twoseg_script.EPISODES)
def test_the_mean_force_over_strides_is_each_segments_true_tilt(demo, kind):
    """Over whole strides the body neither speeds up nor climbs, so each sensor's specific
    force turned into the world by its segment's true attitude averages to 1 g straight up
    (exactly: the columns and the truth are one motion); and the tilt of the mean force in
    body axes is the segment's mean tilt give or take what the rocking, in phase with the
    ground force, shifts it by (field.py: up to ~1 deg on the thorax)."""
    imu, truth, meta = demo
    sl = _whole_strides(truth, _settled(truth, _episode(meta, kind)))
    for seg, cols, key, r_key in (("chest", slice(1, 4), "thorax_deg", "R_wb"),
                                  ("pelvis", slice(7, 10), "pelvis_deg", "R_wb_pelvis")):
        f_b = imu[sl, cols] @ np.array(meta[seg]["mount"]["R_bs"]).T
        f_w = np.einsum("nij,nj->i", truth[r_key][sl], f_b) / len(f_b)
        assert np.allclose(f_w, [0.0, 0.0, 1.0], atol=0.004), seg
        mean_b = f_b.mean(axis=0)
        tilt = np.degrees(np.arctan2(-mean_b[0], mean_b[2]))
        assert tilt == pytest.approx(truth[key][sl].mean(), abs=1.5), seg


def test_each_gyro_is_its_own_segments_rate(demo):
    imu, truth, meta = demo
    run = _good_running(truth)
    for seg, cols, r_key in (("chest", slice(4, 7), "R_wb"), ("pelvis", slice(10, 13),
                                                               "R_wb_pelvis")):
        r_wb = truth[r_key]
        # body rate from the attitude: skew(w) = R^T dR/dt (central difference)
        d = np.einsum("nji,njk->nik", r_wb[1:-1], (r_wb[2:] - r_wb[:-2]) / 0.02)
        w_truth = np.degrees(np.stack([d[:, 2, 1], d[:, 0, 2], d[:, 1, 0]], -1))[run[1:-1]]
        w_sensor = (imu[1:-1, cols] @ np.array(meta[seg]["mount"]["R_bs"]).T)[run[1:-1]]
        # pitch rates differ between the segments; each sensor matches its own
        err = w_sensor[:, 1] - w_truth[:, 1]
        assert np.sqrt(np.mean(err ** 2)) < 0.1 * np.sqrt(np.mean(w_truth[:, 1] ** 2)) + 1.0, seg


def test_both_sensors_feel_the_same_steps_but_not_the_same_rocking(demo):
    imu, truth, meta = demo
    run = _good_running(truth)
    chest = np.linalg.norm(imu[run, 1:4], axis=1)
    pelvis = np.linalg.norm(imu[run, 7:10], axis=1)
    assert np.corrcoef(chest, pelvis)[0, 1] > 0.9
    pitch_t = truth["thorax_deg"][run] - truth["thorax_stride_deg"][run]
    pitch_p = truth["pelvis_deg"][run] - truth["pelvis_stride_deg"][run]
    assert np.corrcoef(pitch_t, pitch_p)[0, 1] < 0.9


def test_two_sensors_have_their_own_mount_grade_and_errors(typical):
    _, _, meta = typical
    chest, pelvis = meta["chest"], meta["pelvis"]
    assert not np.allclose(chest["mount"]["R_bs"], pelvis["mount"]["R_bs"])
    assert chest["sensor"]["accel_bias_g"] != pelvis["sensor"]["accel_bias_g"]
    assert chest["field"]["warmup"] != pelvis["field"]["warmup"]
    assert pelvis["mount"]["lever_m"][2] < 0.1 < chest["mount"]["lever_m"][2]
    lo, hi = twoseg.PELVIS_ROCK_PP_DEG
    assert lo / 2 <= pelvis["field"]["rocking"]["amp_deg"] <= hi / 2
    assert "stride_rocking" in pelvis["field"] and "stride_rocking" not in chest["field"]


def test_same_seed_same_run_and_the_grade_is_per_sensor():
    a = twoseg.simulate("demo", seed=3, pelvis_quality="poor")
    b = twoseg.simulate("demo", seed=3, pelvis_quality="poor")
    assert np.array_equal(a[0], b[0])
    assert a[2]["pelvis"]["sensor"]["quality"] == "poor"
    assert a[2]["chest"]["sensor"]["quality"] == "typical"


def test_field_run_recasts_every_fault_as_a_two_segment_episode():
    for seed in range(6):
        segs = twoseg_script.resolve(twoseg_script.field_run(seed, 600.0))
        kinds = []
        for seg in segs:
            if seg["episode"] != "none" and (not kinds or kinds[-1][0] is not seg):
                kinds.append((seg, seg["episode"]))
        eps = [k for _, k in kinds]
        assert set(eps) == set(twoseg_script.EPISODES)
        for seg in segs:
            lumbar = seg["lean_deg"] - seg["pelvis_deg"]
            if seg["episode"] == "hip_bend":
                assert lumbar >= 10.0
            elif seg["episode"] == "lumbar_arch":
                assert lumbar <= -8.0 and seg["toeoff_deg"] >= 3.0
            elif seg["do"] == "run":
                assert -3.5 <= lumbar <= 1.5  # the runner's own offset: good form
            assert seg["fault"] in ("none", "upright", "arch")


def test_resolve_refuses_bad_two_segment_keys():
    with pytest.raises(UserError, match="only to run segments"):
        twoseg_script.resolve([{"do": "stand", "s": 3, "episode": "upright"}])
    with pytest.raises(UserError, match="pelvis_deg=50"):
        twoseg_script.resolve([{"do": "run", "s": 3, "pelvis_deg": 50}])
    with pytest.raises(UserError, match="must be a number"):
        twoseg_script.resolve([{"do": "run", "s": 3, "toeoff_deg": "x"}])
    with pytest.raises(UserError, match="unknown key"):
        twoseg_script.resolve([{"do": "run", "s": 3, "pelvic": 5}])
    seg = twoseg_script.resolve([{"do": "run", "s": 3, "lean_deg": 9}])[0]
    assert seg["pelvis_deg"] == 9 and seg["episode"] == "none"  # default: one line


def test_command_writes_the_contract_files(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["simulate-pelvis", "--seed", "2", "--out", str(out)]) == 0
    assert "4 episodes" in capsys.readouterr().out
    with open(out / "imu.csv") as f:
        header = next(csv.reader(f))
    assert header == ["t", "ax", "ay", "az", "gx", "gy", "gz",
                      "pax", "pay", "paz", "pgx", "pgy", "pgz"]
    with open(out / "truth.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:4] == ["t_ms", "thorax_deg", "pelvis_deg", "lumbar_deg"]
    r = rows[len(rows) // 2]
    assert float(r["lumbar_deg"]) == pytest.approx(
        float(r["thorax_deg"]) - float(r["pelvis_deg"]), abs=2e-4)
    with open(out / "episodes.csv") as f:
        eps = list(csv.DictReader(f))
    assert [e["episode"] for e in eps] == list(twoseg_script.EPISODES)
    assert int(eps[0]["start_ms"]) < int(eps[0]["end_ms"])
    # written again from its own scenario.json: the same run
    again = tmp_path / "again"
    assert cli.main(["simulate-pelvis", "--seed", "2", "--scenario", str(out / "scenario.json"),
                                "--out", str(again)]) == 0
    assert (again / "imu.csv").read_bytes() == (out / "imu.csv").read_bytes()


@pytest.mark.parametrize("argv,message", [
    (["--rate", "5"], "rate must be"),
    (["--scenario", "/no/such.json"], "cannot read scenario"),
    (["--duration", "5", "--scenario", "field"], "duration must be"),
])
def test_command_bad_input_is_one_line_and_status_2(tmp_path, capsys, argv, message):
    assert cli.main(["simulate-pelvis"] + argv + ["--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()
