"""The device app booted as a board boots it: /boot.py then /main.py on the MicroPython
interpreter, firmware compiled by mpy-cross, the fake machine from host_tools/boardsim (IMU
register model on I2C, PWM, Pin, ADC, WDT) and virtual time (tests/upy_scripts/app_rig.py).
What is asserted is what the runner would feel (the motor's PWM timeline) and what the board
keeps (session logs, /errors.log)."""
import json
import math

import apprig
import pytest
from apprig import STILL_ROW, durations, on_intervals

from firmware.core import haptics
from firmware.device import controls
from firmware.device.boards import BOARDS
from host_tools.boardsim.board import IMU_NAMES
from host_tools.simulate.simulator import simulate, write

LOOP_MS = 20  # the app's loop period: the motor's timing resolution
UPRIGHT_FROM_MS = 75000
RUN = [{"do": "stand", "s": 5}, {"do": "walk", "s": 10}, {"do": "run", "s": 60, "lean_deg": 7},
       {"do": "run", "s": 20, "lean_deg": 1.5, "fault": "upright"}, {"do": "run", "s": 10}]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, interp):
    return apprig.build_lib(tmp_path_factory.mktemp("lib") / "lib", interp)


@pytest.fixture(scope="module")
def run_csv(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    write(out, *simulate(RUN, rate_hz=100, seed=1))
    return {"csv": str(out / "imu.csv")}


def board(lib, tmp_path, name="xiao-esp32s3", config=None, tag="b"):
    return apprig.Board(lib, tmp_path / tag, name, config)


def press(t_ms, hold_ms=100):
    return [(t_ms, "press"), (t_ms + hold_ms, "release")]


def assert_pattern(got, want):
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want, strict=True):
        assert abs(g - w) <= LOOP_MS, (got, want)


def events(session, name):
    return [e for e in session.events if e[1] == name]


def test_power_on_calibrate_run_upright_buzz_then_stop(lib, tmp_path, run_csv):
    # Stopped mid-fault: left alone, the coach repeats the buzz repeat_s (15 s) later.
    alone = board(lib, tmp_path, tag="alone").boot(run_csv, 96000)
    stop_ms = 88000
    b = board(lib, tmp_path)
    r = b.boot(run_csv, 105000, press(stop_ms))
    assert r["ended"] == "end" and not r["wdt_starved"]
    on = on_intervals(r["pwm"]["motor"])
    # power-on: "stand tall" at once
    assert on[0][0] < 200
    assert_pattern(durations(on[:3], 0), haptics.STAND_TALL)
    # calibrated after calib_still_s (2 s) of standing: "ready"
    ready = [iv for iv in on[3:] if iv[0] < 5000]
    assert 2000 <= ready[0][0] < 3000
    assert_pattern(durations(ready, ready[0][0]), haptics.READY)
    # walking and running at 7 degrees: silence; upright from 75 s: one long buzz after
    # fault_hold_s (3 s) and the stride window
    assert not [iv for iv in on if 5000 < iv[0] < UPRIGHT_FROM_MS]
    upright = [iv for iv in on if iv[0] >= UPRIGHT_FROM_MS]
    assert len(upright) == 1
    assert UPRIGHT_FROM_MS + 3000 <= upright[0][0] <= UPRIGHT_FROM_MS + 6000
    assert_pattern(durations(upright, UPRIGHT_FROM_MS), haptics.UPRIGHT)
    # left running, it would have buzzed again before 96 s; stopped at 88 s it does not
    again = [iv for iv in on_intervals(alone["pwm"]["motor"]) if iv[0] > upright[0][0]]
    assert again and again[0][0] < 96000
    assert r["pwm"]["motor"][-1][1] == 0
    # the session log: one session, stopped by the press
    (s,) = b.sessions()
    names = [e[1] for e in s.events]
    assert names[:3] == ["start", "stand_tall", "calibrated"] and names[-1] == "stop"
    assert stop_ms < events(s, "stop")[0][0] < stop_ms + 1000
    buzz = events(s, "buzz_upright")
    assert len(buzz) == 1 and buzz[0][2]["lean_deg"] < 4.0
    stats = events(s, "loop_stats")
    assert stats and all(e[2]["rate_hz"] == pytest.approx(50.0, abs=0.5) for e in stats)
    assert s.header["meta"]["board"] == "xiao-esp32s3" and s.header["meta"]["imu"] == "ICM-42688-P"
    assert b.errors() == ""


