"""Fault-injection soak: the real firmware on MicroPython on the virtual board (tests/apprig.py,
virtual time, faster than real time), session after session on one littlefs flash image, with
random faults, each session ended by a power cut. Reports app restarts, coaching uptime, how
fast coaching came back after each fault, the log lost per power cut, and whether every fault
left an event in the log.

Faults (times and lengths uniform in the ranges, at least 25 s apart, seeded):
- zero 0.3-5 s (an IMU asleep after a brown-out, a loose wire), stuck 1-30 s (every axis pinned
  beyond full scale), accel_sat 0.3-1 s (the accelerometer alone at full scale): the samples
  (host_tools/boardsim/sources.Faulty);
- i2c_error 40-100 ms and vanish 0.5-5 s: the IMU off the bus (reads raise OSError);
- config: /leanclip.json mangled before the session (non-UTF-8, 1e400, nested, 1 MB, a bad
  value, not JSON), 30 % of sessions;
- flash: the flash filled to 4-12 KB free before the session (as by a runner's history),
  10 % of sessions; the next session's flash is freed again (pulled and deleted);
- power cut: every session, at a random time 5-10 min in.
Runs: the simulator's demo scenario (~10 min), physics randomised per session (seed, mount
chest/back/sideways/yaw45/random, sensor quality typical/poor).

Usage: python -m bench.soak [--hours H] [--workers N] [--seed S]
"""
import argparse
import json
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # apprig and upy, the test rig

import apprig  # noqa: E402

from host_tools import logread  # noqa: E402
from host_tools.simulate.simulator import simulate, write  # noqa: E402

BOARD = "xiao-esp32s3"
FLASH_BLOCKS = 256  # 1 MB of littlefs for /logs
SOURCE_FAULTS = {"zero": (0.3, 5.0), "stuck": (1.0, 30.0), "accel_sat": (0.3, 1.0)}
BUS_FAULTS = {"i2c_error": (0.04, 0.1), "vanish": (0.5, 5.0)}
MANGLED = [b'{"coach_strides": 1e400}', b'{"repeat_s": 20.0, "\xff\xfe": 1}',
           b"[" * 5000 + b"]" * 5000, b'{"a": "' + b"x" * (1 << 20) + b'"}',
           b'{"fault_hold_s": "soon"}', b"\x00\x01garbage", b'{"coach_strides": 1e400']
RESUME_S = 5.0
BOOT_MS = 100  # rig time of session ms 0 (the app's set-up before its first loop pass)


def _plan(rng, session):
    """One session's run, faults and cut, drawn from rng."""
    end_ms = rng.randint(300000, 594000)
    faults = []
    t = rng.uniform(15.0, 40.0)
    while t < end_ms / 1000 - 30:
        kind = rng.choice(list(SOURCE_FAULTS) + list(BUS_FAULTS))
        lo, hi = (SOURCE_FAULTS.get(kind) or BUS_FAULTS[kind])
        d = rng.uniform(lo, hi)
        faults.append((int(t * 1000), int((t + d) * 1000), kind))
        t += d + rng.uniform(25.0, 150.0)
    return {"session": session, "seed": rng.randint(1, 10 ** 6), "end_ms": end_ms,
            "mount": rng.choice(["chest", "back", "sideways", "yaw45", "random"]),
            "quality": rng.choice(["typical", "typical", "poor"]),
            "faults": faults,
            "config": rng.choice(MANGLED).hex() if rng.random() < 0.3 else None,
            "fill_kb": rng.randint(4, 12) if rng.random() < 0.1 else None}


