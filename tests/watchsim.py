"""Simulated runs recorded twice, as the runner would have them: the clip's session log (the
firmware pipeline on simulated IMU data) and the watch's file (FIT written with fit-tool, GPX
with gpxpy, TCX as XML), with the truth of how the two line up.

The watch starts `lead_s` before the clip (the runner starts the watch, walks to the start,
stands tall for the clip's calibration, runs). The watch's channels come from the simulator's
truth: its cadence (quantised to whole strides as watches store it, plus the fractional part),
its speed, distance integrated from it, a route around a park loop, altitude from a known hill
profile, heart rate from a first-order response to speed with drift. Nothing here reads the
code under test.
"""
import math
from datetime import datetime, timezone

import numpy as np

from firmware.core import config as fw_config
from host_tools import replaylog
from host_tools.commands.replay import ImuRecording, run_pipeline
from host_tools.simulate.simulator import simulate

RATE_HZ = 50
BASE_EPOCH_S = int(datetime(2026, 11, 28, 7, 30, tzinfo=timezone.utc).timestamp())
PARK_LAT, PARK_LON = 51.5300, -0.1500   # a loop in a park (any place would do)
LOOP_M = 1200.0
HILL_M = 12.0                            # the loop climbs and falls 12 m once per lap


def script(seed, lead_s, run_min=5.0, pause=None):
    """Segments: walk lead_s (if > 0), stand 8 s (the clip's calibration), then runs of
    30-70 s at 2.6-4.2 m/s (cadence rising with speed, +-4 spm per runner) with a stop every
    third, every fourth run at fault (upright or arch). pause=(after_segment, s) inserts one
    long stand (a watch pause) there."""
    rng = np.random.default_rng(seed)
    segs = [{"do": "walk", "s": float(lead_s)}] if lead_s > 0 else []
    segs.append({"do": "stand", "s": 8.0})
    total, i = 0.0, 0
    while total < run_min * 60:
        speed = float(rng.uniform(2.6, 4.2))
        s = float(rng.uniform(30, 70))
        fault = ("upright", "arch")[i // 4 % 2] if i % 4 == 1 else "none"
        lean = {"none": float(rng.uniform(5, 10)), "upright": 1.5, "arch": -4.0}[fault]
        segs.append({"do": "run", "s": s, "speed_mps": speed,
                     "cadence_spm": float(150 + 7.5 * speed + rng.uniform(-4, 4)),
                     "lean_deg": lean, "fault": fault})
        total += s
        i += 1
        if pause and i == pause[0]:
            segs.append({"do": "stand", "s": float(pause[1])})
        elif i % 3 == 0:
            segs.append({"do": "stand", "s": float(rng.uniform(6, 20))})
    return segs


class Run:
    """One simulated run: watch (per-second dict of arrays on the watch's clock), the clip's
    session log path, and epoch0_s: the watch epoch of the clip's second 0 (the truth)."""


def make_run(tmp_path, seed, lead_s, clock_offset_s=None, name=None, pause=None,
             run_min=5.0, start_epoch_s=None):
    """clock_offset_s: the clip's clock error (None: never set, the log says 0)."""
    # The walk before the clip starts is only the watch's: simulated as the truth of a walk
    # (speed and cadence), not as IMU data nobody reads.
    segs = script(seed, 0.0, run_min, pause)
    imu, truth, _ = simulate(segs, mount="chest", rate_hz=RATE_HZ, quality="typical", seed=seed)
    rec = ImuRecording(0.0, float(RATE_HZ), imu[:, 1:].ravel().tolist())
    cfg = fw_config.defaults()
    sink = run_pipeline(rec, cfg)
    run = Run()
    run.watch_start_s = start_epoch_s or BASE_EPOCH_S + seed * 86400
    run.epoch0_s = run.watch_start_s + lead_s
    clock = 0 if clock_offset_s is None else int(round(run.epoch0_s + clock_offset_s))
    run.session = tmp_path / (name or "%05d.lcl" % seed)
    replaylog.write_device_log(run.session, rec, sink, cfg, session=seed, start_epoch_s=clock)
    run.watch = _watch_channels(truth, seed, lead_s)
    run.truth = truth
    return run


def _watch_channels(truth, seed, lead_s):
    """Per-second watch channels on the watch's clock (0 = watch start, lead_s before the
    clip's): a walk at 1.4 m/s and 110 steps/min that slows to a stop over its last 3 s, then
    the simulated run's truth."""
    rng = np.random.default_rng(seed + 7)
    step = int(RATE_HZ)
    t_run = truth["t"][::step]
    n_lead = int(round(lead_s))
    fade = np.clip((n_lead - np.arange(n_lead)) / 3.0, 0, 1)
    t = np.concatenate((np.arange(n_lead, dtype=float), t_run + lead_s))
    speed = np.concatenate((1.4 * fade, truth["speed_mps"][::step]))
    strides = np.concatenate((55.0 * (fade > 0), truth["cadence_spm"][::step] / 2.0))
    dist = np.concatenate(([0.0], np.cumsum(speed[1:])))
    angle = 2 * math.pi * dist / LOOP_M
    # a circle of circumference LOOP_M: metres to degrees of latitude/longitude
    radius_m = LOOP_M / (2 * math.pi)
    lat = PARK_LAT + radius_m * np.sin(angle) / 111320.0
    lon = PARK_LON + radius_m * (1 - np.cos(angle)) / (111320.0 * math.cos(math.radians(PARK_LAT)))
    alt = 35.0 + HILL_M / 2 * (1 - np.cos(angle))
    hr = np.empty(len(t))
    level = 80.0
    for i, v in enumerate(speed):
        target = 70 + 22 * v + 0.04 * i   # drift: +2.4 bpm per minute of effort
        level += (target - level) / 25.0  # ~25 s response
        hr[i] = level
    return {"t": t, "speed_mps": speed, "distance_m": dist, "lat": lat, "lon": lon,
            "alt_m": alt, "hr_bpm": np.round(hr + rng.normal(0, 1, len(t))),
            "strides_spm": np.maximum(strides + rng.normal(0, 0.5, len(t)) * (strides > 0), 0)}


def write_fit(path, run, every_s=1, pauses=(), gps_dropouts=(), lap_m=None):
    """The watch's FIT activity file. pauses: [(t0, t1)] watch seconds with the timer stopped
    (no records, timer stop/start events); gps_dropouts: [(t0, t1)] records without a
    position; lap_m: a lap message every lap_m metres."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.profile_type import Event, EventType, FileType, Manufacturer

    w = run.watch
    ms0 = run.watch_start_s * 1000
    b = FitFileBuilder(auto_define=True, min_string_size=50)
    m = FileIdMessage()
    m.type = FileType.ACTIVITY
    m.manufacturer = Manufacturer.GARMIN.value
    m.product = 0
    m.time_created = ms0
    m.serial_number = 0x1234
    b.add(m)

    def timer(t_s, kind):
        e = EventMessage()
        e.event = Event.TIMER
        e.event_type = kind
        e.timestamp = ms0 + int(t_s * 1000)
        b.add(e)

    timer(0, EventType.START)
    lap_start, next_lap = 0.0, lap_m
    paused = False
    for i in range(0, len(w["t"]), every_s):
        t = float(w["t"][i])
        in_pause = any(a <= t < z for a, z in pauses)
        if in_pause != paused:
            timer(t, EventType.STOP_ALL if in_pause else EventType.START)
            paused = in_pause
        if in_pause:
            continue
        r = RecordMessage()
        r.timestamp = ms0 + int(t * 1000)
        if not any(a <= t < z for a, z in gps_dropouts):
            r.position_lat = float(w["lat"][i])
            r.position_long = float(w["lon"][i])
        r.distance = float(w["distance_m"][i])
        r.enhanced_speed = float(w["speed_mps"][i])
        r.enhanced_altitude = float(w["alt_m"][i])
        r.heart_rate = int(w["hr_bpm"][i])
        r.cadence = int(w["strides_spm"][i])
        r.fractional_cadence = float(w["strides_spm"][i] % 1.0)
        b.add(r)
        if lap_m and w["distance_m"][i] >= next_lap:
            lap = LapMessage()
            lap.start_time = ms0 + int(lap_start * 1000)
            lap.timestamp = ms0 + int(t * 1000)
            lap.total_elapsed_time = t - lap_start
            b.add(lap)
            lap_start, next_lap = t, next_lap + lap_m
    timer(float(w["t"][-1]), EventType.STOP_ALL)
    b.build().to_file(str(path))
    return path


def write_gpx(path, run, hr=True, times=True):
    """The watch's track as GPX 1.1 (gpxpy); hr: Garmin TrackPointExtension heart rate."""
    import xml.etree.ElementTree as ET

    import gpxpy.gpx

    w = run.watch
    gpx = gpxpy.gpx.GPX()
    gpx.nsmap["gpxtpx"] = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    trk = gpxpy.gpx.GPXTrack()
    seg = gpxpy.gpx.GPXTrackSegment()
    gpx.tracks.append(trk)
    trk.segments.append(seg)
    for i in range(len(w["t"])):
        when = (datetime.fromtimestamp(run.watch_start_s + float(w["t"][i]), timezone.utc)
                if times else None)
        p = gpxpy.gpx.GPXTrackPoint(float(w["lat"][i]), float(w["lon"][i]),
                                    elevation=float(w["alt_m"][i]), time=when)
        if hr:
            ext = ET.Element("{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}"
                             "TrackPointExtension")
            ET.SubElement(ext, "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}hr"
                          ).text = str(int(w["hr_bpm"][i]))
            p.extensions.append(ext)
        seg.points.append(p)
    path.write_text(gpx.to_xml())
    return path


def write_tcx(path, run):
    """The watch's activity as Garmin TCX (heart rate, distance, RunCadence in strides/min)."""
    w = run.watch
    pts = []
    for i in range(len(w["t"])):
        when = datetime.fromtimestamp(run.watch_start_s + float(w["t"][i]), timezone.utc)
        pts.append(
            "<Trackpoint><Time>%s</Time><Position><LatitudeDegrees>%.7f</LatitudeDegrees>"
            "<LongitudeDegrees>%.7f</LongitudeDegrees></Position><AltitudeMeters>%.1f"
            "</AltitudeMeters><DistanceMeters>%.1f</DistanceMeters><HeartRateBpm><Value>%d"
            "</Value></HeartRateBpm><Extensions><ns3:TPX><ns3:Speed>%.2f</ns3:Speed>"
            "<ns3:RunCadence>%d</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>"
            % (when.strftime("%Y-%m-%dT%H:%M:%SZ"), w["lat"][i], w["lon"][i], w["alt_m"][i],
               w["distance_m"][i], w["hr_bpm"][i], w["speed_mps"][i], w["strides_spm"][i]))
    start = datetime.fromtimestamp(run.watch_start_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns='
        '"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:ns3='
        '"http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Activities><Activity '
        'Sport="Running"><Id>%s</Id><Lap StartTime="%s"><Track>%s</Track></Lap></Activity>'
        '</Activities></TrainingCenterDatabase>' % (start, start, "".join(pts)))
    return path


def main(argv=None):
    """`python tests/watchsim.py DIR`: the demo pair `make demo` reports on: a 10 min run (the
    clip's clock never set, the watch started 95 s earlier), DIR/session.lcl, DIR/watch.fit
    (laps every km, records every second) and DIR/watch.gpx (no heart rate)."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    run = make_run(out, 5, 95.0, None, name="session.lcl", run_min=10.0,
                   start_epoch_s=BASE_EPOCH_S + 6 * 86400)
    write_fit(out / "watch.fit", run, lap_m=1000)
    write_gpx(out / "watch.gpx", run, hr=False)
    print("wrote %s, %s, %s (the clip's second 0 is watch time %s UTC)"
          % (run.session, out / "watch.fit", out / "watch.gpx",
             datetime.fromtimestamp(run.epoch0_s, timezone.utc).strftime("%H:%M:%S.%f")[:-4]))


if __name__ == "__main__":
    main()