def test_safe_mode_skips_the_app_and_keeps_the_power_on(lib, tmp_path):
    still = {"rows": [STILL_ROW]}
    held = board(lib, tmp_path, "m5stickc-plus2", tag="held")
    r = held.boot(still, 3000, [(0, "press")])
    assert "SAFE MODE" in held.stdout
    assert r["ended"] == "returned"          # main.py returned: the REPL is free
    assert r["power_hold"] == 1
    assert not [d for _, d in r["pwm"]["motor"] if d]
    assert not (held.root / "logs").exists()
    normal = board(lib, tmp_path, "m5stickc-plus2", tag="normal")
    r = normal.boot(still, 3000)
    assert "SAFE MODE" not in normal.stdout and r["power_hold"] == 1
    assert on_intervals(r["pwm"]["motor"])   # the app ran: stand tall


@pytest.mark.parametrize("text, keys", [
    ('{"repeat_s": "often", "fault_hold_s": 0.01, "fault_hld_s": 2}',
     ["repeat_s", "fault_hold_s", "fault_hld_s"]),
    ('{"repeat_s": 10,', ["not valid JSON"]),
])
def test_bad_config_is_logged_and_defaults_used(lib, tmp_path, text, keys):
    b = board(lib, tmp_path, config=text)
    r = b.boot({"rows": [STILL_ROW]}, 4000)
    lines = b.errors().splitlines()
    assert len(lines) == len(keys)
    for key in keys:  # in any order: MicroPython's dicts are not ordered
        assert [line for line in lines if key in line and "default" in line]
    on = on_intervals(r["pwm"]["motor"])
    assert_pattern(durations(on[:3], 0), haptics.STAND_TALL)  # coaching goes on
    (s,) = b.sessions()
    assert s.header["meta"]["config"]["repeat_s"] == 15.0
    assert s.header["meta"]["config"]["fault_hold_s"] == 3.0
    assert sorted(e[2] for e in events(s, "config_error")) == sorted(lines)


def test_an_exception_is_logged_and_the_app_restarts_with_backoff(lib, tmp_path):
    b = board(lib, tmp_path)
    # no IMU on the bus at power-on (loose wire); it answers from 2.5 s
    r = b.boot({"rows": [STILL_ROW]}, 10000, [(0, "detach"), (2500, "attach")])
    assert r["ended"] == "end" and not r["wdt_starved"]
    text = b.errors()
    assert "app failed (restart 1): OSError" in text and "no IMU found" in text
    assert "app failed (restart 2)" in text and "restart 3" not in text
    on = on_intervals(r["pwm"]["motor"])
    # restart 1 after 1 s fails (no IMU), restart 2 after 2 more s finds it: stand tall
    assert 3000 <= on[0][0] < 4500
    assert_pattern(durations(on[:3], on[0][0]), haptics.STAND_TALL)
    (session,) = b.sessions()
    assert events(session, "calibrated")


def test_the_imu_dropping_off_the_bus_is_an_event_not_a_restart(lib, tmp_path):
    """Issue 14: an I2C error used to raise into the loop (app restart, session split). Now
    the loop says imu_lost, buzzes SENSOR, retries every second and coaches on when the IMU
    answers again, in the same session."""
    b = board(lib, tmp_path)
    r = b.boot({"rows": [STILL_ROW]}, 16000, [(5000, "detach"), (8000, "attach")])
    assert r["ended"] == "end" and not r["wdt_starved"]
    assert "app failed" not in b.errors()
    (session,) = b.sessions()
    lost, back = events(session, "imu_lost"), events(session, "imu_back")
    assert len(lost) == 1 and len(back) == 1
    assert 2.9 <= back[0][2]["lost_s"] <= 4.1
    on = on_intervals(r["pwm"]["motor"])
    sensor = [iv for iv in on if 5000 <= iv[0] < 5100]
    assert sensor and 950 <= sensor[0][1] - sensor[0][0] <= 1050  # SENSOR's long pulse
    assert all(iv[1] is not None for iv in on)  # the motor is never left on


def test_ctrl_c_during_the_restart_pause_returns_to_the_repl(lib, tmp_path):
    b = board(lib, tmp_path)
    r = b.boot({"rows": [STILL_ROW]}, 9000, [(0, "detach"), (500, "interrupt")])
    assert r["ended"] == "returned" and "Traceback" not in b.stdout
    assert "restart 1" in b.errors() and "restart 2" not in b.errors()
    assert not r["pwm"]["motor"] or r["pwm"]["motor"][-1][1] == 0


