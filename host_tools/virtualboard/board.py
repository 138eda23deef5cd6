"""The virtual board's serial side: a pseudo-terminal bridged to a MicroPython interpreter.

Why a bridge and not the interpreter on the pty directly: the unix port exits on Ctrl-D where a
board soft-resets, and a pty's output processing would turn binary "\\n" into "\\r\\n". So the
interpreter reads from an inner pty (its own REPL modes, and Ctrl-C as SIGINT, work as on a
board) and writes to a plain pipe (binary-clean, like a board's USB serial); the bridge paces
both directions to the chosen baud rate, counts the bytes, and restarts the interpreter with
"MPY: soft reboot" whenever it exits, staying in raw REPL if that is where it was.
"""
import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import threading
import time
import tty
from pathlib import Path

from firmware.device import boards

from .link import Link

STARTUP = Path(__file__).with_name("startup.py")
READY = "\x06LC-SIM-READY\x06"
RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
FRIENDLY_BANNER = b'Type "help()" for more information.'
SOFT_REBOOT = b"MPY: soft reboot\r\n"
# The tree holding host_tools/boardsim (the simulated `machine`) and firmware/device/boards.py.
SIM_ROOT = Path(__file__).resolve().parent.parent.parent
_POLL_S = 0.05


def _micropython():
    exe = Path(sys.executable).with_name("micropython")
    return str(exe) if exe.exists() else "micropython"


def _inner_terminal(fd):
    """The terminal the interpreter runs with while executing: no echo, no line editing, but
    Ctrl-C raises SIGINT (the unix port turns that into KeyboardInterrupt, as a board does),
    and NOFLSH: a board keeps the bytes that follow a Ctrl-C (mpremote sends "\r\x03\r\x01"
    at once), where a tty would by default discard its input queue on SIGINT."""
    attrs = termios.tcgetattr(fd)
    attrs[3] = (attrs[3] & ~(termios.ECHO | termios.ICANON)) | termios.ISIG | termios.NOFLSH
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


