"""A runner's own recording of a run (watch or phone: FIT, GPX or TCX), read into one shape.

The files are parsed by well-kept libraries (fitdecode for FIT, gpxpy for GPX; TCX is plain XML
read with xml.etree), never by hand-rolled byte parsing. Whatever the format, the result is an
`Activity`: channels resampled onto a 1 s grid in UTC epoch seconds, NaN where the file has
nothing (a paused timer, a GPS dropout, a watch without a heart-rate strap), so every later step
(alignment, plots, the merged CSV) handles one shape. A file that cannot serve (cut short, no
timestamps, nothing but a header) is a UserError with one line that says what to do.

Cadence is kept as steps per minute, the unit the clip logs: FIT and TCX store running cadence
as strides (one foot's steps) per minute, so it is doubled here.
"""
import math
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .errors import UserError

CHANNELS = ("distance_m", "speed_mps", "hr_bpm", "altitude_m", "lat_deg", "lon_deg",
            "cadence_spm")
# Records further apart than this are not bridged: the timer was paused or the watch lost data.
MAX_GAP_S = 10.0
# The longest recording read (an ultra is under a day); longer is not one run.
MAX_SPAN_S = 30 * 3600
_SEMICIRCLE_DEG = 180.0 / 2 ** 31
_EARTH_RADIUS_M = 6371008.8


class Activity:
    """Channels on a 1 s grid. t_epoch_s: int array of UTC seconds; each channel a float array
    of the same length (NaN = not recorded); laps_epoch_s: lap start times; kind: fit/gpx/tcx."""

    def __init__(self, path, kind, t_epoch_s, channels, laps_epoch_s=()):
        self.path = str(path)
        self.kind = kind
        self.t_epoch_s = t_epoch_s
        self.ch = channels
        self.laps_epoch_s = list(laps_epoch_s)

    def has(self, name):
        """True if the channel was recorded: some value, and not zeros throughout (a watch
        without the sensor may still write the field, as 0)."""
        values = self.ch[name][np.isfinite(self.ch[name])]
        return bool(len(values)) and bool(np.any(values != 0))

    @property
    def start_epoch_s(self):
        return int(self.t_epoch_s[0])

    @property
    def duration_s(self):
        return int(self.t_epoch_s[-1] - self.t_epoch_s[0])


def _epoch(dt):
    if dt.tzinfo is None:  # GPX/TCX times without a zone are UTC by their specs
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def _haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _resample(t, values):
    """Values at record times t (sorted, seconds) onto the 1 s grid from floor(t0) to ceil(t1):
    linear between records up to MAX_GAP_S apart, NaN across longer gaps and missing values."""
    grid = np.arange(math.floor(t[0]), math.ceil(t[-1]) + 1)
    out = np.full(len(grid), np.nan)
    ok = np.isfinite(values)
    if ok.sum() < 2:
        if ok.sum() == 1:
            out[np.argmin(np.abs(grid - t[ok][0]))] = values[ok][0]
        return grid, out
    tv, vv = t[ok], values[ok]
    idx = np.searchsorted(tv, grid, side="right")
    inside = (idx > 0) & (idx < len(tv))
    lo = np.clip(idx - 1, 0, len(tv) - 1)
    hi = np.clip(idx, 0, len(tv) - 1)
    bridged = inside & (tv[hi] - tv[lo] <= MAX_GAP_S)
    exact = np.isin(grid, tv)
    w = np.where(tv[hi] > tv[lo], (grid - tv[lo]) / np.maximum(tv[hi] - tv[lo], 1e-9), 0.0)
    out[bridged] = (vv[lo] + w * (vv[hi] - vv[lo]))[bridged]
    out[exact] = vv[np.searchsorted(tv, grid[exact])]
    return grid, out


