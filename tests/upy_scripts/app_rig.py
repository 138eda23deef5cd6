"""Boots /boot.py + /main.py on the MicroPython interpreter as a board would, on the fake
machine (host_tools/boardsim) in virtual time, following a script of outside events.

Usage: micropython app_rig.py SPEC.json  (MICROPYPATH = the tree the test built)
SPEC: board, board_dir (holds lib/ with the compiled firmware, boot.py, main.py, board.json),
      source: {"csv": path} | {"rows": [[t_ms, ax, ay, az, gx, gy, gz], ...]} (step changes),
      battery_v, end_ms, actions: [[t_ms, "press" | "release" | "detach" | "attach" |
      "interrupt" (Ctrl-C from a host) | "stall" (100 ms)], ...], entry: code run instead of
      main.py (optional)
Prints one line "RESULT <json>": motor/buzzer PWM timelines, sleeps, pin levels, how it ended.
"""
import json
import sys
from array import array

import machine
from vtime import VirtualTime

from firmware.device import boards
from host_tools.boardsim.board import wire
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.sources import CsvRows


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


spec = json.load(open(sys.argv[1]))
clk = ManualClock()
machine.reset_all(clk)
profile = boards.profile(spec["board"])
button = profile["button"]
RATE_HZ = 100
src = spec["source"]
source = CsvRows(src["csv"], RATE_HZ) if "csv" in src else Steps(src.pop("rows"), RATE_HZ)
imu_model, _ = wire(spec["board"], source, spec.get("battery_v", 3.9))
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
}
print("RESULT " + json.dumps(result))
