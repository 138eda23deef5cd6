"""The constructors' work of the coaching's and the pipeline's parts (coach.Coach,
schedule.Schedule, context.Context, drift.Drift, gait.Gait, forward.SetOff,
tiltgain.TiltGain, orientation.Frame): their settings read from the config and their
starting state. Each function is named after its class and
fills that class's new object, `self`.

Why apart from the classes: installed as .mpy files (the default `leanclip flash` path) a
module's bytecode stays in the heap while the module lives, and those modules live for the
whole session; this code runs once per App(). The app forgets it once App() is built
(device/modules.py, AFTER_START; docs/device.md, "Memory"). With a pelvis pod it is imported
again at the first pelvis stride (lumbar.py makes a Coach and a Context) and kept. The names
are the classes' own because every new name costs the board a qstr. What needs a class's
private constants (the rings' lengths, the bias's wander) stays in its __init__.
"""
from .gait import STILL


def Coach(self, cfg):
    self.arch_deg = cfg["arch_below_deg"]
    self.upright_deg = cfg["upright_below_deg"]
    self.over_deg = self.over_base_deg = cfg["overlean_above_deg"]
    self.over_on = cfg["overlean_alert"]
    self.hyst_deg = cfg["band_hysteresis_deg"]
    self.hold_ms = int(cfg["fault_hold_s"] * 1000)
    self.repeat_ms = int(cfg["repeat_s"] * 1000)
    self.clear_ms = int(cfg["clear_s"] * 1000)
    self.n_avg = cfg["coach_strides"]
    self.correct_ms = int(cfg["correct_s"] * 1000) if cfg["correction_cue"] else -1  # -1: off
    self.hold_over = False
    # which way and how far (deg) the lean may be off right now (coaching.py, from
    # context.py): an alert needs the lean outside the band with this added as well
    self.doubt_deg = 0.0
    self.reset()


def Schedule(self, cfg, n_classes):
    self.stage = cfg["coach_stage"]
    self.summary_ms = int(cfg["summary_min"] * 60000)
    self.class_ms = [0] * n_classes
    self.episodes = 0
    self.last_ms = None


def Context(self, cfg):
    self.min_g = cfg["accel_min_g"]
    self.hold_ms = int(cfg["accel_hold_s"] * 1000)
    self.accelerating = False
    self.mean_g = 0.0
    self.last_ms = None
    self.accel_ms = 0


def Drift(self, cfg):
    self.limit_deg = cfg["drift_deg"]
    self.base_from_ms = int(cfg["drift_settle_min"] * 60000)
    self.base_to_ms = self.base_from_ms + int(cfg["drift_base_min"] * 60000)
    self.run_ms = 0
    self.base_sum = 0.0
    self.base_n = 0
    self.base_deg = 0.0
    self.now_deg = 0.0
    self.drifted = False
    self.last_ms = None


def Gait(self, cfg):
    self.run_peak_g = cfg["run_peak_g"]
    self.run_flight_g = cfg["run_flight_g"]
    self.count = 0               # steps in the current bout (capped)
    self.last_ms = 0
    self.state = STILL
    self.cadence_spm = 0.0


def SetOff(self, cfg, rate_hz, accel_lsb_per_g, frame):
    self.window_ms = int(cfg["forward_window_s"] * 1000)
    self.on = False  # a set-off window is open: feed it every sample
    self._min_mps = cfg["forward_min_mps"]
    self._dt_s = 1.0 / rate_hz
    self._accel_lsb_per_g = accel_lsb_per_g
    self._frame = frame  # up and its two horizontal axes h1, h2; receives forward
    # velocity and displacement on h1 and h2, as sums over samples of raw counts
    self._vel_1 = self._vel_2 = 0.0
    self._dist_1 = self._dist_2 = 0.0
    self.due = None  # what `correct` needs, from a window's start until it is done
    self.swung = None  # then what it needs for the offset, while forward is the set-off's


def TiltGain(self, cfg):
    self._min_pull = 1.0 / cfg["tilt_tau_s"]
    self._min_k2 = 1.0 / (cfg["tilt_tau_s"] * cfg["bias_tau_s"])  # bias gain, per s^2
    self._window_s = 0.0
    self._gated_s = 0.0     # strides left out in a row (s)
    self._bias_x = self._bias_y = self._bias_z = 0.0  # the bias when the window began


def Frame(self):
    self.up = None
    self.forward = None
    self.left = None
    self.h1 = None
    self.h2 = None
    self.lean_deg = 0.0
    self.roll_deg = 0.0
