"""Runs on MicroPython (bench/app_loop.py starts it): the device app in REAL time on the fake
machine (boardsim models on a wall clock), for argv[2] loop passes, then prints the loop
statistics the session log would get. argv[1]: a board directory holding only lib/ (the
compiled tree), mounted as "/"."""
import json
import os
import sys

import machine

from host_tools.boardsim.board import wire
from host_tools.boardsim.sources import Constant

os.umount("/")
os.mount(os.VfsPosix(sys.argv[1]), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]  # as on the board: the firmware imports lazily from /lib
from firmware.device import app as device_app  # noqa: E402
from firmware.device.errorlog import ErrorLog  # noqa: E402

with open("/board.json", "w") as f:
    f.write(json.dumps({"board": "xiao-esp32s3"}))
machine.reset_all()  # wall-clock time
wire("xiao-esp32s3", Constant())
app = device_app.App(ErrorLog())
app.loop(int(sys.argv[2]))
app.write_stats()
print("STATS " + json.dumps(dict(zip(("rate_hz", "jitter_max_ms", "overruns", "fifo_overflows",
                                      "gc_pause_max_ms"), app.stats))))
