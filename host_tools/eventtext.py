"""What each logged event means to the runner, in plain words: the one table the timeline and
the reports read, so a name in the log (the event registry, firmware/core/logfmt.py
event_types) never reaches a person raw. Events a person reads have a line; the device's
housekeeping is INTERNAL and shown only with `--verbose`. tests/test_report_events.py checks
that every event in the log format's registry (every format version: old logs keep old events)
is in exactly one of the two.

Also the alerts' advice (what the buzz means and what to try), shared by the session report and
the timeline.
"""

from . import logread

# name -> (short label, sentence template). {v} is the event's value, {band} the fault's band.
PLAIN = {
    "stand_tall": ("stand tall", "asked you to stand still and tall, to set zero lean"),
    "calibrated": ("calibrated", "zero lean set from you standing tall; coaching starts once "
                   "you set off"),
    "forward_found": ("forward found", "learned which way is forward as you set off"),
    "sensor_fault": ("SENSOR fault", "the motion sensor's readings were impossible, {v}: "
                     "no lean and no coaching until they made sense again (its own buzz)"),
    "sensor_ok": ("sensor ok", "the motion sensor reads sensibly again after {v} s; coaching "
                  "goes on"),
    "imu_lost": ("SENSOR lost", "the motion sensor stopped answering (error {v}): check the "
                 "clip's connection; it is retried every second"),
    "imu_back": ("sensor back", "the motion sensor answers again after {v} s"),
    "forward_corrected": ("forward corrected", "the way you face was learned wrong at set-off; "
                          "a corner showed it and it was turned by {v} deg"),
    "buzz_upright": ("BUZZ upright", "one long buzz: running too upright, lean {v} deg "
                     "({band})"),
    "buzz_arch": ("BUZZ arch", "two short buzzes: leaning back, lean {v} deg ({band})"),
    "buzz_overlean": ("BUZZ overlean", "three short buzzes: bending at the hips, lean {v} deg "
                      "({band})"),
    "state": ("{v}", ""),
    "cue_good": ("good", "soft flutter: you corrected the fault you were cued for "
                 "(lean {v} deg)"),
    "cue_summary": ("summary cue", "how the last minutes went, in one pattern: {v}"),
    "drift": ("fatigue drift", "your lean has moved {v} deg from how you ran fresh"),
    "start": ("session start", "recording started"),
    "stop": ("session end", "recording stopped"),
    "pause": ("paused", "you paused the session"),
    "resume": ("resumed", "you resumed the session"),
    "error": ("device error", "{v}"),
    "flash_full": ("flash full", "the board's flash is full: logging stopped; pull and delete "
                   "sessions"),
    "config_error": ("setting ignored", "a setting on the board was invalid and its default "
                     "was used: {v}"),
    "personal_band": ("personal band", "your own good lean set from the drill: held {v} deg"),
    # the pelvis sensor (issue 17): lumbar angle = chest lean - pelvis tilt, + = folded forward
    "buzz_hipbend": ("BUZZ hip bend", "two long buzzes: folding forward at the hips over an "
                     "upright pelvis, lumbar angle {v} deg ({band})"),
    "buzz_lumbar_arch": ("BUZZ lower back", "short-long-short: the lower back arching, lumbar "
                         "angle {v} deg ({band})"),
    "pelvis_lost": ("PELVIS lost", "the pelvis sensor stopped answering (error {v}): check its "
                    "cable and connector; the chest coaches on alone, without the hip-bend and "
                    "lower-back alerts, and the pelvis is retried every second"),
    "pelvis_back": ("pelvis back", "the pelvis sensor answers again after {v} s; its alerts "
                    "resume once its tilt is set afresh"),
    "pelvis_fault": ("PELVIS fault", "the pelvis sensor's readings were impossible, {v}: "
                     "chest-only coaching until they made sense again"),
    "pelvis_ok": ("pelvis ok", "the pelvis tilt is set afresh after {v} s: hip-bend and "
                  "lower-back alerts are on again"),
}

