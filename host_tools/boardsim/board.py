"""Wire the fake `machine` up as a board profile says (firmware/device/boards.py): the IMU
model at its bus and address with its INT line on the pin the profile names, a DRV2605L model
if the board has one, the button released and a battery voltage on the ADC pin - what a real
board presents at power-on."""
from firmware.device import boards

from . import machine
from .chips import imu_model
from .drv2605 import Drv2605

# boards.py model keys -> datasheet names used by chips.imu_model
IMU_NAMES = {"mpu6050": "MPU-6050", "mpu6500": "MPU-6500", "mpu9250": "MPU-9250",
             "mpu6886": "MPU-6886", "icm42688p": "ICM-42688-P", "lsm6ds3": "LSM6DS3",
             "lsm6dso": "LSM6DSO"}


def wire(name, source, battery_v=3.9):
    """Attach the models board `name` carries; returns (imu_model, drv2605_model or None).

    `source` feeds the IMU (sources.CsvRows for a simulated run, Constant for a still board).
    Uses the fake machine's current clock, so call machine.reset_all(clock) first.
    """
    p = boards.profile(name)
    clock = machine.clock()
    bus = p["i2c"]["id"]
    imu = imu_model(IMU_NAMES[p["imu"]["model"]], clock, source)
    machine.attach(bus, p["imu"]["address"], imu)
    int_pin = p["imu"].get("int_pin")
    if int_pin is not None:
        imu.on_int = lambda level: machine.drive(int_pin, level)
        machine.drive(int_pin, imu.int_level)
    haptic = None
    motor = p["motor"]
    if motor and motor["kind"] == "drv2605l":
        haptic = Drv2605(clock)
        machine.attach(bus, motor["address"], haptic)
    button = p["button"]
    machine.drive(button["pin"], 1 if button["active_low"] else 0)  # released
    if p["battery"]:
        machine.set_adc_uv(p["battery"]["adc_pin"],
                           int(battery_v * 1000000 / p["battery"]["divider"]))
    return imu, haptic


def wire_pelvis(name, source):
    """Attach the pelvis pod's IMU model that board `name` offers (profile "pelvis": same bus,
    strap-high address), fed from its own `source`; returns the model. Call after wire()."""
    p = boards.profile(name)
    pod = p["pelvis"]
    if pod is None:
        raise ValueError("board '%s' has no pelvis pod" % name)
    imu = imu_model(IMU_NAMES[pod["model"]], machine.clock(), source)
    machine.attach(p["i2c"]["id"], pod["address"], imu)
    return imu
