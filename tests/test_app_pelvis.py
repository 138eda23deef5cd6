"""The device app with the pelvis pod (issue 17), booted as a board boots it on MicroPython
(tests/upy_scripts/app_rig.py): the chest IMU and the pod's IMU as two register models on one
simulated I2C bus, both found at boot by scan and WHO_AM_I and read in the same loop pass.
What is asserted is what the runner feels (the motor's PWM timeline) and what the board keeps
(session log, /errors.log): coaching with both sensors, and the pod unplugged mid-run ->
`pelvis_lost`, chest-only coaching goes on, `pelvis_back` once it is plugged in again; and on a
two-segment simulated run (host_tools/simulate/twoseg.py: pelvis and thorax hinged at the lumbar
spine, each with its own sensor and mount) a hip bend buzzed with its own pattern."""
import errno

import apprig
import numpy as np
import pytest
import upy
from apprig import STILL_ROW, durations, on_intervals
# the one-sensor boot test's run (upright from 75 s), its fixtures and checks
from test_app_boot import (  # noqa: F401
    UPRIGHT_FROM_MS, assert_pattern, events, lib, press, run_csv)

from firmware.core import haptics, lumbar
from firmware.device.boards import BOARDS

FROZEN = upy.frozen_model()

# The heap: the boards that offer a pod are the XIAO ESP32-S3 (8 MB PSRAM: MicroPython's heap is
# megabytes, the .mpy install) and the XIAO C3 and DevKitC (no PSRAM: the frozen image, in the
# ~56-110 KB an ESP32 gives it - docs/device.md "Memory"). On the ESP32 model a PSRAM board gets
# a heap that is still a fraction of its real one; the boards without PSRAM are booted on the
# frozen image (test_on_the_frozen_image_...), as they are installed.
PSRAM_HEAP = "512k"


def board_for(lib, tmp_path, name, tag=None, config=None):
    """(Board, heap) for booting `name` with a pod on lib's interpreter."""
    model = lib.interp.name == "esp32"
    if model and not BOARDS[name]["psram"]:
        pytest.skip("%s has no PSRAM: its pod runs on the frozen image (see below)" % name)
    return (apprig.Board(lib, tmp_path / (tag or name), name, config),
            PSRAM_HEAP if model else None)


UNPLUG_MS = 40000
REPLUG_MS = 90000
# two segments (thorax lean, pelvis tilt): stand, walk, good running, a hip bend, good running,
# an upright stretch; the pod is unplugged before the upright stretch
TWOSEG = [{"do": "stand", "s": 6}, {"do": "walk", "s": 15},
          {"do": "run", "s": 35, "lean_deg": 8.0, "pelvis_deg": 9.5},
          {"do": "run", "s": 20, "lean_deg": 15.0, "pelvis_deg": 0.5, "episode": "hip_bend"},
          {"do": "run", "s": 25, "lean_deg": 8.0, "pelvis_deg": 9.5},
          {"do": "run", "s": 25, "lean_deg": 1.0, "pelvis_deg": 2.5, "episode": "upright",
           "fault": "upright"},
          {"do": "run", "s": 10, "lean_deg": 8.0, "pelvis_deg": 9.5}]
HIPBEND_MS = (56000, 76000)
TWOSEG_UPRIGHT_MS = 101000
TWOSEG_UNPLUG_MS = 90000


@pytest.fixture(scope="module")
def twoseg_csv(tmp_path_factory):
    """The two-segment run's imu.csv (chest columns first: the rig reads them as the chest's)
    and its pelvis columns as a file of their own (the pod's source)."""
    twoseg = pytest.importorskip("host_tools.simulate.twoseg")
    out = tmp_path_factory.mktemp("twoseg")
    imu, truth, meta = twoseg.simulate(TWOSEG, rate_hz=100, seed=4)
    twoseg.write(out, imu, truth, meta)
    pelvis = out / "pelvis.csv"
    np.savetxt(pelvis, imu[:, [0, 7, 8, 9, 10, 11, 12]], fmt=["%.6f"] + ["%.6g"] * 6,
               delimiter=",", header="t,ax,ay,az,gx,gy,gz", comments="")
    return {"csv": str(out / "imu.csv")}, {"csv": str(pelvis)}


