"""docs/mistakes.md, the table of user mistakes (input -> exact message -> exit status), is
generated here by running every case: the doc cannot drift from what the commands say.

The test fails when the doc is stale; regenerate it with
    LEANCLIP_WRITE_DOCS=1 .venv/bin/python -m pytest tests/test_mistakes.py
Each case runs in an empty directory with relative names, so the messages are the ones a user
sees, without temporary paths. Every one must be a single stderr line with exit status 2.
"""
import gzip
import os
from pathlib import Path

import numpy as np
import pytest

import logsample
from host_tools import cli
from host_tools.simulate.simulator import simulate, write

DOC = Path(__file__).parent.parent / "docs" / "mistakes.md"
HEADER = "t,ax,ay,az,gx,gy,gz\n"


def _run(n=300, rate=100.0, a=(0.0, 0.0, 1.0), t_scale=1.0):
    return HEADER + "".join("%g,%g,%g,%g,0.1,0.2,0.3\n" % ((t_scale * i / rate,) + a)
                            for i in range(n))


def _sim_run(gyro_scale):
    imu, truth, meta = simulate([{"do": "stand", "s": 5}, {"do": "run", "s": 20}],
                                rate_hz=100, seed=4)
    write("sim", imu, truth, meta)
    lines = Path("sim/imu.csv").read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        v = [float(x) for x in line.split(",")]
        out.append(",".join("%.7g" % x for x in v[:4] + [g * gyro_scale for g in v[4:]]))
    Path("imu.csv").write_text("\n".join(out) + "\n")


def _summary_log():
    logsample.drive(logsample.writer("session.lcl"), 4.0)


