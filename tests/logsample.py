"""A deterministic sample session for the log tests, runnable on CPython and MicroPython.

It stands in for the pipeline (the sink contract of docs/architecture.md) so the log tests do
not move when the pipeline's numbers do: a loop at 100 Hz that feeds raw samples, a lean row
every 330 ms, every event of the log format (EVENTS), with the sample clock wrapping at 2**30
in the middle of the session.

Run as a script (on MicroPython) it writes the session to the path in argv.
"""
import sys
from array import array

from firmware.core import logfmt
from firmware.core.summary import SummarySink
from firmware.device.sessionlog import LogWriter

META = ('{"fw":"0.1.0","board":"esp32-devkitc","imu":"lsm6ds3",'
        '"config":{"arch_below_deg":-2.0,"upright_below_deg":4.0,"overlean_above_deg":20.0},'
        '"calibration":{"gyro_bias":[3,-2,1]}}')
RATE_HZ = 100.0
T0_MS = (1 << 30) - 2500  # the clock wraps 2.5 s in
_MASK = (1 << 30) - 1


# (loop tick, event, value): every event of the current log format, each with a value that a
# wrong type, field or unit would change (a negative tick counts from the end). Session ms of a
# tick: (tick + 1) * 10. Ticks 699 and 1399 add a buzz_upright of 1.5 deg.
EVENTS = (
    (0, "start", None),
    (20, "config_error", "led_pin: 99 is not a pin, default 2 used"),
    (40, "stand_tall", 2),
    (50, "calibrated", None),
    (50, "battery", 3987),
    (150, "state", 2),
    (400, "forward_found", 0.85),
    (450, "accel", 0.125),
    (500, "forward_corrected", 35.5),
    (600, "personal_band", 7.5),
    (750, "cue_good", 8.25),
    (800, "buzz_arch", -3.0),
    (850, "buzz_overlean", 21.5),
    (900, "error", "imu fifo overflow"),
    (900, "loop_stats", (103.9, 2.5, 0, 1, 4.25)),
    (1000, "drift", -2.5),
    (1100, "cue_summary", 4),
    (1200, "flash_full", None),
    (1250, "sensor_fault", 2),
    (1300, "sensor_ok", 3.5),
    (1350, "imu_lost", 19),
    (1380, "imu_back", 1.25),
    (1420, "pelvis_lost", 5),
    (1450, "pelvis_fault", 1),
    (1470, "pelvis_back", 2.25),
    (1480, "pelvis_ok", 1.75),
    (1490, "pelvis_pairing", (5960, 12, 7, 40)),
    (1500, "buzz_hipbend", 7.5),
    (1550, "buzz_lumbar_arch", -6.25),
    (-1, "stop", None),
)


class CountingFile:
    """A file that keeps what was flushed apart from what was only written (a power cut loses
    the latter), and that runs out of space after `capacity` bytes: a write that does not fit
    raises ENOSPC and writes nothing (a cut block is the power-cut tests' business)."""

    def __init__(self, capacity=None):
        self.durable = bytearray()
        self.pending = bytearray()
        self.capacity = capacity
        self.flushes = 0

    def write(self, buf):
        data = bytes(buf)
        if self.capacity is not None and \
                len(self.durable) + len(self.pending) + len(data) > self.capacity:
            raise OSError(28)
        self.pending += data
        return len(data)

    def flush(self):
        self.durable += self.pending
        self.pending = bytearray()
        self.flushes += 1

    def close(self):
        self.flush()


def writer(target, raw=False, raw_samples=16):
    mode = logfmt.MODE_RAW if raw else logfmt.MODE_SUMMARY
    return LogWriter(target, mode, 7, RATE_HZ, 4096.0, 16.384, 1764000000, META,
                     raw_samples=raw_samples)


def drive(out, seconds, raw=False, checkpoint=None):
    """Run the session into `out` (a writer). checkpoint(t_session_ms) is called after each
    loop iteration, for tests that look at the file mid-session."""
    sink = SummarySink(out, T0_MS)
    seed = 12345
    sample = array("h", [0] * 6)
    state = 0
    t = T0_MS
    ticks = int(seconds * RATE_HZ)
    for tick in range(ticks):
        t = (t + 10) & _MASK
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        for j in range(6):
            sample[j] = ((seed >> (j * 4)) & 0x7FFF) - 16384
        sink.raw(t, sample, 1)
        for at, name, value in EVENTS:
            if at == tick or at < 0 and tick == ticks + at:
                sink.event(t, name, value)
                if name == "state":
                    state = value
        if tick % 33 == 0 and tick > 100:
            lean = 6.0 + ((seed >> 8) % 200) / 20.0 - 5.0
            roll = ((seed >> 3) % 100) / 10.0 - 5.0
            sink.lean(t, lean, roll, 170.0 + (seed % 13), state, 660)
        if tick % 700 == 699:
            sink.event(t, "buzz_upright", 1.5)
        sink.poll(t)
        if checkpoint is not None:
            checkpoint(tick * 10 + 10)
    sink.close(t)


# passes of a raw session with a pelvis pod (drive_pairs): samples fed, with their pelvis
# partners or alone (the pod missing), as pod.Pod.feed hands them to the log
PAIR_PASSES = ((5, False), (7, True), (7, True), (3, False), (9, True), (2, True), (4, False))


def pair_value(k, j, pelvis):
    """Value j of sample k (of the chest, or of its pelvis partner): 1 g along z, a wobble
    that differs from sample to sample, axis to axis and sensor to sensor."""
    return (4096 if j == 2 else 0) + (k * 7 + j * 11 + (5 if pelvis else 0)) % 61 - 30


def drive_pairs(out, repeat=8):
    """A raw session with a pelvis pod into `out` (a raw-mode writer): PAIR_PASSES, `repeat`
    times, one pass each 100 ms."""
    sink = SummarySink(out, T0_MS)
    chest = array("h", [0] * (6 * 16))
    pelvis = array("h", [0] * (6 * 16))
    t = T0_MS
    k = 0
    for _ in range(repeat):
        for n, paired in PAIR_PASSES:
            for i in range(n):
                for j in range(6):
                    chest[6 * i + j] = pair_value(k + i, j, False)
                    pelvis[6 * i + j] = pair_value(k + i, j, True)
            sink.raw(t, chest, n, pelvis if paired else None)
            k += n
            t = (t + 10 * n) & _MASK
            sink.poll(t)
    sink.close(t)


if __name__ == "__main__":
    if sys.argv[2] == "pairs":
        drive_pairs(writer(sys.argv[1], True))
    else:
        drive(writer(sys.argv[1], sys.argv[2] == "raw"), float(sys.argv[3]),
              sys.argv[2] == "raw")
