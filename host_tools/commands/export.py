"""`leanclip export SESSION --csv|--json|--activity RUN.fit [--out PATH]`: a session log as plain
files, or merged per second with the watch's recording of the same run.

CSV is for spreadsheets and R: one table per kind of record, and for a raw-mode log an imu.csv
in exactly the format `leanclip replay` reads (g, deg/s), so a recorded run can be replayed,
re-tuned and compared. JSON is one document with everything, for scripts. Either way what the
reader had to skip is said on stderr and stored in the output, never silently dropped.
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np

from firmware.core import logfmt
from firmware.core.gait import STATE_NAMES

from .. import logread, outfiles
from ..replay_input import PELVIS_COLUMNS
from ..errors import UserError

EVENT_HEADER = ("t_s", "event", "value", "unit")
IMU_HEADER = ("t", "ax", "ay", "az", "gx", "gy", "gz")
# events with several fields get a table of their own (columns, not JSON in a cell)
TABLE_EVENTS = {name: tuple(f for f, _, _ in fields)
                for name, fields in logread.event_types(logfmt.VERSION).values()
                if fields != logfmt.TEXT and len(fields) > 1}
# imu.csv: raw logs only; pelvis.csv: logs with a pelvis sensor (v3) only; a table per
# TABLE_EVENTS event the log holds
CSV_FILES = ("summary.csv", "events.csv", "header.json", "imu.csv", "pelvis.csv") + tuple(
    name + ".csv" for name in TABLE_EVENTS)


def register(parser):
    parser.add_argument("session", metavar="SESSION", help="a session log (.lcl)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true",
                     help="a directory of summary.csv, events.csv, loop_stats.csv (+ imu.csv "
                     "for raw logs, pelvis.csv with a pelvis sensor)")
    fmt.add_argument("--json", action="store_true", help="one JSON file")
    fmt.add_argument("--activity", metavar="RUN.fit|gpx|tcx",
                     help="one per-second CSV of the session merged with the watch's recording "
                     "of the run (columns: docs/watch-data.md)")
    parser.add_argument("--out", metavar="PATH",
                        help="output directory (--csv) or file (--json, --activity); default "
                        "next to SESSION")
    parser.set_defaults(func=run)


def cell(value):
    """A number as it was stored: event values are float32 on the device, so the shortest text
    that reads back as the same float32 (0.040775422, not 0.040775422006845474)."""
    if isinstance(value, float):
        return np.format_float_positional(np.float32(value), unique=True, trim="-")
    return value


def summary_rows(s):
    cols = [s.summary[k].tolist() for k in logread.SUMMARY_FIELDS]
    for row in zip(*cols, strict=True):
        row = [cell(v) for v in row]
        row[4] = STATE_NAMES[row[4]]
        yield row


def pelvis_rows(s):
    """Per second with the pelvis trusted: its tilt, the lumbar angle (stride mean and at
    toe-off) and whether a hip-bend or lumbar-arch buzz started."""
    cols = [s.pelvis[k].tolist() for k in logread.PELVIS_FIELDS]
    for row in zip(*cols, strict=True):
        yield [cell(v) for v in row]


def event_rows(s):
    """(t_s, event, value, unit) per event, units from the log format's event registry; an
    enumeration (state, cue) is written as its name; an event in TABLE_EVENTS leaves value and
    unit empty (its fields are in its own table, units in docs/log-format.md)."""
    for t_ms, name, data in s.events:
        units = logread.event_units(name, s.version)
        unit = ""
        if data == {} or name in TABLE_EVENTS:
            data = ""
        elif isinstance(data, dict):
            if len(data) == 1:
                field, data = next(iter(data.items()))
                unit = units.get(field, "")
                names = logread.ENUM_NAMES.get(unit)
                if names is not None and 0 <= data < len(names):
                    data, unit = names[data], ""
            else:  # several fields of an event this version does not tabulate: name=value
                unit = " ".join("%s=%s" % (f, units.get(f, "")) for f in data)
                data = " ".join("%s=%s" % (f, cell(v)) for f, v in data.items())
        yield (cell(t_ms / 1000.0), name, cell(data), unit)


def table_rows(s, name):
    for t_ms, event, data in s.events:
        if event == name and isinstance(data, dict):
            yield [cell(t_ms / 1000.0)] + [cell(data.get(k, "")) for k in TABLE_EVENTS[name]]


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
    for name, fields in TABLE_EVENTS.items():
        if any(e[1] == name for e in s.events):
            written.append(out / (name + ".csv"))
            _write_csv(written[-1], ("t_s",) + fields, table_rows(s, name))
    if s.has_pelvis():
        written.append(out / CSV_FILES[4])
        _write_csv(written[-1], logread.PELVIS_FIELDS, pelvis_rows(s))
    t_ms, counts = s.raw()
    if len(counts):
        rows = (["%.5f" % (t / 1000.0)] + r for t, r in zip(t_ms, _units(s, counts),
                                                            strict=True))
        header = IMU_HEADER
        pelvis = s.raw_pelvis()
        if pelvis is not None:  # both sensors (RAW_PAIRS): leanclip replay's pelvis columns,
            # empty where the chest was fed alone (replay goes on chest-only there)
            header += PELVIS_COLUMNS
            rows = (r + (p if has else [""] * 6)
                    for r, has, p in zip(rows, pelvis[0], _units(s, pelvis[1]), strict=True))
        _write_csv(out / CSV_FILES[3], header, rows)
        written.append(out / CSV_FILES[3])
    return written


def _units(s, counts):
    """Raw counts (n, 6) as rows of g and deg/s text, by the header's scales, one at a time:
    a raw log may hold hours of samples, written to the CSV as they are made."""
    h = s.header
    g = counts[:, :3] / h["accel_lsb_per_g"]
    dps = counts[:, 3:] / h["gyro_lsb_per_dps"]
    return (["%.6g" % v for v in a] + ["%.6g" % v for v in w] for a, w in zip(g, dps, strict=True))


def json_doc(s):
    """The whole session as one JSON-ready dict."""
    t_ms, counts = s.raw()
    summary = {k: s.summary[k].tolist() for k in logread.SUMMARY_FIELDS}
    summary["state"] = [STATE_NAMES[x] for x in summary["state"]]
    doc = {"header": s.header, "recovery": vars(s.recovery), "summary": summary,
           "events": [{"t_s": t / 1000.0, "event": name, "value": data}
                      for t, name, data in s.events],
           "raw": {"t_ms": t_ms.tolist(), "counts": counts.tolist()}}
    if s.has_pelvis():  # a one-sensor log's document stays as it was
        doc["pelvis"] = {k: s.pelvis[k].tolist() for k in logread.PELVIS_FIELDS}
    pelvis = s.raw_pelvis()
    if pelvis is not None:  # both sensors' raw samples: null where the chest was fed alone
        doc["raw"]["pelvis_counts"] = [c if has else None
                                       for has, c in zip(pelvis[0], pelvis[1].tolist(),
                                                         strict=True)]
    return doc


def export_json(s, out):
    out.parent.mkdir(parents=True, exist_ok=True)
    # allow_nan=False: bare NaN is not JSON; the reader gives unknown values as None (null).
    outfiles.write_text(out, json.dumps(json_doc(s), allow_nan=False))
    return [out]


def export_merged(s, activity_path, out):
    """The per-second merged table (host_tools/merge.py) as CSV, written whole or not at all."""
    from .. import activity, align, merge

    act = activity.load(activity_path)
    found = align.align(s, act, (s.header or {}).get("start_epoch_s") or None)
    out.parent.mkdir(parents=True, exist_ok=True)
    with outfiles.replacing(out, newline="") as f:
        csv.writer(f).writerows(merge.csv_rows(merge.table(s, act, found)))
    print(found.describe())
    return [out]


def run(args):
    if not (args.csv or args.json or args.activity):
        raise UserError("say what to write: --csv, --json or --activity RUN.fit")
    s = logread.load(args.session)
    src = Path(args.session)
    if args.activity:
        out = Path(args.out) if args.out else src.with_name(src.stem + "-merged.csv")
        outfiles.refuse_inputs([out], [src, args.activity])
        replaced = out.exists()
        try:
            export_merged(s, args.activity, out)
        except OSError as e:
            raise UserError("cannot write %s: %s" % (out, e.strerror or e)) from None
        print("%s %s (%d s)" % ("replaced" if replaced else "wrote", out,
                                len(s.summary["t_s"])))
        return 0
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
    pelvis = ", %d s of pelvis rows" % len(s.pelvis["t_s"]) if s.has_pelvis() else ""
    print("wrote %s (%d s of summaries%s, %d events, %d raw samples)"
          % (", ".join(str(p) for p in written), len(s.summary["t_s"]), pelvis, len(s.events),
             sum(len(b) for _, b in s.raw_blocks)))
    return 0
