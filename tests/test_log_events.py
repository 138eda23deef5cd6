"""The event registry (firmware/core/logfmt.py) is the one list of events: the pipeline, the
writer, the reader, the exports, the timeline and docs/log-format.md must agree with it, and a
log with every event, written by MicroPython, must read back on the host with exact values."""
import csv
import re
import struct
from pathlib import Path

import numpy as np
import pytest

import logsample
from firmware.core import coach, coaching, logevents, logfmt, pipeline
from host_tools import cli, logread

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "log-format.md"
GOLDEN = Path(__file__).with_name("golden")
_TYPE_NAMES = {"i": "int", "f": "float"}


def _registry_rows():
    """The docs table's first four columns, from the registry: one row per code and meaning,
    with the versions that share it."""
    seen = {}
    for version in range(1, logfmt.VERSION + 1):
        for code, (name, fields) in logevents.event_types(version).items():
            seen.setdefault((code, name, fields), []).append(version)
    rows = []
    for (code, name, fields), versions in sorted(seen.items(), key=lambda kv: (kv[0][0], kv[1])):
        if fields == logfmt.TEXT:
            data = "text"
        elif not fields:
            data = "-"
        else:
            data = ", ".join("%s (%s, %s)" % (f, _TYPE_NAMES[t], u) for f, t, u in fields)
        rows.append((str(code), name, ", ".join("v%d" % v for v in versions), data))
    return rows


def _doc_rows():
    text = DOC.read_text()
    table = text[text.index("| code | name | versions |"):].split("\n\n")[0].splitlines()[2:]
    return [tuple(c.strip() for c in line.strip().strip("|").split("|"))[:4] for line in table]


def test_the_docs_event_table_is_the_registry():
    expected = _registry_rows()
    assert _doc_rows() == expected, "docs/log-format.md EVENTS table should read:\n" + "\n".join(
        "| %s | %s | %s | %s | ... |" % r for r in expected)


def test_every_field_has_a_known_type_and_a_unit():
    for version in range(1, logfmt.VERSION + 1):
        names = [name for name, _ in logevents.event_types(version).values()]
        assert len(names) == len(set(names)), version
        for name, fields in logevents.event_types(version).values():
            if fields != logfmt.TEXT:
                for field, kind, unit in fields:
                    assert kind in _TYPE_NAMES and unit, (version, name, field)


def test_the_pipelines_events_are_the_registrys_pipeline_codes():
    codes = logevents.event_types(logfmt.VERSION)
    assert pipeline.EVENTS == tuple(codes[c][0] for c in sorted(codes) if c < 16)
    assert coaching.BUZZ_EVENTS[coach.FAULT_UPRIGHT] == "buzz_upright"
    assert coaching.BUZZ_EVENTS[coach.FAULT_ARCH] == "buzz_arch"
    assert coaching.BUZZ_EVENTS[coach.FAULT_OVERLEAN] == "buzz_overlean"


def _literals(path):
    return set(re.findall(r'"([a-z_]+)"', path.read_text()))


def test_every_event_of_the_format_is_emitted_by_the_firmware_and_nothing_else_is():
    """No dead codes in the registry (as pause/resume were), and no name the writer would
    refuse: every event name is a string the firmware writes (buzzes via BUZZ_EVENTS)."""
    names = {name for name, _ in logevents.event_types(logfmt.VERSION).values()}
    emitted = set(coaching.BUZZ_EVENTS[1:])
    for path in (ROOT / "firmware").rglob("*.py"):
        if path.name != "logfmt.py":
            emitted |= _literals(path) & names
    assert names == emitted, names ^ emitted
    calls = set()
    for path in (ROOT / "firmware").rglob("*.py"):
        calls |= set(re.findall(r'\.event\([^,]+, "([a-z_]+)"', path.read_text()))
    assert calls and calls <= names, calls - names


def test_the_host_tools_name_only_registered_events():
    names = {name for v in range(1, logfmt.VERSION + 1) for name, _ in
             logevents.event_types(v).values()}
    # the modules that read logged events (elsewhere `name ==` compares bands or FIT messages)
    for tool in ("commands/timeline.py", "commands/export.py", "commands/report.py",
                 "logread.py", "eventtext.py", "replaylog.py"):
        path = ROOT / "host_tools" / tool
        compared = set(re.findall(r'(?:event|name|e\[1\]) == "([a-z_]+)"(?! *\+)',
                                   path.read_text()))
        assert compared <= names, (path.name, compared - names)


def test_the_writer_refuses_what_v2_dropped():
    assert "pause" not in logfmt.EVENT_CODES and "resume" not in logfmt.EVENT_CODES
    with pytest.raises(ValueError):
        logfmt.pack_event(bytearray(64), 0, 0, 18, None)