def test_two_segment_run_hip_bend_buzz_then_pod_unplugged_chest_coaches_on(lib, tmp_path,
                                                                         twoseg_csv):
    """Calibrate standing tall, run, fold at the hips for 20 s (thorax 15 deg - a lean one chest
    clip calls good - over a pelvis at 0.5 deg): the hip-bend buzz, its own pattern, within
    10 s. Then the pod comes off; the upright stretch after it is buzzed from the chest alone."""
    chest, pelvis = twoseg_csv
    b, heap = board_for(lib, tmp_path, "xiao-esp32s3", "twoseg")
    r = b.boot(chest, 136000, [(TWOSEG_UNPLUG_MS, "unplug_pelvis")], pelvis=pelvis, heap=heap)
    assert r["ended"] == "end" and not r["wdt_starved"] and b.errors() == ""
    (s,) = b.sessions()
    names = [e[1] for e in s.events]
    assert "calibrated" in names
    hip = events(s, "buzz_hipbend")
    assert hip and HIPBEND_MS[0] <= hip[0][0] <= HIPBEND_MS[0] + 10000, hip
    assert all(HIPBEND_MS[0] <= e[0] <= HIPBEND_MS[1] + 3000 for e in hip)  # only in it
    assert not events(s, "buzz_lumbar_arch")
    on = on_intervals(r["pwm"]["motor"])
    cue = [iv for iv in on if hip[0][0] - 100 <= iv[0] < hip[0][0] + sum(lumbar.HIPBEND)]
    assert_pattern(durations(cue, cue[0][0]), lumbar.HIPBEND)
    # the chest alone saw nothing wrong in the hip bend (15 deg is inside its good band)
    assert not [e for e in s.events if e[1].startswith("buzz_") and e[1] != "buzz_hipbend"
                and e[0] < TWOSEG_UPRIGHT_MS]
    (lost,) = events(s, "pelvis_lost")
    assert TWOSEG_UNPLUG_MS - 500 <= lost[0] <= TWOSEG_UNPLUG_MS + 100
    up = events(s, "buzz_upright")
    assert up and TWOSEG_UPRIGHT_MS + 3000 <= up[0][0] <= TWOSEG_UPRIGHT_MS + 8000
    upright = [iv for iv in on if up[0][0] - 100 <= iv[0] < up[0][0] + 700]
    assert_pattern(durations(upright[:1], upright[0][0]), haptics.UPRIGHT)


