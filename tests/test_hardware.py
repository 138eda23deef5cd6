"""hardware/: the generated wiring matches the board profiles and regenerates identically, the
README's generated blocks are current, the driver values follow from the motor's current, and
the power budget meets the goals for the builds meant to meet them."""
import copy
import shutil
import subprocess
from pathlib import Path

import pytest

from firmware.device.boards import BOARDS
from firmware.device.pinrules import pin_problems, pin_uses
from hardware import i2c_bus, motor_driver, parts, power_budget, readme, wiring

HW = Path(__file__).resolve().parent.parent / "hardware"


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_wiring_table_lists_exactly_the_profiles_pins(name):
    committed = (HW / "generated" / (name + ".md")).read_text()
    expected = [(role, pin) for role, pin, _ in pin_uses(BOARDS[name])]
    assert wiring.parse_table(committed) == expected


def test_a_moved_pin_shows_up_in_the_table(monkeypatch):
    moved = copy.deepcopy(BOARDS["xiao-esp32s3"])
    moved["motor"]["pin"] = 3
    monkeypatch.setitem(BOARDS, "xiao-esp32s3", moved)
    pairs = wiring.parse_table(wiring.table_markdown("xiao-esp32s3"))
    assert ("motor", 3) in pairs and ("motor", 2) not in pairs


def test_generated_files_regenerate_identically(tmp_path):
    written = wiring.write_all(tmp_path)
    assert len(written) == 2 * len(BOARDS)
    for path in written:
        committed = HW / "generated" / path.name
        assert committed.read_text() == path.read_text(), "run `make hardware`: %s" % path.name


