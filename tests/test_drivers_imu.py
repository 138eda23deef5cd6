"""IMU drivers against the register models (host_tools/boardsim), on CPython.

Every driver must find its chip by WHO_AM_I, program the scale/rate registers the datasheet
names, decode the FIFO within 1 LSB of what the model was fed (negatives included), lose no
sample across a 100 ms stall, and recover from a real overflow. The broken-variant tests prove
the models are strict: a driver with a wrong address, byte order or scale bits fails them.
"""
from array import array

import pytest

from firmware.drivers import icm42688, imu as imu_mod, lsm6ds, mpu6xxx
from firmware.drivers.imu import find_imu
from host_tools.boardsim import machine
from host_tools.boardsim.chips import IMUS, imu_model
from host_tools.boardsim.clock import ManualClock
from host_tools.boardsim.mpu6xxx import Mpu6xxx as MpuModel
from host_tools.boardsim.sources import Constant, CountsFile, Sequence, check_decoded, counts

ADDRESS = {"MPU-6050": 0x68, "MPU-6500": 0x68, "MPU-6886": 0x68, "MPU-9250": 0x69,
           "ICM-42688-P": 0x69, "LSM6DS3": 0x6A, "LSM6DSO": 0x6B}


class Rig:
    """One chip model on I2C bus 0 with virtual time, and the driver find_imu returns."""

    def __init__(self, chip, source=None, configure=True, **cfg):
        machine.reset_all()
        self.clock = ManualClock()
        self.source = source or Sequence()
        self.model = imu_model(chip, self.clock, self.source)
        machine.attach(0, ADDRESS[chip], self.model)
        self.i2c = machine.I2C(0, scl=22, sda=21)
        self.imu = find_imu(self.i2c, sleep_ms=self.clock.sleep_ms)
        if configure:
            self.imu.configure(**cfg)
        self.k_next = None

    def read(self, samples=64):
        buf = array("h", [0] * (6 * samples))
        n = self.imu.read_into(buf)
        return buf, n

    def step(self, ms, samples=512):
        """Advance virtual time, drain, check against the source; return (n, errors)."""
        self.clock.advance_ms(ms)
        buf, n = self.read(samples)
        first, last, errors = check_decoded(self.source, buf, n, self.imu.accel_lsb_per_g,
                                            self.imu.gyro_lsb_per_dps, self.k_next)
        if n:
            self.k_next = last + 1
        return n, errors, buf


@pytest.fixture(params=IMUS)
def chip(request):
    return request.param


def test_find_imu_identifies_each_chip_by_who_am_i(chip):
    rig = Rig(chip, configure=False)
    assert rig.imu.name == chip
    assert rig.imu._addr == ADDRESS[chip]


@pytest.mark.parametrize("rate_hz", [50, 100, 200])
def test_configure_programs_rate_and_scales_the_model_reads_back(chip, rate_hz):
    for accel_fs_g in (2, 4, 8, 16):
        for gyro_fs_dps in (250, 500, 1000, 2000):
            rig = Rig(chip, rate_hz=rate_hz, accel_fs_g=accel_fs_g, gyro_fs_dps=gyro_fs_dps)
            m, imu = rig.model, rig.imu
            assert m.accel_lsb_per_g() == pytest.approx(imu.accel_lsb_per_g)
            assert m.gyro_lsb_per_dps() == pytest.approx(imu.gyro_lsb_per_dps)
            assert m._odr_hz == imu.rate_hz
            assert abs(imu.rate_hz - rate_hz) <= rate_hz * 0.05
            assert m.strays == []


def test_low_pass_keeps_step_dynamics():
    """The filter codes the drivers pick: the widest band at or below rate/4 (docs/drivers.md)."""
    rig = Rig("MPU-6050", rate_hz=200)
    assert rig.model.regs[0x1A] & 7 == 3  # DLPF_CFG 3: 44 Hz accel / 42 Hz gyro
    rig = Rig("MPU-6886", rate_hz=100)
    assert rig.model.regs[0x1A] & 7 == 4 and rig.model.regs[0x1D] & 7 == 4  # 20/21 Hz
    rig = Rig("ICM-42688-P", rate_hz=200)
    assert rig.model.regs[0x52] == 0x33  # 400 Hz / 8 = 50 Hz, accel and gyro


