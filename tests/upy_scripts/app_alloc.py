"""Heap use of the device loop on MicroPython (tests/test_app_alloc.py).

argv[1]: a board directory holding only lib/ (the compiled tree), mounted as "/" (the app
writes /logs there).
Steady state = calibrated, standing still, no pattern playing, fed by a Constant source (whose
encoding the chip models cache, so the models allocate nothing: docs/drivers.md).

LOCKED: 1000 loop passes under micropython.heap_lock() with only Pipeline.feed unlocked:
    any allocation by the loop's own code (scheduling, FIFO drain, motor, button, LED,
    housekeeping, statistics) raises MemoryError. Prints the passes completed and the error.
LOCKED_PELVIS (argv[2] "pelvis": this line alone): the same with the pelvis pod wired (both
    FIFOs, the pairing), and the samples fed with a pelvis partner.
ALLOC:  gc.mem_alloc() bytes per pass, with and without a session log, next to the pipeline
    alone fed the same way (figures for docs/device.md; the LOCKED line is the assertion).
"""
import gc
import json
import sys
import time as real_time

import machine
import micropython
from vtime import VirtualTime

from host_tools.boardsim.board import wire, wire_pelvis
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.sources import Constant

clk = ManualClock()
sys.modules["time"] = VirtualTime(clk)

import os

os.umount("/")
os.mount(os.VfsPosix(sys.argv[1]), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]  # as on the board: the firmware imports lazily from /lib
for name in list(sys.modules):
    if name.startswith("firmware"):
        del sys.modules[name]

from firmware.core import config
from firmware.core.pipeline import Pipeline
from firmware.device import app as device_app
from firmware.device.errorlog import ErrorLog

with open("/board.json", "w") as f:
    f.write(json.dumps({"board": "xiao-esp32s3"}))

PASSES = 1000
POD = len(sys.argv) > 2 and sys.argv[2] == "pelvis"  # one board, one app per run: the model's
# heap holds one app, as a board's does
machine.reset_all(clk)
wire("xiao-esp32s3", Constant())
if POD:
    wire_pelvis("xiao-esp32s3", Constant(0.1, 0.0, 0.99))
app = device_app.App(ErrorLog())
app.collect = False  # gc.collect() frees memory: mem_alloc() deltas would mean nothing
app.loop(400)        # 8 s: stand tall, calibrated at 2 s, ready played out
assert app.p.calibrated and not app.p.player.busy()


class LockedFeed:
    """The pipeline's feed, the one part allowed to allocate (its float temporaries)."""

    def __init__(self, feed):
        self.feed = feed
        self.paired = 0  # samples fed with their pelvis partners

    def __call__(self, buf, n, pelvis_buf=None):
        micropython.heap_unlock()
        if pelvis_buf is not None:
            self.paired += n
        self.feed(buf, n, pelvis_buf)
        micropython.heap_lock()


def locked_passes(app):
    """PASSES loop passes under the heap lock, the pipeline's feed alone unlocked: (passes
    done, the MemoryError or None, samples fed with a pelvis partner)."""
    real = app.p.feed
    app.p.feed = locked = LockedFeed(real)
    gc.collect()
    done = 0
    error = None
    micropython.heap_lock()
    try:
        while done < PASSES:
            app.loop(1)
            done += 1
    except MemoryError as e:
        error = e
    micropython.heap_unlock()
    app.p.feed = real
    return done, error, locked.paired


app.stop_session()  # the log writer's own heap use is measured with it (docs/log-format.md)
done, error, paired = locked_passes(app)
if POD:
    print("LOCKED_PELVIS", done, repr(error) if error else "none", paired)
    if error:
        sys.print_exception(error)
    sys.exit(0)
print("LOCKED", done, repr(error) if error else "none", app.session)
if error:
    sys.print_exception(error)


cpu_us = {}


CHUNK = 10  # passes between collections: a board's heap holds ~10 passes' garbage, not 1000


def per_pass(fn, name):
    """Bytes allocated per pass over PASSES passes, run CHUNK at a time with the collector off
    (mem_alloc() deltas mean nothing across a collection); CPU time per pass on this machine
    goes to cpu_us."""
    total = 0
    us = 0
    for _ in range(PASSES // CHUNK):
        gc.collect()
        gc.disable()
        before = gc.mem_alloc()
        t0 = real_time.ticks_us()
        fn(CHUNK)
        us += real_time.ticks_diff(real_time.ticks_us(), t0)
        total += gc.mem_alloc() - before
        gc.enable()
    cpu_us[name] = us / PASSES
    return total / PASSES


loop_alone = per_pass(app.loop, "loop_no_session")
app.start_session()
loop_session = per_pass(app.loop, "loop_with_session")

clk2 = ManualClock()
machine.reset_all(clk2)
wire("xiao-esp32s3", Constant())
imu = app.hw.imu.__class__(machine.I2C(0), app.hw.imu._addr)
imu.configure(rate_hz=device_app.IMU_RATE_HZ, accel_fs_g=8, gyro_fs_dps=1000)


class NullSink:
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        pass

    def event(self, t_ms, name, value):
        pass


p = Pipeline(config.defaults(), imu.rate_hz, imu.accel_lsb_per_g, imu.gyro_lsb_per_dps, NullSink())
buf = app.buf


def pipeline_only(passes):
    for _ in range(passes):
        clk2.advance_us(device_app.LOOP_PERIOD_US)
        p.feed(buf, imu.read_into(buf))


pipeline_only(400)
pipeline = per_pass(pipeline_only, "pipeline_only")
print("ALLOC", json.dumps({"loop_with_session": loop_session, "loop_no_session": loop_alone,
                           "pipeline_only": pipeline}))
print("CPU_US", json.dumps(cpu_us))
gc.collect()
t0 = real_time.ticks_us()
gc.collect()
print("GC_US", real_time.ticks_diff(real_time.ticks_us(), t0), gc.mem_alloc())
