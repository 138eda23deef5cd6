"""`leanclip plan-demo --out DIR`: a training plan over simulated sessions, as session logs and
the learning-curve report a runner would get after pulling them from the device.

Each session is a simulated run through the firmware pipeline with the feedback stage the plan
gives that session number (firmware/core/schedule.py), written as the device's session log
(NNNNN.lcl, stage in the header's config), then `leanclip report` runs over all of them. The
runner's learning is SCRIPTED, not simulated: the simulated runner does not feel the buzzer, so
time at fault falls by 20 % per session, and a test run (no cues) has 25 % more than a coached
session would have had, the usual dip when feedback is withdrawn. The demo shows what the
device does in each stage and what the report shows, not that the plan works.
"""
import argparse
from pathlib import Path

from firmware.core import config as fw_config
from firmware.core.schedule import STAGE_NAMES, TEST, stage_for

from .. import replaylog
from . import report
from ..errors import UserError
from .replay import ImuRecording, run_pipeline
from ..simulate import scenario
from ..simulate.simulator import simulate

RATE_HZ = 50
# The demo's calendar: a run every other day at 07:00 UTC from 1 Sep 2026 (made up, so that the
# history page shows dates as it does for a board whose clock was set).
FIRST_START_S = 1788246000
DAYS_BETWEEN = 2
FIRST_FAULT_S = 120.0
LEARN_PER_SESSION = 0.8
TEST_DIP = 1.25


def register(parser):
    parser.add_argument("--out", required=True, metavar="DIR", help="where the logs and report go")
    parser.add_argument("--sessions", type=int, default=12, help="sessions to simulate (2-40)")
    parser.add_argument("--plan-sessions", type=int, default=3,
                        help="plan_sessions: sessions per stage")
    parser.add_argument("--plan-test-every", type=int, default=4,
                        help="plan_test_every: every n-th session is a test run")
    parser.add_argument("--minutes", type=float, default=8.0, help="length of each session")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the simulated runs")
    parser.set_defaults(func=run)


def fault_seconds(n, stage):
    """The scripted learner: seconds at fault in session n (1-based) at this stage."""
    coached = FIRST_FAULT_S * LEARN_PER_SESSION ** (n - 1)
    return coached * TEST_DIP if stage == TEST else coached


def run(args):
    if not 2 <= args.sessions <= 40:
        raise UserError("--sessions must be from 2 to 40, got %d" % args.sessions)
    if not 2.0 <= args.minutes <= 30.0:
        raise UserError("--minutes must be from 2 to 30, got %g" % args.minutes)
    plan, errors = fw_config.validate({"plan_sessions": args.plan_sessions,
                                       "plan_test_every": args.plan_test_every})
    if errors:
        raise UserError(errors[0])
    if plan["plan_sessions"] == 0:
        raise UserError("--plan-sessions must be at least 1 for a plan")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out, e.strerror or e)) from None
    logs = []
    for n in range(1, args.sessions + 1):
        stage = stage_for(plan, n)
        cfg = dict(plan, coach_stage=stage)
        segs = scenario.learner(args.seed * 1000 + n, fault_seconds(n, stage),
                                duration_s=args.minutes * 60.0)
        imu, _, _ = simulate(segs, mount="chest", rate_hz=RATE_HZ, quality="typical",
                             seed=args.seed * 1000 + n)
        rec = ImuRecording(0.0, float(RATE_HZ), imu[:, 1:].ravel().tolist())
        sink = run_pipeline(rec, cfg)
        path = out / ("%05d.lcl" % n)
        replaylog.write_device_log(path, rec, sink, cfg, session=n,
                                   start_epoch_s=FIRST_START_S + (n - 1) * DAYS_BETWEEN * 86400)
        print("session %d: stage %s, %d events" % (n, STAGE_NAMES[stage], len(sink.events)))
        logs.append(str(path))
    return report.run(argparse.Namespace(sessions=logs, out=str(out / "report")))
