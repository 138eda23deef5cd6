"""The pelvis pod in the device loop (issue 17): found at boot, read in the same pass as the
chest, paired with it (pairing.py), lost and found mid-run.

Why a module of its own: installed as .mpy, code costs heap for as long as it is imported. It is
imported only once a pod has answered at boot (drivers/imu.find_pelvis, in hardware.py), so a
one-IMU board carries none of it (docs/device.md "Chest and pelvis").
"""
import time

from ..core import haptics
from ..core.compat import ticks_diff


def use(dev, chest, rate_hz, accel_fs_g, gyro_fs_dps):
    """(Pod or None, why the pod that answered is not used, or None). dev: the pod's IMU as
    drivers/imu.find_pelvis found it (scan and WHO_AM_I at a strap-high address); it is
    configured as the chest and used only with the chest's output rate and scales:
    Pipeline.feed takes both buffers in one layout and scale, and pairing by sample counts needs
    equal nominal rates (an LSM6DS at 104 Hz behind an MPU at 100 Hz would slip a sample every
    quarter second)."""
    chip = dev.imu
    if not dev.configure(rate_hz, accel_fs_g, gyro_fs_dps):
        return None, "pelvis IMU %s answered but could not be configured" % chip.name
    if (chip.rate_hz, chip.accel_lsb_per_g, chip.gyro_lsb_per_dps) != (
            chest.rate_hz, chest.accel_lsb_per_g, chest.gyro_lsb_per_dps):
        return None, ("pelvis IMU %s not used: its rate/scales (%s Hz, %s, %s) differ from the "
                      "chest's %s (%s Hz, %s, %s); fit the same chip family"
                      % (chip.name, chip.rate_hz, chip.accel_lsb_per_g, chip.gyro_lsb_per_dps,
                         chest.name, chest.rate_hz, chest.accel_lsb_per_g,
                         chest.gyro_lsb_per_dps))
    return Pod(dev, (rate_hz, accel_fs_g, gyro_fs_dps)), None


class Pod:
    """The pod's IMU (a drivers.pelvis.Pelvis), the pairing, and whether it answers. The app
    calls pair_with() once, feed() every pass, check() once a second, write_stats() with its
    loop statistics, chest_back() when its own IMU is back."""

    def __init__(self, dev, settings):
        self.dev = dev
        self.name = dev.imu.name
        self.pair = None
        self._settings = settings  # configure()'s arguments, for configuring it again
        self.lost_ms = None  # ticks_ms when it went missing, None while it answers
        self.sample_ms = time.ticks_ms()  # last time its samples came

    def pair_with(self, app, chest_read, read_max):
        """The pairing buffers: chest_read samples a pass from the chest, at most read_max from
        the pod (the app's cap on one FIFO drain); and the app's pipeline sink gets its
        `pelvis` rows from here (the one-IMU app carries no such code)."""
        from .pairing import Pairing

        self.pair = Pairing(chest_read, min(self.dev.imu.fifo_samples, read_max))
        self._app = app
        app.pelvis = self.pelvis_row  # bound once: the pipeline's calls allocate nothing
        return self.pair.chest

    def pelvis_row(self, t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg):
        """The pipeline's pelvis row (pelvis=True), right after the app's lean row: to the
        session log, and to the live line."""
        app = self._app
        if app.log is not None:
            app.log.pelvis(t_ms, pelvis_deg, lumbar_deg, lumbar_toeoff_deg)
        if app.live:
            app.live_row += " pelvis=%.1f lumbar=%.1f" % (pelvis_deg, lumbar_deg)

    def feed(self, app, n, now_ms):
        """This pass's n new chest samples (read into pair.chest_room()) and the pod's FIFO,
        paired, to the pipeline; the chest alone while the pod (or the chest) is missing."""
        dev = self.dev
        pair = self.pair
        k = 0
        gone = False
        if dev.present and app.imu_lost_ms is None:
            k = dev.read_into(pair.pelvis_room())
            gone = not dev.present  # the cable came out (or a transfer broke off)
        if k:
            self.sample_ms = now_ms
            if self.lost_ms is not None:  # answering again after a reconnect
                self._back(app, now_ms)
                k = 0  # pairing starts afresh from the next pass
        if self.lost_ms is None and app.imu_lost_ms is None and not gone:
            n = pair.take(n, k)
        else:
            n = pair.alone(n)
        if n:
            if app.log_raw:  # both sensors' samples as fed (RAW_PAIRS), the chest's alone
                app.log.raw(app.p.t_ms, pair.chest, n, pair.pelvis if pair.paired else None)
            app.p.feed(pair.chest, n, pair.pelvis if pair.paired else None)
        pair.keep()
        if gone:  # after the feed: the SENSOR cue starts at the latest sample, as it plays
            self._lost(app, now_ms, dev.errno)

    def check(self, app, now_ms, silent_ms):
        """Once a second: a pod that answers but sends nothing for silent_ms while the chest
        sends (it lost power for an instant and came back unconfigured) is lost too; a lost one
        is tried again - by WHO_AM_I and a fresh configure if it stopped answering, by
        configuring it again if it answers but stays silent. It is back when its samples come
        (feed)."""
        if self.lost_ms is None:
            if (app.imu_lost_ms is None and ticks_diff(now_ms, self.sample_ms) >= silent_ms
                    and ticks_diff(now_ms, app.sample_ms) < silent_ms):
                self._lost(app, now_ms, 0)
            return
        if self.dev.present:
            self.dev.configure(*self._settings)
        else:
            self.dev.reconnect()

    def write_stats(self, app):
        """With the app's loop_stats (once a minute and at session stop): the pairing's counts
        since the last report, as `pelvis_pairing` (paired, held, dropped, alone; pairing.py),
        so that a recording says how much of the pelvis data was paired."""
        pair = self.pair
        app.event(app.p.t_ms, "pelvis_pairing",
                  (pair.fed_paired, pair.held, pair.dropped, pair.fed_alone))
        pair.fed_paired = pair.held = pair.dropped = pair.fed_alone = 0

    def chest_back(self, app, now_ms):
        """The chest IMU is back after a gap: the pod's FIFO ran on (or was reset) meanwhile."""
        self.pair.forget_pelvis()
        self.sample_ms = now_ms
        app.p.pelvis_gap()

    def sleep(self, threshold_mg):
        """Before the board sleeps: the chest's motion standby for the pod too. Its INT is on no
        wire, so it wakes nothing, but it stops drawing its low-noise current (~1 mA) all night;
        the next boot configures it afresh."""
        if self.dev.present:
            try:
                self.dev.imu.wake_on_motion(threshold_mg)
            except OSError:
                pass

    def _lost(self, app, now_ms, code):
        """Say so once, buzz SENSOR (the pelvis alerts are off now), coach on with the chest
        alone (Pipeline.pelvis_gap) and retry every second (check)."""
        self.lost_ms = now_ms
        app.p.pelvis_gap()
        t_ms = app.p.t_ms
        app.event(t_ms, "pelvis_lost", code)
        app.coaching.player.play(haptics.SENSOR, t_ms)

    def _back(self, app, now_ms):
        """Samples again: pairing restarts, and the pipeline trusts the pelvis again only once
        its tilt is set afresh (pelvis_gap)."""
        lost = self.lost_ms
        self.lost_ms = None
        self.pair.forget_pelvis()
        app.p.pelvis_gap()
        app.event(app.p.t_ms, "pelvis_back", ticks_diff(now_ms, lost) / 1000)
