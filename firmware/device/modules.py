"""Forgetting modules that were needed only to start: the board profiles, the config schema and
its checks, the pin rules, the drivers a board does not have.

Why: installed as .mpy files (the default `leanclip flash` path), a module's bytecode, constants
and tables live in the heap for as long as something refers to it, sys.modules included. Once
the app is built, nothing calls these again until a rare event (a personal band saved, sleep),
which simply imports them afresh. A module whose functions or classes are still in use (the IMU
driver the board has) stays alive through them: forgetting it costs nothing. Savings per step
are measured in docs/device.md ("Memory").
"""
import sys

# Imported by boot.py and App(), used again only for a rare event (then imported afresh).
AFTER_START = ("firmware.device.startup", "firmware.device.boards", "firmware.device.pins",
               "firmware.device.devconfig", "firmware.device.pinrules", "firmware.core.config",
               "firmware.core.configtext", "firmware.core.logevents", "firmware.core.pipeinit",
               "firmware.drivers.imu", "firmware.drivers.mpu6xxx", "firmware.drivers.lsm6ds",
               "firmware.drivers.icm42688", "firmware.drivers.baro", "firmware.drivers.bmp",
               "firmware.drivers.drv2605",
               "firmware.drivers.pwm_haptics", "firmware.device.standby",
               "firmware.device.opening", "firmware.device.modules")
# Loaded at each session start (App.start_session), needed again only at the next.
SESSION_START = ("firmware.device.sessionstart", "firmware.device.modules")
# Boot's modules, of which main.py keeps only plain data (the profile, the cfg dict). main.py
# empties their globals as well: MicroPython's collector is conservative, and a stale word on
# the C stack or in main.py's frame still pointing at a module object (boot.py and main.py
# imported them there) kept all of them alive, ~19 KB measured on the ESP32 model.
_EMPTIED = ("firmware.device.startup", "firmware.device.boards", "firmware.device.pins",
            "firmware.device.devconfig", "firmware.device.pinrules", "firmware.core.config",
            "firmware.core.configtext")
_MICROPYTHON = sys.implementation.name == "micropython"  # CPython's modules are left whole


def forget(names=AFTER_START, empty=False):
    """Drop `names` from sys.modules and from their parent packages. `empty`: also empty the
    globals of boot's modules (_EMPTIED), for main.py alone, where nothing else holds them (a
    test script or a REPL user holding one would find it empty)."""
    for name in names:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        del sys.modules[name]
        if empty and _MICROPYTHON and name in _EMPTIED:
            mod.__dict__.clear()
        parent, _, child = name.rpartition(".")
        pkg = sys.modules.get(parent)
        if pkg is not None and getattr(pkg, child, None) is mod:
            delattr(pkg, child)
