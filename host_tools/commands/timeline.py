"""`leanclip timeline DIR [--truth truth.csv] [--png FILE] [--verbose]`: a replay, for a person.

One line per thing the runner would have felt or the device decided, with the reason next to
it, in plain words (host_tools/eventtext.py; the device's housekeeping only with --verbose),
and a plot of lean over time with the bands and the buzzes on it. With the simulator's truth it
also says how close the estimate was and which faults were caught. A replay of a chest + pelvis
recording (lean.csv with pelvis_deg, lumbar_deg) adds the pelvis tilt and the lumbar angle: a
line of medians and a second panel in the plot.
"""
import csv
from pathlib import Path

from firmware.core import config as fw_config
from firmware.core import logfmt
from firmware.core.gait import STATE_NAMES

from .. import eventtext, outfiles
from .config import read_config_file
from ..errors import UserError
from ..evaluate import Truth, score
from .replay import OUTPUTS

BUZZ_COLOURS = dict(zip(logfmt.BUZZ_EVENTS[1:], ("tab:orange", "tab:red", "tab:purple"),
                        strict=True))
PELVIS_BUZZ_COLOURS = dict(zip((n for n, _ in logfmt.PELVIS_ALERT_FLAGS),
                               ("tab:olive", "tab:pink"), strict=True))
PELVIS_COLUMNS = ("pelvis_deg", "lumbar_deg")  # lean.csv, when the replay had a pelvis sensor


def clock(t):
    m, s = divmod(t, 60.0)
    return "%2d:%04.1f" % (m, s)


