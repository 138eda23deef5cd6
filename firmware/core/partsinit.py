"""The constructors' work of the coaching's and the pipeline's parts (coach.Coach,
schedule.Schedule, context.Context, drift.Drift, gait.Gait, forward.SetOff,
tiltgain.TiltGain, orientation.Frame): their settings read from the config and their
starting state. Each function is named after its class and
fills that class's new object.

Why apart from the classes: installed as .mpy files (the default `leanclip flash` path) a
module's bytecode stays in the heap while the module lives, and those modules live for the
whole session; this code runs once per App(). The app forgets it once App() is built
(device/modules.py, AFTER_START; docs/device.md, "Memory"). With a pelvis pod it is imported
again at the first pelvis stride (lumbar.py makes a Coach and a Context) and kept. The names
are the classes' own because every new name costs the board a qstr. What needs a class's
private constants (the rings' lengths, the bias's wander) stays in its __init__.
"""
from .gait import STILL


def Coach(c, cfg):
    c.arch_deg = cfg["arch_below_deg"]
    c.upright_deg = cfg["upright_below_deg"]
    c.over_deg = c.over_base_deg = cfg["overlean_above_deg"]
    c.over_on = cfg["overlean_alert"]
    c.hyst_deg = cfg["band_hysteresis_deg"]
    c.hold_ms = int(cfg["fault_hold_s"] * 1000)
    c.repeat_ms = int(cfg["repeat_s"] * 1000)
    c.clear_ms = int(cfg["clear_s"] * 1000)
    c.n_avg = cfg["coach_strides"]
    c.correct_ms = int(cfg["correct_s"] * 1000) if cfg["correction_cue"] else -1  # -1: off
    c.hold_over = False
    # which way and how far (deg) the lean may be off right now (coaching.py, from
    # context.py): an alert needs the lean outside the band with this added as well
    c.doubt_deg = 0.0
    c.reset()


def Schedule(s, cfg, n_classes):
    s.stage = cfg["coach_stage"]
    s.summary_ms = int(cfg["summary_min"] * 60000)
    s.class_ms = [0] * n_classes
    s.episodes = 0
    s.last_ms = None


def Context(c, cfg):
    c.min_g = cfg["accel_min_g"]
    c.hold_ms = int(cfg["accel_hold_s"] * 1000)
    c.accelerating = False
    c.mean_g = 0.0
    c.last_ms = None
    c.accel_ms = 0


def Drift(d, cfg):
    d.limit_deg = cfg["drift_deg"]
    d.base_from_ms = int(cfg["drift_settle_min"] * 60000)
    d.base_to_ms = d.base_from_ms + int(cfg["drift_base_min"] * 60000)
    d.run_ms = 0
    d.base_sum = 0.0
    d.base_n = 0
    d.base_deg = 0.0
    d.now_deg = 0.0
    d.drifted = False
    d.last_ms = None


def Gait(g, cfg):
    g.run_peak_g = cfg["run_peak_g"]
    g.run_flight_g = cfg["run_flight_g"]
    g.count = 0               # steps in the current bout (capped)
    g.last_ms = 0
    g.state = STILL
    g.cadence_spm = 0.0


def SetOff(s, cfg, rate_hz, accel_lsb_per_g, frame):
    s.window_ms = int(cfg["forward_window_s"] * 1000)
    s.on = False  # a set-off window is open: feed it every sample
    s._min_mps = cfg["forward_min_mps"]
    s._dt_s = 1.0 / rate_hz
    s._accel_lsb_per_g = accel_lsb_per_g
    s._frame = frame  # up and its two horizontal axes h1, h2; receives forward
    # velocity and displacement on h1 and h2, as sums over samples of raw counts
    s._vel_1 = s._vel_2 = 0.0
    s._dist_1 = s._dist_2 = 0.0


def TiltGain(t, cfg):
    t._min_pull = 1.0 / cfg["tilt_tau_s"]
    t._min_k2 = 1.0 / (cfg["tilt_tau_s"] * cfg["bias_tau_s"])  # bias gain, per s^2
    t._window_s = 0.0
    t._gated_s = 0.0     # strides left out in a row (s)
    t._bias_x = t._bias_y = t._bias_z = 0.0  # the bias when the window began


def Frame(f):
    f.up = None
    f.forward = None
    f.left = None
    f.h1 = None
    f.h2 = None
    f.lean_deg = 0.0
    f.roll_deg = 0.0
