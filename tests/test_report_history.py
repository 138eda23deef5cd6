"""The history page over a folder of sessions: one row per session by date, the plan's stages
and test runs marked, readable at 12 and at 100 sessions."""
import json
import re

import numpy as np
import pytest

from firmware.core import logfmt
from firmware.core.summary import SummarySink
from firmware.device.sessionlog import LogWriter
from host_tools import cli

DAY_S = 86400
FIRST_S = 1767225600  # 2026-01-01 00:00 UTC


def _session(path, number, stage, start_epoch_s, lean_deg, minutes=6.0, upright_s=()):
    """A session as the device writes it: header with the stage in its config, a lean row a
    second (running after 10 s), an upright buzz at each of upright_s."""
    cfg = {"arch_below_deg": -2.0, "upright_below_deg": 4.0, "overlean_above_deg": 20.0,
           "coach_stage": stage}
    meta = json.dumps({"fw": "test", "board": "test", "imu": "test", "config": cfg})
    w = LogWriter(str(path), logfmt.MODE_SUMMARY, number, 50.0, 4096.0, 16.384,
                  start_epoch_s, meta)
    sink = SummarySink(w, 0)
    rng = np.random.default_rng(number)
    sink.event(2000, "calibrated", None)
    sink.event(10000, "state", 2)
    for t in range(10, int(minutes * 60)):
        lean = 1.5 if any(a <= t < a + 15 for a in upright_s) else lean_deg + rng.normal(0, 1)
        sink.lean(t * 1000 + 500, lean, 0.0, 172, 2, 700)
        if t in upright_s:
            sink.event(t * 1000 + 600, "buzz_upright", lean)
        sink.poll(t * 1000 + 999)
    sink.close(int(minutes * 60) * 1000)
    return path


def _plan(folder, n):
    """n sessions every other day: stages every/alternate/summary (3 each, then summary), every
    4th a test run; lean improving from 4.5 to 7 deg."""
    folder.mkdir()
    for k in range(1, n + 1):
        stage = 3 if k % 4 == 0 else min((k - 1) // 3, 2)
        _session(folder / ("%05d.lcl" % k), k, stage, FIRST_S + 2 * DAY_S * k + 7 * 3600,
                 4.5 + 2.5 * k / n, upright_s=(60, 150) if k < n / 2 else (60,))
    return folder


@pytest.mark.parametrize("n", [12, 100])
def test_history_page_one_row_per_session_by_date_with_stages_and_test_runs(tmp_path, capsys,
                                                                            n, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    folder = _plan(tmp_path / "sessions", n)
    assert cli.main(["report", str(folder), "--out", str(tmp_path / "rep")]) == 0
    page = (tmp_path / "rep" / "history.html").read_text()
    rows = re.findall(r"<tr( class='test')?><td>([^<]*)</td><td>([^<]*)</td>", page)
    assert len(rows) == n
    assert [r[1] for r in rows][:2] == ["Sat 03 Jan 2026 07:00", "Mon 05 Jan 2026 07:00"]
    tests = [r for r in rows if r[0]]
    assert len(tests) == n // 4 and all(r[2] == "TEST RUN" for r in tests)
    assert {r[2] for r in rows if not r[0]} == {"every", "alternate", "summary"}
    assert "%d sessions" % n in page and "test runs (no cues)" in page
    png = (tmp_path / "rep" / "history.png").read_bytes()
    assert len(png) < 200_000  # one figure whatever n: the page stays light on a phone


def test_history_says_when_dates_are_unknown(tmp_path, capsys):
    folder = tmp_path / "s"
    folder.mkdir()
    for k in (1, 2, 3):
        _session(folder / ("%05d.lcl" % k), k, 0, 0, 6.0)
    assert cli.main(["report", str(folder), "--out", str(tmp_path)]) == 0
    page = (tmp_path / "history.html").read_text()
    assert page.count("<td>unknown</td>") == 3


def test_a_folder_without_sessions_is_one_line(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path)]) == 2
    assert "holds no session logs" in capsys.readouterr().err


def test_a_silent_stage_is_not_praised_for_having_no_alerts(tmp_path, capsys):
    log = _session(tmp_path / "t.lcl", 4, 3, FIRST_S, 6.0)  # a test run: no cues by design
    assert cli.main(["report", str(log), "--out", str(tmp_path)]) == 0
    page = (tmp_path / "t.html").read_text()
    assert "A test-run session: the device stays silent" in page
    assert "never had to buzz" not in page
