"""The device app's pure parts on CPython: press kinds, LED blinks, battery warning, drill tilt,
the personal band, config and board files, the bounded error log."""
import json
import math

import pytest

from firmware.core import config
from firmware.core.haptics import Player
from firmware.device import controls, devconfig
from firmware.device.controls import DOUBLE, LONG, NONE, SHORT, Button
from firmware.core.config import personal_band
from firmware.core.orientation import tilt_deg
from firmware.device.drill import Drill
from firmware.device.errorlog import ErrorLog

STEP_MS = 20  # the loop period


def presses(timeline, end_ms, button=None, bounce=False):
    """Poll a Button every 20 ms over [(t_down, t_up)], with contact bounce at each edge if
    asked; returns [(t_ms, kind)]."""
    button = button or Button()
    out = []
    for t in range(0, end_ms, STEP_MS):
        down = any(a <= t < b for a, b in timeline)
        if bounce and any(abs(t - e) < STEP_MS for a, b in timeline for e in (a, b)):
            down = not down
        kind = button.poll(t, down)
        if kind != NONE:
            out.append((t, kind))
    return out


def test_short_press_reported_after_the_double_press_gap():
    (t, kind), = presses([(1000, 1150)], 3000)
    assert kind == SHORT
    assert 1150 + controls.DOUBLE_GAP_MS <= t <= 1150 + controls.DOUBLE_GAP_MS + 60


def test_double_press_at_once_and_no_short():
    (t, kind), = presses([(1000, 1100), (1300, 1400)], 3000)
    assert kind == DOUBLE and t <= 1400 + controls.DEBOUNCE_MS + STEP_MS  # on the release


def test_long_press_fires_while_held_and_its_release_is_nothing():
    (t, kind), = presses([(1000, 4000)], 6000)
    assert kind == LONG and 1000 + controls.LONG_MS <= t <= 1000 + controls.LONG_MS + 60


def test_bounce_is_one_press():
    assert [k for _, k in presses([(1000, 1200)], 3000, bounce=True)] == [SHORT]


def test_a_press_held_at_start_is_not_a_press():
    assert presses([(0, 800)], 3000, Button(held=True)) == []


def test_status_led_writes_only_changes():
    writes = []
    led = controls.StatusLed(writes.append)
    for t in range(0, 4000, STEP_MS):
        led.show(t, controls.LED_COACHING)
    assert writes == [True, False, True, False]


def test_battery_warns_once_until_charged():
    w = controls.BatteryWatch(3500)
    assert [w.update(mv) for mv in (3900, 0, 3480, 3400, 3600, 3700, 3450)] == \
        [False, False, True, False, False, False, True]


def test_low_battery_cue_is_unlike_every_other_pattern():
    from firmware.core.haptics import PATTERNS
    assert controls.LOW_BATTERY not in PATTERNS.values()


@pytest.mark.parametrize("deg", [0.0, 4.0, 10.0, 30.0])
def test_drill_tilt_from_up(deg):
    a = math.radians(deg)
    assert tilt_deg((0.0, 0.0, 1.0), 0.0, 2 * math.sin(a), 2 * math.cos(a)) == \
        pytest.approx(deg, abs=1e-6)


def test_config_file_problems_become_lines_and_defaults(tmp_path):
    path = tmp_path / "leanclip.json"
    assert devconfig.load(str(path)) == (config.defaults(), [])  # no file: no complaint
    path.write_text(json.dumps({"drill_min_deg": 12, "drill_max_deg": 8, "sleep_after_min": 5}))
    cfg, problems = devconfig.load(str(path))
    assert cfg["sleep_after_min"] == 5.0
    assert (cfg["drill_min_deg"], cfg["drill_max_deg"]) == (4.0, 10.0)
    assert len(problems) == 1 and "drill_min_deg" in problems[0]
    path.write_text("[1, 2")
    cfg, problems = devconfig.load(str(path))
    assert cfg == config.defaults() and "not valid JSON" in problems[0]


def _drill_held(leans, every_ms=500):
    d = Drill(Player(), 4.0, 10.0)
    d.on = True
    for i, lean in enumerate(leans):
        d.lean(i * every_ms, lean)
    return d.held_deg()


def test_drill_held_lean_needs_3_s_steady():
    assert _drill_held([2.0, 9.0, 7.0, 7.5, 6.8, 7.2, 7.1, 6.9]) == pytest.approx(7.083, abs=1e-3)
    assert _drill_held([7.0, 7.5, 6.8, 7.2, 7.1]) is None  # only 2.5 s
    assert _drill_held([7.0, 8.6, 7.0, 7.2, 7.1, 6.9]) is None  # spread 1.6 deg
    assert _drill_held([7.0] * 6, every_ms=1000) is None  # gaps: no readings between


@pytest.mark.parametrize("held, cfg, want", [
    (7.0, {}, {"upright_below_deg": 4.0, "drill_min_deg": 5.0, "drill_max_deg": 9.0}),
    (1.5, {}, {"upright_below_deg": -1.0, "drill_min_deg": 0.0, "drill_max_deg": 3.5}),
    (12.0, {"personal_margin_deg": 5.0},
     {"upright_below_deg": 7.0, "drill_min_deg": 10.0, "drill_max_deg": 14.0}),
    (-1.5, {}, None),   # at the arch band: no room for an upright band below it
    (20.5, {}, None),   # over-leaning
])
def test_personal_band_limits(held, cfg, want):
    c = dict(config.defaults(), **cfg)
    assert personal_band(c, held) == want


def test_config_save_keeps_the_users_other_keys(tmp_path):
    path = tmp_path / "leanclip.json"
    devconfig.save({"upright_below_deg": 5.0}, str(path))  # no file yet
    assert json.loads(path.read_text()) == {"upright_below_deg": 5.0}
    path.write_text(json.dumps({"repeat_s": 20.0, "upright_below_deg": 3.0}))
    devconfig.save({"upright_below_deg": 5.5, "drill_min_deg": 6.0}, str(path))
    assert json.loads(path.read_text()) == {"repeat_s": 20.0, "upright_below_deg": 5.5,
                                            "drill_min_deg": 6.0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leanclip.json"]
    for text in ("[1, 2]", "{oops"):  # the user's to repair: left as it is
        path.write_text(text)
        with pytest.raises(ValueError):
            devconfig.save({"upright_below_deg": 5.0}, str(path))
        assert path.read_text() == text


def test_board_name_missing_says_how_to_fix(tmp_path):
    with pytest.raises(OSError, match="leanclip flash --board"):
        devconfig.board_name(str(tmp_path / "board.json"))


def test_error_log_is_bounded(tmp_path):
    log = ErrorLog(str(tmp_path / "errors.log"), max_bytes=1000)
    for i in range(200):
        log.line("line %d\nwith a newline" % i)
    size = (tmp_path / "errors.log").stat().st_size
    old = (tmp_path / "errors.log.1").stat().st_size
    assert size < 1100 and old < 1100
    assert (tmp_path / "errors.log").read_text().splitlines()[-1] == "line 199 with a newline"
    try:
        raise ValueError("bad")
    except ValueError as e:
        log.exception("app failed", e)
    text = (tmp_path / "errors.log").read_text()
    assert "app failed: ValueError('bad')" in text and "raise ValueError" in text