def _session(board, tmp, plan):
    imu, truth, meta = simulate("demo", mount=plan["mount"], rate_hz=100,
                                quality=plan["quality"], seed=plan["seed"])
    run_dir = tmp / ("run%d" % plan["session"])
    write(run_dir, imu, truth, meta)
    cfg = board.root / "leanclip.json"
    if plan["config"] is not None:
        cfg.write_bytes(bytes.fromhex(plan["config"]))
    elif cfg.exists():
        cfg.unlink()
    for old in (board.root / "pulled").glob("*.lcl") if (board.root / "pulled").exists() else ():
        old.unlink()
    src = [f for f in plan["faults"] if f[2] in SOURCE_FAULTS]
    actions = []
    for a, b, kind in plan["faults"]:
        if kind in BUS_FAULTS:
            actions += [(a, "detach"), (b, "attach")]
    errors_before = board.errors()
    flash = {"image": str(board.root.parent / (board.root.name + "-flash.img")),
             "blocks": FLASH_BLOCKS, "fill_to_free_kb": plan["fill_kb"]}
    r = board.boot({"csv": str(run_dir / "imu.csv")}, plan["end_ms"], actions, faults=src,
                   flash=flash)
    errors = board.errors()[len(errors_before):]
    pulled = sorted((board.root / "pulled").glob("*.lcl"))
    sessions = [logread.decode(p.read_bytes(), p.name) for p in pulled]
    newest = sessions[-1] if sessions else None
    return _score(plan, r, errors, newest)


def _events(s, *names):
    return [(e[0], e[1], e[2]) for e in s.events if e[1] in names]


def _score(plan, r, errors, s):
    """One session's figures. Session ms = rig ms - BOOT_MS - the time the IMU was lost before
    (the sample clock stands still without samples)."""
    out = {"session": plan["session"], "sim_s": plan["end_ms"] / 1000,
           "restarts": errors.count("app failed"), "faults": [], "log": s is not None}
    if s is None:
        return out
    summ = {k: [int(x) for x in v] for k, v in s.summary.items() if k in ("t_s", "state",
                                                                          "lean_valid")}
    lean_s = [t for t, ok in zip(summ["t_s"], summ["lean_valid"], strict=True) if ok]
    out["lean_s"] = len(lean_s)
    out["running_s"] = sum(1 for st in summ["state"] if st == 2)
    out["running_lean_s"] = sum(1 for st, ok in zip(summ["state"], summ["lean_valid"],
                                                    strict=True) if st == 2 and ok)
    last_s = max(summ["t_s"]) + 1 if len(summ["t_s"]) else 0
    # power cut: how long before the cut did flash last take a write (the log flushes each s)
    if r.get("flash_last_write_ms") is not None:
        out["cut_lost_s"] = (plan["end_ms"] - r["flash_last_write_ms"]) / 1000
    out["last_s"] = last_s
    names = [e[1] for e in s.events]
    lost_before = 0.0
    backs = _events(s, "imu_back")
    for a, b, kind in plan["faults"]:
        start_s = (a - BOOT_MS) / 1000 - lost_before
        end_s = start_s + (b - a) / 1000
        f = {"kind": kind, "s": (b - a) / 1000, "event": False, "resume_s": None,
             "coached_before": any(start_s - 10 <= t < start_s for t in lean_s)}
        if kind in SOURCE_FAULTS:
            ev = [e for e in _events(s, "sensor_fault") if abs(e[0] / 1000 - start_s) <= 1.5]
            f["event"] = bool(ev)
            ok = [e for e in _events(s, "sensor_ok") if e[0] / 1000 >= start_s]
            if ok:
                f["resume_s"] = ok[0][0] / 1000 - end_s
        else:
            ev = [e for e in _events(s, "imu_lost") if abs(e[0] / 1000 - start_s) <= 1.5]
            f["event"] = bool(ev)
            back = [e for e in backs if abs(e[0] / 1000 - start_s) <= 1.5]
            if back:
                gone = back[0][2]["lost_s"]
                lost_before += gone
                ok = [e for e in _events(s, "sensor_ok") if e[0] >= back[0][0]]
                # the IMU back (retried each second), then the tilt afresh
                f["resume_s"] = (gone - (b - a) / 1000) + (
                    (ok[0][0] - back[0][0]) / 1000 if ok else 1e9)
        if f["coached_before"] and end_s < last_s - 10:
            later = [t for t in lean_s if t >= end_s]
            f["lean_back_s"] = (later[0] - end_s) if later else None
        out["faults"].append(f)
    if plan["config"] is not None:
        out["faults"].append({"kind": "config", "event": "config_error" in names})
    if plan["fill_kb"] is not None:
        out["faults"].append({"kind": "flash", "event": bool(names) and "flash_full" in names})
    out["faults"].append({"kind": "power_cut", "event": True,
                          "lost_s": out.get("cut_lost_s")})
    return out


