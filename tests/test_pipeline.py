"""Behaviour of the whole pipeline on simulated runs: calibration, any mount, faults, silence."""
import pytest

from firmware.core import config
from host_tools.evaluate import Truth, score
from host_tools.replay import ImuRecording, run_pipeline
from host_tools.simulate.simulator import simulate


def replay(segments, mount="chest", quality="typical", rate_hz=100, seed=1, cfg=None):
    imu, truth, _ = simulate(segments, mount=mount, rate_hz=rate_hz, quality=quality, seed=seed)
    sink = run_pipeline(ImuRecording(0.0, float(rate_hz), imu[:, 1:].ravel().tolist()),
                        cfg or config.defaults())
    return sink, Truth(truth)


RUN = [{"do": "stand", "s": 5}, {"do": "walk", "s": 8}, {"do": "run", "s": 40, "lean_deg": 7.0}]


@pytest.mark.parametrize("mount", ["chest", "back", "sideways", "upside-down", "yaw45", "random"])
def test_any_mount_gives_the_lean(mount):
    sink, truth = replay(RUN, mount=mount, seed=11)
    names = [e[1] for e in sink.events]
    assert names.index("calibrated") < names.index("forward_found")
    s = score(sink.rows, sink.buzzes(), truth)
    assert s["lean_rows"] > 80
    assert s["lean_rmse_deg"] < 1.0
    assert sink.buzzes() == []


def test_upright_and_arch_are_caught_with_their_own_pattern():
    segs = RUN[:2] + [{"do": "run", "s": 20, "lean_deg": 7.0},
                      {"do": "run", "s": 12, "lean_deg": 1.0, "fault": "upright"},
                      {"do": "run", "s": 15, "lean_deg": 7.0},
                      {"do": "run", "s": 12, "lean_deg": -5.0, "fault": "arch"},
                      {"do": "run", "s": 10, "lean_deg": 7.0}]
    sink, truth = replay(segs)
    s = score(sink.rows, sink.buzzes(), truth)
    assert (s["faults_caught"], s["faults"], s["false_buzzes"]) == (2, 2, 0)
    assert [b[1] for b in sink.buzzes()] == ["buzz_upright", "buzz_arch"]
    assert s["latency_max_s"] <= 5.0


def test_walking_and_standing_upright_never_buzz():
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 5},
            {"do": "run", "s": 15, "lean_deg": 7.0},
            {"do": "walk", "s": 40, "lean_deg": 0.0},
            {"do": "stand", "s": 30, "lean_deg": -3.0}]
    sink, _ = replay(segs)
    assert sink.buzzes() == []
    assert any(r[4] == 1 for r in sink.rows) and any(r[4] == 0 for r in sink.rows)


def test_a_wearer_who_never_stands_still_is_asked_again_and_never_coached():
    segs = [{"do": "walk", "s": 5}, {"do": "run", "s": 70, "lean_deg": 0.5}]
    sink, _ = replay(segs)
    prompts = [e for e in sink.events if e[1] == "stand_tall"]
    assert len(prompts) == 3  # at power-on, after 30 s and 60 s
    assert sink.rows == [] and sink.buzzes() == []
    assert not sink.pipeline.calibrated


def test_recalibrate_forgets_up_and_asks_again():
    sink, _ = replay(RUN)
    p = sink.pipeline
    assert p.calibrated and p.frame.forward is not None
    p.recalibrate()
    assert not p.calibrated and sink.events[-1][1] == "stand_tall"
    assert p.player.busy()


def test_overlean_alert_can_be_switched_off():
    segs = RUN[:2] + [{"do": "run", "s": 15, "lean_deg": 7.0},
                      {"do": "run", "s": 15, "lean_deg": 25.0, "fault": "overlean"},
                      {"do": "run", "s": 5, "lean_deg": 7.0}]
    on, _ = replay(segs)
    assert [b[1] for b in on.buzzes()] == ["buzz_overlean"]
    cfg, errors = config.validate({"overlean_alert": False})
    off, _ = replay(segs, cfg=cfg)
    assert off.buzzes() == []
