"""Runs ON MicroPython: a session log written on a real littlefs (a 96 KB RAM disk of 4 KB
blocks, as on the ESP32) until the flash is full, the way the device app does it: reserve at
session start, the writer frees it at ENOSPC, the app's housekeeping then writes errors.log.

Usage: micropython flash_full.py reserve|none
Prints "STOPPED <why>", "LOG <hex of the session file>", "ERRORS <hex of errors.log>".
"""
import os
import sys

try:
    from binascii import hexlify
except ImportError:
    from ubinascii import hexlify

from firmware.core import logfmt
from firmware.device.errorlog import ErrorLog
from firmware.device.sessionlog import LogWriter
from firmware.device.sessionstart import SessionStore

BLOCK = 4096


class RamDisk:
    def __init__(self, blocks):
        self.data = bytearray(BLOCK * blocks)
        self.mv = memoryview(self.data)  # slices of it copy nothing

    def readblocks(self, n, buf, off=0):
        a = n * BLOCK + off
        buf[:] = self.mv[a:a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * BLOCK + off
        self.mv[a:a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:  # block count
            return len(self.data) // BLOCK
        if op == 5:  # block size
            return BLOCK
        if op == 6:  # erase
            return 0
        return None


def main(mode):
    disk = RamDisk(24)
    os.VfsLfs2.mkfs(disk)
    os.mount(os.VfsLfs2(disk), "/flash")
    store = SessionStore("/flash/logs")
    errlog = ErrorLog("/flash/errors.log")
    errlog.line("booted")
    number, path = store.new_session()
    if mode == "reserve":
        store.reserve()
    writer = LogWriter(path, logfmt.MODE_SUMMARY, number, 100.0, 4096.0, 32.8, 0, "{}",
                       reserve=store.reserve_path if mode == "reserve" else None)
    # everything else fills the flash: other sessions, a runner's history
    chunk = bytes(1024)
    with open("/flash/filler", "wb") as f:
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
    t_s = 0
    while writer.stopped is None and t_s < 100000:
        writer.event(t_s * 1000, logfmt.EVENT_CODES["state"], 2)
        writer.summary(t_s, 7.0, 0.5, 170.0, 2 | logfmt.FLAG_LEAN)
        t_s += 1
    errlog.line("session log stopped: %s" % writer.stopped)  # as App.housekeeping does
    print("STOPPED", writer.stopped)
    _hex("LOG", path)
    _hex("ERRORS", "/flash/errors.log")


def _hex(tag, path):
    """One line: tag, then the file in hex, a chunk at a time (the heap is small)."""
    print(tag, end=" ")
    buf = bytearray(1024)
    with open(path, "rb") as f:
        while True:
            n = f.readinto(buf)
            if not n:
                break
            print(hexlify(memoryview(buf)[:n]).decode(), end="")
    print()


main(sys.argv[1])