class VirtualBoard:
    """`with VirtualBoard(board_dir, baud=115200) as vb:` then open `vb.port` like a board.

    board: the profile whose chips are wired to the simulated machine and whose chip the board
    claims to be; run_csv: the simulator's imu.csv fed to the IMU (None: lying still), played
    in real time at the IMU chip's own sampling rate (run_hz forces another: a test's speed-up);
    flash_kb: the filesystem size (statvfs reports it; a write past it fails with ENOSPC);
    frozen_dir: a host directory whose modules stand in for ones frozen into the board's image
    (found after '' and before /lib, as `.frozen` is on a board), outside its filesystem."""

    def __init__(self, board_dir, baud=115200, board="m5stickc-plus2", run_csv=None, run_hz=None,
                 heap="1M", flash_kb=2048, frozen_dir=None):
        self.board_dir = Path(board_dir).resolve()
        self.board_dir.mkdir(parents=True, exist_ok=True)
        self.to_host = Link(baud)
        self.from_host = Link(baud)
        self.heap = heap
        self.board = board
        self.profile = boards.profile(board)
        self.run_csv = run_csv
        self.run_hz = run_hz
        self.flash_kb = flash_kb  # the ESP32 port's default filesystem on a 4 MB flash: ~2 MB
        self.frozen_dir = frozen_dir
        self.port = None
        self.boots = 0
        self._raw = False
        self._stop = threading.Event()
        self._threads = []
        self._child = None
        self._child_lock = threading.Lock()
        self._booted = threading.Condition()

    # ---- lifecycle
    def start(self):
        self._outer_master, self._outer_slave = os.openpty()
        tty.setraw(self._outer_slave)  # pyserial sets it raw too; a plain `open` must not cook it
        self.port = os.ttyname(self._outer_slave)
        self._inner_master, self._inner_slave = os.openpty()
        _inner_terminal(self._inner_slave)
        for fd in (self._outer_master, self._inner_master):
            os.set_blocking(fd, False)
        for target in (self._run_board, self._from_host_pump, self._drain_inner_echo):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self):
        self._stop.set()
        with self._child_lock:
            if self._child and self._child.poll() is None:
                os.killpg(self._child.pid, 9)
                self._child.wait()
        for t in self._threads:
            t.join(timeout=5)
        for fd in (self._outer_master, self._outer_slave, self._inner_master, self._inner_slave):
            os.close(fd)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_booted(self, boots=1, timeout_s=10):
        """Block until the board has booted `boots` times, a boot counting once boot.py has run
        and main.py has been read (main.py may still be running: an app never returns). Tests
        use it to avoid racing the banner, and to know that a main.py they write from then on
        runs at the next reset, not this one, as on a board. False after timeout_s seconds."""
        with self._booted:
            return self._booted.wait_for(lambda: self.boots >= boots, timeout_s)

    # ---- the interpreter
    def _spawn(self):
        env = dict(
            os.environ,
            LEANCLIP_BOARD_DIR=str(self.board_dir),
            LEANCLIP_BOARD_MODE="raw" if self._raw else "friendly",
            LEANCLIP_SIM_READY=READY,
            LEANCLIP_SIM_CHIP=self.profile["chip"],
            LEANCLIP_SIM_ROOT=str(SIM_ROOT),
            LEANCLIP_SIM_BOARD=self.board,
            LEANCLIP_SIM_FLASH_KB=str(self.flash_kb),
        )
        env.pop("MICROPYPATH", None)
        env.pop("LEANCLIP_SIM_FROZEN", None)
        if self.frozen_dir:
            env["LEANCLIP_SIM_FROZEN"] = str(Path(self.frozen_dir).resolve())
        if self.run_csv:
            env["LEANCLIP_SIM_RUN"] = str(Path(self.run_csv).resolve())
        if self.run_hz:
            env["LEANCLIP_SIM_RUN_HZ"] = str(self.run_hz)
        else:
            env.pop("LEANCLIP_SIM_RUN_HZ", None)
        out_r, out_w = os.pipe()
        # A board's transmit buffer is small: a deep pipe would keep sending stale output
        # long after the host stopped listening.
        fcntl.fcntl(out_w, fcntl.F_SETPIPE_SZ, 4096)

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        child = subprocess.Popen(
            [_micropython(), "-X", "heapsize=" + self.heap, "-i", str(STARTUP)],
            stdin=self._inner_slave, stdout=out_w, stderr=out_w,
            preexec_fn=controlling_tty, env=env, cwd=str(self.board_dir),
        )
        os.close(out_w)
        with self._child_lock:
            self._child = child
        return child, out_r

    def _run_board(self):
        first = True
        while not self._stop.is_set():
            if not first:
                self._to_host(SOFT_REBOOT)
            first = False
            child, out_r = self._spawn()
            try:
                self._relay(out_r)
            finally:
                os.close(out_r)
                child.wait()

    def _relay(self, out_r):
        """Forward the interpreter's output until it exits, hiding the startup's two marks
        (startup.py `_boot`: its own output ends; boot.py ran and main.py was read, where the
        boot counts) and, in raw REPL, the friendly banner the restarted interpreter prints
        before Ctrl-A."""
        marks = 2
        held = b""
        tail = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([out_r], [], [], _POLL_S)
            if not ready:
                continue
            data = os.read(out_r, self.to_host.chunk_size())
            if not data:
                return
            if marks == 0 and held is None:
                self._to_host(data)
                tail = self._track_mode(tail + data)
                continue
            held += data
            while marks:
                i = held.find(READY.encode())
                if i < 0:
                    keep = len(READY) - 1  # a mark may be split across reads
                    self._to_host(held[:-keep])
                    held = held[-keep:]
                    break
                self._to_host(held[:i])
                held = held[i + len(READY):]
                marks -= 1
                if marks == 0 and self._raw:
                    self._to_child(b"\x01")
                with self._booted:
                    self.boots += marks == 0
                    self._booted.notify_all()
            if marks:
                continue
            if self._raw:
                i = held.find(RAW_PROMPT[:-1])
                if i < 0:
                    continue
                held = held[i:]
            self._to_host(held)
            tail = self._track_mode(held)
            held = None

    def _track_mode(self, tail):
        """Remember whether the REPL is raw, so a soft reset comes back in the same mode."""
        raw_i = tail.rfind(RAW_PROMPT[:-1])
        friendly_i = tail.rfind(FRIENDLY_BANNER)
        if raw_i > friendly_i:
            self._raw = True
        elif friendly_i > raw_i:
            self._raw = False
        return tail[-64:]

    # ---- the two directions of the wire
    def _write_all(self, fd, data):
        while data and not self._stop.is_set():
            _, ready, _ = select.select([], [fd], [], _POLL_S)
            if ready:
                try:
                    data = data[os.write(fd, data):]
                except BlockingIOError:
                    pass

    def _to_host(self, data):
        step = self.to_host.chunk_size()
        for i in range(0, len(data), step):
            piece = data[i:i + step]
            self.to_host.pace(len(piece))
            self._write_all(self._outer_master, piece)

    def _to_child(self, data):
        self._write_all(self._inner_master, data)

    def _from_host_pump(self):
        while not self._stop.is_set():
            ready, _, _ = select.select([self._outer_master], [], [], _POLL_S)
            if not ready:
                continue
            try:
                data = os.read(self._outer_master, self.from_host.chunk_size())
            except (BlockingIOError, OSError):
                continue
            self.from_host.pace(len(data))
            if b"\x03" in data and self._interrupt_by_signal():
                data = data.replace(b"\x03", b"")
            self._to_child(data)

    def _interrupt_by_signal(self):
        """Deliver a Ctrl-C to running code as a board does. The kernel does it while the
        interpreter runs with ISIG on; but the unix port runs raw-paste code with the terminal
        still raw, where Ctrl-C would sit unread in stdin. Then, unless the interpreter is
        waiting in read(0) (at a prompt, where the REPL handles Ctrl-C itself), signal it."""
        if termios.tcgetattr(self._inner_slave)[3] & termios.ISIG:
            return False
        with self._child_lock:
            child = self._child
        # Sampled a few times: between two reads at a prompt the REPL is briefly elsewhere
        # (echoing, printing the banner), and a SIGINT there would hit the next command.
        for _ in range(5):
            try:
                with open("/proc/%d/syscall" % child.pid) as f:
                    syscall = f.read().split()
            except OSError:
                return False
            if syscall[:2] == ["0", "0x0"]:  # read(fd 0, ...)
                return False
            time.sleep(0.002)
        os.kill(child.pid, signal.SIGINT)
        return True

    def _drain_inner_echo(self):
        """Whatever the inner terminal echoes is not the board's output: discard it."""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._inner_master], [], [], _POLL_S)
            if ready:
                try:
                    os.read(self._inner_master, 4096)
                except (BlockingIOError, OSError):
                    pass
