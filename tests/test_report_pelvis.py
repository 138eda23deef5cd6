"""The session report with a pelvis sensor (issue 17): thorax lean, pelvis tilt and lumbar angle
side by side (one figure on one time axis, one table), what each pelvis alert means in plain
words, the pelvis's losses said; and a one-sensor log's report without any of it."""
import re

import numpy as np
import pytest

from host_tools import cli, logread
from test_log_pelvis import HIPBEND_S, pelvis_at, session


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    d = tmp_path_factory.mktemp("logs")
    (d / "both.lcl").write_bytes(session(seconds=150, pelvis=True))
    (d / "one.lcl").write_bytes(session(seconds=150, pelvis=False))
    return d


def report(logs, name, capsys):
    out = logs / ("report-" + name)
    assert cli.main(["report", str(logs / (name + ".lcl")), "--out", str(out)]) == 0
    return capsys.readouterr().out, (out / (name + ".html")).read_text()


def test_the_three_angles_side_by_side_with_their_meaning(logs, capsys):
    text, page = report(logs, "both", capsys)
    assert "Chest and pelvis" in page
    assert page.count("<img") == 2  # the lean figure and the chest-pelvis figure
    for angle in ("thorax lean", "pelvis tilt", "lumbar angle", "lumbar at toe-off"):
        assert "<td>%s</td>" % angle in page
    assert "+ = folded forward over the pelvis" in page and "(anterior)" in page
    # the medians in the table are the log's
    s = logread.decode((logs / "both.lcl").read_bytes())
    lumbar = re.search(r"<td>lumbar angle</td><td>(-?[0-9.]+)°", page).group(1)
    running = s.pelvis["t_s"] >= 0
    assert float(lumbar) == pytest.approx(np.median(s.pelvis["lumbar_deg"][running]), abs=0.06)
    # the alerts: counted, with their meaning and band in words
    assert "hip bend" in page and "folded forward at the hips while your pelvis stayed" in page
    assert "lower-back arch: the lumbar angle below" in page
    assert re.search(r"<td>hip bend</td><td>1</td>", page)
    assert "lost once" in text and "pelvis alerts: hip bend 1, lower back 0" in text
    assert "median / 10% / 90%: thorax lean" in text
    # the timeline in the page says the pelvis events in plain words
    assert "PELVIS lost" in page and "pelvis back" in page and "BUZZ hip bend" in page
    assert pelvis_at(HIPBEND_S)  # (the sample's shape, for the reader of this test)


def test_a_one_sensor_report_has_no_pelvis_part(logs, capsys):
    text, page = report(logs, "one", capsys)
    assert "pelvis" not in text.lower() and "pelvis" not in page.lower()
    assert page.count("<img") == 1


def _replay_dir(d, pelvis):
    """A replay's --out folder as `leanclip replay` writes it (lean.csv gains pelvis_deg and
    lumbar_deg when the input had the pelvis sensor's columns)."""
    import csv
    import json

    from firmware.core import config

    d.mkdir()
    (d / "config.json").write_text(json.dumps(config.defaults()))
    with (d / "lean.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("t", "lean_deg", "roll_deg", "cadence_spm", "state", "win_s")
                   + (("pelvis_deg", "lumbar_deg") if pelvis else ()))
        for i in range(200):
            t = 10 + 0.66 * i
            row = ["%.3f" % t, "8.00", "0.50", "172.0", "running", "0.660"]
            if pelvis:  # untrusted for the first 20 strides: empty cells
                row += ["", ""] if i < 20 else ["1.50", "%.2f" % (6.5 if i >= 100 else 0.5)]
            w.writerow(row)
    with (d / "events.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("t", "event", "value"))
        w.writerow(("2.000", "calibrated", ""))
        if pelvis:
            w.writerow(("80.000", "buzz_hipbend", "6.50"))
    return d


def test_timeline_of_a_chest_and_pelvis_replay(tmp_path, capsys):
    d = _replay_dir(tmp_path / "both", pelvis=True)
    png = tmp_path / "both.png"
    assert cli.main(["timeline", str(d), "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert "BUZZ hip bend" in out and "folding forward at the hips" in out
    line = [x for x in out.splitlines() if x.startswith("chest and pelvis")][0]
    assert "180 running strides" in line and "pelvis tilt 1.5 deg" in line
    assert "lumbar angle +6.5 deg" in line  # the median of 80 x 0.5 and 100 x 6.5
    assert png.stat().st_size > 10000


def test_timeline_of_a_one_sensor_replay_is_unchanged(tmp_path, capsys):
    d = _replay_dir(tmp_path / "one", pelvis=False)
    assert cli.main(["timeline", str(d)]) == 0
    assert "pelvis" not in capsys.readouterr().out
