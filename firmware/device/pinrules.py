"""Which GPIOs a board profile may use for what, per chip, as data - and the one check over it.

A wrong pin on an ESP32 rarely fails loudly: a flash pin hangs the chip, an ADC2 pin reads
garbage once the radio is on, a strapping pin held the wrong way at reset boots the ROM
downloader instead of MicroPython. So every profile is checked here (tests, `leanclip flash`)
before a runner finds out on the road.

Sources: ESP32 datasheet v4.x sec. 2.2 (pin list), 2.4 (strapping pins), 4.1.2 (ADC, "ADC2 is
not usable while Wi-Fi is in use"); ESP32-WROVER-E / ESP32-PICO-V3-02 datasheets (GPIO16/17 taken
by the PSRAM); ESP32-S3 datasheet v1.x sec. 2 (pins, SPI0/1 flash and PSRAM pins incl. GPIO33-37
for octal PSRAM), 3 (strapping GPIO0/3/45/46); ESP32-C3 datasheet v1.x sec. 2 (GPIO12-17 flash),
3 (strapping GPIO2/8/9); ESP-IDF ADC docs (ADC2 and radio); ESP-IDF sleep modes (RTC GPIOs that
wake from deep sleep; GPIO0-5 on the C3); MicroPython esp32 quickref (I2C ids, internal pulls,
input-only pins).
"""


def _span(a, b):
    return tuple(range(a, b + 1))


# deep_sleep_wake: pins that can wake the chip from deep sleep (RTC GPIOs; GPIO0-5 on the C3).
# Any pin can wake it from light sleep.
# boot_level: pins whose level during reset changes how the chip boots, with the level needed
# for a normal boot from flash. Strapping pins that only matter in download mode (ESP32 GPIO2/5/15,
# S3 GPIO3/46, C3 GPIO8) are left out: a button or motor on them does not break boot.
CHIPS = {
    "esp32": {
        "gpio": _span(0, 19) + _span(21, 23) + _span(25, 27) + _span(32, 39),
        "flash": _span(6, 11),
        "psram": {"quad": (16, 17)},  # WROVER / PICO-V3-02: PSRAM CS and clock
        "usb": (),
        "input_only": _span(34, 39),
        "adc1": _span(32, 39),
        "adc2": (0, 2, 4) + _span(12, 15) + _span(25, 27),
        "boot_level": {0: 1, 12: 0},
        "i2c_ids": (0, 1),
        "deep_sleep_wake": (0, 2, 4) + _span(12, 15) + _span(25, 27) + _span(32, 39),
    },
    "esp32s3": {
        "gpio": _span(0, 21) + _span(26, 48),
        "flash": _span(26, 32),
        "psram": {"quad": (), "octal": _span(33, 37)},  # quad PSRAM shares the flash pins
        "usb": (19, 20),
        "input_only": (),
        "adc1": _span(1, 10),
        "adc2": _span(11, 20),
        "boot_level": {0: 1, 45: 0},
        "i2c_ids": (0, 1),
        "deep_sleep_wake": _span(0, 21),
    },
    "esp32c3": {
        "gpio": _span(0, 21),
        "flash": _span(12, 17),
        "psram": {},
        "usb": (18, 19),
        "input_only": (),
        "adc1": _span(0, 4),
        "adc2": (5,),
        "boot_level": {2: 1, 9: 1},
        "i2c_ids": (0,),
        "deep_sleep_wake": _span(0, 5),
    },
}

_OUT = "out"
_IN = "in"
_ADC = "adc"


def pin_uses(profile):
    """(role, gpio, direction) for every pin the profile claims."""
    uses = []
    i2c = profile.get("i2c")
    if i2c:
        uses.append(("i2c sda", i2c["sda"], _OUT))
        uses.append(("i2c scl", i2c["scl"], _OUT))
    imu = profile.get("imu")
    if imu and imu.get("int_pin") is not None:
        uses.append(("imu int", imu["int_pin"], _IN))
    motor = profile.get("motor")
    if motor and motor.get("kind") == "pwm":
        uses.append(("motor", motor["pin"], _OUT))
    for role in ("buzzer", "led", "power_hold"):
        part = profile.get(role)
        if part:
            uses.append((role, part["pin"], _OUT))
    button = profile.get("button")
    if button:
        uses.append(("button", button["pin"], _IN))
    battery = profile.get("battery")
    if battery:
        uses.append(("battery", battery["adc_pin"], _ADC))
    return uses