def _read(path):
    try:
        with path.open(newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise UserError("cannot read %s (%s); run `leanclip replay ... --out %s` first"
                        % (path, e.strerror or e, path.parent)) from None


def load_replay(out_dir):
    d = Path(out_dir)
    rows = _read(d / "lean.csv")
    events = _read(d / "events.csv")
    try:  # validated: a hand-edited config.json must not crash the plot
        cfg = fw_config.validate(read_config_file(d / "config.json"))[0]
    except UserError:
        cfg = fw_config.defaults()  # an older replay without its config: the defaults
    state_code = {name: i for i, name in enumerate(STATE_NAMES)}
    try:
        lean = [(float(r["t"]), float(r["lean_deg"]), float(r["roll_deg"]),
                 float(r["cadence_spm"]), state_code[r["state"]], float(r["win_s"]))
                for r in rows]
        ev = [(float(e["t"]), e["event"], e["value"]) for e in events]
    except (KeyError, ValueError) as e:
        raise UserError("%s does not look like a replay's output (%s)" % (d, e)) from None
    return lean, ev, cfg


def load_pelvis(out_dir):
    """[(pelvis_deg, lumbar_deg) or None] per lean.csv row (None while the pelvis was not
    trusted), or None for a one-sensor replay (no such columns)."""
    path = Path(out_dir) / "lean.csv"
    rows = _read(path)
    if not rows or any(c not in rows[0] for c in PELVIS_COLUMNS):
        return None
    out = []
    try:
        for r in rows:
            cells = [r[c] for c in PELVIS_COLUMNS]
            out.append(None if "" in cells else tuple(float(c) for c in cells))
    except ValueError as e:
        raise UserError("%s: a pelvis column does not read as a number (%s)" % (path, e)) from None
    return out


def _pelvis_line(lean, pelvis):
    """Medians of the pelvis tilt and the lumbar angle over the running strides that had both."""
    both = [(r[1],) + p for r, p in zip(lean, pelvis, strict=True) if p is not None and r[4] == 2]
    if not both:
        return "pelvis: no running stride had the pelvis sensor trusted"
    med = [sorted(c)[len(c) // 2] for c in zip(*both, strict=True)]
    return ("chest and pelvis over %d running strides, medians: thorax lean %.1f deg, pelvis tilt "
            "%.1f deg, lumbar angle %+.1f deg (+ = folded forward at the hips, - = arched back)"
            % (len(both), med[0], med[1], med[2]))


def describe(event, value, cfg, verbose=False):
    """(label, why) for one event row, in the runner's words (host_tools/eventtext.py); None
    for the device's housekeeping unless verbose."""
    said = eventtext.line(event, value, cfg)
    if said is None and verbose:
        return eventtext.internal_line(event, value)
    return said


STATE_MIN_S = 5.0  # a motion state shorter than this is a blip, not news for the runner


def lasting_states(events):
    """The state events whose state then lasts STATE_MIN_S (the last one always), minus
    repeats of the state already shown."""
    states = [e for e in events if e[1] == "state"]
    keep, shown = set(), None
    for i, e in enumerate(states):
        end = states[i + 1][0] if i + 1 < len(states) else float("inf")
        if end - e[0] >= STATE_MIN_S and e[2] != shown:
            keep.add(id(e))
            shown = e[2]
    return [e for e in events if e[1] != "state" or id(e) in keep]


def print_timeline(lean, events, cfg, truth=None, out=print, verbose=False, pelvis=None):
    for t, event, value in lasting_states(events):
        said = describe(event, value, cfg, verbose)
        if said is not None:
            out(("%s  %-14s %s" % (clock(t), said[0], said[1])).rstrip())
    running = [r for r in lean if r[4] == 2]
    buzzes = [e for e in events if e[1].startswith("buzz_")]
    if not any(e[1] == "calibrated" for e in events):
        out("never calibrated: the wearer never stood still and tall, so nothing was coached")
    elif running:
        mean = sum(r[1] for r in running) / len(running)
        out("running lean: mean %.1f deg over %d strides; %d buzzes"
            % (mean, len(running), len(buzzes)))
        if pelvis is not None:
            out(_pelvis_line(lean, pelvis))
    if truth is not None:
        s = score(lean, [(t, e, v) for t, e, v in buzzes], truth)
        out("against the truth: lean RMSE %.2f deg (bias %+.2f), faults caught %d of %d, "
            "false buzzes %d, buzzes while not running %d"
            % (s["lean_rmse_deg"], s["lean_bias_deg"], s["faults_caught"], s["faults"],
               s["false_buzzes"], s["buzzes_not_running"]))


def plot(lean, events, cfg, png, truth=None, pelvis=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if pelvis is None:
        fig, ax = plt.subplots(figsize=(14, 5), dpi=100)
    else:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(14, 8.5), dpi=100, sharex=True,
                                      gridspec_kw={"height_ratios": [5, 3.5]})
        _plot_pelvis(ax2, lean, events, cfg, pelvis)
    if truth is not None:
        ax.plot(truth.t / 60, truth.lean, color="0.6", lw=1, label="true lean (simulator)")
        for i, (fault, t0, t1) in enumerate(truth.episodes()):
            ax.axvspan(t0 / 60, t1 / 60, color=BUZZ_COLOURS.get("buzz_" + fault, "tab:gray"),
                       alpha=0.12, label="true fault episode" if i == 0 else None)
    for code, name, colour in ((0, "still", "0.3"), (1, "walking", "tab:green"),
                               (2, "running", "tab:blue")):
        pts = [r for r in lean if r[4] == code]
        if pts:
            ax.plot([r[0] / 60 for r in pts], [r[1] for r in pts], ".", ms=2, color=colour,
                    label="estimated lean, %s" % name)
    ax.axhspan(cfg["upright_below_deg"], cfg["overlean_above_deg"], color="tab:green", alpha=0.08,
               label="good band")
    ax.axhline(cfg["arch_below_deg"], color="tab:red", lw=0.8, ls="--")
    ax.axhline(cfg["upright_below_deg"], color="tab:orange", lw=0.8, ls="--")
    for name, colour in BUZZ_COLOURS.items():
        ts = [e[0] / 60 for e in events if e[1] == name]
        if ts:
            ax.plot(ts, [cfg["overlean_above_deg"] * 0.9] * len(ts), "v", color=colour, ms=9,
                    label=name.replace("_", " "))
    ax.set_xlabel("time (min)" if pelvis is None else "")
    ax.set_ylabel("trunk lean (deg, + forward)")
    ax.set_ylim(min(-10, cfg["arch_below_deg"] - 4), cfg["overlean_above_deg"] + 4)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncol=3)
    ax.set_title("LeanClip replay: stride-averaged trunk lean and buzzes")
    fig.tight_layout()
    try:
        with outfiles.replacing(png, "wb") as f:
            fig.savefig(f, format=Path(png).suffix[1:].lower() or "png")
    except ValueError as e:  # matplotlib: an image format it does not write
        raise UserError("cannot write %s: %s" % (png, e)) from None
    except OSError as e:
        raise UserError("cannot write %s: %s" % (png, e.strerror or e)) from None
    finally:
        plt.close(fig)


def _plot_pelvis(ax, lean, events, cfg, pelvis):
    """The lower panel: pelvis tilt and lumbar angle per stride, the hip-bend and lower-back
    lines the replay used, and those buzzes."""
    pts = [(r[0] / 60,) + p for r, p in zip(lean, pelvis, strict=True) if p is not None]
    if pts:
        t, tilt, lumbar = zip(*pts, strict=True)
        ax.plot(t, tilt, ".", ms=2, color="tab:brown", label="pelvis tilt (+ anterior)")
        ax.plot(t, lumbar, ".", ms=2, color="tab:cyan", label="lumbar angle (+ flexion)")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axhline(cfg["hipbend_above_deg"], color="tab:olive", lw=0.8, ls="--",
               label="hip bend from here (pelvis upright)")
    ax.axhline(cfg["lumbar_arch_below_deg"], color="tab:pink", lw=0.8, ls="--",
               label="lower-back arch below")
    for name, colour in PELVIS_BUZZ_COLOURS.items():
        ts = [e[0] / 60 for e in events if e[1] == name]
        if ts:
            ax.plot(ts, [cfg["hipbend_above_deg"] + 3] * len(ts), "v", color=colour, ms=9,
                    label=name.replace("_", " "))
    ax.set_xlabel("time (min)")
    ax.set_ylabel("deg")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncol=3)


def register(parser):
    parser.add_argument("replay_dir", metavar="DIR", help="the --out folder of `leanclip replay`")
    parser.add_argument("--truth", metavar="truth.csv", help="simulator truth, to score against")
    parser.add_argument("--png", metavar="FILE", help="write a plot of lean over time")
    parser.add_argument("--verbose", action="store_true",
                        help="also the device's housekeeping events (acceleration, battery, "
                        "loop health)")
    parser.set_defaults(func=run)


def run(args):
    lean, events, cfg = load_replay(args.replay_dir)
    pelvis = load_pelvis(args.replay_dir)
    truth = Truth.load(args.truth) if args.truth else None
    print_timeline(lean, events, cfg, truth, verbose=args.verbose, pelvis=pelvis)
    if args.png:
        outfiles.refuse_inputs([args.png], [Path(args.replay_dir) / n for n in OUTPUTS]
                               + [args.truth])
        Path(args.png).parent.mkdir(parents=True, exist_ok=True)
        plot(lean, events, cfg, args.png, truth, pelvis)
        print("plot: %s" % args.png)
    return 0
