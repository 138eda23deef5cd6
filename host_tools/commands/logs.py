"""`leanclip logs list | pull | rm`: the sessions on the board's flash (/logs/NNNNN.lcl,
docs/log-format.md).

A session is never deleted from the board unless an identical copy is on this computer (checked
by SHA-256 computed on the board), unless the user insists with --force: runs are not ours to
lose.
"""
import argparse
import ast
import hashlib
import sys
import time
from pathlib import Path

from tqdm import tqdm

from firmware.device.sessionlog import SUFFIX, is_session_name

from ..device import Device, add_port_args
from ..cli import add_action
from ..errors import UserError
from ..logpull import pull

LOG_DIR = "/logs"



def count(n, noun):
    """"1 session", "3 sessions"."""
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


# Runs on the board: (name bytes, is_dir, size, start_epoch_s or None, duration_s or None) per
# /logs entry ending in the suffix. Names are listed as bytes (a bytes path makes MicroPython's
# listdir give bytes), so a name that is not UTF-8 cannot make the listing itself fail; the
# host decides which names are sessions. Start and duration come from the header block and the
# last summary block, read with the flashed firmware's own reader (firmware/core/logparse.py:
# no second copy of the format); without it they are None.
_LISTER = """
import os
def _lc_sessions(d, suffix):
    try:
        names = sorted(n for n in os.listdir(d) if n.endswith(suffix))
    except OSError:
        return []
    try:
        from firmware.core import logfmt as K, logparse as L
    except ImportError:
        L = None
    out = []
    for name in names:
        p = d + b'/' + name
        st = os.stat(p)
        if st[0] & 0x4000:
            out.append((name, True, 0, None, None))
            continue
        size = st[6]
        start = dur = None
        if L:
            f = open(p, 'rb')
            head = f.read(4096)
            b = L.parse_block(head, 0)
            if b and b[1] == K.HEADER:
                start = L.unpack_header(head, b[2], b[3])[5] or None
            f.seek(max(0, size - 512))
            tail = f.read()
            f.close()
            for off in range(len(tail) - 1, -1, -1):
                b = L.parse_block(tail, off)
                if b and b[1] == K.SUMMARY:
                    dur = L.unpack_summary(tail, b[2], b[3])[0] + 1
                    break
        out.append((name, False, size, start, dur))
    return out
print(repr(_lc_sessions(%r, %r)))
"""


def sessions(device, note=lambda line: print(line, file=sys.stderr)):
    """[(name, size, start_epoch_s, duration_s)] of the board's sessions. Entries that are not
    a session file named exactly as the firmware names them (a directory, `../x.lcl`, a name
    that is not ASCII) are never used as a local path: each is skipped with a note, and the
    others still listed, pulled or removed."""
    out = device.exec(_LISTER % (LOG_DIR.encode(), SUFFIX.encode()), timeout_s=60)
    try:
        entries = [(bytes(r), bool(d), int(n), s, t)
                   for r, d, n, s, t in ast.literal_eval(out.decode("ascii", "replace").strip())]
    except (ValueError, TypeError, SyntaxError, RecursionError):
        raise UserError("the board's list of sessions did not parse: flash the firmware again "
                        "(leanclip flash)") from None
    found = []
    for raw, is_dir, size, start, dur in entries:
        name = raw.decode("ascii", "replace")
        if is_dir:
            note("skipped %s/%s on the board: a directory, not a session" % (LOG_DIR, name))
        elif not is_session_name(name):
            note("skipped %s/%s on the board: not a session name (NNNNN%s)"
                 % (LOG_DIR, ascii(raw)[2:-1], SUFFIX))
        else:
            found.append((name, size, start, dur))
    return found


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def pulled(device, found, local_dir):
    """{name: True if local_dir holds an identical copy, False if a different file has that
    name, None if absent}. Hashes cross the wire, not logs."""
    local = {name: local_dir / name for name, size, _, _ in found
             if (local_dir / name).exists() and (local_dir / name).stat().st_size == size}
    remote = device.sha256(["%s/%s" % (LOG_DIR, n) for n in local])
    status = {name: None for name, _, _, _ in found}
    for name, path in local.items():
        status[name] = remote["%s/%s" % (LOG_DIR, name)] == _sha256_file(path)
    for name, _, _, _ in found:
        if status[name] is None and (local_dir / name).exists():
            status[name] = False
    return status


