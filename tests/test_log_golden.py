"""Golden session logs, one directory per format version: every version ever written must still
decode to the same records, and the current writer must still write its version's bytes.

A format change bumps logfmt.VERSION and adds tests/golden/vN (made with
`LEANCLIP_REGEN_GOLDEN=1 pytest tests/test_log_golden.py`); old directories are never edited.
"""
import io
import json
import os
from pathlib import Path

import pytest

import logsample
from firmware.core import logfmt
from host_tools import logread
from host_tools.commands import export

GOLDEN = Path(__file__).with_name("golden")
SAMPLES = {"summary.lcl": (False, 16.0), "raw.lcl": (True, 2.0)}


def _written(raw, seconds):
    f = io.BytesIO()
    logsample.drive(logsample.writer(f, raw=raw), seconds, raw=raw)
    return f.getvalue()


def _decoded(path):
    return json.loads(json.dumps(export.json_doc(logread.load(path))))


if os.environ.get("LEANCLIP_REGEN_GOLDEN"):
    current = GOLDEN / ("v%d" % logfmt.VERSION)
    current.mkdir(parents=True, exist_ok=True)
    for name, (raw, seconds) in SAMPLES.items():
        (current / name).write_bytes(_written(raw, seconds))
        (current / name).with_suffix(".json").write_text(
            json.dumps(_decoded(current / name), indent=1, sort_keys=True))

VERSIONS = sorted(GOLDEN.glob("v*"))


def test_there_is_a_golden_directory_for_the_current_version():
    assert GOLDEN / ("v%d" % logfmt.VERSION) in VERSIONS


@pytest.mark.parametrize("log", [p for v in VERSIONS for p in sorted(v.glob("*.lcl"))],
                         ids=lambda p: "%s/%s" % (p.parent.name, p.name))
def test_every_golden_log_still_decodes_to_its_records(log):
    expected = json.loads(log.with_suffix(".json").read_text())
    got = _decoded(log)
    # Counters added to Recovery since the golden file was made must read 0 on it.
    added = set(got["recovery"]) - set(expected["recovery"])
    assert {k: got["recovery"].pop(k) for k in added} == dict.fromkeys(added, 0)
    assert got == expected


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_writer_still_writes_the_current_golden_bytes(name):
    raw, seconds = SAMPLES[name]
    golden = GOLDEN / ("v%d" % logfmt.VERSION) / name
    assert _written(raw, seconds) == golden.read_bytes(), (
        "the bytes changed: if on purpose, bump logfmt.VERSION and add a golden directory")