def _f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _expected(name, value):
    """What the reader must give for a value logsample sent: ints as ints, floats as float32."""
    fields = dict(logevents.event_types(logfmt.VERSION))[logfmt.EVENT_CODES[name]][1]
    if fields == logfmt.TEXT:
        return value
    values = () if value is None else value if isinstance(value, tuple) else (value,)
    return {f: (int(v) if kind == "i" else _f32(v)) for (f, kind, _), v in
            zip(fields, values, strict=False)}


@pytest.fixture(scope="module")
def upy_log(tmp_path_factory, interp):
    tmp = tmp_path_factory.mktemp("upy")
    root = interp.compile_firmware(tmp / "lib")
    out = tmp / "every_event.lcl"
    interp.run(Path(logsample.__file__), root, str(out), "summary", "16.0")
    return out


def test_micropython_writes_every_event_and_the_host_reads_exact_values(upy_log, interp):
    """The sample session sends every event of the format; what MicroPython wrote is the v2
    golden file byte for byte (in single precision a summary's mean lean may round to the
    neighbouring 0.1 deg), and each event reads back with its time, fields and value."""
    golden = GOLDEN / ("v%d" % logfmt.VERSION) / "summary.lcl"
    s = logread.load(upy_log)
    if interp.float32:
        ref = logread.load(golden)
        assert s.events == ref.events and s.header == ref.header
        for key in logread.SUMMARY_FIELDS:
            tol = 0.1 + 1e-6 if key == "lean_deg" else 0
            assert np.allclose(s.summary[key], ref.summary[key], rtol=0, atol=tol), key
    else:
        assert upy_log.read_bytes() == golden.read_bytes()
    assert s.recovery.skipped == 0 and s.version == logfmt.VERSION
    sent = [((at if at >= 0 else 1600 + at) * 10 + 10, name, value)
            for at, name, value in logsample.EVENTS]
    sent += [(7000, "buzz_upright", 1.5), (14000, "buzz_upright", 1.5)]
    sent.sort(key=lambda e: e[0])
    got = sorted(s.events, key=lambda e: e[0])
    assert {name for _, name, _ in sent} == set(logfmt.EVENT_CODES)  # every event type
    assert [(t, n) for t, n, _ in got] == [(t, n) for t, n, _ in sent]
    for (_, name, value), (_, _, data) in zip(sent, got, strict=True):
        assert data == _expected(name, value), name
        if isinstance(data, dict):
            assert all(type(v) is (int if isinstance(_expected(name, value)[k], int) else float)
                       for k, v in data.items()), name
    by_name = {n: d for _, n, d in got}
    assert by_name["forward_found"] == {"speed_mps": _f32(0.85)}  # v1 read this as {"steps": 0}
    assert by_name["battery"] == {"battery_mv": 3987} and by_name["cue_summary"] == {"cue": 4}


def test_the_export_gives_every_value_its_unit(upy_log, tmp_path, capsys):
    assert cli.main(["export", str(upy_log), "--csv", "--out", str(tmp_path / "x")]) == 0
    rows = {r["event"]: r for r in csv.DictReader((tmp_path / "x" / "events.csv").open())}
    assert float(rows["forward_found"]["value"]) == pytest.approx(0.85)
    assert rows["forward_found"]["unit"] == "m/s"
    assert (rows["battery"]["value"], rows["battery"]["unit"]) == ("3987", "mV")
    assert (rows["accel"]["value"], rows["accel"]["unit"]) == ("0.125", "g")
    assert (rows["personal_band"]["value"], rows["personal_band"]["unit"]) == ("7.5", "deg")
    assert (rows["cue_summary"]["value"], rows["state"]["value"]) == ("good", "running")
    # several values: a table of its own, columns named with their units (issue 15: no JSON)
    assert (rows["loop_stats"]["value"], rows["loop_stats"]["unit"]) == ("", "")
    stats = next(csv.DictReader((tmp_path / "x" / "loop_stats.csv").open()))
    assert list(stats)[1:] == [f for f, _, _ in logevents.event_types(logfmt.VERSION)[22][1]]
    assert rows["error"]["value"] == "imu fifo overflow" and rows["error"]["unit"] == ""


def test_v1_logs_read_with_v1_meanings():
    """tests/golden/v1 froze forward_found as an int `steps` (docs: what v1 meant), and pause."""
    s = logread.load(GOLDEN / "v1" / "summary.lcl")
    assert s.version == 1 and s.recovery.skipped == 0
    events = {name: data for _, name, data in s.events}
    assert events["forward_found"] == {"steps": 12} and "pause" in events
    # a v1 device wrote its speed there (same bytes as v2): read as v1, only whole m/s is left
    payload = bytearray(16)
    end = logfmt.pack_event(payload, 0, 5, logfmt.EVENT_CODES["forward_found"], 0.85)
    block = struct.pack("<BH", 1 << 4 | logfmt.EVENTS, end) + bytes(payload[:end])
    block += struct.pack("<I", logfmt.crc(block, 0, len(block)))
    assert logread.decode(block).events == [(5, "forward_found", {"steps": 0})]
