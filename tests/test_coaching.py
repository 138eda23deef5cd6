"""The teaching cues (issue 8) on simulated runs, through the firmware pipeline on CPython, and
the same runs on the MicroPython interpreter giving the same events."""
import base64
import json
from array import array

import pytest

from firmware.core import config, schedule
from firmware.core.coach import CUE_GOOD as GOOD, FAULT_NONE as NONE, FAULT_UPRIGHT as UPRIGHT
from firmware.core.coach import Coach
from firmware.core.context import Context
from firmware.core.cues import LEVEL_GENTLE, alert_level
from firmware.core.haptics import DRIFT, GOOD as GOOD_PATTERN, LEVEL_FULL, PATTERNS, UPRIGHT as \
    UPRIGHT_PATTERN
from firmware.core.pipeline import Pipeline
from host_tools.commands.replay import Recorder
from host_tools.simulate import scenario
from host_tools.simulate.simulator import simulate, write

import upy

RATE_HZ = 50
BATCH = 32

CORRECTION = [
    {"do": "stand", "s": 5}, {"do": "walk", "s": 8},
    {"do": "run", "s": 30, "lean_deg": 7.0},
    {"do": "run", "s": 15, "lean_deg": 2.5, "fault": "upright"},
    {"do": "run", "s": 20, "lean_deg": 7.0},
    {"do": "run", "s": 12, "lean_deg": -8.0, "fault": "arch"},
    {"do": "run", "s": 20, "lean_deg": 7.0},
]
SHORT_DRIFT = {"drift_settle_min": 0.5, "drift_base_min": 1.0}

# name: (segments, config) - each is also replayed on MicroPython
RUNS = {
    "correction": (CORRECTION, {"alert_scaled": True}),
    "stopstart": (scenario.stopstart(2), {}),
    # the fatigue run shortened: 2 min fresh, a 4 deg sag in 15 s steps, then 3 min sagged
    "fatigue": (scenario.fatigue(2.0, 15.0, -4.0, 3.0), dict(SHORT_DRIFT, drift_cue=True)),
    "summary": (scenario.learner(5, 150, 400), {"coach_stage": 2, "summary_min": 2.0}),
}


def cfg_of(over):
    cfg, errors = config.validate(over)
    assert not errors
    return cfg


@pytest.fixture(scope="module")
def sims():
    return {name: simulate(segs, mount="random", rate_hz=RATE_HZ, quality="typical", seed=11)
            for name, (segs, _) in RUNS.items()}


