"""The pelvis sensor in the session log (issue 17, log format v3): the device's sink reduces the
pipeline's pelvis rows to one PELVIS record per second beside that second's summary; the host
reads them back (logread), exports them (pelvis.csv, the JSON's "pelvis"), and a one-sensor
session writes and exports exactly what it did before."""
import csv
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

import logsample
from firmware.core import logfmt
from firmware.core.logparse import parse_block
from firmware.core.summary import SummarySink
from host_tools import cli, logread

T0_MS = (1 << 30) - 2500  # the sample clock wraps 2.5 s in, as in logsample
_MASK = (1 << 30) - 1
LOST = (20.0, 26.0)   # pelvis unplugged: no pelvis rows, chest rows go on
HIPBEND_S = 12.0


def pelvis_at(t_s):
    """The pelvis row at session time t_s: pelvis tilt, lumbar (stride mean), lumbar at toe-off;
    negative values and a wide range, so a wrong sign or scale shows."""
    return 3.0 + 0.5 * np.sin(t_s), 6.0 - 0.5 * t_s, -2.0 - 0.25 * t_s


def session(seconds=40, pelvis=True):
    """A session's bytes: lean rows every 330 ms, each followed by its pelvis row while the
    pelvis is trusted (pelvis=True), pelvis_lost/back around LOST and a hip-bend buzz."""
    f = logsample.CountingFile()
    sink = SummarySink(logsample.writer(f), T0_MS)
    t = T0_MS
    for tick in range(int(seconds * 100)):
        t = (t + 10) & _MASK
        t_s = (tick + 1) / 100
        if tick % 33 == 0 and tick > 100:
            sink.lean(t, 7.0 + 0.1 * (tick % 7), 0.5, 172.0, 2, 660)
            if pelvis and not LOST[0] <= t_s < LOST[1]:
                sink.pelvis(t, *pelvis_at(t_s))
        if pelvis and t_s == LOST[0]:
            sink.event(t, "pelvis_lost", 19)
        if pelvis and t_s == LOST[1]:
            sink.event(t, "pelvis_back", LOST[1] - LOST[0])
        if pelvis and t_s == HIPBEND_S:
            sink.event(t, "buzz_hipbend", 14.5)
        sink.poll(t)
    sink.close(t)
    return bytes(f.durable)


@pytest.fixture(scope="module")
def both():
    return session(pelvis=True)


@pytest.fixture(scope="module")
def chest_only():
    return session(pelvis=False)


def test_pelvis_rows_come_back_as_the_seconds_means(both):
    s = logread.decode(both)
    assert s.recovery.lost == 0 and s.recovery.skipped == 0
    assert s.version == logfmt.VERSION and s.has_pelvis()
    p = s.pelvis
    seconds = p["t_s"].tolist()
    # every second with lean rows, except while the pelvis was lost
    sm = s.summary
    assert seconds == [t for t, ok in zip(sm["t_s"].tolist(), sm["lean_valid"], strict=True)
                       if ok and not LOST[0] <= t < LOST[1]]
    # each second's mean of the rows stamped in it, quantised to 0.1 deg
    for i, sec in enumerate(seconds):
        ticks = [k for k in range(132, 4000, 33) if sec <= (k + 1) / 100 < sec + 1]
        rows = np.array([pelvis_at((k + 1) / 100) for k in ticks])
        assert p["pelvis_deg"][i] == pytest.approx(rows[:, 0].mean(), abs=0.051)
        assert p["lumbar_deg"][i] == pytest.approx(rows[:, 1].mean(), abs=0.051)
        assert p["lumbar_toeoff_deg"][i] == pytest.approx(rows[:, 2].mean(), abs=0.051)
    assert (p["lumbar_deg"] < 0).any() and (p["lumbar_deg"] > 0).any()
    assert p["buzz_hipbend"].tolist() == [t == int(HIPBEND_S) for t in seconds]
    assert not p["buzz_lumbar_arch"].any()
    names = [e[1] for e in s.events]
    assert "pelvis_lost" in names and "pelvis_back" in names


