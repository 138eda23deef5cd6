"""Pipeline.__init__'s work: the pipeline's constants, from its rate, scales and settings, and
its starting state.

Why apart from pipeline.py: installed as .mpy files (the default `leanclip flash` path) a
module's bytecode stays in the heap while the module lives, and pipeline.py lives for the whole
session; this runs once per pipeline. The app forgets it once App() is built (device/modules.py,
AFTER_START): ~1 KB of heap on the ESP32 model (docs/device.md, "Memory"). What needs
pipeline.py's private constants stays there (Pipeline.__init__, _tilt_init).
"""
from .coaching import Coaching
from .compat import const
from .forward import ForwardCheck, SetOff
from .gait import STILL, Gait
from .orientation import Frame
from .pipeline import UNITS_LSB_PER_DPS, UNITS_LSB_PER_G
from .tilt import UP_UNIT
from .tiltgain import TiltGain

_RATE_MAX_HZ = 8000.0  # the clock's integer arithmetic stays below 2**30 up to ~8.5 kHz
_RATE_MIN_HZ = 5.0  # tilt.py's fixed point wants a block's half turn unit <= 2**-21 rad
# The tilt's float work runs once per block of samples this long (rounded to whole samples, at
# most a segment; one sample while a set-off is being measured, which wants each sample's
# tilt); a step or a segment end also ends a block, so while running a block is a segment.
# Per sample the kernel does small-int work only. Chosen from bench/garbage.py and the
# robustness bench (docs/device.md, "Memory"): the same time at every rate.
_BLOCK_S = 0.125
# keeps |a block's rate sum x pipeline.py's _RATE_FRAC - n x bias| a small int (30 x 32768 x
# 1024 < 2**30 less 30 x 25 dps); 8: see docs/orientation.md ("Integer front end", the decision)
_BLOCK_MAX = const(8)
_SMALL_INT = const(1 << 30)  # a segment's sums of squares stay below this (small ints)
_SEGMENT_S = 0.125    # longest stretch between bookkeeping calls
_STILL_TAU_S = 0.3    # standing still, specific force is gravity: follow it quickly
# Before any still period the gyro's bias is unknown (a few deg/s), and a pull of time constant
# tau leaves bias x tau of tilt: the tilt then only serves to find steps, so follow closely.
_NO_BIAS_TAU_S = 1.0
# _fault's limits (pipeline.py: FAULT_SILENT, FAULT_SATURATED, FAULT_TILT)
_SILENT_G = 0.1
_SILENT_DPS = 2.0
_MAX_G = 4.0      # a trunk's mean force over 1/8 s stays under ~2.5 g even at heel strike
_MAX_DPS = 700.0  # trunk rates stay under ~300 dps; stuck gyros sit at 1000 or 2000
_TILT_MIN_G = 0.3
_TILT_MAX_G = 3.0


