"""Runs ON the ESP32 model (bench/memory.py starts it): a whole session as a board lives it -
/boot.py, /main.py, calibration, running with cues, the log, the button - in virtual time, with
the IMU fed recorded counts (boardsim CountsFile: the simulated world adds no garbage), and the
heap watched at every loop pass. The simulated world's own objects (the boardsim modules are
frozen, but their dicts, functions and chip models are not) and this script's are measured
first ("probe": prints SIM <bytes>): bench/memory.py adds them to the heap it asks for, so the
firmware gets the heap being measured.

argv[1]: spec JSON {board, board_dir, counts, counts_lsb, end_ms, actions: [[t_ms, "press" |
"release"], ...], probe}. Prints "RESULT <json>":
  ok             the session ran to end_ms: no exception, no restart, nothing in /errors.log
  errors         /errors.log's first line, if any
  live_import    bytes live once the app is imported (App()'s first collection): the
                 firmware's modules and main.py's settings, -1 if it never got there
  live_boot      bytes live after the first planned collection (firmware and its state in a
                 session), -1 if the loop never ran
  collections    planned (the firmware's own gc.collect() once App() is under way:
                 App.collect_now's, a session start's) and automatic (an allocation found
                 the heap full: seen as mem_alloc() falling in a pass without a planned one)
  min_free       the least free heap right after any collection (for an automatic one, at the
                 end of that pass: a lower bound)
  pause_us       planned collections' pauses, p50 and p99 (this machine's time, not an ESP32's)
  alloc_per_pass bytes allocated per loop pass (passes without a collection inside)
"""
import gc
import json
import sys
from array import array

import machine
import time as real_time
from vtime import VirtualTime

from host_tools.boardsim.board import wire
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.sources import CountsFile

spec = json.load(open(sys.argv[1]))
clk = ManualClock()
machine.reset_all(clk)
src = CountsFile(spec["counts"], spec["counts_lsb"][0], spec["counts_lsb"][1])
wire(spec["board"], src)
from firmware.device.boards import profile  # noqa: E402 (after the machine is wired)

button = profile(spec["board"])["button"]
MOTOR_PIN = profile(spec["board"])["motor"]["pin"]
actions = spec["actions"]
END_MS = spec["end_ms"]
del profile


class EndRun(BaseException):
    """Virtual time is up (not an Exception: the app's restart policy must not catch it)."""


def catch_up():
    now = clk.ticks_ms()
    while actions and actions[0][0] <= now:
        down = actions.pop(0)[1] == "press"
        machine.drive(button["pin"], (0 if down else 1) if button["active_low"] else int(down))
    if now >= END_MS:
        raise EndRun()


sys.modules["time"] = VirtualTime(clk, catch_up)

import os  # noqa: E402

os.umount("/")
os.mount(os.VfsPosix(spec["board_dir"]), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]  # as on the ESP32
for name in list(sys.modules):  # the device imports its firmware afresh, from /lib
    if name.startswith("firmware"):
        del sys.modules[name]
BIN_US = 20  # planned collections' pauses as a histogram: 20 us bins, the last one open
pauses = array("i", [0] * 1000)
# planned, automatic, min_free, pauses, live_boot, planned this pass, scales checked,
# blocks allocated and passes (without a collection inside), live_import
stats = array("i", [0] * 10)


