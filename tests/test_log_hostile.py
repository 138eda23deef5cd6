"""Logs whose blocks all pass their CRC but were moved, repeated or hand-built: the reader puts
time back in order, says what it dropped, and never crashes a command (issue 14, items 8, 9
and 12's 2 GB non-log), with a property-based test over block-level mutations."""
import io
import json
import math
import struct
import subprocess
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import logsample
from firmware.core import logfmt
from host_tools import cli, logread, replaylog
from host_tools.commands import export, report
from host_tools.errors import UserError
from serialboard import BIN


def _log(raw=False, seconds=16.0):
    f = io.BytesIO()
    logsample.drive(logsample.writer(f, raw=raw), seconds, raw=raw)
    return f.getvalue()


SUMMARY_LOG = _log()
RAW_LOG = _log(raw=True, seconds=3.0)


def _blocks(data):
    """[(kind, bytes of the whole block)] in file order."""
    rec = logread.Recovery()
    return [(kind, data[off:end + 4]) for off, _, kind, _, end in logread.blocks(data, rec)]


def _of(blocks, kind):
    return [i for i, (k, _) in enumerate(blocks) if k == kind]


def _join(blocks):
    return b"".join(b for _, b in blocks)


def _strict_json(doc):
    """JSON text as a strict parser reads it: bare NaN/Infinity are not JSON."""
    return json.loads(json.dumps(doc, allow_nan=False),
                      parse_constant=lambda c: pytest.fail("bare %s in JSON" % c))


# ---- item 8: order and repeats
def test_swapped_summary_blocks_are_put_back_in_time_and_said():
    bl = _blocks(SUMMARY_LOG)
    a, b = _of(bl, logfmt.SUMMARY)[3:5]
    bl[a], bl[b] = bl[b], bl[a]
    s = logread.decode(_join(bl))
    assert s.summary["t_s"].tolist() == list(range(17))  # no 65,536 s jump
    assert s.recovery.reordered == 1 and "1 out of time order (re-sorted)" in \
        s.recovery.describe()
    clean = logread.decode(SUMMARY_LOG)
    for k in logread.SUMMARY_FIELDS:
        assert s.summary[k].tolist() == clean.summary[k].tolist()


