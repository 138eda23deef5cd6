"""The fake machine module and the register models behave like the hardware they stand for:
if the fakes were lenient, the driver tests would prove nothing."""
import errno

import pytest

from firmware.device.boards import BOARDS
from firmware.drivers.imu import find_imu
from host_tools.boardsim import machine
from host_tools.boardsim.board import IMU_NAMES, wire
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.icm42688 import Icm42688
from host_tools.boardsim.lsm6ds import Lsm6ds
from host_tools.boardsim.mpu6xxx import Mpu6xxx
from host_tools.boardsim.regfile import FifoRing
from host_tools.boardsim.sources import (Constant, CsvRows, Rows, Sequence, check_decoded,
                                         counts)


@pytest.fixture
def clock():
    clk = ManualClock()
    machine.reset_all(clk)
    yield clk
    machine.reset_all()


def test_i2c_absent_address_fails_like_a_nack(clock):
    i2c = machine.I2C(0, scl=22, sda=21, freq=400000)
    machine.attach(0, 0x68, Mpu6xxx(clock, Constant()))
    assert i2c.scan() == [0x68]
    assert machine.I2C(1).scan() == []  # buses are separate
    with pytest.raises(OSError) as e:
        i2c.readfrom_mem(0x69, 0x75, 1)
    assert e.value.args[0] == errno.ENODEV
    with pytest.raises(OSError):
        i2c.writeto(0x3C, b"\x00")


def test_i2c_register_pointer_and_auto_increment(clock):
    i2c = machine.I2C(0)
    model = Mpu6xxx(clock, Constant(), "MPU-6500")
    machine.attach(0, 0x68, model)
    assert i2c.readfrom_mem(0x68, 0x75, 1) == b"\x70"
    i2c.writeto(0x68, b"\x1b\x10\x08")  # GYRO_CONFIG then ACCEL_CONFIG by auto-increment
    assert model.regs[0x1B] == 0x10 and model.regs[0x1C] == 0x08
    i2c.writeto(0x68, b"\x75")
    assert i2c.readfrom(0x68, 1) == b"\x70"


def test_undocumented_registers_are_recorded_as_strays(clock):
    model = Mpu6xxx(clock, Constant(), "MPU-6050")
    machine.attach(0, 0x68, model)
    i2c = machine.I2C(0)
    i2c.writeto_mem(0x68, 0x1D, b"\x03")  # ACCEL_CONFIG2 does not exist on the MPU-6050
    i2c.readfrom_mem(0x68, 0x00, 1)
    assert model.strays == [("w", 0x1D), ("r", 0x00)]


def test_mpu_samples_at_its_configured_rate_only_when_awake(clock):
    model = Mpu6xxx(clock, Constant(), "MPU-6050")
    i2c = machine.I2C(0)
    machine.attach(0, 0x68, model)
    clock.advance_ms(100)
    assert model.k == 0  # PWR_MGMT_1 resets to 0x40: asleep
    i2c.writeto_mem(0x68, 0x6B, b"\x01")
    i2c.writeto_mem(0x68, 0x19, b"\x04")  # SMPLRT_DIV 4
    i2c.writeto_mem(0x68, 0x1A, b"\x03")  # DLPF on -> 1 kHz / 5 = 200 Hz
    clock.advance_ms(100)
    i2c.readfrom_mem(0x68, 0x3A, 1)
    assert model.k == 20
    i2c.writeto_mem(0x68, 0x1A, b"\x00")  # DLPF off -> 8 kHz internal rate
    clock.advance_ms(10)
    i2c.readfrom_mem(0x68, 0x3A, 1)
    assert model.k == 20 + 16


def test_mpu_data_registers_are_big_endian_twos_complement(clock):
    model = Mpu6xxx(clock, Constant(-1.0, 0.5, 0.0, -250.0, 0.0, 1.0), "MPU-6050")
    machine.attach(0, 0x68, model)
    i2c = machine.I2C(0)
    i2c.writeto_mem(0x68, 0x6B, b"\x00")
    i2c.writeto_mem(0x68, 0x1A, b"\x01")
    clock.advance_ms(5)
    raw = i2c.readfrom_mem(0x68, 0x3B, 14)
    assert raw[0:2] == (-16384 & 0xFFFF).to_bytes(2, "big")
    assert raw[2:4] == (8192).to_bytes(2, "big")
    assert raw[8:10] == (-32750 & 0xFFFF).to_bytes(2, "big")  # -250 dps * 131 LSB/dps