def test_long_press_recalibrates(lib, tmp_path):
    b = board(lib, tmp_path)
    r = b.boot({"rows": [STILL_ROW]}, 12000, press(5000, 1700))
    on = on_intervals(r["pwm"]["motor"])
    later = [iv for iv in on if iv[0] > 5000]
    t_long = 5000 + controls.LONG_MS
    assert t_long <= later[0][0] <= t_long + 100  # felt while the button is still held
    assert_pattern(durations(later[:3], later[0][0]), haptics.STAND_TALL)
    ready = later[3:]
    assert ready[0][0] >= later[0][0] + 2000 - 125  # calib_still_s, from a segment end
    assert_pattern(durations(ready, ready[0][0]), haptics.READY)
    (s,) = b.sessions()
    assert [e[2]["prompts"] for e in events(s, "stand_tall")] == [1, 2]
    assert len(events(s, "calibrated")) == 2
    assert not events(s, "stop")  # the release of a long press is not a short press


@pytest.mark.parametrize("battery_v, warned", [(3.3, True), (3.9, False)])
def test_low_battery_warning(lib, tmp_path, battery_v, warned):
    b = board(lib, tmp_path)
    r = b.boot({"rows": [STILL_ROW]}, 13000, battery_v=battery_v)
    cue = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] > 5000]
    (s,) = b.sessions()
    if warned:
        assert 10000 <= cue[0][0] < 11500
        assert_pattern(durations(cue, cue[0][0]), controls.LOW_BATTERY)
        (e,) = events(s, "battery")
        assert e[2]["battery_mv"] == pytest.approx(3300, abs=20)
    else:
        assert not cue and not events(s, "battery")


def test_still_for_sleep_after_min_deep_sleeps_with_motion_wake(lib, tmp_path):
    b = board(lib, tmp_path, config={"sleep_after_min": 1})
    r = b.boot({"rows": [STILL_ROW]}, 70000)
    assert r["ended"] == "deepsleep"
    assert [s[0] for s in r["sleeps"]] == ["deep"]
    assert 60000 <= r["sleeps"][0][1] < 62000
    (s,) = b.sessions()
    assert events(s, "stop")
    assert r["pwm"]["motor"][-1][1] == 0
    # the IMU was put into wake-on-motion (200 mg = 51 LSB at 1 g/256) before sleeping
    assert r["imu_wom_thr"] == [51, 51, 51] and r["imu_int"] == 0


def test_light_sleep_board_wakes_on_the_button_and_starts_afresh(lib, tmp_path):
    # AtomS3: the button (GPIO41) cannot end deep sleep, so it light-sleeps and polls
    b = board(lib, tmp_path, "atoms3", config={"sleep_after_min": 1})
    r = b.boot({"rows": [STILL_ROW]}, 70000, press(65000, 600))
    assert r["ended"] == "end"
    assert {s[0] for s in r["sleeps"]} == {"light"}
    on = on_intervals(r["pwm"]["motor"])
    woke = [iv for iv in on if iv[0] > 60000]
    assert 65000 <= woke[0][0] < 66000
    assert_pattern(durations(woke[:3], woke[0][0]), haptics.STAND_TALL)
    first, second = b.sessions()
    assert events(first, "stop") and not events(second, "stop")  # the waking press is not a press


def _tilt_rows(t0_ms, from_deg, to_deg, ramp_ms=1000):
    """Rows tilting the board about its x axis at a steady rate, gyro and accelerometer
    consistent (the pipeline carries the tilt with the gyro)."""
    rate_dps = (to_deg - from_deg) * 1000.0 / ramp_ms
    rows = []
    for i in range(0, ramp_ms, 10):
        a = math.radians(from_deg + (to_deg - from_deg) * i / ramp_ms)
        rows.append([t0_ms + i, 0.0, math.sin(a), math.cos(a), rate_dps, 0.0, 0.0])
    a = math.radians(to_deg)
    rows.append([t0_ms + ramp_ms, 0.0, math.sin(a), math.cos(a), 0.0, 0.0, 0.0])
    return rows