@pytest.mark.parametrize("board", ["xiao-esp32s3", "esp32-devkitc"])
def test_pod_unplugged_mid_run_chest_coaching_goes_on_with_events(lib, tmp_path, run_csv, board):
    """The pod follows the chest here (the same motion: a lean from the ankles tilts both);
    unplugged at 40 s, the upright fault from 75 s is still buzzed on the chest alone, and the
    pod is picked up again when plugged back at 90 s - one session, no restart."""
    b, heap = board_for(lib, tmp_path, board)
    r = b.boot(run_csv, 100000, [(UNPLUG_MS, "unplug_pelvis"), (REPLUG_MS, "replug_pelvis")],
               heap=heap,
               pelvis=run_csv)
    assert r["ended"] == "end" and not r["wdt_starved"]
    assert b.errors() == ""
    (s,) = b.sessions()
    assert s.header["meta"]["pelvis_imu"] == s.header["meta"]["imu"]
    (lost,) = events(s, "pelvis_lost")
    (back,) = events(s, "pelvis_back")
    assert UNPLUG_MS - 500 <= lost[0] <= UNPLUG_MS + 100  # the sample clock: from power-on
    assert lost[2]["errno"] == errno.ENODEV
    assert REPLUG_MS - 500 <= back[0] <= REPLUG_MS + 1100  # retried once a second
    # the pairing's counts beside loop_stats (once a minute; here the run ends before a stop):
    # from boot to the report, the pod out from 40 s fed the chest alone (100 Hz), the rest
    # paired; the pod's clock is the chest's here, so next to nothing dropped or repeated
    pairing = events(s, "pelvis_pairing")
    assert [e[0] for e in pairing] == [e[0] for e in events(s, "loop_stats")] and pairing
    total = pairing[0][2]
    assert total["alone"] == pytest.approx((pairing[0][0] - UNPLUG_MS) / 10, rel=0.05)
    assert total["paired"] >= 3000 and total["held"] + total["dropped"] <= 10, total
    assert back[2]["lost_s"] == pytest.approx((REPLUG_MS - UNPLUG_MS) / 1000, abs=1.1)
    assert not events(s, "imu_lost")
    on = on_intervals(r["pwm"]["motor"])
    sensor = [iv for iv in on if UNPLUG_MS <= iv[0] < UNPLUG_MS + sum(haptics.SENSOR)]
    assert_pattern(durations(sensor, sensor[0][0]), haptics.SENSOR)  # "I can't sense you"
    # chest-only coaching went on: silent at 7 deg, the upright fault buzzed
    assert not [iv for iv in on if 5000 < iv[0] < UPRIGHT_FROM_MS and iv not in sensor]
    upright = [iv for iv in on if iv[0] >= UPRIGHT_FROM_MS]
    assert UPRIGHT_FROM_MS + 3000 <= upright[0][0] <= UPRIGHT_FROM_MS + 6000
    assert_pattern(durations(upright[:1], upright[0][0]), haptics.UPRIGHT)
    assert len(events(s, "buzz_upright")) >= 1
    assert all(iv[1] is not None for iv in on)
    # the log's pelvis rows (v3 PELVIS records): the pod moved as the chest did (a lean from
    # the ankles), so its tilt is the chest's lean and the lumbar angle stays near zero
    p, sm = s.pelvis, s.summary
    before = (p["t_s"] > 20) & (p["t_s"] < UNPLUG_MS / 1000)
    assert before.sum() >= 15
    thorax = sm["lean_deg"][np.searchsorted(sm["t_s"], p["t_s"][before])]
    assert np.median(p["pelvis_deg"][before]) == pytest.approx(np.median(thorax), abs=1.0)
    assert abs(np.median(p["lumbar_deg"][before])) <= 1.0
    assert not ((p["t_s"] > UNPLUG_MS / 1000 + 1) & (p["t_s"] < REPLUG_MS / 1000)).any()
    assert not events(s, "buzz_hipbend") and not events(s, "buzz_lumbar_arch")
    again = p["t_s"][p["t_s"] > REPLUG_MS / 1000]
    assert len(again) and again[0] <= REPLUG_MS / 1000 + 3  # trusted again soon after


def test_raw_mode_with_a_pod_logs_both_sensors_samples(lib, tmp_path, run_csv):
    """log_raw with a pod: every chest sample the pipeline got is in the log, each with the
    pelvis sample it was paired with (RAW_PAIRS blocks); while the pod is unplugged the chest's
    alone, and paired again once it is back."""
    b, heap = board_for(lib, tmp_path, "xiao-esp32s3", "raw", config={"log_raw": True})
    r = b.boot(run_csv, 12000, [(4000, "unplug_pelvis"), (7000, "replug_pelvis")] + press(11000),
               pelvis=run_csv, heap=heap)
    assert r["ended"] == "end" and b.errors() == ""
    (s,) = b.sessions()
    assert s.header["mode"] == "raw"
    t_ms, counts = s.raw()
    assert abs(len(counts) - events(s, "stop")[0][0] / 10) <= 2  # each sample once
    has, pelvis = s.raw_pelvis()
    (lost,) = events(s, "pelvis_lost")
    (back,) = events(s, "pelvis_back")
    assert has[t_ms < lost[0] - 100].all() and has[t_ms > back[0] + 100].all()
    assert not has[(t_ms > lost[0] + 100) & (t_ms < back[0] - 100)].any()
    lsb = s.header["accel_lsb_per_g"]  # the pod's samples: gravity, as the chest's
    g = np.linalg.norm(pelvis[has][:, :3], axis=1) / lsb
    assert np.median(g) == pytest.approx(1.0, abs=0.15)


def test_a_one_imu_board_boots_as_before_without_a_pod(lib, tmp_path):
    b = apprig.Board(lib, tmp_path / "one", "xiao-esp32s3")
    b.boot({"rows": [STILL_ROW]}, 4000)
    (s,) = b.sessions()
    assert "pelvis_imu" not in s.header["meta"]
    assert not events(s, "pelvis_lost") and b.errors() == ""


