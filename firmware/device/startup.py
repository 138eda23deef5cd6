"""What boot.py does before anything else: keep the power on, and decide on SAFE MODE.

Safe mode (the button held while the board starts) skips the app, so a board whose app hangs,
crash-loops or starts a watchdog can always be reached by `leanclip flash` and mpremote. It
must depend on as little as possible: the board name, the button pin, nothing else.
"""
import time

from . import boards, devconfig
from .pins import hold_power, open_button

_SAMPLES = 3          # the button must read pressed this many times ...
_SAMPLE_GAP_MS = 20   # ... this far apart (contact bounce is over in a few ms)

safe_mode = False


def settings():
    """(board name, profile, cfg, config problems): what App() needs from the board's files,
    read by main.py before the app is imported, so that the board profiles and the config
    schema and parser (~25 KB as .mpy) can be forgotten before the app's modules (~60 KB) are
    loaded instead of sharing the heap with them (docs/device.md, "Memory"). None where the
    board name cannot be read: App() then reads the files itself and fails the usual way
    (/errors.log, restart with backoff)."""
    try:
        name = devconfig.board_name()
        profile = boards.profile(name)
    except (OSError, ValueError):
        return None
    cfg, problems = devconfig.load()
    # only what the board reads of its profile (its parts and pins, the chip for sleep's wake
    # pins): title, sources, notes, pin labels and the image to flash are the host's, and
    # their text would take ~0.6 KB of heap for the whole session (docs/device.md, "Memory")
    profile = {k: profile[k] for k in ("chip", "i2c", "imu", "pelvis", "motor", "buzzer",
                                       "button", "led", "battery", "power_hold")}
    # and this board's own: its accelerometer's six-face calibration (or None), for open_parts
    profile["accel_trim"] = devconfig.accel_trim()
    return name, profile, cfg, problems


def check():
    """Hold the power, read the button; sets and returns `safe_mode`. A board with no name yet
    (never flashed through leanclip) has nothing to protect: not safe mode."""
    global safe_mode
    try:
        profile = boards.profile(devconfig.board_name())
    except (OSError, ValueError):
        return False
    hold_power(profile)
    pin, level = open_button(profile)
    held = 0
    for i in range(_SAMPLES):
        if i:
            time.sleep_ms(_SAMPLE_GAP_MS)
        held += pin.value() == level
    safe_mode = held == _SAMPLES
    if safe_mode:
        print("LeanClip SAFE MODE: button held at boot, app not started (reset to leave)")
    return safe_mode
