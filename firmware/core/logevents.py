"""The event registry's text (firmware/core/logfmt.py reads it): its own module so that the
device can drop the strings once logfmt has built the writer's tables from them (as .mpy they
were ~1.5 KB of heap for the whole run; device/modules.py forgets this module after start-up).
"""

# The event registry: the one list of events, which everything else derives from (the pipeline's
# event names, the writer, host_tools/logread.py, the exports and the table in docs/log-format.md,
# checked by tests/test_log_events.py). One string per code and meaning, parsed when asked, so
# that it costs the ESP32 little RAM:
#     "code name versions data"
# versions "first-last" (last empty: still current); data "text" (UTF-8 text), or none, or the
# float32 values in order as "field:type:unit", type i (a whole number: count, mV, enumeration) or
# f (a measurement). Codes 1-15 are the pipeline's, 16-31 the device app's and the writer's,
# 32-47 the pipeline's with a pelvis sensor (a one-sensor sink never gets them).
# Codes are never reused; docs/log-format.md says what each means and what v1 readers saw.
REGISTRY = (
    "1 calibrated 1-1 value:f:-",  # declared in v1, never written: v2 says so
    "1 calibrated 2-",
    "2 stand_tall 1- prompts:i:count",
    "3 forward_found 1-1 steps:i:count",  # what v1 said; later v1 firmware wrote m/s (docs)
    "3 forward_found 2- speed_mps:f:m/s",
    "4 buzz_upright 1- lean_deg:f:deg",
    "5 buzz_arch 1- lean_deg:f:deg",
    "6 buzz_overlean 1- lean_deg:f:deg",
    "7 state 1- state:i:state",
    "8 cue_good 1- lean_deg:f:deg",
    "9 cue_summary 1- cue:i:cue",
    "10 drift 1- drift_deg:f:deg",
    "11 accel 1- forward_g:f:g",
    "12 forward_corrected 2- turned_deg:f:deg",
    "13 sensor_fault 2- kind:i:fault",
    "14 sensor_ok 2- fault_s:f:s",
    "16 start 1-",
    "17 stop 1-",
    "18 pause 1-1",  # never emitted by any firmware: dropped in v2
    "19 resume 1-1",
    "20 battery 1- battery_mv:i:mV",
    "21 error 1- text",
    "22 loop_stats 1- rate_hz:f:Hz jitter_max_ms:f:ms overruns:i:count fifo_overflows:i:count"
    " gc_pause_max_ms:f:ms",
    "23 flash_full 1-",
    "24 config_error 1- text",
    "25 personal_band 1- held_deg:f:deg",
    "26 imu_lost 2- errno:i:errno",
    "27 imu_back 2- lost_s:f:s",
    "28 pelvis_lost 3- errno:i:errno",
    "29 pelvis_back 3- lost_s:f:s",
    "30 pelvis_pairing 4- paired:i:count held:i:count dropped:i:count alone:i:count",
    "32 buzz_hipbend 3- lumbar_deg:f:deg",
    "33 buzz_lumbar_arch 3- lumbar_deg:f:deg",
    "34 pelvis_fault 3- kind:i:fault",
    "35 pelvis_ok 3- fault_s:f:s",
)


TEXT = "text"  # the data of a text event


def event_types(version):
    """{code: (name, fields)} of a format version; fields is a tuple of (field, type, unit), or
    TEXT for a text event. Built on each call: the host caches it, the device calls it once
    (logfmt.py, at import; here, not there, so that the device forgets it with the registry)."""
    out = {}
    for row in REGISTRY:
        parts = row.split()
        first, last = parts[2].split("-")
        if int(first) <= version and (not last or version <= int(last)):
            if parts[3:] == [TEXT]:
                fields = TEXT
            else:
                fields = tuple(tuple(f.split(":")) for f in parts[3:])
            out[int(parts[0])] = (parts[1], fields)
    return out
