"""Commands write their outputs whole or not at all, and never over their own input (issue 14,
items 7 and 11)."""
import errno
import os

import pytest

import logsample
from host_tools import cli
from host_tools.simulate.simulator import simulate, write


def _raw_log(path, seconds=8.0):
    logsample.drive(logsample.writer(str(path), raw=True), seconds, raw=True)
    return path


def _one_line(capsys):
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err, err
    return err


def test_replay_refuses_an_out_dir_holding_its_input_log(tmp_path, capsys):
    log = _raw_log(tmp_path / "session.lcl")
    before = log.read_bytes()
    assert cli.main(["replay", str(log), "--out", str(tmp_path)]) == 2
    assert "it is the input" in _one_line(capsys)
    assert log.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["session.lcl"]  # nothing else written either


def test_replay_refuses_to_overwrite_its_config_file(tmp_path, capsys):
    log = _raw_log(tmp_path / "r.lcl")
    cfg = tmp_path / "out" / "config.json"
    cfg.parent.mkdir()
    cfg.write_text('{"upright_below_deg": 5}')
    assert cli.main(["replay", str(log), "--out", str(cfg.parent), "--config", str(cfg)]) == 2
    assert "it is the input" in _one_line(capsys)
    assert cfg.read_text() == '{"upright_below_deg": 5}'


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_export_refuses_to_write_over_the_log_it_reads(tmp_path, capsys, fmt):
    log = _raw_log(tmp_path / "x.lcl")
    before = log.read_bytes()
    out = log if fmt == "--json" else tmp_path  # --csv into the log's dir is fine...
    if fmt == "--csv":
        (tmp_path / "summary.csv").symlink_to(log)  # ...unless an output name IS the log
    assert cli.main(["export", str(log), fmt, "--out", str(out)]) == 2
    assert "it is the input" in _one_line(capsys)
    assert log.read_bytes() == before


def test_timeline_png_never_replaces_the_replay_it_plots(tmp_path, capsys):
    log = _raw_log(tmp_path / "r.lcl")
    # noise samples: replay writes its outputs, then says it could not calibrate (exit 2)
    assert cli.main(["replay", str(log), "--out", str(tmp_path / "rep")]) == 2
    lean = tmp_path / "rep" / "lean.csv"
    before = lean.read_bytes()
    capsys.readouterr()
    assert cli.main(["timeline", str(tmp_path / "rep"), "--png", str(lean)]) == 2
    assert "it is the input" in _one_line(capsys)
    assert lean.read_bytes() == before


def _disk_fills(monkeypatch):
    """The disk fills as the data reaches it (ENOSPC surfaces at the flush to disk)."""
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path, capsys, monkeypatch):
    log = tmp_path / "a.lcl"
    logsample.drive(logsample.writer(str(log)), 16)
    out = tmp_path / "report"
    assert cli.main(["report", str(log), "--out", str(out)]) == 0
    png = (out / "a.png").read_bytes()
    capsys.readouterr()
    _disk_fills(monkeypatch)
    assert cli.main(["report", str(log), "--out", str(out)]) == 2
    assert "No space left" in _one_line(capsys)
    assert (out / "a.png").read_bytes() == png
    assert sorted(os.listdir(out)) == ["a.html", "a.png"]  # no temporaries left


def test_a_full_disk_never_leaves_a_truncated_replay_output(tmp_path, capsys, monkeypatch):
    d = tmp_path / "run"
    imu, truth, meta = simulate([{"do": "stand", "s": 5}, {"do": "run", "s": 10}], rate_hz=100,
                                seed=1)
    write(str(d), imu, truth, meta)
    _disk_fills(monkeypatch)
    assert cli.main(["replay", str(d / "imu.csv"), "--out", str(tmp_path / "out")]) == 2
    assert "No space left" in _one_line(capsys)
    assert os.listdir(tmp_path / "out") == []


def test_simulate_never_replaces_the_scenario_file_it_reads(tmp_path, capsys):
    scenario = tmp_path / "scenario.json"
    scenario.write_text('[{"do": "stand", "s": 5}]')
    assert cli.main(["simulate", "--scenario", str(scenario), "--out", str(tmp_path)]) == 2
    assert "it is the input" in _one_line(capsys)
    assert scenario.read_text() == '[{"do": "stand", "s": 5}]'