@pytest.mark.parametrize("scale,accel_fs_g,gyro_fs_dps",
                         [(1.0, 8, 1000), (0.2, 2, 250), (1.0, 16, 2000)])
def test_decoded_counts_are_within_1_lsb_of_the_source(chip, scale, accel_fs_g, gyro_fs_dps):
    rig = Rig(chip, Sequence(scale), accel_fs_g=accel_fs_g, gyro_fs_dps=gyro_fs_dps)
    seen = []
    for _ in range(40):
        n, errors, buf = rig.step(10)
        assert errors == []
        seen.extend(buf[: 6 * n])
    assert len(seen) >= 6 * 70
    for ch in range(6):
        values = seen[ch::6]
        assert min(values) < 0  # two's complement decoded on every axis
        if ch in (0, 2, 3):
            assert max(values) > 0
    assert rig.model.strays == [] and rig.model.underruns == 0


def test_read_drains_the_fifo_and_a_small_buffer_leaves_the_rest(chip):
    rig = Rig(chip)
    rig.clock.advance_ms(50)
    total, first = 0, None
    while True:
        n, errors, buf = rig.step(0, samples=3)
        assert errors == [] and n <= 3
        if not n:
            break
        if first is None:
            first = rig.source.index(buf[5] / rig.imu.gyro_lsb_per_dps)
        total += n
    assert total >= rig.imu.rate_hz * 50 // 1000 - 1
    assert rig.k_next - first == total  # consecutive across the small reads
    unit = {"LSM6DSO": 7, "LSM6DS3": 2}.get(chip, 1)
    assert rig.model.fifo.count < 2 * 6 * unit + 16  # less than one whole sample is left


