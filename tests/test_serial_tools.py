"""`leanclip doctor`, `config`, port detection and connection errors, `install-micropython`
(esptool driven through a fake loader with esptool.cmds' functions)."""
import ast
import json
import os
import struct
import threading
from types import SimpleNamespace

import pytest
import serial

from host_tools.device import Device, _open_error, find_port
from host_tools.errors import UserError
from host_tools.commands.install_micropython import install
from serialboard import leanclip, mpremote, vboard  # noqa: F401 (fixture)


def cli(vboard, *args):
    return leanclip(*args, "--port", vboard.port)


# ---- doctor
def test_doctor_on_a_blank_board_points_to_flash(vboard):
    status, out, _ = cli(vboard, "doctor")
    assert status == 1
    assert "ok   micropython" in out and "2048 KB free of 2048 KB" in out
    assert "FAIL firmware" in out and "leanclip flash --board" in out
    assert "skip imu" in out


def test_doctor_after_flash_finds_imu_motor_and_battery(vboard):
    assert cli(vboard, "flash", "--board", "m5stickc-plus2", "--no-reset")[0] == 0
    status, out, err = cli(vboard, "doctor")
    assert status == 0, out + err
    assert "ok   imu          MPU-6886 on I2C bus 0" in out
    assert "ok   motor        pwm buzzed for 300 ms" in out
    assert "ok   battery      3.90 V" in out  # boardsim.board.wire's default cell
    # the buzz really reached the motor pin (G32) and ended: the simulated machine recorded it
    out = mpremote(vboard.port, "resume", "exec", "import machine; print([d for t, d in "
                   "machine.pwm_timeline(32)])")
    duties = ast.literal_eval(out.strip())
    assert max(duties) > 0 and duties[-1] == 0


# ---- config
def test_config_show_marks_changed_keys_and_set_validates(vboard):
    status, out, err = cli(vboard, "config", "set", "fault_hold_s", "5")
    assert status == 0, err
    status, out, _ = cli(vboard, "config", "show")
    assert [line for line in out.splitlines() if line.startswith("*")] == [
        line for line in out.splitlines() if "fault_hold_s" in line]
    assert "5.0" in [line for line in out.splitlines() if "fault_hold_s" in line][0]
    status, _, err = cli(vboard, "config", "set", "fault_hold", "5")
    assert status == 2 and "did you mean 'fault_hold_s'" in err
    status, _, err = cli(vboard, "config", "set", "overlean_alert", "maybe")
    assert status == 2 and "true or false" in err


def test_config_with_broken_json_on_the_board_is_one_line(vboard):
    (vboard.board_dir / "leanclip.json").write_text("{not json")
    status, _, err = cli(vboard, "config", "show")
    assert status == 2 and "not valid JSON" in err and len(err.strip().splitlines()) == 1


def test_an_entry_the_board_ignores_never_blocks_flash_and_unset_removes_it(vboard):
    """Issue 14.12: a key this firmware does not know (a newer firmware's, a typo made with
    mpremote) is ignored by the board; it must not block `flash` or `config set`."""
    (vboard.board_dir / "leanclip.json").write_text('{"fault_hold_s": 5, "future_key": 1}')
    status, _, err = cli(vboard, "config", "set", "repeat_s", "20")
    assert status == 0, err
    assert "unknown config key 'future_key': dropped" in err
    cfg = json.loads((vboard.board_dir / "leanclip.json").read_text())
    assert "future_key" not in cfg and (cfg["fault_hold_s"], cfg["repeat_s"]) == (5.0, 20.0)
    (vboard.board_dir / "leanclip.json").write_text('{"fault_hold_s": 5, "future_key": 1}')
    status, _, err = cli(vboard, "flash", "--board", "esp32-devkitc", "--no-reset")
    assert status == 0, err
    assert "future_key" in err and "dropped" in err
    assert json.loads((vboard.board_dir / "leanclip.json").read_text())["fault_hold_s"] == 5.0
    status, out, err = cli(vboard, "config", "unset", "fault_hold_s")
    assert status == 0 and "fault_hold_s removed (default 3.0)" in out, err
    assert json.loads((vboard.board_dir / "leanclip.json").read_text())["fault_hold_s"] == 3.0
    (vboard.board_dir / "leanclip.json").write_text('{"future_key": 1}')
    status, out, err = cli(vboard, "config", "unset", "future_key")
    assert status == 0, err
    assert "future_key" not in (vboard.board_dir / "leanclip.json").read_text()
    status, _, err = cli(vboard, "config", "unset", "future_key")
    assert status == 2 and "future_key is not set on the board" in err