def test_lean_drill_ticks_inside_the_band(lib, tmp_path):
    rows = [STILL_ROW] + _tilt_rows(6000, 0, 7) + _tilt_rows(11000, 7, 15)
    b = board(lib, tmp_path)
    r = b.boot({"rows": rows}, 15000, press(3500) + press(3700))  # double press: drill on
    ticks = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] > 4000]
    assert ticks and all(abs((e - s) - haptics.TICK[0]) <= LOOP_MS for s, e in ticks)
    # leaning through 4 degrees at about 6.6 s ... until passing 10 degrees at about 11.4 s
    assert 6400 <= ticks[0][0] <= 7700
    assert 10000 <= ticks[-1][0] <= 11700
    assert len(ticks) >= 6  # about two a second while inside the band
    (s,) = b.sessions()
    assert not events(s, "stop")  # a double press is not a short press


def test_live_mode_streams_lc_lines_until_ctrl_c(lib, tmp_path, run_csv):
    live = pytest.importorskip("host_tools.commands.live")  # the host side of the protocol
    b = board(lib, tmp_path)
    r = b.boot(run_csv, 40000, [(30000, "interrupt")], entry=live.ENTRY)
    assert r["ended"] == "returned"  # Ctrl-C: run() returns to the REPL
    rows = [live.parse(line) for line in b.stdout.splitlines() if line.startswith("LC ")]
    t = [f["t_ms"] for f in rows]
    assert 280 <= len(rows) <= 300  # 10 Hz for 30 s
    assert all(0 < b - a <= 120 for a, b in zip(t, t[1:], strict=False))
    assert "lean" not in rows[0] and rows[0]["state"] == "STILL"
    running = [f for f in rows if f["state"] == "RUNNING"]
    assert running and all(f["lean"] == pytest.approx(7.0, abs=2.5) for f in running[-20:])
    assert all(f["cad"] > 140 for f in running[-20:])
    assert r["pwm"]["motor"][-1][1] == 0
    assert not (b.root / "logs").exists()  # live is for a mirror: no session unless pressed


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_every_board_boots_calibrates_and_buzzes_on_its_own_pins(lib, tmp_path, name):
    b = board(lib, tmp_path, name)
    r = b.boot({"rows": [STILL_ROW]}, 4000)
    out = "motor" if BOARDS[name]["motor"] and BOARDS[name]["motor"]["kind"] == "pwm" else "buzzer"
    on = on_intervals(r["pwm"][out])
    assert_pattern(durations(on[:3], 0), haptics.STAND_TALL)
    assert_pattern(durations(on[3:], on[3][0]), haptics.READY)
    (s,) = b.sessions()
    assert s.header["meta"]["imu"] == IMU_NAMES[BOARDS[name]["imu"]["model"]]
    assert b.errors() == "" and not r["wdt_starved"]


def test_lean_drill_uses_the_pipelines_lean_once_forward_is_known(lib, tmp_path):
    out = tmp_path / "sim"
    write(out, *simulate([{"do": "stand", "s": 5}, {"do": "walk", "s": 10},
                          {"do": "stand", "s": 8, "lean_deg": 7},
                          {"do": "stand", "s": 6, "lean_deg": 15}], rate_hz=100, seed=2))
    b = board(lib, tmp_path)
    r = b.boot({"csv": str(out / "imu.csv")}, 29000, press(3000) + press(3300))
    ticks = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] > 3000]
    assert all(abs((e - s) - haptics.TICK[0]) <= LOOP_MS for s, e in ticks)
    assert ticks and 15000 <= ticks[0][0] <= 17500  # not while walking: standing at 7 deg
    assert 22000 <= ticks[-1][0] <= 24500           # and not at 15 deg
    assert len(ticks) >= 10
    (s,) = b.sessions()
    assert events(s, "forward_found")[0][0] < 15000  # the rows path, not the tilt


def test_raw_mode_logs_every_sample_the_pipeline_got(lib, tmp_path):
    b = board(lib, tmp_path, config={"log_raw": True})
    b.boot({"rows": [STILL_ROW]}, 6000, [(2500, "stall")] + press(4000))
    (s,) = b.sessions()
    assert s.header["mode"] == "raw" and s.header["rate_hz"] == 100
    samples = sum(len(block) for _, block in s.raw_blocks)
    stop_ms = events(s, "stop")[0][0]
    assert abs(samples - stop_ms / 10) <= 2  # every sample up to the stop, none twice
    lsb = int(s.header["accel_lsb_per_g"])
    assert all((block[:, 2] == lsb).all() for _, block in s.raw_blocks)
    times = [t for t, _ in s.raw_blocks]
    assert times == sorted(times)
    # the 100 ms stall: one overrun, seen as ~100 ms lateness; the FIFO held every sample
    (stats,) = events(s, "loop_stats")
    assert stats[2]["overruns"] == 1 and stats[2]["fifo_overflows"] == 0
    assert 100 <= stats[2]["jitter_max_ms"] <= 120


