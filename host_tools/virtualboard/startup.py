"""Runs INSIDE the MicroPython interpreter when the virtual board powers on or soft-resets.

It makes the unix port look like a board: the board directory becomes the filesystem root
(VfsPosix mounted at "/"), sys.path is a board's, `os` and `sys` answer as a board's would, the
simulated `machine` replaces the unix one when available, and boot.py / main.py run as a board
runs them (main.py only when the board is in the friendly REPL). The REPL that follows is the
interpreter's own. Settings arrive as environment variables: the interpreter takes no others.
"""

_FROZEN_MOUNT = "/.frozen-image"  # VirtualBoard(frozen_dir=...): not '.frozen', which only the
# interpreter's own frozen modules can answer


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


def _board_os(os, board_dir, flash_kb):
    """Unix-port gaps closed: `os.ilistdir` gives (name, type, inode) where a board's LittleFS
    also gives the size (mpremote's `fs ls` shows it); VfsPosix with a root prefixes both paths
    of `rename` into one buffer (both become the target: ENOENT), so rename goes through a
    root-less VfsPosix with host paths; `statvfs` reports the host's disk, so it reports a
    board-sized flash partition instead, less what the files take (one block per file, as
    LittleFS, plus their data), which `_board_open` then enforces."""
    board_os = _copy(os, "os")
    host = os.VfsPosix()
    block = 4096  # LittleFS block size on the ESP32 port
    flash_blocks = flash_kb * 1024 // block

    def host_path(path):
        if not path.startswith("/"):
            path = os.getcwd().rstrip("/") + "/" + path
        return board_dir + path

    def rename(old, new):
        host.rename(host_path(old), host_path(new))

    board_os.rename = rename

    def used_blocks(path):
        n = 0
        for entry in os.ilistdir(path):
            child = path.rstrip("/") + "/" + entry[0]
            if entry[1] == 0x4000:
                n += 1 + used_blocks(child)
            else:
                n += 1 + (os.stat(child)[6] + block - 1) // block
        return n

    def statvfs(path="/"):
        free = max(0, flash_blocks - used_blocks("/"))
        return (block, block, flash_blocks, free, free, 0, 0, 0, 0, 255)

    board_os.statvfs = statvfs

    def ilistdir(path="."):
        prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
        for entry in os.ilistdir(path):
            size = 0
            if entry[1] == 0x8000:
                size = os.stat(prefix + entry[0])[6]
            yield (entry[0], entry[1], entry[2], size)

    board_os.ilistdir = ilistdir
    return board_os


