"""Runs on MicroPython (bench/app_loop.py starts it): the device app in REAL time on the fake
machine (boardsim models on a wall clock), for argv[2] loop passes, then prints the loop
statistics the session log would get. argv[1]: an empty board directory, mounted as "/"."""
import json
import os
import sys

import machine

from firmware.device import app as device_app
from firmware.device.errorlog import ErrorLog
from host_tools.boardsim.board import wire
from host_tools.boardsim.sources import Constant

os.umount("/")
os.mount(os.VfsPosix(sys.argv[1]), "/")
os.chdir("/")
with open("/board.json", "w") as f:
    f.write(json.dumps({"board": "xiao-esp32s3"}))
machine.reset_all()  # wall-clock time
wire("xiao-esp32s3", Constant())
app = device_app.App(ErrorLog())
app.loop(int(sys.argv[2]))
app.write_stats()
print("STATS " + json.dumps(dict(zip(("rate_hz", "jitter_max_ms", "overruns", "fifo_overflows",
                                      "gc_pause_max_ms"), app.stats))))
