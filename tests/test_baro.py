"""The barometer drivers against the register models (host_tools/boardsim/baro.py), on CPython
and on MicroPython: the models encode pressure by inverting the datasheet compensation, so
only a driver that reads the right registers in the right byte order decodes it. The broken
variants prove the models catch the plausible bugs."""
import pytest

from firmware.drivers import bmp
from firmware.drivers.baro import altitude_m, find_baro
from host_tools.boardsim import machine
from host_tools.boardsim.baro import attach
from host_tools.boardsim.clock import ManualClock

TOLERANCE_PA = {"BMP280": 5.0, "BMP390": 1.0}
# (pressure Pa, temperature degC): sea level, the chips' range corners, a mountain run
CASES = [(101325.0, 20.0), (30000.0, -40.0), (125000.0, 85.0), (95012.3, 7.5), (70110.0, -3.2)]


def rig(chip, p_pa=101325.0, temp_c=20.0):
    clk = ManualClock()
    machine.reset_all(clk)
    model = attach(chip, clk, p_pa, temp_c)
    sensor = find_baro(machine.I2C(0), clk.sleep_ms)
    sensor.configure()
    return model, sensor


@pytest.mark.parametrize("chip", sorted(TOLERANCE_PA))
def test_pressure_and_temperature_decode_across_the_range(chip):
    model, sensor = rig(chip)
    assert sensor.NAME == chip
    tol_pa = TOLERANCE_PA[chip]
    for p_pa, temp_c in CASES:
        model.pressure_pa, model.temp_c = p_pa, temp_c
        got = sensor.read_pa()
        assert abs(got - p_pa) <= tol_pa, (p_pa, temp_c, got)
        assert abs(sensor.temp_c - temp_c) <= 0.01
    assert [s for s in model.strays if s[0] == "w"] == []


def test_bmp280_datasheet_example():
    """The datasheet's worked example (§3.12 table 16 trimming): adc_T 519888 -> t_fine
    128422, 25.08 degC; adc_P 415148 -> 100653.3 Pa. The 32-bit formula the driver uses is
    coarser than the 64-bit one the model uses: a few Pa (25 cm), far below a climb's signal."""
    model, sensor = rig("BMP280")
    model.regs[0xF4] = 0  # sleep: the data registers keep what is poked into them
    raw = (415148, 519888)
    for i in range(2):
        model.regs[0xF7 + 3 * i] = raw[i] >> 12
        model.regs[0xF8 + 3 * i] = (raw[i] >> 4) & 0xFF
        model.regs[0xF9 + 3 * i] = (raw[i] & 0xF) << 4
    assert model.t_fine(519888) == 128422
    assert model.pressure_q24_8(415148, 128422) / 256 == pytest.approx(100653.3, abs=0.1)
    assert abs(sensor.read_pa() - 100653.3) <= 5
    assert sensor.temp_c == 25.08


def test_no_barometer_is_none_not_an_error():
    machine.reset_all(ManualClock())
    assert find_baro(machine.I2C(0)) is None


def test_altitude_from_pressure():
    assert altitude_m(101325.0, 101325.0) == 0.0
    # ~8.3 m per hPa near sea level; 1 Pa of noise is ~8 cm
    assert 8.2 < altitude_m(101225.0, 101325.0) < 8.5
    assert altitude_m(89875.0, 101325.0) == pytest.approx(1000.0, abs=2.0)


def _big_endian_u16(b, i):
    return (b[i] << 8) | b[i + 1]


def _big_endian_s16(b, i):
    v = (b[i] << 8) | b[i + 1]
    return v - 65536 if v & 0x8000 else v


BROKEN = [
    ("BMP280", bmp, "_u16", _big_endian_u16),  # trimming read in the wrong byte order
    ("BMP280", bmp, "_s16", _big_endian_s16),
    ("BMP280", bmp.Bmp280, "DATA_REG", 0xFA),  # temperature read as pressure
    ("BMP280", bmp.Bmp280, "CALIB_REG", 0x8A),  # trimming one word off
    ("BMP280", bmp.Bmp280, "MEAS", 0x2C),  # left in sleep mode
    ("BMP390", bmp, "_s16", _big_endian_s16),
    ("BMP390", bmp.Bmp390, "DATA_REG", 0x05),
    ("BMP390", bmp.Bmp390, "CALIB_REG", 0x30),
    ("BMP390", bmp.Bmp390, "PWR", 0x31),  # pressure enabled but temperature not
]


@pytest.mark.parametrize("chip,owner,attr,value", BROKEN,
                         ids=["%s-%s" % (b[0], b[2]) for b in BROKEN])
def test_a_broken_driver_fails_against_the_model(monkeypatch, chip, owner, attr, value):
    monkeypatch.setattr(owner, attr, value)
    model, sensor = rig(chip)
    errors = []
    for p_pa, temp_c in CASES:
        model.pressure_pa, model.temp_c = p_pa, temp_c
        errors.append(abs(sensor.read_pa() - p_pa))
    assert max(errors) > 100


UPY = r'''
import machine
from host_tools.boardsim.baro import attach
from host_tools.boardsim.clock import ManualClock
from firmware.drivers.baro import find_baro, altitude_m

for chip in ("BMP280", "BMP390"):
    for p_pa, temp_c in ((101325.0, 20.0), (30000.0, -40.0), (125000.0, 85.0), (95012.3, 7.5)):
        clk = ManualClock()
        machine.reset_all(clk)
        attach(chip, clk, p_pa, temp_c)
        sensor = find_baro(machine.I2C(0), clk.sleep_ms)
        sensor.configure()
        print("BARO", sensor.NAME, p_pa, sensor.read_pa(), sensor.temp_c)
machine.reset_all(ManualClock())
print("NONE", find_baro(machine.I2C(0)))
print("ALT", altitude_m(101225.0, 101325.0))
'''


def test_on_micropython(tmp_path, interp):
    interp.compile_with_boardsim(tmp_path)
    script = tmp_path / "baro_check.py"
    script.write_text(UPY)
    seen = {}
    for line in interp.run(script, tmp_path).splitlines():
        kind, *rest = line.split()
        if kind == "BARO":
            name, want, got = rest[0], float(rest[1]), float(rest[2])
            assert abs(got - want) <= TOLERANCE_PA[name], line
            seen[name] = seen.get(name, 0) + 1
        else:
            seen[kind] = rest
    assert seen["BMP280"] == 4 and seen["BMP390"] == 4
    assert seen["NONE"] == ["None"]
    assert 8.2 < float(seen["ALT"][0]) < 8.5
