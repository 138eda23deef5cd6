"""The one config schema: every tunable with its default, range and meaning.

The device reads it from /leanclip.json and the host from `--config FILE`; both go through
`validate`, which never raises on bad content: it returns the config with defaults in place of
bad values and one message per problem, so the device can log them and keep coaching (no crash
loop) and the host can refuse with the first message.
"""

# key: (default, minimum, maximum, meaning). bool keys have None limits.
SCHEMA = {
    # coaching bands, stride-averaged forward lean in degrees, 0 = standing tall
    "arch_below_deg": (-2.0, -20.0, 10.0, "lean below this is arching back"),
    "upright_below_deg": (4.0, -10.0, 20.0, "lean from arch_below_deg up to this is upright"),
    "overlean_above_deg": (20.0, 5.0, 45.0, "lean at or above this is bending at the hips"),
    "overlean_alert": (True, None, None, "buzz for bending at the hips (off for hills, sprints)"),
    "band_hysteresis_deg": (0.5, 0.0, 3.0, "a fault ends only this far back inside the band"),
    # the pelvis sensor's alerts (docs/coaching.md "Chest and pelvis"): lumbar angle = thorax
    # lean less pelvis tilt, + = flexion; ignored without a pelvis sensor
    "hipbend_alert": (True, None, None, "buzz for bending at the hips over an upright pelvis"),
    "hipbend_above_deg": (6.0, 2.0, 30.0, "lumbar flexion at or above this ..."),
    "hipbend_pelvis_below_deg": (5.0, -10.0, 30.0, "... while the pelvis tilts forward less "
                                 "than this is a hip bend"),
    "lumbar_arch_alert": (True, None, None, "buzz for arching the lower back"),
    "lumbar_arch_below_deg": (-6.0, -30.0, 0.0, "stride-mean lumbar angle below this is an "
                              "arch ..."),
    "lumbar_arch_toeoff_below_deg": (-12.0, -40.0, 0.0, "... and so is its toe-off value below "
                                     "this"),
    # timing, seconds of running
    "fault_hold_s": (3.0, 0.5, 60.0, "a fault must last this long before the first buzz"),
    "repeat_s": (15.0, 2.0, 600.0, "repeat the buzz this often while the fault lasts"),
    "clear_s": (1.0, 0.2, 10.0, "this long back in the band ends a fault"),
    "coach_strides": (1, 1, 8, "strides averaged for the coaching decision"),
    # calibration and orientation
    # minimum: the stand the gyro's bias is measured in (pipeline.py, _bias_from): its first
    # segment, _BIAS_SPAN_S (1 s) of rate, then _PENDING (4) calm segments, at segments of
    # pipeinit.py's _SEGMENT_S (1/8 s; shorter ones fit the same time); tests/test_pipeline.py
    # derives it from those constants. Shorter stands could only wait for the measurement.
    "calib_still_s": (2.0, 1.625, 10.0, "standing still this long sets 'up' (zero lean)"),
    "stand_tall_repeat_s": (30.0, 5.0, 600.0, "ask again to stand tall this often"),
    "forward_window_s": (4.0, 1.0, 8.0, "after setting off, movement is summed this long ..."),
    "forward_min_mps": (0.3, 0.1, 3.0, "... and its mean speed reach this to fix forward"),
    "tilt_tau_s": (4.0, 2.0, 300.0, "time constant of the accelerometer's tilt correction"),
    "bias_tau_s": (6.0, 5.0, 3600.0, "time constant of in-run gyro bias learning"),
    "turn_dps": (6.0, 1.0, 90.0, "stride-mean yaw rate that counts as turning"),
    "turn_tau_s": (3.0, 1.0, 300.0, "while turning, time constant of the forward-back correction"),
    "settle_s": (5.0, 1.0, 60.0, "after standing still, tilt correction waits this long"),
    # gait
    "step_high_g": (1.15, 1.02, 3.0, "vertical specific force that marks a step"),
    "step_low_g": (0.95, 0.1, 1.0, "vertical specific force that re-arms the step detector"),
    "run_peak_g": (1.5, 1.1, 6.0, "a step peaking above this ..."),
    "run_flight_g": (0.45, 0.0, 0.95, "... and dipping below this (flight) is a running step"),
    "still_dps": (3.0, 0.2, 30.0, "gyro spread (rms) below which the wearer is still"),
    "still_g": (0.03, 0.002, 0.3, "accelerometer spread (rms) below which the wearer is still"),
    # session logs (docs/log-format.md); old sessions are deleted only by these rules
    "log_raw": (False, None, None, "also log raw IMU samples (about 4 MB/h at 100 Hz)"),
    "log_keep_sessions": (0, 0, 9999, "keep this many sessions, deleting the oldest (0 = all)"),
    "log_min_free_kb": (0, 0, 65536, "delete the oldest sessions until this much flash is free "
                        "(0 = never)"),
    # the device's controls (docs/device.md)
    "sleep_after_min": (10.0, 1.0, 240.0, "standing still this long (minutes) puts it to sleep"),
    "drill_min_deg": (4.0, 0.0, 30.0, "lean drill: the target band starts here ..."),
    "drill_max_deg": (10.0, 1.0, 40.0, "... and ends here (a tick while the lean is inside)"),
    "personal_margin_deg": (3.0, 0.5, 10.0, "lean drill long press: upright ends this far below "
                            "the lean held"),
    "battery_low_v": (3.5, 3.0, 4.0, "battery below this: one warning buzz and a log event"),
    # teaching cues (docs/coaching.md)
    "correction_cue": (True, None, None, "a gentle 'good' cue when a cued fault is corrected ..."),
    "correct_s": (2.0, 0.5, 30.0, "... after this long back in the band"),
    "alert_scaled": (False, None, None, "alert strength grows with the distance outside the band"),
    "alert_full_deg": (5.0, 0.5, 30.0, "... reaching full strength this far outside it"),
    "coach_stage": (0, 0, 3, "feedback: 0 every fault, 1 every other, 2 summary, 3 test run"),
    "summary_min": (5.0, 1.0, 60.0, "summary stage: one cue per this many minutes of running"),
    "plan_sessions": (0, 0, 100, "training plan: sessions per stage (0 = no plan, coach_stage)"),
    "plan_test_every": (0, 0, 100, "training plan: every n-th session is a test run (0 = none)"),
    "accel_min_g": (0.04, 0.01, 0.5, "stride-mean forward force that counts as accelerating"),
    "accel_hold_s": (3.0, 0.0, 30.0, "the over-lean alert stays off this long after accelerating"),
    "drift_deg": (3.0, 0.5, 20.0, "lean this far from the settled start is fatigue drift"),
    "drift_cue": (False, None, None, "cue fatigue drift (it is always logged)"),
    "drift_settle_min": (1.0, 0.0, 30.0, "the settled start begins after this much running ..."),
    "drift_base_min": (5.0, 1.0, 30.0, "... and lasts this many minutes of running"),
    # barometer (docs/coaching.md "Climbs"): ignored without one
    "climb_mps": (0.15, 0.05, 1.0, "vertical speed that is a climb (0.15: 5 % grade at 3 m/s)"),
    "climb_window_s": (20.0, 5.0, 120.0, "... sustained over this long"),
    "climb_shift_deg": (5.0, 0.0, 15.0, "while climbing, overlean_above_deg is this much higher"),
}