def test_diagram_renders_as_png_too():
    png = wiring.diagram("esp32-devkitc", "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_committed_images_are_small():
    images = list((HW / "generated").glob("*.svg")) + list((HW / "enclosure").glob("*.png"))
    assert len(images) >= len(BOARDS) + 4
    for path in images:
        assert path.stat().st_size < 200_000, path


def test_readme_generated_blocks_are_current():
    text = readme.README.read_text()
    assert readme.update(text) == text, "run `make hardware`"
    assert power_budget.table() in text
    assert "Build (a) does not meet the running goal" in text


def test_readme_without_a_block_is_refused():
    with pytest.raises(ValueError, match="no <!-- generated:bom-b -->"):
        readme.update("no blocks here <!-- generated:bom-a --><!-- /generated:bom-a -->")


def test_shipped_profiles_pass_the_pin_rules_used_by_the_docs():
    assert all(pin_problems(BOARDS[name]) == [] for name in BOARDS)


# --- motor driver -----------------------------------------------------------------------------

@pytest.mark.parametrize("ohms,up,down", [(165, 180, 150), (204, 220, 180), (1000, 1000, 1000),
                                          (99, 100, 82), (47000, 47000, 47000)])
def test_e12_rounding(ohms, up, down):
    assert motor_driver.e12_at_least(ohms) == up
    assert motor_driver.e12_at_most(ohms) == down


def test_gate_resistor_keeps_the_gpio_within_its_limit():
    rg = motor_driver.e12_at_least(parts.GPIO_V / (parts.GPIO_MAX_MA / 1000))
    assert parts.GPIO_V / rg * 1000 <= parts.GPIO_MAX_MA
    values = motor_driver.driver("nmos", parts.COIN_MOTOR, parts.LIPO_MAX_V)
    assert values["gate resistor"].startswith("180 ohm")


def test_base_resistor_saturates_the_npn_without_overloading_the_gpio():
    values = motor_driver.driver("npn", parts.COIN_MOTOR, 3.3)
    rb = float(values["base resistor"].split()[0])
    ib_ma = (parts.GPIO_V - parts.NPN["vbe_sat_v"]) / rb * 1000
    assert parts.COIN_MOTOR["start_ma"] / 10 <= ib_ma <= parts.GPIO_MAX_MA


def test_diode_is_rated_for_the_motor_and_refused_when_nothing_fits():
    part, vr, i_a = motor_driver.pick_diode(4.2, 120)
    assert vr >= 8.4 and i_a >= 0.24
    with pytest.raises(ValueError, match="no diode"):
        motor_driver.pick_diode(4.2, 2000)


def test_duty_cap_gives_the_rated_voltage():
    assert motor_driver.max_duty(parts.COIN_MOTOR, 4.2) == pytest.approx(3.0 / 4.2)
    assert motor_driver.max_duty(parts.COIN_MOTOR, 2.5) == 1.0


# --- power budget -----------------------------------------------------------------------------

def _row(name, mhz):
    return [r for r in power_budget.rows() if r["board"] == name and r["cpu_mhz"] == mhz][0]


@pytest.mark.parametrize("name", ["xiao-esp32s3", "xiao-esp32c3"])
def test_build_b_meets_both_goals_at_80_mhz(name):
    row = _row(name, 80)
    assert row["battery_mah"] == power_budget.GOAL_BATTERY_MAH
    assert power_budget.meets_goals(row) == (True, True)


def test_plus2_misses_the_running_goal_on_its_200_mah_only():
    row = _row("m5stickc-plus2", 80)
    assert power_budget.meets_goals(row) == (False, True)
    assert row["run_h"] < power_budget.RUNNING_GOAL_H <= row["run_h_400"]


def test_s3_at_160_mhz_misses_the_running_goal():
    assert power_budget.meets_goals(_row("xiao-esp32s3", 160))[0] is False


def test_motor_share_follows_the_firmware_patterns_and_repeat():
    # 240 buzzes/h x 600 ms = 144 s/h; a 90 mA / 3 V motor on 4.2 V draws 126 mA
    on_s = power_budget.worst_alerts_per_h() * power_budget.fault_buzz_on_ms() / 1000
    motor = power_budget.running_ma("xiao-esp32s3")["motor"]
    assert motor == pytest.approx(126.0 * on_s / 3600)
    quiet = power_budget.running_ma("xiao-esp32s3", alerts_per_h=0)
    assert quiet["motor"] == 0 and sum(quiet.values()) < sum(
        power_budget.running_ma("xiao-esp32s3").values())


def test_hours_use_the_usable_fraction():
    assert power_budget.hours(400, 34.0) == pytest.approx(400 * 0.85 / 34.0)


def test_only_battery_boards_are_budgeted():
    budgeted = set(power_budget.battery_boards())
    assert budgeted == {"m5stickc-plus2", "xiao-esp32s3", "xiao-esp32c3"}
    assert all(parts.BUILDS[parts.build_of(n)]["battery_mah"] for n in budgeted)


def test_power_budget_prints_its_table(capsys):
    assert power_budget.main(["--detail"]) == 0
    out = capsys.readouterr().out
    assert power_budget.table() in out and "Sources:" in out


# --- enclosure ----------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("openscad") is None, reason="OpenSCAD not installed")
@pytest.mark.parametrize("build", ["xiao", "plus2", "pod"])
@pytest.mark.parametrize("mount", ["chest", "waist"])
def test_enclosure_renders(tmp_path, build, mount):
    out = tmp_path / "case.stl"
    subprocess.run(["openscad", "-D", 'build="%s"' % build, "-D", 'mount="%s"' % mount,
                    "-o", str(out), str(HW / "enclosure" / "leanclip_case.scad")],
                   check=True, capture_output=True, timeout=120)
    assert out.read_text().startswith("solid")


# --- pelvis pod bus (issue 17) ------------------------------------------------------------------

def test_um10204_formulas():
    # UM10204 Figure 41/42 end points: R_p(max) at 400 pF, R_p(min) at 3.3 V with 3 mA.
    assert i2c_bus.rp_max_ohm(300.0, 400.0) == pytest.approx(885, abs=1)
    assert i2c_bus.rp_max_ohm(1000.0, 400.0) == pytest.approx(2950, abs=1)
    assert i2c_bus.rp_min_ohm(3.3) == pytest.approx(967, abs=1)
    assert i2c_bus.rise_ns(i2c_bus.rp_max_ohm(300.0, 136.0), 136.0) == pytest.approx(300.0)


def test_the_pod_cable_fits_fast_mode_with_the_recommended_pullups():
    cb = i2c_bus.bus_capacitance_pf(parts.POD_CABLE["max_m"])
    assert cb < i2c_bus.CB_MAX_PF / 2
    recommended = [rp for what, rp in parts.PULLUPS if "recommended" in what][0]
    assert i2c_bus.rp_min_ohm() <= recommended <= i2c_bus.rp_max_ohm(300.0, cb)
    weak = [rp for what, rp in parts.PULLUPS if "10k each, nothing" in what][0]
    assert i2c_bus.rise_ns(weak, cb) > 300.0  # the README's "too weak at 400 kHz"


def test_bus_share_follows_the_drivers_transfers():
    # One ICM-42688-P at 200 Hz, 50 passes/s: per pass a 3-byte status read and one 4-sample
    # chunk of 16-byte packets, each transfer with its 30 bit times of framing.
    bits = 2 * 30 + 9 * (3 + 4 * 16)
    assert i2c_bus.bus_share("icm42688p", 400000, imus=1) == pytest.approx(bits * 50 / 400000)
    assert i2c_bus.bus_share("icm42688p", 100000, imus=2) > 0.5  # why 100 kHz is no fallback


def test_bus_budget_inputs_match_the_firmware():
    from firmware.drivers import icm42688, mpu6xxx

    assert i2c_bus.SAMPLE_BYTES["icm42688p"] == icm42688._PACKET
    assert i2c_bus.SAMPLE_BYTES["mpu6050"] == mpu6xxx._LAYOUT[0x68][1]
    assert i2c_bus.SAMPLE_BYTES["mpu6886"] == mpu6xxx._LAYOUT[0x19][1]
    app = (HW.parent / "firmware" / "device" / "app.py").read_text()
    assert "LOOP_PERIOD_US = const(%d)" % (1000000 // i2c_bus.LOOP_HZ) in app


def test_readme_pod_figures_are_the_computed_ones():
    text = readme.README.read_text()
    generated = i2c_bus.markdown()
    for figure in ("136 pF", "576 ns"):
        assert figure in text.split("<!-- /generated:pelvis-bus -->")[1].split("## ")[0]
        assert figure.split()[0] in generated


@pytest.mark.parametrize("name", sorted(n for n in BOARDS if BOARDS[n]["pelvis"]))
def test_wiring_tables_carry_the_pod(name):
    table = wiring.table_markdown(name)
    assert "pelvis pod (optional)" in table
    assert "1 SDA, 2 3V3, 3 GND, 4 SCL" in table
    assert "pelvis pod 0x%02X" % BOARDS[name]["pelvis"]["address"] in table


def test_build_b_with_the_pod_still_meets_the_running_goal():
    rows = [line.split("|") for line in i2c_bus.battery_markdown().splitlines()[2:]]
    assert {r[1].strip() for r in rows} == {"xiao-esp32s3", "xiao-esp32c3"}
    for r in rows:
        without_h, with_h = (float(x.strip(" h")) for x in r[3].split("/"))
        assert power_budget.RUNNING_GOAL_H <= with_h < without_h


def test_install_figures_come_from_the_bench_table():
    """The README's heap figures are read from `python -m bench memory`'s table as pasted in
    docs/device.md: a row that did not run, or ran short of 24 KB, does not count."""
    table = "\n".join([
        "| mpy | 96k | no (App(): MemoryError) | 60.0 KB | - | - | - | - | - |",
        "| mpy | 110k | yes | 65.3 KB | 77.5 KB | yes | 20.1 KB | 295 (1 planned) | 1 / 2 us |",
        "| mpy | 128k | yes | 65.3 KB | 77.5 KB | yes | 45.1 KB | 167 (1 planned) | 1 / 2 us |",
        "| frozen | 48k | yes | 15.0 KB | 24.2 KB | no: restart | 20.4 KB | 450 (1) | 1 / 2 us |",
        "| frozen | 56k | yes | 15.0 KB | 24.1 KB | yes | 28.2 KB | 288 (1) | 1 / 2 us |"])
    assert readme.memory_figures(table) == {"mpy": (110, 128), "frozen": (56, 56)}
    with pytest.raises(ValueError):
        readme.memory_figures("| mpy | 110k | yes |")