def init(p, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink, coaching, pelvis):
    """Pipeline(cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink, coaching, pelvis)'s
    work on `p` (pipeline.Pipeline's docstring)."""
    # The sample clock counts in integer ms: the rate is taken to the nearest mHz (a rate
    # measured from a file's time stamps such as 100.00000000000001 is 100 Hz), and each
    # segment adds its samples' exact duration as whole ms plus a remainder in ms x mHz /
    # rate, so the stamps stay exact for days; float ms went 1 ms low after ~134k samples
    # in single precision.
    rate_mhz = int(rate_hz * 1000 + 0.5)
    if not _RATE_MIN_HZ * 1000 <= rate_mhz <= _RATE_MAX_HZ * 1000:
        raise ValueError("rate_hz %r is outside %g-%g Hz" % (rate_hz, _RATE_MIN_HZ, _RATE_MAX_HZ))
    p._rate_mhz = rate_mhz
    p._clock_ms = 0     # time of the last segment end, wrapped like ticks_ms ...
    p._clock_rem = 0    # ... plus this many ms x mHz / rate (< rate_mhz)
    p._rate_hz = rate_mhz / 1000.0
    p._units = accel_lsb_per_g == 1.0 and gyro_lsb_per_dps == 1.0
    p._bias_per_count = 1.0  # calibration()'s bias in the caller's units
    if p._units:
        accel_lsb_per_g, gyro_lsb_per_dps = UNITS_LSB_PER_G, UNITS_LSB_PER_DPS
        p._bias_per_count = 1.0 / UNITS_LSB_PER_DPS
        p._counts = []
    p._accel_lsb_per_g = float(accel_lsb_per_g)
    p._gyro_lsb_per_dps = float(gyro_lsb_per_dps)
    p._sink = sink
    dt = 1.0 / p._rate_hz
    p._dt_s = dt
    p._tilt_init(dt)  # (pipeline.py: its private constants)
    p._pull_turn = dt / cfg["turn_tau_s"]
    p._pull_still = dt / _STILL_TAU_S
    p._pull_no_bias = dt / _NO_BIAS_TAU_S
    p._segment_n = max(1, int(_SEGMENT_S * p._rate_hz))
    p._half_segment_n = p._segment_n // 2  # (_fault; a pelvis pipeline's too)
    p._block_n = min(_BLOCK_MAX, p._segment_n, max(1, int(_BLOCK_S * p._rate_hz + 0.5)))
    # vertical force = raw force . the integer gravity direction (tilt.UP_UNIT long)
    one_g = p._accel_lsb_per_g * UP_UNIT
    p._vert_one = int(one_g)
    p._vert_g = 1.0 / one_g
    p._step_high = int(cfg["step_high_g"] * one_g)
    p._step_low = int(cfg["step_low_g"] * one_g)
    # Stillness sums of squares in small ints: each vertical force and rate is shifted
    # right before squaring, just far enough that a segment of full-scale samples stays
    # below 2**30 (a saturated sensor makes no big ints): at 100 Hz 2 mg and 8 counts.
    # Vertical force reaches |32768 x 3**.5| x UP_UNIT.
    p._vert_shift = _shift(p, 56756 * UP_UNIT, 1)
    p._rate_shift = _shift(p, 32768, 3)
    p._vert_unit_g2 = ((1 << p._vert_shift) * p._vert_g) ** 2
    p._rate_unit_dps2 = ((1 << p._rate_shift) / p._gyro_lsb_per_dps) ** 2
    p._still_var_g2 = cfg["still_g"] ** 2
    # _fault's limits, squared, in counts
    a, g = p._accel_lsb_per_g, p._gyro_lsb_per_dps
    # (ints: the means of force and raw rate are checked in 2-count units, whose squares
    # stay small ints; the tilt against Tilt._grav2, whole counts)
    p._silent_force2 = int((_SILENT_G * a / 2) ** 2)
    p._silent_rate2 = int((_SILENT_DPS * g / 2) ** 2)
    p._max_force2 = int((_MAX_G * a / 2) ** 2)
    p._max_rate2 = int((_MAX_DPS * g) ** 2 / (1 << 2 * p._rate_shift))  # shifted
    p._tilt_min2 = int((_TILT_MIN_G * a) ** 2)
    p._tilt_max2 = int((_TILT_MAX_G * a) ** 2)
    p._still_var_dps2 = cfg["still_dps"] ** 2
    p._frame = Frame()
    p._settle_ms = int(cfg["settle_s"] * 1000)
    p._prompt_every_ms = int(cfg["stand_tall_repeat_s"] * 1000)
    p._calib_ms = int(cfg["calib_still_s"] * 1000)
    p._turn_dps = cfg["turn_dps"]
    p._axis_off = [0.0, 0.0, 0.0]
    p._gait = Gait(cfg)
    p._gain = TiltGain(cfg)  # the running pull's and bias learning's gains
    # the runner-facing half (coaching.py); the device and replay build it and hand it in
    p.coaching = coaching if coaching is not None else Coaching(cfg, sink)
    p.player = p.coaching.player
    p._follows = False  # this is a pelvis follower, driven by its chest pipeline
    # the toe-off in the block under way: its sample (1 + its index in the segment, 0 for
    # none) and the tilt at the block's start (_toe_tilt)
    p._toe_j = 0
    p._toe_x = p._toe_y = p._toe_z = 0  # (tilt.py fixed point)
    p._swapped = False  # the last segment end's row closed the window (still)
    p.t_ms = 0  # the sample clock at the last sample fed, wrapping at 2**30
    p._started = False  # samples have come (gravity starts at the first one)
    p._bias_x = p._bias_y = p._bias_z = 0.0
    p._bias_seen_x = p._bias_seen_y = p._bias_seen_z = None
    p._bias_ints()
    # the accelerometer's offset (counts, sensor axes): gravity is grav, the mean specific
    # force grav + offset; window sums of grav hold the offset already
    p._offset_x = p._offset_y = p._offset_z = 0.0
    p._offset_known = False  # learned from a corner yet (else all zero)
    p._corner_deg = 0.0  # turned in the corner under way (+ = left)
    p._corner_pull = 0.0  # forward-back pull since it ended (counts)
    p._corner_keep = 1.0  # share of an error at its end that the pull has left since
    p._corner_phase = 0   # 0 none, 1 turning, 2 settling after it
    p._pull = p._pull_still
    p._pull_running = False  # the pull corrects the lean at the gain filter's rate
    p._armed = False
    p._vert_max = 0
    p._vert_min = 0
    p._since_step_n = 0
    p._step_gap_n = 0
    p._setoff = SetOff(cfg, p._rate_hz, p._accel_lsb_per_g, p._frame)
    p._forward_check = ForwardCheck(p._frame)
    p._reset_segment()
    p.state = STILL
    p._still_ms = 0
    p._quiet_n = 0
    p._seg_spun = False    # the last segment judged turned about gravity (_quiet)
    p._still_spun = False  # some segment of this still stretch did
    # raw rate summed over this still stretch, and the samples it holds
    p._still_rate_x = p._still_rate_y = p._still_rate_z = 0.0
    p._still_rate_n = 0
    # mean specific force of the still stretch's first segment
    p._still_force0_x = p._still_force0_y = p._still_force0_z = 0.0
    p._still_end_ms = 0  # end of the last trusted still period
    p._turn_ms = 0
    p._run_start_ms = 0  # when running last began
    p._row_ms = 0
    p.calibrated = False
    p._up_excess = 0.0  # counts: |specific force| standing tall, less 1 g
    p._bias_known = False
    p._lost = False      # a sensor fault left the tilt untrusted (until _recover)
    p._faulty = False    # the last segment was a faulty one
    p._bridge = False    # a fault began in a trusted still period, < _BRIDGE_MS ago
    p._hold_x = p._hold_y = p._hold_z = 0.0  # the tilt held through a fault
    p._fault_ms = 0      # start of the current or last fault
    p._clean_steps = 0   # steps since the last faulty segment, while lost
    p._buzz_ms = 0       # last SENSOR buzz
    p._buzzed = False
    p._prompt_ms = 0
    p.prompts = 0  # "stand tall" prompts so far; the first comes with the first samples
    p._pelvis = None  # the pelvis sensor's half (pelvis.Pelvis); None: one sensor
    if pelvis:
        from .pelvis import Pelvis
        p._pelvis = Pelvis(p, cfg, rate_hz, accel_lsb_per_g, gyro_lsb_per_dps, sink)


def _shift(p, top, lanes):
    """The least right shift after which a segment's sum of `lanes` squares of values up
    to `top` stays a small int."""
    s = 0
    while p._segment_n * lanes * float((top >> s) + 1) ** 2 >= _SMALL_INT:
        s += 1
    return s
