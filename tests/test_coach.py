from firmware.core import config
from firmware.core.coach import FAULT_ARCH as ARCH, FAULT_NONE as NONE, Coach
from firmware.core.coach import FAULT_OVERLEAN as OVERLEAN, FAULT_UPRIGHT as UPRIGHT
from firmware.core.compat import TICKS_PERIOD


def run(coach, leans, start_ms=0, stride_ms=350, running=True):
    """Feed one lean per stride; returns [(t_ms, fault)] for every buzz."""
    out = []
    for i, lean in enumerate(leans):
        t = (start_ms + i * stride_ms) % TICKS_PERIOD
        f = coach.update(t, lean, running)
        if f != NONE:
            out.append((i * stride_ms, f))
    return out


def make(**over):
    cfg, errors = config.validate(over)
    assert not errors
    return Coach(cfg)


def test_good_lean_never_buzzes():
    assert run(make(), [7.0, 6.0, 8.0] * 200) == []


def test_upright_buzzes_after_hold_then_every_repeat():
    buzzes = run(make(), [7.0] * 10 + [1.0] * 150)
    assert [f for _, f in buzzes] == [UPRIGHT] * 4
    onset = 10 * 350
    first = buzzes[0][0] - onset
    # the mean of 2 strides crosses one stride after onset; then 3 s must pass
    assert 3000 <= first <= 3000 + 2 * 350
    gaps = [b[0] - a[0] for a, b in zip(buzzes, buzzes[1:], strict=False)]
    assert all(15000 <= g < 15000 + 350 for g in gaps)


def test_each_fault_gets_its_own_type():
    assert run(make(), [-5.0] * 20)[0][1] == ARCH
    assert run(make(), [25.0] * 20)[0][1] == OVERLEAN
    assert run(make(overlean_alert=False), [25.0] * 100) == []


def test_short_fault_does_not_buzz():
    assert run(make(), ([7.0] * 10 + [1.0] * 6) * 10) == []


def test_walking_or_stopping_resets_and_never_buzzes():
    c = make()
    assert run(c, [1.0] * 100, running=False) == []
    # 2.5 s of upright running, a walk break (the pipeline resets the coach), 2.5 s again:
    # never 3 s in a row
    leans = [1.0] * 7
    for k in range(5):
        assert run(c, leans, start_ms=10000 * k) == []
        c.reset()


def test_a_pause_keeps_the_fault_and_its_start():
    """A corner pauses the evidence (coached False) without forgetting it: 2 s of upright, a
    2.5 s corner, then the first coached stride buzzes (the fault is 4.5 s old by then)."""
    c = make()
    assert run(c, [1.0] * 6) == []                             # 0 .. 1.75 s
    assert run(c, [1.0] * 7, start_ms=2100, running=False) == []  # the corner
    t_ms = 2100 + 7 * 350
    assert c.update(t_ms, 1.0, True, 350) == UPRIGHT


def test_noise_at_the_band_edge_does_not_restart_the_fault():
    # true lean 3.6 (upright), single strides poke above 4 deg: still one steady fault
    leans = [3.6, 4.3, 3.2, 3.9, 4.4, 3.5] * 30
    buzzes = run(make(), leans)
    assert [f for _, f in buzzes] == [UPRIGHT] * 4


def test_fault_switch_needs_clear_time_and_restarts_hold():
    buzzes = run(make(), [1.0] * 20 + [-6.0] * 20)
    kinds = [f for _, f in buzzes]
    assert kinds == [UPRIGHT, ARCH]
    assert buzzes[1][0] - 20 * 350 >= 3000


def test_clock_wrap_is_harmless():
    start = TICKS_PERIOD - 2000
    buzzes = run(make(), [1.0] * 30, start_ms=start)
    assert [f for _, f in buzzes] == [UPRIGHT]


def test_an_alert_waits_while_the_lean_is_in_doubt_and_keeps_the_faults_start():
    """doubt_deg (coaching.py, from the forward force: a tilt error or a speed change) says the
    lean may be that much further forward (+) or back (-): an alert whose fault that would undo
    waits; once the doubt falls the buzz comes at once, because the fault kept its start. A
    doubt that points further into the fault holds nothing."""
    coach = make()
    coach.doubt_deg = 5.0  # the lean 1 deg may be 6 deg: in the band
    assert run(coach, [7.0] * 10 + [1.0] * 20) == []
    coach.doubt_deg = 0.5
    assert run(coach, [1.0], start_ms=30 * 350) == [(0, UPRIGHT)]
    coach = make()
    coach.doubt_deg = -2.5  # the lean 1 deg may be -1.5: still upright
    assert run(coach, [7.0] * 10 + [1.0] * 20)[0] == (10 * 350 + 9 * 350, UPRIGHT)


def test_an_alert_waits_while_its_doubt_reaches_the_other_faults_band():
    """Upright and arch are both "too far back"; a post-corner tilt error can carry the lean
    across the arch edge (docs/bench.md, issue 12 eleventh round: seed 1425 was buzzed upright
    through an arch). When the lean with its doubt lies in the other fault's band, which pattern
    is right is not known: the alert waits, the fault keeping its start."""
    coach = make()
    coach.doubt_deg = -5.0  # the upright lean 1 deg may be -4: an arch
    assert run(coach, [7.0] * 10 + [1.0] * 20) == []
    coach.doubt_deg = 0.0
    assert run(coach, [1.0], start_ms=30 * 350) == [(0, UPRIGHT)]
    coach = make()
    coach.doubt_deg = 4.0  # the arch -3 deg may be +1: upright
    assert run(coach, [7.0] * 10 + [-3.0] * 20) == []