@pytest.mark.parametrize("rate_hz", [100, 200])
def test_a_100_ms_stall_loses_no_sample(chip, rate_hz):
    rig = Rig(chip, rate_hz=rate_hz)
    assert rig.imu.fifo_samples * 1000 // rig.imu.rate_hz > 100
    for _ in range(10):
        n, errors, _ = rig.step(5)
        assert errors == []
    n, errors, _ = rig.step(100)
    assert errors == []  # consecutive sample indices: nothing dropped or repeated
    assert abs(n - rig.imu.rate_hz // 10) <= 2
    for _ in range(10):
        n, errors, _ = rig.step(5)
        assert errors == []
    assert rig.imu.overflowed == 0
    assert rig.model.underruns == 0


def test_an_overflow_is_counted_and_the_stream_recovers(chip):
    rig = Rig(chip)
    rig.step(10)
    rig.clock.advance_ms(5000)  # longer than any of the FIFOs holds
    drained = 0
    for _ in range(10):
        buf, n = rig.read(samples=1024)
        _, _, errors = check_decoded(rig.source, buf, n, rig.imu.accel_lsb_per_g,
                                     rig.imu.gyro_lsb_per_dps)
        assert [e for e in errors if e[1] != "k"] == []  # values stay right after an overflow
        drained += n
    assert rig.imu.overflowed >= 1
    assert drained <= rig.imu.fifo_samples + 1
    rig.k_next = None
    rig.step(5)
    for _ in range(20):
        n, errors, _ = rig.step(5)
        assert errors == []


def test_no_imu_lists_what_answered():
    machine.reset_all()
    i2c = machine.I2C(0)
    with pytest.raises(OSError, match=r"no IMU found on I2C \(scanned: no device answered\); "
                                      r"check wiring"):
        find_imu(i2c)
    clock = ManualClock()
    clone = MpuModel(clock, Constant(), "MPU-6050")
    clone.regs[0x75] = 0x12  # an unsupported part at an IMU address
    machine.attach(0, 0x68, clone)
    machine.attach(0, 0x3C, MpuModel(clock, Constant()))  # e.g. a display
    with pytest.raises(OSError, match=r"scanned: 0x3c, 0x68 \(WHO_AM_I 0x12\)\); check wiring"):
        find_imu(i2c)


@pytest.mark.parametrize("driver,address", [(mpu6xxx.Mpu6xxx, 0x69), (icm42688.Icm42688, 0x68),
                                            (lsm6ds.Lsm6ds, 0x6B)])
def test_absent_or_wrong_chip_names_the_address(driver, address):
    machine.reset_all()
    i2c = machine.I2C(0)
    with pytest.raises(OSError, match="nothing answers at I2C address 0x%02x" % address):
        driver(i2c, address)
    model = MpuModel(ManualClock(), Constant())
    model.regs[0x75] = model.regs[0x0F] = 0x00
    machine.attach(0, address, model)
    with pytest.raises(OSError, match="at I2C address 0x%02x \\(WHO_AM_I 0x00\\)" % address):
        driver(i2c, address)


class CountingI2C:
    def __init__(self, i2c):
        self._i2c = i2c
        self.writes = 0

    def readfrom_mem_into(self, *args):
        self._i2c.readfrom_mem_into(*args)

    def writeto_mem(self, *args):
        self.writes += 1
        self._i2c.writeto_mem(*args)


@pytest.mark.parametrize("bad", [{"rate_hz": 150}, {"accel_fs_g": 3}, {"gyro_fs_dps": 300}])
def test_bad_arguments_are_rejected_before_any_write(chip, bad):
    rig = Rig(chip, configure=False)
    counting = CountingI2C(rig.i2c)
    imu = type(rig.imu)(counting, ADDRESS[chip], rig.clock.sleep_ms)
    with pytest.raises(ValueError, match="must be one of"):
        imu.configure(**bad)
    assert counting.writes == 0


def _flip_byte_order(module):
    real = module.unpack

    def wrong(src, units, packet, offs, big, *rest):
        return real(src, units, packet, offs, 1 - big, *rest)

    return wrong


# (chip, module, attribute, broken value): each is one plausible driver bug.
BROKEN = [
    ("MPU-6050", mpu6xxx, "_GYRO_CONFIG", 0x1C),  # wrong register address
    ("MPU-6500", mpu6xxx, "_ACCEL_FS", {2: 0, 4: 1, 8: 1, 16: 3}),  # wrong scale bits
    # the MPU-6886 FIFO read as if it had no temperature in it (12-byte samples)
    ("MPU-6886", mpu6xxx, "_LAYOUT", {k: mpu6xxx._LAYOUT[0x68] for k in mpu6xxx._LAYOUT}),
    ("MPU-9250", mpu6xxx, "unpack", _flip_byte_order(mpu6xxx)),  # wrong byte order
    ("ICM-42688-P", icm42688, "_GYRO_FS", {2000: 0, 1000: 2, 500: 2, 250: 3}),
    ("ICM-42688-P", icm42688, "_OFFS", b"\x00\x02\x04\x06\x08\x0a"),  # header not skipped
    ("ICM-42688-P", icm42688, "unpack", _flip_byte_order(icm42688)),
    ("LSM6DS3", lsm6ds, "_DS3_OFFS", b"\x00\x02\x04\x06\x08\x0a"),  # accel first: wrong order
    ("LSM6DS3", lsm6ds, "_ACCEL_FS", {2: 0, 4: 1, 8: 2, 16: 3}),  # FS_XL coding is not linear
    ("LSM6DS3", lsm6ds, "unpack", _flip_byte_order(lsm6ds)),
    ("LSM6DSO", lsm6ds, "_CTRL2_G", 0x12),
    ("LSM6DSO", lsm6ds, "_GYRO_FS", {250: 0, 500: 1, 1000: 3, 2000: 3}),
]


@pytest.mark.parametrize("chip,module,attr,value", BROKEN,
                         ids=["%s-%s" % (b[0], b[2]) for b in BROKEN])
def test_a_broken_driver_fails_against_the_model(monkeypatch, chip, module, attr, value):
    monkeypatch.setattr(module, attr, value)
    rig = Rig(chip)
    found = []
    for _ in range(10):
        n, errors, _ = rig.step(10)
        found += errors
    assert found or rig.model.strays or rig.model.underruns


def test_find_imu_tries_every_driver():
    assert set(imu_mod.DRIVERS) == {mpu6xxx.Mpu6xxx, icm42688.Icm42688, lsm6ds.Lsm6ds}


class Shake:
    """Still (1 g on z) until `moving_g` is set; then x alternates by that much every sample."""

    def __init__(self):
        self.moving_g = 0.0
        self._still = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)

    def row(self, k):
        if not self.moving_g:
            return self._still
        m = self.moving_g
        return (m if k % 2 else 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


WOM_CHIPS = ["MPU-6050", "MPU-6500", "MPU-9250", "ICM-42688-P"]


@pytest.mark.parametrize("chip", WOM_CHIPS)
def test_wake_on_motion_raises_int_on_movement_above_the_threshold(chip):
    source = Shake()
    rig = Rig(chip, source)
    levels = []
    rig.model.on_int = levels.append
    assert rig.imu.wake_on_motion(threshold_mg=200) is True
    assert rig.model._odr_hz <= 50  # low-power rate, not the 200 Hz of configure()
    rig.clock.advance_ms(2000)
    rig.i2c.readfrom_mem(ADDRESS[chip], 0x75, 1)  # any access lets the model catch up
    assert rig.model.int_level == 0 and levels == []
    source.moving_g = 0.1  # below the threshold: a breath, a car seat
    rig.clock.advance_ms(1000)
    rig.i2c.readfrom_mem(ADDRESS[chip], 0x75, 1)
    assert rig.model.int_level == 0
    source.moving_g = 0.5  # picked up
    rig.clock.advance_ms(500)
    rig.i2c.readfrom_mem(ADDRESS[chip], 0x75, 1)
    assert rig.model.int_level == 1 and levels == [1]  # latched, active high
    assert rig.model.strays == []
    rig.imu.configure()  # back to work: the reset releases the line
    assert rig.model.int_level == 0


@pytest.mark.parametrize("chip", ["MPU-6886", "LSM6DS3", "LSM6DSO"])
def test_wake_on_motion_is_declined_where_not_implemented(chip):
    rig = Rig(chip)
    assert rig.imu.wake_on_motion() is False
    assert rig.model.strays == []


def test_wake_on_motion_threshold_is_checked():
    rig = Rig("ICM-42688-P")
    with pytest.raises(ValueError, match="threshold_mg"):
        rig.imu.wake_on_motion(threshold_mg=2000)


def test_mpu6050_motion_needs_the_accel_high_pass(monkeypatch):
    """A driver that leaves ACCEL_HPF at 0 never wakes: the model holds it to the datasheet."""
    real = mpu6xxx.Mpu6xxx._write_u8

    def no_hpf(self, reg, value):
        real(self, reg, value & ~0x07 if reg == 0x1C else value)

    monkeypatch.setattr(mpu6xxx.Mpu6xxx, "_write_u8", no_hpf)
    source = Shake()
    rig = Rig("MPU-6050", source)
    rig.imu.wake_on_motion()
    source.moving_g = 0.8
    rig.clock.advance_ms(500)
    rig.i2c.readfrom_mem(0x68, 0x75, 1)
    assert rig.model.int_level == 0


def test_a_counts_file_reads_back_as_the_same_samples(chip, tmp_path):
    """sources.CountsFile (the heap bench's source): counts recorded at the driver's scales give
    the same samples through every chip model and driver as that motion given in g and dps."""
    seq = Sequence(0.2)
    want = Rig(chip, seq)
    imu = want.imu
    lsb = [imu.accel_lsb_per_g] * 3 + [imu.gyro_lsb_per_dps] * 3
    rows = array("h", [counts(seq.row(k)[i], lsb[i]) for k in range(4000) for i in range(6)])
    path = tmp_path / "counts.bin"
    path.write_bytes(rows.tobytes())
    got = Rig(chip, CountsFile(str(path), imu.accel_lsb_per_g, imu.gyro_lsb_per_dps))
    for rig in (want, got):
        rig.clock.advance_ms(150)  # under the smallest FIFO (MPU-6500: 512 B)
    ref, n = want.read(128)
    out, m = got.read(128)
    assert m == n >= 25 and list(out[:6 * n]) == list(ref[:6 * n])
