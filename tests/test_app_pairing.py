"""Chest and pelvis samples paired by sample counts (firmware/device/pairing.py): two chips on
their own oscillators, drained once per 20 ms loop pass with jitter, one clock up to 2 % off the
other. What must hold: every chest sample reaches the pipeline once and in order (the chest is
the coach: none dropped, none repeated, none waiting more than _CARRY_MAX samples), each is
paired with the pelvis sample taken nearest to it within a few sample periods, and the drift is
absorbed by as many dropped or held pelvis samples as the clocks differ by, no more."""
import random

import pytest

from firmware.device.pairing import _CARRY_MAX, Pairing

RATE_HZ = 100.0
FIFO = 85  # the MPU-6050's FIFO in samples (1024 bytes / 12)
READ = 32  # the most one pass reads from a FIFO (the app's FIFO_READ_SAMPLES)


class Chip:
    """A FIFO filled at rate_hz (its own clock) from t0_s; each sample carries its index in
    value 0 and 1 (high and low 15 bits) so the test can tell which it was."""

    def __init__(self, rate_hz, t0_s, fifo=FIFO):
        self.rate_hz = rate_hz
        self.t0_s = t0_s
        self.read = 0  # samples taken so far
        self.fifo = fifo
        self.lost = 0

    def read_into(self, view, t_s):
        made = max(0, int((t_s - self.t0_s) * self.rate_hz) + 1)
        if made - self.read > self.fifo:  # overflow: the oldest are gone
            self.lost += made - self.read - self.fifo
            self.read = made - self.fifo
        n = min(made - self.read, len(view) // 6)
        for i in range(n):
            k = self.read + i
            view[6 * i] = k >> 15
            view[6 * i + 1] = k & 0x7FFF
            view[6 * i + 2] = 4096
        self.read += n
        return n

    def time_s(self, k):
        return self.t0_s + k / self.rate_hz


def index(buf, i):
    return (buf[6 * i] << 15) | buf[6 * i + 1]


def run(pelvis_ppm, seconds=120, seed=0, stalls=(), late_ms=4, stall_s=1.5):
    rnd = random.Random(seed)
    chest = Chip(RATE_HZ, 0.0)
    pelvis = Chip(RATE_HZ * (1 + pelvis_ppm * 1e-6), rnd.uniform(0, 0.01))
    pair = Pairing(READ, READ)
    fed_chest = []
    offsets_s = []
    unpaired = 0
    t = 0.0
    deadline = 0.0
    while t < seconds:
        # the loop wakes at absolute deadlines 20 ms apart, each pass up to late_ms late
        deadline += 0.020
        t = deadline + rnd.uniform(0, late_ms) / 1000
        if stalls and stalls[0] <= t:
            deadline += stall_s  # a flash stall (1.5 s: longer than the FIFO)
            t += stall_s
            stalls = stalls[1:]
        n = chest.read_into(pair.chest_room(), t)
        k = pelvis.read_into(pair.pelvis_room(), t)
        m = pair.take(n, k)
        for i in range(m):
            kc = index(pair.chest, i)
            fed_chest.append(kc)
            if pair.paired:
                offsets_s.append(pelvis.time_s(index(pair.pelvis, i)) - chest.time_s(kc))
            else:
                unpaired += 1
        pair.keep()
    return chest, pelvis, pair, fed_chest, offsets_s, unpaired


@pytest.mark.parametrize("ppm", [-20000, -10000, 0, 3000, 10000, 20000])
def test_every_chest_sample_once_in_order_and_the_pelvis_partner_near_it(ppm):
    chest, pelvis, pair, fed, offsets, unpaired = run(ppm)
    assert fed == list(range(len(fed)))  # none dropped, none repeated, in order
    assert chest.read - len(fed) <= _CARRY_MAX  # only the carry waits
    period = 1 / RATE_HZ
    worst = max(abs(o) for o in offsets)
    assert worst <= (_CARRY_MAX + 1.5) * period, worst
    # the drift is absorbed by about as many samples as the clocks differ by (1 % over 120 s
    # = 120 samples), in the right direction
    drift = abs(ppm) * 1e-6 * RATE_HZ * 120
    if ppm > 0:
        assert pair.held == 0 and abs(pair.dropped - drift) <= _CARRY_MAX + 3
    elif ppm < 0:
        assert pair.dropped == 0 and abs(pair.held - drift) <= _CARRY_MAX + 3
    else:
        assert pair.dropped + pair.held <= _CARRY_MAX + 1
    assert unpaired == 0
    # the counts the session log gets (pelvis_pairing): every chest sample fed is counted
    # once, paired (held ones included) or alone
    assert pair.fed_paired == len(fed) and pair.fed_alone == 0


def test_a_stall_longer_than_the_fifo_realigns_within_a_pass():
    chest, pelvis, pair, fed, offsets, unpaired = run(10000, stalls=(30.0, 60.0))
    assert chest.lost > 0 and pelvis.lost > 0  # both FIFOs overflowed
    assert fed == sorted(set(fed))  # in order, never twice
    assert sum(abs(o) > (_CARRY_MAX + 1.5) / RATE_HZ for o in offsets) <= 2 * FIFO
    assert max(abs(o) for o in offsets[-1000:]) <= (_CARRY_MAX + 1.5) / RATE_HZ


def test_the_pelvis_missing_feeds_the_chest_alone_and_it_restarts_cleanly():
    pair = Pairing(READ, READ)
    chest = Chip(RATE_HZ, 0.0)
    pelvis = Chip(RATE_HZ, 0.004)
    fed = []
    for p in range(300):
        t = 0.02 * (p + 1)
        n = chest.read_into(pair.chest_room(), t)
        if 100 <= p < 200:  # unplugged: the app calls alone(); the pelvis FIFO runs on
            m = pair.alone(n)
            assert not pair.paired
        else:
            if p == 200:  # back: read once, forgotten, pairing from the next pass
                pelvis.read_into(pair.pelvis_room(), t)
                pair.forget_pelvis()
                k = 0
            else:
                k = pelvis.read_into(pair.pelvis_room(), t)
            m = pair.take(n, k)
        fed += [index(pair.chest, i) for i in range(m)]
        if p > 202 and m:
            assert pair.paired
            assert abs(pelvis.time_s(index(pair.pelvis, 0))
                       - chest.time_s(index(pair.chest, 0))) <= (_CARRY_MAX + 1) / RATE_HZ
        pair.keep()
    assert fed == list(range(len(fed)))
    # counted for the session log (pelvis_pairing): the 100 passes unplugged (and the one
    # after the pod came back, whose pelvis samples were forgotten) fed the chest alone
    assert pair.fed_paired + pair.fed_alone == len(fed)
    assert 100 * 2 <= pair.fed_alone <= 101 * 2 + _CARRY_MAX


def test_a_loop_late_and_then_early_never_leaves_the_pipeline_without_a_pelvis_sample():
    """A late pass is followed by an early one (the loop keeps absolute deadlines): the early
    one may bring a chest sample and no pelvis one. Held from the pass before, never fed
    chest-alone - the pipeline would take that as the pelvis missing and distrust its tilt."""
    for ppm in (-10000, 0, 10000):  # the pelvis slower: the chest often waits for it
        chest, pelvis, pair, fed, offsets, unpaired = run(ppm, seconds=60, late_ms=15)
        assert unpaired == 0 and fed == list(range(len(fed)))
        assert max(abs(o) for o in offsets) <= (_CARRY_MAX + 2.5) / RATE_HZ


def test_a_stall_within_the_fifo_loses_nothing_and_catches_up_a_bounded_read_at_a_time():
    """0.6 s stalls (60 samples, inside the FIFO): each pass reads at most READ samples,
    the rest waits in the FIFO, and every chest sample still reaches the pipeline once."""
    chest, pelvis, pair, fed, offsets, unpaired = run(10000, stalls=(30.0, 60.0), stall_s=0.6)
    assert chest.lost == 0 and pelvis.lost == 0
    assert fed == list(range(len(fed))) and unpaired == 0
    assert max(abs(o) for o in offsets) <= (_CARRY_MAX + 1.5) / RATE_HZ
    assert len(pair.chest) == 6 * (READ + _CARRY_MAX)  # not a whole FIFO's worth
