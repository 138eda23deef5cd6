"""Chest + pelvis IMUs on one bus (issue 17), on CPython against the register models: both found
by scan and WHO_AM_I at their strap addresses, read from their own FIFOs, the pelvis optional
(absent -> None, unsupported -> None, never raises) and unplugged mid-run without touching the
chest. The MicroPython side (heap use, mpy-cross output) is tests/test_drivers_pelvis_upy.py."""
import errno
from array import array

import pytest

from firmware.device.boards import BOARDS
from firmware.drivers.imu import CHEST, DRIVERS, PELVIS, find_imu, find_pelvis
from firmware.drivers.pelvis import Pelvis
from host_tools.boardsim import machine
from host_tools.boardsim.board import IMU_NAMES, wire, wire_pelvis
from host_tools.boardsim.chips import IMUS, imu_model
from host_tools.boardsim.sources import Constant, Sequence, check_decoded
from test_boardsim import clock  # noqa: F401 - the fixture: virtual time on a fresh fake machine


def strap(chip, slot):
    """The chip's address for `slot`, from the drivers' registry."""
    return [cls for cls in DRIVERS if chip in cls.CHIPS.values()][0].ADDRESSES[slot]


def two_on_one_bus(clock, chest_chip, pelvis_chip, chest_src=None, pelvis_src=None):
    chest_model = imu_model(chest_chip, clock, chest_src or Sequence())
    pelvis_model = imu_model(pelvis_chip, clock, pelvis_src or Sequence(0.5))
    machine.attach(0, strap(chest_chip, CHEST), chest_model)
    machine.attach(0, strap(pelvis_chip, PELVIS), pelvis_model)
    i2c = machine.I2C(0)
    chest = find_imu(i2c, clock.sleep_ms)
    pelvis = find_pelvis(i2c, chest.address, clock.sleep_ms)
    return i2c, chest, pelvis, chest_model, pelvis_model


def drain(reader, src, k_next, buf):
    """read_into on a chip driver or a Pelvis, checked against its source."""
    n = reader.read_into(buf)
    chip = getattr(reader, "imu", reader)
    first, last, errors = check_decoded(src, buf, n, chip.accel_lsb_per_g, chip.gyro_lsb_per_dps,
                                        k_next)
    return n, (last + 1 if n else k_next), errors


def test_the_registry_gives_every_chip_a_chest_and_a_pelvis_address():
    for cls in DRIVERS:
        assert len(cls.ADDRESSES) == 2 and cls.ADDRESSES[CHEST] != cls.ADDRESSES[PELVIS]
    assert strap("MPU-6050", PELVIS) == 0x69 and strap("ICM-42688-P", PELVIS) == 0x69
    assert (strap("LSM6DSO", CHEST), strap("LSM6DSO", PELVIS)) == (0x6A, 0x6B)


@pytest.mark.parametrize("pelvis_chip", IMUS)
@pytest.mark.parametrize("chest_chip", ["MPU-6886", "ICM-42688-P", "LSM6DSO"])
def test_both_found_and_both_fifos_decode(clock, chest_chip, pelvis_chip):
    chest_src, pelvis_src = Sequence(), Sequence(0.5)
    _, chest, pelvis, _, pelvis_model = two_on_one_bus(clock, chest_chip, pelvis_chip,
                                                      chest_src, pelvis_src)
    assert (chest.name, chest.address) == (chest_chip, strap(chest_chip, CHEST))
    assert isinstance(pelvis, Pelvis) and pelvis.present
    assert (pelvis.imu.name, pelvis.imu.address) == (pelvis_chip, strap(pelvis_chip, PELVIS))
    chest.configure(rate_hz=200)
    assert pelvis.configure(rate_hz=200)
    bufs = array("h", [0] * 6 * 64), array("h", [0] * 6 * 64)
    k = [None, None]
    totals = [0, 0]
    for step in range(40):
        clock.advance_ms(100 if step == 20 else 10)  # one 100 ms stall: both FIFOs hold it
        for i, (imu, src) in enumerate(((chest, chest_src), (pelvis, pelvis_src))):
            n, k[i], errors = drain(imu, src, k[i], bufs[i])
            assert errors == []
            totals[i] += n
    assert min(totals) >= 95  # 0.49 s of virtual time at ~200 Hz, each from its own source
    assert pelvis_model.strays == [] and pelvis_model.underruns == 0


def test_no_pod_means_none(clock):
    machine.attach(0, 0x68, imu_model("ICM-42688-P", clock, Constant()))
    i2c = machine.I2C(0)
    assert find_pelvis(i2c, find_imu(i2c, clock.sleep_ms).address, clock.sleep_ms) is None