def _worker(args):
    worker, plans, lib, tmp = args
    tmp = Path(tmp)
    board = apprig.Board(lib, tmp / ("board%d" % worker), BOARD)
    results = []
    for plan in plans:
        t0 = time.time()
        res = _session(board, tmp, plan)
        res["wall_s"] = time.time() - t0
        results.append(res)
        with open(tmp / ("worker%d.jsonl" % worker), "a") as f:
            f.write(json.dumps(res) + "\n")
    return results


def summarise(results):
    faults = [f for r in results for f in r["faults"]]
    sensor = [f for f in faults if f["kind"] in SOURCE_FAULTS or f["kind"] in BUS_FAULTS]
    resumes = [f["resume_s"] for f in sensor if f["resume_s"] is not None]
    lean_back = [f["lean_back_s"] for f in sensor if "lean_back_s" in f]
    cuts = [f["lost_s"] for f in faults if f["kind"] == "power_cut" and f["lost_s"] is not None]
    by_kind = {}
    for f in faults:
        k = by_kind.setdefault(f["kind"], [0, 0])
        k[0] += 1
        k[1] += bool(f["event"])
    return {
        "sessions": len(results),
        "simulated_h": sum(r["sim_s"] for r in results) / 3600,
        "wall_s": sum(r["wall_s"] for r in results),
        "faults": len(faults),
        "faults_by_kind (injected, with event)": by_kind,
        "app_restarts": sum(r["restarts"] for r in results),
        "sessions_without_log": sum(not r["log"] for r in results),
        "tilt_back_after_fault_end_s (max)": max(resumes) if resumes else None,
        "faults_not_back_within_5s": sum(x > RESUME_S for x in resumes)
        + sum(f["resume_s"] is None for f in sensor),
        "lean_rows_back_after_fault_end_s (max, coached before)":
            max((x for x in lean_back if x is not None), default=None),
        "coached_faults_without_lean_after": sum(x is None for x in lean_back),
        "coaching_uptime (running seconds with a lean)":
            sum(r.get("running_lean_s", 0) for r in results)
            / max(1, sum(r.get("running_s", 0) for r in results)),
        "power_cut_lost_s (max)": max(cuts) if cuts else None,
    }


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep", help="directory to keep boards and results in")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    plans = []
    while sum(p["end_ms"] for p in plans) < args.hours * 3600 * 1000:
        plans.append(_plan(rng, len(plans)))
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="soak"))
    tmp.mkdir(parents=True, exist_ok=True)
    lib = apprig.build_lib(tmp / "lib")
    jobs = [(w, plans[w::args.workers], lib, str(tmp)) for w in range(args.workers)]
    with ProcessPoolExecutor(args.workers) as ex:
        results = [r for rs in ex.map(_worker, jobs) for r in rs]
    summary = summarise(results)
    print("## Fault-injection soak (bench/soak.py; `python -m bench.soak --hours %g "
          "--workers %d --seed %d`)\n" % (args.hours, args.workers, args.seed))
    print("| figure | value |\n|---|---|")
    for k, v in summary.items():
        print("| %s | %s |" % (k, round(v, 2) if isinstance(v, float) else v))
    print("\n(per-session results: %s/worker*.jsonl)" % tmp)


if __name__ == "__main__":
    main()