def test_the_summary_is_the_same_with_or_without_the_pelvis(both, chest_only):
    a, b = logread.decode(both), logread.decode(chest_only)
    for k in logread.SUMMARY_FIELDS:
        assert a.summary[k].tolist() == b.summary[k].tolist(), k
    assert not b.has_pelvis()
    assert all(parse_block(chest_only, off) is None or
               parse_block(chest_only, off)[1] != logfmt.PELVIS
               for off in range(len(chest_only)))


def test_a_log_cut_inside_a_pelvis_record_loses_only_that_record(both):
    s = logread.decode(both)
    # the last PELVIS block's offset
    off = max(o for o, _, kind, _, _ in logread.blocks(both, logread.Recovery())
              if kind == logfmt.PELVIS)
    cut = logread.decode(both[:off + 5])
    assert cut.recovery.truncated and cut.recovery.damaged == 0
    assert cut.pelvis["t_s"].tolist() == s.pelvis["t_s"].tolist()[:-1]


def test_export_writes_pelvis_csv_and_json_only_for_a_pelvis_log(tmp_path, both, chest_only,
                                                                 capsys):
    for name, data in (("both", both), ("one", chest_only)):
        (tmp_path / (name + ".lcl")).write_bytes(data)
        assert cli.main(["export", str(tmp_path / (name + ".lcl")), "--csv"]) == 0
        assert cli.main(["export", str(tmp_path / (name + ".lcl")), "--json"]) == 0
    with (tmp_path / "both" / "pelvis.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    s = logread.decode(both)
    assert [int(r["t_s"]) for r in rows] == s.pelvis["t_s"].tolist()
    assert [float(r["lumbar_deg"]) for r in rows] == pytest.approx(s.pelvis["lumbar_deg"])
    assert [r["buzz_hipbend"] for r in rows].count("True") == 1
    doc = json.loads((tmp_path / "both.json").read_text())
    assert doc["pelvis"]["lumbar_toeoff_deg"] == pytest.approx(s.pelvis["lumbar_toeoff_deg"])
    assert not (tmp_path / "one" / "pelvis.csv").exists()
    assert "pelvis" not in json.loads((tmp_path / "one.json").read_text())
    out = capsys.readouterr().out
    assert "s of pelvis rows" in out


def test_a_two_sensor_replay_writes_the_pelvis_records_the_device_would(tmp_path, capsys):
    """`leanclip replay` of a chest + pelvis CSV writes session.lcl with the firmware's own sink
    and writer: its PELVIS records are the per-second means of lean.csv's pelvis columns. The
    pelvis columns here repeat the chest's (a lean from the ankles: the lumbar angle ~0)."""
    from host_tools.simulate.simulator import simulate, write

    write(tmp_path / "sim", *simulate([{"do": "stand", "s": 5}, {"do": "walk", "s": 10},
                                       {"do": "run", "s": 40, "lean_deg": 8}], rate_hz=100,
                                      seed=2))
    lines = (tmp_path / "sim" / "imu.csv").read_text().splitlines()
    both = tmp_path / "both.csv"
    both.write_text("\n".join([lines[0] + ",pax,pay,paz,pgx,pgy,pgz"]
                              + [x + "," + ",".join(x.split(",")[1:7]) for x in lines[1:]]) + "\n")
    assert cli.main(["replay", str(both), "--out", str(tmp_path / "rep")]) == 0
    capsys.readouterr()
    s = logread.decode((tmp_path / "rep" / "session.lcl").read_bytes())
    assert s.has_pelvis() and s.recovery.lost == 0
    with (tmp_path / "rep" / "lean.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["pelvis_deg"]]
    assert len(rows) >= 40
    for i, sec in enumerate(s.pelvis["t_s"].tolist()):
        got = [float(r["lumbar_deg"]) for r in rows if sec <= float(r["t"]) < sec + 1]
        assert s.pelvis["lumbar_deg"][i] == pytest.approx(np.mean(got), abs=0.06)
    assert np.abs(s.pelvis["lumbar_deg"]).max() <= 1.0
    # the chest alone: the same log as before, no PELVIS record
    assert cli.main(["replay", str(tmp_path / "sim" / "imu.csv"), "--out",
                     str(tmp_path / "one")]) == 0
    assert not logread.decode((tmp_path / "one" / "session.lcl").read_bytes()).has_pelvis()


def _pairs_log():
    f = logsample.CountingFile()
    logsample.drive_pairs(logsample.writer(f, raw=True))
    return bytes(f.durable)


def _pairs_fed():
    """(pelvis fed with it, per sample) of logsample.drive_pairs' session."""
    return [paired for n, paired in logsample.PAIR_PASSES for _ in range(n)] * 8


def test_raw_mode_with_a_pod_logs_each_chest_sample_with_its_pelvis_partner(tmp_path, capsys):
    """Raw mode with a pelvis pod (v3 RAW_PAIRS blocks): every chest sample comes back once and
    in order, each paired one with the pelvis sample it was fed with, the ones fed alone without;
    the export's imu.csv gains replay's pelvis columns (empty where there was none), which
    `leanclip replay`'s reader takes; a replay straight from the log refuses the gaps in one
    line. A raw log without a pod has no pelvis part (raw_pelvis() None: test_log_golden's)."""
    s = logread.decode(_pairs_log())
    assert s.recovery.lost == 0 and s.recovery.skipped == 0
    fed = _pairs_fed()
    t_ms, counts = s.raw()
    assert len(counts) == len(fed)
    assert counts.tolist() == [[logsample.pair_value(k, j, False) for j in range(6)]
                               for k in range(len(fed))]
    assert np.diff(t_ms) == pytest.approx(10.0)
    has, pcounts = s.raw_pelvis()
    assert has.tolist() == fed
    assert [pcounts[k].tolist() for k in range(len(fed)) if fed[k]] == [
        [logsample.pair_value(k, j, True) for j in range(6)] for k in range(len(fed)) if fed[k]]
    golden = Path(__file__).with_name("golden") / "v3" / "raw.lcl"  # no pod: no pelvis part
    assert logread.load(golden).raw_pelvis() is None
    kinds = {kind for _, _, kind, _, _ in logread.blocks(_pairs_log(), logread.Recovery())}
    assert logfmt.RAW_PAIRS in kinds and logfmt.RAW in kinds
    pairs = logread.frame(logfmt.RAW_PAIRS, bytes(4 + 24))  # one pair: from v4 on only
    assert parse_block(pairs, 0)[:2] == (4, logfmt.RAW_PAIRS)
    v3 = bytes([3 << 4 | logfmt.RAW_PAIRS]) + pairs[1:-4]  # the same block tagged v3, its
    v3 += struct.pack("<I", zlib.crc32(v3))                 # CRC sound
    assert parse_block(v3, 0) is None
    (tmp_path / "pairs.lcl").write_bytes(_pairs_log())
    assert cli.main(["export", str(tmp_path / "pairs.lcl"), "--csv"]) == 0
    with (tmp_path / "pairs" / "imu.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [bool(r["pax"]) for r in rows] == fed
    assert float(rows[5]["pgz"]) == pytest.approx(logsample.pair_value(5, 5, True) / 16.384,
                                                  rel=1e-5)
    from host_tools.replay_input import load_imu_csv

    assert load_imu_csv(tmp_path / "pairs" / "imu.csv").pelvis
    capsys.readouterr()
    assert cli.main(["replay", str(tmp_path / "pairs.lcl"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "pelvis sensor's samples stop and start again" in err and "\n" not in err


def test_a_raw_log_paired_throughout_replays_with_the_pelvis(tmp_path, monkeypatch):
    from host_tools import replaylog

    monkeypatch.setattr(logsample, "PAIR_PASSES", ((7, True), (9, True)))
    (tmp_path / "all.lcl").write_bytes(_pairs_log())
    t0, rate_hz, values, pelvis = replaylog.raw_recording(tmp_path / "all.lcl")
    assert rate_hz == logsample.RATE_HZ and len(pelvis) == len(values) == 6 * 16 * 8
    assert pelvis[5] == pytest.approx(logsample.pair_value(0, 5, True) / 16.384)


def test_micropython_writes_the_same_raw_pairs(tmp_path, interp):
    """The writer's interleaving on MicroPython (mpy-cross output): the same bytes as CPython's
    (raw counts only: no floats to round apart)."""
    root = interp.compile_firmware(tmp_path / "lib")
    out = tmp_path / "pairs.lcl"
    interp.run(Path(logsample.__file__), root, str(out), "pairs", "0")
    assert out.read_bytes() == _pairs_log()