def test_the_six_face_calibration_corrects_every_accelerometer_sample(lib, tmp_path):
    """A still board whose accelerometer reads scale x force + offset per axis (a poor
    MPU-6050 class part) logs, with /accelcal.json holding those errors, the true force (within
    1 count), on every sample the pipeline got; without the file, the chip's counts as before.
    A file the board cannot use (a scale past its limit) leaves them as the chip gives them."""
    offsets, scales = [0.07, -0.05, 0.08], [1.03, 0.97, 1.02]
    true = [0.2, -0.3, math.sqrt(1 - 0.13)]  # g, a tilted board
    read = [s * f + o for s, f, o in zip(scales, true, offsets, strict=True)]
    still = [0] + read + [0.0, 0.0, 0.0]
    seen = {}
    for tag, cal in (("cal", [offsets, scales]), ("none", None),
                     ("bad", [offsets, [1.03, 0.97, 1.2]])):
        b = board(lib, tmp_path, config={"log_raw": True}, tag=tag)
        if cal is not None:
            (b.root / "accelcal.json").write_text(json.dumps(cal))
        b.boot({"rows": [still]}, 3000, press(2500))
        (s,) = b.sessions()
        lsb = s.header["accel_lsb_per_g"]
        rows = [row for _, block in s.raw_blocks for row in block[:, :3].tolist()]
        assert len(rows) >= 150 and all(r == rows[0] for r in rows)
        seen[tag] = [c / lsb for c in rows[0]]
    assert all(abs(g - f) <= 1.5 / lsb for g, f in zip(seen["cal"], true, strict=True)), seen
    assert all(abs(g - f) <= 1.5 / lsb for g, f in zip(seen["none"], read, strict=True))
    assert seen["bad"] == seen["none"]


def test_each_session_runs_its_stage_of_the_training_plan(lib, tmp_path):
    """plan_sessions=1: the first session gives every cue, the second every other, the third a
    summary; the stage goes into the session's log header, where the report reads it."""
    b = board(lib, tmp_path, config='{"plan_sessions": 1}')
    for _ in range(3):
        b.boot({"rows": [STILL_ROW]}, 3000)
    stages = [s.header["meta"]["config"]["coach_stage"] for s in b.sessions()]
    assert stages == [0, 1, 2]


# The personal band (docs/coaching.md, section 6): double press at 3.5 s (drill on), lean to
# 7 deg at 6-7 s, hold, long press at 11 s (fires at 12.5 s, > 3 s into the hold).
USER_CONFIG = {"repeat_s": 20.0, "drift_cue": True}
FULL_ENOSPC = ("import builtins\n"
               "_open = builtins.open\n"
               "def _full(path, *args):\n"
               "    if path.endswith('.tmp'):\n"
               "        raise OSError(28)\n"  # ENOSPC (this port's errno lacks the name)
               "    return _open(path, *args)\n"
               "builtins.open = _full\n" + open(apprig.DEVICE / "main.py").read())


def _band_drill(lib, tmp_path, rows, entry=None):
    b = board(lib, tmp_path, config=USER_CONFIG)
    r = b.boot({"rows": rows}, 15500, press(3500) + press(3700) + press(11000, 1700), entry=entry)
    t_long = 11000 + controls.LONG_MS
    felt = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] >= t_long]
    return b, r, durations(felt[:3], felt[0][0]), felt[0][0] - t_long


def test_drill_long_press_sets_the_personal_band_from_the_held_lean(lib, tmp_path):
    rows = [STILL_ROW] + _tilt_rows(6000, 0, 7)
    b, r, felt, late_ms = _band_drill(lib, tmp_path, rows)
    assert late_ms <= 100  # felt while the button is still held
    assert_pattern(felt, haptics.BAND_SET)
    saved = json.loads((b.root / "leanclip.json").read_text())
    assert saved == dict(USER_CONFIG, upright_below_deg=pytest.approx(4.0, abs=0.5),
                         drill_min_deg=pytest.approx(5.0, abs=0.5),
                         drill_max_deg=pytest.approx(9.0, abs=0.5))
    assert not (b.root / "leanclip.json.tmp").exists()
    (s,) = b.sessions()
    (e,) = events(s, "personal_band")
    assert e[2]["held_deg"] == pytest.approx(7.0, abs=0.5)
    assert len(events(s, "calibrated")) == 1  # in the drill, a long press is not recalibrate
    assert b.errors() == ""
    # the drill's own band moved at once: still at 7 deg, ticks go on (7 is in 5-9)
    ticks = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] > 13500]
    assert ticks and all(abs((e - s) - haptics.TICK[0]) <= LOOP_MS for s, e in ticks)