def test_a_foreign_chip_at_the_pelvis_address_is_not_a_pelvis(clock):
    machine.attach(0, 0x68, imu_model("MPU-6050", clock, Constant()))
    rtc = imu_model("MPU-6050", clock, Constant())
    rtc.regs[0x75] = rtc.RESET[0x75] = 0x12  # a DS3231-style stranger at 0x69
    machine.attach(0, 0x69, rtc)
    i2c = machine.I2C(0)
    assert find_pelvis(i2c, find_imu(i2c, clock.sleep_ms).address, clock.sleep_ms) is None


def test_find_pelvis_never_raises_on_a_broken_bus(clock):
    class Broken:
        def scan(self):
            raise OSError(errno.ETIMEDOUT)

    assert find_pelvis(Broken(), 0x68) is None


def test_the_chest_is_the_strap_low_imu_whatever_the_scan_order(clock):
    # A pelvis MPU at 0x69 scans before a chest LSM6DSO at 0x6A: the chest is still the 0x6A one.
    _, chest, pelvis, _, _ = two_on_one_bus(clock, "LSM6DSO", "MPU-6050")
    assert (chest.address, pelvis.imu.address) == (0x6A, 0x69)


def test_a_lone_imu_strapped_high_is_the_chest_and_there_is_no_pelvis(clock):
    machine.attach(0, 0x69, imu_model("ICM-42688-P", clock, Constant()))
    i2c = machine.I2C(0)
    chest = find_imu(i2c, clock.sleep_ms)
    assert chest.address == 0x69
    assert find_pelvis(i2c, chest.address, clock.sleep_ms) is None


@pytest.mark.parametrize("err", [errno.ENODEV, errno.EIO, errno.ETIMEDOUT])
def test_unplugged_mid_run_the_pelvis_goes_missing_and_the_chest_reads_on(clock, err):
    chest_src = Sequence()
    _, chest, pelvis, _, pelvis_model = two_on_one_bus(clock, "ICM-42688-P", "ICM-42688-P",
                                                      chest_src)
    chest.configure()
    pelvis.configure()
    buf, pbuf = array("h", [0] * 6 * 64), array("h", [0] * 6 * 64)
    k = None
    got = []
    for step in range(30):
        clock.advance_ms(10)
        if step == 10:
            machine.unplug(0, 0x69, err)
        n, k, errors = drain(chest, chest_src, k, buf)
        assert errors == [] and n
        got.append(pelvis.read_into(pbuf))
    assert all(got[:10]) and not any(got[10:])
    assert (pelvis.present, pelvis.lost) == (False, 1)
    assert pelvis.reconnect() is False  # still unplugged: no exception either
    assert machine.I2C(0).scan() == [0x68]


def test_replugged_the_pelvis_comes_back_configured(clock):
    pelvis_src = Sequence(0.5)
    _, chest, pelvis, _, model = two_on_one_bus(clock, "MPU-6050", "MPU-6050",
                                               pelvis_src=pelvis_src)
    chest.configure()
    pelvis.configure(rate_hz=100, accel_fs_g=4, gyro_fs_dps=500)
    machine.unplug(0, 0x69)
    buf = array("h", [0] * 6 * 64)
    assert pelvis.read_into(buf) == 0 and not pelvis.present
    machine.replug(0, 0x69)
    assert model.regs[0x6B] == 0x40  # powered up asleep, as after any power cycle
    assert pelvis.reconnect() and pelvis.present and pelvis.lost == 1
    assert (pelvis.imu.rate_hz, pelvis.imu.accel_lsb_per_g) == (100, 8192)
    clock.advance_ms(100)
    n, _, errors = drain(pelvis.imu, pelvis_src, None, buf)
    assert n >= 9 and errors == []


def test_configure_on_a_pod_that_fell_off_returns_false(clock):
    _, _, pelvis, _, _ = two_on_one_bus(clock, "ICM-42688-P", "ICM-42688-P")
    machine.unplug(0, 0x69, errno.EIO)
    assert pelvis.configure() is False and pelvis.lost == 1
    with pytest.raises(ValueError):  # a bad argument is a programming error, not a loose cable
        pelvis.configure(rate_hz=123)


@pytest.mark.parametrize("name", sorted(n for n in BOARDS if BOARDS[n]["pelvis"]))
def test_wire_pelvis_puts_the_pod_where_the_profile_says(clock, name):
    wire(name, Constant())
    wire_pelvis(name, Constant())
    p = BOARDS[name]
    i2c = machine.I2C(p["i2c"]["id"])
    chest = find_imu(i2c, clock.sleep_ms)
    pelvis = find_pelvis(i2c, chest.address, clock.sleep_ms)
    assert chest.address == p["imu"]["address"]
    assert (pelvis.imu.name, pelvis.imu.address) == (IMU_NAMES[p["pelvis"]["model"]],
                                                     p["pelvis"]["address"])


def test_wire_pelvis_refuses_a_board_without_a_pod(clock):
    with pytest.raises(ValueError, match="no pelvis pod"):
        wire_pelvis("m5stickc-plus2", Constant())
