"""App()'s and Peripherals()'s one-shot work: the board's peripherals opened from its profile
(the one place that turns pin numbers into machine objects, so boot-time checks and the app
open pins the same way), then the app's state made in the order the heap wants.

Why apart from app.py and hardware.py: installed as .mpy files (the default `leanclip flash`
path) a module's bytecode stays in the heap while the module lives, and those two live for the
whole session; this code runs once per App(). It is forgotten with the other start-up modules
(modules.AFTER_START, while App() runs), ~1 KB of heap on the ESP32 model (docs/device.md,
"Memory"); a restart after a failure imports it afresh.
"""
import gc
import sys
import time
from array import array

try:
    import machine
except ImportError:  # CPython imports this module only to read it (host tools, docs)
    machine = None

from ..core.coaching import Coaching
from ..core.compat import const
from ..core.pipeline import Pipeline
from . import controls
from .app import FIFO_READ_SAMPLES, IMU_RATE_HZ, LOOP_PERIOD_US
from .hardware import ACCEL_FS_G, GYRO_FS_DPS, Peripherals
from . import hostlink
from .loop import Ticker

# 1 in imubase's accel_trim fixed point (1 << its _TRIM_SHIFT; private there and copied here,
# as a shared public constant would cost a qstr; the six-face test in tests/test_app_boot.py
# fails if the two differ)
_TRIM_ONE = const(1 << 14)

# The drivers are imported where a board's profile picks them, not here: the ones it does not
# have are then never loaded, and the finders are forgotten after start-up (modules.py).


def HostWatch(self):
    """hostlink.HostWatch()'s work (named after it: a new name costs the board a qstr)."""
    self.until_ms = None  # live lines on until then (None: nobody attached)
    try:
        import select

        self._poll = select.poll()
        self._poll.register(sys.stdin, select.POLLIN)
    except (ImportError, AttributeError, OSError, TypeError, ValueError):
        self._poll = None  # no stdin to listen on (CPython under test, a detached board)


def open_haptic(profile, i2c):
    """The motor, or the buzzer on a board with no motor: anything with set(level)."""
    motor = profile.get("motor")
    if motor and motor["kind"] == "pwm":
        from ..drivers.pwm_haptics import PwmMotor

        return PwmMotor(machine.PWM(machine.Pin(motor["pin"])), motor["freq_hz"])
    if motor and motor["kind"] == "drv2605l":
        from ..drivers.drv2605 import Drv2605

        return Drv2605(i2c, motor["address"])
    if profile.get("buzzer"):
        from ..drivers.pwm_haptics import Buzzer

        return Buzzer(machine.PWM(machine.Pin(profile["buzzer"]["pin"])))
    raise OSError("board profile has neither a motor nor a buzzer")


def open_parts(hw, profile, imu_rate_hz):
    """Peripherals(profile, imu_rate_hz)'s work: open and set up every part the board has."""
    from ..drivers.baro import find_baro
    from ..drivers.imu import find_imu, find_pelvis
    from .pins import hold_power, open_button

    hold_power(profile)
    bus = profile["i2c"]
    hw.i2c = machine.I2C(bus["id"], scl=machine.Pin(bus["scl"]), sda=machine.Pin(bus["sda"]),
                         freq=bus["freq"])
    hw.imu = find_imu(hw.i2c)
    hw.imu_rate_hz = imu_rate_hz
    hw.setup_imu()
    cal = profile.get("accel_trim")  # startup.settings: the six-face calibration, or None
    if cal:  # in the driver's fixed point (imubase._drain): k = 1 / scale, b = 1/2 - k x offset
        lsb_per_g = hw.imu.accel_lsb_per_g
        k = [int(round(_TRIM_ONE / s)) for s in cal[1]]
        hw.imu.accel_trim = k + [_TRIM_ONE // 2 - int(round(cal[0][a] * lsb_per_g * k[a]))
                                 for a in range(3)]
    hw.pod = None
    hw.pod_problem = None  # why a pod that answered is not used (for /errors.log)
    # a board whose IMU bus reaches a connector, and a pod answering on it: only then is
    # the pod's code loaded (pod.py; the boot's heap peak is tight on boards without PSRAM)
    dev = find_pelvis(hw.i2c, hw.imu.address) if profile.get("pelvis") else None
    if dev is not None:
        from .pod import use

        hw.pod, hw.pod_problem = use(dev, hw.imu, imu_rate_hz, ACCEL_FS_G, GYRO_FS_DPS)
    hw.haptic = open_haptic(profile, hw.i2c)
    # optional: a barometer on the same bus lets the coach tell a hill from hip bending
    hw.baro = find_baro(hw.i2c)
    if hw.baro is not None:
        hw.baro.configure()
    hw.button, hw.pressed_level = open_button(profile)
    led = profile.get("led")
    hw.led = None
    if led:
        hw.led_on_level = 0 if led["active_low"] else 1
        hw.led = machine.Pin(led["pin"], machine.Pin.OUT, value=1 - hw.led_on_level)
    bat = profile.get("battery")
    hw.adc = None
    if bat:
        hw.adc = machine.ADC(machine.Pin(bat["adc_pin"]), atten=machine.ADC.ATTN_11DB)
        hw.divider_milli = int(bat["divider"] * 1000)


