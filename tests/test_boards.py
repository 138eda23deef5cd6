"""Board profiles and pin rules: shipped profiles are clean, each rule rejects what it should,
and the MicroPython interpreter (running mpy-cross output) reaches the same verdicts as CPython."""
import copy
import json

import pytest

from firmware.device import boards
from firmware.device.pinrules import CHIPS, pin_problems, wakes_from_deep_sleep

CHIP_IMAGE = {"esp32": (0x1000, "xtensawin"), "esp32s3": (0x0, "xtensawin"),
              "esp32c3": (0x0, "rv32imc")}
KEYS = ("title", "chip", "march", "image_offset", "i2c", "imu", "pelvis", "motor", "buzzer",
        "button", "led", "battery", "power_hold")


def variant(name, **changes):
    """A copy of a shipped profile with parts replaced: changes are part=dict-or-None."""
    profile = copy.deepcopy(boards.profile(name))
    for part, value in changes.items():
        profile[part] = value
    return profile


def only(problems, *fragments):
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], problems
    return problems[0]


@pytest.mark.parametrize("name", sorted(boards.BOARDS))
def test_shipped_profile_is_clean(name):
    profile = boards.profile(name)
    assert pin_problems(profile) == []
    assert all(key in profile for key in KEYS)
    assert (profile["image_offset"], profile["march"]) == CHIP_IMAGE[profile["chip"]]


def _driver(model):
    from firmware.drivers.imu import DRIVERS
    from host_tools.boardsim.board import IMU_NAMES

    return [cls for cls in DRIVERS if IMU_NAMES[model] in cls.CHIPS.values()][0]


@pytest.mark.parametrize("name", sorted(boards.BOARDS))
def test_imu_addresses_follow_the_drivers_strap_registry(name):
    from firmware.drivers.imu import CHEST, PELVIS

    profile = boards.profile(name)
    assert profile["imu"]["address"] == _driver(profile["imu"]["model"]).ADDRESSES[CHEST]
    pod = profile["pelvis"]
    if pod is not None:
        assert pod["address"] == _driver(pod["model"]).ADDRESSES[PELVIS]
        assert pod["address"] != profile["imu"]["address"]


def test_the_builds_with_a_connector_offer_the_pelvis_pod():
    assert {n for n, p in boards.BOARDS.items() if p["pelvis"]} == {
        "xiao-esp32s3", "xiao-esp32c3", "esp32-devkitc"}


def test_required_boards_are_shipped():
    assert {p["chip"] for p in boards.BOARDS.values()} == set(CHIPS)
    assert {"m5stickc-plus2", "atoms3", "xiao-esp32s3", "xiao-esp32c3",
            "esp32-devkitc"} <= set(boards.BOARDS)


def test_unknown_board_names_the_known_ones():
    with pytest.raises(ValueError) as err:
        boards.profile("m5stick")
    assert str(err.value).startswith("unknown board 'm5stick'; known: atoms3, ")


def test_pin_that_does_not_exist():
    profile = variant("esp32-devkitc", led={"pin": 24, "active_low": False})
    only(pin_problems(profile), "led on GPIO24", "does not exist on the esp32")


@pytest.mark.parametrize("name,pin", [("esp32-devkitc", 6), ("esp32-devkitc", 11),
                                      ("atoms3", 26), ("atoms3", 32), ("xiao-esp32c3", 12),
                                      ("xiao-esp32c3", 17)])
def test_flash_pins_are_rejected(name, pin):
    profile = variant(name, led={"pin": pin, "active_low": True})
    only(pin_problems(profile), "GPIO%d is wired to the module's flash/PSRAM" % pin)


def test_esp32_psram_takes_gpio16_and_17():
    psram = variant("m5stickc-plus2", led={"pin": 16, "active_low": False})
    only(pin_problems(psram), "GPIO16 is wired to the module's flash/PSRAM")
    no_psram = variant("esp32-devkitc", led={"pin": 16, "active_low": False})
    assert pin_problems(no_psram) == []


def test_octal_psram_pins_only_on_octal_modules():
    octal = variant("xiao-esp32s3", led={"pin": 35, "active_low": True})
    only(pin_problems(octal), "GPIO35 is wired to the module's flash/PSRAM")
    no_psram = variant("atoms3", led={"pin": 35, "active_low": True})
    assert pin_problems(no_psram) == []