def _build(path, kind, rows, laps=()):
    """rows: {channel: list} with 't' (epoch s) per record. Derives what the file left out:
    distance from the GPS track, speed from distance."""
    t = np.asarray(rows["t"], dtype=float)
    if len(t) < 2:
        raise UserError("%s has %s: nothing to put beside the session"
                        % (path, "one record" if len(t) == 1 else "no timed records"))
    # A record stamped far from the rest (a watch that had no time yet writes 1989) would
    # stretch the 1 s grid over decades: only records within a day of the median count.
    near = np.abs(t - np.median(t)) <= 86400
    order = np.argsort(np.where(near, t, np.inf), kind="stable")[:int(near.sum())]
    t = t[order]
    if t[-1] - t[0] > MAX_SPAN_S:
        raise UserError("%s spans %.0f h: more than one run, or broken timestamps"
                        % (path, (t[-1] - t[0]) / 3600.0))
    keep = np.concatenate(([True], np.diff(t) > 0))  # duplicate stamps: the first one wins
    t = t[keep]
    if len(t) < 2:
        raise UserError("%s has one distinct time: nothing to put beside the session" % path)
    raw = {c: np.asarray(rows.get(c, [np.nan] * len(near)), dtype=float)[order][keep]
           for c in CHANNELS}
    if not np.any(np.isfinite(raw["distance_m"])) and np.sum(np.isfinite(raw["lat_deg"])) >= 2:
        ok = np.isfinite(raw["lat_deg"]) & np.isfinite(raw["lon_deg"])
        steps = _haversine_m(raw["lat_deg"][ok][:-1], raw["lon_deg"][ok][:-1],
                             raw["lat_deg"][ok][1:], raw["lon_deg"][ok][1:])
        raw["distance_m"][ok] = np.concatenate(([0.0], np.cumsum(steps)))
    grid = None
    channels = {}
    for c in CHANNELS:
        grid, channels[c] = _resample(t, raw[c])
    if not np.any(np.isfinite(channels["speed_mps"])) and np.any(np.isfinite(
            channels["distance_m"])):
        d = channels["distance_m"]
        # central difference over 5 s: GPS distance per second is too noisy to read as pace
        speed = np.full(len(d), np.nan)
        speed[2:-2] = (d[4:] - d[:-4]) / 4.0
        channels["speed_mps"] = np.clip(speed, 0, None)
    return Activity(path, kind, grid.astype(np.int64), channels, laps)


def _fit_getter(frame):
    """val(*names): the first of these fields the record has, as a float, else NaN."""
    def val(*names):
        for n in names:
            v = frame.get_value(n, fallback=None)
            if isinstance(v, (int, float)):
                return float(v)
        return np.nan
    return val


def _read_fit(path):
    import fitdecode

    rows = {k: [] for k in ("t",) + CHANNELS}
    laps = []
    try:
        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as fit:
            for frame in fit:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if frame.name == "lap":
                    start = frame.get_value("start_time", fallback=None)
                    if isinstance(start, datetime):
                        laps.append(_epoch(start))
                    continue
                if frame.name != "record":
                    continue
                ts = frame.get_value("timestamp", fallback=None)
                if not isinstance(ts, datetime):
                    continue
                rows["t"].append(_epoch(ts))

                val = _fit_getter(frame)
                rows["distance_m"].append(val("distance"))
                rows["speed_mps"].append(val("enhanced_speed", "speed"))
                rows["hr_bpm"].append(val("heart_rate"))
                rows["altitude_m"].append(val("enhanced_altitude", "altitude"))
                lat, lon = val("position_lat"), val("position_long")
                rows["lat_deg"].append(lat * _SEMICIRCLE_DEG)
                rows["lon_deg"].append(lon * _SEMICIRCLE_DEG)
                strides = val("cadence") + np.nan_to_num(val("fractional_cadence"))
                rows["cadence_spm"].append(2.0 * strides)
    except fitdecode.FitEOFError:
        raise UserError("%s is cut short (the FIT data ends early): copy it from the watch "
                        "again" % path) from None
    except fitdecode.FitCRCError:
        raise UserError("%s is damaged (FIT checksum wrong): export it from the watch or its "
                        "app again" % path) from None
    except fitdecode.FitHeaderError:
        raise UserError("%s is not a FIT file" % path) from None
    except fitdecode.FitError as e:
        raise UserError("%s: unreadable FIT data (%s)" % (path, e)) from None
    return _build(path, "fit", rows, laps)