def test_a_damaged_board_name_file_is_as_a_first_flash(vboard):
    (vboard.board_dir / "board.json").write_text("[1, 2]")
    status, _, err = cli(vboard, "flash", "--no-reset")
    assert status == 2 and "pass --board NAME" in err and len(err.strip().splitlines()) == 1
    status, _, err = cli(vboard, "flash", "--board", "esp32-devkitc", "--no-reset")
    assert status == 0, err
    assert json.loads((vboard.board_dir / "board.json").read_text()) == {"board": "esp32-devkitc"}


def test_the_host_reads_the_board_config_as_the_board_does(vboard):
    """Issue 14.12: the board's parser took a trailing comma that the host refused; both now
    use firmware/core/configtext (tests/test_config_text.py proves them equal)."""
    (vboard.board_dir / "leanclip.json").write_text('{\n "fault_hold_s": 5,\n}\n')
    status, out, err = cli(vboard, "config", "show")
    assert status == 0, err
    assert [line.split()[:4] for line in out.splitlines() if "fault_hold_s" in line] == [
        ["*", "fault_hold_s", "=", "5.0"]]


# ---- ports and connection errors
def port(device, vid, pid):
    return SimpleNamespace(device=device, vid=vid, pid=pid)


def test_find_port_by_usb_ids():
    assert find_port([port("/dev/ttyS0", None, None), port("/dev/ttyUSB0", 0x10C4, 0xEA60)]) \
        == "/dev/ttyUSB0"
    assert find_port([port("/dev/ttyACM0", 0x303A, 0x1001)]) == "/dev/ttyACM0"
    with pytest.raises(UserError, match="no board found"):
        find_port([port("/dev/ttyUSB0", 0x0403, 0x6001)])  # an FTDI cable, not a LeanClip
    with pytest.raises(UserError, match="several boards found .*CH340.*CH9102"):
        find_port([port("/dev/ttyUSB0", 0x1A86, 0x7523), port("/dev/ttyUSB1", 0x1A86, 0x55D4)])


@pytest.mark.parametrize("pyserial_says, we_say", [
    ("[Errno 13] could not open port /dev/ttyUSB0: [Errno 13] Permission denied: "
     "'/dev/ttyUSB0'", "dialout"),
    ("could not open port 'COM3': PermissionError(13, 'Access is denied.', None, 5)", "is busy"),
    ("could not open port 'COM9': FileNotFoundError(2, 'The system cannot find the file "
     "specified.', None, 2)", "no device at"),
])
def test_open_errors_as_pyserial_words_them_on_linux_and_windows(monkeypatch, pyserial_says,
                                                                  we_say):
    def refuse(*args, **kwargs):
        raise serial.SerialException(pyserial_says)

    monkeypatch.setattr(serial, "Serial", refuse)
    assert we_say in _open_error("PORT")


def test_missing_port_is_one_line(tmp_path):
    status, _, err = leanclip("doctor", "--port", str(tmp_path / "ttyUSB9"))
    assert status == 2 and "no device at" in err and "Traceback" not in err


def test_busy_port_is_one_line(vboard):
    with serial.Serial(vboard.port, exclusive=True):
        status, _, err = cli(vboard, "logs", "list")
    assert status == 2 and "is busy" in err


