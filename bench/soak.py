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
import shutil
import statistics
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
    """Run one session; returns its record (what scoring needs), with its log kept as
    tmp/logs/<board>-<session>.lcl (the newest file on the flash after the power cut)."""
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
    shutil.rmtree(run_dir)
    pulled = sorted((board.root / "pulled").glob("*.lcl"))
    log = None
    if pulled:
        log = tmp / "logs" / ("%s-%d.lcl" % (board.root.name, plan["session"]))
        log.parent.mkdir(exist_ok=True)
        shutil.copy(pulled[-1], log)
    return {"plan": dict(plan, config=plan["config"] is not None),
            "restarts": board.errors()[len(errors_before):].count("app failed"),
            "flash_last_write_ms": r.get("flash_last_write_ms"),
            "log": str(log) if log else None}


def _events(s, *names):
    return [(e[0], e[1], e[2]) for e in s.events if e[1] in names]


def _near(events, t_s, used):
    """The first unused event from 6 s before to 1.5 s after t_s (session seconds), or None:
    the log's clock only ever falls behind the rig's (samples a re-configured IMU drops), and
    faults are at least 25 s apart."""
    for e in events:
        if -6.0 <= e[0] / 1000 - t_s <= 1.5 and e[0] not in used:
            used.add(e[0])
            return e
    return None


def score(record):
    """One session's figures from its record and log. Faults are placed on the log's clock
    (session ms) from the rig's clock (ms since power-on), re-anchored at every matched event:
    the sample clock stands still while the IMU is lost and loses the samples a re-configured
    IMU drops, so the two drift apart."""
    plan = record["plan"]
    out = {"session": plan["session"], "sim_s": plan["end_ms"] / 1000,
           "restarts": record["restarts"], "faults": [], "log": record["log"] is not None}
    if record["log"] is None:
        return out
    s = logread.decode(Path(record["log"]).read_bytes(), Path(record["log"]).name)
    summ = {k: [int(x) for x in s.summary[k]] for k in ("t_s", "state", "lean_valid")}
    lean_s = [t for t, ok in zip(summ["t_s"], summ["lean_valid"], strict=True) if ok]
    out["running_s"] = sum(1 for st in summ["state"] if st == 2)
    out["running_lean_s"] = sum(1 for st, ok in zip(summ["state"], summ["lean_valid"],
                                                    strict=True) if st == 2 and ok)
    last_s = max(summ["t_s"]) + 1 if len(summ["t_s"]) else 0
    names = [e[1] for e in s.events]
    full = [e[0] / 1000 for e in s.events if e[1] == "flash_full"]
    stopped_s = full[0] if full else None
    # power cut: how long before the cut flash last took a write (the log flushes each second);
    # not counted where the log had stopped on purpose (flash full)
    if record["flash_last_write_ms"] is not None and stopped_s is None:
        out["cut_lost_s"] = (plan["end_ms"] - record["flash_last_write_ms"]) / 1000
    offset_s = BOOT_MS / 1000  # rig s - session s
    used = set()
    for a, b, kind in plan["faults"]:
        dur_s = (b - a) / 1000
        start_s = a / 1000 - offset_s
        f = {"kind": kind, "s": dur_s, "event": False, "resume_s": None}
        if stopped_s is not None and start_s >= stopped_s - 1:
            f["event"] = None  # the log had stopped (flash full): nothing can say it
            out["faults"].append(f)
            continue
        if kind in SOURCE_FAULTS:
            ev = _near(_events(s, "sensor_fault"), start_s, used)
            if ev:
                start_s = ev[0] / 1000
                offset_s = a / 1000 - start_s
                ok = [e for e in _events(s, "sensor_ok") if e[0] >= ev[0]]
                f["resume_s"] = (ok[0][0] / 1000 - start_s - dur_s) if ok else 1e9
            end_s = start_s + dur_s
        else:
            ev = _near(_events(s, "imu_lost"), start_s, used)
            end_s = start_s
            if ev:
                start_s = end_s = ev[0] / 1000
                back = [e for e in _events(s, "imu_back") if e[0] >= ev[0]]
                gone = back[0][2]["lost_s"] if back else 1e9
                ok = [e for e in _events(s, "sensor_ok") if back and e[0] >= back[0][0]]
                # the IMU back (retried each second), then the tilt afresh
                f["resume_s"] = gone - dur_s + ((ok[0][0] - back[0][0]) / 1000 if ok else 1e9)
                offset_s = a / 1000 - start_s + (gone if back else 0)
        f["event"] = ev is not None
        f["coached_before"] = any(start_s - 10 <= t < start_s for t in lean_s)
        if f["coached_before"] and end_s < last_s - 10:
            later = [t for t in lean_s if t >= end_s]
            f["lean_back_s"] = (later[0] - end_s) if later else None
        out["faults"].append(f)
    if plan["config"]:
        said = "config_error" in names
        out["faults"].append({"kind": "config", "event": True if said else (
            None if stopped_s is not None and stopped_s < 2 else False)})
    if plan["fill_kb"] is not None:
        out["faults"].append({"kind": "flash", "event": "flash_full" in names})
    out["faults"].append({"kind": "power_cut", "event": True, "lost_s": out.get("cut_lost_s")})
    return out