def _board_open(real_open, statvfs):
    """`open` whose files refuse a write that does not fit in the reported free space, with
    ENOSPC as LittleFS does, so a full flash can be met on the virtual board too."""

    class Limited:
        def __init__(self, f):
            self._f = f

        def write(self, data):
            st = statvfs("/")
            if len(data) > st[0] * st[3]:
                raise OSError(28)  # ENOSPC
            return self._f.write(data)

        def __getattr__(self, name):
            return getattr(self._f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()

    def board_open(path, mode="r", *args):
        f = real_open(path, mode, *args)
        return Limited(f) if ("w" in mode or "a" in mode or "+" in mode) else f

    return board_open


def _board_sys(sys, chip):
    """`sys.implementation` names the emulated chip, but keeps this interpreter's .mpy version
    and native arch (x64): that is what loads the files, so `leanclip flash` chooses -march for
    the CPU that runs them, as it does from a real chip's report."""
    board_sys = _copy(sys, "sys")
    impl = _copy(sys.implementation, "implementation")
    impl._machine = "LeanClip virtual board with " + chip.upper()
    board_sys.implementation = impl
    return board_sys


def _wire(sys, sim_root):
    """Install the simulated `machine` (host_tools/boardsim) with the board profile's chips on
    it: the IMU fed by a simulated run (or lying still), the motor's PWM recorded. Imported from
    the host tree before the remount, which puts host paths out of reach; the firmware modules
    that came along are then forgotten so the board imports its own flashed copies."""
    import os

    sys.path[:] = [sim_root]
    from host_tools.boardsim import board, machine, sources

    machine.reset_all()
    run_csv = os.getenv("LEANCLIP_SIM_RUN")
    if run_csv:
        rate_hz = os.getenv("LEANCLIP_SIM_RUN_HZ")  # unset: the chip's own rate (real time)
        source = sources.CsvRows(run_csv, int(rate_hz) if rate_hz else None)
    else:
        source = sources.Constant()
    board.wire(os.getenv("LEANCLIP_SIM_BOARD"), source)
    sys.modules["machine"] = machine
    for name in list(sys.modules):
        if name == "firmware" or name.startswith("firmware."):
            del sys.modules[name]


def _become_board():
    """The unix port made to look like a board: its machine, filesystem, `os`, `open`, `sys`."""
    # Imported here, not at the top, so that the REPL starts with a board's empty namespace.
    import os
    import sys

    sim_root = os.getenv("LEANCLIP_SIM_ROOT")
    if sim_root:
        _wire(sys, sim_root)
    board_dir = os.getenv("LEANCLIP_BOARD_DIR")
    os.umount("/")
    os.mount(os.VfsPosix(board_dir), "/")
    os.chdir("/")
    sys.path[:] = ["", "/lib"]
    frozen = os.getenv("LEANCLIP_SIM_FROZEN")
    if frozen:  # the image's frozen modules: the unix port has none of ours, so a mount
        os.mount(os.VfsPosix(frozen), _FROZEN_MOUNT)
        sys.path.insert(1, _FROZEN_MOUNT)
    board_os = _board_os(os, board_dir, int(os.getenv("LEANCLIP_SIM_FLASH_KB")))
    sys.modules["os"] = board_os
    import builtins

    builtins.open = _board_open(open, board_os.statvfs)
    sys.modules["sys"] = _board_sys(sys, os.getenv("LEANCLIP_SIM_CHIP"))


def _boot(scope):
    """Power on: become a board, then run boot.py and (friendly REPL only) main.py in `scope`,
    the namespace the REPL goes on with, as ports/esp32/main.c does.

    Two marks on stdout tell the bridge what it is seeing. The first ends the startup's own
    output (hidden from the host). The second says the boot has read everything it will run:
    boot.py has run and main.py's text is in memory (or there is none). The bridge counts the
    boot there (`VirtualBoard.wait_booted`), so a main.py a host writes once it returns waits
    for the next reset, as on a board; counted at the first mark, a main.py written just after
    it was sometimes run by this very boot (an endless app that then ignored the REPL). In raw
    REPL the bridge also switches the new REPL to raw at the second mark, unseen."""
    import os
    import sys

    ready = os.getenv("LEANCLIP_SIM_READY")
    raw = os.getenv("LEANCLIP_BOARD_MODE") == "raw"
    failure = None
    try:
        _become_board()
    except BaseException as e:  # a broken sim setup must still leave a REPL to look at
        failure = e
    # boot.py, main.py and the REPL get a board's empty namespace: the startup's own names go
    # (through the dict rather than a `del` statement, which would have to list them all).
    for name in [n for n in scope if n[:1] == "_" and n[:2] != "__"]:
        del scope[name]

    def source(name):
        try:
            with open("/" + name) as f:
                return f.read()
        except OSError:
            return None

    def run(src):
        """False if it raised: a board prints the traceback and carries on to the REPL,
        skipping main.py if boot.py failed (ports/esp32/main.c)."""
        try:
            exec(src, scope)
        except BaseException as e:
            sys.print_exception(e)
            return False
        return True

    sys.stdout.write(ready)
    main = None
    if failure is not None:
        sys.print_exception(failure)  # after the first mark: the host sees why
    try:
        boot = None if failure else source("boot.py")
        if boot is None or run(boot):
            main = None if raw or failure else source("main.py")
    finally:  # even after a Ctrl-C that lands between the files: the bridge waits for it
        sys.stdout.write(ready)
    if main is not None:
        run(main)


_boot(globals())