def test_a_device_that_is_not_micropython_is_one_line():
    """A pty whose far end chatters like another firmware and never shows a raw REPL."""
    master, slave = os.openpty()
    stop = threading.Event()

    def chatter():
        while not stop.wait(0.05):
            os.write(master, b"sensor=42\r\n")

    t = threading.Thread(target=chatter, daemon=True)
    t.start()
    try:
        with pytest.raises(UserError, match="does not answer like MicroPython"):
            Device(os.ttyname(slave))
    finally:
        stop.set()
        t.join()
        os.close(master)
        os.close(slave)


# ---- install-micropython
def image(chip_id, whole=True):
    """An ESP image: magic, segments, mode, size/freq, entry, then the extended header with the
    chip id at byte 12; `whole` (bootloader + partition table + app, as written at the chip's
    offset): the partition table's magic at 0x8000 in flash."""
    head = bytes([0xE9, 3, 2, 0x20]) + struct.pack("<I", 0x40080000) + bytes(4) + \
        struct.pack("<H", chip_id)
    data = bytearray(head + bytes(0x9000 - len(head)))
    if whole:
        at = 0x8000 - (0x1000 if chip_id == 0 else 0)  # ESP32 images start at 0x1000
        data[at:at + 2] = b"\xaa\x50"
    return bytes(data)


class FakeEsptool:
    """esptool.cmds' functions over a fake loader: records what would reach the chip."""

    def __init__(self, chip_name, fail=None):
        self.chip_name = chip_name
        self.fail = fail
        self.calls = []

    def detect_chip(self, port):
        if self.fail == "detect":
            from esptool.util import FatalError
            raise FatalError("Failed to connect to Espressif device: No serial data received.")
        self.calls.append(("detect", port))
        return SimpleNamespace(CHIP_NAME=self.chip_name)

    def run_stub(self, esp):
        self.calls.append(("stub",))
        return esp

    def erase_flash(self, esp):
        self.calls.append(("erase",))

    def write_flash(self, esp, addr_data):
        self.calls.append(("write", addr_data[0][0], len(addr_data[0][1])))

    def reset_chip(self, esp, mode):
        self.calls.append(("reset", mode))


@pytest.mark.parametrize("chip_name, chip_id, offset", [
    ("ESP32", 0, 0x1000), ("ESP32-S3", 9, 0x0), ("ESP32-C3", 5, 0x0)])
def test_install_writes_at_the_chips_offset(tmp_path, chip_name, chip_id, offset):
    fw = tmp_path / "fw.bin"
    fw.write_bytes(image(chip_id))
    tool = FakeEsptool(chip_name)
    install("/dev/ttyUSB0", fw, tool=tool, out=lambda line: None)
    assert tool.calls == [("detect", "/dev/ttyUSB0"), ("stub",), ("erase",),
                          ("write", offset, fw.stat().st_size), ("reset", "hard-reset")]


def test_install_refuses_an_image_for_another_chip_before_erasing(tmp_path):
    fw = tmp_path / "ESP32_GENERIC_S3.bin"
    fw.write_bytes(image(9))
    tool = FakeEsptool("ESP32")
    with pytest.raises(UserError, match="is an ESP32 but ESP32_GENERIC_S3.bin is for an ESP32-S3"):
        install("/dev/ttyUSB0", fw, tool=tool)
    assert ("erase",) not in tool.calls


@pytest.mark.parametrize("content, fail, message", [
    (b"PK\x03\x04 a zip file", None, "not an ESP32 firmware image"),
    (None, None, "cannot read"),
    (image(0), "detect", "hold BOOT while pressing RESET"),
    (image(9, whole=False), None, "not a whole image .* use build-BOARD/firmware.bin"),
])
def test_install_user_mistakes_are_one_line(tmp_path, content, fail, message):
    fw = tmp_path / "fw.bin"
    if content is not None:
        fw.write_bytes(content)
    with pytest.raises(UserError, match=message):
        install("/dev/ttyUSB0", fw, tool=FakeEsptool("ESP32", fail))

