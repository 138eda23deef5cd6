"""`leanclip export SESSION --csv|--json [--out PATH]`: a session log as plain files.

CSV is for spreadsheets and R: one table per kind of record, and for a raw-mode log an imu.csv
in exactly the format `leanclip replay` reads (g, deg/s), so a recorded run can be replayed,
re-tuned and compared. JSON is one document with everything, for scripts. Either way what the
reader had to skip is said on stderr and stored in the output, never silently dropped.
"""
import csv
import json
import sys
from pathlib import Path

from firmware.core.coach import CUE_NAMES
from firmware.core.gait import STATE_NAMES

from . import logread, outfiles
from .errors import UserError

EVENT_HEADER = ("t_s", "event", "value", "unit")
# registry units that name an enumeration: its names, indexed by value
_ENUM_NAMES = {"state": STATE_NAMES, "cue": ("none",) + CUE_NAMES}
IMU_HEADER = ("t", "ax", "ay", "az", "gx", "gy", "gz")
CSV_FILES = ("summary.csv", "events.csv", "header.json", "imu.csv")  # imu.csv: raw logs only


def register(parser):
    parser.add_argument("session", metavar="SESSION", help="a session log (.lcl)")
    fmt = parser.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--csv", action="store_true",
                     help="a directory of summary.csv, events.csv (+ imu.csv for raw logs)")
    fmt.add_argument("--json", action="store_true", help="one JSON file")
    parser.add_argument("--out", metavar="PATH",
                        help="output directory (--csv) or file (--json); default next to SESSION")
    parser.set_defaults(func=run)


def summary_rows(s):
    cols = [s.summary[k].tolist() for k in logread.SUMMARY_FIELDS]
    for row in zip(*cols, strict=True):
        row = list(row)
        row[4] = STATE_NAMES[row[4]]
        yield row


def event_rows(s):
    """(t_s, event, value, unit) per event, units from the log format's event registry; an
    enumeration (state, cue) is written as its name."""
    for t_ms, name, data in s.events:
        units = logread.event_units(name, s.version)
        unit = ""
        if data == {}:
            data = ""
        elif isinstance(data, dict):
            if len(data) == 1:
                field, data = next(iter(data.items()))
                unit = units.get(field, "")
                names = _ENUM_NAMES.get(unit)
                if names is not None and 0 <= data < len(names):
                    data, unit = names[data], ""
            else:
                unit = json.dumps({f: units.get(f, "") for f in data})
                data = json.dumps(data)
        yield (t_ms / 1000.0, name, data, unit)


def _write_csv(path, header, rows):
    with outfiles.replacing(path, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def export_csv(s, out):
    out.mkdir(parents=True, exist_ok=True)
    written = [out / CSV_FILES[0], out / CSV_FILES[1]]
    _write_csv(written[0], logread.SUMMARY_FIELDS, summary_rows(s))
    _write_csv(written[1], EVENT_HEADER, event_rows(s))
    outfiles.write_text(out / CSV_FILES[2], json.dumps(
        {"header": s.header, "recovery": vars(s.recovery)}, indent=1))
    written.append(out / CSV_FILES[2])
    t_ms, counts = s.raw()
    if len(counts):
        h = s.header
        g = counts[:, :3] / h["accel_lsb_per_g"]
        dps = counts[:, 3:] / h["gyro_lsb_per_dps"]
        rows = (["%.5f" % (t / 1000.0)] + ["%.6g" % v for v in a] + ["%.6g" % v for v in w]
                for t, a, w in zip(t_ms, g, dps, strict=True))
        _write_csv(out / CSV_FILES[3], IMU_HEADER, rows)
        written.append(out / CSV_FILES[3])
    return written


def json_doc(s):
    """The whole session as one JSON-ready dict."""
    t_ms, counts = s.raw()
    summary = {k: s.summary[k].tolist() for k in logread.SUMMARY_FIELDS}
    summary["state"] = [STATE_NAMES[x] for x in summary["state"]]
    return {"header": s.header, "recovery": vars(s.recovery), "summary": summary,
            "events": [{"t_s": t / 1000.0, "event": name, "value": data}
                       for t, name, data in s.events],
            "raw": {"t_ms": t_ms.tolist(), "counts": counts.tolist()}}


def export_json(s, out):
    out.parent.mkdir(parents=True, exist_ok=True)
    # allow_nan=False: bare NaN is not JSON; the reader gives unknown values as None (null).
    outfiles.write_text(out, json.dumps(json_doc(s), allow_nan=False))
    return [out]


def run(args):
    s = logread.load(args.session)
    src = Path(args.session)
    if args.csv:
        out = Path(args.out) if args.out else src.with_suffix("")
    else:
        out = Path(args.out) if args.out else src.with_suffix(".json")
    if args.csv:
        outfiles.refuse_inputs([out] + [out / n for n in CSV_FILES], [src])
    else:
        outfiles.refuse_inputs([out], [src])
    try:
        written = export_csv(s, out) if args.csv else export_json(s, out)
    except OSError as e:
        raise UserError("cannot write %s: %s" % (out, e.strerror or e)) from None
    if s.recovery.skipped:
        print("%s: %s; exported what was recovered" % (src, s.recovery.describe()),
              file=sys.stderr)
    print("wrote %s (%d s of summaries, %d events, %d raw samples)"
          % (", ".join(str(p) for p in written), len(s.summary["t_s"]), len(s.events),
             sum(len(b) for _, b in s.raw_blocks)))
    return 0