# Levels a role can hold its pin at while the chip comes out of reset: the motor driver's gate or
# base pull-down (or the unit's) holds it low; a button is idle or pressed - holding it at
# power-on is how safe mode is entered, so both levels happen at reset.
_RESET_LEVELS = {"motor": (0,), "button": (0, 1)}


def pin_problems(profile):
    """One line per problem with the profile's pins; an empty list means the profile is usable.

    Lines starting "warning:" are boot hazards (strapping pins); the rest are errors. Shipped
    profiles must have neither.
    """
    chip_name = profile.get("chip")
    chip = CHIPS.get(chip_name)
    title = profile.get("title", "?")
    if chip is None:
        return ["%s: unknown chip '%s'; known: %s" % (title, chip_name, ", ".join(sorted(CHIPS)))]
    problems = []
    i2c = profile.get("i2c")
    if i2c and i2c.get("id") not in chip["i2c_ids"]:
        problems.append("%s: I2C bus id %s does not exist on the %s (ids: %s)"
                        % (title, i2c.get("id"), chip_name, chip["i2c_ids"]))
    reserved = chip["flash"] + chip["psram"].get(profile.get("psram"), ())
    seen = {}
    for role, pin, direction in pin_uses(profile):
        where = "%s: %s on GPIO%s" % (title, role, pin)
        if pin in seen:
            problems.append("%s: GPIO%s is used twice (%s and %s)" % (title, pin, seen[pin], role))
            continue
        seen[pin] = role
        if pin not in chip["gpio"]:
            problems.append("%s: GPIO%s does not exist on the %s" % (where, pin, chip_name))
            continue
        if pin in reserved:
            problems.append("%s: GPIO%s is wired to the module's flash/PSRAM" % (where, pin))
            continue
        if pin in chip["usb"]:
            problems.append("%s: GPIO%s is the chip's USB data line (REPL and flashing)"
                            % (where, pin))
        if direction == _OUT and pin in chip["input_only"]:
            problems.append("%s: GPIO%s is input-only and cannot drive an output" % (where, pin))
        if direction == _ADC:
            if pin in chip["adc2"]:
                problems.append("%s: GPIO%s is on ADC2, unusable while the radio is on; "
                                "use an ADC1 pin %s" % (where, pin, _range_text(chip["adc1"])))
            elif pin not in chip["adc1"]:
                problems.append("%s: GPIO%s has no ADC; use an ADC1 pin %s"
                                % (where, pin, _range_text(chip["adc1"])))
        if role == "button" and profile["button"].get("pull") and pin in chip["input_only"]:
            problems.append("%s: GPIO%s has no internal pull resistor; fit an external one and "
                            "set pull None" % (where, pin))
        need = chip["boot_level"].get(pin)
        if need is not None:
            for level in _RESET_LEVELS.get(role, ()):
                if level != need:
                    problems.append("warning: %s: strapping pin GPIO%s must be %s at reset to "
                                    "boot from flash, the %s can hold it %s"
                                    % (where, pin, _level_text(need), role, _level_text(level)))
                    break
    return problems


def wakes_from_deep_sleep(profile, pin):
    """Whether `pin` (the button's, the IMU interrupt's) can wake the board from deep sleep; if
    not (AtomS3 button: GPIO41), standby has to be light sleep, which any GPIO can end."""
    chip = CHIPS.get(profile.get("chip"))
    return bool(chip and pin is not None and pin in chip["deep_sleep_wake"])


def _level_text(level):
    return "high" if level else "low"


def _range_text(pins):
    return "(GPIO%d-%d)" % (pins[0], pins[-1])
