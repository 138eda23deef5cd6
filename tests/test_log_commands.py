"""`leanclip export`, `leanclip report`, and replay <-> session logs."""
import base64
import csv
import json
import re
import time

import pytest

import logsample
from host_tools import cli, logread, replaylog
from host_tools.commands import replay
from host_tools.simulate.simulator import simulate, write


def _log(path, raw=False, seconds=16.0, meta=None):
    if meta is not None:
        old, logsample.META = logsample.META, meta
    try:
        logsample.drive(logsample.writer(str(path), raw=raw), seconds, raw=raw)
    finally:
        if meta is not None:
            logsample.META = old
    return path


def test_export_csv_has_every_record(tmp_path, capsys):
    log = _log(tmp_path / "s.lcl")
    assert cli.main(["export", str(log), "--csv"]) == 0
    rows = list(csv.DictReader((tmp_path / "s" / "summary.csv").open()))
    assert [int(r["t_s"]) for r in rows] == list(range(17))
    assert rows[5]["state"] == "running" and rows[5]["lean_valid"] == "True"
    events = list(csv.DictReader((tmp_path / "s" / "events.csv").open()))
    by_name = {e["event"]: e for e in events}
    assert [e["event"] for e in events][3:6] == ["calibrated", "battery", "state"]
    assert (by_name["battery"]["value"], by_name["battery"]["unit"]) == ("3987", "mV")
    assert (by_name["state"]["value"], by_name["state"]["unit"]) == ("running", "")
    assert (by_name["cue_summary"]["value"], by_name["forward_found"]["unit"]) == ("good", "m/s")
    assert "17 s of summaries" in capsys.readouterr().out


def test_export_json_of_a_damaged_log_says_what_it_skipped(tmp_path, capsys):
    data = bytearray(_log(tmp_path / "s.lcl").read_bytes())
    data[200] ^= 0x10
    bad = tmp_path / "bad.lcl"
    bad.write_bytes(bytes(data[:-5]))
    assert cli.main(["export", str(bad), "--json", "--out", str(tmp_path / "o.json")]) == 0
    doc = json.loads((tmp_path / "o.json").read_text())
    assert doc["recovery"]["damaged"] == 1 and doc["recovery"]["truncated"]
    assert 12 <= len(doc["summary"]["t_s"]) < 17
    err = capsys.readouterr().err
    assert "1 damaged stretches skipped" in err and "last block cut short" in err