def _worker(args):
    worker, plans, tmp = args
    tmp = Path(tmp)
    lib = apprig.build_lib(tmp / ("lib%d" % worker))  # (an interpreter does not pickle)
    board = apprig.Board(lib, tmp / ("board%d" % worker), BOARD)
    for plan in plans:
        t0 = time.time()
        rec = _session(board, tmp, plan)
        rec["wall_s"] = time.time() - t0
        with open(tmp / ("records%d.jsonl" % worker), "a") as f:
            f.write(json.dumps(rec) + "\n")


def records(tmp):
    return [json.loads(line) for p in sorted(Path(tmp).glob("records*.jsonl"))
            for line in p.read_text().splitlines()]


def summarise(recs):
    results = [score(r) for r in recs]
    faults = [f for r in results for f in r["faults"]]
    sensor = [f for f in faults if f["kind"] in SOURCE_FAULTS or f["kind"] in BUS_FAULTS]
    resumes = [f["resume_s"] for f in sensor if f["event"]]
    lean_back = [f["lean_back_s"] for f in sensor if "lean_back_s" in f]
    cuts = [f["lost_s"] for f in faults if f["kind"] == "power_cut" and f["lost_s"] is not None]
    by_kind = {}
    for f in faults:
        k = by_kind.setdefault(f["kind"], [0, 0, 0])
        k[0] += 1
        k[1] += f["event"] is True
        k[2] += f["event"] is None
    return {
        "sessions": len(results),
        "simulated hours": sum(r["sim_s"] for r in results) / 3600,
        "wall s (sum over workers)": sum(r.get("wall_s", 0) for r in recs),
        "faults injected": len(faults),
        "by kind: injected, with an event, after the log stopped (flash full)":
            ", ".join("%s %d/%d/%d" % ((k,) + tuple(v)) for k, v in sorted(by_kind.items())),
        "app restarts": sum(r["restarts"] for r in results),
        "sessions without a log": sum(not r["log"] for r in results),
        "tilt trusted again after the fault's end, s: median / max":
            "%.2f / %.2f" % (statistics.median(resumes), max(resumes)) if resumes else "-",
        "faults not recovered within 5 s": sum(x > RESUME_S for x in resumes),
        "lean rows back after the fault's end (faults met while coaching), s: max":
            max((x for x in lean_back if x is not None), default=None),
        "faults met while coaching with no lean row after": sum(x is None for x in lean_back),
        "coaching uptime (running seconds with a lean)":
            sum(r.get("running_lean_s", 0) for r in results)
            / max(1, sum(r.get("running_s", 0) for r in results)),
        "power cuts / max s of log lost": "%d / %.2f" % (len(cuts), max(cuts)) if cuts else "-",
    }


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep", help="directory to keep boards, logs and records in")
    ap.add_argument("--rescore", help="only score the records in this directory")
    args = ap.parse_args(argv)
    if args.rescore:
        tmp = Path(args.rescore)
    else:
        rng = random.Random(args.seed)
        plans = []
        while sum(p["end_ms"] for p in plans) < args.hours * 3600 * 1000:
            plans.append(_plan(rng, len(plans)))
        tmp = Path(args.keep or tempfile.mkdtemp(prefix="soak"))
        tmp.mkdir(parents=True, exist_ok=True)
        jobs = [(w, plans[w::args.workers], str(tmp)) for w in range(args.workers)]
        with ProcessPoolExecutor(args.workers) as ex:
            list(ex.map(_worker, jobs))
    summary = summarise(records(tmp))
    print("## Fault-injection soak (bench/soak.py; `make soak`: `python -m bench.soak --hours %g "
          "--workers %d --seed %d`)\n" % (args.hours, args.workers, args.seed))
    print("| figure | value |\n|---|---|")
    for k, v in summary.items():
        print("| %s | %s |" % (k, round(v, 3) if isinstance(v, float) else v))
    print("\n(records and session logs: %s)" % tmp)


if __name__ == "__main__":
    main()
