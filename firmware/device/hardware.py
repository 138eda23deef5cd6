"""The board's peripherals, opened from its profile (boards.py): the one place that turns pin
numbers into machine objects, so boot-time checks and the app open pins the same way."""
try:
    import machine
except ImportError:  # CPython imports this module only to read it (host tools, docs)
    machine = None

# The drivers are imported where a board's profile picks them, not here: the ones it does not
# have are then never loaded, and the finders are forgotten after start-up (modules.py).

ACCEL_FS_G = 8      # a heel strike reaches 4-6 g at the trunk
GYRO_FS_DPS = 1000  # trunk rotation stays well under this even in a sprint


def open_haptic(profile, i2c):
    """The motor, or the buzzer on a board with no motor: anything with set(level)."""
    motor = profile.get("motor")
    if motor and motor["kind"] == "pwm":
        from ..drivers.pwm_haptics import PwmMotor

        return PwmMotor(machine.PWM(machine.Pin(motor["pin"])), motor["freq_hz"])
    if motor and motor["kind"] == "drv2605l":
        from ..drivers.drv2605 import Drv2605

        return Drv2605(i2c, motor["address"])
    if profile.get("buzzer"):
        from ..drivers.pwm_haptics import Buzzer

        return Buzzer(machine.PWM(machine.Pin(profile["buzzer"]["pin"])))
    raise OSError("board profile has neither a motor nor a buzzer")


class Peripherals:
    """IMU (configured), haptic output, button, LED, battery and, if fitted, a barometer and
    the pelvis pod (`pod`: a pod.Pod, its IMU configured, or None)."""

    def __init__(self, profile, imu_rate_hz):
        from ..drivers.baro import find_baro
        from ..drivers.imu import find_imu, find_pelvis
        from .pins import hold_power, open_button

        hold_power(profile)
        bus = profile["i2c"]
        self.i2c = machine.I2C(bus["id"], scl=machine.Pin(bus["scl"]),
                               sda=machine.Pin(bus["sda"]), freq=bus["freq"])
        self.imu = find_imu(self.i2c)
        self.imu_rate_hz = imu_rate_hz
        self.setup_imu()
        self.pod = None
        self.pod_problem = None  # why a pod that answered is not used (for /errors.log)
        # a board whose IMU bus reaches a connector, and a pod answering on it: only then is
        # the pod's code loaded (pod.py; the boot's heap peak is tight on boards without PSRAM)
        dev = find_pelvis(self.i2c, self.imu.address) if profile.get("pelvis") else None
        if dev is not None:
            from .pod import use

            self.pod, self.pod_problem = use(dev, self.imu, imu_rate_hz, ACCEL_FS_G, GYRO_FS_DPS)
        self.haptic = open_haptic(profile, self.i2c)
        # optional: a barometer on the same bus lets the coach tell a hill from hip bending
        self.baro = find_baro(self.i2c)
        if self.baro is not None:
            self.baro.configure()
        self.button, self.pressed_level = open_button(profile)
        led = profile.get("led")
        self.led = None
        if led:
            self.led_on_level = 0 if led["active_low"] else 1
            self.led = machine.Pin(led["pin"], machine.Pin.OUT, value=1 - self.led_on_level)
        bat = profile.get("battery")
        self.adc = None
        if bat:
            self.adc = machine.ADC(machine.Pin(bat["adc_pin"]), atten=machine.ADC.ATTN_11DB)
            self.divider_milli = int(bat["divider"] * 1000)

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
