"""Board profiles: every pin LeanClip uses, per supported board, as data.

This table is the one source of truth: the device loop opens its pins from it, `leanclip flash`
picks the image offset and mpy-cross arch from it, hardware/ generates its wiring tables and
diagrams from it, and tests/test_boards.py checks every entry against the chip's pin rules
(pinrules.py). Change a pin here and all of those follow.

Keys of a profile (all pins are GPIO numbers of the chip, not silkscreen labels):
  title, chip ("esp32" / "esp32s3" / "esp32c3"), march (mpy-cross -march), image_offset
      (where the MicroPython image goes: 0x1000 on ESP32, 0x0 on S3/C3),
  micropython: the official MicroPython build to download (board, variant; "" = default),
  psram: None / "quad" / "octal" (octal PSRAM on the S3 takes GPIO33-37 away),
  i2c: bus id, sda, scl, freq - the bus the IMU is on,
  imu: what is fitted (model, address); drivers still identify the chip by WHO_AM_I;
      int_pin: the GPIO its interrupt line reaches (wake-on-motion), or None,
  pelvis: the optional pelvis pod's IMU (model, address) on the same bus at the strap-high
      address (drivers/imu.py), or None where the IMU's bus is not on a connector,
  motor: {"kind": "pwm", "pin", "freq_hz", "driver"} with driver "unit" (a module with its own
      transistor), "nmos" or "npn" (our driver circuit, hardware/README.md), or
      {"kind": "drv2605l", "address"}, or None,
  buzzer: {"pin"} of a passive piezo, or None,
  button: {"pin", "active_low", "pull"}; pull "up"/"down" = the chip's internal resistor,
      None = the board has an external one,
  led: {"pin", "active_low"} or None,
  battery: {"adc_pin", "divider"} (divider = Vbat / Vpin) or None when there is no way to measure,
  power_hold: {"pin"} on boards that switch themselves off unless the firmware drives it high,
  labels: the silkscreen name of each pin we use, for the wiring tables,
  sources: where the pins come from; notes: what a real board must confirm.
"""