# (what the user did, files to create {name: text | bytes | callable}, argv)
CASES = [
    ("a file that is not there", {}, ["replay", "imu.csv", "--out", "out"]),
    ("an empty file", {"imu.csv": ""}, ["replay", "imu.csv", "--out", "out"]),
    ("a column missing", {"imu.csv": "t,ax,ay,az,gx,gy\n0,0,0,1,0,0\n"},
     ["replay", "imu.csv", "--out", "out"]),
    ("no header line", {"imu.csv": _run()[len(HEADER):]}, ["replay", "imu.csv", "--out", "out"]),
    ("a NaN", {"imu.csv": HEADER + "0,nan,0,1,0,0,0\n"}, ["replay", "imu.csv", "--out", "out"]),
    ("text in a number column", {"imu.csv": HEADER + "0,a,0,1,0,0,0\n"},
     ["replay", "imu.csv", "--out", "out"]),
    ("time going backwards", {"imu.csv": _run(5) + "0.01,0,0,1,0,0,0\n"},
     ["replay", "imu.csv", "--out", "out"]),
    ("a gap in the samples", {"imu.csv": _run(100) + "".join(
        "%g,0,0,1,0,0,0\n" % (1.5 + i / 100) for i in range(100))},
     ["replay", "imu.csv", "--out", "out"]),
    ("decimal commas (Excel, ';' between columns)", {"imu.csv": "t;ax;ay;az;gx;gy;gz\n"
                                                     "0,00;0;0;1;0;0;0\n"},
     ["replay", "imu.csv", "--out", "out"]),
    ("acceleration in m/s^2", {"imu.csv": _run(a=(0.0, 0.0, 9.81))},
     ["replay", "imu.csv", "--out", "out"]),
    ("t in milliseconds", {"imu.csv": _run(t_scale=1000.0)},
     ["replay", "imu.csv", "--out", "out"]),
    ("a sample rate out of range", {"imu.csv": _run(rate=20.0)},
     ["replay", "imu.csv", "--out", "out"]),
    ("the gyro in rad/s", {"imu.csv": lambda: _sim_run(np.pi / 180)},
     ["replay", "imu.csv", "--out", "out"]),
    ("a PNG renamed .csv", {"imu.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
     ["replay", "imu.csv", "--out", "out"]),
    ("a gzip file named .csv", {"imu.csv": gzip.compress(HEADER.encode(), mtime=0)},
     ["replay", "imu.csv", "--out", "out"]),
    ("a gzip file with no samples", {"imu.csv.gz": gzip.compress(HEADER.encode(), mtime=0)},
     ["replay", "imu.csv.gz", "--out", "out"]),
    ("a UTF-16 CSV", {"imu.csv": _run(3).encode("utf-16")}, ["replay", "imu.csv", "--out", "out"]),
    ("a Latin-1 CSV", {"imu.csv": ("# s\u00e9ance\n" + _run(3)).encode("latin-1")},
     ["replay", "imu.csv", "--out", "out"]),
    ("a summary-mode session log", {"session.lcl": _summary_log},
     ["replay", "session.lcl", "--out", "out"]),
    ("a config typo", {"imu.csv": _run(), "c.json": '{"repeat_secs": 10}'},
     ["replay", "imu.csv", "--out", "out", "--config", "c.json"]),
    ("a config value out of range", {"imu.csv": _run(), "c.json": '{"fault_hold_s": 0}'},
     ["replay", "imu.csv", "--out", "out", "--config", "c.json"]),
    ("config that is not JSON", {"imu.csv": _run(), "c.json": "{fault_hold_s: 4}"},
     ["replay", "imu.csv", "--out", "out", "--config", "c.json"]),
    ("export of a CSV", {"imu.csv": _run(3)}, ["export", "imu.csv", "--csv"]),
    ("report of a file that is not there", {}, ["report", "nothere.lcl"]),
    ("timeline of a folder with no replay", {"out/x": ""}, ["timeline", "out"]),
    ("firmware file misspelt", {}, ["install-micropython", "--firmware", "nothere.bin"]),
    ("a zip instead of a firmware image", {"fw.bin": b"PK\x03\x04"},
     ["install-micropython", "--firmware", "fw.bin"]),
    ("no board plugged in", {}, ["doctor"]),
    ("a port that does not exist", {}, ["live", "--port", "/dev/ttyUSB9"]),
    ("config set without a key", {}, ["config", "set"]),
    ("plan-demo with too few sessions", {}, ["plan-demo", "--sessions", "1", "--out", "p"]),
]


def _case(tmp_path, monkeypatch, capsys, files, argv):
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content()
        elif isinstance(content, bytes):
            Path(name).write_bytes(content)
        else:
            Path(name).write_text(content)
    capsys.readouterr()
    status = cli.main(argv)
    return status, capsys.readouterr().err


def _row(what, argv, message, status):
    cell = message.strip().replace("|", "\\|")
    return "| %s | `leanclip %s` | `` %s `` | %d |" % (what, " ".join(argv), cell, status)


@pytest.fixture(scope="module")
def table():
    return {}


@pytest.mark.parametrize("what, files, argv", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, table,
                                            what, files, argv):
    status, err = _case(tmp_path, monkeypatch, capsys, files, argv)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err, (status, err)
    table[what] = _row(what, argv, err, status)


def test_docs_mistakes_md_is_current(table):
    if len(table) < len(CASES):
        pytest.skip("run the whole file: the table is built by the cases above")
    rows = [table[c[0]] for c in CASES]
    text = (
        "# Mistakes users make, and what LeanClip says\n\n"
        "Generated by `tests/test_mistakes.py`, which runs every case below and fails when this\n"
        "file differs from what the commands really say; regenerate with\n"
        "`LEANCLIP_WRITE_DOCS=1 .venv/bin/python -m pytest tests/test_mistakes.py`. Every\n"
        "message is one line on stderr, the exit status is 2, and nothing is written.\n"
        "Commands that need a board were run with none attached.\n\n"
        "| mistake | command | message (stderr) | exit |\n|---|---|---|---|\n"
        + "\n".join(rows) + "\n")
    if os.environ.get("LEANCLIP_WRITE_DOCS"):
        DOC.write_text(text)
    assert DOC.exists() and DOC.read_text() == text, (
        "docs/mistakes.md is stale: LEANCLIP_WRITE_DOCS=1 .venv/bin/python -m pytest "
        "tests/test_mistakes.py")