def _when(epoch_s):
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch_s)) if epoch_s else "unknown"


def _duration(s):
    return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) if s else "unknown"


def _local_dir(args):
    """--dir as a Path; one line if it names something that is not a directory."""
    path = Path(args.dir)
    if path.exists() and not path.is_dir():
        raise UserError("--dir %s is a file, not a directory: name a folder for the sessions"
                        % path)
    return path


def cmd_list(device, args):
    local_dir = _local_dir(args)
    found = sessions(device)
    if not found:
        print("no sessions on the board")
        return
    status = pulled(device, found, local_dir)
    print("%-12s %10s  %-20s %9s  %s" % ("session", "bytes", "start", "duration", "pulled"))
    for name, size, start, dur in found:
        mark = {True: "yes", False: "DIFFERS", None: "no"}[status[name]]
        print("%-12s %10d  %-20s %9s  %s" % (name, size, _when(start), _duration(dur), mark))


def cmd_pull(device, args):
    local_dir = _local_dir(args)
    try:
        local_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError("cannot make --dir %s: %s" % (local_dir, e.strerror or e)) from None
    found = sessions(device)
    status = pulled(device, found, local_dir)
    clash = [n for n in status if status[n] is False]
    if clash:
        raise UserError("%s in %s differs from the board's session of that name (another "
                        "board?): pull into another --dir" % (clash[0], local_dir))
    todo = [(n, size) for n, size, _, _ in found if not status[n]]
    if not found:
        print("no sessions on the board")
    elif not todo:
        print("nothing new: %s already in %s"
              % ("the board's one session is" if len(found) == 1
                 else "all %d sessions on the board are" % len(found), local_dir))
    total = sum(size for _, size in todo)
    with tqdm(total=total, unit="B", unit_scale=True, desc="pull", disable=None) as bar:
        base = 0
        for name, size in todo:
            pull(device, "%s/%s" % (LOG_DIR, name), local_dir / name, size,
                 progress=lambda done, base=base: bar.update(base + done - bar.n))
            base += size
            bar.update(base - bar.n)
    for name, size in todo:
        print("pulled %s (%d bytes, SHA-256 verified)" % (name, size))
    if args.delete_after:
        # Only what is now verified here: everything in `todo` passed, plus identical copies.
        for name, _, _, _ in found:
            device.remove("%s/%s" % (LOG_DIR, name))
        print("deleted %s from the board" % count(len(found), "session"))


def cmd_rm(device, args):
    found = {name: size for name, size, _, _ in sessions(device)}
    names = sorted(found) if args.all else args.sessions
    missing = [n for n in names if n not in found]
    if missing:
        raise UserError("no session %s on the board (see `leanclip logs list`)" % missing[0])
    if not args.force:
        status = pulled(device, [(n, found[n], None, None) for n in names], _local_dir(args))
        unsafe = [n for n in names if not status[n]]
        if unsafe:
            raise UserError("%s is not pulled to %s yet: `leanclip logs pull` first, or --force "
                            "to lose it" % (unsafe[0], args.dir))
    for name in names:
        device.remove("%s/%s" % (LOG_DIR, name))
    print("deleted %s from the board" % count(len(names), "session"))


def register(parser):
    common = argparse.ArgumentParser(add_help=False)
    add_port_args(common)
    common.add_argument("--dir", default="sessions", help="local folder of pulled sessions")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    add_action(sub, "list", "sessions on the board: size, start, duration, pulled?",
               parents=[common])
    p = add_action(sub, "pull", "copy new sessions here, verified; resumes a cut transfer",
                   parents=[common])
    p.add_argument("--delete-after", action="store_true",
                   help="delete them from the board once verified here")
    p = add_action(sub, "rm", "delete sessions from the board (only pulled ones)",
                   parents=[common])
    p.add_argument("sessions", nargs="*", help="names as `logs list` shows them")
    p.add_argument("--all", action="store_true", help="every session")
    p.add_argument("--force", action="store_true", help="also ones not pulled here")
    parser.set_defaults(func=run)


def run(args):
    if args.action == "rm" and not (args.sessions or args.all):
        raise UserError("name the sessions to delete, or --all")
    with Device(args.port, args.baud) as device:
        device.set_clock()  # so the next sessions get real start times (docs/watch-data.md)
        {"list": cmd_list, "pull": cmd_pull, "rm": cmd_rm}[args.action](device, args)
    return 0
