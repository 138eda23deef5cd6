"""The device app: one loop that drains the IMU, feeds the pipeline, drives the motor, reads the
button and keeps the session log - and the restart policy around it.

Why one loop and no threads or IRQ handlers: everything here happens at 50 Hz at most, a
polled design has no shared state to race on, and one place decides what the motor does.
Steady state allocates nothing but the pipeline's float temporaries (tests/test_app_alloc.py),
and the collection they need is planned: right after a FIFO drain, when the FIFO has the most
room to absorb its pause, once the free heap falls under a fixed reserve. Only then: a
collection's pause grows with the live heap, not with the garbage, so collecting on a timer or
at a quarter of the heap (as before) only adds pauses (docs/device.md, "Memory").

Time bases: the motor, the log and the drill run on the pipeline's sample clock (what the
pattern player and the log are stamped with); the button, LED, housekeeping and sleep run on
time.ticks_ms, which keeps going even if the IMU stops.

The pelvis pod (issue 17, docs/device.md "Chest and pelvis"): a second IMU at the strap-high
address, found at boot, read in the same pass as the chest and paired with it by sample counts;
a pod that goes missing mid-run is an event, and the chest coaches on alone (pod.py, pairing.py,
neither loaded on a board without one).
"""
import gc
import time

try:
    import machine
except ImportError:  # CPython imports this module only to read it (host tools, docs)
    machine = None

from ..core import haptics
from ..core.compat import const, ticks_diff
from ..core.gait import STATE_NAMES, STILL
from ..core.haptics import READY
from . import controls
from .errorlog import ErrorLog

IMU_RATE_HZ = const(100)       # steps are 1-5 Hz; 100 Hz halves the pipeline's CPU vs 200
LOOP_PERIOD_US = const(20000)  # 50 Hz: 2 samples per pass, motor timing to 20 ms
_WDT_TIMEOUT_MS = const(5000)   # > the longest flash stall (docs/log-format.md) with margin
_HOUSEKEEPING_MS = const(1000)  # sleep timer, battery, stats clock
_GC_RESERVE_BYTES = const(6144)  # collect below this much free: 3 passes of float garbage (32-bit)
_BATTERY_EVERY_MS = const(10000)
_STATS_EVERY_MS = const(60000)
_BACKOFF_FIRST_MS = const(1000)  # restart delays double from here ...
_BACKOFF_MAX_MS = const(60000)   # ... up to this
_HEALTHY_PASSES = const(3000)    # a run this long (60 s) was not a crash loop: reset the backoff
_LIVE_EVERY_MS = const(100)
# Samples one FIFO drain reads at most (12 B each): 16 passes' worth at 100 Hz. The chip's own
# FIFO (85-170 samples) absorbs a stall; a backlog is read over a few passes (32 per pass
# against 2 arriving), which keeps the largest buffer of a session under 400 B instead of a
# 1.5-2 KB block a fragmented heap may not have (docs/device.md, "Memory").
FIFO_READ_SAMPLES = const(32)
_IMU_SILENT_MS = const(1000)    # no sample for this long: the IMU is lost (it sends 1 per 10 ms)
# coaching cues, muted while no session runs (the housekeeping cues are not)
_COACHING_CUES = (haptics.UPRIGHT, haptics.ARCH, haptics.OVERLEAN, haptics.GOOD, haptics.DRIFT)


class Wake(Exception):
    """Woken from light sleep: start afresh, as a deep-sleep wake does by rebooting."""