def test_mpu6050_fifo_reset_needs_fifo_en_clear_and_overflow_misaligns(clock):
    model = Mpu6xxx(clock, Constant(), "MPU-6050")
    machine.attach(0, 0x68, model)
    i2c = machine.I2C(0)
    for reg, val in ((0x6B, 0x01), (0x19, 4), (0x1A, 3), (0x23, 0x78), (0x6A, 0x40)):
        i2c.writeto_mem(0x68, reg, bytes([val]))
    clock.advance_ms(50)
    assert int.from_bytes(i2c.readfrom_mem(0x68, 0x72, 2), "big") == 10 * 12
    i2c.writeto_mem(0x68, 0x6A, b"\x44")  # FIFO_RESET while FIFO_EN = 1: ignored by the 6050
    assert model.fifo.count == 120 and model.strays
    clock.advance_ms(1000)  # 200 samples * 12 B > 1024 B
    count = i2c.readfrom_mem(0x68, 0x72, 2)
    assert int.from_bytes(count, "big") == 1024  # 1024 is not a whole number of samples
    assert i2c.readfrom_mem(0x68, 0x3A, 1)[0] & 0x10  # FIFO_OFLOW_INT
    assert i2c.readfrom_mem(0x68, 0x3A, 1)[0] & 0x10 == 0  # cleared by the read


def test_fifo_ring_overwrite_and_stop_on_full():
    ring = FifoRing(8, 2, overwrite=True)
    ring.push(bytes(range(10)), 10)
    assert ring.count == 8 and ring.overflows == 1
    assert [ring.pop() for _ in range(8)] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert ring.pop() is None
    ring = FifoRing(8, 2, overwrite=False)
    ring.push(bytes(range(10)), 10)
    assert [ring.pop() for _ in range(8)] == [0, 1, 2, 3, 4, 5, 6, 7]


def test_icm42688_honours_endianness_bank_and_power(clock):
    model = Icm42688(clock, Constant(1.0, 0, 0, 0, 0, 0))
    machine.attach(0, 0x68, model)
    i2c = machine.I2C(0)
    assert i2c.readfrom_mem(0x68, 0x75, 1) == b"\x47"
    clock.advance_ms(10)
    assert model.k == 0  # PWR_MGMT0 resets to sensors off
    i2c.writeto_mem(0x68, 0x50, bytes([(1 << 5) | 7]))  # 8 g, 200 Hz
    i2c.writeto_mem(0x68, 0x4F, bytes([(1 << 5) | 7]))
    i2c.writeto_mem(0x68, 0x4E, b"\x0f")
    clock.advance_ms(10)
    assert i2c.readfrom_mem(0x68, 0x1F, 2) == (4096).to_bytes(2, "big")
    i2c.writeto_mem(0x68, 0x4C, b"\x20")  # SENSOR_DATA_ENDIAN = little
    clock.advance_ms(10)
    assert i2c.readfrom_mem(0x68, 0x1F, 2) == (4096).to_bytes(2, "little")
    i2c.writeto_mem(0x68, 0x76, b"\x01")  # bank 1: bank-0 registers are not there
    i2c.readfrom_mem(0x68, 0x1F, 2)
    assert model.strays


def test_lsm6ds3_continuous_fifo_keeps_newest_words_and_reports_pattern(clock):
    model = Lsm6ds(clock, Sequence(), "LSM6DS3")
    machine.attach(0, 0x6A, model)
    i2c = machine.I2C(0)
    assert i2c.readfrom_mem(0x6A, 0x0F, 1) == b"\x69"
    i2c.writeto_mem(0x6A, 0x10, bytes([0x5C]))  # 208 Hz, 8 g
    i2c.writeto_mem(0x6A, 0x11, bytes([0x58]))  # 208 Hz, 1000 dps
    i2c.writeto_mem(0x6A, 0x08, b"\x09")
    i2c.writeto_mem(0x6A, 0x0A, bytes([(5 << 3) | 6]))
    clock.advance_ms(4000)  # 832 samples * 6 words > 4096 words
    st = i2c.readfrom_mem(0x6A, 0x3A, 4)
    assert st[1] & 0x40  # OVER_RUN
    assert (st[3] << 8 | st[2]) == (832 * 6 - 4096) % 6  # oldest word is mid-sample
    i2c.writeto_mem(0x6A, 0x12, b"\x00")  # IF_INC off: a burst re-reads one address
    assert model._next(0x22) == 0x22


