"""The device loop on MicroPython: heap per pass, CPU per pass, and a real-time run's loop
statistics (docs/device.md, "Timing budget").

Heap and CPU come from tests/upy_scripts/app_alloc.py (virtual time, so CPU is the code's own,
x64 unix port; the fake machine's chip models are inside the loop figure). The real-time run
(bench/app_loop_upy.py) is the app on the wall clock for 20 s: achieved rate, worst lateness,
overruns, FIFO overflows and the worst planned gc.collect pause, as loop_stats records them.
"""
import json
import tempfile
from pathlib import Path

from tests import upy

HERE = Path(__file__).resolve().parent
ALLOC = HERE.parent / "tests" / "upy_scripts" / "app_alloc.py"
REALTIME = HERE / "app_loop_upy.py"
PASSES_REALTIME = 1000  # 20 s at 50 Hz
STATS = ("rate_hz", "jitter_max_ms", "overruns", "fifo_overflows", "gc_pause_max_ms")


def _fields(out):
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        alloc = _fields(upy.run(ALLOC, upy.compile_with_boardsim(tmp / "a" / "lib"), tmp / "a",
                                heap="8M"))
        real = _fields(upy.run(REALTIME, upy.compile_with_boardsim(tmp / "b" / "lib"),
                               tmp / "b", PASSES_REALTIME, heap="512K"))
    heap = json.loads(alloc["ALLOC"])
    cpu = json.loads(alloc["CPU_US"])
    print("## Device loop on MicroPython (bench/app_loop.py; unix port, x64)\n")
    print("50 Hz loop, 100 Hz IMU (2 samples per pass), virtual time for heap and CPU.")
    print("Passes under heap_lock() with only Pipeline.feed unlocked: %s of 1000 (the loop's own"
          " code allocates nothing).\n" % alloc["LOCKED"].split()[0])
    print("| per pass | heap bytes | CPU us |")
    print("|---|---|---|")
    for key, what in (("pipeline_only", "pipeline alone (with the fake IMU's emulation)"),
                      ("loop_no_session", "whole loop pass, no session"),
                      ("loop_with_session", "whole loop pass, summary log (+ a host-file flush "
                                            "each second)")):
        print("| %s | %.1f | %.0f |" % (what, heap[key], cpu[key]))
    us, live = alloc["GC_US"].split()
    print("\ngc.collect() with %s bytes live (8 MB heap): %s us" % (live, us))
    stats = json.loads(real["STATS"])
    print("Real time, 512 KB heap (the firmware takes ~149 KB imported on this 64-bit port, "
          "plus the simulated chips), %d passes (loop_stats as logged): %s" % (
        PASSES_REALTIME, ", ".join("%s %s" % (k, round(stats[k], 2)) for k in STATS)))


if __name__ == "__main__":
    main()
