"""The drivers compiled by mpy-cross (native emitter) on the real MicroPython interpreter, with
the models from host_tools/boardsim and `import machine` resolving to the fake.

Checks the same things as the CPython tests where the interpreter differs (integer widths,
array('h') stores, native code) and measures heap use: 1000 `read_into` calls with the FIFO
being refilled between them must allocate nothing (the models are allocation-free in steady
state with a Constant source, so the whole delta is the driver's).
"""
import ast

import pytest

from host_tools.boardsim.chips import IMUS

SCRIPT = r'''
import gc
from array import array
import machine
from host_tools.boardsim.chips import IMUS, imu_model
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.drv2605 import Drv2605 as Drv2605Model
from host_tools.boardsim.sources import Constant, Sequence, check_decoded
from firmware.drivers.imu import find_imu
from firmware.drivers.drv2605 import Drv2605
from firmware.drivers.pwm_haptics import PwmMotor

ADDRESS = {"ICM-42688-P": 0x69, "LSM6DS3": 0x6A, "LSM6DSO": 0x6B}


def rig(name, source):
    machine.reset_all()
    clk = ManualClock()
    model = imu_model(name, clk, source)
    machine.attach(0, ADDRESS.get(name, 0x68), model)
    imu = find_imu(machine.I2C(0, scl=22, sda=21), clk.sleep_ms)
    imu.configure(rate_hz=200, accel_fs_g=8, gyro_fs_dps=1000)
    return clk, model, imu


for name in IMUS:
    src = Sequence()
    clk, model, imu = rig(name, src)
    buf = array("h", [0] * (6 * 64))
    k_next = None
    total = 0
    errors = 0
    negative = 0
    for step in range(60):
        clk.advance_ms(100 if step == 30 else 7)  # one 100 ms stall (a flash write)
        n = imu.read_into(buf)
        first, last, errs = check_decoded(src, buf, n, imu.accel_lsb_per_g,
                                          imu.gyro_lsb_per_dps, k_next)
        if n:
            k_next = last + 1
        errors += len(errs)
        total += n
        for i in range(6 * n):
            if buf[i] < 0:
                negative += 1
    print("DECODE", name, imu.name, total, errors, negative, imu.overflowed,
          len(model.strays), model.underruns)

    clk, model, imu = rig(name, Constant(0.1, -0.2, 0.98, 10.0, -20.0, 30.0))
    buf = array("h", [0] * (6 * 32))
    for _ in range(20):
        clk.advance_ms(5)
        imu.read_into(buf)
    gc.collect()
    got = 0
    before = gc.mem_alloc()
    for i in range(1000):
        clk.advance_us(5000 if i % 50 else 100000)
        got += imu.read_into(buf)
    after = gc.mem_alloc()
    print("ALLOC", name, after - before, got)

machine.reset_all()
clk = ManualClock()
machine.set_clock(clk)
motor = PwmMotor(machine.PWM(machine.Pin(25)), freq_hz=200)
for level in (255, 0, 128):
    clk.advance_ms(10)
    motor.set(level)
print("PWM", machine.pwm_timeline(25))
model = Drv2605Model(clk)
machine.attach(0, 0x5A, model)
drv = Drv2605(machine.I2C(0), sleep_ms=clk.sleep_ms)
for level in (200, 0):
    clk.advance_ms(10)
    drv.set(level)
print("DRV", model.timeline[-2:])

from host_tools.boardsim.board import wire
clk = ManualClock()
machine.reset_all(clk)
wire("xiao-esp32s3", Constant())
imu = find_imu(machine.I2C(0, scl=6, sda=5), clk.sleep_ms)
print("WIRE", imu.name)

class PickedUp:
    """Still for the first 5 s of virtual time, then shaken along x."""

    def __init__(self, clk):
        self.clk = clk
        self.still = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
        self.moved = (0.6, 0.0, 1.0, 0.0, 0.0, 0.0)

    def row(self, k):
        return self.moved if self.clk.t_us > 5000000 and k % 2 else self.still


for chip in ("MPU-6050", "MPU-9250", "ICM-42688-P"):
    clk = ManualClock()
    machine.reset_all(clk)
    model = imu_model(chip, clk, PickedUp(clk))
    machine.attach(0, 0x68, model)
    imu = find_imu(machine.I2C(0), clk.sleep_ms)
    imu.wake_on_motion(threshold_mg=300)
    clk.advance_ms(1000)
    imu._read_u8(0x75)
    before = model.int_level
    clk.advance_ms(10000)
    imu._read_u8(0x75)
    print("WOM", chip, before, model.int_level)
'''


@pytest.fixture(scope="module")
def output(tmp_path_factory, interp):
    root = tmp_path_factory.mktemp("upy_drivers")
    interp.compile_with_boardsim(root)
    script = root / "drivers_check.py"
    script.write_text(SCRIPT)
    out = {}
    for line in interp.run(script, root).splitlines():
        kind, _, rest = line.partition(" ")
        key = (kind, rest.split()[0]) if kind in ("DECODE", "ALLOC", "WOM") else kind
        out[key] = rest
    return out


@pytest.mark.parametrize("chip", IMUS)
def test_decode_and_stall_on_micropython(output, chip):
    _, name, total, errors, negative, overflowed, strays, underruns = output[
        ("DECODE", chip)].split()
    assert name == chip
    assert int(total) >= 95  # ~0.5 s of samples at 200 Hz
    assert int(errors) == 0  # within 1 LSB and no gap, through the 100 ms stall
    assert int(negative) > 0
    assert (overflowed, strays, underruns) == ("0", "0", "0")


@pytest.mark.parametrize("chip", IMUS)
def test_read_into_allocates_nothing_on_micropython(output, chip):
    _, delta, got = output[("ALLOC", chip)].split()
    assert int(got) > 1000  # the calls really drained samples (incl. 20 stalls of 100 ms)
    assert int(delta) == 0


@pytest.mark.parametrize("chip", ["MPU-6050", "MPU-9250", "ICM-42688-P"])
def test_wake_on_motion_on_micropython(output, chip):
    assert output[("WOM", chip)] == chip + " 0 1"  # quiet while still, raised once moved


def test_board_wiring_on_micropython(output):
    assert output["WIRE"] == "ICM-42688-P"


def test_haptics_on_micropython(output):
    assert output["PWM"].startswith("[(0, 0), (10, 65535), (20, 0), (30, ")
    assert [level for _, level in ast.literal_eval(output["DRV"])] == [200, 0]
