"""Boots /boot.py + /main.py on the MicroPython interpreter as a board would, on the fake
machine (host_tools/boardsim) in virtual time, following a script of outside events.

Usage: micropython app_rig.py SPEC.json  (MICROPYPATH = the tree the test built)
SPEC: board, board_dir (holds lib/ with the compiled firmware, boot.py, main.py, board.json),
      source: {"csv": path} | {"rows": [[t_ms, ax, ay, az, gx, gy, gz], ...]} (step changes),
      pelvis: a second source of that form for the pelvis pod's IMU (the board's profile
      "pelvis": same bus, strap-high address; "chip": a datasheet name puts that chip there
      instead), or absent: no pod (optional),
      faults: [[t_ms, end_ms, kind], ...] (sources.Faulty, optional),
      flash: {"image": host path, "blocks": n, "fill_to_free_kb": k (optional)}: /logs on a
      littlefs of n 4 KB blocks in that image file (kept across boots: a soak's flash), filled
      with /logs/filler until k KB are free; its .lcl files are copied to board_dir/pulled/
      when the run ends (optional),
      battery_v, end_ms, actions: [[t_ms, "press" | "release" | "detach" | "attach" |
      "interrupt" (Ctrl-C from a host) | "stall" (100 ms) | "unplug_pelvis" | "replug_pelvis"
      (the pod's cable pulled / plugged back: machine.unplug/replug) | "blip_pelvis" (the pod's
      power gone for an instant: it answers again at once, from its reset state)], ...],
      entry: code run instead of main.py (optional)
Prints one line "RESULT <json>": motor/buzzer PWM timelines, sleeps, pin levels, how it ended.
"""
import json
import sys
from array import array

import machine
from vtime import VirtualTime

from firmware.device import boards
from host_tools.boardsim.board import wire, wire_pelvis
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.sources import CsvRows, Faulty


class EndRun(BaseException):
    """Virtual time is up: leaves the app the way a power cut would (not an Exception)."""


class Steps:
    """Rows that change at given times: [[t_ms, ax, ay, az, gx, gy, gz], ...], kept as arrays
    (a list of lists of floats would take more of the board's heap than the firmware)."""

    def __init__(self, rows, rate_hz):
        self.t_ms = array("i", [r[0] for r in rows])
        self.values = array("f", [v for r in rows for v in r[1:7]])
        self.rate_hz = rate_hz
        self.at = 0  # the row in force at the last call (time only moves forward, mostly)

    def row(self, k):
        t_ms = k * 1000 // self.rate_hz
        t, i = self.t_ms, self.at
        if t[i] > t_ms:
            i = 0
        while i + 1 < len(t) and t[i + 1] <= t_ms:
            i += 1
        self.at = i
        v, b = self.values, 6 * i
        return (v[b], v[b + 1], v[b + 2], v[b + 3], v[b + 4], v[b + 5])


def open_source(src):
    return CsvRows(src["csv"], RATE_HZ) if "csv" in src else Steps(src.pop("rows"), RATE_HZ)