@pytest.mark.parametrize("command", [["export", "--csv"], ["report"]])
def test_a_file_that_is_not_a_log_is_one_line_and_exit_2(tmp_path, capsys, command):
    notes = tmp_path / "imu.csv"
    notes.write_text("t,ax\n0,1\n")
    assert cli.main(command[:1] + [str(notes)] + command[1:]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not a LeanClip session log" in err


def test_report_uses_the_band_logged_in_the_header_and_embeds_the_plot(tmp_path, capsys):
    a = _log(tmp_path / "a.lcl")
    b = _log(tmp_path / "b.lcl", meta=logsample.META.replace('"upright_below_deg":4.0',
                                                             '"upright_below_deg":6.5'))
    assert cli.main(["report", str(a), str(b), "--out", str(tmp_path / "rep")]) == 0
    out = capsys.readouterr().out
    assert "good band 4.0 to 20.0 deg" in out and "good band 6.5 to 20.0 deg" in out
    assert "alerts: upright 2, arch 1, overlean 1" in out
    assert "trend over 2 sessions" in out
    shares = [int(x) for x in re.findall(r"in the good band [^:]*: (\d+)%", out)]
    assert shares[0] > shares[1]  # same lean, narrower band
    page = (tmp_path / "rep" / "history.html").read_text()
    png = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", page).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "rep" / "history.png").read_bytes() == png


def test_session_page_has_the_date_headline_numbers_and_the_alerts_advice(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the page shows local time
    time.tzset()
    log = _log(tmp_path / "s.lcl", seconds=90)  # logsample: started 2025-11-24 16:00 UTC
    assert cli.main(["report", str(log), "--out", str(tmp_path / "rep")]) == 0
    assert "wrote" in capsys.readouterr().out
    page = (tmp_path / "rep" / "s.html").read_text()
    assert "Run on Mon 24 Nov 2025" in page and "started 16:00" in page
    assert "of running in the good band (4 to 20 deg)" in page
    assert "median lean while running" in page and "stop-start drill" in page
    png = (tmp_path / "rep" / "s.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # again: the old page is replaced and that is said, not done silently
    assert cli.main(["report", str(log), "--out", str(tmp_path / "rep")]) == 0
    assert "replaced" in capsys.readouterr().out


def test_export_says_what_to_write(tmp_path, capsys):
    log = _log(tmp_path / "s.lcl", seconds=2)
    assert cli.main(["export", str(log)]) == 2
    assert "--csv, --json or --activity" in capsys.readouterr().err


def test_report_of_a_session_without_lean(tmp_path, capsys):
    log = _log(tmp_path / "short.lcl", seconds=0.5)
    assert cli.main(["report", str(log), "--out", str(tmp_path)]) == 0
    assert "no lean while running" in capsys.readouterr().out
    page = (tmp_path / "short.html").read_text()
    assert "Too short to judge form" in page


def test_report_never_overwrites_its_own_input(tmp_path, capsys):
    log = _log(tmp_path / "s.png", seconds=5)  # a session named like the page it would write
    assert cli.main(["report", str(log), "--out", str(tmp_path)]) == 2
    assert "it is the input" in capsys.readouterr().err
    assert logread.load(log).header is not None


def test_report_of_a_log_cut_inside_its_header(tmp_path, capsys):
    cut = tmp_path / "cut.lcl"
    cut.write_bytes(_log(tmp_path / "s.lcl").read_bytes()[:40])
    assert cli.main(["report", str(cut), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "0 blocks read, last block cut short" in out and "header block is lost" in out
    assert "This session is empty" in (tmp_path / "cut.html").read_text()
    empty = tmp_path / "empty.lcl"
    empty.write_bytes(b"")
    assert cli.main(["report", str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    imu, truth, meta = simulate([{"do": "stand", "s": 5}, {"do": "run", "s": 40, "lean_deg": 7.0},
                                 {"do": "run", "s": 20, "lean_deg": 1.0, "fault": "upright"}],
                                rate_hz=100, seed=3)
    write(str(d), imu, truth, meta)
    return d


def test_replay_writes_the_log_the_device_would_have(run_dir, capsys):
    out = run_dir / "summary"
    assert cli.main(["replay", str(run_dir / "imu.csv"), "--out", str(out)]) == 0
    s = logread.load(out / "session.lcl")
    assert s.recovery.skipped == 0 and s.header["mode"] == "summary"
    events = list(csv.DictReader((out / "events.csv").open()))
    assert [e["event"] for e in events] == [e[1] for e in s.events]
    assert [float(e["t"]) for e in events] == pytest.approx([e[0] / 1000.0 for e in s.events])
    assert s.summary["t_s"].tolist() == list(range(len(s.summary["t_s"])))
    assert 65 <= len(s.summary["t_s"]) <= 66  # 65 s, and perhaps a last partial second


def test_a_raw_log_replays_like_the_recording_it_holds(run_dir, capsys):
    first = run_dir / "first"
    assert cli.main(["replay", str(run_dir / "imu.csv"), "--out", str(first),
                     "--log-mode", "raw"]) == 0
    again = run_dir / "again"
    assert cli.main(["replay", str(first / "session.lcl"), "--out", str(again)]) == 0
    a = list(csv.DictReader((first / "events.csv").open()))
    b = list(csv.DictReader((again / "events.csv").open()))
    assert [e["event"] for e in a] == [e["event"] for e in b]
    assert [float(e["t"]) for e in a] == pytest.approx([float(e["t"]) for e in b], abs=0.002)
    assert any(e["event"].startswith("buzz_") for e in b)
    # and through export --csv, the converted imu.csv replays too
    assert cli.main(["export", str(first / "session.lcl"), "--csv", "--out",
                     str(run_dir / "exp")]) == 0
    rec = replay.load_imu_csv(run_dir / "exp" / "imu.csv")
    assert rec.n == 6500 and rec.rate_hz == pytest.approx(100.0)


def test_a_summary_log_or_a_damaged_raw_log_is_refused_by_replay(run_dir, tmp_path):
    summary_log = _log(tmp_path / "s.lcl")
    with pytest.raises(replay.UserError, match="summary-mode log"):
        replaylog.raw_recording(summary_log)
    raw = bytearray(_log(tmp_path / "r.lcl", raw=True, seconds=2.0).read_bytes())
    raw[1500] ^= 1
    (tmp_path / "bad.lcl").write_bytes(bytes(raw))
    with pytest.raises(replay.UserError, match="samples are missing"):
        replaylog.raw_recording(tmp_path / "bad.lcl")
