"""Pull a file off the board fast, verified, and resumable.

Why not mpremote's `fs cp`: it asks for each 256-byte chunk with an `eval` and gets it back as a
bytes repr, about 3 wire bytes per byte plus a round trip per chunk. Here the board streams the
file as raw binary frames (`sys.stdout.buffer`, binary-clean on a board's USB serial), each with
a length and a CRC-32, then the SHA-256 of the whole file computed on the board. A frame that
arrives is appended to `NAME.part` at once, so after a cut cable the next pull asks only for the
rest; the SHA-256 then covers the whole file, old part and new.
"""
import binascii
import contextlib
import hashlib
import os
import stat
import struct

import serial
from mpremote.transport import TransportError

from . import outfiles
from .device import board_error
from .errors import UserError

MAGIC = 0x5AA5
FRAME_BYTES = 2048
_HEADER = struct.Struct("<HHI")  # magic, payload length (0 ends the file), CRC-32 of payload
_RETRIES = 3

# Runs on the board (MicroPython): defines the sender once per connection.
SENDER = """
import sys, struct, binascii, hashlib
def _lc_send(path, offset, frame):
    out = sys.stdout.buffer
    mv = memoryview(bytearray(frame))
    hdr = bytearray(8)
    h = hashlib.sha256()
    f = open(path, 'rb')
    pos = 0
    while pos < offset:
        n = f.readinto(mv[:min(frame, offset - pos)])
        if not n:
            break
        h.update(mv[:n])
        pos += n
    while True:
        n = f.readinto(mv)
        struct.pack_into('<HHI', hdr, 0, %d, n, binascii.crc32(mv[:n]) if n else 0)
        out.write(hdr)
        if not n:
            break
        out.write(mv[:n])
        h.update(mv[:n])
    f.close()
    out.write(h.digest())
""" % MAGIC


class LinkBroken(Exception):
    """Bytes stopped or arrived damaged: resumable."""


def _read_exact(port, n):
    try:
        data = port.read(n)
    except (serial.SerialException, OSError) as e:
        raise LinkBroken("the port went away (%s)" % e) from None
    if len(data) != n:
        raise LinkBroken("the board stopped sending")
    return data


def _held(part, size):
    """Bytes of `part` already here (0 if absent, or if longer than the file: not its prefix,
    start over). Never follows a symlink."""
    try:
        st = os.lstat(part)
    except FileNotFoundError:
        return 0
    if not stat.S_ISREG(st.st_mode):
        raise UserError("%s is not a regular file (a link?): remove it and pull again" % part)
    if st.st_size > size:
        part.unlink()
        return 0
    return st.st_size


def _stream(device, remote, part, offset, progress):
    """One attempt: append verified frames to `part`; return the board's SHA-256."""
    port = device.serial
    done = offset
    device.start("_lc_send(%r, %d, %d)" % (remote, offset, FRAME_BYTES))
    with outfiles.appending(part) as out:
        while True:
            head = _read_exact(port, _HEADER.size)
            magic, n, crc = _HEADER.unpack(head)
            if magic != MAGIC:
                if head.startswith(b"\x04"):  # the board raised instead of sending
                    rest = device.transport.read_until(1, b"\x04", timeout=3)
                    error = board_error(head[1:] + rest)
                    if "_lc_send" in str(error):  # the board restarted: the sender is gone
                        raise LinkBroken("the board restarted")
                    raise error
                raise LinkBroken("garbled frame header")
            if n == 0:
                break
            data = _read_exact(port, n)
            if binascii.crc32(data) != crc:
                raise LinkBroken("a frame failed its CRC")
            out.write(data)
            out.flush()
            done += n
            progress(done)
    digest = _read_exact(port, 32)
    device.finish()
    return digest


def pull(device, remote, local, size, progress=lambda done: None):
    """Copy board file `remote` (of `size` bytes) to `local`, resuming from `local`.part.
    The file appears under its final name only once the board's SHA-256 matches.
    progress(done) gets the bytes held so far."""
    part = local.with_name(local.name + ".part")
    _held(part, size)
    port = device.serial
    saved_timeout = port.timeout
    port.timeout = 3
    try:
        for _ in range(_RETRIES):
            offset = _held(part, size)
            progress(offset)
            try:
                if not getattr(device, "_lc_sender", False):
                    device.exec(SENDER)
                    device._lc_sender = True
                digest = _stream(device, remote, part, offset, progress)
                break
            except LinkBroken as e:
                reason = e
                # The board may have reset (a brown-out, a reset button): define the sender
                # again on the next attempt rather than trust it is still there.
                device._lc_sender = False
                try:
                    device.interrupt()  # stop the sender, resync on a fresh prompt
                except (TransportError, serial.SerialException, OSError):
                    raise UserError(
                        "connection lost pulling %s at %d of %d bytes (%s): run the pull again "
                        "to resume" % (remote, _held(part, size), size, reason)) from None
        else:
            raise UserError("pulling %s failed %d times (%s): check the cable"
                            % (remote, _RETRIES, reason))
    finally:
        # On a dead port this fails too; the error that matters is the one already raised.
        with contextlib.suppress(serial.SerialException, OSError):
            port.timeout = saved_timeout
    h = hashlib.sha256()
    with open(part, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    if h.digest() != digest:
        part.unlink()
        raise UserError("%s: checksum differs from the board's (changed while pulling?): pull "
                        "again" % remote)
    part.replace(local)