def defaults():
    cfg = {}
    for key in SCHEMA:
        cfg[key] = SCHEMA[key][0]
    return cfg


def _check(key, value):
    """Return (value, None) if acceptable, else (default, message)."""
    default, lo, hi, _ = SCHEMA[key]
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value, None
        return default, "%s must be true or false, got %r" % (key, value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default, "%s must be a number from %s to %s, got %r" % (key, lo, hi, value)
    # range first: it refuses NaN and +-inf, on which int() below would raise
    if not lo <= value <= hi:
        return default, "%s must be from %s to %s, got %r" % (key, lo, hi, value)
    if isinstance(default, int) and value != int(value):
        return default, "%s must be a whole number, got %r" % (key, value)
    return type(default)(value), None


def _closest(key):
    """The schema key sharing the most leading characters, to suggest for a typo."""
    best, best_n = None, 2
    for k in SCHEMA:
        n = 0
        while n < len(k) and n < len(key) and k[n] == key[n]:
            n += 1
        if n > best_n:
            best, best_n = k, n
    return best


def validate(user):
    """Merge `user` (a dict) over the defaults. Returns (cfg, errors): errors is a list of
    one-line messages; every bad entry falls back to its default."""
    cfg = defaults()
    errors = []
    if not isinstance(user, dict):
        return cfg, ["config must be a JSON object of key: value"]
    for key in user:
        if key not in SCHEMA:
            hint = _closest(key)
            errors.append("unknown config key %r%s"
                          % (key, " (did you mean %r?)" % hint if hint else ""))
            continue
        value, err = _check(key, user[key])
        cfg[key] = value
        if err:
            errors.append(err)
    if not cfg["arch_below_deg"] < cfg["upright_below_deg"] < cfg["overlean_above_deg"]:
        errors.append(
            "bands must satisfy arch_below_deg < upright_below_deg < overlean_above_deg,"
            " got %r < %r < %r"
            % (cfg["arch_below_deg"], cfg["upright_below_deg"], cfg["overlean_above_deg"])
        )
        for k in ("arch_below_deg", "upright_below_deg", "overlean_above_deg"):
            cfg[k] = SCHEMA[k][0]
    if not cfg["lumbar_arch_toeoff_below_deg"] <= cfg["lumbar_arch_below_deg"]:
        errors.append("lumbar_arch_toeoff_below_deg must not be above lumbar_arch_below_deg "
                      "(the lumbar angle swings further at toe-off than its stride mean)")
        cfg["lumbar_arch_toeoff_below_deg"] = SCHEMA["lumbar_arch_toeoff_below_deg"][0]
        cfg["lumbar_arch_below_deg"] = SCHEMA["lumbar_arch_below_deg"][0]
    if cfg["forward_window_s"] > cfg["settle_s"]:
        errors.append("forward_window_s must not exceed settle_s (the tilt must be gyro-held)")
        cfg["forward_window_s"] = SCHEMA["forward_window_s"][0]
        cfg["settle_s"] = SCHEMA["settle_s"][0]
    if not cfg["step_low_g"] < cfg["step_high_g"]:
        errors.append("step_low_g must be below step_high_g")
        cfg["step_low_g"] = SCHEMA["step_low_g"][0]
        cfg["step_high_g"] = SCHEMA["step_high_g"][0]
    if not cfg["drill_min_deg"] < cfg["drill_max_deg"]:
        errors.append("drill_min_deg must be below drill_max_deg")
        cfg["drill_min_deg"] = SCHEMA["drill_min_deg"][0]
        cfg["drill_max_deg"] = SCHEMA["drill_max_deg"][0]
    return cfg, errors


_DRILL_HALF_DEG = 2.0  # the drill band becomes the held lean +- this


def personal_band(cfg, held_deg):
    """The config changes that make held_deg the runner's good lean, or None when it cannot be
    one: upright ends personal_margin_deg below it (never within 1 deg of the arch band, and
    within the key's limits) and it must lie below the over-lean band. Here, with the schema's
    limits, not in coaching.py: coaching lives for the whole session, and this runs at a rare
    long press in the drill (coaching.Coaching.set_personal_band imports it then)."""
    lo, hi = SCHEMA["upright_below_deg"][1:3]
    upright = round(min(hi, max(lo, cfg["arch_below_deg"] + 1.0,
                                held_deg - cfg["personal_margin_deg"])), 1)
    lo, hi = SCHEMA["drill_min_deg"][1:3]
    d_min = round(min(hi, max(lo, held_deg - _DRILL_HALF_DEG)), 1)
    lo, hi = SCHEMA["drill_max_deg"][1:3]
    d_max = round(min(hi, max(lo, held_deg + _DRILL_HALF_DEG)), 1)
    if not (upright < held_deg < cfg["overlean_above_deg"] and d_min < d_max):
        return None
    return {"upright_below_deg": upright, "drill_min_deg": d_min, "drill_max_deg": d_max}
