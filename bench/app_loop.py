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

from host_tools.boardsim import tree
from tests import upy

HERE = Path(__file__).resolve().parent
ALLOC = HERE.parent / "tests" / "upy_scripts" / "app_alloc.py"
REALTIME = HERE / "app_loop_upy.py"
PASSES_REALTIME = 1000  # 20 s at 50 Hz
STATS = ("rate_hz", "jitter_max_ms", "overruns", "fifo_overflows", "gc_pause_max_ms")


def _fields(out):
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out.splitlines() if " " in line}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lib = tree.install(upy.compile_firmware(tmp / "lib"))
        (tmp / "a").mkdir()
        (tmp / "b").mkdir()
        alloc = _fields(upy.run(ALLOC, lib, tmp / "a"))
        real = _fields(upy.run(REALTIME, lib, tmp / "b", PASSES_REALTIME, heap="256K"))
    heap = json.loads(alloc["ALLOC"])
    cpu = json.loads(alloc["CPU_US"])
    print("device loop on MicroPython (unix port, x64), 50 Hz loop, 100 Hz IMU (2 samples/pass):")
    print("  heap-locked passes (loop's own code allocating nothing): %s" % alloc["LOCKED"].split()[0])
    print("  | per pass | heap bytes | CPU us |  (with_session: + a host-file flush each second)")
    print("  |---|---|---|")
    for key in ("pipeline_only", "loop_no_session", "loop_with_session"):
        print("  | %s | %.1f | %.0f |" % (key, heap[key], cpu[key]))
    us, live = alloc["GC_US"].split()
    print("  gc.collect() with the app's heap live (%s bytes, 8 MB heap): %s us" % (live, us))
    stats = json.loads(real["STATS"])
    print("  real time, 256 KB heap, %d passes: %s" % (PASSES_REALTIME, ", ".join(
        "%s %s" % (k, round(stats[k], 2)) for k in STATS)))


if __name__ == "__main__":
    main()