def _gpx_extension(point, tag):
    """A TrackPointExtension value (hr, cad) from gpxpy's raw extension elements, or NaN."""
    for ext in point.extensions:
        for el in ext.iter():
            if el.tag.rsplit("}", 1)[-1] == tag and el.text:
                try:
                    return float(el.text)
                except ValueError:
                    return np.nan
    return np.nan


def _read_gpx(path):
    import gpxpy
    import gpxpy.gpx

    try:
        with open(path, encoding="utf-8") as f:
            gpx = gpxpy.parse(f)
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as e:
        first = str(e).splitlines()[0] if str(e) else "bad XML"
        raise UserError("%s is not a readable GPX file (%s)" % (path, first)) from None
    points = [p for trk in gpx.tracks for seg in trk.segments for p in seg.points]
    if not points:
        raise UserError("%s holds no track points" % path)
    timed = [p for p in points if p.time is not None]
    if not timed:
        raise UserError("%s has no times on its track points (a route or a planned course, "
                        "not a recording): export the recorded activity instead" % path)
    rows = {"t": [_epoch(p.time) for p in timed],
            "lat_deg": [p.latitude for p in timed], "lon_deg": [p.longitude for p in timed],
            "altitude_m": [p.elevation if p.elevation is not None else np.nan for p in timed],
            "hr_bpm": [_gpx_extension(p, "hr") for p in timed],
            # Garmin's TrackPointExtension cad is strides per minute, like FIT's
            "cadence_spm": [2.0 * _gpx_extension(p, "cad") for p in timed]}
    return _build(path, "gpx", rows)


def _tcx_text(el, path):
    for child in el.iter():
        if child.tag.rsplit("}", 1)[-1] == path and child.text:
            return child.text.strip()
    return None


def _tcx_num(el, name):
    text = _tcx_text(el, name)
    try:
        return float(text) if text is not None else np.nan
    except ValueError:
        return np.nan


def _read_tcx(path):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, UnicodeDecodeError) as e:
        raise UserError("%s is not readable TCX (XML error: %s)" % (path, e)) from None
    rows = {k: [] for k in ("t",) + CHANNELS}
    laps = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Lap" and el.get("StartTime"):
            laps.append(_epoch(datetime.fromisoformat(el.get("StartTime").replace("Z",
                                                                                  "+00:00"))))
        if tag != "Trackpoint":
            continue
        when = _tcx_text(el, "Time")
        if not when:
            continue
        try:
            rows["t"].append(_epoch(datetime.fromisoformat(when.replace("Z", "+00:00"))))
        except ValueError:
            raise UserError("%s: a trackpoint time %r is not a date" % (path, when)) from None
        rows["lat_deg"].append(_tcx_num(el, "LatitudeDegrees"))
        rows["lon_deg"].append(_tcx_num(el, "LongitudeDegrees"))
        rows["altitude_m"].append(_tcx_num(el, "AltitudeMeters"))
        rows["distance_m"].append(_tcx_num(el, "DistanceMeters"))
        rows["hr_bpm"].append(_tcx_num(el, "Value"))  # HeartRateBpm/Value: a point's only Value
        rows["speed_mps"].append(_tcx_num(el, "Speed"))
        rows["cadence_spm"].append(2.0 * _tcx_num(el, "RunCadence"))
    if not rows["t"]:
        raise UserError("%s has no timed trackpoints: export the recorded activity" % path)
    return _build(path, "tcx", rows, laps)


READERS = {".fit": _read_fit, ".gpx": _read_gpx, ".tcx": _read_tcx}


def load(path):
    """The Activity in a .fit, .gpx or .tcx file; a UserError if it cannot serve."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UserError("%s: an activity must be a .fit, .gpx or .tcx file" % path)
    if not path.is_file():
        raise UserError("cannot read %s: no such file" % path)
    if path.stat().st_size == 0:
        raise UserError("%s is empty" % path)
    return reader(path)