class App:
    def __init__(self, errlog, live=False, settings=None, room=None):
        """`settings`: startup.settings(), read before the app was imported (main.py); None
        reads the board's files here (tests, `leanclip live` on a running board). `room`: a list
        holding the block main.py kept free while the app was imported, emptied here so that
        the pipeline's state is made in it. The work is opening.py's (run once, then
        forgotten)."""
        from .opening import open_app

        open_app(self, errlog, live, settings, room)

    # ---- the pipeline's sink ------------------------------------------------------------------
    def lean(self, t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms):
        if self.log is not None:
            self.log.lean(t_ms, lean_deg, roll_deg, cadence_spm, state, win_ms)
        if self.live:
            self.live_row = "lean=%.1f roll=%.1f cad=%.0f" % (lean_deg, roll_deg, cadence_spm)
        if state == STILL and self.drill is not None:
            self.drill.lean(t_ms, lean_deg)

    def event(self, t_ms, name, value):
        if self.log is not None:
            self.log.event(t_ms, name, value)

    # ---- the loop ------------------------------------------------------------------------------
    def loop(self, iterations=0):
        """Run at the loop rate until sleep (raises Wake or never returns after deep sleep),
        or for `iterations` passes (tests)."""
        i = 0
        while True:
            self.ticker.wait()
            self.step(time.ticks_ms())
            if self.wdt is not None:
                self.wdt.feed()
            self.passes += 1
            i += 1
            if i == iterations:
                return

    def step(self, now_ms):
        n = 0
        if self.imu_lost_ms is None:
            try:
                n = self.hw.imu.read_into(self.buf if self.pod is None
                                          else self.pod.pair.chest_room())
            except OSError as e:  # a loose wire or a brown-out: coach on when it is back
                self.imu_lost(now_ms, e.args[0] if e.args else 0)
        if n:
            self.sample_ms = now_ms
        if self.pod is not None:
            self.pod.feed(self, n, now_ms)
        elif n:
            if self.log_raw:
                self.log.raw(self.p.t_ms, self.buf, n)
            self.p.feed(self.buf, n)
        t_ms = self.p.t_ms
        player = self.coaching.player
        # the sample clock stands still without samples: the SENSOR buzz then plays on ticks
        level = player.level(t_ms if self.imu_lost_ms is None else now_ms)
        if level and not self.session and player.pattern in _COACHING_CUES:
            level = 0  # stopped: housekeeping cues still play, coaching does not
        if level != self.motor_level:
            self.motor_level = level
            self.hw.haptic.set(level)
        if self.log is not None:
            self.log.poll(t_ms)
        if self.drill is not None:
            self.drill.poll(t_ms, self.p)
        if self.live and ticks_diff(t_ms, self.live_ms) >= _LIVE_EVERY_MS:
            self.live_ms = t_ms
            self.live_line(t_ms)
        press = self.button.poll(now_ms, self.hw.pressed())
        if press:
            self.on_press(press, now_ms)
        self.led.show(now_ms, self.led_pattern())
        if self.collect and gc.mem_free() < _GC_RESERVE_BYTES:
            self.collect_now()
        if ticks_diff(now_ms, self.house_ms) >= _HOUSEKEEPING_MS:
            self.house_ms = now_ms
            self.housekeeping(now_ms)

    def live_line(self, t_ms):
        """`leanclip live` (docs/serial.md): the latest row at 10 Hz, as one text line; no
        lean= until there is a lean (the host shows "calibrating")."""
        print("LC t_ms=%d %s state=%s" % (t_ms, self.live_row, STATE_NAMES[self.p.state].upper()))

    def led_pattern(self):
        if self.battery.warned:
            return controls.LED_LOW_BATTERY
        if self.drill is not None:
            return controls.LED_DRILL
        if not self.p.calibrated:
            return controls.LED_CALIBRATING
        return controls.LED_COACHING if self.session else controls.LED_STOPPED

    def on_press(self, press, now_ms):
        self.still_ms = now_ms  # a hand on the button is not a device left on a shelf
        if press == controls.SHORT:
            if self.session:
                self.stop_session()
            else:
                self.start_session()
                self.coaching.player.play(READY, self.p.t_ms)
        elif press == controls.LONG:
            if self.drill is not None:
                self.drill.set_personal_band(self)
            else:
                self.p.recalibrate()
        elif press == controls.DOUBLE:
            self.toggle_drill()

    def toggle_drill(self):
        """The drill's module and state are loaded when it is switched on (most runs never use
        it: ~1 KB of heap as .mpy), and dropped when it is switched off."""
        if self.drill is not None:
            self.drill = None
            return
        from .drill import Drill

        cfg = self.cfg  # the personal band, once set, is in cfg (coaching.set_personal_band)
        self.drill = Drill(self.coaching.player, cfg["drill_min_deg"], cfg["drill_max_deg"])
        self.drill.on = True

    def collect_now(self):
        """The planned collection: here, right after a FIFO drain, rather than wherever an
        allocation finds the heap full (inside a flash write, with the FIFO filling)."""
        t0 = time.ticks_us()
        gc.collect()
        pause = time.ticks_diff(time.ticks_us(), t0)
        if pause > self.gc_pause_max_us:
            self.gc_pause_max_us = pause

    def imu_lost(self, now_ms, code):
        """The IMU stopped answering (or sending): say so once, buzz, and retry every second
        (housekeeping) rather than restart the app."""
        self.imu_lost_ms = now_ms
        self.event(self.p.t_ms, "imu_lost", code if isinstance(code, int) else 0)
        self.coaching.player.play(haptics.SENSOR, now_ms)

    def imu_check(self, now_ms):
        """Once a second: bring a lost IMU back; re-configure one that is silent or whose
        samples the pipeline finds impossible (a chip reset by a brown-out reads zeros)."""
        lost = self.imu_lost_ms
        if lost is None and ticks_diff(now_ms, self.sample_ms) >= _IMU_SILENT_MS:
            self.imu_lost(now_ms, 0)
            lost = now_ms
        if lost is None and not self.p.sensor_faulty():
            return
        try:
            self.hw.setup_imu()
        except OSError:
            return
        if lost is not None:
            self.imu_lost_ms = None
            self.sample_ms = now_ms
            self.coaching.player.pattern = None  # started on ticks, not the sample clock
            self.p.gap()
            if self.pod is not None:
                self.pod.chest_back(self, now_ms)
            self.event(self.p.t_ms, "imu_back", ticks_diff(now_ms, lost) / 1000)

    def housekeeping(self, now_ms):
        if self.host is not None:
            self.live = self.host.check(now_ms, self)
        self.imu_check(now_ms)
        if self.pod is not None:
            self.pod.check(self, now_ms, _IMU_SILENT_MS)
        if self.baro is not None:
            self.climb_step()
        if self.p.state != STILL or self.live:  # a host watching live is not a shelf
            self.still_ms = now_ms
        elif ticks_diff(now_ms, self.still_ms) >= self.sleep_after_ms:
            self.sleep()
        if ticks_diff(now_ms, self.battery_ms) >= _BATTERY_EVERY_MS:
            self.battery_ms = now_ms
            if self.battery.update(self.hw.battery_mv()):
                self.coaching.player.play(controls.LOW_BATTERY, self.p.t_ms)
                self.event(self.p.t_ms, "battery", self.battery.mv)
        if ticks_diff(now_ms, self.stats_ms) >= _STATS_EVERY_MS:
            self.write_stats()
        if self.writer is not None and self.writer.stopped and not self.log_noted:
            self.log_noted = True
            self.errlog.line("session log stopped: %s" % self.writer.stopped)

    def climb_step(self):
        """Once a second: the barometer's altitude to the coaching object, which raises the
        over-lean band on a sustained climb (docs/coaching.md, Climbs)."""
        try:
            p_pa = self.baro.read_pa()
        except OSError as e:  # a barometer that stops answering: coach on without it
            self.errlog.line("barometer: %r" % (e,))
            self.baro = None
            self.coaching.no_altitude()
            return
        if self.p0_pa is None:
            self.p0_pa = p_pa
        self.coaching.altitude(self.p.t_ms, self.altitude_m(p_pa, self.p0_pa))

    def write_stats(self):
        """Loop statistics since the last report, into the session log."""
        t = self.ticker
        self.stats = (t.rate_hz(), t.late_max_us / 1000, t.overruns,
                      self.hw.imu.overflowed - self.overflows0, self.gc_pause_max_us / 1000)
        self.event(self.p.t_ms, "loop_stats", self.stats)
        if self.pod is not None:
            self.pod.write_stats(self)
        t.reset_stats()
        self.overflows0 = self.hw.imu.overflowed
        self.gc_pause_max_us = 0
        self.stats_ms = time.ticks_ms()

    # ---- sessions ------------------------------------------------------------------------------
    def start_session(self):
        """Coaching on and a new log file (sessionstart.py: loaded for this, then forgotten)."""
        # the last session's garbage goes first: the module's code and the header need room in
        # a heap the session has cut up; the last writer's buffers are kept for the next
        # session (docs/device.md, "Memory")
        gc.collect()
        from . import modules, sessionstart

        sessionstart.start(self)
        modules.forget(modules.SESSION_START)

    def stop_session(self):
        self.session = False
        if self.log is None:
            return
        self.write_stats()
        self.log.event(self.p.t_ms, "stop", None)
        self.log.close(self.p.t_ms)
        self.log = None
        self.log_raw = False

    # ---- standby -------------------------------------------------------------------------------
    def sleep(self):
        """Still for sleep_after_min: end the session and sleep until the button, or motion
        (standby.py, loaded for this moment only). Deep sleep reboots the board on wake; after
        a light sleep the app starts afresh the same way (Wake)."""
        self.stop_session()
        self.hw.haptic.set(0)
        self.hw.led_set(False)
        from .standby import sleep_until_woken

        sleep_until_woken(self.hw, self.profile, self.wdt)
        raise Wake()

    def shut_up(self):
        """After a failure: motor off and the session closed, as far as still possible."""
        try:
            self.hw.haptic.set(0)
            self.hw.led_set(False)
            self.stop_session()
        except Exception:
            pass



