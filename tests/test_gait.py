from firmware.core import config
from firmware.core.gait import RUNNING, STILL, WALKING, Gait


def steps(g, interval_ms, n, peak_g, trough_g, t0=0):
    t = t0
    for _ in range(n):
        t += interval_ms
        g.step(t, peak_g, trough_g)
    return t


def test_running_needs_flight_and_cadence_is_measured():
    g = Gait(config.defaults())
    steps(g, 353, 10, 2.6, 0.1)
    assert g.state == RUNNING
    assert abs(g.cadence_spm - 60000 / 353) < 0.5


def test_fast_walk_is_walking_even_at_running_cadence():
    g = Gait(config.defaults())
    steps(g, 400, 10, 1.4, 0.8)
    assert g.state == WALKING


def test_one_odd_step_does_not_flip_the_state():
    g = Gait(config.defaults())
    t = steps(g, 350, 10, 2.6, 0.1)
    g.step(t + 350, 1.3, 0.8)
    assert g.state == RUNNING


def test_a_pause_makes_the_wearer_still():
    g = Gait(config.defaults())
    t = steps(g, 350, 10, 2.6, 0.1)
    assert g.pause(t + 1000) == RUNNING
    assert g.pause(t + 1600) == STILL and g.cadence_spm == 0.0


def test_refractory_gap_follows_the_cadence():
    g = Gait(config.defaults())
    steps(g, 550, 5, 1.3, 0.8)
    assert g.min_step_gap_ms() == 550 * 55 // 100
