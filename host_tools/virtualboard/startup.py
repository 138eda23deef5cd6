"""Runs INSIDE the MicroPython interpreter when the virtual board powers on or soft-resets.

It makes the unix port look like a board: the board directory becomes the filesystem root
(VfsPosix mounted at "/"), sys.path is a board's, `os` and `sys` answer as a board's would, the
simulated `machine` replaces the unix one when available, and boot.py / main.py run as a board
runs them (main.py only when the board is in the friendly REPL). The REPL that follows is the
interpreter's own. Settings arrive as environment variables: the interpreter takes no others.
"""


def _copy(module, name):
    """A writable stand-in for a built-in module (built-ins cannot be patched), installed in
    sys.modules, which `import` consults before the built-ins."""

    class Module:
        pass

    stand_in = Module()
    for attr in dir(module):
        if not attr.startswith("__"):
            setattr(stand_in, attr, getattr(module, attr))
    stand_in.__name__ = name
    return stand_in


def _board_os(os, board_dir):
    """Two unix-port gaps closed: `os.ilistdir` gives (name, type, inode) where a board's
    LittleFS also gives the size (mpremote's `fs ls` shows it), and VfsPosix with a root
    prefixes both paths of `rename` into one buffer (both become the target: ENOENT), so rename
    goes through a root-less VfsPosix with host paths."""
    board_os = _copy(os, "os")
    host = os.VfsPosix()

    def host_path(path):
        if not path.startswith("/"):
            path = os.getcwd().rstrip("/") + "/" + path
        return board_dir + path

    def rename(old, new):
        host.rename(host_path(old), host_path(new))

    board_os.rename = rename

    def ilistdir(path="."):
        prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
        for entry in os.ilistdir(path):
            size = 0
            if entry[1] == 0x8000:
                size = os.stat(prefix + entry[0])[6]
            yield (entry[0], entry[1], entry[2], size)

    board_os.ilistdir = ilistdir
    return board_os


def _board_sys(sys, chip, arch):
    """`sys.implementation` says what the emulated chip would: this interpreter's .mpy version
    (it is what loads the files) with the chip's native arch, so `leanclip flash` chooses its
    mpy-cross options exactly as for a real board."""
    board_sys = _copy(sys, "sys")
    real = sys.implementation
    impl = _copy(real, "implementation")
    impl._machine = "LeanClip virtual board with " + chip.upper()
    impl._mpy = (real._mpy & 0x3FF) | (arch << 10)
    board_sys.implementation = impl
    return board_sys


def _boot():
    # Imported here, not at the top, so that the REPL starts with a board's empty namespace.
    import os
    import sys

    machine_dir = os.getenv("LEANCLIP_SIM_MACHINE")
    if machine_dir:
        # Imported before the remount: afterwards host paths are out of reach.
        sys.path[:] = [machine_dir]
        import machine

        sys.modules["machine"] = machine
    board_dir = os.getenv("LEANCLIP_BOARD_DIR")
    os.umount("/")
    os.mount(os.VfsPosix(board_dir), "/")
    os.chdir("/")
    sys.path[:] = ["", "/lib"]
    sys.modules["os"] = _board_os(os, board_dir)
    sys.modules["sys"] = _board_sys(sys, os.getenv("LEANCLIP_SIM_CHIP"),
                                    int(os.getenv("LEANCLIP_SIM_ARCH")))
    names = ["boot.py"]
    if os.getenv("LEANCLIP_BOARD_MODE") != "raw":
        names.append("main.py")
    scope = globals()
    for name in names:
        try:
            src = open("/" + name).read()
        except OSError:
            continue
        try:
            exec(src, scope)
        except BaseException as e:  # a board prints the traceback and carries on to the REPL
            sys.print_exception(e)
    sys.stdout.write(os.getenv("LEANCLIP_SIM_READY"))


_boot()
del _boot, _board_sys, _board_os, _copy
