"""A hill in the simulator (climb_pct, baro.csv) and `leanclip replay --baro`: the barometer
sees the climb, the over-lean band shifts, and runs without a climb write what they always did."""
import csv

import numpy as np
import pytest

from firmware.drivers.baro import altitude_m
from host_tools.cli import main
from host_tools.errors import UserError
from host_tools.commands.replay import load_baro_csv
from host_tools.simulate import scenario
from host_tools.simulate.simulator import simulate, write

HILL = scenario.hill(grade_pct=8.0, lean_deg=22.0, climb_s=120.0)


@pytest.fixture(scope="module")
def hill_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("hill")
    imu, truth, meta = simulate(HILL, rate_hz=50, seed=3)
    write(out, imu, truth, meta)
    return out


def test_baro_csv_follows_the_climb(hill_dir):
    baro = load_baro_csv(hill_dir / "baro.csv")
    t_s = np.array([r[0] for r in baro])
    p_pa = np.array([r[1] for r in baro])
    assert np.allclose(np.diff(t_s), 0.04)
    # 120 s at 3 m/s on 8 %: 28.7 m up, through the ramps; the noise is ~1 Pa
    rise_m = altitude_m(p_pa[-25:].mean(), p_pa[:25].mean())
    assert 27.5 < rise_m < 29.5
    assert 0.5 < np.std(np.diff(p_pa[:25 * 50])) / np.sqrt(2) < 1.5


def test_runs_without_a_climb_write_no_baro_csv_and_the_same_files(tmp_path):
    segs = [{"do": "stand", "s": 5}, {"do": "run", "s": 20, "lean_deg": 7.0}]
    imu, truth, meta = simulate(segs, rate_hz=50, seed=1)
    write(tmp_path, imu, truth, meta)
    assert not (tmp_path / "baro.csv").exists()
    assert "climb_pct" not in meta["segments"][1]
    flat = [dict(seg) for seg in segs]
    flat[1]["climb_pct"] = 0.0
    imu2, _, _ = simulate(flat, rate_hz=50, seed=1)
    assert np.array_equal(imu, imu2)


def test_a_bad_grade_is_a_user_error():
    with pytest.raises(UserError, match="climb_pct=30 is outside -20..20"):
        scenario.resolve([{"do": "run", "s": 10, "climb_pct": 30}])
    with pytest.raises(UserError, match="must be a number"):
        scenario.resolve([{"do": "run", "s": 10, "climb_pct": "steep"}])


def overlean_buzzes(out):
    with open(out / "events.csv") as f:
        return [float(r["t"]) for r in csv.DictReader(f) if r["event"] == "buzz_overlean"]


def test_replay_with_the_barometer_holds_the_over_lean_alert_on_the_hill(hill_dir, capsys):
    imu = str(hill_dir / "imu.csv")
    assert main(["replay", imu, "--out", str(hill_dir / "plain")]) == 0
    plain = overlean_buzzes(hill_dir / "plain")
    assert main(["replay", imu, "--out", str(hill_dir / "baro"),
                 "--baro", str(hill_dir / "baro.csv")]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    shifted = overlean_buzzes(hill_dir / "baro")
    climb_starts_s = 5 + 10 + 60
    # without it: every repeat_s up the hill; with it: at most one before the climb is seen
    assert len(plain) >= 7
    assert len(shifted) <= 1 and all(t < climb_starts_s + 25 for t in shifted)
    assert "climbing" in line


@pytest.mark.parametrize("text,message", [
    ("t,p\n0,1\n", "expected a header t,pressure_pa"),
    ("t,pressure_pa\n0,1013.2\n0.04,1013.2\n", "not an air pressure"),
    ("t,pressure_pa\n0,101300\n0,101300\n", "does not increase"),
    ("t,pressure_pa\n", "no barometer readings"),
])
def test_a_bad_baro_csv_is_one_line_and_exit_2(hill_dir, tmp_path, capsys, text, message):
    bad = tmp_path / "baro.csv"
    bad.write_text(text)
    assert main(["replay", str(hill_dir / "imu.csv"), "--out", str(tmp_path / "o"),
                 "--baro", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