def test_drill_long_press_on_an_unsteady_lean_refuses(lib, tmp_path):
    rows = [STILL_ROW] + _tilt_rows(6000, 0, 7)
    for t in range(8000, 12500, 2000):  # rocking 6 <-> 9 deg, half a second each way
        rows += _tilt_rows(t, 6, 9, 500) + _tilt_rows(t + 1000, 9, 6, 500)
    b, r, felt, late_ms = _band_drill(lib, tmp_path, rows)
    assert_pattern(felt, haptics.BAND_NO)
    assert json.loads((b.root / "leanclip.json").read_text()) == USER_CONFIG
    (s,) = b.sessions()
    assert not events(s, "personal_band") and len(events(s, "calibrated")) == 1


def test_personal_band_not_saved_on_a_full_flash_is_still_in_force(lib, tmp_path):
    rows = [STILL_ROW] + _tilt_rows(6000, 0, 7) + _tilt_rows(14000, 7, 10)
    b, r, felt, late_ms = _band_drill(lib, tmp_path, rows, entry=FULL_ENOSPC)
    assert r["ended"] == "end" and "Traceback" not in b.stdout
    assert_pattern(felt, haptics.BAND_SET)
    assert json.loads((b.root / "leanclip.json").read_text()) == USER_CONFIG
    assert "personal band not saved" in b.errors() and "restart" not in b.errors()
    # 10 deg was in the old drill band (4-10), not in the new one (5-9): no ticks once there
    ticks = [iv for iv in on_intervals(r["pwm"]["motor"]) if iv[0] > 15000]
    assert not ticks


@pytest.mark.parametrize("set_band", [True, False])
def test_the_coach_runs_on_the_personal_band_at_once(lib, tmp_path, set_band):
    # held 9 deg, margin 1: upright now ends at 8, so a run at 6 deg (good by default) is upright
    out = tmp_path / "sim"
    write(out, *simulate([{"do": "stand", "s": 5}, {"do": "walk", "s": 10},
                          {"do": "stand", "s": 8, "lean_deg": 9},
                          {"do": "run", "s": 15, "lean_deg": 6}], rate_hz=100, seed=3))
    b = board(lib, tmp_path, config={"personal_margin_deg": 1.0})
    actions = press(3000) + press(3300) + (press(19500, 1700) if set_band else [])
    b.boot({"csv": str(out / "imu.csv")}, 38000, actions)
    (s,) = b.sessions()
    assert len(events(s, "personal_band")) == set_band
    assert bool(events(s, "buzz_upright")) == set_band


def test_a_barometer_seeing_a_climb_holds_the_over_lean_alert(lib, tmp_path, tmp_path_factory):
    """Leaning 22 deg is bending at the hips on the flat, and good form up a hill: with a
    barometer that sees a sustained climb the coach's upper band moves up and stays quiet."""
    out = tmp_path_factory.mktemp("hill")
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 5}, {"do": "run", "s": 55, "lean_deg": 7},
            {"do": "run", "s": 35, "lean_deg": 22, "fault": "overlean"}]
    write(out, *simulate(segs, rate_hz=100, seed=2))
    run = {"csv": str(out / "imu.csv")}
    flat_board = board(lib, tmp_path, tag="flat")
    flat = flat_board.boot(run, 100000, baro={"chip": "BMP280", "climb_from_ms": 10 ** 9,
                                              "climb_mps": 0.0})
    hill_board = board(lib, tmp_path, tag="hill")
    hill = hill_board.boot(run, 100000, baro={"chip": "BMP390", "climb_from_ms": 15000,
                                              "climb_mps": 0.3})
    assert not flat["wdt_starved"] and not hill["wdt_starved"]
    (flat_s,) = flat_board.sessions()
    (hill_s,) = hill_board.sessions()
    assert len(events(flat_s, "buzz_overlean")) >= 2
    assert events(hill_s, "buzz_overlean") == []
    assert hill_board.errors() == ""
