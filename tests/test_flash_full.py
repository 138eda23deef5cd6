"""Issue 14 item 5: with the flash full there was no room left for the flash_full event or the
errors.log line, so the log did not say why it stopped. Run on MicroPython over a real littlefs
filled to the last block."""
from binascii import unhexlify

import pytest
import upy

from host_tools import logread

SCRIPT = upy.ROOT / "tests" / "upy_scripts" / "flash_full.py"


@pytest.fixture(scope="module")
def tree(tmp_path_factory, interp):
    return interp, interp.compile_firmware(tmp_path_factory.mktemp("fw"))


def _fill(tree, mode):
    interp, path = tree
    out = dict(line.split(" ", 1) for line in interp.run(SCRIPT, path, mode).splitlines()
               if line[:4] in ("STOP", "LOG ", "ERRO"))
    log = logread.decode(unhexlify(out["LOG"]), "full.lcl")
    return out["STOPPED"], [e[1] for e in log.events], unhexlify(out["ERRORS"]).decode()


def test_a_full_flash_still_says_why_the_log_stopped(tree):
    stopped, names, errors = _fill(tree, "reserve")
    assert stopped == "flash full"
    assert names[-2:] == ["state", "flash_full"]
    assert errors.splitlines() == ["booted", "session log stopped: flash full"]


def test_without_the_reserve_nothing_says_why(tree):
    """What the old firmware did, on the same littlefs: the reserve is what makes room for
    the event (errors.log, a small file that littlefs keeps inline in its directory, may
    still fit here; on the board it did not)."""
    stopped, names, _ = _fill(tree, "none")
    assert stopped == "flash full"
    assert "flash_full" not in names
