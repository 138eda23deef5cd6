"""`leanclip live`: the LC line protocol, the gauge, and the whole chain on the virtual board -
a simulated run feeding the modelled IMU, the flashed firmware on MicroPython, lines over the
serial link, Ctrl-C to stop."""
import pytest

from firmware.core import config
from host_tools.commands import live
from host_tools.virtualboard import VirtualBoard
from serialboard import leanclip, mpremote, vboard  # noqa: F401 (fixture)

# A stand-in for firmware.device.app speaking the protocol at 20 Hz, with a message line.
STAND_IN = '''
import time
def run(live=False):
    print("LeanClip live")
    k = 0
    while True:
        print("LC t=%d lean=%.1f roll=-1.5 cad=172 state=RUNNING" % (k * 50, 2.0 + k * 0.5))
        k += 1
        time.sleep_ms(50)
'''


def test_parse_reads_fields_in_any_order_and_ignores_other_lines():
    assert live.parse("LC state=RUNNING lean=6.3 cad=172 extra=x") == {
        "state": "RUNNING", "lean": 6.3, "cad": 172.0, "extra": "x"}
    assert live.parse("boot.py: ok") is None


@pytest.mark.parametrize("lean, zone", [(-5.0, "ARCHING BACK"), (2.0, "too upright"),
                                        (8.0, "good lean"), (25.0, "BENDING AT HIPS")])
def test_zone_follows_the_configured_bands(lean, zone):
    assert live.zone(lean, config.defaults()) == zone


def test_gauge_marks_the_lean_inside_the_shaded_band():
    line = live.gauge({"lean": 8.0, "roll": -1.5, "cad": 172.0, "state": "RUNNING"},
                      config.defaults())
    bar = line[line.index("[") + 1:line.index("]")]
    assert len(bar) == live.GAUGE_CHARS and bar.count("#") == 1
    assert bar[bar.index("#") - 1] == "=" and "172 spm" in line and "RUNNING" in line
    assert "calibrating" in live.gauge({}, config.defaults())


def test_live_streams_from_the_board_and_leaves_it_answering(vboard):
    pkg = vboard.board_dir / "lib" / "firmware"
    (pkg / "device").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "device" / "__init__.py").write_text("")
    (pkg / "device" / "app.py").write_text(STAND_IN)
    status, out, err = leanclip("live", "--port", vboard.port, "--seconds", "1.5")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("no app was running: started it in live mode")
    lines = lines[1:]
    assert lines[0] == "LeanClip live"
    assert lines[1].startswith("lean  +2.0 deg too upright") and "172 spm" in lines[1]
    assert lines[-1].split()[1:3] == ["updates", "in"] and int(lines[-1].split()[0]) >= 5
    assert mpremote(vboard.port, "exec", "print('still here')").strip() == "still here"


def test_a_board_without_firmware_says_flash_first(vboard):
    status, _, err = leanclip("live", "--port", vboard.port, "--seconds", "1")
    assert status == 2 and "flash the firmware first" in err


def test_flashed_firmware_on_a_simulated_run_streams_lean_and_cadence(tmp_path):
    """The real app, not a stand-in: it must calibrate standing, find forward while running,
    then report lean at every step."""
    status, _, err = leanclip("simulate", "--scenario", "steady", "--seed", "3",
                              "--out", str(tmp_path / "run"))
    assert status == 0, err
    with VirtualBoard(tmp_path / "board", baud=0, board="m5stickc-plus2",
                      run_csv=tmp_path / "run" / "imu.csv") as board:  # real time by default
        assert board.wait_booted()
        assert leanclip("flash", "--port", board.port, "--board", "m5stickc-plus2",
                        "--no-reset")[0] == 0
        status, out, err = leanclip("live", "--port", board.port, "--seconds", "14")
    assert status == 0, err
    gauges = [line for line in out.splitlines() if line.startswith("lean ")]
    assert gauges, out
    fields = gauges[-1].split()
    assert fields[-1].lower() == "running" and 150 <= int(fields[fields.index("spm") - 1]) <= 190


def test_live_during_a_session_watches_without_stopping_it(tmp_path):
    """Issue 15 item 10: a runner checking the live view mid-run keeps their session: the app
    started at power-on (main.py) is watched, not restarted, so there is no new calibration
    and no second session; and it is still running when live ends."""
    import time

    status, _, err = leanclip("simulate", "--scenario", "steady", "--seed", "3",
                              "--out", str(tmp_path / "run"))
    assert status == 0, err
    with VirtualBoard(tmp_path / "board", baud=0, board="m5stickc-plus2",
                      run_csv=tmp_path / "run" / "imu.csv") as board:
        assert board.wait_booted()
        assert leanclip("flash", "--port", board.port, "--board", "m5stickc-plus2")[0] == 0
        time.sleep(14)  # main.py's app: stand tall, calibrate, set off running
        status, out, err = leanclip("live", "--port", board.port, "--seconds", "5")
        assert status == 0, err
        assert out.startswith("watching the running app"), out
        gauges = [line for line in out.splitlines() if line.startswith("lean ")]
        assert gauges and "calibrating" not in gauges[-1], out
        assert gauges[-1].split()[-1] == "RUNNING"
        status, out, err = leanclip("live", "--port", board.port, "--seconds", "3")
        assert status == 0 and out.startswith("watching the running app"), out + err
        status, out, err = leanclip("logs", "list", "--port", board.port)
        assert status == 0, err
        assert "the app was running on the board: stopped it" in err  # said, not silent
        assert len([line for line in out.splitlines() if ".lcl" in line]) == 1, out
        status, out, err = leanclip("logs", "list", "--port", board.port)
    assert status == 0 and err == "", err  # nothing was running any more: nothing to say