def open_app(app, errlog, live, settings, room):
    """App(errlog, live, settings, room)'s work (app.App's docstring)."""
    app.errlog = errlog
    app.live = live
    app.live_row = ""
    app.live_ms = 0
    app.host = None if live else hostlink.HostWatch()  # `leanclip live` attaching mid-session
    app.wdt = None
    app.collect = True  # the planned gc.collect (the allocation test turns it off)
    gc.collect()
    if settings is None:
        from .startup import settings as read  # start-up only: forgotten below (modules.py)

        settings = read()
        if settings is None:  # says why: no board name, or not a known board
            from . import boards, devconfig

            boards.profile(devconfig.board_name())
    app.board_name, app.profile, cfg, problems = settings
    for m in problems:
        errlog.line(m)
    app.cfg = cfg
    app.config_problems = problems
    hw = app.hw = Peripherals(app.profile, IMU_RATE_HZ)
    app.baro = hw.baro  # None without one, or once it stops answering
    if app.baro is not None:
        from ..drivers.baro import altitude_m  # (before baro.py is forgotten below)

        app.altitude_m = altitude_m
    from . import modules  # forgets itself too: needed again only at the next App()

    # what only starting needed (drivers the board lacks, the finders: ~9 KB as .mpy),
    # forgotten before the app's own state is made, which then fills their holes instead
    # of leaving them between its objects (fragmentation: docs/device.md, "Memory")
    modules.forget()
    if room:
        room.pop()
    gc.collect()
    imu = hw.imu
    app.pod = pod = hw.pod  # the pelvis pod (pod.Pod), or None
    # the largest blocks first, while the heap is least cut up: the pipeline's (a 1.3 KB
    # list), the FIFO buffer; the many small objects after them
    app.log = None  # (the pipeline's sink from here on)
    app.drill = None  # the lean drill, while it is on (a double press)
    app.coaching = Coaching(cfg, app)
    app.p = Pipeline(cfg, imu.rate_hz, imu.accel_lsb_per_g, imu.gyro_lsb_per_dps, app,
                     app.coaching, pelvis=pod is not None)
    modules.forget()  # again: core/pipeinit.py, which Pipeline() loaded and ran
    del modules
    read = min(imu.fifo_samples, FIFO_READ_SAMPLES)
    # one IMU: no pairing, no pelvis buffer (issue 13 counts every KB)
    app.buf = array("h", bytes(12 * read)) if pod is None else pod.pair_with(
        app, read, FIFO_READ_SAMPLES)
    if hw.pod_problem is not None:
        errlog.line(hw.pod_problem)
    app.session = False
    app.writer = None
    app.log_raw = False
    app.log_noted = False
    app.motor_level = 0
    app.button = controls.Button(hw.pressed())
    app.led = controls.StatusLed(hw.led_set)
    app.battery = controls.BatteryWatch(int(cfg["battery_low_v"] * 1000))
    app.sleep_after_ms = int(cfg["sleep_after_min"] * 60000)
    app.overflows0 = imu.overflowed
    app.imu_lost_ms = None  # ticks_ms when the IMU stopped answering, None while it does
    app.sample_ms = time.ticks_ms()  # last time samples came
    app.gc_pause_max_us = 0
    app.stats = None
    app.passes = 0
    if not live:  # switching on is the common way to start a run; live is for a mirror
        app.start_session()  # before the first samples, so the log has the first prompt
    app.p0_pa = None  # pressure when first read: altitude is relative to it
    now = time.ticks_ms()
    app.still_ms = app.house_ms = app.stats_ms = now
    app.battery_ms = now  # first reading after the power-on cues, not over them
    gc.collect()  # the loop starts with set-up's garbage gone (the session header's parts)
    app.ticker = Ticker(LOOP_PERIOD_US)  # last: set-up time is not the loop's lateness