# The device's housekeeping: true and logged, but not news for the runner.
INTERNAL = {
    "accel": "forward acceleration while setting off (the coach holds overlean alerts)",
    "battery": "battery voltage",
    "loop_stats": "sampling loop health: rate, jitter, overruns, FIFO overflows, GC pauses",
    "pelvis_pairing": "chest and pelvis samples paired, pelvis samples held, dropped, missing",
}

# alert kind -> (what it means, what to try)
ALERT_ADVICE = {
    "upright": ("you ran too upright: the lean fell below the good band",
                "the stop-start drill: stand tall, fall forward from the ankles until you "
                "must step, and run off holding that lean"),
    "arch": ("you leaned back (arching): the lean went below the arch line",
             "ribs down and eyes on the ground 20 m ahead; a light squeeze of the glutes keeps "
             "the pelvis under you"),
    "overlean": ("you bent at the hips: the lean went above the over-lean line",
                 "lean from the ankles, not the waist: hips forward, tall through the chest"),
    # with a pelvis sensor: what one chest clip cannot tell apart
    "hipbend": ("you folded forward at the hips while your pelvis stayed upright: the chest "
                "leaned, but from the waist, not as one line from the ankles (the lean that "
                "tilts pelvis and chest together)",
                "tall through the hips: push the hips forward and let the whole body tip from "
                "the ankles, chest and pelvis together"),
    "lumbar_arch": ("your lower back arched: the pelvis tipped forward while the chest stayed "
                    "back, most as the leg passed behind you (toe-off)",
                    "ribs down and a light squeeze of the glutes to keep the pelvis level; let "
                    "the leg finish behind you without reaching back from the lower back"),
}


def fault_band(fault, cfg):
    """The band a fault is named for, in words, from the config the device used."""
    if fault == "upright":
        return "upright band: %g to %g deg" % (cfg["arch_below_deg"], cfg["upright_below_deg"])
    if fault == "arch":
        return "arch band: below %g deg" % cfg["arch_below_deg"]
    if fault == "hipbend":
        return ("hip bend: lumbar flexion %g deg and above while the pelvis tilts forward less "
                "than %g deg" % (cfg["hipbend_above_deg"], cfg["hipbend_pelvis_below_deg"]))
    if fault == "lumbar_arch":
        return ("lower-back arch: the lumbar angle below %g deg over the stride, or below %g "
                "deg at toe-off" % (cfg["lumbar_arch_below_deg"],
                                    cfg["lumbar_arch_toeoff_below_deg"]))
    return "over-lean band: %g deg and above" % cfg["overlean_above_deg"]


def _value(data, name=None):
    if name and isinstance(data, dict) and len(data) == 1:
        field, code = next(iter(data.items()))
        names = logread.ENUM_NAMES.get(logread.event_units(name).get(field))
        if names is not None and 0 <= int(code) < len(names):
            return names[int(code)]  # an enumeration, as the log stores it: by name
    if isinstance(data, dict):
        if len(data) == 1:
            data = next(iter(data.values()))
        else:
            return ", ".join("%s %s" % kv for kv in data.items())
    if isinstance(data, float):
        return "%.1f" % data
    return str(data)


def line(name, data, cfg):
    """(label, sentence) for one event, or None for an internal one. Unknown names (a newer
    firmware) are shown as they are rather than hidden."""
    if name in INTERNAL:
        return None
    if name not in PLAIN:
        return name, _with_unit(name, data)
    label, text = PLAIN[name]
    v = _value(data, name)
    band = fault_band(name[5:], cfg) if name.startswith("buzz_") else ""
    return label.format(v=v), text.format(v=v, band=band)


def _with_unit(name, data):
    """The value with its unit from the event registry, when it has one field and a unit."""
    units = list(logread.event_units(name).values())
    text = _value(data)
    return "%s %s" % (text, units[0]) if len(units) == 1 and units[0] not in (
        "count", "-") else text


def internal_line(name, data):
    return name, "%s: %s" % (INTERNAL[name], _with_unit(name, data))
