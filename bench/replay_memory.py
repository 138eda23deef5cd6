"""Replay peak memory against recording length (issue 14, item 10): `leanclip replay` on 1 min
and on 3 h of the same 100 Hz running, each in its own process, peak RSS from the kernel
(wait4's ru_maxrss). The goal: flat in duration, 3 h within 20 % of 1 min.

The 3 h file is the demo's simulated 10-minute run repeated with time carried on (a stand, a
run, a stop, again): the content does not matter to memory, only the length does.
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from host_tools.simulate.simulator import simulate, write

RATE_HZ = 100
LENGTHS_S = (60, 3 * 3600)
GOAL = 1.20


def _recording(path, base_rows, seconds):
    """base_rows (t, rest-of-line) repeated end to end until `seconds` are covered."""
    span = base_rows[-1][0] + 1.0 / RATE_HZ
    n = int(seconds * RATE_HZ)
    with path.open("w") as f:
        f.write("t,ax,ay,az,gx,gy,gz\n")
        for i in range(n):
            t, rest = base_rows[i % len(base_rows)]
            f.write("%.4f,%s\n" % (t + (i // len(base_rows)) * span, rest))


_MEASURED = """
import sys
from host_tools.cli import main
status = main(sys.argv[1:])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]), file=sys.stderr)
sys.exit(status)
"""


def _peak_rss_mb(args):
    """`leanclip ARGS` in a fresh interpreter; (peak resident memory in MB, seconds). The peak
    is the process's own VmHWM, read at its end: a fork's ru_maxrss would include the bench's
    memory from before the exec."""
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode:
        raise SystemExit("replay failed: " + proc.stderr)
    return int(proc.stderr.split()[-1]) / 1024.0, time.time() - t0


def main():
    print("## Replay memory against length (bench/replay_memory.py)\n")
    print("Goal: `leanclip replay` peak memory flat in duration, 3 h within 20 % of 1 min "
          "(100 Hz; peak RSS of the whole process, Python and numpy included).\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        imu, truth, meta = simulate("demo", rate_hz=RATE_HZ, seed=7)
        write(tmp / "demo", imu, truth, meta)
        lines = (tmp / "demo" / "imu.csv").read_text().splitlines()[1:]
        base = [(float(x.split(",", 1)[0]), x.split(",", 1)[1]) for x in lines]
        print("| length | samples | file MB | peak RSS MB | time s |\n|---|---|---|---|---|")
        peaks = []
        for seconds in LENGTHS_S:
            path = tmp / ("imu_%d.csv" % seconds)
            _recording(path, base, seconds)
            out = tmp / ("out_%d" % seconds)
            rss, took = _peak_rss_mb(["replay", str(path), "--out", str(out)])
            peaks.append(rss)
            print("| %s | %d | %.1f | %.1f | %.0f |" % (
                "%d min" % (seconds // 60) if seconds < 3600 else "%d h" % (seconds // 3600),
                seconds * RATE_HZ, path.stat().st_size / 1e6, rss, took))
            path.unlink()
    ratio = peaks[-1] / peaks[0]
    print("\n3 h / 1 min peak: %.2f (goal <= %.2f): %s" % (ratio, GOAL,
                                                          "met" if ratio <= GOAL else "NOT met"))


if __name__ == "__main__":
    main()
