"""Haptic drivers: the PWM motor and buzzer against the fake machine.PWM timeline, the DRV2605L
against its register model (what the actuator would get, not which bytes were written)."""
import pytest

from firmware.drivers import drv2605
from firmware.drivers.drv2605 import Drv2605
from firmware.drivers.pwm_haptics import Buzzer, PwmMotor
from host_tools.boardsim import machine
from host_tools.boardsim.drv2605 import Drv2605 as Drv2605Model
from test_boardsim import clock  # noqa: F401 (the fixture: virtual time for the fake machine)


def test_pwm_motor_maps_levels_above_the_start_threshold(clock):
    pwm = machine.PWM(machine.Pin(25, machine.Pin.OUT))
    motor = PwmMotor(pwm, freq_hz=200, min_duty_pct=30)
    assert pwm.freq() == 200
    for t_ms, level in ((0, 255), (100, 0), (250, 1), (300, 128), (400, 0)):
        clock.t_us = t_ms * 1000
        motor.set(level)
    timeline = machine.pwm_timeline(25)
    assert [t for t, _ in timeline] == [0, 0, 100, 250, 300, 400]
    duties = [d for _, d in timeline]
    assert duties[0] == 0 and duties[1] == 65535 and duties[2] == 0 and duties[5] == 0
    assert 65535 * 30 // 100 <= duties[3] < duties[4] < 65535  # level 1 still spins the motor


def test_buzzer_is_a_half_duty_square_wave_when_on(clock):
    pwm = machine.PWM(machine.Pin(2, machine.Pin.OUT))
    buzzer = Buzzer(pwm)
    assert pwm.freq() == 2700
    buzzer.set(10)
    assert pwm.duty_u16() == 32768
    buzzer.set(255)
    assert pwm.duty_u16() == 32768
    buzzer.set(0)
    assert pwm.duty_u16() == 0


@pytest.mark.parametrize("make", [
    lambda: PwmMotor(machine.PWM(machine.Pin(25)), freq_hz=50),
    lambda: Buzzer(machine.PWM(machine.Pin(2)), freq_hz=200),
    lambda: PwmMotor(machine.PWM(machine.Pin(25))).set(256),
    lambda: PwmMotor(machine.PWM(machine.Pin(25))).set(-1),
])
def test_bad_pwm_arguments_raise(clock, make):
    with pytest.raises(ValueError):
        make()


def _drv(clock, actuator="erm", device_id=7):
    model = Drv2605Model(clock, device_id=device_id)
    machine.attach(0, 0x5A, model)
    return model, Drv2605(machine.I2C(0), actuator=actuator, sleep_ms=clock.sleep_ms)


@pytest.mark.parametrize("actuator", ["erm", "lra"])
def test_drv2605_plays_levels_in_rtp_and_sleeps_between_buzzes(clock, actuator):
    model, drv = _drv(clock, actuator)
    assert drv.name == "DRV2605L"
    assert model.actuator() == actuator
    assert model.regs[0x01] & 0x40  # standby until the first buzz
    for t_ms, level in ((10, 200), (60, 255), (110, 0), (300, 30), (400, 0)):
        clock.t_us = t_ms * 1000
        drv.set(level)
    assert model.timeline[-5:] == [(10, 200), (60, 255), (110, 0), (300, 30), (400, 0)]
    assert model.regs[0x01] & 0x40  # back in standby
    assert model.strays == []


def test_drv2605_signed_rtp_would_halve_and_invert_the_buzz(clock, monkeypatch):
    """The model is strict about DATA_FORMAT_RTP: a driver that forgets it fails."""
    monkeypatch.setattr(drv2605, "_RTP_UNSIGNED", 0)
    model, drv = _drv(clock)
    drv.set(200)
    assert model.drive() != 200


def test_drv2605_wrong_or_absent_chip_names_the_address(clock):
    machine.reset_all()
    with pytest.raises(OSError, match="nothing answers at I2C address 0x5a"):
        Drv2605(machine.I2C(0), sleep_ms=clock.sleep_ms)
    with pytest.raises(OSError, match=r"no DRV2605L at I2C address 0x5a \(STATUS 0x20\)"):
        _drv(clock, device_id=1)
    with pytest.raises(ValueError):
        _drv(clock, actuator="piezo")
