"""The connection to a LeanClip board: find its port, open it, run code on it, move files.

Built on mpremote's Python API (`SerialTransport`: raw REPL, raw-paste) so the protocol is the one
MicroPython maintains. Everything a user can get wrong about the connection (no board, wrong
port, port held by another program, a board without MicroPython, a too old MicroPython) becomes
one UserError line here, so every command reports it the same way.
"""
import ast
import binascii
import hashlib
import re
import sys
import time

import serial
import serial.tools.list_ports
from mpremote.transport import TransportError
from mpremote.transport_serial import SerialTransport

from .errors import UserError

# USB bridges found on ESP32 boards, and the S3/C3's own USB serial: (VID, PID) -> name.
USB_IDS = {
    (0x10C4, 0xEA60): "CP210x",
    (0x1A86, 0x7523): "CH340",
    (0x1A86, 0x55D4): "CH9102",
    (0x303A, 0x1001): "ESP32-S3/C3 native USB",
}
DEFAULT_BAUD = 115200
# Native code architectures in sys.implementation._mpy bits 10..13, as mpy-cross names them.
MPY_ARCHES = (None, "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp",
              "armv7emdp", "xtensa", "xtensawin", "rv32imc", "rv64imc")
_RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
# what the friendly REPL prints when main.py (the app) has just ended; an idle REPL answers a
# Ctrl-C with a bare prompt
_REPL_BANNER = b"for more information."
_STOPPED_APP_NOTE = ("leanclip: the app was running on the board: stopped it; its session is "
                     "closed and kept (leanclip logs pull)")
_UPLOAD_CHUNK = 3072  # raw bytes per upload exec: small enough for a board without PSRAM


def add_port_args(parser):
    """-p/--port and -b/--baud, the same on every command that talks to a board (the short
    forms are esptool's and mpremote's habit)."""
    parser.add_argument("-p", "--port", help="serial port (default: the one attached board, found "
                        "by its USB IDs)")
    parser.add_argument("-b", "--baud", type=int, default=DEFAULT_BAUD,
                        help="link speed")


def find_port(ports=None):
    """The one attached board's port, by USB VID/PID. `ports`: comports() entries (tests)."""
    if ports is None:
        ports = serial.tools.list_ports.comports()
    found = [p for p in ports if (p.vid, p.pid) in USB_IDS]
    if not found:
        raise UserError("no board found: plug it in with a data USB cable, or pass --port")
    if len(found) > 1:
        raise UserError("several boards found (%s): pass --port"
                        % ", ".join("%s %s" % (p.device, USB_IDS[(p.vid, p.pid)]) for p in found))
    return found[0].device


def _open_error(port):
    """Why `port` cannot be opened, in the user's terms (pyserial tells busy from missing)."""
    try:
        serial.Serial(port, exclusive=True).close()
    except serial.SerialException as e:
        text = str(e)
        if "exclusively lock" in text or "busy" in text or "Access is denied" in text:
            return "port %s is busy: close the other program using it (a serial monitor?)" % port
        if "Permission denied" in text:
            return ("no permission to open %s: on Linux add yourself to the dialout group "
                    "(sudo usermod -aG dialout $USER), then log in again" % port)
        if "No such file" in text or "FileNotFoundError" in text:
            return "no device at %s: check the cable, or run without --port to auto-detect" % port
        return "cannot open %s: %s" % (port, text)
    return "cannot open %s" % port


def mpy_abi(mpy):
    """(version, sub_version, march or None) from sys.implementation._mpy."""
    return mpy & 0xFF, (mpy >> 8) & 3, MPY_ARCHES[(mpy >> 10) & 0xF] if mpy >> 10 else None


class DeviceError(UserError):
    """The board raised: its last traceback line is the message."""


def board_error(traceback, hint=""):
    """A DeviceError from the board's traceback bytes (raw REPL markers stripped)."""
    lines = traceback.strip(b"\x04> \r\n").decode(errors="replace").strip().splitlines()
    return DeviceError("the board said: " + (lines[-1] if lines else "(nothing)") + hint)


