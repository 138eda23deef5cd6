"""The ESP32 model: MicroPython's unix port built 32-bit with single-precision floats
(../shared/micropython/build.sh), the closest thing to an ESP32's interpreter without a board.

Two images, each rebuilt only when its inputs change (a hash of them names the build directory
under build/esp32model/):
- "board": the simulated hardware (host_tools/boardsim and its `machine` shim) frozen in, as the
  real `machine` module is C code in flash. Firmware is loaded as .mpy from the filesystem, the
  way `leanclip flash` installs it, so its heap figures are the device's.
- "frozen": the same plus the firmware frozen by the repo's manifest.py, as a maker's custom
  ESP32 image would have it (docs/device.md, "Frozen firmware"). Building it is the test of
  manifest.py.

    python -m tests.esp32model      # build what is missing or stale; one line on what it did

Needs Debian's gcc-multilib (`apt-get install gcc-multilib`; .ci/run installs it). Without it,
or without ../shared/micropython (a fresh clone on its own), `reason()` says why in one line and
the MicroPython tests run on the PyPI interpreter alone.
"""
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "micropython"
BUILD_SH = SHARED / "build.sh"
OUT = ROOT / "build" / "esp32model"
BOARDSIM = ROOT / "host_tools" / "boardsim"
KINDS = ("board", "frozen")
MACHINE_SHIM = "from host_tools.boardsim.machine import *  # noqa\n"


def _boardsim_files():
    return sorted(p for p in BOARDSIM.glob("*.py") if p.name != "tree.py")


def _manifest(kind, out):
    """The manifest text for `kind`, the machine shim (MACHINE_SHIM) being in `out`."""
    files = ["__init__.py"] + ["boardsim/" + p.name for p in _boardsim_files()]
    text = "package(%r, files=%r, base_path=%r)\n" % ("host_tools", files, str(ROOT))
    text += "module(%r, base_path=%r)\n" % ("machine.py", str(out))
    if kind == "frozen":
        text += "include(%r)\n" % str(ROOT / "manifest.py")
    return text


def _inputs(kind):
    paths = [BUILD_SH, SHARED / "micropython-src.tar.gz", ROOT / "host_tools" / "__init__.py"]
    paths += _boardsim_files()
    if kind == "frozen":
        paths += [ROOT / "manifest.py", ROOT / "leanclip_frozen.py"]
        paths += sorted((ROOT / "firmware").rglob("*.py"))
    return paths


def _digest(kind):
    h = hashlib.sha256(_manifest(kind, OUT).encode() + MACHINE_SHIM.encode())
    for p in _inputs(kind):
        h.update(str(p.relative_to(ROOT.parent)).encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def directory(kind):
    """build/esp32model/<kind>-<hash of its inputs>: where the current build is or would go."""
    return OUT / ("%s-%s" % (kind, _digest(kind)))


def _multilib():
    """True if gcc can link a 32-bit program (Debian's gcc-multilib)."""
    if not shutil.which("gcc"):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t.c"
        src.write_text("int main(void) { return 0; }\n")
        proc = subprocess.run(["gcc", "-m32", str(src), "-o", str(Path(tmp) / "t")],
                              capture_output=True)
    return proc.returncode == 0


def reason():
    """None if the model can be built here, else one line on why not."""
    if not BUILD_SH.exists():
        return "%s not found (a clone without the shared MicroPython source)" % BUILD_SH
    if not _multilib():
        return "gcc cannot build 32-bit programs: apt-get install gcc-multilib"
    return None


def built(kind):
    """The directory holding `kind`'s micropython and mpy-cross if a current build exists."""
    if not BUILD_SH.exists():
        return None
    d = directory(kind)
    return d if (d / "micropython").exists() and (d / "mpy-cross").exists() else None


def build(kind):
    """Build `kind` unless a current build exists; return its directory. Raises RuntimeError."""
    d = built(kind)
    if d:
        return d
    why = reason()
    if why:
        raise RuntimeError(why)
    d = directory(kind)  # named for the sources as they are now, not when the build ends
    for old in OUT.glob(kind + "-*"):
        shutil.rmtree(old)
    tmp = OUT / (kind + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    manifest = tmp / "manifest.py"
    (tmp / "machine.py").write_text(MACHINE_SHIM)
    manifest.write_text(_manifest(kind, tmp))
    proc = subprocess.run([str(BUILD_SH), str(tmp), str(manifest)], capture_output=True,
                          text=True)
    if proc.returncode:
        raise RuntimeError("building the %s model failed:\n%s" % (kind, proc.stderr[-3000:]))
    tmp.rename(d)
    return d


def main():
    """Build what is missing; print ONE line either way (make test shows it)."""
    try:
        dirs = [build(kind) for kind in KINDS]
    except RuntimeError as e:
        print("ESP32 model: not available, MicroPython tests run on the PyPI interpreter only: %s"
              % str(e).splitlines()[0])
        return 0
    print("ESP32 model: %s (MicroPython tests run on it and on the PyPI interpreter)"
          % ", ".join(str(d.relative_to(ROOT)) for d in dirs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