def test_lsm6dso_records_are_tagged(clock):
    model = Lsm6ds(clock, Constant(), "LSM6DSO")
    machine.attach(0, 0x6B, model)
    i2c = machine.I2C(0)
    i2c.writeto_mem(0x6B, 0x10, b"\x4c")
    i2c.writeto_mem(0x6B, 0x11, b"\x48")
    i2c.writeto_mem(0x6B, 0x09, b"\x44")
    i2c.writeto_mem(0x6B, 0x0A, b"\x06")
    clock.advance_ms(20)
    st = i2c.readfrom_mem(0x6B, 0x3A, 2)
    assert st[0] == 2 * 2  # two 104 Hz samples, a gyro and an accel record each
    rec = i2c.readfrom_mem(0x6B, 0x78, 14)  # rolls back from 0x7E to 0x78
    assert {rec[0] >> 3, rec[7] >> 3} == {0x01, 0x02}


def test_source_helpers():
    assert counts(1.0, 4096) == 4096 and counts(-1.0, 4096) == -4096
    assert counts(100.0, 4096) == 32767 and counts(-100.0, 4096) == -32768
    assert Rows([(1,) * 6, (2,) * 6]).row(5) == (2,) * 6
    seq = Sequence()
    buf = [0] * 12
    for i, k in enumerate((7, 9)):
        for ch, v in enumerate(seq.row(k)):
            buf[6 * i + ch] = counts(v, 4096 if ch < 3 else 32.8)
    first, last, errors = check_decoded(seq, buf, 2, 4096, 32.8)
    assert (first, last) == (7, 9)
    assert errors == [(1, "k", 9, 8)]  # sample 8 is missing


def test_pins_pwm_adc_wdt_and_sleep(clock):
    pressed = []
    button = machine.Pin(27, machine.Pin.IN, machine.Pin.PULL_UP)
    button.irq(lambda p: pressed.append(p.id), trigger=machine.Pin.IRQ_FALLING)
    assert button.value() == 1
    machine.drive(27, 0)
    assert button.value() == 0 and pressed == [27]
    machine.drive(27, 1)
    assert pressed == [27]  # rising edge not subscribed
    led = machine.Pin(19, machine.Pin.OUT, value=1)
    assert machine.pin_level(19) == 1
    led.off()
    assert machine.pin_level(19) == 0

    pwm = machine.PWM(machine.Pin(25), freq=200, duty_u16=0)
    clock.advance_ms(10)
    pwm.duty_u16(40000)
    pwm.duty_u16(40000)
    clock.advance_ms(5)
    pwm.deinit()
    assert machine.pwm_timeline(25) == [(0, 0), (10, 40000), (15, 0)]
    with pytest.raises(ValueError):
        pwm.duty_u16(70000)

    machine.set_adc_uv(38, 1_550_000)
    adc = machine.ADC(machine.Pin(38), atten=machine.ADC.ATTN_11DB)
    assert adc.read_uv() == 1_550_000
    assert adc.read_u16() == 1_550_000 * 65535 // 3_100_000

    wdt = machine.WDT(timeout=1000)
    clock.advance_ms(900)
    wdt.feed()
    assert not machine.wdt_starved()
    clock.advance_ms(1200)
    assert machine.wdt_starved()

    machine.lightsleep(500)
    assert clock.ticks_ms() == 2615
    with pytest.raises(machine.DeepSleep):
        machine.deepsleep(1000)
    assert [s[0] for s in machine.sleeps] == ["light", "deep"]
    assert machine.reset_cause() == machine.PWRON_RESET
    assert len(machine.unique_id()) == 6