spec = json.load(open(sys.argv[1]))
clk = ManualClock()
machine.reset_all(clk)
profile = boards.profile(spec["board"])
button = profile["button"]
RATE_HZ = 100
source = open_source(spec["source"])
if spec.get("faults"):  # [[t_ms, end_ms, kind], ...]: sources.Faulty
    source = Faulty(source, [(a * RATE_HZ // 1000, b * RATE_HZ // 1000, kind)
                             for a, b, kind in spec["faults"]])
imu_model, _ = wire(spec["board"], source, spec.get("battery_v", 3.9))
pelvis_model = None
if (spec.get("pelvis") or {}).get("chip"):  # another chip at its strap-high address
    from firmware.drivers.imu import DRIVERS, PELVIS
    from host_tools.boardsim.chips import imu_model as chip_model

    chip = spec["pelvis"].pop("chip")
    address = [c.ADDRESSES[PELVIS] for c in DRIVERS if chip in c.CHIPS.values()][0]
    pelvis_model = chip_model(chip, clk, open_source(spec["pelvis"]))
    machine.attach(profile["i2c"]["id"], address, pelvis_model)
elif spec.get("pelvis"):
    pelvis_model = wire_pelvis(spec["board"], open_source(spec["pelvis"]))
    _pelvis_reconfigure = pelvis_model._reconfigure

    def _pelvis_starts():
        """The pod moves with the body whether it is sampled or not: when it starts sampling
        (at boot, or configured again after a replug) its next row is the chest's, the world's
        now - not the row where it stopped when the cable came out."""
        was = pelvis_model._odr_hz
        _pelvis_reconfigure()
        if not was and pelvis_model._odr_hz:
            imu_model._sync()
            pelvis_model.k = imu_model.k

    pelvis_model._reconfigure = _pelvis_starts
# "baro": {"chip": "BMP280"|"BMP390", "climb_from_ms": t, "climb_mps": v}: a barometer whose
# pressure follows a climb starting at t (the standard atmosphere, as baro.altitude_m inverts)
baro_spec = spec.get("baro")
baro_model = None
if baro_spec:
    from host_tools.boardsim import baro as baro_models

    baro_model = baro_models.attach(baro_spec["chip"], clk, 101325.0)


def baro_follow(now_ms):
    h_m = max(0, now_ms - baro_spec["climb_from_ms"]) / 1000 * baro_spec["climb_mps"]
    baro_model.pressure_pa = 101325.0 * (1 - h_m / 44330.0) ** 5.255
actions = sorted(spec.get("actions", []))
END_MS = spec["end_ms"]
done = []


def act(kind):
    if kind in ("press", "release"):
        down = kind == "press"
        machine.drive(button["pin"], (0 if down else 1) if button["active_low"] else int(down))
    elif kind == "detach":
        machine.detach(profile["i2c"]["id"], profile["imu"]["address"])
    elif kind == "attach":
        machine.attach(profile["i2c"]["id"], profile["imu"]["address"], imu_model)
    elif kind == "unplug_pelvis":
        machine.unplug(profile["i2c"]["id"], profile["pelvis"]["address"])
    elif kind == "replug_pelvis":
        machine.replug(profile["i2c"]["id"], profile["pelvis"]["address"])
    elif kind == "blip_pelvis":
        pelvis_model.reset()
    elif kind == "stall":  # the loop held up 100 ms (a flash erase); the IMU keeps sampling
        clk.advance_ms(100)
    done.append((clk.ticks_ms(), kind))


def catch_up():
    now = clk.ticks_ms()
    if baro_model is not None:
        baro_follow(now)
    while actions and actions[0][0] <= now:
        kind = actions.pop(0)[1]
        act(kind)
        if kind == "interrupt":
            raise KeyboardInterrupt()
    if now >= END_MS:
        raise EndRun()


_lightsleep = machine.lightsleep


def lightsleep(ms=0):
    _lightsleep(ms)
    catch_up()


machine.lightsleep = lightsleep
sys.modules["time"] = VirtualTime(clk, catch_up)

# The board's filesystem becomes "/" as on the device (compare host_tools/virtualboard).
import os

os.umount("/")
os.mount(os.VfsPosix(spec["board_dir"]), "/")
os.chdir("/")
_host = os.VfsPosix()


class BoardOs:
    """os as the device sees it, but rename through the host: the unix port's VfsPosix
    mangles rename's paths under a non-empty root (littlefs and FAT on the board do not)."""

    def __getattr__(self, name):
        return getattr(os, name)

    def rename(self, old, new):
        _host.rename(spec["board_dir"] + old, spec["board_dir"] + new)


sys.modules["os"] = BoardOs()


class ImageDisk:
    """A littlefs block device in a host file; notes when flash was last written."""
    BLOCK = 4096

    def __init__(self, f, blocks):
        self.f = f
        self.blocks = blocks
        self.last_write_ms = None

    def readblocks(self, n, buf, off=0):
        self.f.seek(n * self.BLOCK + off)
        self.f.readinto(buf)

    def writeblocks(self, n, buf, off=0):
        self.f.seek(n * self.BLOCK + off)
        self.f.write(buf)
        self.last_write_ms = clk.ticks_ms()

    def ioctl(self, op, arg):
        if op == 4:
            return self.blocks
        if op == 5:
            return self.BLOCK
        if op == 6:
            return 0
        return None


disk = None
flash = spec.get("flash")
if flash:
    try:
        image = _host.open(flash["image"], "r+b")
        fresh = False
    except OSError:
        image = _host.open(flash["image"], "w+b")
        block = bytes(ImageDisk.BLOCK)
        for _ in range(flash["blocks"]):
            image.write(block)
        fresh = True
    disk = ImageDisk(image, flash["blocks"])
    if fresh:
        os.VfsLfs2.mkfs(disk)
    os.mount(os.VfsLfs2(disk), "/logs")
    try:
        os.remove("/logs/filler")
    except OSError:
        pass
    if flash.get("fill_to_free_kb") is not None:
        chunk = bytes(1024)
        with open("/logs/filler", "wb") as f:
            while True:
                st = os.statvfs("/logs")
                if st[0] * st[3] // 1024 <= flash["fill_to_free_kb"]:
                    break
                f.write(chunk)
                f.flush()
    disk.last_write_ms = None


_COPY_BUF = bytearray(1024)  # made before the app runs: its heap may be fragmented by then


def pull_logs():
    """What `leanclip logs pull` would get after the power cut: the files as flash holds them."""
    try:
        os.mkdir("/pulled")
    except OSError:
        pass
    view = memoryview(_COPY_BUF)
    for name in os.listdir("/logs"):
        if name.endswith(".lcl"):
            with open("/logs/" + name, "rb") as src, open("/pulled/" + name, "wb") as dst:
                while True:
                    n = src.readinto(_COPY_BUF)
                    if not n:
                        break
                    dst.write(view[:n])
sys.path[:] = ["", ".frozen", "/lib"]  # as on the ESP32
for name in list(sys.modules):  # the device imports its firmware afresh, from /lib
    if name.startswith("firmware"):
        del sys.modules[name]
while actions and actions[0][0] <= 0:  # e.g. the button held while the board powers on
    act(actions.pop(0)[1])
ended = "returned"
try:
    exec(open("/boot.py").read(), {"__name__": "__main__"})
    exec(spec.get("entry") or open("/main.py").read(), {"__name__": "__main__"})
except EndRun:
    ended = "end"
except machine.DeepSleep:
    ended = "deepsleep"

if disk is not None:
    pull_logs()
    os.umount("/logs")
    image.close()

pins = {"motor": (profile["motor"] or {}).get("pin"),
        "buzzer": (profile["buzzer"] or {}).get("pin")}
result = {
    "ended": ended,
    "t_ms": clk.ticks_ms(),
    "pwm": {k: machine.pwm_timeline(p) for k, p in pins.items() if p is not None},
    "sleeps": machine.sleeps,
    "done": done,
    "wdt_starved": machine.wdt_starved(),
    "power_hold": (machine.pin_level(profile["power_hold"]["pin"]) if profile["power_hold"]
                   else None),
    "imu_int": getattr(imu_model, "int_level", None),
    "imu_wom_thr": list(getattr(imu_model, "wom_thr", b"")),  # ICM-42688-P: wake-on-motion armed
    "pelvis_wom_thr": list(getattr(pelvis_model, "wom_thr", b"")),
    "flash_last_write_ms": disk.last_write_ms if disk is not None else None,
}
print("RESULT " + json.dumps(result))
