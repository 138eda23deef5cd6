from firmware.core import haptics
from firmware.core.compat import TICKS_PERIOD, ticks_add


def timeline(pattern, start_ms=0, until_ms=3000):
    p = haptics.Player()
    p.play(pattern, start_ms)
    return [p.level(ticks_add(start_ms, t)) for t in range(0, until_ms, 10)]


def pulses(levels):
    """Durations (in 10 ms ticks) of the on-runs."""
    runs, n = [], 0
    for v in levels + [0]:
        if v:
            n += 1
        elif n:
            runs.append(n)
            n = 0
    return runs


def test_alerts_feel_different():
    felt = {name: tuple(pulses(timeline(p))) for name, p in haptics.PATTERNS.items()}
    assert felt["upright"] == (60,)
    assert felt["arch"] == (15, 15)
    assert felt["overlean"] == (15, 15, 15)
    assert len(set(felt.values())) == len(felt)


def test_player_is_idle_after_the_pattern_and_survives_wrap():
    p = haptics.Player()
    start = TICKS_PERIOD - 100
    p.play(haptics.UPRIGHT, start)
    assert p.level(ticks_add(start, 599)) == haptics.LEVEL_FULL
    assert p.level(ticks_add(start, 601)) == 0
    assert not p.busy()


def test_new_pattern_replaces_the_old():
    p = haptics.Player()
    p.play(haptics.UPRIGHT, 0)
    p.play(haptics.ARCH, 100, level=128)
    assert p.level(150) == 128 and p.level(300) == 0 and p.level(450) == 128
