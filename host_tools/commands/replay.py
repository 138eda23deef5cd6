"""`leanclip replay IMU.csv --out DIR [--config FILE]`: the device's pipeline, fed from a file.

The samples go through exactly the firmware modules the board runs (firmware.core.pipeline),
in batches as a FIFO would deliver them, with the sample clock as the only clock. Input is
checked first, because a replay of bad data would print plausible nonsense.

Reading and checking the input file is host_tools/replay_input.py (streamed: memory does not
grow with the recording's length).

With the pelvis sensor's columns (pax..pgz) the pipeline runs with pelvis=True and lean.csv
gains pelvis_deg and lumbar_deg (empty where the pelvis is not known); without them every
output is what it always was.
"""
import math
import csv
import json
from array import array
from pathlib import Path

from firmware.core import config as fw_config
from firmware.core.coaching import Coaching
from firmware.core.compat import TICKS_MASK, TICKS_PERIOD
from firmware.core.gait import STATE_NAMES
from firmware.core.pipeline import Pipeline
from firmware.drivers.baro import altitude_m

from .. import outfiles, replaylog
from .config import read_config_file
from ..errors import UserError
from ..replay_input import ImuRecording, load_imu_csv, number, open_text

# the recording types live in replay_input; importers of replay keep working
__all__ = ["ImuRecording", "load_imu_csv", "run_pipeline"]
BATCH = 32  # samples per feed, like a FIFO drain
LEAN_HEADER = ("t", "lean_deg", "roll_deg", "cadence_spm", "state", "win_s")
PELVIS_HEADER = ("pelvis_deg", "lumbar_deg")  # added to lean.csv with a pelvis sensor
EVENT_HEADER = ("t", "event", "value")
OUTPUTS = ("config.json", "lean.csv", "events.csv", "session.lcl")  # in --out


def load_config(path):
    """A user config file -> validated config; any problem is the user's, in one line."""
    if path is None:
        return fw_config.defaults()
    cfg, errors = fw_config.validate(read_config_file(path))
    if errors:
        more = " (and %d more)" % (len(errors) - 1) if len(errors) > 1 else ""
        raise UserError("config %s: %s%s" % (path, errors[0], more))
    return cfg


class LeanRows:
    """The lean rows of a replay, (t, lean_deg, roll_deg, cadence_spm, state, win_s) each, kept
    as six float columns: 48 bytes a row where a tuple took ~260, so a 3 h replay holds 1.4 MB
    of rows, not 8 (bench/replay_memory.py). Reads back as tuples, state an int."""

    def __init__(self):
        self._cols = [array("d") for _ in range(6)]

    def append(self, row):
        for col, value in zip(self._cols, row, strict=True):
            col.append(value)

    def __len__(self):
        return len(self._cols[0])

    def __getitem__(self, i):
        t, lean, roll, cad, state, win = (c[i] for c in self._cols)
        return t, lean, roll, cad, int(state), win

    def __iter__(self):
        for t, lean, roll, cad, state, win in zip(*self._cols, strict=True):
            yield t, lean, roll, cad, int(state), win

    def __eq__(self, other):  # like the list it replaces: rows == [] when there are none
        return list(self) == list(other)

    __hash__ = None