BOARDS = {
    "m5stickc-plus2": {
        "title": "M5StickC Plus2",
        "chip": "esp32",
        "march": "xtensawin",
        "image_offset": 0x1000,
        "micropython": {"board": "ESP32_GENERIC", "variant": "SPIRAM"},
        "psram": "quad",
        "i2c": {"id": 0, "sda": 21, "scl": 22, "freq": 400000},
        "imu": {"model": "mpu6886", "address": 0x68, "int_pin": None},
        # No pelvis pod: the IMU's bus (G21/G22) is inside the stick, on no header.
        "pelvis": None,
        # A Grove vibration motor unit on the HY2.0-4P port (G32/G33): the unit carries its own
        # transistor and diode and runs from the port's 5 V.
        "motor": {"kind": "pwm", "pin": 32, "freq_hz": 200, "driver": "unit"},
        "buzzer": {"pin": 2},
        "button": {"pin": 37, "active_low": True, "pull": None},
        "led": {"pin": 19, "active_low": False},
        "battery": {"adc_pin": 38, "divider": 2.0},
        "power_hold": {"pin": 4},
        "labels": {21: "internal", 22: "internal", 32: "G32 (Grove)", 2: "internal",
                   37: "BtnA", 19: "internal", 38: "internal", 4: "HOLD"},
        "sources": "docs.m5stack.com StickC-Plus2 pin map; ESPHome devices page M5StickC PLUS2 "
                   "(GPIO38 battery x2, GPIO2 buzzer, GPIO19 LED/IR, I2C 21/22, IMU 0x68); "
                   "GPIO4 HOLD from M5StickCPlus2 examples",
        "notes": "Confirm which Grove line carries the unit's signal: units that put SIG on the "
                 "SCL position land on G33 (change motor pin to 33). Confirm the LED polarity "
                 "(G19 also drives the IR emitter) and the 2:1 battery divider against a meter.",
    },
    "atoms3": {
        "title": "M5Stack AtomS3",
        "chip": "esp32s3",
        "march": "xtensawin",
        "image_offset": 0x0,
        "micropython": {"board": "ESP32_GENERIC_S3", "variant": ""},
        "psram": None,
        "i2c": {"id": 0, "sda": 38, "scl": 39, "freq": 400000},
        "imu": {"model": "mpu6886", "address": 0x68, "int_pin": None},
        "pelvis": None,  # not offered: confirm first that the IMU bus (G38/G39) reaches a header
        "motor": {"kind": "pwm", "pin": 2, "freq_hz": 200, "driver": "unit"},
        "buzzer": None,
        "button": {"pin": 41, "active_low": True, "pull": None},
        "led": None,
        "battery": None,
        "power_hold": None,
        "labels": {38: "internal", 39: "internal", 2: "G2 (Grove)", 41: "screen button"},
        "sources": "docs.m5stack.com AtomS3 pin map (internal I2C G38/G39, button G41, "
                   "Grove G1/G2); M5Unified button table (G41, falling edge)",
        "notes": "USB powered (no battery inside): wear it with a small USB power bank or use "
                 "the XIAO build. Confirm the IMU is an MPU6886 (AtomS3R has a BMI270) and "
                 "which Grove line carries the motor unit's signal (G2 or G1). GPIO41 is not an "
                 "RTC pin: the button wakes the S3 from light sleep only, not deep sleep.",
    },
    "xiao-esp32s3": {
        "title": "Seeed XIAO ESP32-S3 + ICM-42688-P",
        "chip": "esp32s3",
        "march": "xtensawin",
        "image_offset": 0x0,
        "micropython": {"board": "ESP32_GENERIC_S3", "variant": "SPIRAM_OCT"},
        "psram": "octal",
        "i2c": {"id": 0, "sda": 5, "scl": 6, "freq": 400000},
        # INT1 on D2 (GPIO3, an RTC pin) lets the IMU's wake-on-motion end deep sleep.
        "imu": {"model": "icm42688p", "address": 0x68, "int_pin": 3},
        "pelvis": {"model": "icm42688p", "address": 0x69},
        "motor": {"kind": "pwm", "pin": 2, "freq_hz": 200, "driver": "nmos"},
        "buzzer": None,
        "button": {"pin": 4, "active_low": True, "pull": "up"},
        "led": {"pin": 21, "active_low": True},
        # The XIAO has no battery sense: two equal resistors from BAT+ to D0 halve the voltage.
        "battery": {"adc_pin": 1, "divider": 2.0},
        "power_hold": None,
        "labels": {5: "D4/SDA", 6: "D5/SCL", 3: "D2", 2: "D1", 4: "D3", 21: "USER LED",
                   1: "D0/A0"},
        "sources": "wiki.seeedstudio.com XIAO ESP32S3 pin multiplexing and TinyGo pin table "
                   "(D0=GPIO1 ... D5=GPIO6, user LED GPIO21)",
        "notes": "Battery divider is ours (2 x 1M + 100 nF to D0). Confirm the user LED is lit "
                 "by a low level. ESP32-S3R8: octal PSRAM, so GPIO33-37 are never usable.",
    },
    "xiao-esp32c3": {
        "title": "Seeed XIAO ESP32-C3 + ICM-42688-P",
        "chip": "esp32c3",
        "march": "rv32imc",
        "image_offset": 0x0,
        "micropython": {"board": "ESP32_GENERIC_C3", "variant": ""},
        "psram": None,
        "i2c": {"id": 0, "sda": 6, "scl": 7, "freq": 400000},
        # No IMU interrupt: the only free deep-sleep wake pin left (GPIO2) is a strapping pin
        # that an idle-low INT line would hold low at reset.
        "imu": {"model": "icm42688p", "address": 0x68, "int_pin": None},
        "pelvis": {"model": "icm42688p", "address": 0x69},
        # Same D-pin positions as the S3 build would be nicer, but D0 (GPIO2) is a strapping
        # pin that must read high at boot, so motor and battery sit on D2 and D1 here.
        "motor": {"kind": "pwm", "pin": 4, "freq_hz": 200, "driver": "nmos"},
        "buzzer": None,
        "button": {"pin": 5, "active_low": True, "pull": "up"},
        "led": None,
        "battery": {"adc_pin": 3, "divider": 2.0},
        "power_hold": None,
        "labels": {6: "D4/SDA", 7: "D5/SCL", 4: "D2", 5: "D3", 3: "D1/A1"},
        "sources": "wiki.seeedstudio.com XIAO ESP32C3 getting started / pin multiplexing; "
                   "DeviceScript seeed_xiao_esp32c3 pin table (D0=GPIO2 ... D5=GPIO7)",
        "notes": "No user LED on the C3 (only the charge LED). The button is on GPIO5 because "
                 "only GPIO0-5 can wake the C3 from deep sleep. Battery divider is ours "
                 "(2 x 1M + 100 nF to D1).",
    },
    "esp32-devkitc": {
        "title": "ESP32-DevKitC + MPU-6050 (breadboard)",
        "chip": "esp32",
        "march": "xtensawin",
        "image_offset": 0x1000,
        "micropython": {"board": "ESP32_GENERIC", "variant": ""},
        "psram": None,
        "i2c": {"id": 0, "sda": 21, "scl": 22, "freq": 400000},
        "imu": {"model": "mpu6050", "address": 0x68, "int_pin": 26},
        "pelvis": {"model": "mpu6050", "address": 0x69},
        "motor": {"kind": "pwm", "pin": 25, "freq_hz": 200, "driver": "npn"},
        "buzzer": None,
        "button": {"pin": 27, "active_low": True, "pull": "up"},
        "led": None,
        "battery": None,
        "power_hold": None,
        "labels": {21: "IO21", 22: "IO22", 26: "IO26", 25: "IO25", 27: "IO27"},
        "sources": "Espressif ESP32-DevKitC V4 user guide header pinout; ESP32 datasheet "
                   "(RTC GPIOs for wake, ADC channels, strapping pins)",
        "notes": "USB powered bench build. Not GPIO0 for the button: held at boot it would "
                 "enter the ROM downloader instead of LeanClip's safe mode.",
    },
}


def profile(name):
    """The profile called `name`; an unknown name lists the known ones (config typos happen)."""
    try:
        return BOARDS[name]
    except KeyError:
        raise ValueError("unknown board '%s'; known: %s"
                         % (name, ", ".join(sorted(BOARDS)))) from None