def test_csv_rows_follow_time_not_row_number(tmp_path):
    path = tmp_path / "imu.csv"
    path.write_text("t,ax,ay,az,gx,gy,gz\n" + "".join(
        "%g,%d,0,1,0,0,0\n" % (i / 100, i) for i in range(10)))
    src = CsvRows(str(path), rate_hz=200)  # chip samples twice as fast as the recording
    assert [src.row(k)[0] for k in range(6)] == [0, 0, 1, 1, 2, 2]
    assert src.row(100)[0] == 9  # the last row holds after the end
    src = CsvRows(str(path))  # no rate: the chip model tells it its own when configured
    src.set_rate_hz(50)
    assert [src.row(k)[0] for k in range(3)] == [0, 2, 4]
    bad = tmp_path / "bad.csv"
    bad.write_text("time,x\n")
    with pytest.raises(ValueError, match="expected header"):
        CsvRows(str(bad), 200)


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_wire_puts_each_board_profile_on_the_fake_machine(clock, name):
    imu_model, haptic = wire(name, Constant(), battery_v=4.0)
    p = BOARDS[name]
    i2c = machine.I2C(p["i2c"]["id"], scl=p["i2c"]["scl"], sda=p["i2c"]["sda"])
    imu = find_imu(i2c, sleep_ms=clock.sleep_ms)
    assert imu._addr == p["imu"]["address"]
    assert imu.name == IMU_NAMES[p["imu"]["model"]]
    button = p["button"]
    assert machine.pin_level(button["pin"]) == (1 if button["active_low"] else 0)
    if p["battery"]:
        adc = machine.ADC(p["battery"]["adc_pin"], atten=machine.ADC.ATTN_11DB)
        assert adc.read_uv() * p["battery"]["divider"] == pytest.approx(4.0e6, rel=1e-3)


def test_wire_routes_the_imu_interrupt_to_the_profile_pin(clock):
    still = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    rows = [still] * 1000 + [(0.6 * (k % 2), 0.0, 1.0, 0.0, 0.0, 0.0) for k in range(20)]
    wire("xiao-esp32s3", Rows(rows))
    int_pin = BOARDS["xiao-esp32s3"]["imu"]["int_pin"]
    woke = []
    machine.Pin(int_pin, machine.Pin.IN).irq(lambda p: woke.append(p.id),
                                             trigger=machine.Pin.IRQ_RISING)
    imu = find_imu(machine.I2C(0), sleep_ms=clock.sleep_ms)
    assert imu.wake_on_motion(threshold_mg=300)
    clock.advance_ms(1000)
    imu._read_u8(0x75)
    assert machine.pin_level(int_pin) == 0 and woke == []
    clock.advance_ms(30000)
    imu._read_u8(0x75)
    assert machine.pin_level(int_pin) == 1 and woke == [int_pin]


@pytest.mark.parametrize("err", [errno.ENODEV, errno.EIO, errno.ETIMEDOUT])
def test_two_imus_share_a_bus_and_one_can_be_unplugged(clock, err):
    chest = Mpu6xxx(clock, Constant(0.0, 0.0, 1.0), "MPU-6050")
    pelvis = Mpu6xxx(clock, Constant(0.5, 0.0, 0.8), "MPU-6050")
    machine.attach(0, 0x68, chest)
    machine.attach(0, 0x69, pelvis)
    i2c = machine.I2C(0)
    assert i2c.scan() == [0x68, 0x69]
    for addr in (0x68, 0x69):
        i2c.writeto_mem(addr, 0x6B, b"\x00")  # awake
    clock.advance_ms(10)
    assert i2c.readfrom_mem(0x69, 0x3B, 2) == (8192).to_bytes(2, "big")  # its own source
    assert i2c.readfrom_mem(0x68, 0x3B, 2) == b"\x00\x00"
    machine.unplug(0, 0x69, err)
    assert i2c.scan() == [0x68]
    for op in (lambda: i2c.readfrom_mem(0x69, 0x75, 1),
               lambda: i2c.writeto_mem(0x69, 0x6B, b"\x00")):
        with pytest.raises(OSError) as e:
            op()
        assert e.value.args[0] == err
    assert i2c.readfrom_mem(0x68, 0x75, 1) == b"\x68"  # the chest is untouched
    machine.replug(0, 0x69)
    assert i2c.scan() == [0x68, 0x69]
    assert i2c.readfrom_mem(0x69, 0x6B, 1) == b"\x40"  # power-cycled: asleep, reset values
