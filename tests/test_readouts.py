"""The estimator and the coaching object have a public face and nothing else is reached into.

Two checks that together close the door: every public name of a Pipeline and a Coaching (after
a run, so lazily made attributes exist) is one docs/architecture.md lists as a read-out, and no
module outside firmware/core touches one of their private `_names`. A new public attribute must
be documented; an internal one cannot be read from the device app, the drill, replay or bench.
"""
import ast
import re
from pathlib import Path

import pytest

from firmware.core import config
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate.simulator import simulate

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_CORE = ("firmware/device", "firmware/drivers", "host_tools", "bench", "hardware")


def documented(prefix):
    """Names `prefix.NAME` the contract block of docs/architecture.md lists."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    return set(re.findall(r"^%s\.(\w+)" % prefix, text, re.M))


@pytest.fixture(scope="module")
def objects():
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 5},
            {"do": "run", "s": 20, "lean_deg": 7.0}]
    imu, truth, _ = simulate(segs, rate_hz=50, quality="typical", seed=3)
    rec = ImuRecording(0.0, 50.0, imu[:, 1:].ravel().tolist())
    baro = [(t, 101325.0 - 0.1 * t) for t in range(0, 30)]
    sink = run_pipeline(rec, config.defaults(), baro=baro, session_no=1)
    return sink.pipeline, sink.pipeline.coaching


def public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def private(obj):
    return {n for n in dir(obj) if n.startswith("_") and not n.startswith("__")}


def test_every_public_name_is_a_documented_readout(objects):
    pipe, coaching = objects
    assert public(pipe) == documented("p")
    assert public(coaching) == documented("c")


def test_no_module_outside_core_reads_their_internals(objects):
    internals = set()
    for obj in objects:
        internals |= private(obj)
    found = []
    for folder in OUTSIDE_CORE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (isinstance(node, ast.Attribute) and node.attr in internals
                        and not (isinstance(node.value, ast.Name) and node.value.id == "self")):
                    found.append("%s:%d .%s" % (path.relative_to(ROOT), node.lineno, node.attr))
    assert found == []


def test_the_check_sees_a_reach_into_the_pipeline(objects, tmp_path):
    """The scan above is not vacuous: code like the old drill's is caught."""
    internals = private(objects[0])
    tree = ast.parse("def poll(p):\n    return p._grav_x, p._frame.up\n")
    hits = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in internals}
    assert hits == {"_grav_x", "_frame"}
