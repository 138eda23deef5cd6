"""The board's peripherals, opened from its profile (boards.py) by opening.py, which holds the
one-shot work (opening.open_parts): here is only what the app uses while it runs."""
ACCEL_FS_G = 8      # a heel strike reaches 4-6 g at the trunk
GYRO_FS_DPS = 1000  # trunk rotation stays well under this even in a sprint


class Peripherals:
    """IMU (configured), haptic output, button, LED, battery and, if fitted, a barometer and
    the pelvis pod (`pod`: a pod.Pod, its IMU configured, or None)."""

    def __init__(self, profile, imu_rate_hz):
        from .opening import open_parts  # (run once, then forgotten: opening.py)

        open_parts(self, profile, imu_rate_hz)

    def setup_imu(self):
        """Configure the IMU (again, after a brown-out reset it or it stopped answering).
        Raises OSError while it does not answer."""
        self.imu.configure(rate_hz=self.imu_rate_hz, accel_fs_g=ACCEL_FS_G,
                           gyro_fs_dps=GYRO_FS_DPS)

    def battery_mv(self):
        """Battery voltage in mV, or 0 where the board cannot measure it. read_uv() uses the
        chip's eFuse ADC calibration (MicroPython docs, esp32 quickref)."""
        if self.adc is None:
            return 0
        return self.adc.read_uv() // 1000 * self.divider_milli // 1000

    def pressed(self):
        return self.button.value() == self.pressed_level

    def led_set(self, on):
        if self.led is not None:
            self.led.value(self.led_on_level if on else 1 - self.led_on_level)