@pytest.mark.parametrize("role", ["motor", "led", "power_hold"])
def test_input_only_pin_cannot_drive(role):
    part = {"kind": "pwm", "pin": 34, "freq_hz": 200, "driver": "npn"} if role == "motor" \
        else {"pin": 34, "active_low": False}
    profile = variant("esp32-devkitc", **{role: part})
    only(pin_problems(profile), "%s on GPIO34" % role, "input-only")


def test_input_only_pin_is_fine_as_an_input():
    profile = variant("esp32-devkitc", button={"pin": 35, "active_low": True, "pull": None},
                      battery={"adc_pin": 34, "divider": 2.0})
    assert pin_problems(profile) == []


def test_input_only_pin_has_no_internal_pull():
    profile = variant("esp32-devkitc", button={"pin": 36, "active_low": True, "pull": "up"})
    only(pin_problems(profile), "GPIO36 has no internal pull resistor")


@pytest.mark.parametrize("name,pin", [("esp32-devkitc", 13), ("esp32-devkitc", 4),
                                      ("atoms3", 12), ("xiao-esp32c3", 5)])
def test_battery_on_adc2_is_rejected(name, pin):
    profile = variant(name, battery={"adc_pin": pin, "divider": 2.0}, button=None)
    only(pin_problems(profile), "battery on GPIO%d" % pin, "ADC2, unusable while the radio is on")


def test_battery_on_a_pin_without_adc():
    profile = variant("esp32-devkitc", battery={"adc_pin": 23, "divider": 2.0})
    only(pin_problems(profile), "GPIO23 has no ADC; use an ADC1 pin (GPIO32-39)")


@pytest.mark.parametrize("name,role,pin,need", [
    ("esp32-devkitc", "button", 0, "high"),
    ("esp32-devkitc", "motor", 0, "high"),
    ("atoms3", "button", 45, "low"),
    ("xiao-esp32c3", "motor", 2, "high"),
    ("xiao-esp32c3", "button", 9, "high"),
])
def test_strapping_pin_that_breaks_boot_warns(name, role, pin, need):
    part = {"pin": pin, "active_low": True, "pull": "up"} if role == "button" \
        else {"kind": "pwm", "pin": pin, "freq_hz": 200, "driver": "nmos"}
    profile = variant(name, **{role: part})
    line = only(pin_problems(profile), "strapping pin GPIO%d must be %s" % (pin, need))
    assert line.startswith("warning: ")


def test_strapping_pin_held_at_its_boot_level_is_fine():
    # GPIO12 (MTDI) must be low at reset; the motor driver's pull-down keeps it low.
    profile = variant("esp32-devkitc", motor={"kind": "pwm", "pin": 12, "freq_hz": 200,
                                              "driver": "npn"})
    assert pin_problems(profile) == []


def test_same_pin_twice():
    profile = variant("m5stickc-plus2", led={"pin": 32, "active_low": False})
    only(pin_problems(profile), "GPIO32 is used twice (motor and led)")


def test_usb_data_pins_are_rejected():
    profile = variant("xiao-esp32s3", led={"pin": 20, "active_low": True})
    only(pin_problems(profile), "GPIO20 is the chip's USB data line")


def test_i2c_bus_id_must_exist():
    profile = variant("xiao-esp32c3", i2c={"id": 1, "sda": 6, "scl": 7, "freq": 400000})
    only(pin_problems(profile), "I2C bus id 1 does not exist on the esp32c3")


def test_unknown_chip():
    profile = variant("atoms3", chip="esp32h2")
    only(pin_problems(profile), "unknown chip 'esp32h2'")


def test_drv2605l_motor_uses_no_gpio():
    profile = variant("xiao-esp32s3", motor={"kind": "drv2605l", "address": 0x5A},
                      led={"pin": 2, "active_low": True})
    assert pin_problems(profile) == []


def test_which_buttons_wake_from_deep_sleep():
    woken = {name for name, p in boards.BOARDS.items()
             if wakes_from_deep_sleep(p, p["button"]["pin"])}
    assert woken == {"m5stickc-plus2", "xiao-esp32s3", "xiao-esp32c3", "esp32-devkitc"}
    c3 = boards.profile("xiao-esp32c3")
    assert not wakes_from_deep_sleep(c3, 9)
    assert not wakes_from_deep_sleep(c3, None)


def test_wired_imu_interrupts_can_wake_from_deep_sleep():
    wired = [p for p in boards.BOARDS.values() if p["imu"]["int_pin"] is not None]
    assert len(wired) >= 2
    assert all(wakes_from_deep_sleep(p, p["imu"]["int_pin"]) for p in wired)


