"""`leanclip simulate`: write imu.csv, truth.csv and scenario.json for a scripted run."""
from pathlib import Path

from .. import outfiles
from .mount import MOUNTS
from .sensor import QUALITIES
from .simulator import OUTPUTS, simulate, write


def add_rate_and_cadence(parser, rate_help):
    """--rate and --cadence, as every simulator command takes them (twoseg_command too)."""
    parser.add_argument("--rate", type=int, default=100, metavar="HZ", help=rate_help)
    parser.add_argument("--cadence", type=float, default=None, metavar="SPM",
                        help="running cadence, 150..190 steps/min, for run segments that do not"
                        " set cadence_spm (default 170)")


def register(parser):
    parser.add_argument("--scenario", default="demo",
                        help="demo (~10 min), steady (3 min, no faults) or a JSON segment file")
    parser.add_argument("--mount", default="chest", choices=MOUNTS,
                        help="how the board sits on the trunk")
    add_rate_and_cadence(parser, "IMU output rate, 50..1000 Hz")
    parser.add_argument("--quality", default="typical", choices=QUALITIES,
                        help="sensor grade: errors, noise, range")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory")
    parser.set_defaults(func=run)


def run(args):
    # a scenario file named scenario.json in --out would be replaced by the resolved one
    outfiles.refuse_inputs([Path(args.out) / name for name in OUTPUTS], [args.scenario])
    imu, truth, meta = simulate(args.scenario, mount=args.mount, rate_hz=args.rate,
                                cadence_spm=args.cadence, quality=args.quality, seed=args.seed)
    write(args.out, imu, truth, meta)
    print("wrote %s: %d samples, %.1f s at %d Hz (%s, %s mount, %s sensor, seed %d)"
          % (args.out, meta["samples"], meta["duration_s"], meta["options"]["rate_hz"],
             meta["scenario"], args.mount, args.quality, args.seed))
    return 0
