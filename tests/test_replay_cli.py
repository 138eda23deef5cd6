"""`leanclip replay`: its output contract, and one clear line (exit 2) for every bad input."""
import csv
import json

import pytest

from host_tools.cli import main
from host_tools.simulate.simulator import simulate, write

GOOD_HEADER = "t,ax,ay,az,gx,gy,gz\n"


def rows(n, rate=100.0, a=(0.0, 0.0, 1.0), t0=0.0):
    return "".join("%.4f,%g,%g,%g,0.1,0.2,0.3\n" % ((t0 + i / rate,) + a) for i in range(n))


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("t,ax,ay,az,gx,gy\n" + "0,0,0,1,0,0\n", "no column 'gz'"),
    (GOOD_HEADER, "no samples"),
    (GOOD_HEADER + rows(5) + "0.05,nan,0,1,0,0,0\n", "ax is nan"),
    (GOOD_HEADER + rows(5) + "0.03,0,0,1,0,0,0\n", "does not increase"),
    (GOOD_HEADER + rows(300, a=(0.0, 0.0, 9.81)), "m/s^2"),
    (GOOD_HEADER + rows(300, rate=20.0), "outside 50-1000 Hz"),
    (GOOD_HEADER + rows(100) + rows(100, t0=1.5), "the rate must be constant"),
    (GOOD_HEADER + "0,a,0,1,0,0,0\n", "ax='a' is not a number"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, text, message):
    f = tmp_path / "imu.csv"
    f.write_text(text)
    assert main(["replay", str(f), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_file_and_bad_config(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nope.csv"), "--out", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err
    f = tmp_path / "imu.csv"
    f.write_text(GOOD_HEADER + rows(300))
    cfgf = tmp_path / "c.json"
    cfgf.write_text(json.dumps({"repeat_secs": 10}))
    assert main(["replay", str(f), "--out", str(tmp_path / "o"), "--config", str(cfgf)]) == 2
    assert "unknown config key 'repeat_secs' (did you mean 'repeat_s'?)" in capsys.readouterr().err


def test_outputs_follow_the_contract(tmp_path, capsys):
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 6},
            {"do": "run", "s": 25, "lean_deg": 7.0},
            {"do": "run", "s": 12, "lean_deg": 1.0, "fault": "upright"}]
    imu, truth, meta = simulate(segs, rate_hz=200, seed=2)
    write(tmp_path, imu, truth, meta)
    out = tmp_path / "out"
    assert main(["replay", str(tmp_path / "imu.csv"), "--out", str(out)]) == 0
    assert "buzzes: upright 1" in capsys.readouterr().out
    with (out / "lean.csv").open() as f:
        lean = list(csv.DictReader(f))
    with (out / "events.csv").open() as f:
        events = list(csv.DictReader(f))
    assert list(lean[0])[:2] == ["t", "lean_deg"] and list(events[0])[:2] == ["t", "event"]
    moving = [float(r["t"]) for r in lean if r["state"] != "still"]
    gaps = [b - a for a, b in zip(moving, moving[1:], strict=False)]
    assert max(gaps) <= 0.5 + 1e-6  # at least twice a second while moving
    assert [e["event"] for e in events if e["event"].startswith("buzz")] == ["buzz_upright"]
    assert {"calibrated", "forward_found"} <= {e["event"] for e in events}


def test_uncalibrated_replay_refuses_in_one_line(tmp_path, capsys):
    imu, truth, meta = simulate([{"do": "run", "s": 40, "lean_deg": 7.0}], seed=4)
    write(tmp_path, imu, truth, meta)
    assert main(["replay", str(tmp_path / "imu.csv"), "--out", str(tmp_path / "o")]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("leanclip replay: not calibrated:") and "\n" not in err
    assert not captured.out
    assert (tmp_path / "o" / "events.csv").exists()  # what happened is still written


def test_session_number_gives_the_plans_stage_as_on_the_device(tmp_path, capsys):
    """The device coaches its N-th session at the plan's stage for N (coaching.start_session);
    `--session N` replays that: under a plan whose every 2nd session is a silent test run,
    session 2 gives no buzzes where session 1 does."""
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 8},
            {"do": "run", "s": 20, "lean_deg": 7.0},
            {"do": "run", "s": 12, "lean_deg": 1.0, "fault": "upright"}]
    imu, truth, meta = simulate(segs, rate_hz=100, seed=2)
    write(tmp_path / "sim", imu, truth, meta)
    cfg = tmp_path / "plan.json"
    cfg.write_text(json.dumps({"plan_sessions": 1, "plan_test_every": 2}))

    def buzzes(session):
        out = tmp_path / ("s%d" % session)
        assert main(["replay", str(tmp_path / "sim" / "imu.csv"), "--out", str(out),
                     "--config", str(cfg), "--session", str(session)]) == 0
        with (out / "events.csv").open() as f:
            return [r["event"] for r in csv.DictReader(f) if r["event"].startswith("buzz_")]

    assert buzzes(1) == ["buzz_upright"]
    assert buzzes(2) == []
    capsys.readouterr()
    assert main(["replay", str(tmp_path / "sim" / "imu.csv"), "--out", str(tmp_path / "x"),
                 "--session", "0"]) == 2
    err = capsys.readouterr().err
    assert "--session 0" in err and err.count("\n") == 1
