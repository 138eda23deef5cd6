"""Serial log pull: leanclip's framed binary stream vs mpremote's `fs cp`, on the virtual board
with its link paced to a real UART's byte rate (baud / 10, 8N1).

Both pull the same 100 KB raw-mode session (blocks made by the firmware's own logfmt, int16
samples of a running-like signal). mpremote is driven through the API its `fs cp` uses
(`Transport.fs_readfile`, 256-byte repr chunks), so process start-up is not counted against it.
Bytes are counted by the virtual board, each way.
"""
import math
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from firmware.core import logfmt
from host_tools import logpull, logread
from host_tools.commands import flash, live
from host_tools.device import Device
from host_tools.virtualboard import VirtualBoard

SIZE = 100 * 1024
BAUDS = (115200, 921600)
REMOTE = "/logs/00001.lcl"


def session_bytes(size=SIZE):
    """Raw blocks of 170 samples (the firmware's default raw buffer) until `size` bytes."""
    out = bytearray()
    t_ms = 0
    k = 0
    while len(out) < size:
        payload = bytearray(logfmt.RAW_FIXED_BYTES)
        logfmt.pack_raw_time(payload, t_ms)
        for _ in range(170):
            phase = 2 * math.pi * 2.8 * k / 100
            for axis in range(6):
                payload += struct.pack("<h", int(4096 * math.sin(phase + axis) + 37 * (k % 7)))
            k += 1
        out += logread.frame(logfmt.RAW, payload)
        t_ms += 1700
    return bytes(out[:size])


def measure(board, pull_once):
    """(seconds, bytes to host, bytes from host) of one pull."""
    up, down = board.to_host.bytes, board.from_host.bytes
    t0 = time.monotonic()
    pull_once()
    return time.monotonic() - t0, board.to_host.bytes - up, board.from_host.bytes - down


def run_baud(baud, data, tmp):
    board_dir = tmp / ("board%d" % baud)
    (board_dir / "logs").mkdir(parents=True)
    (board_dir / "logs" / "00001.lcl").write_bytes(data)
    rows = []
    with VirtualBoard(board_dir, baud=baud) as board:
        board.wait_booted()
        with Device(board.port, baud) as device:
            local = tmp / ("leanclip%d.lcl" % baud)
            result = measure(board, lambda: logpull.pull(device, REMOTE, local, len(data)))
            assert local.read_bytes() == data
            rows.append(("leanclip logs pull",) + result)
            got = []
            result = measure(board, lambda: got.append(device.transport.fs_readfile(REMOTE)))
            assert bytes(got[0]) == data
            rows.append(("mpremote fs cp",) + result)
    return rows


def main():
    data = session_bytes()
    print("## Serial: pulling a %d KB session (virtual board, paced link)\n" % (len(data) // 1024))
    print("| baud | tool | bytes to host | bytes from host | wire bytes / byte | s per 100 KB "
          "| % of link rate | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for baud in BAUDS:
            rows = run_baud(baud, data, Path(tmp))
            link_bytes_per_s = baud / 10
            slowest = max(r[1] for r in rows)
            for tool, seconds, to_host, from_host in rows:
                per_100k = seconds * 100 * 1024 / len(data)
                print("| %d | %s | %d | %d | %.2f | %.2f | %.0f %% | %.1fx |" % (
                    baud, tool, to_host, from_host, to_host / len(data), per_100k,
                    100 * len(data) / seconds / link_bytes_per_s, slowest / seconds))
    print("\nGoal: leanclip >= 3x faster than mpremote cp and >= 70 % of the link's raw byte "
          "rate (baud/10 bytes/s).")
    flash_figures()
    live_figures()


def flash_figures(baud=115200, board="m5stickc-plus2"):
    """`leanclip flash` on a blank board, then again with nothing changed (hashes only)."""
    print("\n## Serial: `leanclip flash` at %d baud (%s)\n" % (baud, board))
    print("| flash | files written | bytes to board | bytes from board | seconds |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp, VirtualBoard(Path(tmp) / "b", baud=baud) as vb:
        vb.wait_booted()
        for label in ("blank board", "nothing changed"):
            with Device(vb.port, baud) as device:
                down, up = vb.from_host.bytes, vb.to_host.bytes
                t0 = time.monotonic()
                writes, removals, _ = flash.plan(device, board)
                if writes or removals:
                    flash.flash(device, writes, removals, out=lambda line: None)
                seconds = time.monotonic() - t0
            print("| %s | %d | %d | %d | %.1f |" % (label, len(writes), vb.from_host.bytes - down,
                                                  vb.to_host.bytes - up, seconds))


if __name__ == "__main__":
    main()


def live_figures(baud=115200, board="m5stickc-plus2", seconds=20.0):
    """`leanclip live` against the flashed app on a simulated steady run: updates per second
    once the app reports (the goal is >= 10 Hz), and the bytes they cost."""
    print("\n## Serial: `leanclip live` from the flashed app (%d baud, simulated steady run)\n"
          % baud)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        simulate = [sys.executable, "-m", "host_tools.cli", "simulate", "--scenario", "steady",
                    "--seed", "3", "--out", str(tmp / "run")]
        subprocess.run(simulate, check=True, capture_output=True)
        with VirtualBoard(tmp / "b", baud=baud, board=board, run_csv=tmp / "run" / "imu.csv",
                          run_hz=100) as vb:
            vb.wait_booted()
            with Device(vb.port, baud) as device:
                writes, removals, _ = flash.plan(device, board)
                flash.flash(device, writes, removals, out=lambda line: None)
            with Device(vb.port, baud) as device:
                stamps = []
                up = vb.to_host.bytes
                device.start(live.ENTRY)
                try:
                    live.follow(device, seconds, lambda f: stamps.append(time.monotonic()),
                                lambda line: None)
                finally:
                    device.interrupt()
                wire = vb.to_host.bytes - up
    if len(stamps) < 2:
        print("no updates in %.0f s" % seconds)
        return
    span = stamps[-1] - stamps[0]
    print("| updates | first to last | rate | bytes to host over %.0f s |" % seconds)
    print("|---|---|---|---|")
    print("| %d | %.1f s | %.1f Hz | %d |" % (len(stamps), span, (len(stamps) - 1) / span, wire))
    print("\nGoal: >= 10 Hz (the rate is the app's; the link carries far more).")
