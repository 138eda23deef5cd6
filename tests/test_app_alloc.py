"""The device loop allocates nothing of its own in steady state (issue 3, item 4), measured on
the MicroPython interpreter (tests/upy_scripts/app_alloc.py): 1000 passes under
micropython.heap_lock() with only the pipeline's feed unlocked, and gc.mem_alloc() per pass
equal to the pipeline's alone, fed the same way; and with the pelvis pod on the bus too."""
import json
from pathlib import Path


SCRIPT = Path(__file__).resolve().parent / "upy_scripts" / "app_alloc.py"


def test_the_loop_allocates_nothing_but_the_pipelines_floats(tmp_path, interp):
    lib = interp.compile_with_boardsim(tmp_path / "board" / "lib")
    out = interp.run(SCRIPT, lib, tmp_path / "board")
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    passes, error, session = lines["LOCKED"].split(" ", 2)
    assert (passes, error) == ("1000", "none"), out
    alloc = json.loads(lines["ALLOC"])
    assert alloc["pipeline_only"] > 0  # the comparison measures something
    assert alloc["loop_no_session"] == alloc["pipeline_only"]


def test_with_the_pelvis_pod_the_loop_still_allocates_nothing_of_its_own(tmp_path, interp):
    """Both FIFOs drained and paired every pass (issue 17): still nothing but the pipeline's."""
    lib = interp.compile_with_boardsim(tmp_path / "board" / "lib")
    out = interp.run(SCRIPT, lib, tmp_path / "board")
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    passes, error, paired = lines["LOCKED_PELVIS"].split(" ", 2)
    assert (passes, error) == ("1000", "none"), out
    assert int(paired) >= 1900  # 2 samples a pass, all but the carry paired