def replay(sim, **over):
    """The pipeline over a simulated run; the sink also holds every (t_s, pattern, level) the
    pipeline asked the motor to play."""
    sink = Recorder()
    p = Pipeline(cfg_of(over), RATE_HZ, 1.0, 1.0, sink)
    sink.played = []
    play = p.player.play

    def spy(pattern, now_ms, level=LEVEL_FULL):
        sink.played.append((now_ms / 1000.0, pattern, level))
        play(pattern, now_ms, level)

    p.player.play = spy
    values = array("d", sim[0][:, 1:].ravel())
    for i in range(0, len(values), 6 * BATCH):
        chunk = values[i:i + 6 * BATCH]
        p.feed(chunk, len(chunk) // 6)
    return sink


def named(sink, *names):
    return [e for e in sink.events if e[1] in names]


def played_at(sink, t_s):
    return [(pat, lvl) for t, pat, lvl in sink.played if abs(t - t_s) < 1e-6]


# ---- correction cue ---------------------------------------------------------------------------
def test_a_corrected_fault_earns_one_gentle_good_cue(sims):
    sink = replay(sims["correction"], **RUNS["correction"][1])
    cues = named(sink, "buzz_upright", "buzz_arch", "cue_good")
    assert [e[1] for e in cues] == ["buzz_upright", "cue_good", "buzz_arch", "cue_good"]
    # faults end at 58 s and 90 s (the lean ramps back over 1 s): good >= 2 s later, < 4.5 s
    good_t = [e[0] for e in cues if e[1] == "cue_good"]
    assert 60.0 <= good_t[0] <= 62.5
    assert 92.0 <= good_t[1] <= 94.5
    for t in good_t:
        assert played_at(sink, t) == [(GOOD_PATTERN, LEVEL_GENTLE)]


def test_correction_cue_is_a_pattern_no_other_message_uses():
    assert [k for k, p in PATTERNS.items() if p == GOOD_PATTERN] == ["good"]


def test_correction_cue_can_be_turned_off(sims):
    off = replay(sims["correction"], correction_cue=False)
    assert named(off, "cue_good") == []
    assert [e[1] for e in off.buzzes()] == ["buzz_upright", "buzz_arch"]


def test_uncued_faults_earn_no_good_cue():
    c = Coach(cfg_of({}))
    t = 0
    for lean in [7.0] * 10 + [1.0] * 6 + [7.0] * 20:  # 2.1 s upright: never cued
        assert c.update(t, lean, True) == NONE
        t += 350


# ---- error-scaled alerts ----------------------------------------------------------------------
def test_alert_strength_grows_with_the_error(sims):
    assert alert_level(0.1, 5.0) < alert_level(2.0, 5.0) < alert_level(5.0, 5.0) == LEVEL_FULL
    sink = replay(sims["correction"], alert_scaled=True)
    up, arch = sink.buzzes()
    (pat_up, lvl_up), = played_at(sink, up[0])
    (pat_arch, lvl_arch), = played_at(sink, arch[0])
    assert pat_up == UPRIGHT_PATTERN
    # upright at 2.5 deg is ~1.5 deg under the band, arch at -8 is 6 deg past it
    assert lvl_up < 200 and lvl_arch == LEVEL_FULL
    plain = replay(sims["correction"])
    assert [lvl for _, pat, lvl in plain.played if pat == UPRIGHT_PATTERN] == [LEVEL_FULL]


# ---- context: acceleration --------------------------------------------------------------------
def test_no_overlean_alert_while_accelerating_off_a_stop(sims, monkeypatch):
    sink = replay(sims["stopstart"])
    assert sink.buzzes() == []
    accel = [e[0] for e in named(sink, "accel")]
    # the first set-off (walk to run at 15 s) and both sprints off the stops (85 s and 154 s)
    assert any(15 <= t <= 19 for t in accel)
    assert any(85 <= t <= 88 for t in accel) and any(144 <= t <= 147 for t in accel)
    # without the context hold the same sprints are scolded (the doubt a speed change casts
    # on the tilt, Context.doubt_deg, holds them too: switched off here to see the hold alone).
    # The sprint's lean-back must reach the estimate for that: it does with the 8 s settle the
    # estimator had before issue 12's third round (with 5 s it no longer does on this run)
    monkeypatch.setattr(Context, "doubt_deg", lambda self: 0.0)
    blind = replay(sims["stopstart"], accel_min_g=0.5, settle_s=8.0)
    assert [e[1] for e in blind.buzzes()] == ["buzz_overlean"] * 2


# ---- fatigue drift ----------------------------------------------------------------------------
def test_fatigue_drift_is_logged_and_cued_once(sims):
    sink = replay(sims["fatigue"], **RUNS["fatigue"][1])
    assert sink.buzzes() == []  # the sag stays inside the band: no fault
    (t, _, drift_deg), = named(sink, "drift")
    assert -4.5 < drift_deg < -3.0
    assert 2 * 60 + 15 + 60 < t < 2 * 60 + 15 + 8 * 15 + 180
    assert played_at(sink, t) == [(DRIFT, LEVEL_FULL)]
    quiet = replay(sims["fatigue"], **SHORT_DRIFT)
    assert len(named(quiet, "drift")) == 1
    assert not [p for _, p, _ in quiet.played if p == DRIFT]


# ---- the faded schedule -----------------------------------------------------------------------
def stage_coach(stage, **over):
    return Coach(cfg_of(dict(over, coach_stage=stage)))


def episodes(coach, n, stride_ms=350):
    """n upright episodes of 8 s between 20 s of good running; returns [(t_ms, cue)]."""
    out, t = [], 0
    for _ in range(n):
        for lean in [7.0] * 57 + [1.0] * 23:
            cue = coach.update(t, lean, True)
            if cue != NONE:
                out.append((t, cue))
            t += stride_ms
    return out


def test_every_stage_cues_every_fault_and_its_correction():
    cues = [c for _, c in episodes(stage_coach(schedule.EVERY), 4)]
    assert cues == [UPRIGHT, GOOD] * 3 + [UPRIGHT]


def test_alternate_stage_cues_every_other_fault():
    cues = [c for _, c in episodes(stage_coach(schedule.ALTERNATE), 4)]
    assert cues == [UPRIGHT, GOOD, UPRIGHT, GOOD]  # episodes 1 and 3 and their corrections


def test_test_stage_is_silent():
    assert episodes(stage_coach(schedule.TEST), 6) == []


def test_stage_set_when_a_session_starts_takes_effect():
    # the device builds the pipeline at power-on and learns the session number later
    c = stage_coach(schedule.EVERY)
    c.plan.stage = schedule.stage_for(cfg_of({"plan_sessions": 1, "plan_test_every": 2}), 2)
    assert c.plan.stage == schedule.TEST and episodes(c, 3) == []


def test_summary_stage_reports_the_last_minutes():
    cues = episodes(stage_coach(schedule.SUMMARY, summary_min=1.0), 6)  # 168 s of running
    # 8 s of each 28 s upright: 29 % at fault, under the 75 % good share -> "upright"
    assert [c for _, c in cues] == [UPRIGHT, UPRIGHT]
    assert [t for t, _ in cues] == pytest.approx([60000, 120000], abs=400)
    good = stage_coach(schedule.SUMMARY, summary_min=1.0)
    t, out = 0, []
    for _i in range(400):
        cue = good.update(t, 7.0, True)
        if cue != NONE:
            out.append(cue)
        t += 350
    assert out == [GOOD, GOOD]


def test_summary_stage_on_a_simulated_run(sims):
    sink = replay(sims["summary"], **RUNS["summary"][1])
    assert sink.buzzes() == [] and named(sink, "cue_good") == []
    cues = named(sink, "cue_summary")
    # ~380 s of running, one summary per 2 min: 150 s at fault in all is ~40 %, so "upright"
    assert [e[2] for e in cues] == [UPRIGHT] * 3
    assert [b[0] - a[0] for a, b in zip(cues, cues[1:], strict=False)] == \
        pytest.approx([120, 120], abs=1)


def test_plan_gives_each_session_its_stage():
    cfg = cfg_of({"plan_sessions": 3, "plan_test_every": 4})
    stages = [schedule.stage_for(cfg, n) for n in range(1, 14)]
    assert stages == [0, 0, 0, 3, 1, 1, 2, 3, 2, 3, 3, 3, 3]
    assert schedule.stage_for(cfg_of({"coach_stage": 2}), 7) == 2  # no plan: the fixed stage


# ---- the same on MicroPython ------------------------------------------------------------------
@pytest.fixture(scope="module")
def firmware_tree(tmp_path_factory, interp):
    return interp, interp.compile_firmware(tmp_path_factory.mktemp("fw"))


@pytest.mark.parametrize("name", sorted(RUNS))
def test_micropython_gives_the_same_cues(name, sims, firmware_tree, tmp_path):
    imu, truth, meta = sims[name]
    write(tmp_path, imu, truth, meta)
    over = RUNS[name][1]
    interp, tree = firmware_tree
    counts = upy.counts_csv(tmp_path / "imu.csv", tmp_path / "counts.csv")  # see replay_csv.py
    out = interp.run(upy.ROOT / "tests" / "upy_scripts" / "replay_csv.py", tree,
                     counts, RATE_HZ, json.dumps(over), "counts")
    got = [line.split()[1:] for line in out.splitlines()
           if line.startswith("E ") and line.split()[2] != "state"]
    ref = replay(sims[name], **over)
    want = [e for e in ref.events if e[1] != "state"]
    assert [g[1] for g in got] == [e[1] for e in want]
    assert [int(g[0]) for g in got] == [round(e[0] * 1000) for e in want]
    # event values within 5e-4 deg, as test_pipeline_upy's rows: float32 and float64 round the
    # gyro bias's ints apart at a tie now and then (docs/orientation.md, "Running it on
    # MicroPython"); since the bias follows the yaw rate every stride (issue 12, sixteenth
    # round) the ESP32 model's cues differ by up to 1.2e-4 deg here
    for g, e in zip(got, want, strict=False):
        assert g[2] == "None" if e[2] is None else float(g[2]) == pytest.approx(e[2], abs=5e-4)
    assert any(e[1] in ("cue_good", "cue_summary", "drift", "accel") for e in want)


# ---- the learning curve over a plan's sessions ------------------------------------------------
def test_plan_demo_writes_logs_with_their_stage_and_the_learning_curve(tmp_path, capsys):
    from host_tools import cli, logread

    out = tmp_path / "plan"
    assert cli.main(["plan-demo", "--out", str(out), "--sessions", "5", "--minutes", "2",
                     "--plan-sessions", "2", "--plan-test-every", "3"]) == 0
    text = capsys.readouterr().out
    stages = [logread.load(out / ("%05d.lcl" % n)).config()["coach_stage"] for n in range(1, 6)]
    assert stages == [0, 0, 3, 1, 2]
    trend = text[text.index("trend over 5 sessions"):].splitlines()[2:7]
    assert [line.split()[4] for line in trend] == ["every", "every", "test", "alternate",
                                                   "summary"]
    assert "feedback stage: test; correction cues 0, summary cues 0" in text
    png = (out / "report" / "history.png").read_bytes()
    assert png[:4] == b"\x89PNG"
    assert base64.b64encode(png).decode() in (out / "report" / "history.html").read_text()
    assert cli.main(["plan-demo", "--out", str(out), "--sessions", "1"]) == 2
