"""Climb detection from barometric altitude (firmware/core/climb.py) and the coach's band shift,
on CPython and on MicroPython. Altitudes carry 8 cm of noise (1 Pa, the BMP280's figure at x4
oversampling), fed at 4 Hz like the device's barometer read."""
import random

from firmware.core import config
from firmware.core.climb import Climb
from firmware.core.coach import FAULT_NONE as NONE, FAULT_OVERLEAN as OVERLEAN, Coach
from firmware.core.compat import TICKS_PERIOD

CFG = config.defaults()


def ride(climb, profile, start_ms=0, seed=1):
    """Feed (seconds, vertical m/s) segments at 4 Hz; return [(t_s, shift_deg)]."""
    rnd = random.Random(seed)
    out = []
    alt_m = 100.0
    t_s = 0.0
    for dur_s, vs_mps in profile:
        for _ in range(int(dur_s * 4)):
            t_s += 0.25
            alt_m += vs_mps * 0.25
            t_ms = (start_ms + int(t_s * 1000)) % TICKS_PERIOD
            out.append((t_s, climb.feed(t_ms, alt_m + rnd.gauss(0.0, 0.08))))
    return out


def shifted_s(trace):
    return [t for t, s in trace if s]


def test_flat_running_with_noise_never_counts_as_a_climb():
    for seed in range(5):
        assert shifted_s(ride(Climb(CFG), [(600, 0.0)], seed=seed)) == []


def test_an_8_percent_grade_shifts_the_band_after_the_window_and_ends_after_the_top():
    # 3 m/s on 8 %: 0.24 m/s up for 2 minutes, then flat
    trace = ride(Climb(CFG), [(60, 0.0), (120, 0.24), (120, 0.0)])
    on = shifted_s(trace)
    assert on, "the climb was not detected"
    assert 60 + 10 < on[0] < 60 + 25  # after the 20 s window has seen enough of it
    assert 180 < on[-1] < 180 + 20  # ends within the window after the top
    assert set(s for t, s in trace if s) == {CFG["climb_shift_deg"]}


def test_a_short_ramp_is_no_climb():
    # a bridge: 2.5 m up in 5 s, then flat
    assert shifted_s(ride(Climb(CFG), [(60, 0.0), (5, 0.5), (60, 0.0)])) == []


def test_a_descent_is_no_climb_and_the_tick_wrap_changes_nothing():
    assert shifted_s(ride(Climb(CFG), [(120, -0.3)])) == []
    a = ride(Climb(CFG), [(30, 0.0), (60, 0.3), (30, 0.0)])
    b = ride(Climb(CFG), [(30, 0.0), (60, 0.3), (30, 0.0)], start_ms=TICKS_PERIOD - 50000)
    assert shifted_s(a) and shifted_s(a) == shifted_s(b)


def test_the_threshold_and_window_are_the_config_s():
    cfg = dict(CFG, climb_mps=0.3, climb_window_s=10.0)
    assert shifted_s(ride(Climb(cfg), [(60, 0.24)])) == []
    on = shifted_s(ride(Climb(cfg), [(60, 0.4)]))
    assert on and on[0] < 15


def cues(coach, lean_deg, seconds=30, stride_ms=700):
    out = []
    for i in range(int(seconds * 1000 / stride_ms)):
        out.append(coach.update(i * stride_ms, lean_deg, True, stride_ms))
    return out


def test_the_band_shift_holds_the_over_lean_alert_and_undoing_it_restores_it():
    lean_deg = CFG["overlean_above_deg"] + 2.0
    assert OVERLEAN in cues(Coach(CFG), lean_deg)
    coach = Coach(CFG)
    coach.band_shift_deg(CFG["climb_shift_deg"])
    assert set(cues(coach, lean_deg)) == {NONE}
    coach.band_shift_deg(0.0)
    coach.reset()
    assert OVERLEAN in cues(coach, lean_deg)


UPY = r'''
from firmware.core import config
from firmware.core.climb import Climb
c = Climb(config.defaults())
alt_m = 100.0
first = None
for i in range(4 * 180):
    t_ms = i * 250
    if 240 <= i < 720:
        alt_m += 0.06
    wobble = 0.08 if i % 2 else -0.08
    if c.feed(t_ms, alt_m + wobble) and first is None:
        first = t_ms
print("FIRST", first, c.climbing)
'''


def test_on_micropython(tmp_path, interp):
    interp.compile_firmware(tmp_path)
    script = tmp_path / "climb_check.py"
    script.write_text(UPY)
    out = interp.run(script, tmp_path).split()
    assert out[0] == "FIRST" and 70000 < int(out[1]) < 85000 and out[2] == "True"
