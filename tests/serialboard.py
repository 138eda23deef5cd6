"""The virtual board as a pytest fixture for the serial tests: started per test (a fresh
interpreter and filesystem in tmp_path), always stopped. Unthrottled: link speed is for the
benchmark (bench/serial.py), not for tests."""
import subprocess
import sys
from pathlib import Path

import pytest

from host_tools.virtualboard import VirtualBoard

BIN = Path(sys.executable).parent


@pytest.fixture
def vboard(tmp_path):
    board = VirtualBoard(tmp_path / "board", baud=0).start()
    try:
        assert board.wait_booted(), "the virtual board did not boot"
        yield board
    finally:
        board.stop()


def mpremote(port, *args, timeout=60):
    """Run the real mpremote command line against `port`; its stdout (fails on exit != 0)."""
    proc = subprocess.run([str(BIN / "mpremote"), "connect", port, *args],
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def leanclip(*args, timeout=120, input_text=None):
    """Run the installed `leanclip` command line, `input_text` on its stdin: (exit status,
    stdout, stderr)."""
    proc = subprocess.run([str(BIN / "leanclip"), *args], capture_output=True, text=True,
                          timeout=timeout, input=input_text)
    return proc.returncode, proc.stdout, proc.stderr
