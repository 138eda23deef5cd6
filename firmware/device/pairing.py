"""Chest and pelvis samples paired by sample counts, for Pipeline.feed(buf, n, pelvis_buf).

Why counts and not time stamps: both chips run at the same nominal output rate and both FIFOs
are drained in the same loop pass, so the k-th sample of each since pairing began was taken
within a sample period of the other's - as long as the two counts are kept together. They drift
apart because each chip has its own oscillator (the MPU-6050's is specified to about +-1 %: a
sample per second at 100 Hz), and from pass to pass one FIFO may hold a sample more than the
other. So:
- up to _CARRY_MAX samples of the IMU that is ahead wait at the front of its buffer for the
  next pass (20 ms at 100 Hz): read jitter costs nothing;
- beyond that, a pelvis ahead has its oldest surplus sample dropped (`dropped`), and a chest
  ahead is paired with the last pelvis sample held (`held`; from the pass before if this pass
  brought none), so the chest - the coach - never waits longer than _CARRY_MAX samples for the
  pelvis, and the pipeline never sees the pelvis missing (which would make its tilt stale)
  merely because a pass came early. At a 1 % clock difference that is one
  sample in 100 dropped or repeated: the gyro loses or repeats 10 ms of rotation once a second,
  which the tilt filter's accelerometer pull takes out, and the pairing never slips by more
  than _CARRY_MAX + 1 samples.

What the pairing did is counted (`fed_paired`, `held`, `dropped`, `fed_alone`) and logged with the
loop statistics once a minute (pod.Pod.write_stats: the `pelvis_pairing` event), so that a
recording says how many pelvis samples were paired, repeated, dropped or missing.

Integer work on preallocated buffers only: the loop calls this every pass (test_app_alloc.py).
"""
from array import array

from ..core.compat import const

_CARRY_MAX = const(2)  # samples one IMU may run ahead of the other: 20 ms at 100 Hz


class Pairing:
    """The chest and pelvis sample buffers and what waits in them. Each pass:

        n = chest.read_into(pair.chest_room()); k = pod.read_into(pair.pelvis_room())
        m = pair.take(n, k)          # or pair.alone(n) while the pelvis is missing
        pipeline.feed(pair.chest, m, pair.pelvis if pair.paired else None)
        pair.keep()                  # what waits goes to the front, for the next pass
    """

    def __init__(self, chest_read, pelvis_read):
        """chest_read, pelvis_read: the most samples one pass reads from each FIFO (the app's
        FIFO_READ_SAMPLES, or a smaller FIFO; a backlog waits in the FIFO for the next pass).
        Each buffer has room for what waits in front of one pass's read; the pelvis buffer also
        holds as many samples as the chest can deliver, for the held ones."""
        self.chest = array("h", bytes(12 * (chest_read + _CARRY_MAX)))
        self.pelvis = array("h", bytes(12 * max(pelvis_read + _CARRY_MAX, chest_read)))
        # a view at each possible carry, made once: slicing a memoryview allocates
        self._chest_views = [memoryview(self.chest)[6 * k:] for k in range(_CARRY_MAX + 1)]
        self._pelvis_views = [memoryview(self.pelvis)[6 * k:] for k in range(_CARRY_MAX + 1)]
        self._chest_wait = 0   # samples at the front of a buffer waiting for the other IMU
        self._pelvis_wait = 0
        self.paired = False    # the last take(): pelvis holds the partners of the chest samples
        # counts since the last report (pod.Pod.write_stats): chest samples fed with a pelvis
        # sample (held ones included) and without one; pelvis samples dropped (its clock ran
        # ahead) and repeated (the chest's clock ran ahead, or the pelvis sent none this pass)
        self.fed_paired = self.fed_alone = 0
        self.dropped = 0
        self.held = 0
        self._chest_from = self._chest_keep = 0  # keep(): what moves to the front
        self._pelvis_from = self._pelvis_keep = 0
        self._last = array("h", bytes(12))  # the last pelvis sample fed, to hold across passes
        self._has_last = False

    def chest_room(self):
        """Where the chest's new samples go: behind the ones that wait."""
        return self._chest_views[self._chest_wait]

    def pelvis_room(self):
        return self._pelvis_views[self._pelvis_wait]

    def take(self, n, k):
        """n new chest and k new pelvis samples were read into the rooms: how many (m) to feed
        now, the first m of `chest` with the first m of `pelvis` (`paired`)."""
        n += self._chest_wait
        k += self._pelvis_wait
        if n > k + _CARRY_MAX:  # the chest ran ahead: hold the last pelvis sample
            m = n - _CARRY_MAX
            have = k
            if not have and self._has_last:  # none this pass: the one fed last pass
                _copy(self._last, 0, self.pelvis, 0)
                have = 1
                self.held += 1
            self.paired = have > 0  # nothing to hold yet: the chest alone for these
            if have:
                self.held += m - have
                _hold(self.pelvis, have, m)
                self.fed_paired += m
            else:
                self.fed_alone += m
            self._plan(m, _CARRY_MAX, k, 0)
            return m
        self.paired = True
        if k > n + _CARRY_MAX:  # the pelvis ran ahead: drop its oldest surplus
            self.dropped += k - n - _CARRY_MAX
            self.fed_paired += n
            self._plan(n, 0, k - _CARRY_MAX, _CARRY_MAX)
            return n
        m = n if n < k else k
        self.fed_paired += m
        self._plan(m, n - m, m, k - m)
        return m

    def alone(self, n):
        """The pelvis is missing: all chest samples (n new and those that waited) to feed alone."""
        n += self._chest_wait
        self.paired = False
        self.fed_alone += n
        self._plan(n, 0, 0, 0)
        return n

    def forget_pelvis(self):
        """Start the pelvis afresh (it came back, or its FIFO ran on while the chest was lost)."""
        self._pelvis_wait = 0
        self._pelvis_keep = 0
        self._has_last = False

    def keep(self):
        """After the feed: the samples that wait move to the front of their buffers."""
        m = self._chest_from  # fed
        if self.paired and m:
            _copy(self.pelvis, 6 * (m - 1), self._last, 0)
            self._has_last = True
        _to_front(self.chest, self._chest_from, self._chest_keep)
        _to_front(self.pelvis, self._pelvis_from, self._pelvis_keep)
        self._chest_wait = self._chest_keep
        self._pelvis_wait = self._pelvis_keep

    def _plan(self, chest_from, chest_keep, pelvis_from, pelvis_keep):
        self._chest_from = chest_from
        self._chest_keep = chest_keep
        self._pelvis_from = pelvis_from
        self._pelvis_keep = pelvis_keep


def _to_front(buf, start, n):
    """Move samples start..start+n of buf to its front: an integer copy (a slice allocates)."""
    j = 6 * start
    if j:
        for i in range(6 * n):
            buf[i] = buf[j + i]


def _copy(src, i, dst, j):
    """One sample (6 values) from src[i:] to dst[j:]."""
    for c in range(6):
        dst[j + c] = src[i + c]


def _hold(buf, have, want):
    """Fill samples have..want of buf with copies of sample have-1, as a sample-and-hold would."""
    last = 6 * (have - 1)
    for i in range(6 * have, 6 * want):
        buf[i] = buf[last + i % 6]