def test_the_pod_sleeps_in_its_motion_standby_with_the_board(lib, tmp_path):
    """Deep sleep after sleep_after_min still: the pod is not left sampling at full power all
    night (its low-noise mode draws ~1 mA) - it gets the same motion standby as the chest."""
    b, heap = board_for(lib, tmp_path, "xiao-esp32s3", "sleep", {"sleep_after_min": 1})
    r = b.boot({"rows": [STILL_ROW]}, 70000, pelvis={"rows": [STILL_ROW]}, heap=heap)
    assert r["ended"] == "deepsleep"
    assert r["imu_wom_thr"] == [51, 51, 51] and r["pelvis_wom_thr"] == [51, 51, 51]


def test_a_pod_of_another_chip_family_is_said_and_not_used(lib, tmp_path):
    """An LSM6DSO pod (104 Hz, its own scales) behind the XIAO's ICM-42688-P chest (100 Hz):
    samples cannot be paired by count, so the pod is left out with one line in /errors.log,
    and the board coaches as a one-IMU board."""
    b, heap = board_for(lib, tmp_path, "xiao-esp32s3", "mixed")
    r = b.boot({"rows": [STILL_ROW]}, 4000, pelvis={"rows": [STILL_ROW], "chip": "LSM6DSO"},
               heap=heap)
    (line,) = b.errors().splitlines()
    assert "pelvis IMU LSM6DSO not used" in line and "same chip family" in line
    (s,) = b.sessions()
    assert "pelvis_imu" not in s.header["meta"] and events(s, "calibrated")
    assert_pattern(durations(on_intervals(r["pwm"]["motor"])[:3], 0), haptics.STAND_TALL)


@pytest.mark.skipif(FROZEN is None, reason=upy.model_status())
@pytest.mark.parametrize("board", ["esp32-devkitc", "xiao-esp32c3"])
def test_on_the_frozen_image_a_board_without_psram_runs_the_pod(tmp_path, run_csv, board):
    """The boards without PSRAM, as installed: the firmware frozen in, the heap an ESP32 starts
    with plus the simulated world's (tests/test_frozen.py). With the pod read, paired, unplugged
    and plugged back, the run coaches, buzzes the upright fault and logs, never failing."""
    import shutil

    lib = apprig.build_lib(tmp_path / "lib", FROZEN)
    shutil.rmtree(lib.path / "firmware")  # only the entry points on the board: the rest is frozen
    b = apprig.Board(lib, tmp_path / "board", board)
    r = b.boot(run_csv, 100000, [(UNPLUG_MS, "unplug_pelvis"), (REPLUG_MS, "replug_pelvis")],
               pelvis=run_csv)
    assert r["ended"] == "end" and not r["wdt_starved"] and b.errors() == ""
    (s,) = b.sessions()
    assert s.header["meta"]["pelvis_imu"] and s.has_pelvis()
    assert len(events(s, "pelvis_lost")) == 1 and len(events(s, "pelvis_back")) == 1
    up = events(s, "buzz_upright")
    assert up and UPRIGHT_FROM_MS + 3000 <= up[0][0] <= UPRIGHT_FROM_MS + 6000


def test_a_pod_that_answers_but_went_silent_is_lost_and_configured_again(lib, tmp_path):
    """The pod's power gone for an instant (a connector bouncing): no transfer fails, but it
    answers from its reset state and sends nothing. After 1 s without its samples while the
    chest sends: pelvis_lost (errno 0), configured again, pelvis_back when samples come."""
    b, heap = board_for(lib, tmp_path, "xiao-esp32s3", "blip")
    b.boot({"rows": [STILL_ROW]}, 12000, [(5000, "blip_pelvis")], pelvis={"rows": [STILL_ROW]},
           heap=heap)
    assert b.errors() == ""
    (s,) = b.sessions()
    (lost,) = events(s, "pelvis_lost")
    (back,) = events(s, "pelvis_back")
    assert lost[2]["errno"] == 0 and 5500 <= lost[0] <= 7200
    assert back[2]["lost_s"] <= 1.1 and back[0] <= lost[0] + 1200