def test_imu_interrupt_pin_is_checked_like_the_others():
    profile = variant("xiao-esp32s3", imu={"model": "icm42688p", "address": 0x68, "int_pin": 2})
    only(pin_problems(profile), "GPIO2 is used twice (imu int and motor)")


def test_chip_tables_are_consistent():
    for name, chip in CHIPS.items():
        gpio = set(chip["gpio"])
        for key in ("flash", "usb", "input_only", "adc1", "adc2", "deep_sleep_wake"):
            assert set(chip[key]) <= gpio, (name, key)
        for pins in chip["psram"].values():
            assert set(pins) <= gpio, name
        assert not set(chip["adc1"]) & set(chip["adc2"]), name
        assert set(chip["boot_level"]) <= gpio, name


# Crafted profiles whose verdicts CPython and MicroPython must agree on (one per rule + clean).
def _differential_cases():
    cases = [variant(name) for name in sorted(boards.BOARDS)]
    cases.append(variant("esp32-devkitc", led={"pin": 24, "active_low": False}))
    cases.append(variant("esp32-devkitc", led={"pin": 7, "active_low": False}))
    cases.append(variant("xiao-esp32s3", led={"pin": 35, "active_low": True}))
    cases.append(variant("esp32-devkitc", power_hold={"pin": 39}))
    cases.append(variant("esp32-devkitc", battery={"adc_pin": 13, "divider": 2.0}))
    cases.append(variant("esp32-devkitc", button={"pin": 0, "active_low": True, "pull": "up"}))
    cases.append(variant("m5stickc-plus2", led={"pin": 32, "active_low": False}))
    cases.append(variant("xiao-esp32c3", i2c={"id": 1, "sda": 6, "scl": 7, "freq": 400000}))
    for case in cases:
        case.pop("labels", None)  # int dict keys do not survive JSON
    return cases


UPY_SCRIPT = """
import json, sys
from firmware.device import boards, pinrules
cases = json.loads(sys.stdin.read())
out = [pinrules.pin_problems(case) for case in cases]
out.append([pinrules.wakes_from_deep_sleep(case, case["button"]["pin"]) for case in cases])
try:
    boards.profile("nope")
except ValueError as e:
    out.append([str(e)])
print(json.dumps(out))
"""


def test_micropython_reaches_the_same_verdicts(tmp_path, interp):
    cases = _differential_cases()
    expected = [pin_problems(case) for case in cases]
    expected.append([wakes_from_deep_sleep(case, case["button"]["pin"]) for case in cases])
    with pytest.raises(ValueError) as err:
        boards.profile("nope")
    expected.append([str(err.value)])
    # the crafted ones fail, the shipped ones pass (+ the wake list and the unknown board)
    assert sum(1 for e in expected if e) == 10
    tree = interp.compile_firmware(tmp_path / "lib")
    script = tmp_path / "check.py"
    script.write_text(UPY_SCRIPT)
    got = json.loads(interp.run(script, tree, stdin=json.dumps(cases)))
    assert got == expected


@pytest.mark.parametrize("name", sorted(boards.BOARDS))
def test_the_app_gets_every_profile_key_the_board_reads_and_not_the_hosts_text(name,
                                                                                monkeypatch):
    """startup.settings() hands App() the profile without its host-side text (heap all
    session): every key the board's code reads from it must still be there (hardware.py,
    pins.py, standby.py and the wake-pin rule are what use App's profile)."""
    import inspect
    import re

    from firmware.device import devconfig, hardware, pinrules, pins, standby, startup

    monkeypatch.setattr(devconfig, "board_name", lambda: name)
    monkeypatch.setattr(devconfig, "load", lambda: ({}, []))
    monkeypatch.setattr(devconfig, "accel_trim", lambda: None)
    kept = startup.settings()[1]
    full = boards.profile(name)
    assert kept.pop("accel_trim") is None  # the board's own calibration (/accelcal.json)
    assert all(kept[k] == full[k] for k in kept)
    assert not {"title", "sources", "notes", "labels"} & set(kept)
    code = "".join(inspect.getsource(m) for m in (hardware, pins, standby))
    code += inspect.getsource(pinrules.wakes_from_deep_sleep)
    read = set(re.findall(r'profile(?:\.get\(|\[)"(\w+)"', code))
    assert read and read <= set(kept), read - set(kept)
