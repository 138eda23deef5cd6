"""`leanclip live`: the running board's lean, cadence and state as a gauge, for the lean drill in
front of a mirror.

The protocol (docs/serial.md): the host starts the app in live mode from the raw REPL; the app
prints one line per update, at 10 Hz or more,
    LC t_ms=123456 lean=6.3 roll=-1.2 cad=172 state=RUNNING
(fields in any order, unknown ones ignored), any other line is a message worth showing, and
Ctrl-C ends it (the app stops the motor on the way out). Text lines, not binary: they cost
~50 bytes at 10 Hz, nothing next to the link, and a person can read them in any terminal.

A board already running the app (a session being recorded) is never stopped: live first sends
ATTACH (firmware/device/hostlink.py) without Ctrl-C; a running app answers with its bands and
then LC lines, kept coming by repeating ATTACH, and is left running on exit. Only when nothing
answers (the board is at its REPL, or runs firmware too old to listen) is the app started in
live mode as above, and live says so.
"""
import sys
import time

import serial

from firmware.core import config as config_schema

from firmware.device.hostlink import ATTACH

from ..device import Device, add_port_args, board_error
from ..errors import UserError
from .config import device_config

ENTRY = "import firmware.device.app as _lc_app\n_lc_app.run(live=True)\n"
GAUGE_DEG = (-15.0, 30.0)  # the span the bar shows
GAUGE_CHARS = 45
ATTACH_EVERY_S = 2.0  # well inside the app's ATTACH_MS
ANSWER_S = 2.5  # the app reads its input once a second
BANDS = ("arch_below_deg", "upright_below_deg", "overlean_above_deg")


def parse(line):
    """{field: value} from an `LC ...` line (numbers as float), None for any other line."""
    if not line.startswith("LC "):
        return None
    fields = {}
    for item in line[3:].split():
        key, _, value = item.partition("=")
        try:
            fields[key] = float(value)
        except ValueError:
            fields[key] = value
    return fields


def zone(lean_deg, cfg, state=None):
    """What the coach would call this lean, from the board's own bands. Walking is never
    coached (a walker is upright by nature), so it gets no verdict; standing still does: that
    is the drill in front of the mirror."""
    if state == "WALKING":
        return "walking"
    if lean_deg < cfg["arch_below_deg"]:
        return "ARCHING BACK"
    if lean_deg < cfg["upright_below_deg"]:
        return "too upright"
    if lean_deg < cfg["overlean_above_deg"]:
        return "good lean"
    return "BENDING AT HIPS"


def gauge(fields, cfg):
    """One line: a bar with the lean marked, the good band shaded, and the numbers."""
    lo, hi = GAUGE_DEG
    lean = fields.get("lean")
    bar = []
    for i in range(GAUGE_CHARS):
        deg = lo + (hi - lo) * (i + 0.5) / GAUGE_CHARS
        good = cfg["upright_below_deg"] <= deg < cfg["overlean_above_deg"]
        bar.append("=" if good else "-")
    if isinstance(lean, float):
        i = int((min(max(lean, lo), hi) - lo) / (hi - lo) * (GAUGE_CHARS - 1) + 0.5)
        bar[i] = "#"
        text = "lean %+5.1f deg %-15s" % (lean, zone(lean, cfg, fields.get("state")))
    else:
        text = "lean   -   (calibrating: stand still and tall)"
    roll = fields.get("roll")
    cad = fields.get("cad")
    return "%s [%s] roll %s  cadence %s  %s" % (
        text, "".join(bar),
        "%+5.1f" % roll if isinstance(roll, float) else "  -  ",
        "%3d spm" % cad if isinstance(cad, float) else " - spm",
        fields.get("state", "-"))


def attach(device):
    """Ask a running app for live lines without stopping it: its bands ({key: deg}), or None
    when nothing answered within ANSWER_S, or the friendly REPL echoed ATTACH back (then it is
    rubbed out again, so the REPL line is clean)."""
    port = device.serial
    saved = port.timeout
    port.timeout = 0.2
    end = time.monotonic() + ANSWER_S
    try:
        port.write(ATTACH.encode())
        while time.monotonic() < end:
            line = port.readline().decode(errors="replace").strip()
            if line.endswith(">>> " + ATTACH) or line == ATTACH:
                port.write(b"\x08")  # backspace: the REPL typed it, nothing runs
                return None
            fields = parse(line)
            if fields and all(isinstance(fields.get(k), float) for k in BANDS):
                return {k: fields[k] for k in BANDS}
        return None
    except (serial.SerialException, OSError):
        raise UserError("the board went away: check the cable") from None
    finally:
        port.timeout = saved


def follow(device, seconds, show, note, keep_attached=False):
    """Read LC lines until `seconds` pass (None: until Ctrl-C); returns the number of updates.
    keep_attached: repeat ATTACH so an app watched mid-session keeps sending."""
    port = device.serial
    saved = port.timeout
    port.timeout = 0.5
    updates = 0
    end = None if seconds is None else time.monotonic() + seconds
    asked = time.monotonic()
    try:
        while end is None or time.monotonic() < end:
            if keep_attached and time.monotonic() - asked >= ATTACH_EVERY_S:
                asked = time.monotonic()
                try:
                    port.write(ATTACH.encode())
                except (serial.SerialException, OSError):
                    raise UserError("the board went away: check the cable") from None
            try:
                raw = port.readline()
            except KeyboardInterrupt:
                break
            except (serial.SerialException, OSError):
                raise UserError("the board went away: check the cable") from None
            if raw.startswith(b"\x04"):  # the app ended or failed to start
                err = raw[1:] + device.transport.read_until(1, b"\x04", timeout=3)
                if err.strip(b"\x04> \r\n"):
                    raise board_error(err, " (flash the firmware first)" if b"ImportError" in err
                                      else "")
                raise UserError("the app stopped streaming")
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            fields = parse(line)
            if fields is None:
                note(line)
            elif "upright_below_deg" in fields:
                continue  # the bands again (an attach renewed after a pause)
            else:
                updates += 1
                show(fields)
    finally:
        port.timeout = saved
    return updates


def register(parser):
    add_port_args(parser)
    parser.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    parser.set_defaults(func=run)


def run(args):
    tty = sys.stdout.isatty()
    with Device(args.port, args.baud, stop_app=False) as device:
        bands = attach(device)
        if bands is None:
            device.take_over()
            # only when no session runs: setting it would mean stopping the runner's session
            device.set_clock()  # so the next sessions get real start times
            cfg, _ = config_schema.validate(device_config(device))
            print("no app was running: started it in live mode (it calibrates first: stand "
                  "still and tall); it stops when live ends")
        else:
            cfg = dict(config_schema.defaults(), **bands)
            print("watching the running app: its session carries on, and keeps running "
                  "when live ends")

        def show(fields):
            line = gauge(fields, cfg)
            sys.stdout.write("\r" + line + "\x1b[K" if tty else line + "\n")
            sys.stdout.flush()

        def note(line):
            sys.stdout.write(("\r\x1b[K" if tty else "") + line + "\n")

        t0 = time.monotonic()
        if bands is not None:
            updates = follow(device, args.seconds, show, note, keep_attached=True)
        else:
            device.start(ENTRY)
            try:
                updates = follow(device, args.seconds, show, note)
            finally:
                device.interrupt()  # Ctrl-C: the app stops its motor and returns
        elapsed = time.monotonic() - t0
        if tty:
            sys.stdout.write("\n")
        print("%d updates in %.1f s (%.1f Hz)" % (updates, elapsed, updates / max(elapsed, 1e-9)))
    return 0
