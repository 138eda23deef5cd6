"""`leanclip simulate-pelvis`: one two-segment run (chest + pelvis, issue 17), in the style of
`leanclip simulate`, for trying the two-sensor replay without a pod:

    leanclip simulate-pelvis [--scenario demo|field|FILE.json] [--seed N]
        [--duration S] [--rate HZ] [--cadence SPM] [--chest-mount M] [--pelvis-mount M]
        [--chest-quality Q] [--pelvis-quality Q] --out DIR

writes imu.csv (t,ax..gz,pax..pgz), truth.csv, episodes.csv and scenario.json (twoseg.py).
Then `leanclip replay DIR/imu.csv --out R` coaches it with both sensors. Bad input: one line on
stderr, status 2 (host_tools/cli.py).
"""
from pathlib import Path

from .. import outfiles
from ..errors import UserError
from .command import add_rate_and_cadence
from .mount import MOUNTS
from .sensor import QUALITIES
from .twoseg import OUTPUTS, simulate, write


def register(parser):
    parser.add_argument("--scenario", default="demo",
                        help="demo (~4 min, each episode once), field (the bench's run: field"
                        " physics, --duration long) or a JSON segment file")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--duration", type=float, default=600.0, metavar="S",
                        help="length of a 'field' run in seconds")
    add_rate_and_cadence(parser, "IMU output rate of both sensors, 50..1000 Hz")
    for part, where in (("chest", "the chest clip"), ("pelvis", "the waistband pod")):
        parser.add_argument("--%s-mount" % part, default="random", choices=MOUNTS,
                            help="how %s sits on its segment" % where)
        parser.add_argument("--%s-quality" % part, default="typical", choices=QUALITIES,
                            help="%s's sensor grade" % where)
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory")
    parser.set_defaults(func=run)


def run(args):
    outfiles.refuse_inputs([Path(args.out) / name for name in OUTPUTS], [args.scenario])
    if not 60.0 <= args.duration <= 3600.0:
        raise UserError("duration must be 60..3600 s, got %g" % args.duration)
    imu, truth, meta = simulate(args.scenario, rate_hz=args.rate, cadence_spm=args.cadence,
                                seed=args.seed, chest_mount=args.chest_mount,
                                pelvis_mount=args.pelvis_mount, chest_quality=args.chest_quality,
                                pelvis_quality=args.pelvis_quality, duration_s=args.duration)
    write(args.out, imu, truth, meta)
    print("wrote %s: %d samples, %.1f s at %d Hz, %d episodes (%s, chest %s %s, pelvis %s %s,"
          " seed %d)" % (args.out, meta["samples"], meta["duration_s"], args.rate,
                         len(meta["episodes"]), meta["scenario"], args.chest_mount,
                         args.chest_quality, args.pelvis_mount, args.pelvis_quality, args.seed))
    return 0
