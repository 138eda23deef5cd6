"""Scoring a two-sensor replay (host_tools/evaluate_twoseg.py) on rows and buzzes made up against
a simulated two-segment truth: the figures of bench/twoseg.py mean what they say."""
import numpy as np
import pytest

from bench.twoseg import TwoSegRecorder, pelvis_supported, replay
from host_tools import evaluate_twoseg as ev
from host_tools.simulate import twoseg

WIN_S = 2.0


@pytest.fixture(scope="module")
def run():
    _, truth, meta = twoseg.simulate("demo", rate_hz=100, seed=6, chest_quality="ideal",
                                     pelvis_quality="ideal")
    return truth, meta


def _rows(truth, shift_deg=(0.0, 0.0, 0.0, 0.0)):
    """Lean and pelvis rows every second whose values are the truth over their window, plus
    shift_deg (thorax, pelvis, lumbar, lumbar toe-off)."""
    t = np.arange(WIN_S, truth["t"][-1], 1.0)
    state = np.where(ev._segment_truth(truth, "thorax_deg").state_at(t) == "running", 2, 0)
    means = {k: ev._segment_truth(truth, k + "_deg").window_mean(t - WIN_S, t)
             for k in ("thorax", "pelvis", "lumbar")}
    toe = ev._toeoff_window_mean(truth, t - WIN_S, t)
    lean = [(t[i], means["thorax"][i] + shift_deg[0], 0.0, 170.0, int(state[i]), WIN_S)
            for i in range(len(t))]
    pelvis = [(t[i], means["pelvis"][i] + shift_deg[1], means["lumbar"][i] + shift_deg[2],
               toe[i] + shift_deg[3], int(state[i]), WIN_S) for i in range(len(t))]
    return lean, pelvis


def test_a_perfect_estimate_scores_zero_and_a_shift_scores_the_shift(run):
    truth, _ = run
    zero = ev.angle_errors(*_rows(truth), truth)
    for name in ("thorax", "pelvis", "lumbar", "lumbar_toeoff"):
        assert zero[name][0] == pytest.approx(0.0, abs=1e-9)
        assert zero[name][2] > 100
    shifted = ev.angle_errors(*_rows(truth, (0.5, -1.0, 1.5, 2.0)), truth)
    for name, shift in (("thorax", 0.5), ("pelvis", -1.0), ("lumbar", 1.5),
                        ("lumbar_toeoff", 2.0)):
        assert shifted[name][0] == pytest.approx(abs(shift))
        assert shifted[name][1] == pytest.approx(shift)


def test_the_toe_off_truth_is_the_arch_at_its_deepest(run):
    truth, meta = run
    ep = next(e for e in meta["episodes"] if e["episode"] == "lumbar_arch")
    t1 = ep["end_ms"] / 1000.0 - 1.0
    mean = ev._segment_truth(truth, "lumbar_deg").window_mean(np.array([t1 - WIN_S]),
                                                              np.array([t1]))[0]
    assert ev._toeoff_window_mean(truth, np.array([t1 - WIN_S]), np.array([t1]))[0] < mean - 2


def _at(meta, kind, after_s):
    ep = next(e for e in meta["episodes"] if e["episode"] == kind)
    return ep["start_ms"] / 1000.0 + after_s


def test_cues_latency_misses_false_and_ankle_lean_as_hip_bend(run):
    truth, meta = run
    buzzes = [(_at(meta, "hip_bend", 3.0), "buzz_hipbend", 0),
              (_at(meta, "hip_bend", 6.0), "buzz_hipbend", 0),   # a repeat: not false
              (_at(meta, "lumbar_arch", 12.0), "buzz_lumbar_arch", 0),  # too late
              (_at(meta, "lumbar_arch", 2.0), "buzz_upright", 0),  # the chest's own, justified
              (_at(meta, "upright", 4.5), "buzz_upright", 0),
              (_at(meta, "ankle_lean", 5.0), "buzz_hipbend", 0),  # the one thing never allowed
              (45.0, "buzz_arch", 0)]                             # good running: false
    c = ev.cues(buzzes, meta["episodes"], truth)
    assert c["latencies"]["hip_bend"] == [pytest.approx(3.0)]
    assert c["latencies"]["lumbar_arch"] == [None]
    assert c["latencies"]["upright"] == [pytest.approx(4.5)]
    assert [(k, round(lat, 1)) for k, _, lat in c["missed"]] == [("lumbar_arch", 12.0)]
    assert c["ankle_as_hipbend"] == 1
    assert sorted(b[1] for b in c["false"]) == ["buzz_arch", "buzz_hipbend"]
    assert c["any_buzz"] == {"ankle_lean": 1, "hip_bend": 1, "lumbar_arch": 1, "upright": 1}
    assert c["long_episodes"] == dict.fromkeys(ev.CUES, 1)
    assert 0.03 < c["good_running_h"] < 0.06
    assert c["buzzes_not_running"] == 0
    assert ev.cues([(3.0, "buzz_upright", 0)], meta["episodes"], truth)["buzzes_not_running"] == 1


def test_the_bench_sink_pairs_each_pelvis_row_with_its_lean_row():
    sink = TwoSegRecorder()
    sink.lean(1000, 7.0, 0.0, 170.0, 2, 2500)
    sink.pelvis(1000, 9.0, -2.0, -4.0)
    sink.lean(2000, 7.5, 0.0, 170.0, 1, 3000)
    sink.pelvis(2000, 9.5, -2.0, -3.0)
    assert sink.pelvis_rows == [(1.0, 9.0, -2.0, -4.0, 2, 2.5), (2.0, 9.5, -2.0, -3.0, 1, 3.0)]


@pytest.mark.skipif(not pelvis_supported(), reason="the pipeline has no pelvis yet (issue 17)")
def test_the_demo_through_the_pipeline_with_a_pelvis_cues_each_episode_its_own_way():
    """End to end on the demo (typical sensors, random mounts): the hip bend gets the hip-bend
    pattern, the arch the arch pattern, the ankle lean nothing, and the scores are sane."""
    imu, truth, meta = twoseg.simulate("demo", rate_hz=100, seed=11)
    sink = replay(imu, 100, pelvis=True)
    assert len(sink.pelvis_rows) > 0.8 * sum(1 for r in sink.rows if r[4] == ev.RUNNING)
    c = ev.cues(sink.buzzes(), meta["episodes"], truth)
    assert c["latencies"]["hip_bend"][0] is not None
    assert c["latencies"]["lumbar_arch"][0] is not None
    assert c["ankle_as_hipbend"] == 0 and c["any_buzz"]["ankle_lean"] == 0
    angles = ev.angle_errors(sink.rows, sink.pelvis_rows, truth)
    assert all(angles[name][0] < 3.0 for name in ("thorax", "pelvis", "lumbar"))
