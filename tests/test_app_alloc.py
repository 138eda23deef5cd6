"""The device loop allocates nothing of its own in steady state (issue 3, item 4), measured on
the MicroPython interpreter (tests/upy_scripts/app_alloc.py): 1000 passes under
micropython.heap_lock() with only the pipeline's feed unlocked, and gc.mem_alloc() per pass
equal to the pipeline's alone, fed the same way; and with the pelvis pod on the bus too."""
import json
from pathlib import Path

import pytest


SCRIPT = Path(__file__).resolve().parent / "upy_scripts" / "app_alloc.py"


@pytest.fixture(scope="module")
def lines(tmp_path_factory, interp):
    """{tag: the rest of its line} printed by the script's runs: one board without a pod, one
    with (each run holds one app, as a board's heap does)."""
    board = tmp_path_factory.mktemp("alloc") / "board"
    lib = interp.compile_with_boardsim(board / "lib")
    out = interp.run(SCRIPT, lib, board) + interp.run(SCRIPT, lib, board, "pelvis")
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def test_the_loop_allocates_nothing_but_the_pipelines_floats(lines):
    passes, error, session = lines["LOCKED"].split(" ", 2)
    assert (passes, error) == ("1000", "none"), lines
    alloc = json.loads(lines["ALLOC"])
    assert alloc["pipeline_only"] > 0  # the comparison measures something
    # The pipeline's garbage comes at block and segment ends, and how many of those fall in
    # the measured passes depends on the phase each run starts in (one segment's floats more or
    # less, ~2 B a pass over 1000 passes). Anything the loop allocated itself every pass, every
    # other or every fourth would be >= 4 B a pass (a heap object is >= 16 B).
    assert abs(alloc["loop_no_session"] - alloc["pipeline_only"]) < 4.0, alloc


def test_with_the_pelvis_pod_the_loop_still_allocates_nothing_of_its_own(lines):
    """Both FIFOs drained and paired every pass (issue 17): still nothing but the pipeline's."""
    passes, error, paired = lines["LOCKED_PELVIS"].split(" ", 2)
    assert (passes, error) == ("1000", "none"), lines
    assert int(paired) >= 1900  # 2 samples a pass, all but the carry paired