def _pause(ms, wdt):
    """Sleep ms in slices, feeding the watchdog."""
    while ms > 0:
        step = min(ms, 500)
        time.sleep_ms(step)
        ms -= step
        if wdt is not None:
            wdt.feed()


def _feed_from_timer(wdt):
    """Ctrl-C from a host (mpremote, `leanclip pull`): the ESP32's watchdog cannot be stopped,
    so a timer keeps feeding it and the REPL stays usable. The human at the keyboard is the
    watchdog now."""
    if wdt is None or not hasattr(machine, "Timer"):
        return
    machine.Timer(0).init(period=_WDT_TIMEOUT_MS // 2, callback=lambda t: wdt.feed())


def run(live=False, errlog=None, settings=None, room=None):
    """main.py's entry (and `leanclip live`'s, with live=True): the app, restarted after any
    exception with a growing pause (never a crash loop); every failure goes to /errors.log.
    Returns on Ctrl-C from a host; deep sleep ends it on the chip. `settings`, `room`: App()'s."""
    errlog = errlog or ErrorLog()
    wdt = machine.WDT(timeout=_WDT_TIMEOUT_MS)
    failures = 0
    pause_ms = 0
    while True:
        app = None
        try:
            _pause(pause_ms, wdt)  # inside the try: Ctrl-C during the pause is handled too
            app = App(errlog, live, settings, room)
            app.wdt = wdt
            app.loop()
        except Wake:
            failures = 0
            pause_ms = 0
        except KeyboardInterrupt:  # a host wants the REPL (mpremote, `leanclip live` ending)
            if app is not None:
                app.shut_up()
            _feed_from_timer(wdt)
            return
        except Exception as e:
            if app is not None:
                app.shut_up()
                if app.passes >= _HEALTHY_PASSES:
                    failures = 0
            failures += 1
            errlog.exception("app failed (restart %d)" % failures, e)
            pause_ms = min(_BACKOFF_MAX_MS, _BACKOFF_FIRST_MS << min(failures - 1, 6))