def test_a_repeated_summary_is_dropped_and_the_report_counts_no_missing_time(tmp_path, capsys):
    bl = _blocks(SUMMARY_LOG)
    i = _of(bl, logfmt.SUMMARY)[2]
    bl.insert(_of(bl, logfmt.SUMMARY)[9], bl[i])  # second 2 again, after second 8
    bl.insert(_of(bl, logfmt.SUMMARY)[12], bl[_of(bl, logfmt.SUMMARY)[12]])  # and back to back
    (tmp_path / "dup.lcl").write_bytes(_join(bl))
    s = logread.load(tmp_path / "dup.lcl")
    assert s.summary["t_s"].tolist() == list(range(17))
    assert s.recovery.duplicates == 2 and s.recovery.reordered == 0
    assert cli.main(["report", str(tmp_path / "dup.lcl"), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "missing" not in out and "2 repeated blocks dropped" in out


def test_repeated_and_moved_event_and_raw_blocks():
    bl = _blocks(RAW_LOG)
    ev, raw = _of(bl, logfmt.EVENTS), _of(bl, logfmt.RAW)
    bl.append(bl[ev[0]])                  # an events block again at the end
    bl.append(bl[raw[1]])                 # a raw block again
    bl[raw[2]], bl[raw[4]] = bl[raw[4]], bl[raw[2]]  # two raw blocks swapped
    s = logread.decode(_join(bl))
    clean = logread.decode(RAW_LOG)
    assert s.events == clean.events
    t, counts = s.raw()
    t0, counts0 = clean.raw()
    assert np.array_equal(counts, counts0) and np.allclose(t, t0)
    assert s.recovery.duplicates == 2
    assert s.recovery.reordered == 2  # 0 1 4 3 2: blocks 3 and 2 each came after a later one


# ---- item 9: hand-built blocks with sound CRCs
def _header(meta=b"{}", rate=100.0, lsb_g=4096.0, lsb_dps=16.384, mode=logfmt.MODE_RAW):
    return logread.frame(logfmt.HEADER, logread.header_payload(mode, 1, rate, lsb_g, lsb_dps, 0,
                                                            meta))


def _summary(t, flags=0x06):
    buf = bytearray(logfmt.SUMMARY_BYTES)
    logfmt.pack_summary(buf, 0, t, 5.0, 0.0, 170, flags)
    return logread.frame(logfmt.SUMMARY, buf)


def _event(code, *values):
    data = struct.pack("<IBB", 1500, code, 4 * len(values)) + struct.pack(
        "<%df" % len(values), *values)
    return logread.frame(logfmt.EVENTS, data)


def _raw_block(t_ms=0, n=50):
    return logread.frame(logfmt.RAW, struct.pack("<I", t_ms) + bytes(12 * n))


BATTERY = logfmt.EVENT_CODES["battery"]
STATE = logfmt.EVENT_CODES["state"]
HOSTILE = {
    "metadata a list": _header(b"[1, 2]") + _summary(0),
    "metadata config a list": _header(b'{"config": [1]}') + _summary(0),
    "nested metadata": _header(b"[" * 2000 + b"]" * 2000) + _summary(0),
    "metadata NaN": _header(b'{"config": {"upright_below_deg": NaN}}') + _summary(0),
    "inf battery": _header() + _summary(0) + _event(BATTERY, math.inf),
    "NaN state": _header() + _summary(0) + _event(STATE, math.nan),
    "state 3 in a summary": _header() + _summary(0, flags=0x07) + _summary(1),
    "raw rate 0": _header(rate=0.0) + _raw_block() + _raw_block(500),
    "raw rate 1e-30": _header(rate=1e-30) + _raw_block() + _raw_block(500),
    "raw scale 0": _header(lsb_g=0.0) + _raw_block() + _raw_block(500),
    "raw rate NaN": _header(rate=math.nan) + _raw_block() + _raw_block(500),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hand_built_logs_never_crash_a_command(tmp_path, capsys, name):
    log = tmp_path / "h.lcl"
    log.write_bytes(HOSTILE[name])
    assert cli.main(["export", str(log), "--json", "--out", str(tmp_path / "h.json")]) == 0
    doc = _strict_json(json.loads((tmp_path / "h.json").read_text()))
    assert doc["recovery"]["blocks"] >= 1
    assert cli.main(["export", str(log), "--csv", "--out", str(tmp_path / "csv")]) == 0
    assert cli.main(["report", str(log), "--out", str(tmp_path / "rep")]) == 0
    capsys.readouterr()
    status = cli.main(["replay", str(log), "--out", str(tmp_path / "replay")])
    err = capsys.readouterr().err
    assert status in (0, 2) and "Traceback" not in err
    if status == 2:
        assert len(err.strip().splitlines()) == 1


def test_what_hand_built_values_become():
    s = logread.decode(HOSTILE["inf battery"])
    assert s.events == [(1500, "battery", {})] and s.recovery.bad_values == 1
    s = logread.decode(HOSTILE["state 3 in a summary"])
    assert s.summary["t_s"].tolist() == [1] and s.recovery.bad_values == 1
    s = logread.decode(HOSTILE["raw rate 1e-30"])
    assert s.header is None and s.recovery.malformed == 1  # its samples cannot be timed
    s = logread.decode(HOSTILE["nested metadata"])
    assert s.header["rate_hz"] == 100.0 and s.header["meta"] == {}
    assert "impossible values left out" in s.recovery.describe()


def test_a_huge_file_that_is_not_a_log_is_refused_without_reading_it_all():
    """Issue 14.12 (`export` of a 2 GB non-log took 4 min): /dev/zero never ends, so only a
    reader that looks at the start first can refuse it."""
    proc = subprocess.run([str(BIN / "leanclip"), "export", "/dev/zero", "--json", "--out",
                           "/dev/null"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.strip() == \
        "leanclip export: /dev/zero is not a LeanClip session log"


# ---- the property: any mix of sound blocks, moved, repeated, dropped or made up
_made_up = st.one_of(
    st.builds(_summary, st.integers(0, 0xFFFF), st.integers(0, 0xFF)),
    st.builds(lambda c, v: _event(c, v), st.sampled_from(sorted(logread.event_types(2))),
              st.floats(width=32)),
    st.builds(_header, st.binary(max_size=40), st.floats(width=32), st.floats(width=32)),
    st.builds(_raw_block, st.integers(0, 2**32 - 1), st.integers(0, 5)),
    st.builds(lambda k, p: logread.frame(k, p), st.sampled_from(logfmt.KINDS),
              st.binary(max_size=64)),
)


@given(st.sampled_from([SUMMARY_LOG, RAW_LOG]), st.lists(st.tuples(
    st.sampled_from(["drop", "repeat", "move", "add"]), st.integers(0, 10**6), _made_up),
    max_size=12))
@settings(max_examples=300, deadline=None)
def test_no_arrangement_of_sound_blocks_breaks_the_reader(data, edits):
    bl = [b for _, b in _blocks(data)]
    for op, at, block in edits:
        i = at % len(bl) if bl else 0
        if op == "drop" and bl:
            del bl[i]
        elif op == "repeat" and bl:
            bl.insert(at % (len(bl) + 1), bl[i])
        elif op == "move" and bl:
            bl.insert(at % len(bl), bl.pop(i))
        else:
            bl.insert(i, bytes(block))
    try:
        s = logread.decode(b"".join(bl))
    except UserError:
        return  # only: a newer format's block (made up with a high version nibble)
    t = s.summary["t_s"]
    assert (np.diff(t) > 0).all() and (t >= 0).all()  # one row per second, in order
    assert all(0 <= x < 3 for x in s.summary["state"])
    times, _ = s.raw()
    assert np.isfinite(times).all()
    _strict_json(export.json_doc(s))
    report.describe(report.metrics(s))


@pytest.mark.parametrize("rate_hz", [0.0, 1e-30, math.inf])
def test_write_device_log_refuses_a_rate_no_reader_accepts(tmp_path, rate_hz):
    """Issue 14.9: rate 1e-30 made write_device_log loop for ever (a poll every 1000 ms of a
    recording whose one sample lasts 1e33 ms)."""
    rec = SimpleNamespace(t0=0.0, rate_hz=rate_hz, n=10, values=[0.0] * 60)
    recorder = SimpleNamespace(rows=[], events=[])
    with pytest.raises(UserError, match="sample rate"):
        replaylog.write_device_log(tmp_path / "s.lcl", rec, recorder, {})
    assert list(tmp_path.iterdir()) == []


def _replay_noise(log, out, capsys):
    """logsample's raw samples are noise, never a standing start: replay reads the whole log,
    writes its outputs and then refuses to call it coached (exit 2, the calibration line), not
    a damaged-file line."""
    capsys.readouterr()
    assert cli.main(["replay", str(log), "--out", str(out)]) == 2
    assert "not calibrated" in capsys.readouterr().err
    assert (out / "lean.csv").exists() and (out / "config.json").exists()


@pytest.mark.parametrize("text", ["[1, 2]", '{"upright_below_deg": "high"}', "{" * 50])
def test_a_hand_edited_replay_config_never_crashes_timeline(tmp_path, capsys, text):
    log = tmp_path / "r.lcl"
    logsample.drive(logsample.writer(str(log), raw=True), 8.0, raw=True)
    _replay_noise(log, tmp_path / "rep", capsys)
    (tmp_path / "rep" / "config.json").write_text(text)
    assert cli.main(["timeline", str(tmp_path / "rep"), "--png", str(tmp_path / "t.png")]) == 0


def test_a_raw_log_with_moved_and_repeated_blocks_still_replays(tmp_path, capsys):
    """Nothing was lost, only re-sorted and de-duplicated: replay may use it; a damaged one
    it still refuses (tests/test_log_commands.py)."""
    bl = _blocks(_log(raw=True, seconds=8.0))
    raw = _of(bl, logfmt.RAW)
    bl[raw[3]], bl[raw[5]] = bl[raw[5]], bl[raw[3]]
    bl.append(bl[raw[1]])
    (tmp_path / "moved.lcl").write_bytes(_join(bl))
    _replay_noise(tmp_path / "moved.lcl", tmp_path / "o", capsys)