class GcWatch:
    """The `gc` the firmware imports: the real one, and at its first collection after
    firmware.device.app was imported (App()'s first line) the hooks below are put on App and
    the firmware's heap taken (live_import). The app cannot be imported here to hook it: that
    would load it beside boot's modules, which main.py forgets before importing it."""

    def collect(self):
        if stats[9] < 0:
            gc.collect()
            app = sys.modules.get("firmware.device.app")
            if app is not None:
                stats[9] = gc.mem_alloc() - SIM
                hook(app.App)
            return
        # once the app is built, every collection the firmware asks for is a planned one:
        # App.collect_now's, and start_session's before a session's objects are made
        t0 = real_time.ticks_us()
        gc.collect()
        pause = real_time.ticks_diff(real_time.ticks_us(), t0)
        free = gc.mem_free()
        stats[0] += 1
        stats[5] = 1
        if free < stats[2]:
            stats[2] = free
        pauses[min(pause // BIN_US, len(pauses) - 1)] += 1
        stats[3] += 1

    def mem_free(self):
        return gc.mem_free()

    def mem_alloc(self):
        return gc.mem_alloc()


sys.modules["gc"] = GcWatch()
gc.collect()
SIM = gc.mem_alloc()  # the simulated world and this script: heap a board does not spend
if spec.get("probe"):
    print("SIM", SIM)
    raise SystemExit
HEAP = gc.mem_free() + SIM
stats[2] = HEAP
stats[4] = -1
stats[9] = -1
originals = []  # App's collect_now and step, once hooked


def collect_now(self):
    # the simulated motor records every duty change (for tests): ~5 KB over an hour of cues
    # that a board does not spend, so it is dropped before each measured collection (GcWatch)
    machine.pwm_timeline(MOTOR_PIN).clear()
    originals[0](self)
    if stats[4] < 0:
        stats[4] = gc.mem_alloc() - SIM


def step(self, now_ms):
    if not stats[6]:  # the counts mean what they say only at the driver's scales
        stats[6] = 1
        imu = self.hw.imu
        if [imu.accel_lsb_per_g, imu.gyro_lsb_per_dps] != spec["counts_lsb"]:
            raise SystemExit("IMU scales %r, counts recorded at %r"
                             % ((imu.accel_lsb_per_g, imu.gyro_lsb_per_dps), spec["counts_lsb"]))
    stats[5] = 0
    before = gc.mem_alloc()
    originals[1](self, now_ms)
    after = gc.mem_alloc()
    if after >= before:  # no collection inside: the pass's allocation, in 16-byte blocks
        stats[7] += (after - before) >> 4
        stats[8] += 1
    elif not stats[5]:
        stats[1] += 1
        free = gc.mem_free()
        if free < stats[2]:
            stats[2] = free


def hook(app_class):
    originals[:] = [app_class.collect_now, app_class.step]
    app_class.collect_now = collect_now
    app_class.step = step


main_globals = {"__name__": "__main__"}  # as on a board: boot.py and main.py share __main__
exec(open("/boot.py").read(), main_globals)
ended = "returned"
try:
    exec(open("/main.py").read(), main_globals)
except EndRun:
    ended = "end"
except MemoryError as e:
    ended = "MemoryError %s" % e
sys.modules.clear()  # the firmware's heap back, for the summary below
gc.collect()
errors = ""
try:
    with open("/errors.log") as f:  # line by line: a long log may not fit in the heap
        errors = line = f.readline()
        while line and "failed" not in line:  # after a rotation it starts mid-traceback
            line = f.readline()
        errors = line or errors  # the first "... failed ..." line, else the first line
except OSError:
    pass


def percentile(q):
    """The pause (us, to BIN_US) that q percent of planned collections did not exceed."""
    want = stats[3] * q // 100
    seen = 0
    for i in range(len(pauses)):
        seen += pauses[i]
        if seen > want:
            return (i + 1) * BIN_US
    return None


print("RESULT " + json.dumps({
    "ok": ended == "end" and not errors, "ended": ended, "errors": errors.split("\n")[0],
    "heap": HEAP - SIM, "sim": SIM, "live_import": stats[9], "live_boot": stats[4],
    "planned": stats[0], "automatic": stats[1],
    "alloc_per_pass": stats[7] * 16 // max(1, stats[8]),
    "min_free": stats[2], "t_ms": clk.ticks_ms(),
    "pause_us": [percentile(50), percentile(99)] if stats[3] else None}))