class Device:
    """An open connection in raw REPL (a running app is stopped with Ctrl-C to get there). Use
    as a context manager; `close()` leaves the board at its friendly REPL.

    stop_app=False opens the port and nothing else, so a running app and its session carry on
    (`leanclip live` attaching); `take_over()` gets to the raw REPL later if needed."""

    def __init__(self, port=None, baud=DEFAULT_BAUD, stop_app=True):
        self.port = port or find_port()
        try:
            # A read timeout, so a board that stops answering cannot hang us forever.
            self.transport = SerialTransport(self.port, baudrate=baud, timeout=5)
        except TransportError:
            raise UserError(_open_error(self.port)) from None
        self.serial = self.transport.serial
        self._info = None
        self.stopped_app = False
        if stop_app:
            self.take_over()

    def take_over(self, note=lambda text: print(text, file=sys.stderr)):
        """Stop whatever runs (Ctrl-C: a running app closes its session) and enter raw REPL.
        Stopping a running app is said (one stderr line): a runner must know their session
        ended here, not find out later."""
        try:
            self._enter_raw_repl(timeout_s=5)
        except (TransportError, serial.SerialException, OSError):
            self._close_port()
            raise UserError("the device at %s does not answer like MicroPython: flash it first "
                            "(leanclip install-micropython)" % self.port) from None
        if self.stopped_app:
            note(_STOPPED_APP_NOTE)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            if self.transport.in_raw_repl:
                self.transport.exit_raw_repl()
        except (OSError, serial.SerialException):
            pass  # the cable is gone: nothing left to tidy
        self._close_port()

    def _close_port(self):
        try:
            self.transport.close()
        except (OSError, serial.SerialException):
            self.serial.close()

    # ---- running code
    def exec(self, code, timeout_s=10):
        """Run `code` on the board; its stdout as bytes. A traceback becomes DeviceError."""
        try:
            out, err = self.transport.exec_raw(code, timeout=timeout_s)
        except (TransportError, serial.SerialException, OSError) as e:
            raise UserError("lost the connection to %s (%s): check the cable"
                            % (self.port, e)) from None
        if err:
            raise board_error(err)
        return out

    def eval(self, expr, timeout_s=10):
        return ast.literal_eval(self.exec("print(repr(%s))" % expr, timeout_s).decode().strip())

    def start(self, code):
        """Start `code` and return at once: the caller reads its output from `self.serial`
        (streams that are not a single answer: log frames, live lines)."""
        try:
            self.transport.exec_raw_no_follow(code)
        except (TransportError, serial.SerialException, OSError) as e:
            raise UserError("lost the connection to %s (%s): check the cable"
                            % (self.port, e)) from None

    def finish(self, timeout_s=10):
        """Collect the end of a started program: raise DeviceError if it failed."""
        try:
            out, err = self.transport.follow(timeout_s)
        except (TransportError, serial.SerialException, OSError) as e:
            raise UserError("lost the connection to %s (%s): check the cable"
                            % (self.port, e)) from None
        if err:
            raise board_error(err)
        return out

    def interrupt(self):
        """Stop a started program (Ctrl-C) and get back to a clean raw REPL prompt."""
        self._enter_raw_repl(timeout_s=10)

    def _enter_raw_repl(self, timeout_s):
        """mpremote's enter_raw_repl, made safe for a board that was cut off mid-stream: what
        it was still sending (and the prompts our own Ctrl-C/Ctrl-A produced) is drained until
        the line goes quiet, then one fresh Ctrl-A gives a prompt nothing stale can follow.
        The deadline holds even when the far end never stops talking (a board running other
        firmware); mpremote checks its overall timeout only in silences. Leaves the final ">"
        unread, as mpremote's exec expects."""
        port = self.serial
        end = time.monotonic() + timeout_s
        saved = port.timeout
        port.timeout = 0.1
        try:
            port.reset_input_buffer()  # stale output is no answer to this Ctrl-C
            port.write(b"\r\x03")  # Ctrl-C: stop whatever runs
            self.stopped_app = _REPL_BANNER in self._read_to_prompt(min(end, time.monotonic() + 2))
            port.reset_input_buffer()
            port.write(b"\r\x01")  # Ctrl-A: raw REPL
            self._read_to_banner(end)
            while port.read(256):  # drain until 0.1 s of silence
                if time.monotonic() > end:
                    raise TransportError("the board does not stop talking")
            port.write(b"\x01")
            self._read_to_banner(end)
        finally:
            port.timeout = saved
        self.transport.in_raw_repl = True

    def _read_to_prompt(self, end):
        """What the board says until a friendly prompt (or `end`): an app that ended prints
        the REPL banner first."""
        seen = b""
        while time.monotonic() < end and not seen.endswith(b">>> "):
            seen += self.serial.read(1)
        return seen

    def _read_to_banner(self, end):
        tail = b""
        while time.monotonic() < end:
            tail = (tail + self.serial.read(1))[-len(_RAW_BANNER):]
            if tail == _RAW_BANNER:
                return
        raise TransportError("no raw REPL prompt")

    # ---- the board's clock
    def set_clock(self, now_s=None):
        """Set the board's real-time clock to UTC now (machine.RTC; MicroPython's own API), so
        the sessions it records carry real start times (the log header stamps the session's
        start from it; a board that loses power forgets it, and the header then says unknown).
        Returns the time set, or None if the board has no settable clock."""
        now_s = time.time() if now_s is None else now_s
        t = time.gmtime(now_s)
        fields = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_wday, t.tm_hour, t.tm_min, t.tm_sec, 0)
        out = self.exec(
            "try:\n import machine\n machine.RTC().datetime(%r)\n print('set')\n"
            "except (ImportError, AttributeError):\n print('none')\n" % (fields,))
        return now_s if out.strip() == b"set" else None

    # ---- facts about the board
    def info(self):
        """MicroPython version, .mpy ABI, machine name, free flash: one round trip, cached."""
        if self._info is None:
            self._info = self.eval(
                "(lambda s, o: {'version': s.implementation.version, 'mpy': "
                "getattr(s.implementation, '_mpy', 0), "
                "'machine': getattr(s.implementation, '_machine', '?'), "
                "'statvfs': o.statvfs('/')})"
                "(__import__('sys'), __import__('os'))")
            st = self._info["statvfs"]
            self._info["free_kb"] = st[0] * st[3] // 1024
            self._info["total_kb"] = st[0] * st[2] // 1024
        return self._info

    def has_frozen_firmware(self):
        """True if the board's MicroPython image has the firmware frozen in: it can import the
        marker module that manifest.py freezes with the firmware and nothing else installs."""
        out = self.exec("try:\n import leanclip_frozen\n print('frozen')\n"
                        "except ImportError:\n print('none')\n")
        return out.strip() == b"frozen"

    # ---- files
    def sha256(self, paths):
        """{path: hex digest or None if absent}, each hashed ON the board (nothing crosses the
        wire but the digests)."""
        if not paths:
            return {}
        code = (
            "import hashlib, binascii\n"
            "def _lc_sha(p):\n"
            " try:\n  f = open(p, 'rb')\n except OSError:\n  return None\n"
            " h = hashlib.sha256(); b = bytearray(1024)\n"
            " while True:\n"
            "  n = f.readinto(b)\n"
            "  if not n:\n   break\n"
            "  h.update(memoryview(b)[:n])\n"
            " f.close()\n"
            " return binascii.hexlify(h.digest()).decode()\n"
            "print(repr([_lc_sha(p) for p in %r]))\n" % (list(paths),)
        )
        digests = ast.literal_eval(self.exec(code, timeout_s=60).decode().strip())
        return dict(zip(paths, digests, strict=True))

    def makedirs(self, path):
        self.exec(
            "import os\n"
            "p = ''\n"
            "for part in %r.strip('/').split('/'):\n"
            " p += '/' + part\n"
            " try:\n  os.mkdir(p)\n except OSError:\n  pass\n" % path)

    def write_file(self, path, data, progress=None):
        """Write `data` to `path` on the board via a temporary file renamed into place, so a cut
        cable never leaves a half-written module under its real name. base64 in exec chunks:
        1.33 wire bytes per byte, where mpremote's repr chunks take about 3."""
        tmp = path + ".part"
        try:
            self.exec("_lc_f = open(%r, 'wb')\nimport binascii\n_lc_w = _lc_f.write" % tmp)
            for i in range(0, len(data), _UPLOAD_CHUNK):
                chunk = binascii.b2a_base64(data[i:i + _UPLOAD_CHUNK], newline=False)
                self.exec("_lc_w(binascii.a2b_base64(%r))" % chunk)
                if progress:
                    progress(min(len(data), i + _UPLOAD_CHUNK))
            self.exec("_lc_f.close()\nimport os\ntry:\n os.remove(%r)\nexcept OSError:\n pass\n"
                      "os.rename(%r, %r)" % (path, tmp, path))
        except DeviceError as e:
            # A board prints "OSError: 28": ENOSPC is not in MicroPython's errno name table.
            if re.search(r"OSError: (\[Errno )?28\b|ENOSPC", str(e)):
                self.exec("import os\ntry:\n os.remove(%r)\nexcept OSError:\n pass" % tmp)
                raise UserError("the board's flash is full writing %s: delete old sessions "
                                "(leanclip logs rm) and try again" % path) from None
            raise

    def read_small_file(self, path):
        """A small file's bytes (config, board name), or None if it is absent."""
        out = self.exec("try:\n _lc_f = open(%r, 'rb')\nexcept OSError:\n print(None)\n"
                        "else:\n print(repr(_lc_f.read()))\n _lc_f.close()" % path)
        return ast.literal_eval(out.decode().strip())

    def list_files(self, root):
        """Every file under `root` on the board, recursively ([] if it does not exist)."""
        out = self.exec(
            "import os\n"
            "def _lc_walk(d, out):\n"
            " try:\n  entries = list(os.ilistdir(d))\n except OSError:\n  return out\n"
            " for e in entries:\n"
            "  if e[1] == 0x4000:\n   _lc_walk(d + '/' + e[0], out)\n"
            "  else:\n   out.append(d + '/' + e[0])\n"
            " return out\n"
            "print(repr(_lc_walk(%r, [])))" % root.rstrip("/"))
        return ast.literal_eval(out.decode().strip())

    def remove(self, path):
        self.exec("import os\nos.remove(%r)" % path)

    def soft_reset(self, timeout_s=10):
        """Soft-reset into the friendly REPL, so main.py starts as after power-on."""
        self.transport.exit_raw_repl()
        self.transport.read_until(1, b">>> ", timeout=2)
        self.serial.write(b"\x04")
        data = self.transport.read_until(1, b"soft reboot\r\n", timeout=timeout_s)
        if not data.endswith(b"soft reboot\r\n"):
            raise UserError("the board did not restart after Ctrl-D: press its reset button")


def local_sha256(data):
    return hashlib.sha256(data).hexdigest()