class Recorder:
    """A pipeline sink that keeps rows and events in memory with unwrapped times in seconds.

    With `pelvis` it also keeps, for each lean row, the pelvis row the pipeline gave right
    after it: `pelvis_cols`, three float columns beside `rows` (pelvis_deg, lumbar_deg,
    lumbar_toeoff_deg; NaN where there was none, the pelvis not being known then)."""

    def __init__(self, t0=0.0, pelvis=False):
        self.t0 = t0
        self.rows = LeanRows()
        self.pelvis_cols = [array("d"), array("d"), array("d")] if pelvis else None
        self.events = []
        self._last_ms = 0
        self._wraps = 0

    def _t(self, t_ms):
        if t_ms < self._last_ms:
            self._wraps += 1
        self._last_ms = t_ms
        return self.t0 + (t_ms + self._wraps * TICKS_PERIOD) / 1000.0

    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        self.rows.append((self._t(t_ms), lean_deg, roll_deg, cadence_spm, state, win_ms / 1000.0))
        if self.pelvis_cols is not None:
            for col in self.pelvis_cols:
                col.append(math.nan)

    def pelvis(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        """The pelvis over the lean row just given (Pipeline with pelvis=True)."""
        for col, value in zip(self.pelvis_cols, (pelvis_deg, lumbar_deg, lumbar_toeoff_deg),
                              strict=True):
            col[-1] = value

    def event(self, t_ms, name, value):
        self.events.append((self._t(t_ms), name, value))

    def buzzes(self):
        return [e for e in self.events if e[1].startswith("buzz_")]

    def first(self, name):
        for e in self.events:
            if e[1] == name:
                return e
        return None


def run_pipeline(rec, cfg, sink=None, baro=None, session_no=None):
    """Feed a recording through the firmware pipeline and coaching object, as the device app
    drives them; returns the sink (a Recorder).

    `session_no`: the device's session number, whose stage in the training plan coaches the run
    (schedule.py); None keeps the configured `coach_stage`. With `baro` ([(t_s, pressure_pa)]
    on the IMU's time base, from load_baro_csv) the readings due by each batch go to the
    coaching object as the device feeds them; `sink.climb_s` is then the time spent with the
    over-lean band shifted."""
    pelvis = getattr(rec, "pelvis", False)
    sink = sink or Recorder(rec.t0, pelvis)
    coaching = Coaching(cfg, sink)
    if session_no is not None:
        coaching.start_session(session_no)
    pipe = Pipeline(cfg, rec.rate_hz, 1.0, 1.0, sink, coaching, pelvis=pelvis)
    k = 0
    sink.climb_s = 0.0
    done = 0
    for chunk, pchunk in (rec.pair_batches(BATCH) if pelvis
                          else ((c, None) for c in rec.batches(BATCH))):
        pipe.feed(chunk, len(chunk) // 6, pchunk)
        done += len(chunk) // 6
        if not baro:
            continue
        now_s = rec.t0 + done / rec.rate_hz
        while k < len(baro) and baro[k][0] <= now_s:
            t_s, p_pa = baro[k]
            coaching.altitude(int((t_s - rec.t0) * 1000) & TICKS_MASK,
                              altitude_m(p_pa, baro[0][1]))
            if coaching.band_shift_deg and k:
                sink.climb_s += t_s - baro[k - 1][0]
            k += 1
    sink.pipeline = pipe
    return sink


def load_baro_csv(path):
    """baro.csv (header t,pressure_pa; s, Pa) -> [(t_s, pressure_pa)], checked like IMU.csv."""
    path = Path(path)
    out = []
    with open_text(path) as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:2] != ["t", "pressure_pa"]:
            raise UserError("%s: expected a header t,pressure_pa (s, Pa)" % path)
        for line, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < 2:
                raise UserError("line %d of %s: 2 values expected" % (line, path))
            t_s = number(row[0], line, "t")
            p_pa = number(row[1], line, "pressure_pa")
            if out and t_s <= out[-1][0]:
                raise UserError("line %d of %s: t=%s does not increase" % (line, path, t_s))
            if not 20000.0 <= p_pa <= 120000.0:
                raise UserError("line %d of %s: pressure %s Pa is not an air pressure (hPa? "
                                "multiply by 100)" % (line, path, row[1]))
            out.append((t_s, p_pa))
    if len(out) < 2:
        raise UserError("%s has no barometer readings" % path)
    return out


def write_outputs(out_dir, sink, cfg):
    """lean.csv, events.csv, and config.json (the config the replay ran with)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        outfiles.write_text(out / "config.json", json.dumps(cfg, indent=1, sort_keys=True) + "\n")
        pelvis = getattr(sink, "pelvis_cols", None)
        with outfiles.replacing(out / "lean.csv", newline="") as f:
            w = csv.writer(f)
            w.writerow(LEAN_HEADER + (PELVIS_HEADER if pelvis else ()))
            for i, (t, lean, roll, cad, state, win) in enumerate(sink.rows):
                row = ("%.3f" % t, "%.2f" % lean, "%.2f" % roll, "%.1f" % cad,
                       STATE_NAMES[state], "%.3f" % win)
                if pelvis:
                    row += tuple("" if math.isnan(col[i]) else "%.2f" % col[i]
                                 for col in pelvis[:2])
                w.writerow(row)
        with outfiles.replacing(out / "events.csv", newline="") as f:
            w = csv.writer(f)
            w.writerow(EVENT_HEADER)
            for t, name, value in sink.events:
                if name == "state":
                    value = STATE_NAMES[value]
                elif isinstance(value, float):
                    value = "%.2f" % value
                w.writerow(("%.3f" % t, name, "" if value is None else value))
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out, e.strerror or e)) from None


def refusal(rec, sink, cfg):
    """Why this recording gave no lean and no coaching (one line), or None if it did."""
    pipe = sink.pipeline
    if not pipe.calibrated:
        return ("not calibrated: the wearer never stood still for %g s (asked %d times to "
                "stand tall), so there is no lean and no coaching"
                % (cfg["calib_still_s"], pipe.prompts))
    if sink.first("forward_found") is None:
        return ("calibrated at %.1f s, but the wearer never set off from standing, which is how "
                "the forward direction is found, so there is no lean and no coaching"
                % (sink.first("calibrated")[0] - rec.t0))
    return None


def summary(rec, sink, cfg):
    """One line for the terminal: what happened, or why nothing could."""
    why = refusal(rec, sink, cfg)
    if why:
        return why
    cal = sink.first("calibrated")
    fwd = sink.first("forward_found")
    counts = {}
    for b in sink.buzzes():
        counts[b[1][5:]] = counts.get(b[1][5:], 0) + 1
    buzzes = ", ".join("%s %d" % kv for kv in sorted(counts.items())) or "none"
    climb = ""
    if sink.climb_s:
        climb = "; climbing %.0f s (over-lean band +%g deg)" % (sink.climb_s,
                                                                 cfg["climb_shift_deg"])
    return ("%.1f s at %.0f Hz: calibrated at %.1f s, forward found at %.1f s, buzzes: %s%s"
            % (rec.duration_s, rec.rate_hz, cal[0] - rec.t0, fwd[0] - rec.t0, buzzes, climb))


def _session_no(text):
    if text is None:
        return None
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise UserError("--session %s: a session number is 1 or more" % text)
    return n


def register(parser):
    parser.add_argument("imu_csv", metavar="IMU.csv",
                        help="header t,ax,ay,az,gx,gy,gz (s, g, deg/s), optionally"
                        " gzip-compressed (.csv.gz), and pax,pay,paz,pgx,pgy,pgz for a pelvis"
                        " sensor; or a raw-mode session log (.lcl) from the device")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="writes lean.csv, events.csv, config.json")
    parser.add_argument("--config", metavar="FILE", help="JSON config (see docs/config.md)")
    parser.add_argument("--log-mode", choices=("summary", "raw"), default="summary",
                        help="also writes session.lcl, the log the device would have written "
                        "(raw adds the IMU samples)")
    parser.add_argument("--session", metavar="N",
                        help="replay as the device's N-th session: the training plan's stage "
                        "for it coaches the run, as on the device (default: coach_stage)")
    parser.add_argument("--baro", metavar="baro.csv",
                        help="barometer readings (t,pressure_pa): sustained climbs raise the "
                        "over-lean band by climb_shift_deg (docs/coaching.md)")
    parser.set_defaults(func=run)


def run(args):
    out = Path(args.out)
    outfiles.refuse_inputs([out / name for name in OUTPUTS],
                           [args.imu_csv, args.config, args.baro])
    cfg = load_config(args.config)
    session_no = _session_no(args.session)
    if replaylog.is_session_log(args.imu_csv):  # decided from content: see replay_input
        rec = ImuRecording(*replaylog.raw_recording(args.imu_csv))
    else:
        rec = load_imu_csv(args.imu_csv)
    baro = load_baro_csv(args.baro) if args.baro else None
    sink = run_pipeline(rec, cfg, baro=baro, session_no=session_no)
    write_outputs(out, sink, cfg)
    replaylog.write_device_log(out / "session.lcl", rec, sink, cfg, args.log_mode,
                               session_no or 0)
    why = refusal(rec, sink, cfg)
    if why:  # the outputs are written (prompts, states): the refusal loses nothing
        raise UserError(why)
    print(summary(rec, sink, cfg))
    return 0
