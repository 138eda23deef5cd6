"""CPython side only: lay the models out next to compiled firmware for the MicroPython
interpreter, with a top-level `machine.py` so `import machine` finds the fake (a file on the
path takes precedence over the unix port's built-in `machine`, checked on 1.29)."""
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST_TOOLS = HERE.parent


def install(dest):
    """Copy host_tools/boardsim (as source) into dest and add the machine shim; return dest."""
    dest = Path(dest)
    pkg = dest / "host_tools" / "boardsim"
    pkg.mkdir(parents=True, exist_ok=True)
    shutil.copy(HOST_TOOLS / "__init__.py", dest / "host_tools" / "__init__.py")
    for src in HERE.glob("*.py"):
        if src.name != "tree.py":
            shutil.copy(src, pkg / src.name)
    (dest / "machine.py").write_text("from host_tools.boardsim.machine import *  # noqa\n")
    return dest
